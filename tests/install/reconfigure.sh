#!/bin/sh
# An option that defaults to what is found follows what is found at every configure,
# unless the user set it: DFOTA_WITH_MODEMMANAGER (AUTO) in one build tree, configured
# first where pkg-config finds no libdbus-1 (as before libdbus-1-dev is installed), then
# where it does, as the README's two Quick start commands do one after the other.
#   reconfigure.sh SOURCE_DIR
set -eu
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# pkg-config's own folders, but for dbus-1.pc: what a machine without libdbus-1-dev has.
mkdir "$work/no-dbus"
for dir in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
    for pc in "$dir"/*.pc; do
        [ -e "$pc" ] && [ "${pc##*/}" != dbus-1.pc ] && ln -sf "$pc" "$work/no-dbus/"
    done
done

configure() {
    cmake -S "$src" -B "$work/build" -DDFOTA_BUILD_TESTS=OFF "$@" >"$work/log" 2>&1 ||
        { cat "$work/log"; exit 1; }
    sed -n 's/^-- dfota --modemmanager: \([A-Z0-9]*\) .*/\1/p' "$work/log"
}
expect() {
    [ "$2" = "$3" ] || { echo "FAIL: $1: --modemmanager $2, expected $3"; exit 1; }
    echo "$1: --modemmanager $2"
}

pkg-config --exists dbus-1 || { echo "libdbus-1-dev is not installed: nothing to compare"; exit 77; }
expect "without libdbus-1" "$(PKG_CONFIG_LIBDIR=$work/no-dbus configure)" OFF
expect "then with it, same tree" "$(configure)" ON
expect "the user's OFF kept" "$(configure -DDFOTA_WITH_MODEMMANAGER=OFF)" OFF
expect "and again without -D" "$(configure)" OFF
expect "AUTO again" "$(configure -DDFOTA_WITH_MODEMMANAGER=AUTO)" ON
echo "DFOTA_WITH_MODEMMANAGER follows what each configure finds"
