// `ringside asm`'s command line: nasm 2.16.01's options, read as nasm's process_arg reads them,
// for its `-f bin` subset; an option that would change nasm's bytes in a way Ringside cannot
// follow is refused with a UsageError saying what Ringside does instead.

import * as fs from 'node:fs';
import type { AssembleLimits } from '../asm/index';
import { LIMIT_FLAGS } from '../asm/limits';
import { isNameText } from '../asm/lexer';
import { readNumber } from '../asm/numbers';
import type { DependencyRequest } from './dependencies';
import { UsageError } from './usage';

/** How messages are written: Ringside's `file:line:col:`, or nasm's `-X gnu` / `-X vc` shapes. */
export type MessageFormat = 'ringside' | 'gnu' | 'vc';

export interface AsmArgs {
  file: string;
  out?: string;
  list?: string;
  includes: string[];
  /** The `-D`/`-U` options applied in order (nasm runs them as `%define`/`%undef` lines in order). */
  defines: Record<string, string>;
  /** The `-w`/`-W` options in order, each as `-w` takes it (see warningSpec). */
  warnings: string[];
  limits: { -readonly [K in keyof AssembleLimits]: number };
  /** `-E` (or `-e`): print the preprocessed source, as `nasm -E`, instead of assembling. */
  preprocessOnly: boolean;
  /** The `-M` options (dependencies.ts), when any was given. */
  depend?: DependencyRequest;
  /** `-X`: the shape of the messages. */
  messageFormat: MessageFormat;
  /** `-s`: messages to standard output; `-Z FILE`: to FILE (which wins over -s, as in nasm). */
  messagesTo?: 'stdout' | { file: string };
  /** `-O`: the optimization level (Infinity for -Ox, the default); `-Ov` asks for nasm's pass count. */
  optimization: number;
  passCount: boolean;
  /** `-v`/`--version`: print the version line and stop. */
  version: boolean;
  /** `-h` with a topic after it (`-hf`): print the help and stop (main() takes `-h` and `--help` alone). */
  help?: boolean;
  /**
   * The lines nasm runs before the source, in order: `-D`/`-U` as `%define`/`%undef`, `-P` as
   * `%include`, `--before`'s line, `--pragma` as `%pragma`. Used (with no `defines`) only when
   * `preludeNeeded`, that is when one of -P, --before or --pragma was given, or a -D or -U that
   * the table of defines cannot hold (`preludeOption`, the first such).
   */
  prelude: string[];
  preludeNeeded: boolean;
  preludeOption?: string;
  /** `--no-line`: the source's `%line` lines do nothing. */
  noLine: boolean;
  /** Warnings about the options (`ringside: warning: ...`), printed before anything is read. */
  optionWarnings: string[];
  /** The -X shape in force when each of optionWarnings came (nasm's `nasm : warning:` once it has read -X vc). */
  optionWarningFormats: MessageFormat[];
  /**
   * Where `-s` came, as the count of optionWarnings before it: nasm's messages go to standard
   * output from there on, whatever `-Z` says (its file is opened after the options are read).
   */
  stdoutFrom?: number;
  /** Problems nasm reports and goes on reading the line after (ERR_USAGE, nonfatal): nothing is assembled. */
  usageErrors: string[];
}

/** nasm's `--limit-X N` (NASM manual §2.1.31): flag name to AssembleLimits key; `unlimited` as in nasm. */
const LIMIT_BY_NAME = new Map(Object.entries(LIMIT_FLAGS).map(([key, flag]) => [flag, key as keyof AssembleLimits]));

/**
 * `--limit-NAME VALUE`, as nasm_set_limit takes it: `unlimited` (any case) or a number as nasm's
 * readnum reads one (`0x10`, `10h`, `1_000`, ` 5 x`); an unknown NAME or a bad VALUE is a warning
 * and the limit stays (measured: "nasm: warning: unknown limit: `foo' [-w+other]", "nasm: warning:
 * invalid limit value: `x' [-w+other]", exit 0).
 */
function setLimit(args: AsmArgs, name: string, value: string): void {
  const lower = name.toLowerCase();
  // nasm stops when this many passes make no progress; Ringside's passes always do (it has no such stall to limit).
  const stalledPasses = lower === 'stalled-passes';
  const key = LIMIT_BY_NAME.get(lower);
  if (key === undefined && !stalledPasses) { optionWarning(args, `unknown limit: \`${name}' [-w+other]`); return; }
  const limit = value.toLowerCase() === 'unlimited' ? Infinity : readNumber(value);
  if (limit === undefined || limit < 0) { optionWarning(args, `invalid limit value: \`${value}' [-w+other]`); return; }
  if (key !== undefined) args.limits[key] = limit;
}

function optionWarning(args: AsmArgs, message: string): void {
  args.optionWarnings.push(message);
  args.optionWarningFormats.push(args.messageFormat);
}

/**
 * nasm's gcc-style `-W` option as the `-w` option it stands for (NASM manual §2.1.26; measured
 * with nasm 2.16.01): `-Wno-NAME` is `-w-NAME` (`no-` in any case), `-Werror=NAME` is
 * `-w+error=NAME`, and anything else is read as `-w` reads it (`-W+NAME`, `-W-NAME` too).
 */
function warningSpec(w: string): string {
  return w.toLowerCase().startsWith('no-') ? `-${w.slice(3)}` : w;
}

/**
 * One of nasm's `-M` options, by its third letter as nasm reads it (so `-MGx` is `-MG`): `-MF`,
 * `-MT` and `-MQ` take the next argument, `-MD` the next one unless it starts with `-` (nasm
 * 2.16.01 itself skips an option after `-MD` and crashes on a last `-MD`; measured). An empty or
 * missing value is nasm's "option `-MF' requires a parameter", and the option does nothing
 * (measured: `-MD ''` is that error too).
 */
function dependencyOption(a: string, request: DependencyRequest, next: () => string | undefined, peek: string | undefined, problems: string[]): void {
  const letter = a[2];
  const needed = (): string | undefined => {
    const v = next();
    if (v === undefined || v === '') { problems.push(`option \`-M${letter}' requires a parameter`); return undefined; }
    return v;
  };
  let value: string | undefined;
  switch (letter) {
    case undefined: request.only = true; break;
    case 'G': request.only = true; request.missingOk = true; break;
    case 'P': request.phony = true; break;
    case 'W': request.watcom = true; break;
    case 'D': request.alsoAssemble = true; if (peek !== undefined && (!peek.startsWith('-') || peek === '-') && (value = needed()) !== undefined) request.file = value; break;
    case 'F': if ((value = needed()) !== undefined) request.file = value; break;
    case 'T': if ((value = needed()) !== undefined) request.target = { name: value, quoted: false }; break;
    case 'Q': if ((value = needed()) !== undefined) request.target = { name: value, quoted: true }; break;
    default: throw new UsageError(`unknown dependency option \`-M${letter}'`);
  }
}

/** The option letters nasm 2.16.01 gives a value: glued (`-fbin`, leading blanks skipped) or the next argument if not empty. */
const TAKES_VALUE = 'oOfpPdDiIlLFXuUZwW';

/**
 * `-O` (NASM manual §2.1.24), read as nasm reads it: digits are a level (`-O0`, `-O1`, `-O2`...),
 * `x` the multipass level, `v`/`+` asks for the pass count; the last level wins (`-O0 -O1` is
 * -O1, `-Ox0` -O0), and `-O` alone is `-Ox`. Every level from 2 up assembles as `-Ox` (measured:
 * `-O2`, `-O3`, `-O9`, `-O10` and `-Ox` give the same bytes); `-O0` and `-O1` choose other
 * encodings (see Optimization in isa/operands.ts).
 */
function optimization(args: AsmArgs, param: string): void {
  if (param === '') { args.optimization = Infinity; return; }
  for (let i = 0; i < param.length;) {
    const c = param[i];
    if (c >= '0' && c <= '9') {
      const digits = /^[0-9]+/.exec(param.slice(i))![0];
      args.optimization = Number(digits);
      i += digits.length;
    } else if (c === 'v' || c === '+') { args.passCount = true; i++; }
    else if (c === 'x') { args.optimization = Infinity; i++; }
    // nasm: "nasm: fatal: unknown optimization option -Oq".
    else throw new UsageError(`unknown optimization option -O${c}`);
  }
}

/**
 * `-Ov` is refused: nasm then prints the number of its optimization passes ("FILE: info:
 * assembly required 1+2+2 passes", measured), which depends on how nasm's own passes settle.
 */
export function checkOptimization(args: AsmArgs): void {
  if (args.passCount) throw new UsageError('-Ov is not supported: Ringside does not assemble in nasm\'s passes, so it has no pass count to print');
}

/** `-L` letters (nasm -h): the ones that leave a `-f bin` listing as it is, measured on nasm 2.16.01. */
function listingFlags(param: string): void {
  for (const c of param) {
    // -Lw flushes after each line and -Lp writes the listing every pass: the final text is the same.
    if (c === 'w' || c === 'p') continue;
    // nasm ignores a letter it does not know (measured: -Lq changes nothing).
    if (!'bdefms+'.includes(c)) continue;
    throw new UsageError(`-L${c} is not supported: Ringside writes the listing as nasm's -l with no -L flags (-Lw and -Lp are accepted)`);
  }
}

/** A name a -D or -U can give the assembler's table of defines as it is (a `$` before it is nasm's escape). */
function plainName(name: string): boolean {
  return isNameText(name.startsWith('$') ? name.slice(1) : name);
}

/**
 * `-D NAME=VALUE` (or `NAME VALUE`: nasm makes the first `=` a blank and reads `%define` and the
 * rest). One the table of defines cannot hold, a macro with parameters (`-DMAX(a,b)=...`) or no
 * name nasm takes (`-D=1`, `-D1X`), is run as nasm runs it, a `%define` line before the source:
 * the macro defined, or the preprocessor's error (measured with nasm 2.16.01: "a.asm: error:
 * `%define' expects a macro identifier").
 */
function define(args: AsmArgs, d: string): void {
  const m = /^([^=\s(]*)(?:[=\s]\s*([^]*))?$/.exec(d.trim());
  if (m === null || !plainName(m[1])) { preprocessorLine(args, `%define ${d.replace('=', ' ')}`, `-D${d}`); return; }
  args.defines[m[1]] = m[2] ?? '';
  args.prelude.push(`%define ${m[1]} ${m[2] ?? ''}`);
}

/**
 * `-U NAME`: nasm runs `%undef` with the rest, so a name followed by anything (`-UX=1`) or no name
 * it takes (`-U1`) is run as that line, for its warning or error (measured: "trailing garbage
 * after macro name ignored [-w+pp-trailing]", "`%undef' expects a macro identifier").
 */
function undefine(args: AsmArgs, u: string): void {
  const name = /^[^=\s]*/.exec(u.trim())![0];
  if (!plainName(name) || u.trim() !== name) { preprocessorLine(args, `%undef ${u}`, `-U${u}`); return; }
  delete args.defines[name];
  args.prelude.push(`%undef ${u}`);
}

/** A -D or -U the preprocessor reads: the lines before the source are then run as nasm runs them. */
function preprocessorLine(args: AsmArgs, line: string, option: string): void {
  if (/[\r\n]/.test(line)) throw new UsageError(`${option}: a line break in it is not supported`);
  args.prelude.push(line);
  args.preludeNeeded = true;
  args.preludeOption ??= option;
}

/** `-P FILE` (`--include`): nasm runs `%include` for it before the source. */
function preInclude(args: AsmArgs, file: string): void {
  if (file.includes('"')) throw new UsageError(`-P \`${file}': a name with a double quote is not supported`);
  before(args, `%include "${file}"`);
}

function before(args: AsmArgs, line: string): void {
  if (/[\r\n]/.test(line)) throw new UsageError('a --before line with a line break in it is not supported');
  args.prelude.push(line);
  args.preludeNeeded = true;
}

/** nasm's long options (textopts in nasm.c), matched as nasm matches them: case-insensitively, the name then its end or `=`. */
const LONG_OPTIONS = ['v', 'version', 'help', 'abort-on-panic', 'prefix', 'postfix', 'gprefix', 'gpostfix', 'lprefix', 'lpostfix', 'include', 'pragma', 'before', 'limit-', 'keep-all', 'no-line', 'debug', 'reproducible'] as const;
const WITH_VALUE: ReadonlySet<string> = new Set(['prefix', 'postfix', 'gprefix', 'gpostfix', 'lprefix', 'lpostfix', 'include', 'pragma', 'before', 'limit-']);
/** The ones that may take a value after `=` and do not take the next argument (measured with nasm 2.16.01: `--debug=2`). */
const MAYBE_VALUE: ReadonlySet<string> = new Set(['debug']);

function longOption(args: AsmArgs, a: string, next: () => string | undefined, preIncluded: (file: string) => string): void {
  const body = a.slice(2);
  const label = longOptionLabel(a);
  // nasm: "nasm: error: unrecognized option `--foo'" (and goes on; exit 1).
  if (label === undefined) { args.usageErrors.push(`unrecognized option \`${a}'`); return; }
  const eq = body.indexOf('=', label.length);
  const name = eq < 0 ? body : body.slice(0, eq);
  let value: string | undefined = eq < 0 ? undefined : body.slice(eq + 1);
  if (WITH_VALUE.has(label)) {
    value ??= next();
    if (value === undefined) { args.usageErrors.push(`option \`--${name}' requires an argument`); return; }
  } else if (value !== undefined && !MAYBE_VALUE.has(label)) { args.usageErrors.push(`option \`--${name}' does not take an argument`); return; }
  switch (label) {
    case 'v': case 'version': args.version = true; break;
    // (main() prints the help for --help before it gets here.)
    case 'help': break;
    // Symbol name mangling is for object formats' symbol tables: `-f bin` output is the same (measured).
    case 'prefix': case 'postfix': case 'gprefix': case 'gpostfix': case 'lprefix': case 'lpostfix': break;
    // "attempt to produce run-to-run identical output": a flat binary always is.
    case 'reproducible': break;
    case 'limit-': setLimit(args, name.slice('limit-'.length), value!); break;
    // nasm 2.16.01 includes the argument after `--include=FILE`, not FILE (measured: `--include=pre.inc
    // a.asm` includes a.asm, `a.asm --include=pre.inc -o x` fails on an include file `-o`).
    case 'include':
      if (eq >= 0) throw new UsageError(`${a} is not supported: nasm 2.16.01 includes the argument after it, not its FILE; give --include FILE or -P FILE`);
      preInclude(args, preIncluded(value!));
      break;
    case 'before': before(args, value!); break;
    case 'pragma': before(args, `%pragma ${value!}`); break;
    case 'keep-all': throw new UsageError('--keep-all is not supported: Ringside writes no output file after an error');
    case 'no-line': args.noLine = true; break;
    // nasm aborts rather than exits on an internal error, which Ringside does not share: a run without one is the same (measured).
    case 'abort-on-panic': break;
    // nasm prints its own internals ("a.asm: debug: bin_cleanup: Sections were initially referenced in this order", measured).
    case 'debug': throw new UsageError('--debug is not supported: it prints nasm\'s own internal state, which Ringside does not have');
  }
}

/** nasm's copy_filename: a second -o, -l or -Z is an error ("fatal: more than one output file specified: b.bin"). */
function once(before: string | undefined, name: string, what: string): string {
  if (before !== undefined) throw new UsageError(`more than one ${what} file specified: ${name}`);
  return name;
}

/** What an option is for: shaping the assembly, or naming an output, a mode, the input file (see ROLES). */
export type OptionRole = 'assembly' | 'output' | 'mode' | 'input';

/**
 * The role of each option letter (nasm's process_arg): the ones that change what is assembled
 * (or, like -g and -f bin in a flat binary, nothing), and the ones that name an output file,
 * a way to write messages, or a mode other than assembling.
 */
const ROLE_BY_LETTER: Readonly<Record<string, OptionRole>> = {
  i: 'assembly', I: 'assembly', d: 'assembly', D: 'assembly', u: 'assembly', U: 'assembly', p: 'assembly', P: 'assembly',
  w: 'assembly', W: 'assembly', O: 'assembly', f: 'assembly', g: 'assembly', F: 'assembly', a: 'assembly', t: 'assembly',
  o: 'output', l: 'output', L: 'output', X: 'output', s: 'output', Z: 'output', M: 'output', '@': 'mode',
  e: 'mode', E: 'mode', v: 'mode', h: 'mode',
};
const LONG_OPTION_ROLES: Readonly<Record<(typeof LONG_OPTIONS)[number], OptionRole>> = {
  v: 'mode', version: 'mode', help: 'mode', 'keep-all': 'output', debug: 'output', 'abort-on-panic': 'assembly',
  prefix: 'assembly', postfix: 'assembly', gprefix: 'assembly', gpostfix: 'assembly', lprefix: 'assembly', lpostfix: 'assembly',
  include: 'assembly', pragma: 'assembly', before: 'assembly', 'limit-': 'assembly', 'no-line': 'assembly', reproducible: 'assembly',
};

function longOptionLabel(a: string): (typeof LONG_OPTIONS)[number] | undefined {
  const body = a.slice(2);
  return LONG_OPTIONS.find((l) => body.toLowerCase().startsWith(l) && (l.endsWith('-') || body.length === l.length || body[l.length] === '='));
}

/** The role of the argument `a` starts (an unknown option shapes nothing: nasm reports it and goes on). */
export function optionRole(a: string): OptionRole {
  if (!a.startsWith('-') || a === '-') return 'input';
  if (a.startsWith('--')) {
    const label = longOptionLabel(a);
    return label === undefined ? 'assembly' : LONG_OPTION_ROLES[label];
  }
  return ROLE_BY_LETTER[a[1]] ?? 'assembly';
}

/** AsmArgs before any option: nasm's defaults (-Ox, `ringside` messages to standard error). */
export function defaultAsmArgs(): AsmArgs {
  return { file: '', includes: [], defines: {}, warnings: [], limits: {}, preprocessOnly: false, messageFormat: 'ringside', optimization: Infinity, passCount: false, version: false, prelude: [], preludeNeeded: false, noLine: false, optionWarnings: [], optionWarningFormats: [], usageErrors: [] };
}

/**
 * Reads the argument at `at.i` (and the ones after it that it takes, leaving `at.i` at the last)
 * into `args`, as nasm's process_arg reads it. A problem nasm stops on throws a UsageError; one it
 * goes on after is added to `args.usageErrors`. `preIncluded` names the file -P gives (the CLI
 * keeps it as written, for nasm's search from the working directory).
 */
export function readAsmArgument(args: AsmArgs, argv: readonly string[], at: { i: number }, preIncluded: (file: string) => string = (f) => f): void {
  const a = argv[at.i];
  // (nasm skips an empty argument.)
  if (a === '') return;
  if (!a.startsWith('-') || a === '-') {
    if (args.file !== '') throw new UsageError(`more than one input file specified: ${a}`);
    args.file = a;
    return;
  }
  if (a.startsWith('--')) { longOption(args, a, () => argv[++at.i], preIncluded); return; }
  if (a.startsWith('-M')) {
    args.depend ??= { only: false, alsoAssemble: false, missingOk: false, phony: false, watcom: false };
    dependencyOption(a, args.depend, () => argv[++at.i], argv[at.i + 1], args.usageErrors);
    return;
  }
  const letter = a[1];
  let param = '';
  if (TAKES_VALUE.includes(letter)) {
    // nasm's get_param: the rest of the argument (blanks skipped), else the next one unless it is empty.
    if (a.length > 2) param = a.slice(2).trimStart();
    else if (argv[at.i + 1] !== undefined && argv[at.i + 1] !== '') param = argv[++at.i];
    else { args.usageErrors.push(`option \`${a}' requires an argument`); return; }
  }
  switch (letter) {
    case 'o': args.out = once(args.out, param, 'output'); break;
    case 'l': args.list = once(args.list, param, 'listing'); break;
    case 'i': case 'I': args.includes.push(param); break;
    case 'd': case 'D': define(args, param); break;
    // nasm runs `%undef` with the rest: a name followed by anything else only warns (pp-trailing).
    case 'u': case 'U': undefine(args, param); break;
    case 'w': args.warnings.push(param); break;
    case 'W': args.warnings.push(warningSpec(param)); break;
    case 'e': case 'E': args.preprocessOnly = true; break;
    case 'f':
      // nasm: "nasm: fatal: unrecognised output format `elf' - use -hf for a list".
      if (param.toLowerCase() !== 'bin') throw new UsageError(`unrecognised output format \`${param}' - Ringside writes flat binaries only (-f bin)`);
      break;
    case 'O': optimization(args, param); break;
    case 'L': listingFlags(param); break;
    case 'X': {
      const f = param.toLowerCase();
      if (f === 'gnu' || f === 'gcc') args.messageFormat = 'gnu';
      else if (f === 'vc' || f === 'msvc' || f === 'ms') args.messageFormat = 'vc';
      else throw new UsageError(`unrecognized error reporting format \`${param}'`);
      break;
    }
    case 's': args.stdoutFrom ??= args.optionWarnings.length; if (args.messagesTo === undefined) args.messagesTo = 'stdout'; break;
    case 'Z': args.messagesTo = { file: once(typeof args.messagesTo === 'object' ? args.messagesTo.file : undefined, param, 'error') }; break;
    // -g asks for debug information, which `-f bin` has no format for: nasm accepts -g alone and
    // refuses any format named (measured: "nasm: fatal: unrecognized debug format `dwarf' for output format `bin'").
    case 'g': if (a.length > 2) throw new UsageError(`unrecognized debug format \`${a.slice(2).trimStart()}' for output format \`bin'`); break;
    case 'F': throw new UsageError(`unrecognized debug format \`${param}' for output format \`bin'`);
    case 'v': args.version = true; break;
    // nasm prints its help, whatever the topic (measured with nasm 2.16.01: -hf, -hW, exit 0).
    case 'h': args.help = true; break;
    case 'p': case 'P': preInclude(args, preIncluded(param)); break;
    case 'a': throw new UsageError('-a (assemble without preprocessing) is not supported: Ringside always preprocesses');
    // (-@ FILE is read by parseAsmArgs; nasm takes no -@ inside a response file.)
    case '@': args.usageErrors.push("unrecognised option `-@'"); break;
    case 't': throw new UsageError('-t (TASM compatible mode) is not supported: Ringside reads NASM syntax only');
    // nasm: "nasm: error: unrecognised option `-q'" (and goes on; exit 1).
    default: args.usageErrors.push(`unrecognised option \`-${letter}'`);
  }
}

/**
 * `-@ FILE` (NASM manual §2.1.33), as nasm's process_respfile reads it: each line of FILE is one
 * argument, cut at its first CR, LF or Ctrl-Z, blanks around it dropped, and read in place of
 * `-@ FILE`; an option on the last line takes no value from the command line (measured with nasm
 * 2.16.01: "option `-D' requires an argument"; "unable to open response file `x.rsp'").
 */
function responseFile(args: AsmArgs, argv: readonly string[], at: { i: number }): void {
  const a = argv[at.i];
  let name: string;
  if (a.length > 2) name = a.slice(2).trimStart();
  else if (argv[at.i + 1] !== undefined && argv[at.i + 1] !== '') name = argv[++at.i];
  else { args.usageErrors.push("option `-@' requires an argument"); return; }
  let text: string;
  try { text = fs.readFileSync(name, 'utf8'); } catch { args.usageErrors.push(`unable to open response file \`${name}'`); return; }
  const lines = text.split('\n').map((l) => /^[^\r\n\x1a]*/.exec(l)![0].trim());
  for (const inner = { i: 0 }; inner.i < lines.length; inner.i++) readAsmArgument(args, lines, inner);
}

/**
 * nasm's `@FILE`, whose lines nasm 2.16.01 splits at blanks keeping each line's newline in its last
 * argument (measured: `-l x.lst` there names a listing `x.lst` and a newline), is refused.
 */
function atFile(a: string): never {
  throw new UsageError(`${a}: a response file given as @FILE is not supported (nasm keeps each line's newline in its last argument): give it as -@ FILE, one argument a line`);
}

/**
 * The options in nasm's NASMENV environment variable (NASM manual §2.1.35), read before the
 * command line's as nasm's process_args reads them: split at blanks, or at the first character
 * when that is not a `-` (`|-DX=1|-O0`); an option at its end takes no value from the command
 * line (measured with nasm 2.16.01: NASMENV='-DX=4 -O0', '|-DX=5|-O0', and '-D' is "option `-D'
 * requires an argument").
 */
function environmentOptions(args: AsmArgs, environment: string): void {
  const separator = environment !== '' && environment[0] !== '-' ? environment[0] : ' ';
  const words = (separator === ' ' ? environment : environment.slice(1)).split(separator).filter((w) => w !== '');
  for (const at = { i: 0 }; at.i < words.length; at.i++) readAsmArgument(args, words, at);
}

export function parseAsmArgs(argv: readonly string[], environment: string | undefined = process.env.NASMENV): AsmArgs {
  const args = defaultAsmArgs();
  if (environment !== undefined) environmentOptions(args, environment);
  for (const at = { i: 0 }; at.i < argv.length; at.i++) {
    const a = argv[at.i];
    if (a.startsWith('-@')) responseFile(args, argv, at);
    else if (a.startsWith('@')) atFile(a);
    else readAsmArgument(args, argv, at);
  }
  if (args.help === true) return args;
  checkOptimization(args);
  if (args.noLine && (args.preprocessOnly || args.depend !== undefined)) throw new UsageError('--no-line is not supported with -E or -M');
  // nasm lists, prints (-E) and names (-M) the lines run before the source as line 0 of FILE, with no text.
  if (args.preludeNeeded && (args.list !== undefined || args.preprocessOnly || args.depend !== undefined)) {
    if (args.preludeOption !== undefined) throw new UsageError(`${args.preludeOption} is not supported with -l, -E or -M: nasm runs it as a line before the source, which it gives as line 0 of FILE there (as -P, --before and --pragma)`);
    throw new UsageError('-P, --before and --pragma are not supported with -l, -E or -M (nasm gives their lines as line 0 of FILE there)');
  }
  if (args.usageErrors.length > 0) throw new UsageError(args.usageErrors.join('\nringside: '));
  if (args.file === '' && !args.version) throw new UsageError('asm needs an input FILE');
  // nasm compares the names as written, before it opens any file (measured with nasm 2.16.01:
  // "a.asm: fatal: will not overwrite input file" for `-o a.asm`, `-l a.asm`, `-Z a.asm`,
  // `-MF a.asm` and `-MD a.asm`; `./a.asm -o a.asm` is let through).
  const written = [args.out, args.list, typeof args.messagesTo === 'object' ? args.messagesTo.file : undefined, args.depend?.file];
  if (!args.version && written.includes(args.file)) throw new UsageError('will not overwrite input file');
  return args;
}
