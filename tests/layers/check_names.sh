#!/bin/sh
# Every name a file of the library defines, its statics included, carries the file's
# prefix: the whole name of the file (port_posix_open in port_posix.c), or the part
# before or after its first '_' (follow_enter in phase_follow.c, family_rows_ in
# family_rows.c). Read from the objects' symbol tables (nm); a static inside a function
# (nm's "name.N"), the compiler's own symbols ("_...", reserved to it: a sanitizer's
# constructors) and Arm's mapping symbols ("$t", "$d", "$x") are not the file's names. Usage:
#   check_names.sh OBJECT...    the objects to check
#   check_names.sh --self-test  proves a name without its file's prefix fails the check
set -eu
export LC_ALL=C

# The names in object $1 that do not carry the prefix of its source file.
names_without_prefix() {
    file=${1##*/}
    file=${file%%.*}
    head=${file%%_*}
    tail=${file#*_}
    nm "$1" | awk -v file="$file" -v head="$head" -v tail="$tail" '
        NF == 3 && $2 ~ /^[TtDdBbRr]$/ && $3 !~ /[.]/ && $3 !~ /^[_$]/ && $3 !~ /^CSWTCH/ {
            n = $3
            if (index(n, file "_") == 1 || index(n, head "_") == 1 || index(n, tail "_") == 1)
                next
            if (n ~ /^dfota_/) # the public calls, in the files that implement them
                next
            print n
        }'
}

check() {
    bad=0
    for o in "$@"; do
        nm "$o" >/dev/null || { echo "cannot read the symbols of $o" >&2; return 2; }
        names=$(names_without_prefix "$o")
        if [ -n "$names" ]; then
            src=${o##*/src/}
            echo "${src%.o}: $(printf '%s\n' "$names" | tr '\n' ' ')" >&2
            bad=1
        fi
    done
    [ "$bad" = 0 ] || { echo "names without their file's prefix (above)" >&2; return 1; }
    echo "every name carries its file's prefix ($# objects)"
}

self_test() {
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    printf 'static int trim(int x) { return x + 1; }\nint phase_a_run(int x) { return trim(x); }\n' \
        >"$dir/phase_a.c"
    printf 'static int a_step(int x) { return x * 2; }\nint phase_a_go(int x) { return a_step(x); }\n' \
        >"$dir/phase_b.c"
    cc -O0 -c -o "$dir/phase_a.c.o" "$dir/phase_a.c"
    cc -O0 -c -o "$dir/phase_b.c.o" "$dir/phase_b.c"
    if check "$dir/phase_a.c.o" >/dev/null 2>&1; then
        echo "self-test: a static named trim passed" >&2
        exit 1
    fi
    if check "$dir/phase_b.c.o" >/dev/null 2>&1; then
        echo "self-test: a_step and phase_a_go in phase_b.c passed" >&2
        exit 1
    fi
    echo "self-test: names without their file's prefix fail the check"
}

if [ "${1:-}" = "--self-test" ]; then
    self_test
else
    # shellcheck disable=SC2046
    set -- $(printf '%s\n' "$@" | tr ';' '\n')
    [ $# -gt 0 ] || { echo "usage: $0 OBJECT... | --self-test" >&2; exit 2; }
    check "$@"
fi
