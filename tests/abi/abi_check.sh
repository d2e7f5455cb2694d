#!/bin/sh
# The ABI check of tests/abi/README.md, with libabigail:
#   abi_check.sh BASELINE.abi LIBRARY HEADER-DIR...
# Dumps LIBRARY's ABI (the types of the public headers in HEADER-DIR only) and compares
# it with BASELINE, the dump of the last release. Added functions and enumerators added
# at the end of an enum are compatible. Any other change abidiff reports (a removed or
# changed function, a struct that changed size or layout, renumbered enumerators) breaks
# the ABI and passes only when the SONAME changed too. Exit 0 when the policy holds, 1
# when not.
set -eu
baseline=$1 library=$2
shift 2
headers=""
for dir in "$@"; do headers="$headers --headers-dir $dir"; done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086
abidw $headers --drop-private-types --no-corpus-path --out-file "$work/head.abi" "$library"

soname() { sed -n "s/.*<abi-corpus [^>]*soname='\([^']*\)'.*/\1/p" "$1" | head -n 1; }
old=$(soname "$baseline")
new=$(soname "$work/head.abi")
[ -n "$old" ] && [ -n "$new" ] || { echo "abi: no SONAME in $baseline or $library" >&2; exit 1; }

status=0
abidiff --no-added-syms "$baseline" "$work/head.abi" \
    >"$work/report" || status=$?
cat "$work/report"
if [ $((status & 3)) -ne 0 ]; then
    echo "abi: abidiff failed (status $status)" >&2
    exit 1
fi
if [ "$status" -eq 0 ]; then
    echo "abi: compatible with the release ($old)"
    exit 0
fi
if [ "$old" != "$new" ]; then
    echo "abi: incompatible with the release, and the SONAME changed ($old -> $new): allowed"
    exit 0
fi
echo "abi: incompatible with the release but the SONAME is still $new: the policy wants" \
     "DFOTA_SOVERSION raised in CMakeLists.txt (tests/abi/README.md)" >&2
exit 1
