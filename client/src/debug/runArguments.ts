// The command line "Run Guest" starts: `ringside run FILE [NASM FLAG]... -I DIR...` from the
// bundled CLI (see `ringside --help`), as arguments for the extension host's executable in Node
// mode, and the line the terminal prints when that run ends. Pure.

/**
 * `assemblerArguments` (`ringside.assembler.arguments`) come before the `includePaths` setting's
 * -I options, so nasm's order of -I directories is the language server's (analysisCache.ts).
 */
export function ringsideRunArguments(cliPath: string, file: string, includePaths: readonly string[], assemblerArguments: readonly string[] = []): string[] {
  const args = [cliPath, 'run', file, ...assemblerArguments];
  for (const dir of includePaths) args.push('-I', dir);
  return args;
}

/**
 * What an exit status of `ringside run` means (its help text): the byte the guest wrote to
 * isa-debug-exit, 0 after `cli; hlt`, 1 when the guest could not be loaded, 2 for a usage error,
 * 3 on a triple fault, 124 when the instruction budget ran out. A status is not a failure of the
 * command: a guest that writes 16 to port 0xF4 ends with 16 on purpose. A guest may write 1, 2, 3
 * or 124 too; the CLI's own statuses always come with a `ringside:` message on stderr, so
 * `cliReported` (stderr had text) tells the two apart.
 */
export function describeRunExit(code: number | null, signal: string | null, cliReported: boolean): string {
  if (code === null) return signal === null ? 'the run ended' : `the run was stopped (${signal})`;
  const written = `the guest wrote ${code} (0x${code.toString(16)}) to isa-debug-exit: exit status ${code}`;
  if (code === 0) return 'the guest halted or wrote 0 to isa-debug-exit: exit status 0';
  if (!cliReported) return written;
  switch (code) {
    case 1: return 'the guest could not be loaded or stopped unexpectedly: exit status 1';
    case 2: return 'ringside run did not accept its arguments: exit status 2';
    case 3: return 'the guest triple-faulted and the processor shut down: exit status 3';
    case 124: return 'the instruction budget ran out: exit status 124';
    default: return written;
  }
}

/** Terminal text from a child's output: bare LF becomes CRLF, as a pseudoterminal needs. */
export function toTerminalText(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
