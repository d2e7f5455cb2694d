#!/bin/sh
# Keeps the arrows between object files one way: object A depends on object B when A
# uses a symbol B defines (nm -u against nm --defined-only); tsort orders the graph and
# fails on a loop. With a rank file it also checks that every arrow points down the layers
# (tests/layers/ranks: the folders of src/, each with its rank). Usage:
#   check_layers.sh [--ranks FILE] OBJECT...  the objects to check (any set: all of src/)
#   check_layers.sh --self-test               proves the check fails on a loop and on an
#                                             arrow up the ranks, and passes without them
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

# The folder of src/ an object was built from: "fsm" for .../src/fsm/core.c.o, "session"
# for a file of src/ itself.
object_folder() {
    rel=${1##*/src/}
    case $rel in
    */*) echo "${rel%%/*}" ;;
    *) echo session ;;
    esac
}

# Reads "used user" arrows on stdin; prints each that breaks the rank file $1.
rank_breaks() {
    while read -r d u; do
        [ "$d" != "$u" ] || continue
        fd=$(object_folder "$d")
        fu=$(object_folder "$u")
        [ "$fd" != "$fu" ] || continue
        awk -v fd="$fd" -v fu="$fu" -v d="${d##*/src/}" -v u="${u##*/src/}" '
            /^#/ || NF < 2 { next }
            { rank[$1] = $2; only[$1] = ""; for (i = 3; i <= NF; i++) only[$1] = only[$1] " " $i " " }
            END {
                if (!(fd in rank) || !(fu in rank)) {
                    printf "  %s or %s: a folder the rank file does not name\n", fu, fd; exit }
                if (rank[fd] >= rank[fu])
                    printf "  %s (%s, rank %d) uses %s (%s, rank %d): not a lower layer\n",
                           u, fu, rank[fu], d, fd, rank[fd]
                else if (only[fd] != "" && index(only[fd], " " fu " ") == 0)
                    printf "  %s (%s) uses %s: %s is for%s alone\n", u, fu, d, fd, only[fd]
            }' "$1"
    done
}

check() {
    ranks=
    if [ "${1:-}" = "--ranks" ]; then
        ranks=$2
        shift 2
        # A rank file that cannot be read names no folder: every arrow would pass.
        grep -qv '^#' "$ranks" 2>/dev/null ||
            { echo "cannot read the ranks in $ranks" >&2; return 2; }
    fi
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
    if [ -n "$ranks" ]; then
        breaks=$(printf '%s\n' "$graph" | rank_breaks "$ranks" | sort -u)
        if [ -n "$breaks" ]; then
            echo "arrows up the layers ($ranks):" >&2
            printf '%s\n' "$breaks" >&2
            return 1
        fi
        echo "every arrow points down the layers of $ranks"
    fi
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
    # An arrow up the ranks: src/at/e.c uses src/fsm/d.c; and the session's own folder.
    mkdir -p "$dir/src/at" "$dir/src/fsm" "$dir/src/os"
    printf 'int d(void) { return 1; }\n' >"$dir/src/fsm/d.c"
    printf 'int d(void);\nint e(void) { return d(); }\n' >"$dir/src/at/e.c"
    printf 'int f(void) { return 2; }\n' >"$dir/src/os/f.c"
    printf 'int f(void);\nint g(void) { return f(); }\n' >"$dir/src/fsm/g.c"
    printf 'at 0\nos 0 session\nfsm 1\n' >"$dir/ranks"
    for f in src/fsm/d src/at/e src/os/f src/fsm/g; do cc -c -o "$dir/$f.c.o" "$dir/$f.c"; done
    if check --ranks "$dir/ranks" "$dir/src/fsm/d.c.o" "$dir/src/at/e.c.o" >/dev/null 2>&1; then
        echo "self-test: src/at/ using src/fsm/ passed the ranks" >&2
        exit 1
    fi
    if check --ranks "$dir/ranks" "$dir/src/os/f.c.o" "$dir/src/fsm/g.c.o" >/dev/null 2>&1; then
        echo "self-test: src/fsm/ using src/os/ (the session's alone) passed the ranks" >&2
        exit 1
    fi
    if check --ranks "$dir/no-such-ranks" "$dir/src/at/e.c.o" >/dev/null 2>&1; then
        echo "self-test: a rank file that cannot be read passed the ranks" >&2
        exit 1
    fi
    check --ranks "$dir/ranks" "$dir/src/at/e.c.o" >/dev/null ||
        { echo "self-test: one object refused by the ranks" >&2; exit 1; }
    echo "self-test: a loop, a missing object, arrows up the ranks and an unreadable rank" \
        "file fail the check," \
        "a one-way pair passes"
}

if [ "${1:-}" = "--self-test" ]; then
    self_test
else
    # CMake hands a list of objects over as one argument separated by ';'.
    # shellcheck disable=SC2046
    set -- $(printf '%s\n' "$@" | tr ';' '\n')
    [ $# -gt 0 ] || { echo "usage: $0 [--ranks FILE] OBJECT... | --self-test" >&2; exit 2; }
    check "$@"
fi
