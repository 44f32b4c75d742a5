#!/usr/bin/env bash
# Records what QEMU's COM1 puts out for each guest test/fixtures/qemu/serial/*.asm: the guest is
# assembled with nasm (X.bin), booted with qemu-system-i386 -kernel with COM1 in a file (X.serial,
# its bytes unchanged) and isa-debug-exit on port 0xF4; QEMU's exit status goes to X.status.
# test/unit/cli-run.test.ts checks `ringside run`'s standard output and status against them.
# Usage: bash scripts/record-qemu-serial.sh   (needs nasm and qemu-system-i386)
set -euo pipefail
for tool in nasm qemu-system-i386; do
  command -v "$tool" >/dev/null 2>&1 || { echo "record-qemu-serial: $tool is not on PATH" >&2; exit 2; }
done
dir="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/qemu/serial"
for asm in "$dir"/*.asm; do
  name=$(basename "$asm" .asm)
  nasm -f bin "$asm" -o "$dir/$name.bin"
  rm -f "$dir/$name.serial"
  status=0
  timeout 30 qemu-system-i386 -kernel "$dir/$name.bin" -display none -no-reboot -serial "file:$dir/$name.serial" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null || status=$?
  echo "$status" > "$dir/$name.status"
  echo "$name: QEMU exit $status, $(stat -c %s "$dir/$name.serial") bytes on COM1"
done
qemu-system-i386 --version | head -1 > "$dir/qemu-version.txt"
