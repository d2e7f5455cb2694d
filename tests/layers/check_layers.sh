#!/bin/sh
# Keeps the arrows between object files one way: object A depends on object B when A
# uses a symbol B defines (nm -u against nm --defined-only); tsort orders the graph and
# fails on a loop. Usage:
#   check_layers.sh OBJECT...    the objects to check (any set: the port files, all of src/)
#   check_layers.sh --self-test  proves the check fails on a loop and passes without one
set -eu
export LC_ALL=C # one collation for sort and join

objects_graph() {
    defs=$(mktemp)
    for o in "$@"; do
        nm --defined-only -g "$o" | awk -v o="$o" 'NF == 3 && $2 ~ /[A-Z]/ { print $3, o }'
    done | sort -u >"$defs"
    for o in "$@"; do
        echo "$o $o"
        nm -u "$o" | awk '{ print $NF }' | sort -u | join - "$defs" | while read -r _ d; do
            [ "$d" = "$o" ] || echo "$d $o"
        done
    done | sort -u
    rm -f "$defs"
}

check() {
    for o in "$@"; do
        nm "$o" >/dev/null || { echo "cannot read the symbols of $o" >&2; return 2; }
    done
    graph=$(objects_graph "$@")
    errors=$(mktemp)
    if ! order=$(printf '%s\n' "$graph" | tsort 2>"$errors"); then
        loop=$(sed -n 's/^tsort: //p' "$errors" | grep -v 'input contains a loop' | sort -u)
        echo "a loop between: $(printf '%s\n' "$loop" | sed 's|.*/||' | tr '\n' ' ')" >&2
        printf '%s\n' "$graph" | while read -r d u; do
            if [ "$d" != "$u" ] && printf '%s\n' "$loop" | grep -qxF "$d" &&
                printf '%s\n' "$loop" | grep -qxF "$u"; then
                echo "  ${u##*/} uses ${d##*/}" >&2
            fi
        done
        rm -f "$errors"
        return 1
    fi
    rm -f "$errors"
    echo "one way, lowest first:"
    printf '%s\n' "$order" | sed 's|.*/||'
}

self_test() {
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    printf 'int b(void);\nint a(void) { return 1; }\nint c(void) { return b(); }\n' >"$dir/a.c"
    printf 'int a(void);\nint b(void) { return a(); }\n' >"$dir/b.c"
    printf 'int b(void);\nint d(void) { return b(); }\n' >"$dir/d.c"
    printf 'int a(void) { return 1; }\n' >"$dir/e.c"
    for f in a b d e; do cc -c -o "$dir/$f.o" "$dir/$f.c"; done
    if check "$dir/a.o" "$dir/b.o" >/dev/null 2>&1; then
        echo "self-test: a loop between a.o and b.o was not seen" >&2
        exit 1
    fi
    check "$dir/e.o" "$dir/d.o" >/dev/null || { echo "self-test: one-way pair refused" >&2; exit 1; }
    if check "$dir/e.o" "$dir/missing.o" >/dev/null 2>&1; then
        echo "self-test: a missing object passed" >&2
        exit 1
    fi
    echo "self-test: a loop and a missing object fail the check, a one-way pair passes"
}

if [ "${1:-}" = "--self-test" ]; then
    self_test
else
    # CMake hands a list of objects over as one argument separated by ';'.
    # shellcheck disable=SC2046
    set -- $(printf '%s\n' "$@" | tr ';' '\n')
    [ $# -gt 0 ] || { echo "usage: $0 OBJECT... | --self-test" >&2; exit 2; }
    check "$@"
fi
