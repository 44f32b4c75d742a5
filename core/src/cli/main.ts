// The `ringside` command line (bundled to dist/cli-main.js, which dist/cli.js loads: entry.ts):
// dispatches to one file per subcommand.

import { encodeSource } from '../asm/source-encoding';
import { asmCommand } from './asm-command';
import { isCommandName, type CommandName } from './command-names';
import { disasmCommand } from './disasm-command';
import { fileErrorReason } from './file-error';
import { runCommand } from './run-command';
import { HELP, UsageError, VERSION, commandHelp, type Io } from './usage';

const COMMANDS: Readonly<Record<CommandName, (argv: readonly string[], io: Io) => number>> = {
  asm: asmCommand,
  disasm: disasmCommand,
  run: runCommand,
};

export function main(argv: readonly string[], io: Io): number {
  const [cmd, ...rest] = argv;
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') { io.out(HELP); return 0; }
  if (cmd === '--version' || cmd === '-v') { io.out(`ringside ${VERSION}\n`); return 0; }
  const run = isCommandName(cmd) ? COMMANDS[cmd] : undefined;
  try {
    if (!run) throw new UsageError(cmd === undefined ? 'missing command' : `unknown command \`${cmd}'`);
    if (rest.includes('--help') || rest.includes('-h')) { io.out(commandHelp(cmd!) ?? HELP); return 0; }
    return run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ringside: ${e.message}\nTry \`ringside --help'.\n`);
      return 2;
    }
    throw e;
  }
}

/** Runs the command line of this process on its standard output and error. */
export function mainOfProcess(): void {
  // (A source's bytes that were no UTF-8 go out as those bytes: see source-encoding.ts.)
  // A write to a pipe whose reader has gone fails at once and leaves stdout unwritable (a run
  // stops on outClosed: its 'error' event comes too late for a command that never yields). Any
  // other failure (a full disk) is the command's error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    process.stderr.write(`ringside: error: unable to write standard output: ${fileErrorReason(e)}\n`);
    process.exitCode = 1;
  });
  // (Standard error's own failure has nowhere to be reported.)
  process.stderr.on('error', () => undefined);
  process.exitCode = main(process.argv.slice(2), {
    out: (t) => { if (process.stdout.writable) process.stdout.write(encodeSource(t)); },
    err: (t) => { if (process.stderr.writable) process.stderr.write(encodeSource(t)); },
    outClosed: () => !process.stdout.writable,
    errClosed: () => !process.stderr.writable,
  });
}

if (require.main === module) mainOfProcess();
