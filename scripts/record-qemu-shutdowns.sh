#!/usr/bin/env bash
# Records how QEMU shuts down on each guest test/fixtures/qemu/shutdown/*.asm: the guest is
# assembled with nasm (X.bin) and booted with qemu-system-i386 -kernel -d int; the exception lines
# of QEMU's log (check_exception old/new, and each delivery it starts: v=VECTOR e=ERROR i=SOFTWARE)
# go to X.qemu.txt. test/unit/cpu-shutdown.test.ts checks the CPU's shutdown report against them.
# Usage: bash scripts/record-qemu-shutdowns.sh   (needs nasm and qemu-system-i386)
set -euo pipefail
for tool in nasm qemu-system-i386; do
  command -v "$tool" >/dev/null 2>&1 || { echo "record-qemu-shutdowns: $tool is not on PATH" >&2; exit 2; }
done
dir="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/qemu/shutdown"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for asm in "$dir"/*.asm; do
  name=$(basename "$asm" .asm)
  (cd "$dir" && nasm -f bin -w-prefix-lock "$name.asm" -o "$name.bin")
  timeout 30 qemu-system-i386 -kernel "$dir/$name.bin" -display none -no-reboot -serial none -d int -D "$tmp/$name.log"
  grep -E '^check_exception|: v=[0-9a-f]+ e=' "$tmp/$name.log" | sed -E 's/^ *[0-9]+: //; s/ pc=.*//' > "$dir/$name.qemu.txt"
  echo "$name: $(grep -c . "$dir/$name.qemu.txt") lines"
done
qemu-system-i386 --version | head -1 > "$dir/qemu-version.txt"
