#!/usr/bin/env bash
# Records ndisasm's text for byte corpora under test/fixtures/ndisasm/ so the disassembler tests
# compare against ndisasm without it installed. Corpora: every table form assembled by NASM.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/fixtures/ndisasm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for bits in 32 16; do
  npx tsx "$out/make-corpus.ts" "$bits" > "$tmp/forms.asm"
  # Drop the sample lines NASM rejects (operand combinations a form's kinds allow but NASM does
  # not), until the file assembles; what remains is NASM's own choice of bytes for each line.
  for _ in $(seq 1 20); do
    if nasm -f bin -o "$tmp/forms.bin" "$tmp/forms.asm" 2> "$tmp/err"; then break; fi
    lines=$(grep -oE '^[^:]+:([0-9]+): error' "$tmp/err" | cut -d: -f2 | sort -un | tr '\n' ' ')
    [ -n "$lines" ] || { cat "$tmp/err" >&2; exit 1; }
    script=""
    for n in $lines; do script="$script${n}d;"; done
    sed -i "$script" "$tmp/forms.asm"
  done
  cp "$tmp/forms.asm" "$out/forms-$bits.asm"
  cp "$tmp/forms.bin" "$out/forms-$bits.bin"
  ndisasm -b "$bits" "$out/forms-$bits.bin" > "$out/forms-$bits.txt"
  echo "forms-$bits: $(grep -vc '^bits' "$out/forms-$bits.asm") lines, $(wc -c < "$out/forms-$bits.bin") bytes"
done
