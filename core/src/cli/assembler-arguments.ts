// nasm flags given outside `ringside asm`'s command line (the editor's `ringside.assembler.arguments`,
// a launch's `assemblerArguments`, `ringside run`'s options), read by the same parser (asm-options.ts)
// and kept only when they shape the assembly; every other flag is left out with a message naming it.

import * as path from 'node:path';
import type { AssemblerFlags } from '../asm/api';
import { commandLineWarnings } from '../asm/warning-switches';
import { checkOptimization, defaultAsmArgs, optionRole, readAsmArgument, type AsmArgs } from './asm-options';
import { UsageError } from './usage';

/** The name of the lines `-P`, `--before` and `--pragma` put before the source (Ringside's messages name it). */
export const COMMAND_LINE = '<command line>';

/**
 * The assembly `args` asks for, as AssembleOptions takes it, with `includePaths` for its -I
 * directories. With -P, --before or --pragma, the -D and -U options run among those lines, in
 * order, as nasm runs them; else they are the defines they leave.
 */
export function assemblerFlags(args: AsmArgs, includePaths: readonly string[]): AssemblerFlags {
  const prelude = args.preludeNeeded ? { file: COMMAND_LINE, text: `${args.prelude.join('\n')}\n` } : undefined;
  return { includePaths, defines: prelude === undefined ? args.defines : {}, prelude, noLine: args.noLine, warnings: args.warnings, limits: args.limits, optimization: args.optimization };
}

/** A flag left out: the argument(s) as given and why. */
export interface AssemblerArgumentProblem {
  readonly flag: string;
  readonly message: string;
}

export interface AssemblerArguments {
  readonly flags: AssemblerFlags;
  readonly problems: readonly AssemblerArgumentProblem[];
}

/** The flags that shape an assembly, for the messages that refuse the others. */
export const ASSEMBLY_FLAGS = '-D, -U, -I, -P, -O, -w/-W, -f bin, --before, --pragma, --limit-NAME, --no-line';

const NOT_ASSEMBLY = {
  input: 'it names a source file (the file assembled is the one edited or launched)',
  output: 'it names an output file or where and how messages are written (here the assembly stays in memory)',
  mode: 'it asks for something other than an assembly',
} as const;

/**
 * Reads nasm flags one at a time, as `ringside asm` reads them. Relative -I and -P names are
 * taken from `baseDir` (kept relative when there is none). A flag that is not for an assembly,
 * that `ringside asm` refuses, or that names a warning class nasm does not know is left out,
 * with a problem naming it; the rest apply in order.
 */
export class AssemblerArgumentReader {
  private args = defaultAsmArgs();
  readonly problems: AssemblerArgumentProblem[] = [];
  private readonly resolve: (p: string) => string;

  constructor(baseDir: string | undefined) {
    this.resolve = (p) => (baseDir === undefined || path.isAbsolute(p) ? p : path.resolve(baseDir, p));
  }

  /** Reads the flag at `at.i` and the value(s) it takes, leaving `at.i` at its last argument. */
  read(argv: readonly string[], at: { i: number }): void {
    const start = at.i;
    const role = optionRole(argv[start]);
    // (Read all the same, so that a refused option's value is not taken for a flag.)
    const trial = structuredClone(this.args);
    let problem: string | undefined;
    try {
      readAsmArgument(trial, argv, at, this.resolve);
      problem = role === 'assembly' ? newProblem(this.args, trial) : `${NOT_ASSEMBLY[role]}; only ${ASSEMBLY_FLAGS} are taken`;
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      problem = e.message;
    }
    if (problem === undefined) this.args = trial;
    else this.problems.push({ flag: argv.slice(start, Math.min(at.i, argv.length - 1) + 1).join(' '), message: problem });
  }

  /** The assembly the flags read so far ask for (-I directories resolved). */
  get flags(): AssemblerFlags {
    return assemblerFlags(this.args, this.args.includes.map(this.resolve));
  }
}

/** `argv`, nasm flags as on its command line, read by an AssemblerArgumentReader. */
export function readAssemblerArguments(argv: readonly string[], baseDir: string | undefined): AssemblerArguments {
  const reader = new AssemblerArgumentReader(baseDir);
  for (const at = { i: 0 }; at.i < argv.length; at.i++) reader.read(argv, at);
  return { flags: reader.flags, problems: reader.problems };
}

/** The problems as one line: each flag, quoted, and why it is left out. */
export function describeArgumentProblems(problems: readonly AssemblerArgumentProblem[]): string {
  return problems.map((p) => `\`${p.flag}': ${p.message}`).join('; ');
}

/**
 * What reading one flag reported (nasm's usage errors and option warnings, -Ov, an unknown
 * warning class), comparing the arguments before and after it.
 */
function newProblem(before: AsmArgs, after: AsmArgs): string | undefined {
  if (after.usageErrors.length > before.usageErrors.length) return after.usageErrors[after.usageErrors.length - 1];
  if (after.optionWarnings.length > before.optionWarnings.length) return after.optionWarnings[after.optionWarnings.length - 1].replace(/ \[-w\+other\]$/, '');
  checkOptimization(after);
  // nasm says nothing of an unknown class unless -w+unknown-warning came first: here a misspelt
  // class, which would quietly do nothing, is reported as if it had.
  const added = after.warnings.slice(before.warnings.length);
  return added.length === 0 ? undefined : commandLineWarnings(['+unknown-warning', ...added])[0]?.message;
}
