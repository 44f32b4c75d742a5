#!/usr/bin/env bash
# Records the reference outputs of the bundled example guests: NASM's bytes for each one
# (test/fixtures/examples/<name>.bin) and, for guests that boot, what they print on COM1 under
# QEMU (<name>.serial.txt), checking QEMU's exit status against list.json.
# Usage: bash scripts/record-example-fixtures.sh   (from anywhere; needs nasm, optionally qemu)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/test/fixtures/examples"
list="$out/list.json"
cd "$root"

command -v nasm >/dev/null || { echo "nasm is not installed" >&2; exit 1; }
have_qemu=0
command -v qemu-system-i386 >/dev/null && have_qemu=1

# One line per example: name, source, expected QEMU exit status (or -), include paths.
node -e '
  const l = require(process.argv[1]);
  for (const e of l.examples) console.log([e.name, e.source, e.qemuExitCode ?? "-", ...e.includePaths].join("\t"));
' "$list" | while IFS=$'\t' read -r name source expected_exit includes; do
  args=()
  for inc in $includes; do args+=("-I$inc"); done
  nasm -f bin "${args[@]}" "$source" -o "$out/$name.bin"
  echo "$name: $(stat -c %s "$out/$name.bin") bytes from nasm $(nasm -v | awk '{print $3}')"

  if [[ "$expected_exit" == "-" ]]; then
    rm -f "$out/$name.serial.txt"
    continue
  fi
  if [[ $have_qemu -eq 0 ]]; then
    echo "$name: qemu-system-i386 not installed, serial output not recorded" >&2
    continue
  fi
  serial="$(mktemp)"
  status=0
  timeout 20 qemu-system-i386 -kernel "$out/$name.bin" -serial "file:$serial" -display none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot </dev/null || status=$?
  if [[ "$status" != "$expected_exit" ]]; then
    echo "$name: QEMU exited with $status, expected $expected_exit; serial output:" >&2
    cat "$serial" >&2
    rm -f "$serial"
    exit 1
  fi
  mv "$serial" "$out/$name.serial.txt"
  chmod 644 "$out/$name.serial.txt"
  echo "$name: QEMU exit $status, $(wc -l < "$out/$name.serial.txt") serial lines"
done
