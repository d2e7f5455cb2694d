#!/bin/sh
# The ABI check's verdict on one variant of the policy library against its base:
#   verdict.sh ABI_CHECK HEADER-DIR BASE-LIBRARY VARIANT-LIBRARY pass|fail
set -eu
check=$1 headers=$2 base=$3 variant=$4 want=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
abidw --headers-dir "$headers" --drop-private-types --no-corpus-path \
    --out-file "$work/base.abi" "$base"
got=pass
sh "$check" "$work/base.abi" "$variant" "$headers" || got=fail
echo "verdict: $got (expected $want)"
[ "$got" = "$want" ]
