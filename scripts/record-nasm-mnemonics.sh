#!/usr/bin/env bash
# Records the words NASM reads as instructions or prefixes, in core/src/isa/nasm-mnemonics.json, so
# the assembler can tell a NASM instruction outside Ringside's dialect (lfence, rdpmc, vmxon ...)
# from a label. Candidates are the lower-case runs of letters, digits and underscores (hint_nop57) in the nasm binary's
# strings and their suffixes (nasm-words.sh); a candidate is a mnemonic when nasm,
# given it alone on a line in `bits 32`, does not take it for a label or reject it as a register
# or keyword ("label or instruction expected"). Data words (db ... dz), equ, incbin, times and
# use16/use32 are directives and left out. Re-runnable; needs nasm on PATH.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=nasm-words.sh
. "$root/scripts/nasm-words.sh"
out="$root/core/src/isa/nasm-mnemonics.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

nasm_words _ | grep -vxE 'd[bwdqtoyz]|equ|incbin|times|use16|use32' > "$work/candidates"

# One run drops the words nasm takes for labels (most candidates) ...
{ echo 'bits 32'; sed 's/^/  /' "$work/candidates"; } > "$work/all.asm"
(cd "$work" && nasm -f bin -o all.bin all.asm 2> all.err) || true
grep 'label alone on a line' "$work/all.err" | cut -d: -f2 | sort -u > "$work/labels"
awk 'NR == FNR { label[$1] = 1; next } !((FNR + 1) in label) { print }' "$work/labels" "$work/candidates" > "$work/rest"

# ... then each other word alone: nasm reports only its first pass's errors when a file has any.
: > "$work/mnemonics"
while read -r word; do
  printf 'bits 32\n  %s\n' "$word" > "$work/one.asm"
  first="$(cd "$work" && nasm -f bin -o one.bin one.asm 2>&1 | head -n 1 || true)"
  case "$first" in
    *'label alone on a line'*|*'label or instruction expected'*) ;;
    *) echo "$word" >> "$work/mnemonics" ;;
  esac
done < "$work/rest"

{
  echo "{\"source\": \"scripts/record-nasm-mnemonics.sh, $(nasm -v | tr -d '"')\", \"mnemonics\": ["
  # Whole words, packed into lines of at most 100 characters.
  awk '{ w = "\"" $0 "\"," } length(line) + length(w) > 100 { print line; line = "" } { line = line w } END { print line }' "$work/mnemonics" | sed '$ s/,$//'
  echo "]}"
} > "$out"
echo "record-nasm-mnemonics: $(wc -l < "$work/mnemonics") mnemonics written to ${out#"$root"/}"
