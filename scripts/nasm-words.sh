# Shared by scripts/record-nasm-mnemonics.sh and record-nasm-registers.sh (sourced, not run).

# The lower-case words in the nasm binary's strings: a letter, then 1 to 15 letters, digits and the
# characters in $1 (a bracket-expression tail, e.g. `_`), each with its suffixes that start with a
# letter (the linker shares string tails: "mov" may be stored only as the end of "cmov", and a
# string may follow other bytes without a break); sorted, each once. Exits 2 when nasm is missing.
nasm_words() {
  if ! command -v nasm >/dev/null 2>&1; then
    echo "$(basename "$0" .sh): nasm is not on PATH; install NASM 2.16" >&2
    exit 2
  fi
  strings -n 2 "$(command -v nasm)" | grep -oE "[a-z][a-z0-9$1]{1,15}" \
    | awk '{ for (i = 1; i < length($0); i++) { s = substr($0, i); if (s ~ /^[a-z]/) print s } }' | sort -u
}
