#!/usr/bin/env bash
# Records NASM's output for every test/fixtures/nasm/**/*.asm: <name>.bin when `nasm -f bin`
# accepts it (and <name>.warn, nasm's stderr, when it warned), <name>.err (nasm's stderr) when it
# rejects it. Re-runnable and deterministic.
# test/fixtures/nasm/forms/ is left alone: its .asm files are listings for the per-line JSON
# fixtures that scripts/gen-encoder-corpus.ts writes.
#
# A sibling <name>.args file may hold extra nasm arguments (e.g. `-I dir/ -DFOO=1`), given
# relative to the .asm's directory, which is also nasm's working directory.
set -euo pipefail

if ! command -v nasm >/dev/null 2>&1; then
  echo "record-nasm-fixtures: nasm is not on PATH; install NASM 2.16 to record fixtures" >&2
  exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="$root/test/fixtures/nasm"
if [ ! -d "$fixtures" ]; then
  echo "record-nasm-fixtures: no fixtures directory at $fixtures; nothing to record"
  exit 0
fi

echo "record-nasm-fixtures: $(nasm -v)"
ok=0
rejected=0
# Sorted so the run order (and its printout) is the same every time.
while IFS= read -r -d '' asm; do
  dir="$(dirname "$asm")"
  name="$(basename "$asm" .asm)"
  rel="${asm#"$root"/}"
  extra=()
  if [ -f "$dir/$name.args" ]; then
    # Word-splitting of the args file is intended: it holds a command-line fragment.
    read -r -a extra < <(tr '\n' ' ' < "$dir/$name.args"; echo) || true
  fi
  tmp_err="$(mktemp)"
  tmp_bin="$(mktemp)"
  if (cd "$dir" && nasm -f bin "${extra[@]+"${extra[@]}"}" -o "$tmp_bin" "$name.asm") 2>"$tmp_err"; then
    mv "$tmp_bin" "$dir/$name.bin"
    rm -f "$dir/$name.err"
    # nasm's warnings on a file it accepts, when there are any.
    if [ -s "$tmp_err" ]; then mv "$tmp_err" "$dir/$name.warn"; else rm -f "$dir/$name.warn" "$tmp_err"; fi
    echo "  bin  $rel ($(wc -c < "$dir/$name.bin") bytes)"
    ok=$((ok + 1))
  else
    mv "$tmp_err" "$dir/$name.err"
    rm -f "$dir/$name.bin" "$dir/$name.warn" "$tmp_bin"
    echo "  err  $rel ($(wc -l < "$dir/$name.err") lines of diagnostics)"
    rejected=$((rejected + 1))
  fi
done < <(find "$fixtures" -path "$fixtures/forms" -prune -o -name '*.asm' -type f -print0 | sort -z)

echo "record-nasm-fixtures: $ok assembled, $rejected rejected by nasm"
