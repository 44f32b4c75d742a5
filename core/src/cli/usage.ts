// The `ringside` command line's help text, version and usage errors (exit code 2).

import type { SerialInput } from '../runtime/session';

export const VERSION = '0.1.0';

/** The nasm whose `-f bin` output `ringside asm` reproduces byte for byte. */
export const NASM_VERSION = '2.16.01';

export const HELP = `ringside ${VERSION} — guest code under virtualization

Usage:
  ringside asm FILE [-f bin] [-E] [-o OUT] [-l LIST] [-I DIR]... [-D NAME[=VALUE]]...
               [-U NAME]... [-w+NAME]... [-M | -MG | -MD [DEPFILE]] [-MF DEPFILE]
               [-MT|-MQ TARGET] [-MP] [-O0|-O1|-Ox] [-X gnu|vc] [-s] [-Z FILE] [-P FILE]...
               [--before LINE]... [--pragma TEXT]... [--limit-X N] [-v]
      Assemble FILE like \`nasm -f bin\` (default OUT: FILE with .bin).
      The options are nasm 2.16.01's, read as nasm reads them (-fbin or -f bin,
      -DX=1 or -D X=1, --limit-rep=9 or --limit-rep 9), so a Makefile can run
      \`ringside asm' for \`nasm'. -d, -i and -u are -D, -I and -U; -D and -U
      apply in order. -f takes bin only. -O0 and -O1 encode as nasm does at
      those levels (-O0: JMP near unless short, immediates a byte only when
      written byte; -O1: JMP and Jcc near unless short); -O2 and up are -Ox,
      nasm's default; the last -O wins; -Ov is refused. -X gnu and
      -X vc print messages in nasm's \`file:line:' and \`file(line) :' shapes
      (Ringside's own add the column); -s sends them to standard output, -Z FILE
      to FILE. -P FILE (--include), --before LINE and --pragma TEXT run before
      the source, in order with -D and -U, as nasm runs them (not with -l, -E or
      -M, where nasm gives their lines as line 0 of FILE). -g, -Lw, -Lp,
      --prefix, --postfix (and g/l forms), --reproducible and --abort-on-panic
      change nothing in a flat binary and are accepted; --no-line makes %line
      do nothing. -@ FILE reads more arguments from FILE, one a line, and the
      NASMENV environment variable's options come first, as in nasm. -a, -t,
      --keep-all, --debug, --include=FILE, -F, @FILE and the other -L flags
      are refused, saying why. Bad usage exits 2 (nasm exits 1).
      %include and incbin look for a relative name in FILE's directory, then in
      each -I DIR in order, then in the working directory (nasm 2.16 looks in
      its working directory first and not in FILE's directory: the same files
      are found unless both hold one of the name). As in nasm 2.16, -I DIR
      works with or without a trailing slash, and incbin where its standard
      macro is not called (after \`times', in an align's fill, after %clear)
      opens a relative name from the working directory alone.
      A [map] line in FILE writes nasm's map file (a relative name is taken from
      the working directory, as nasm takes it).
      Warning options as nasm's (NAME a class from \`nasm -h', a prefix of some,
      or all): -w+NAME / -WNAME on, -w-NAME / -Wno-NAME off, -w+error=NAME /
      -Werror=NAME an error (exit 1), -w-error=NAME / -Wno-error=NAME not one;
      -w+error or -Werror makes every warning an error. They apply in order,
      and FILE's [warning ...] lines override them ([warning *NAME] goes back to
      the command line's state). An unknown NAME is ignored, or reported when
      -w+unknown-warning came before it.
      -E prints the preprocessed source instead (to OUT with -o), as \`nasm -E'
      prints it: macros, %rep, %if and %include done, the standard macros
      (bits, section, align, ...) as the lines they make, comments dropped, and
      \`%line N+M FILE' lines where the numbering jumps. Exit 1 on an error (the
      text is still printed, and OUT not written).
      -M prints a make rule instead, as nasm 2.16.01 prints it: OUT depends on
      FILE and the %include, incbin and %depend files it reads (missing ones
      too), each once, in the order met. -MG is -M searching no -I DIR (a
      file only there is one to be generated); -MD assembles and also writes
      the rule, to DEPFILE, else OUT.d with -o, else FILE.d; -MF DEPFILE
      writes -M's rule there; -MT names the target as written, -MQ quoted for
      make; -MP adds an empty rule for each file; -MW quotes for Watcom make.
      (nasm 2.16.01's -MD leaves the %include files out; Ringside lists them.)
  ringside disasm FILE.bin [--org ADDR] [--bits 16|32]
      Disassemble a flat binary (default: --org 0 --bits 32); ADDR is any NASM
      number (0x7c00, 7c00h, $7c00), as with ndisasm -o. FILE - reads stdin.
  ringside run FILE [--memory 32M] [--max-instructions N] [--trace events] [--stats]
               [NASM FLAG]...
      Run a guest (a .gasm/.asm source, assembled first, or a multiboot .bin) on the
      emulated PC; a FILE whose name says neither (\`kernel', \`<(generate)') is an
      image when it has a multiboot header or a NUL byte, else a source. A source
      is assembled with the nasm flags given, read as asm reads them: those that
      shape the assembly (-D, -U, -I, -P, -O, -w/-W, -f bin, --before, --pragma,
      --limit-NAME, --no-line); the others (-o, -l, -E, -M..., -X...) are
      refused. Its messages, warnings too, go to stderr as asm prints them.
      COM1's bytes go to stdout unchanged, and a file or pipe on stdin
      is typed into COM1 as the guest reads it, as QEMU's -serial stdio does: a
      guest halted with interrupts on waits for it until it ends. A terminal
      gives each key as typed (raw mode: the guest echoes what it echoes);
      Ctrl-C ends the run (exit status 130) and Ctrl-Z stops it, as the
      terminal's signals do to QEMU. A terminal is not read by a run in the
      background, nor when stdout is no terminal (\`run guest | less').
      --trace events prints one event per line to stderr; --stats prints
      instructions, MIPS, TLB and page-walk counters and exception counts to
      stderr. Exit status: the value the guest wrote to isa-debug-exit (port
      0xF4; QEMU exits with (value << 1) | 1 for the same write), 0 after
      \`cli; hlt' (or \`hlt' with interrupts on once stdin has ended), 3 on a
      triple fault, 124 when the budget runs out, 130 after Ctrl-C, 141 when
      stdout's reader has gone (\`ringside run guest | head').
  ringside --help | --version

Exit status: 0 success, 1 errors in the input, 2 bad usage.
`;

/** Thrown for bad command lines; main() prints it with the help hint and exits 2. */
export class UsageError {
  constructor(readonly message: string) {}
}

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /**
   * Bytes to standard output as they are: a guest's COM1 output, which QEMU's `-serial stdio` writes
   * unchanged (UTF-8 a guest prints stays UTF-8). Without it they go to `out` as Latin-1 text, a
   * character a byte.
   */
  readonly outBytes?: (bytes: Uint8Array) => void;
  /** Whether standard output can take no more (its reader has gone: `ringside run guest | head`). */
  readonly outClosed?: () => boolean;
  /** The same for standard error (`ringside run guest --trace events 2>&1 >/dev/null | head`). */
  readonly errClosed?: () => boolean;
  /** What `run` types into the guest's COM1: the process's standard input (stdin-serial.ts). */
  readonly serialInput?: () => SerialInput | undefined;
}

/** The part of HELP about one subcommand (`ringside run --help`), or undefined. */
export function commandHelp(cmd: string): string | undefined {
  const lines = HELP.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  ringside ${cmd} `));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && /^ {4,}\S/.test(lines[end])) end++;
  return `Usage:\n${lines.slice(start, end).join('\n')}\n`;
}
