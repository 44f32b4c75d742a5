#!/usr/bin/env bash
# Records the words NASM reads as registers, in core/src/isa/nasm-registers.json, so the assembler
# can refuse them as labels (`rax:`, `cr8:`: "label or instruction expected at start of line") and
# say that one outside Ringside's dialect (rax, xmm0, st0 ...) is a register, not an undefined
# symbol. Candidates are the lower-case runs of letters and digits in the nasm binary's strings and
# their suffixes (nasm-words.sh); a candidate is a register when nasm rejects it as
# a label (`WORD:` in `bits 32`: "label or instruction expected at start of line", which its
# keywords such as `byte` also give) and as data (`dd WORD`: "expression is not simple or
# relocatable", where a keyword is "expression syntax error"). Segment registers, which nasm also
# reads as prefixes, are not among them. Re-runnable; needs nasm on PATH.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=nasm-words.sh
. "$root/scripts/nasm-words.sh"
out="$root/core/src/isa/nasm-registers.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

nasm_words '' > "$work/candidates"

# One run keeps the words nasm will not take for a label ...
{ echo 'bits 32'; sed 's/$/:/' "$work/candidates"; } > "$work/labels.asm"
(cd "$work" && nasm -f bin -o labels.bin labels.asm 2> labels.err) || true
grep 'label or instruction expected at start of line' "$work/labels.err" | cut -d: -f2 \
  | awk 'NR == FNR { line[$1 - 1] = 1; next } (FNR in line) { print }' - "$work/candidates" > "$work/reserved"

# ... then each alone as data: a register there is not an expression nasm can store.
: > "$work/registers"
while read -r word; do
  printf 'bits 32\ndd %s\n' "$word" > "$work/one.asm"
  first="$(cd "$work" && nasm -f bin -o one.bin one.asm 2>&1 | head -n 1 || true)"
  case "$first" in
    *'expression is not simple or relocatable'*) echo "$word" >> "$work/registers" ;;
  esac
done < "$work/reserved"

{
  echo "{\"source\": \"scripts/record-nasm-registers.sh, $(nasm -v | tr -d '"')\", \"registers\": ["
  awk '{ w = "\"" $0 "\"," } length(line) + length(w) > 100 { print line; line = "" } { line = line w } END { print line }' "$work/registers" | sed '$ s/,$//'
  echo "]}"
} > "$out"
echo "record-nasm-registers: $(wc -l < "$work/registers") registers written to ${out#"$root"/}"
