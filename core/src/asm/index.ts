// The assembler's entry point: preprocess, parse, assemble, then gather the facts the language
// server, debugger and CLI read (listing, source map, symbols, references, statements).

import type { AssembleOptions, AssembleResult, Diagnostic, ListingLine, OperandTextKind, SourceMap, SourceMapEntry, SourceRange, Statement, SymbolInfo, SymbolReference } from './api';
import { assembleStatements, listStatements, MAX_REPEATED_ERRORS, symbolRange, type AssemblerHost, type AssemblyOutput, type FirstPassWarning } from './assembler';
import { codeAt, codeOf, conditionsOf, markUnread, takenCode, type CheckCode, type DeferredCheck } from './deferred-check';
import { DiagnosticSink, type DiagnosticPlaces } from './diagnostics';
import { invalidEffectiveAddress, MODE_ADDRESS } from './effective-address';
import { segmentSize } from './bits-and-section';
import { RESERVE_UNIT } from './directives';
import { lookupRegister } from '../isa/registers';
import { findInstruction } from '../isa/table';
import type { FormSpec } from '../isa/types';
import { evaluate, EXTERNAL_SEGMENTS, fullName, givesUp, isLocalName, isStackOverflow, qualifyName, type EvalContext, type Value } from './expr';
import { firstPassEvaluation, invalidOperandValue } from './eval-vector';
import { buildListing, mayRepeat, messagesAsListed } from './listing-lines';
import { givenInFinalPass, onlyFinalPassErrors } from './listing-errors';
import { INVALID_OPERAND } from './register-sum';
import { everyTime, withOtherChains } from './message-rounds';
import { forgetParses, INSTRUCTION_EXPECTED, mentionsLocal, ParseCursor, parseLine, parseStatement, setsLocalBase, StatementKind, tooDeep, type ParsedOperand, type ParsedStatement, type ParseProblem, type SharedBases } from './parser';
import { warningClass, WarningSwitches } from './warning-switches';
import { DEFAULT_FLOAT_MODE, floatModeAfter, type FloatMode } from './floats';
import { preprocess, preprocessRun, PREPROCESSOR_RUNS, type PreprocessOptions, type PreprocessorRun, type PreprocessResult, type StructureText } from './preprocessor';
import { forgetLines } from './line-cache';
import { tokensText } from './macros';
import { paramText } from './single-line-params';
import { forgetEncodings } from './encode-cache';
import { isPieces, LineFlag, lineRange, type PPLines, type PPToken } from './source';
import { resolveLimits, TimeBudget, TIME_BUDGET_MESSAGE, type ResolvedLimits } from './limits';
import { buildSourceMap } from './sourcemap';
import { expandedLineText } from './preprocess-only';
import { segmentAddress } from './sections';
import { present, type StatementResults } from './statement-results';
import { Optimization } from '../isa/operands';

export type * from './api';
export { tokenizeLine, type Token, type TokenKind } from './lexer';
export { renderListing } from './listing';
export { renderMapFile } from './map-file';
export { namesFromDirectory, preprocessOnly } from './preprocess-only';
/** The caller no longer needs a file's last text kept (an editor closed it): see line-cache.ts. */
export { forgetFile } from './line-cache';

/**
 * Forgets what assemblies keep for the next one (each distinct line's tokens and parse, each
 * file's last text, encodings by statement shape): the next assembly starts from the source
 * alone, as in a fresh process but with the JIT warm. Results never depend on these caches.
 */
export function forgetCaches(): void {
  forgetLines();
  forgetParses();
  forgetEncodings();
}

const NO_RUNS: readonly CheckCode[] = [];

/** AssembleOptions.optimization as the encoder takes it: undefined for -Ox (see Optimization). */
function optimizationOf(level: number | undefined): Optimization | undefined {
  if (level === undefined || level >= 2) return undefined;
  return level <= 0 ? Optimization.None : Optimization.Minimal;
}

export function assemble(opts: AssembleOptions): AssembleResult {
  const limits = resolveLimits(opts.limits);
  const budget = new TimeBudget(opts.deadline);
  const ppOptions: PreprocessOptions = {
    file: opts.file, text: opts.text, readFile: (p) => (p === opts.file && opts.text !== undefined ? opts.text : opts.host.readFile(p)),
    includePaths: opts.includePaths ?? [], defines: opts.defines ?? {}, limits, budget, time: opts.time ?? new Date(), env: opts.env, prelude: opts.prelude, noLine: opts.noLine,
    fileName: opts.fileName, workingDirectory: opts.workingDirectory,
  };
  // The run nasm's final pass reads, whose messages its sink starts with (see preprocess).
  const runs = new PreprocessorRuns(ppOptions, (pp, sink, count, before) => assemblyOf(pp, ppOptions, count, opts, limits, budget, sink, { before }).asm);
  const schedule = finalRun(runs, budget);
  const { result: pp, sink } = runs.take(schedule.count);
  const { parsed, asm } = assemblyOf(pp, ppOptions, schedule.count, opts, limits, budget, sink);
  const { stmts, sharedBases, stmtOfLine, lineOf } = parsed;
  const switches = parsed.laterSwitches === undefined ? parsed.switches : withLaterSwitches(parsed.switches, parsed.laterSwitches, pp, sink);
  if (schedule.stabilized !== undefined) labelMoved(schedule.stabilized, asm, pp.lines, lineOf, sink);

  if (asm.firstPassWarnings !== undefined && asm.firstPassWarnings.length > 0) firstPassWarnings(asm.firstPassWarnings, sink);
  // A warning `[warning +error=name]` made an error (or one of a class that is an error by
  // default, as pp-macro-def-param-single is) leaves no image, as any error does.
  const image = sink.applySwitches(switches ?? new WarningSwitches()) ? new Uint8Array(0) : asm.image;
  const textSection = asm.sections[0];
  const origin = textSection ? textSection.address - textSection.fileOffset : asm.origin;
  return lazyResult({
    image, origin: asm.sections.length > 0 ? Math.min(origin, asm.origin) : asm.origin,
    diagnostics: withOtherChains(sink.list, sink.places()), files: pp.files, includes: pp.includes, technique: pp.technique, lineDirectives: pp.reported.directives, map: asm.map,
    ...(pp.stopped ? { stopped: true } : {}),
    ...(pp.inactive.length > 0 ? { inactive: pp.inactive } : {}),
  }, pp, stmts, sharedBases, lineOf, stmtOfLine, asm, sink.places());
}

/** The source preprocessed (`pp`, nasm's `runCount`th run of the preprocessor) parsed and assembled, its messages to `sink`. */
function assemblyOf(pp: PreprocessResult, ppOptions: PreprocessOptions, runCount: number, opts: AssembleOptions, limits: ResolvedLimits, budget: TimeBudget, sink: DiagnosticSink,
  onePass?: AssemblerHost['onePass']): { readonly parsed: ReturnType<typeof parseStatements>; readonly asm: AssemblyOutput } {
  const lines = pp.lines;
  // The code of deferred %if blocks, in order: what parsing it finds waits for its branch to be taken.
  const runs = pp.checks.some((c) => c.hasCode) ? pp.checks.flatMap((c) => [...codeOf(c)]) : NO_RUNS;
  // nasm's final pass starts in the state the pass before it ended in, where the parse here runs
  // once. Two parts of that state change how lines read, and a file that ends in another state
  // than it starts in is parsed again from the state it ends in:
  // - `[float]` rounding: the data after the directive is parsed in its mode, so the lines before
  //   the first one are in the mode the file ends in (measured: `dd 0.1` then `float zero` is
  //   0x3DCCCCCC);
  // - the non-local label: a `.x` before the first one is under the file's last (measured:
  //   `.x: db 1` / `main: db 2` / `jmp .x` jumps to `main.x`, at 0; with `.x:` under `main:` too,
  //   "label `main.x' inconsistently redefined").
  const startMark = sink.mark();
  let parsed = parseStatements(pp, runs, opts.warnings, limits.eval, budget, sink, DEFAULT_FLOAT_MODE, undefined);
  const baseCarried = parsed.localBase !== undefined && namesLocalBeforeBase(parsed.stmts, parsed.lineOf, lines);
  if (parsed.floatMode !== DEFAULT_FLOAT_MODE || baseCarried) {
    sink.rollback(startMark);
    for (const run of runs) run.parsed = undefined;
    parsed = parseStatements(pp, runs, opts.warnings, limits.eval, budget, sink, parsed.floatMode, baseCarried ? parsed.localBase : undefined);
  }
  const { stmts, sharedBases, stmtOfLine, lineOf } = parsed;
  // A deferred %if block, each of its conditions and runs of code come after the statements of
  // the lines before them.
  const statementAt = (line: number): number => {
    let l = line - 1;
    while (l >= 0 && stmtOfLine[l] < 0) l--;
    return l >= 0 ? stmtOfLine[l] + 1 : 0;
  };
  for (const c of pp.checks) {
    c.endStatement = statementAt(c.outputLine);
    c.statement = c.hasCode ? statementAt(c.startLine) : c.endStatement;
    for (const cond of conditionsOf(c)) cond.statement = c.hasCode ? statementAt(cond.outputLine) : c.statement;
    for (const code of codeOf(c)) { code.stmtFrom = statementAt(code.from); code.stmtTo = statementAt(code.to); }
  }

  for (const c of pp.checks) if (c.hasCode) checkLocalBase(c, stmts, lineOf, lines, sink);

  const asm = assembleStatements(stmts, lines, lineOf, sink, {
    readBinary: opts.host.readBinary?.bind(opts.host), includePaths: opts.includePaths ?? [], mainFile: opts.file, workingDirectory: opts.workingDirectory, fileName: opts.fileName, limits, budget, checks: pp.exhausted ? [] : pp.checks,
    optimization: optimizationOf(opts.optimization), sharedBases, baseCarried, parsedFloatMode: parsed.floatMode, sectDefinitions: pp.sectDefinitions, sizeDefinitions: pp.sizeDefinitions,
    atMember: pp.atMember,
    structureAtEnd: structureAtEnd(pp, () => preprocess({ ...ppOptions, structureNames: true }, new DiagnosticSink(), runCount)),
    pushedContext: pp.pushedContext, structureLost: pp.structureLost, foundContext: (line) => pp.structureContext(line)?.id, onePass,
  }, opts.frontEndOnly ?? false);
  // (Errors the assembly did not see, when it made its image: an error leaves none.)
  const errors = sink.errors;
  if (parsed.segProblems !== undefined) reportSegmentProblems(parsed.segProblems, asm, lines, statementAt, sink);
  if (parsed.countProblems !== undefined) reportCountProblems(parsed.countProblems, asm, lines, statementAt, sink);
  if (parsed.operandProblems !== undefined) reportOperandProblems(parsed.operandProblems, asm, lines, statementAt, sink);
  if (parsed.equProblems !== undefined) reportEquProblems(parsed.equProblems, asm, lines, statementAt, sink);
  return { parsed, asm: sink.errors > errors ? { ...asm, image: new Uint8Array(0) } : asm };
}

/**
 * How many runs of its preprocessor nasm makes up to the one its final pass reads (see preprocess),
 * and when a `%arg` or `%local` reads the frame the run before left, the labels of the run before
 * the last (its stabilizing pass's), which the last must leave as they are. nasm's preprocessor
 * runs once a pass: its first pass, then optimizing passes until one leaves the labels as the one
 * before did (from its third run on), then the stabilizing pass and the final one. A frame moving
 * on each run can change the size of code (a displacement past 127), and so the labels, which then
 * take more passes (measured with nasm 2.16.01: with a `%arg` list of 60 bytes, `mov eax, [a0]` is
 * [ebp+308], six runs, the third's offset, 128, the first past 127; with 40 bytes [ebp+168], five,
 * the fourth's the first). Each pass reads its own run's lines with the labels the pass before
 * left, so a jump over such code is sized a pass late (measured: a `jmp` over the `mov` and 122
 * bytes more grows to near in the fourth pass, not the third, and the same file is [ebp+368], seven
 * runs). A file whose fifth run leaves the frame as it found it is assembled from that run alone
 * (most files: their first, with no `%arg` or `%local`).
 */
function finalRun(runs: PreprocessorRuns, budget: TimeBudget): RunSchedule {
  while (runs.count < PREPROCESSOR_RUNS && runs.last.carried) runs.next();
  if (!runs.last.carried) return { count: runs.count };
  let optimized = 3;
  let before = runs.labelsAfter(2);
  let labels = runs.labelsAfter(3);
  while (!sameLabels(before, labels) && optimized < MAX_OPTIMIZING_RUNS && !budget.expiredNow()) {
    optimized++;
    before = labels;
    labels = runs.labelsAfter(optimized);
  }
  return { count: optimized + 2, stabilized: runs.labelsAfter(optimized + 1) };
}

interface RunSchedule { readonly count: number; readonly stabilized?: ReadonlyMap<string, Value> }

/** A bound on the runs finalRun makes (nasm's own, --limit-passes, is far higher; each frame moves the size of code a few times at most). */
const MAX_OPTIMIZING_RUNS = 20;

/** A run of the preprocessor and the sink with its messages, until assembled. */
interface MadeRun { readonly result: PreprocessResult; readonly sink: DiagnosticSink }

/**
 * nasm's runs of its preprocessor, each made once, each from the frame the one before left, into a
 * sink of its own (the run's messages, as preprocess leaves them): a run is then assembled at
 * most once, as one of nasm's passes, or taken for the final assembly.
 */
class PreprocessorRuns {
  private readonly runs: (MadeRun | undefined)[] = [];
  /** By pass (0 the first), the labels it left. */
  private readonly labels: ReadonlyMap<string, Value>[] = [];
  /** The last pass assembled, which the next starts from. */
  private lastPass: AssemblyOutput | undefined;
  last: PreprocessorRun;

  /** `assemble`: a run's lines assembled as the pass after `before` (undefined: the first), its messages to the run's sink. */
  constructor(private readonly options: PreprocessOptions,
    private readonly assemble: (pp: PreprocessResult, sink: DiagnosticSink, count: number, before: AssemblyOutput | undefined) => AssemblyOutput) {
    this.last = this.add(undefined);
  }

  /** The count of runs made. */
  get count(): number {
    return this.runs.length;
  }

  next(): void {
    this.last = this.add(this.last);
  }

  /** Run `count` (1 the first) and its sink, for the final assembly: no other assembly reads them. */
  take(count: number): MadeRun {
    while (this.count < count) this.next();
    const run = this.runs[count - 1];
    if (run === undefined) throw new Error(`preprocessor run ${count} was taken already`);
    this.runs[count - 1] = undefined;
    return run;
  }

  /** The labels nasm's pass `count` leaves, which reads run `count` (the passes before it assembled first, in order). */
  labelsAfter(count: number): ReadonlyMap<string, Value> {
    while (this.labels.length < count) {
      const { result, sink } = this.take(this.labels.length + 1);
      this.lastPass = this.assemble(result, sink, this.labels.length + 1, this.lastPass);
      this.labels.push(labelValues(this.lastPass.symbols));
    }
    return this.labels[count - 1];
  }

  private add(before: PreprocessorRun | undefined): PreprocessorRun {
    const sink = new DiagnosticSink();
    const run = preprocessRun(this.options, sink, before);
    this.runs.push({ result: run.result, sink });
    return run;
  }
}

function labelValues(symbols: AssemblyOutput['symbols']): ReadonlyMap<string, Value> {
  const out = new Map<string, Value>();
  for (const [name, def] of symbols) out.set(name, { v: def.value, sec: def.sec });
  return out;
}

function sameLabels(a: ReadonlyMap<string, Value>, b: ReadonlyMap<string, Value>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, v] of a) {
    const w = b.get(name);
    if (w === undefined || w.v !== v.v || w.sec !== v.sec) return false;
  }
  return true;
}

/**
 * The first label (in definition order) the final run put elsewhere than the stabilizing run
 * (`stabilized`): nasm's "label `x' changed during code generation", an error by default
 * (-w+error=label-redef-late; measured with nasm 2.16.01: a `%arg` list of 32 bytes, whose fifth
 * run's offset, 136, is the first past 127, moves `x:` after `mov eax, [a0]`; only the first is named).
 */
function labelMoved(stabilized: ReadonlyMap<string, Value>, asm: AssemblyOutput, lines: PPLines, lineOf: Int32Array, sink: DiagnosticSink): void {
  for (const [name, def] of asm.symbols) {
    const was = stabilized.get(name);
    if (was === undefined || (was.v === def.value && was.sec === def.sec)) continue;
    sink.warning('label-redef-late', `label \`${name}' changed during code generation`, symbolRange(def, lines, lineOf), lines.origin(lineOf[def.stmt]).expansion, lineOf[def.stmt]);
    return;
  }
}

/**
 * AssemblerHost.structureAtEnd for the preprocessed `pp`: nothing to ask unless a single-line
 * macro has the structure's name (in any case), when the preprocessor runs again (`again`) keeping
 * what each `endstruc` names, which it does not while it runs for every file, since that reads
 * the output before every change to the single-line macros (see PreprocessOptions.structureNames).
 */
function structureAtEnd(pp: PreprocessResult, again: () => PreprocessResult): (line: number, name: string) => StructureText | undefined {
  let names: Set<string> | undefined;
  let named: PreprocessResult | undefined;
  return (line, name) => {
    names ??= new Set(pp.defines.map((d) => d.name.toLowerCase()));
    if (!names.has(name.toLowerCase())) return undefined;
    named ??= again();
    return named.structureText(line);
  };
}

/** The statements parsed from the preprocessed lines, and what reading them set. */
interface ParsedLines {
  readonly stmts: ParsedStatement[];
  /** Per statement, the label a shared statement's `.x` names hang from (AssemblerHost.sharedBases). */
  readonly sharedBases: SharedBases;
  /** Per preprocessed line, its statement's index (-1: none). */
  readonly stmtOfLine: Int32Array;
  /** Per statement, its preprocessed line. */
  readonly lineOf: Int32Array;
  /** The `-w` options and `[warning]` lines read. */
  readonly switches: WarningSwitches | undefined;
  /**
   * From the first `[warning]` line in the code of a deferred %if block on, the `[warning]` lines
   * (with the run of code each is in), which apply once the assembly knows the branches taken
   * (see laterSwitches).
   */
  readonly laterSwitches?: readonly LaterSwitch[];
  /** The `[float]` mode the lines end in. */
  readonly floatMode: FloatMode;
  /** The non-local label the lines end under. */
  readonly localBase: string | undefined;
  /** Messages on `seg NAME` held for the assembly to word (see reportSegmentProblems). */
  readonly segProblems?: readonly SegmentProblem[];
  readonly countProblems?: readonly SegmentProblem[];
  /** Problems of operands naming registers under operators, held for the assembly (see reportOperandProblems). */
  readonly operandProblems?: readonly SegmentProblem[];
  /** Problems of `equ` lines of several operands that name something, held for the assembly (see reportEquProblems). */
  readonly equProblems?: readonly SegmentProblem[];
}

/** A `[warning]` line read after the assembly (see ParsedLines.laterSwitches). */
interface LaterSwitch {
  readonly line: number;
  readonly stmt: ParsedStatement;
  readonly run: CheckCode | undefined;
}

/**
 * Parses each line of `pp` that is not listed only, from `floatMode` and under `localBase` on,
 * reporting the problems (those in the code of deferred %if blocks, `runs`, wait for their branch
 * to be taken).
 */
function parseStatements(pp: PreprocessResult, runs: readonly CheckCode[], warnings: AssembleOptions['warnings'], evalLimit: number, budget: TimeBudget, sink: DiagnosticSink,
  floatMode: FloatMode, localBase: string | undefined): ParsedLines {
  const lines = pp.lines;
  // At most one statement per line: room for them all at once, trimmed after (growing copies).
  const stmts = new Array<ParsedStatement>(lines.count);
  let count = 0;
  const stmtOfLine = new Int32Array(lines.count).fill(-1);
  const statementLines = new Int32Array(lines.count);
  const cursor = new ParseCursor();
  cursor.localBase = localBase;
  // Made at the first shared statement (most files have none): holes read as undefined.
  let sharedBases: (string | undefined)[] | undefined;
  let switches = warnings && warnings.length > 0 ? new WarningSwitches(warnings) : undefined;
  // The mode the lines are in as far as the parse knows (see modeAfter): a few messages name it.
  let mode = 16;
  // The last `section`, `segment` or `absolute` line, which sets `__?SECT?__` (see sectBodyLabel).
  let sectLine = -1;
  let segProblems: SegmentProblem[] | undefined;
  let countProblems: SegmentProblem[] | undefined;
  let operandProblems: SegmentProblem[] | undefined;
  let equProblems: SegmentProblem[] | undefined;
  let laterSwitches: LaterSwitch[] | undefined;
  // After an expansion limit nasm stops (a fatal error): nothing is assembled, nothing more reported.
  for (let i = 0; i < (pp.exhausted ? 0 : lines.count); i++) {
    const flags = lines.flags[i];
    if ((flags & LineFlag.ListOnly) !== 0) continue;
    if (budget.expired()) {
      if (!budget.reported) { budget.reported = true; sink.error('time-budget', TIME_BUDGET_MESSAGE, lineRange(lines.file(i), lines.line[i], 0, lines.text[i].length), lines.origin(i).expansion); }
      break;
    }
    const stmt = parseOrTooDeep(lines, i, cursor, evalLimit, floatMode);
    const problem = cursor.problem;
    if (cursor.warnings) {
      const run = runs.length > 0 ? codeAt(runs, i) : undefined;
      for (const w of cursor.warnings) {
        if (w.segOf !== undefined && run === undefined) { (segProblems ??= []).push({ line: i, problem: w }); continue; }
        // (An unterminated string in a line the preprocessor read before passing it on as written,
        // its tokens kept, is the preprocessor's to report: nasm warns once as it reads the line.)
        if (w.code === 'open-string' && lines.tokens[i] !== undefined) continue;
        const range = lineRange(lines.file(i), lines.line[i], w.start, w.end);
        if (run !== undefined) (run.parsed ??= []).push({ severity: w.error === true ? 'error' : 'warning', code: w.code, message: w.message, range, expansion: lines.origin(i).expansion, line: i });
        else if (w.error === true) sink.error(w.code, w.message, range, lines.origin(i).expansion, undefined, i);
        else sink.warning(w.code, w.message, range, lines.origin(i).expansion, i);
      }
    }
    if (problem) {
      const run = runs.length > 0 ? codeAt(runs, i) : undefined;
      const range = lineRange(lines.file(i), lines.line[i], problem.start, problem.end);
      const message = problem.code === MODE_ADDRESS ? invalidEffectiveAddress(mode) : problem.message;
      if (run !== undefined) (run.parsed ??= []).push({ severity: 'error', code: problem.code, message, range, expansion: lines.origin(i).expansion, line: i });
      else if (problem.segOf !== undefined) (segProblems ??= []).push({ line: i, problem });
      else if (problem.afterCount !== undefined) (countProblems ??= []).push({ line: i, problem: message === problem.message ? problem : { ...problem, message } });
      else if (problem.equOperands !== undefined) (equProblems ??= []).push({ line: i, problem });
      else if (problem.registerOperand !== undefined) (operandProblems ??= []).push({ line: i, problem });
      else sink.error(problem.code, message, range, lines.origin(i).expansion, undefined, i);
      // (A failed line's statement is its label alone: see LineParser.failedLineLabel.)
      if (stmt === undefined) continue;
    }
    if (stmt) {
      if (stmt.kind === StatementKind.Directive) {
        if (stmt.op!.name === 'warning') {
          const run = runs.length > 0 ? codeAt(runs, i) : undefined;
          if (run !== undefined || laterSwitches !== undefined) (laterSwitches ??= []).push({ line: i, stmt, run });
          else switches = switchWarnings(switches ?? new WarningSwitches(), stmt, lines, i, sink);
        }
        else if (stmt.op!.name === 'float') floatMode = floatModeAfter(floatMode, tokensText(stmt.args)) ?? floatMode;
        else mode = modeAfter(stmt, mode);
        if (pp.sectDefinitions.length > 0) {
          const name = stmt.op!.name;
          if ((name === 'section' || name === 'segment' || name === 'absolute') && lines.tokensOf(i)[0]?.text !== '[') sectLine = i;
          else if (name === 'endstruc' && stmt.label === undefined) cursor.localBase = sectBodyLabel(pp.sectDefinitions, i, sectLine) ?? cursor.localBase;
        }
      }
      if (cursor.sharedBase !== undefined) {
        (sharedBases ??= new Array<string | undefined>(lines.count))[count] = cursor.sharedBase;
        cursor.sharedBase = undefined;
      }
      stmtOfLine[i] = count;
      statementLines[count] = i;
      stmts[count++] = stmt;
    }
  }
  stmts.length = count;
  if (sharedBases !== undefined) sharedBases.length = count;
  return { stmts, sharedBases, stmtOfLine, lineOf: statementLines.subarray(0, count), switches, floatMode, localBase: cursor.localBase, segProblems, countProblems, operandProblems, equProblems, ...(laterSwitches !== undefined ? { laterSwitches } : {}) };
}

/** A parse's message on a `seg` of a name, held for the assembly to word (see ParseProblem.segOf). */
interface SegmentProblem { readonly line: number; readonly problem: ParseProblem }

/**
 * Reports the messages on `seg NAME` the parse held, in nasm 2.16.01's words for what the name is
 * once assembled (measured): a number (an `equ` constant, a label in absolute space) "cannot apply
 * SEG to a non-relocatable value", without the warning of a segment zero-extended; a name never
 * defined "symbol `NAME' not defined"; a label or an external name the bin format's word, as parsed.
 * `statementAt`: the index of the first statement from an output line on.
 */
function reportSegmentProblems(held: readonly SegmentProblem[], asm: AssemblyOutput, lines: PPLines, statementAt: (line: number) => number, sink: DiagnosticSink): void {
  for (const { line, problem } of held) {
    const name = problem.segOf!;
    const symbol = asm.symbols.get(name);
    const external = asm.externals?.has(name) === true || (symbol !== undefined && symbol.sec >= EXTERNAL_SEGMENTS);
    const range = lineRange(lines.file(line), lines.line[line], problem.start, problem.end);
    const expansion = lines.origin(line).expansion;
    const number = !external && symbol !== undefined && symbol.sec < 0;
    // (What nasm gives first of the place the segment goes to, for a label alone: see LineParser.segmentWidth.)
    const width = problem.code === 'zext-reloc' || problem.code === 'seg-width';
    // (In a `times` count a segment is no number, nor is a name defined nowhere or after the line,
    // nasm's first pass stopping there: measured, `times seg lab db 0` and `times seg x db 0` / `x
    // equ 5` are "non-constant argument supplied to TIMES".)
    if (problem.segInCount === true && !(number && symbol.stmt < statementAt(line))) {
      sink.error('non-constant', 'non-constant argument supplied to TIMES', range, expansion, undefined, line);
      const at = problem.noInstructionAt;
      if (at !== undefined) sink.error('syntax', INSTRUCTION_EXPECTED, lineRange(lines.file(line), lines.line[line], at.start, at.end), expansion, undefined, line);
    } else if (symbol === undefined && !external) {
      if (!width) sink.error('undefined-symbol', `symbol \`${name}' not defined`, range, expansion, undefined, line);
    } else if (number) {
      if (!width) sink.error('syntax', 'cannot apply SEG to a non-relocatable value', range, expansion, undefined, line);
    } else if (problem.in32BitCode === true && bitsAt(asm, statementAt(line)) !== 32) continue;
    else if (problem.code === 'zext-reloc') sink.warning(problem.code, problem.message, range, expansion, line);
    else sink.error(problem.code, problem.message, range, expansion, undefined, line);
  }
}

/** The segment size statement `stmt` was assembled in (see AssemblyOutput.bitsSet). */
function bitsAt(asm: AssemblyOutput, stmt: number): 16 | 32 {
  let bits: 16 | 32 = 16, latest = -1;
  for (const [at, set] of asm.bitsSet ?? []) if (at < stmt && at > latest) { latest = at; bits = set; }
  return bits;
}

/** Symbol `name`'s value in `asm` when an earlier statement than `before` defined it, as nasm's first pass knows it there. */
function symbolBefore(asm: AssemblyOutput, name: string, before: number): Value | undefined {
  const s = asm.symbols.get(name);
  return s === undefined || s.value === undefined || s.stmt >= before ? undefined : { v: s.value, sec: s.sec };
}

/**
 * Reports the problems of operands outside brackets that name registers under operators besides
 * sums (see ParseProblem.registerOperand), as nasm gives them: its evaluator's errors of the
 * expression, the registers parts of its value, in its first pass, where a name defined further
 * on is unknown (see firstPassEvaluation), then, where it carried on, its parser's word on a value
 * no operand is (see invalidOperandValue); where that pass gives no error, its second's, with every
 * name known; else the parser's problem (measured with nasm 2.16.01: `push -ebx && !ecx | ebx` is
 * the `!`'s error alone, `mov eax, 4 && y >> ebx ^ x` the shift's, `mov eax, ebx > 2 ^^ 4 & ebx +
 * ebx < x ^ $` the `>`'s, the `&`'s and the `^`'s, where the parser says the first operator's it
 * meets).
 */
function reportOperandProblems(held: readonly SegmentProblem[], asm: AssemblyOutput, lines: PPLines, statementAt: (line: number) => number, sink: DiagnosticSink): void {
  for (const { line, problem } of held) {
    const e = problem.registerOperand!;
    const range = lineRange(lines.file(line), lines.line[line], problem.start, problem.end);
    const expansion = lines.origin(line).expansion;
    const { sec, view } = viewsAt(asm, statementAt(line));
    const first = firstPassEvaluation(e, view(false), true);
    const later = first.errors.length > 0 || (first.vector !== undefined && invalidOperandValue(first.vector, sec)) ? first : firstPassEvaluation(e, view(true), true);
    if (later.errors.length === 0 && (later !== first || first.vector === undefined)) {
      sink.error(problem.code, problem.message, range, expansion, undefined, line);
      continue;
    }
    reportEvaluatorErrors(sink, later === first ? 'expression' : 'expression-later', later.errors, range, expansion, line);
    if (!later.gaveUp && later.vector !== undefined && invalidOperandValue(later.vector, sec)) sink.error(later === first ? 'invalid-operands' : 'expression-later', INVALID_OPERAND, range, expansion, undefined, line);
  }
}

/**
 * The names as nasm's passes know them at statement `before` of `asm` (`later` false: its first,
 * where only those of earlier statements are defined), and the section `before` is in: `$` is
 * where its statement is, `$$` the start of its section.
 */
function viewsAt(asm: AssemblyOutput, before: number): { readonly sec: number; readonly view: (later: boolean) => EvalContext } {
  const at = before < asm.results.count ? before : asm.results.count - 1;
  const sec = at >= 0 ? asm.results.section[at] : 0;
  const here: Value = { v: at >= 0 && !Number.isNaN(asm.results.sectionOffset[at]) ? asm.results.sectionOffset[at] : 0, sec };
  return {
    sec,
    view: (later) => ({ symbol: (name) => symbolBefore(asm, name, later ? Infinity : before), here: () => here, base: () => ({ v: 0, sec }), error: () => undefined }),
  };
}

/** Evaluator errors of a held line's operand, each at `range`; a message given again is its `k`th repeat, as the sink counts them. */
function reportEvaluatorErrors(sink: DiagnosticSink, code: string, errors: readonly string[], range: SourceRange, expansion: readonly SourceRange[], line: number): void {
  const given = new Map<string, number>();
  for (const message of errors) {
    const k = given.get(message) ?? 0;
    given.set(message, k + 1);
    sink.report('error', code, message, range, expansion, undefined, line, line, k);
  }
}

/**
 * Reports the problems of `equ` lines of several operands held for the assembly (see
 * ParseProblem.equOperands): nasm's evaluator's errors of each operand read, in its first pass,
 * up to one it gives up on, which drops the line; where it gives up on none, then the problem.
 */
function reportEquProblems(held: readonly SegmentProblem[], asm: AssemblyOutput, lines: PPLines, statementAt: (line: number) => number, sink: DiagnosticSink): void {
  for (const { line, problem } of held) {
    const expansion = lines.origin(line).expansion;
    const first = viewsAt(asm, statementAt(line)).view(false);
    let gaveUp = false;
    for (const e of problem.equOperands!) {
      const evaluation = firstPassEvaluation(e, first, true);
      reportEvaluatorErrors(sink, 'expression', evaluation.errors, lineRange(lines.file(line), lines.line[line], e.start, e.end), expansion, line);
      if (evaluation.gaveUp) { gaveUp = true; break; }
    }
    if (!gaveUp) sink.error(problem.code, problem.message, lineRange(lines.file(line), lines.line[line], problem.start, problem.end), expansion, undefined, line);
  }
}

/**
 * Reports the problems of lines that fail to parse after a `times` count, held for the assembly
 * (see ParseProblem.afterCount): nasm's parser evaluates the count in its first pass first, where
 * a name defined nowhere or after the line, or a label, is no number, "non-constant argument
 * supplied to TIMES" before the line's own error, and an error its evaluator gives up at is the
 * line's only one (measured with nasm 2.16.01: `times x db (` is both errors, `times 1/0 db (`
 * "division by zero" alone, `x equ 3` / `times x db (` the syntax error alone).
 */
function reportCountProblems(held: readonly SegmentProblem[], asm: AssemblyOutput, lines: PPLines, statementAt: (line: number) => number, sink: DiagnosticSink): void {
  for (const { line, problem } of held) {
    const count = problem.afterCount!;
    const file = lines.file(line), expansion = lines.origin(line).expansion;
    const before = statementAt(line);
    let number = true;
    let failed: string | undefined;
    const v = evaluate(count, {
      symbol: (name) => {
        const v = symbolBefore(asm, name, before);
        if (v === undefined) number = false;
        return v;
      },
      // (A place is an address, of a section as good as any other here: `$ - $$` is a number.)
      here: () => ({ v: 0, sec: 0 }),
      base: () => ({ v: 0, sec: 0 }),
      error: (message) => { failed ??= message; },
    });
    const range = lineRange(file, lines.line[line], count.start, count.end);
    if (failed !== undefined) sink.error('expression', failed, range, expansion, undefined, line);
    if (failed !== undefined && givesUp(failed)) continue;
    const at = lineRange(file, lines.line[line], problem.start, problem.end);
    if (!number || v.v === undefined || v.sec >= 0) sink.error('non-constant', 'non-constant argument supplied to TIMES', range, expansion, undefined, line);
    else if (problem.code === MODE_ADDRESS) {
      // An address no mode takes is no error of nasm's parser but of its sizing of the
      // instruction, once for each repetition its first pass sizes; none for a count below 1,
      // which its final pass refuses if negative (measured with nasm 2.16.01: `times 3 mov eax,
      // [eax+ebx*3]` is "invalid 32-bit effective address" three times, `times 0 ...` nothing,
      // `times -1 ...` "TIMES value -1 is negative" alone).
      if (v.v < 0) sink.error('times-negative', `TIMES value ${v.big ?? v.v} is negative`, range, expansion, undefined, line);
      for (let k = 0; k < Math.min(v.v, MAX_REPEATED_ERRORS); k++) sink.report('error', problem.code, problem.message, at, expansion, undefined, line, line, k);
      continue;
    }
    sink.error(problem.code, problem.message, at, expansion, undefined, line);
  }
}

/**
 * The non-local label an `endstruc` on output line `line` defines where nasm's macro ends with a
 * `__?SECT?__` of the source's that is a label line (`%define __?SECT?__ c: resb 3`, see
 * Assembler.runSectBody): the base of the `.x` names after it (nasm 2.16.01, measured: `.x resw 1`
 * after the structure is c.x). Undefined when the definition is older than the last section line
 * `sectLine`, or defines no such label.
 */
function sectBodyLabel(defs: PreprocessResult['sectDefinitions'], line: number, sectLine: number): string | undefined {
  let k = defs.length - 1;
  while (k >= 0 && defs[k].at > line) k--;
  const body = k < 0 || defs[k].at <= sectLine ? undefined : defs[k].body;
  if (body === undefined) return undefined;
  const st = parseStatement(body, undefined).stmt;
  const label = st?.label;
  if (label === undefined || label.local || label.name.startsWith('..')) return undefined;
  // (An equ's name, or a word alone, which nasm runs as the macro it may name, sets no base.)
  return st!.op?.name === 'equ' || (st!.op === undefined && body[1]?.text !== ':') ? undefined : label.name;
}

/** Whether a statement before the first that sets the non-local label names a `.local` one. */
function namesLocalBeforeBase(stmts: readonly ParsedStatement[], lineOf: Int32Array, lines: PPLines): boolean {
  for (let s = 0; s < stmts.length && !setsLocalBase(stmts[s]); s++) {
    const l = lineOf[s];
    if (lines.text[l].includes('.') && mentionsLocal(lines.tokensOf(l)) && !namesSection(stmts[s])) return true;
  }
  return false;
}

/** Line `i`'s statement (see parseLine), or its failure when a walk over its expressions overflows the stack (see isStackOverflow). */
function parseOrTooDeep(lines: PPLines, i: number, cursor: ParseCursor, evalLimit: number, floatMode: FloatMode): ParsedStatement | undefined {
  try {
    const flags = lines.flags[i];
    return parseLine(lines.text[i], lines.tokens[i], (flags & LineFlag.Verbatim) !== 0, cursor, evalLimit, lines.entries[i], floatMode, (flags & LineFlag.EndsBlank) !== 0);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    cursor.problem = tooDeep(lines.tokensOf(i));
    cursor.warnings = undefined;
    cursor.sharedBase = undefined;
    return undefined;
  }
}

/**
 * The mode after a directive statement that was in `mode`: what `bits 16`, `bits 32`, `use16`
 * and `use32` set (the assembler checks them and says what is wrong with any other).
 */
function modeAfter(st: ParsedStatement, mode: number): number {
  const name = st.op!.name;
  if (name === 'use16' || name === 'use32') return name === 'use16' ? 16 : 32;
  if (name !== 'bits' || st.args.length === 0) return mode;
  const v = segmentSize(st.args);
  return v === 16 || v === 32 ? v : mode;
}

/** A `section`/`segment` line: its `.name` is a section's, no `.local` label. */
function namesSection(st: ParsedStatement): boolean {
  const op = st.op?.name;
  return st.label === undefined && (op === 'section' || op === 'segment');
}

/**
 * A label defined in the code of a %if block the assembler decides (see deferred-check.ts) starts
 * a scope of `.local` names that nasm enters only when that branch is taken, where Ringside's
 * parse, made before assembling, reads every branch in turn. Where that tells a `.local` name
 * apart (after the block, or in a later run of its code, before another label), an error says so
 * rather than give other labels than nasm's.
 */
function checkLocalBase(c: DeferredCheck, stmts: readonly ParsedStatement[], lineOf: Int32Array, lines: PPLines, sink: DiagnosticSink): void {
  let label: string | undefined;
  const ambiguous = (s: number): void => {
    const l = lineOf[s];
    const at = c.branches[0].condition!;
    sink.error('non-constant', `\`.local' names here are under the label before them, which depends on the branch taken by the %if on line ${at.line + 1} (a branch defines \`${label}'): Ringside cannot tell it before assembling`,
      lineRange(lines.file(l), lines.line[l], 0, lines.text[l].length), lines.origin(l).expansion);
  };
  for (const run of codeOf(c)) {
    let own = false;
    for (let s = run.stmtFrom; s < run.stmtTo; s++) {
      if (setsLocalBase(stmts[s])) { own = true; label ??= stmts[s].label?.name; continue; }
      if (!own && label !== undefined && mentionsLocal(lines.tokensOf(lineOf[s])) && !namesSection(stmts[s])) { ambiguous(s); return; }
    }
  }
  if (label === undefined) return;
  for (let s = c.endStatement; s < stmts.length && !setsLocalBase(stmts[s]); s++) {
    if (mentionsLocal(lines.tokensOf(lineOf[s])) && !namesSection(stmts[s])) { ambiguous(s); return; }
  }
}

/**
 * `switches` with `later` applied, those in the code of a deferred %if block when the final pass
 * took its branch: nasm reads a `[warning]` line only where it assembles (measured with nasm
 * 2.16.01: `db 1` / `%if ($-$$) > 4` / `[warning -all]` / `%endif` / `%warning shown` warns).
 */
function withLaterSwitches(switches: WarningSwitches | undefined, later: readonly LaterSwitch[], pp: PreprocessResult, sink: DiagnosticSink): WarningSwitches | undefined {
  const taken = takenCode(pp.checks);
  for (const s of later) if (s.run === undefined || taken.has(s.run)) switches = switchWarnings(switches ?? new WarningSwitches(), s.stmt, pp.lines, s.line, sink);
  return switches;
}

/** Applies the `[warning ...]` on line `i` and reports what it warns (see WarningSwitches.switchAt). */
function switchWarnings(switches: WarningSwitches, stmt: ParsedStatement, lines: PPLines, i: number, sink: DiagnosticSink): WarningSwitches {
  const args = stmt.args, text = lines.text[i];
  // (nasm reads the line's tokens, a run of blanks between them one blank: measured with nasm
  // 2.16.01, `[warning -a  b]` and `[warning -a<tab>b]` are the unknown name "a b", `-'a  b'` "'a  b'".)
  let spec = '';
  for (let k = 0; k < args.length; k++) spec += (k > 0 && args[k].start > args[k - 1].end ? ' ' : '') + text.slice(args[k].start, args[k].end);
  // (Judged by the switches from the next line on, as its own are, but listed under its line:
  // measured, the warning of a `[warning -abc]` last in a `%rep`'s body is listed in each round.)
  for (const w of switches.switchAt(i, spec)) sink.report('warning', w.code, w.message, lines.range(i), lines.origin(i).expansion, undefined, i + 1, i);
  return switches;
}

type Eager = Pick<AssembleResult, 'image' | 'origin' | 'diagnostics' | 'files' | 'includes' | 'technique' | 'lineDirectives' | 'map'>;

const isNasmMessage = (d: Diagnostic): boolean => d.severity === 'error' || d.severity === 'warning';

/**
 * The errors nasm gives in its second pass, after which it stops: not those of its first, whose
 * warnings it then does not print, and none at all when an error of its first pass stopped it
 * before (measured with nasm 2.16.01: `resb y` / `y equ 1` / `times x - x db 1` is the count's
 * "symbol `x' not defined" alone; `db 1` / `times 3 resb a` / `a:` "attempt to reserve
 * non-constant quantity of BSS space" three times, without the first pass's "forward reference
 * in RESx"; `db 1` / `b:` / `times 3 resb b` / `times 2 resb c` / `c:` is b's errors alone). An
 * evaluator's error of a value that names a label further on, which its first pass did not give
 * (see ofLaterPass in assembler.ts); a section attribute's too: nasm's bin format reads them in each pass but its first (`foo bar` /
 * `section .a align=nowhere` is the parser's error alone).
 */
const LATER_PASS_ERRORS: ReadonlySet<string> = new Set(['count-undefined', 'reserve-later', 'section-attr', 'expression-later']);

/**
 * The warnings of nasm's first pass (see AssemblyOutput.firstPassWarnings), given as nasm prints
 * them: when it stops after that pass, on an error of it, but not one of a line its parser
 * refused, whose instruction it never ran (measured with nasm 2.16.01: `extern a` / `resb .e - a`
 * / `.e:` is "invalid operand type" alone); when it stops after its second, on an error of that
 * pass, those its second gives again, of a name still not defined there, one its final pass would
 * have named (measured: `section .a align=3` / `resb q` warns, `resb r` / `r:` does not).
 */
function firstPassWarnings(warnings: readonly FirstPassWarning[], sink: DiagnosticSink): void {
  const first = sink.list.some(ofFirstPass);
  if (!first && !sink.list.some((d) => d.severity === 'error' && !givenInFinalPass(d))) return;
  const errorsAt = (range: SourceRange, which: (d: Diagnostic) => boolean): boolean =>
    sink.list.some((d) => d.severity === 'error' && d.range.file === range.file && d.range.start.line === range.start.line && which(d));
  for (const w of warnings) {
    if (errorsAt(w.range, (d) => d.message === INVALID_OPERAND)) continue;
    if (!first && !errorsAt(w.range, (d) => d.code === 'undefined-symbol' && givenInFinalPass(d))) continue;
    sink.warning(w.code, w.message, w.range, w.expansion, w.line);
  }
}

/** Whether `d` is an error of nasm's first pass (one after which it stops). */
const ofFirstPass = (d: Diagnostic): boolean => d.severity === 'error' && !givenInFinalPass(d) && !LATER_PASS_ERRORS.has(d.code);

/**
 * The warnings nasm gives in its final pass alone, by code: none is printed when an error of an
 * earlier pass stopped it before that pass (measured with nasm 2.16.01, after a `%if lab`'s
 * "non-constant value given to `%if'": `db 300`, `mov al, 300`, `push byte 300`, `resb 1` in
 * .text, `db 1` in .bss, `dd 1.5e999`, `jmp 0x10000:0` and `%warning hi` say nothing; a label alone and `%include`'s trailing
 * garbage still warn). The editor keeps them.
 */
const FINAL_PASS_WARNINGS: ReadonlySet<string> = new Set(['data-overflow', 'out-of-range', 'selector-range', 'zeroing', 'nobits-data', 'float-overflow', 'user-warning']);

/**
 * The classes of other warnings nasm gives in its final pass alone, as FINAL_PASS_WARNINGS's
 * (measured with nasm 2.16.01, after `foo bar`'s "parser: instruction expected": `lock mov eax,
 * ebx`, `o32 pushaw`, `%rep -1`, and with `[warning +all]` `dd 1.0e-50`, `dd 1.0e-40` and a
 * significand of more than 52 digits say nothing).
 */
const FINAL_PASS_CLASSES: ReadonlySet<string> = new Set(['prefix-lock', 'prefix-opsize', 'pp-rep-negative', 'float-toolong', 'float-underflow', 'float-denorm']);

/** Whether nasm gives warning `d` in its final pass alone (see FINAL_PASS_WARNINGS). */
function givenInFinalPassAlone(d: Diagnostic): boolean {
  return FINAL_PASS_WARNINGS.has(d.code) || FINAL_PASS_CLASSES.has(warningClass(d.code, d.message));
}

/**
 * The errors and warnings of `diagnostics` nasm prints, each with its places: Ringside's own notes
 * are the editor's, nasm prints nothing there (and a note between two messages must not shift the
 * places of those after it onto another's), nor the warnings and errors of a final pass it did not
 * run: its bin format's refusals of external references, which it gives as it puts the final pass
 * out, and the errors of that pass (measured with nasm 2.16.01: `extern a, b` / `dd a` / `mov ax,
 * bl` / `times -1 db 0` / `%error hi` / `dd a + b` is the sum's error alone; `foo bar` / `x equ
 * s_size` / `db y` the parser's error alone).
 */
function nasmMessages(diagnostics: readonly Diagnostic[], places: DiagnosticPlaces): { diagnostics: readonly Diagnostic[]; places: DiagnosticPlaces } {
  const stoppedEarly = diagnostics.some((d) => d.severity === 'error' && !givenInFinalPass(d));
  const stoppedFirst = stoppedEarly && diagnostics.some(ofFirstPass);
  const printed = (d: Diagnostic): boolean => isNasmMessage(d) && !(stoppedEarly && (d.severity === 'warning' ? givenInFinalPassAlone(d) : givenInFinalPass(d)))
    && !(stoppedFirst && LATER_PASS_ERRORS.has(d.code));
  if (diagnostics.every(printed)) return { diagnostics, places };
  const kept = [...diagnostics.keys()].filter((i) => printed(diagnostics[i]));
  return {
    diagnostics: kept.map((i) => diagnostics[i]),
    places: { lines: kept.map((i) => places.lines[i]), passed: kept.map((i) => places.passed[i]), rounds: kept.map((i) => places.rounds[i]) },
  };
}

/**
 * The result, with the per-line facts (listing, source map, statements, references, symbols)
 * built on first access and kept: the CLI needs only the image and diagnostics, and building
 * them for every line would cost more than assembling. They are enumerable getters, so spreading
 * or serializing the result still sees them.
 */
function lazyResult(eager: Eager, pp: PreprocessResult, stmts: readonly ParsedStatement[], sharedBases: SharedBases, lineOf: Int32Array, stmtOfLine: Int32Array, asm: AssemblyOutput, places: DiagnosticPlaces): AssembleResult {
  let listing: ListingLine[] | undefined;
  let printed: Diagnostic[] | undefined;
  let sourceMap: SourceMap | undefined;
  let statements: Statement[] | undefined;
  let references: SymbolReference[] | undefined;
  let symbols: SymbolInfo[] | undefined;
  return {
    ...eager,
    get listing(): readonly ListingLine[] {
      if (listing !== undefined) return listing;
      const unread = new Uint8Array(pp.lines.count);
      if (pp.checks.length > 0) markUnread(pp.checks, (i) => pp.lines.origin(i).serial, unread);
      return (listing = buildListing(pp.lines, stmts, stmtOfLine, asm.results, (warned) => listStatements(stmts, sharedBases, pp.lines, lineOf, asm, warned), eager.diagnostics, places, pp.reported, pp.environment, unread));
    },
    get printedMessages(): readonly Diagnostic[] {
      if (printed !== undefined) return printed;
      const messages = nasmMessages(eager.diagnostics, places);
      const times = everyTime(pp.lines, messages.diagnostics, messages.places);
      // Where nasm reaches its final pass, it prints each message as often as it lists it (see
      // messagesAsListed), the lines whose bytes a dropped statement leaves in doubt too: how often
      // is the statement's, not its place's (measured: `dw nope` / `times 3 db 300` is the
      // error, then the warning three times).
      const listed = mayRepeat(eager.diagnostics) && onlyFinalPassErrors(eager.diagnostics);
      return (printed = listed ? messagesAsListed(times, this.listing) : times.map((t) => t.diagnostic));
    },
    get sourceMap(): SourceMap {
      return (sourceMap ??= buildSourceMap(mapEntries(pp, stmtOfLine, asm)));
    },
    get statements(): readonly Statement[] {
      if (statements !== undefined) return statements;
      let bits: 16 | 32 = 16;
      return (statements = stmts.map((st, i) => toStatement(st, sharedBases?.[i], pp.lines, lineOf[i], asm.results, i, (bits = asm.bitsSet?.get(i) ?? bits))));
    },
    get references(): readonly SymbolReference[] {
      return (references ??= buildReferences(pp, stmts, sharedBases, lineOf, asm));
    },
    get symbols(): readonly SymbolInfo[] {
      return (symbols ??= buildSymbols(pp, stmts, sharedBases, lineOf, asm));
    },
  };
}

/**
 * Each use where its name is written: a macro or %rep body, an %include'd file read twice, write
 * a name once however often they expand, so a place is listed once per name.
 */
function buildReferences(pp: PreprocessResult, stmts: readonly ParsedStatement[], sharedBases: SharedBases, lineOf: Int32Array, asm: AssemblyOutput): SymbolReference[] {
  const atStructures = asm.atStructures;
  const references: SymbolReference[] = [];
  const seen = new Places();
  const add = (r: SymbolReference): void => { if (seen.add(r)) references.push(r); };
  for (const r of pp.references) add(r);
  for (const r of pp.localReferences) add({ name: qualifyName(r.name, baseBefore(r.line, stmts, sharedBases, lineOf)), range: r.range });
  for (let i = 0; i < stmts.length; i++) {
    const l = lineOf[i];
    // The main file's own lines are read once: their names, written there, need no check.
    const once = pp.lines.origin(l).depth === 0;
    const base = sharedBases?.[i];
    // `at .x, ...` names a field of the structure its `istruc` names, whatever label the line is under.
    const atStructure = atStructures?.get(i);
    // A label defined again where the symbol is another statement's: nasm takes a definition that
    // agrees with the first (measured: `start:` twice at one address assembles), and a branch of a
    // `%if` on `$` may define what another does. It is the name written too, as a use.
    // A structure declared again (`struc S` twice, alike) likewise.
    const st = stmts[i];
    const label = st.label ?? (st.op?.name === 'struc' && st.args[0]?.kind === 'ident' ? { name: st.args[0].text, start: st.args[0].start, end: st.args[0].end, src: st.args[0].src } : undefined);
    if (label !== undefined) {
      const name = fullName(label.name, base);
      const def = asm.symbols.get(name);
      if (def !== undefined && def.stmt !== i) {
        const written = label.src ?? lineRange(pp.lines.file(l), pp.lines.line[l], label.start, label.end);
        if (once && label.src === undefined) references.push({ name, range: written }); else add({ name, range: written });
      }
    }
    for (const ref of statementRefs(stmts[i])) {
      const inField = atStructure !== undefined && ref.start >= stmts[i].at!.start && ref.end <= stmts[i].at!.end && isLocalName(ref.name);
      const r = inField ? { ...ref, name: atStructure + ref.name } : base === undefined ? ref : { ...ref, name: fullName(ref.name, base) };
      const use = r.src ?? lineRange(pp.lines.file(l), pp.lines.line[l], r.start, r.end);
      if (once && r.src === undefined && r.at === undefined) { references.push({ name: r.name, range: use }); continue; }
      const at = r.at ?? use;
      add(isPieces(at) ? { name: r.name, range: at[0] ?? use, pieces: at } : { name: r.name, range: at });
    }
  }
  return references;
}

/** Directives whose arguments are an expression the assembler reads as it assembles them (not parsed into `refs`). */
const EXPRESSION_ARGUMENTS: ReadonlySet<string> = new Set([...Object.keys(RESERVE_UNIT), 'absolute', 'org', 'incbin']);

/** Directives whose count, before any comma, the assembler reads as it assembles them (a fill after it is parsed: see LineParser.align). */
const COUNT_ARGUMENTS: ReadonlySet<string> = new Set(['align', 'alignb', 'sectalign']);

/** Directives that declare the names they are given, one a parameter (`global start, main`; `common buf 64`). */
const DECLARATIONS: ReadonlySet<string> = new Set(['global', 'extern', 'static', 'required', 'common']);

/**
 * The names a statement uses: its expressions' (`refs`), those in the arguments of
 * EXPRESSION_ARGUMENTS (`resd N-1`, `absolute load_end`, `incbin "f", lab`), in the count of
 * COUNT_ARGUMENTS (`align PAGE`, not `sectalign off`), the names DECLARATIONS declare (`global
 * start`: a rename of the label renames it there too), and in `struc`'s base
 * (`struc s, buf`), and those of `istruc`'s: the structure
 * it names, which its `iend` uses (`NAME_size`) and its `at` fields belong to, and every name of
 * arguments that are more than a name, which nasm's `at` and `iend` read as an expression
 * (`istruc t-s+s`: see istrucExpression in assembler.ts).
 */
function statementRefs(st: ParsedStatement): ParsedStatement['refs'] {
  const op = st.op;
  if (op === undefined || !op.directive) return st.refs;
  const name = op.name;
  if (name !== 'istruc' && name !== 'struc' && !EXPRESSION_ARGUMENTS.has(name) && !COUNT_ARGUMENTS.has(name) && !DECLARATIONS.has(name)) return st.refs;
  // (`struc NAME, base`: the base, after the name it defines, an expression as `absolute`'s.)
  const from = name === 'struc' ? st.args.findIndex((t) => t.text === ',') + 1 : 0;
  if (name === 'struc' && from === 0) return st.refs;
  const refs = [...st.refs];
  const add = (t: PPToken): void => { refs.push({ name: qualifyName(t.text, st.localBase), start: t.start, end: t.end, src: t.src, at: t.at }); };
  const isName = (t: PPToken | undefined): t is PPToken => t !== undefined && t.kind === 'ident' && lookupRegister(t.text) === undefined;
  if (DECLARATIONS.has(name)) {
    // The first word of each parameter (after it, a size or special words: `common buf 64`).
    for (let k = 0; k < st.args.length; k++) if ((k === 0 || st.args[k - 1].text === ',') && isName(st.args[k])) add(st.args[k]);
    return refs;
  }
  if (COUNT_ARGUMENTS.has(name)) {
    // (nasm's `sectalign` takes the words `on` and `off`, no names.)
    if (name === 'sectalign' && st.args.length === 1 && /^o(?:n|ff)$/i.test(st.args[0].text)) return st.refs;
    let depth = 0;
    for (const t of st.args) {
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') depth--;
      else if (t.text === ',' && depth <= 0) break;
      else if (isName(t)) add(t);
    }
    return refs;
  }
  for (const t of st.args.slice(from)) if (isName(t)) add(t);
  return refs;
}

/** The label `.local` names hang under on output line `line`: the one of the last statement above it. */
function baseBefore(line: number, stmts: readonly ParsedStatement[], sharedBases: SharedBases, lineOf: Int32Array): string | undefined {
  let lo = 0, hi = stmts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lineOf[mid] < line) lo = mid + 1; else hi = mid;
  }
  return lo === 0 ? undefined : sharedBases?.[lo - 1] ?? stmts[lo - 1].localBase;
}

/** The references seen, by file and place (numbers, not strings: there is one per use). */
class Places {
  private readonly byFile = new Map<string, Map<number, string | Set<string>>>();
  private readonly pasted = new Set<string>();

  /** False when `r`'s name was seen at its place already. */
  add(r: SymbolReference): boolean {
    if (r.pieces !== undefined) {
      let key = r.name;
      for (const p of [r.range, ...r.pieces]) key += `\n${p.file}:${p.start.line}:${p.start.col}`;
      if (this.pasted.has(key)) return false;
      this.pasted.add(key);
      return true;
    }
    let places = this.byFile.get(r.range.file);
    if (places === undefined) this.byFile.set(r.range.file, (places = new Map()));
    const at = r.range.start.line * 0x100000 + r.range.start.col;
    const names = places.get(at);
    if (names === undefined) { places.set(at, r.name); return true; }
    if (typeof names === 'string') {
      if (names === r.name) return false;
      places.set(at, new Set([names, r.name]));
      return true;
    }
    if (names.has(r.name)) return false;
    names.add(r.name);
    return true;
  }
}

function mapEntries(pp: PreprocessResult, stmtOfLine: Int32Array, asm: AssemblyOutput): SourceMapEntry[] {
  const entries: SourceMapEntry[] = [];
  for (let i = 0; i < pp.lines.count; i++) {
    const si = stmtOfLine[i];
    if (si < 0) continue;
    const res = asm.results;
    if (res.size[si] > 0 && res.bytes[si] && res.address[si] === res.address[si] && res.section[si] >= 0) {
      entries.push({ address: res.address[si], size: res.size[si], range: pp.lines.range(i), expansion: pp.lines.origin(i).expansion });
    }
  }
  return entries;
}

function buildSymbols(pp: PreprocessResult, stmts: readonly ParsedStatement[], sharedBases: SharedBases, lineOf: Int32Array, asm: AssemblyOutput): SymbolInfo[] {
  const symbols: SymbolInfo[] = [];
  for (const s of asm.symbols.values()) {
    if (s.internal === true) continue;
    const st = stmts[s.stmt];
    const base = sharedBases?.[s.stmt];
    // (`at field, .x: dw 5` defines the label of its fill: see LineParser.atField.)
    const label = st?.label !== undefined && fullName(st.label.name, base) === s.name ? st.label : st?.fill?.label ?? st?.label;
    const isField = label?.local && st.op && !st.op.directive ? false : label?.local && s.stmt < asm.results.count && asm.results.section[s.stmt] === -1;
    const value = s.value === undefined ? undefined : s.sec >= 0 && s.kind === 'label' ? segmentAddress(asm.sections, s.sec, asm.origin) + s.value : s.value;
    const range = symbolRange(s, pp.lines, lineOf);
    if (s.isStruc) { symbols.push({ name: s.name, shortName: s.name, kind: 'struc', definition: range, value }); continue; }
    if (label && fullName(label.name, base) === s.name && label.local) {
      symbols.push({ name: s.name, shortName: label.short, kind: isField ? 'struc-field' : 'local-label', definition: range, value, parent: base ?? label.parent });
    } else {
      const structure = asm.structureSizes?.get(s.name);
      symbols.push({ name: s.name, shortName: s.name, kind: s.kind === 'constant' ? 'constant' : 'label', definition: range, value, ...(structure !== undefined ? { structure } : {}) });
    }
  }
  for (const m of pp.macros) symbols.push({ name: m.name, shortName: m.name, kind: 'macro', definition: m.range, params: { min: m.min, max: m.greedy || m.max === Infinity ? 'greedy' : m.max }, doc: m.doc, ...(m.caseInsensitive ? { anyCase: true } : {}) });
  for (const d of pp.defines) {
    if (d.range.file === '<command line>') continue;
    const parameters = d.params?.map((p, k) => paramText(p, d.modifiers?.[k]));
    const body = `${d.name}${parameters !== undefined ? `(${parameters.join(', ')})` : ''} ${tokensText(d.body)}${d.bodyCut ? ' …' : ''}`.trimEnd();
    symbols.push({ name: d.name, shortName: d.name, kind: 'define', definition: d.range, body, ...(parameters !== undefined ? { parameters } : {}), ...(d.caseInsensitive ? { anyCase: true } : {}) });
  }
  for (const s of asm.sections) {
    const at = stmts.findIndex((st) => (st.op?.name === 'section' || st.op?.name === 'segment') && st.args[0]?.text === s.name);
    if (at < 0) continue;
    const decl = stmts[at];
    symbols.push({ name: s.name, shortName: s.name, kind: 'section', definition: lineRange(pp.lines.file(lineOf[at]), pp.lines.line[lineOf[at]], decl.args[0].start, decl.args[0].end), value: s.address });
  }
  return symbols;
}

function operandKind(o: ParsedOperand, text: string): OperandTextKind {
  switch (o.kind) {
    case 'reg': return 'register';
    case 'mem': return 'memory';
    case 'farptr': return 'immediate';
    case 'imm':
      if (o.expr.k === 'num') return /^['"`]/.test(text) ? 'string' : 'immediate';
      if (o.expr.k === 'sym') return 'label';
      return 'expression';
  }
}

function toStatement(st: ParsedStatement, base: string | undefined, lines: PPLines, line: number, res: StatementResults, i: number, bits: 16 | 32): Statement {
  const l = lines.at(line);
  const r = (a: { start: number; end: number }): SourceRange => lineRange(l.file, l.line, a.start, a.end);
  const operands: Statement['operands'][number][] = [];
  for (const o of st.operands) {
    const text = l.text.slice(o.start, o.end);
    operands.push({ text, range: r(o), kind: operandKind(o, text) });
  }
  for (const d of st.data) {
    const text = l.text.slice(d.start, d.end);
    const kind = d.kind === 'bytes' ? 'string' : d.kind !== 'expr' ? 'expression' : d.expr.k === 'sym' ? 'label' : d.expr.k === 'num' ? 'immediate' : 'expression';
    operands.push({ text, range: r(d), kind });
  }
  if (st.data.length === 0 && st.operands.length === 0 && st.args.length > 0) {
    const a = { start: st.args[0].start, end: st.args[st.args.length - 1].end };
    operands.push({ text: l.text.slice(a.start, a.end), range: r(a), kind: 'expression' });
  }
  return {
    range: lines.range(line),
    label: st.label ? { name: fullName(st.label.name, base), range: r(st.label) } : undefined,
    prefixes: st.prefixes.map((p) => ({ name: p.name, range: r(p) })),
    mnemonic: st.op ? { name: st.op.name, range: r(st.op), isDirective: st.op.directive } : undefined,
    operands,
    address: res.size[i] > 0 || st.op ? present(res.address[i]) : undefined,
    size: res.size[i],
    macroCall: l.macroCall,
    outerCall: l.outerCall,
    expanded: l.macroCall === undefined ? undefined : expandedLineText(lines, line),
    form: formIndex(st, res.form[i]),
    bits,
  };
}

/** Where a statement's encoded form stands in its instruction's table entry (see Statement.form). */
function formIndex(st: ParsedStatement, form: FormSpec | undefined): number | undefined {
  if (form === undefined || st.op === undefined) return undefined;
  const k = findInstruction(st.op.name)?.forms.indexOf(form) ?? -1;
  return k >= 0 ? k : undefined;
}
