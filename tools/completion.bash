# tools/completion.bash — bash completion for satyad, sundard and slcodec.
# `make install` puts it in share/bash-completion/completions/ under each
# program's name; to try it from the source tree: source tools/completion.bash

_sl_presets="uniform order0 tiny small default max large tx"

_satyad()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        -r|--recipe) COMPREPLY=($(compgen -W "$_sl_presets" -- "$cur") $(compgen -f -- "$cur"))
                     return ;;
        --rate)      COMPREPLY=($(compgen -W "56k 64k 256k 1M 10M 7KB/s unlimited" -- "$cur"))
                     return ;;
        -t|--to)     COMPREPLY=($(compgen -A hostname -- "$cur")); return ;;
        -c|--chunk)  COMPREPLY=($(compgen -W "4K 16K 64K 256K 1M" -- "$cur")); return ;;
        --latency|-n|--name) return ;;
        -s|--send|-T|--to-file|-o|--out|--json|--prior|--gen-key|--key|--tls-ca)
                     COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --web|--web-hold|--tls-pin|--connect-timeout|--handshake-timeout|--idle-timeout)
                     return ;;
        --retry)     COMPREPLY=($(compgen -W "3 5 10" -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--send --name --follow-symlinks --portable-names --to
            --to-file --recipe --prior --chunk --rate --latency --out --json --print-recipe
            --web --web-hold --quiet --help --version --gen-key --key --tls --tls-ca
            --tls-pin --connect-timeout --handshake-timeout --idle-timeout --retry" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_sundard()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
        -o|--out|--priors|--gen-cert) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -f|--from|--port-file|--json|--authorized-keys|--tls-cert|--tls-key)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -l|--listen|--max-output|--max-model-mem|--idle-timeout|--web|--web-hold) return ;;
        --max-sessions|--max-memory|--max-chunk|--handshake-timeout|--keep-staging) return ;;
    esac
    COMPREPLY=($(compgen -W "--listen --out --from --priors --once --max-output
        --max-model-mem --idle-timeout --port-file --json --web --web-hold --quiet --help
        --version --authorized-keys --allow-anyone --tls-cert --tls-key --gen-cert
        --overwrite --max-sessions --max-memory --max-chunk --handshake-timeout
        --keep-staging" -- "$cur"))
}

_slcodec()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    if [[ $COMP_CWORD == 1 ]]; then
        COMPREPLY=($(compgen -W "c d p --help --version" -- "$cur"))
        return
    fi
    case $prev in
        -r) COMPREPLY=($(compgen -W "$_sl_presets" -- "$cur") $(compgen -f -- "$cur")); return ;;
        -k) COMPREPLY=($(compgen -W "65536 1048576" -- "$cur")); return ;;
    esac
    case ${COMP_WORDS[1]} in
        p) COMPREPLY=($(compgen -W "$_sl_presets" -- "$cur") $(compgen -f -- "$cur")) ;;
        c) if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "-v -r -k" -- "$cur"))
           else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
        d) if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "-v" -- "$cur"))
           else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
    esac
}

complete -o filenames -F _satyad satyad
complete -o filenames -F _sundard sundard
complete -o filenames -F _slcodec slcodec
