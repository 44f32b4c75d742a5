// The `ringside` command line (bundled to dist/cli-main.js, which dist/cli.js loads: entry.ts):
// dispatches to one file per subcommand.

import { encodeSource } from '../asm/source-encoding';
import { asmCommand } from './asm-command';
import { BlockingOutput } from './blocking-output';
import { isCommandName, type CommandName } from './command-names';
import { disasmCommand } from './disasm-command';
import { fileErrorReason } from './file-error';
import { runCommand } from './run-command';
import { stdinSerialInput } from './stdin-serial';
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
  // (A source's bytes that were no UTF-8 go out as those bytes: see source-encoding.ts.) A write
  // to a pipe whose reader has gone leaves that output closed (a run stops on outClosed); any other
  // failure (a full disk) is the command's error. Standard error's own failure has nowhere to go.
  let failedOutput = false;
  const stderr = new BlockingOutput(2, () => undefined);
  const stdout = new BlockingOutput(1, (e) => {
    stderr.write(encodeSource(`ringside: error: unable to write standard output: ${fileErrorReason(e)}\n`));
    failedOutput = true;
  });
  const status = main(process.argv.slice(2), {
    out: (t) => stdout.write(encodeSource(t)),
    outBytes: (bytes) => stdout.write(bytes),
    err: (t) => stderr.write(encodeSource(t)),
    outClosed: () => stdout.closed,
    errClosed: () => stderr.closed,
    serialInput: stdinSerialInput,
  });
  process.exitCode = failedOutput ? 1 : status;
}

if (require.main === module) mainOfProcess();
