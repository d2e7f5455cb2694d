#!/bin/bash
# The bash completion of dfota(1), driven as bash drives it (COMP_WORDS, COMP_CWORD),
# with bash-completion's library loaded.
#   completion.sh DFOTA COMPLETION-SCRIPT [BASH_COMPLETION]
# Exits 77 (skipped) when bash-completion is not installed.
set -u
tool=$1 script=$2 library=${3:-/usr/share/bash-completion/bash_completion}
[[ -r $library ]] || { echo "bash-completion not installed: skipped"; exit 77; }
# shellcheck disable=SC1090
source "$library"
# shellcheck disable=SC1090
source "$script"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# Completes the words given (the last is the one under the cursor) with the completion
# dfota has, as bash would; prints the candidates, sorted, on one line.
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    local fn
    fn=$(complete -p dfota | sed -nE 's/.*-F ([^ ]+).*/\1/p')
    "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect() { # expected-candidates words...
    local want=$1 got
    shift
    got=$(complete_words "$@")
    if [[ $got == "$want" ]]; then
        echo "ok: '$*' -> $got"
    else
        echo "FAIL: '$*' -> '$got', expected '$want'"
        failures=$((failures + 1))
    fi
}

expect "upgrade upload" "$tool" up
expect "families" "$tool" fa
expect "info" "$tool" --json in
expect "--port --port-timeout" "$tool" upgrade --po
expect "--first-urc-timeout" "$tool" watch --first
expect "" "$tool" info --baud 115200 --ufs-prefix /cache/ufs/ x
expect "115200" "$tool" info --baud 1152

# Ports under /dev/serial/by-id and /dev/ttyUSB*, /dev/ttyACM* (a made-up /dev here).
mkdir -p "$work/dev/serial/by-id"
touch "$work/dev/serial/by-id/usb-Quectel_EM060K-GL-if02-port0" "$work/dev/ttyUSB2" \
      "$work/dev/ttyACM0" "$work/dev/ttyS0"
export DFOTA_COMPLETION_DEV=$work/dev
expect "$work/dev/serial/by-id/usb-Quectel_EM060K-GL-if02-port0 $work/dev/ttyACM0 $work/dev/ttyUSB2" \
    "$tool" upgrade --port ""
expect "$work/dev/ttyUSB2" "$tool" info -p "$work/dev/ttyU"

# --family names from `dfota families`: a tool that has the command, and one that has not.
cat >"$work/with-families" <<'TOOL'
#!/bin/sh
case "$1" in
families) printf 'FAMILY  MODELS\nEG06xK  EG060K EG065K\nEx120K  EC200U\n\nEM060K  EM060K-GL\n' ;;
--help) printf '      --family NAME   the module family\n  -p, --port PATH  port\n' ;;
esac
TOOL
cat >"$work/without-families" <<'TOOL'
#!/bin/sh
case "$1" in
families) echo "unknown command 'families'" >&2; exit 2 ;;
--help) printf '      --family NAME   the module family\n' ;;
esac
TOOL
chmod +x "$work/with-families" "$work/without-families"
expect "EG06xK EM060K Ex120K" "$work/with-families" upgrade --family ""
expect "EG06xK" "$work/with-families" upgrade --family EG
expect "" "$work/without-families" upgrade --family ""
expect "--family" "$work/without-families" --fam

exit $((failures > 0))
