#!/bin/sh
# Builds the libFuzzer harnesses with clang and runs each for SECONDS (default 60) on a
# scratch copy of its seed corpus (the committed corpus is never written).
# Prints "fuzz <name> executions <N> findings <K>" per harness; exits non-zero on any crash,
# leak, sanitizer report or broken invariant, keeping the reproducers in
# <build>/fuzz-findings/<name>/.
#
# Usage: tests/fuzz/run.sh [SECONDS]
# Environment: DFOTA_FUZZ_BUILD (build directory, default <repo>/build-fuzz),
#              CC (default clang), JOBS (build parallelism, default 2).
set -eu

seconds=${1:-60}
case $seconds in
'' | *[!0-9]*)
    echo "usage: $0 [SECONDS]" >&2
    exit 2
    ;;
esac
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DFOTA_FUZZ_BUILD:-$repo/build-fuzz}
harnesses="at qind target cli"

# The fuzz directory is part of the project's test tree; until tests/CMakeLists.txt adds
# it, it is configured as a project of its own.
if grep -Eq '^[[:space:]]*add_subdirectory\([[:space:]]*fuzz[[:space:]]*\)' \
    "$repo/tests/CMakeLists.txt"; then
    CC=${CC:-clang} cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DDFOTA_BUILD_EXAMPLES=OFF -DDFOTA_BUILD_TESTS=ON -DDFOTA_WITH_LIBSERIALPORT=OFF \
        -DDFOTA_WITH_POSIX=OFF >/dev/null
    bin=$build/tests/fuzz
else
    build=$build-standalone
    CC=${CC:-clang} cmake -S "$repo/tests/fuzz" -B "$build" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    bin=$build
fi
targets=
for name in $harnesses; do
    targets="$targets fuzz_$name"
done
# shellcheck disable=SC2086 # one word per target
if ! cmake --build "$build" -j "${JOBS:-2}" --target $targets; then
    echo "fuzz: build failed (is the compiler clang with libclang-rt?)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dfota-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
findings_dir=$build/fuzz-findings
status=0

for name in $harnesses; do
    dir=$work/$name
    mkdir -p "$dir/corpus" "$dir/artifacts"
    cp -R "$repo/tests/fuzz/corpus/$name/." "$dir/corpus/"
    rc=0
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin/fuzz_$name" -max_total_time="$seconds" -timeout=10 -detect_leaks=1 \
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
        >"$dir/log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*\([0-9]*\).*/\1/p' \
        "$dir/log" | tail -n 1)
    findings=$(find "$dir/artifacts" -type f | wc -l | tr -d ' ')
    if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|deadly signal' \
        "$dir/log"; then
        [ "$findings" -gt 0 ] || findings=1
    fi
    if [ "$rc" -ne 0 ] && [ "$findings" -eq 0 ]; then
        findings=1
    fi
    echo "fuzz $name executions ${execs:-0} findings $findings"
    if [ "$findings" -ne 0 ] || [ -z "$execs" ]; then
        status=1
        rm -rf "${findings_dir:?}/$name"
        mkdir -p "$findings_dir/$name"
        cp -R "$dir/artifacts/." "$findings_dir/$name/"
        cp "$dir/log" "$findings_dir/$name/log"
        echo "---- fuzz_$name (exit $rc), reproducers and log in $findings_dir/$name/" >&2
        grep -E -A 30 'ERROR:|runtime error:|deadly signal' "$dir/log" | head -n 60 >&2 || true
    fi
done
exit $status
