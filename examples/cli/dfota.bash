# bash completion for dfota(1). Needs bash-completion (_init_completion, _filedir).
#
# Options and whether they take a value come from the tool's own --help, so the
# completion follows the tool it completes; --family names from `dfota families`.

# The tool's options, one per line: "--name" or "--name VALUE", and the short ones.
_dfota_options()
{
    local opt='^[[:space:]]+(-[[:alnum:]], )?(--[[:alnum:]-]+)( ([A-Z][^[:space:]]*))?.*'
    "$1" --help 2>/dev/null |
        sed -nE -e "h; s/$opt/\2 \4/p" -e "g; s/$opt/\1 \4/; s/^(-[[:alnum:]]), /\1/p"
}

# Family names: `dfota families` prints one header line, then one family per line with
# its name first. A dfota without that command (or failing) offers nothing.
_dfota_families()
{
    local out
    out=$("$1" families 2>/dev/null) || return 0
    printf '%s\n' "$out" | sed -n '2,$p' | awk 'NF { print $1 }'
}

# The serial ports a module shows up as. DFOTA_COMPLETION_DEV replaces /dev (tests).
_dfota_ports()
{
    local dev=${DFOTA_COMPLETION_DEV:-/dev} p
    for p in "$dev"/serial/by-id/* "$dev"/ttyUSB* "$dev"/ttyACM*; do
        [[ -e $p ]] && printf '%s\n' "$p"
    done
}

_dfota()
{
    local cur prev words cword split
    _init_completion -s || return

    local tool=${words[0]} options with_value="" i word command="" upload=""
    options=$(_dfota_options "$tool")
    with_value=" $(awk 'NF == 2 { printf "%s ", $1 }' <<<"$options")"

    case $prev in
        -p | --port)
            COMPREPLY=($(compgen -W "$(_dfota_ports)" -- "$cur"))
            return
            ;;
        --family)
            COMPREPLY=($(compgen -W "$(_dfota_families "$tool")" -- "$cur"))
            return
            ;;
        -b | --baud)
            COMPREPLY=($(compgen -W "9600 19200 38400 57600 115200 230400 460800 921600" \
                -- "$cur"))
            return
            ;;
        --upload)
            _filedir
            return
            ;;
    esac
    if [[ $with_value == *" $prev "* ]]; then
        return # a value the completion cannot guess
    fi
    $split && return

    # The command is the first word that is neither an option nor an option's value.
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if [[ $word == -* ]]; then
            [[ $word == --upload ]] && upload=1
            [[ $word != *=* && $with_value == *" $word "* ]] && ((i++))
        elif [[ -z $command ]]; then
            command=$word
        fi
    done

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(awk '{ print $1 }' <<<"$options")" -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    elif [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "upgrade watch info families upload" -- "$cur"))
    elif [[ $command == upload || ($command == upgrade && -n $upload) ]]; then
        _filedir
    fi
} &&
    complete -F _dfota dfota
