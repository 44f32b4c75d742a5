// The NASM preprocessor (manual §4): reads files through the host, runs conditionals, %include,
// %rep and macros, and yields lines of tokens that keep their source location and expansion chain.

import type { Diagnostic, SourceRange } from './api';
import type { DiagnosticSink } from './diagnostics';
import { codeAt, codeOf, conditionsOf, type CheckBlock, type CheckCode, type CheckCondition, type DeferredCheck } from './deferred-check';
import { evaluate, parseWhole, type EvalContext, type Expr, type Value } from './expr';
import { openString, someIdent, tokenizeLine, type Token } from './lexer';
import { fileLines, lineEntry, type FileLines, type LineEntry } from './line-cache';
import { isFloatText } from './floats';
import { reread } from './reread';
import { parseNumber, parseNumberExact } from './numbers';
import { findMacroTaking, macroArgument, rotateArguments, splitArguments, standardName, tokensText, usesCallLabel, usesLocalLabels, type BodyLine, type MacroInvocation, type MultiLineMacro, type SingleLineMacro } from './macros';
import { dirName, joinPath } from './paths';
import { ContextStack } from './context-stack';
import { follow, gapped, isPieces, LineFlag, lineRange, NOWHERE, pastedAt, PPLines, spaced, writtenAt, type PPToken } from './source';
import { decodeString, quoteBytes } from './strings';
import { TECHNIQUES, type Technique } from '../isa/types';
import { NASM_LIMITS, TimeBudget, TIME_BUDGET_MESSAGE, type ResolvedLimits } from './limits';
import { ReportedLines } from './reported-lines';
import { STANDARD_MACRO_NAMES, StandardMacroCalls, withoutStandardMacros } from './standard-macros';
import { packageMarkers, STANDARD_PACKAGES } from './standard-packages';

export interface PreprocessOptions {
  readonly file: string;
  readonly text?: string;
  readonly readFile: (path: string) => string | undefined;
  readonly includePaths: readonly string[];
  readonly defines: Readonly<Record<string, string>>;
  /** nasm's `--limit-X` values (NASM_LIMITS when absent). */
  readonly limits?: ResolvedLimits;
  readonly budget?: TimeBudget;
  /** The moment `__DATE__`, `__TIME__` and `__POSIX_TIME__` describe (now when absent). */
  readonly time?: Date;
}

export interface IncludeRecord {
  readonly range: SourceRange;
  readonly target: string;
  readonly resolved?: string;
}

export interface PreprocessResult {
  readonly lines: PPLines;
  readonly files: string[];
  readonly includes: IncludeRecord[];
  readonly macros: MultiLineMacro[];
  readonly defines: SingleLineMacro[];
  readonly technique?: Technique;
  /** References to macros and defines by name (`%ifdef X`, `X` expanded, macro calls), as SymbolReference. */
  readonly references: { name: string; range: SourceRange; pieces?: readonly SourceRange[] }[];
  /** Stopped at an expansion limit: fatal in nasm, which then assembles nothing. */
  readonly exhausted: boolean;
  /** `%if` blocks of diagnostics that the assembler decides (see deferBlock), in output order. */
  readonly checks: DeferredCheck[];
  /** The `%line` directives read, and how nasm reports the lines they renumber. */
  readonly reported: ReportedLines;
}

interface Frame {
  readonly kind: 'file' | 'macro' | 'rep';
  readonly file: string;
  /** File frames: the file's lines and their entries. */
  readonly lines?: FileLines;
  /** Macro and %rep frames: the body. */
  readonly body?: readonly BodyLine[];
  idx: number;
  readonly expansion: readonly SourceRange[];
  readonly depth: number;
  /** The macro whose parameters `%1`... refer to (inherited by %rep frames inside a macro). */
  readonly invocation?: MacroInvocation;
  repLeft: number;
  /**
   * Where the conditional groups of the file being read start: nasm keeps one stack of them per
   * file (Include.conds), which the lines of a macro or %rep body read in it share. So a body's
   * `%endif` may close a group opened before the call, and a group a body opens stays open after
   * it (measured with nasm 2.16.01); a file's own must close in it.
   */
  readonly condBase: number;
  /**
   * Macro and %rep frames: the groups opened less those closed while this was the innermost frame
   * (nasm's MMacro.condcnt), which `%exitmacro` drops.
   */
  condCount: number;
  /**
   * A %rep frame after `%exitrep`: nasm walks the rest of the round without assembling it, but
   * still runs its conditional directives (in_progress 0; an `%if 1/0` there is reported).
   */
  exited?: boolean;
  /** What every line of the frame shares in the output (an index in PPLines), made on its first line. */
  origin?: number;
  /** Inside the expansion of a `.nolist` macro: not listed. */
  readonly unlisted?: boolean;
  /** Frames pushed later have greater serials (see CheckBlock.serial, checkForbids). */
  readonly serial: number;
}

/**
 * Where a conditional group is (nasm 2.16's preproc.c states, measured): a branch being assembled,
 * still looking for its branch, its branch past, or never to assemble anything. `Never` is
 * COND_NEVER: a group inside a skipped one, one whose test nasm failed (`%ifdef 5`, a label in
 * `%if`), one with an `%else` or `%elif` after its `%else`. `Unread` is the state -1 that nasm
 * stores when its evaluator could not read an `%if`/`%elif` expression (empty, `1+`, `1/0`): no
 * `%else` or `%elif` changes it, as COND_NEVER, but unlike COND_NEVER it does not silence the
 * group's `%else`/`%endif` warnings. `sawElse` tells COND_IF_* from COND_ELSE_*.
 */
const enum Cond { Active, Looking, Done, Never, Unread }

/** What a conditional's test gave (testCondition): its truth, or a failure and which (see Cond). */
const enum Test { False, True, Failed, Unread, Deferred }

interface CondEntry {
  state: Cond;
  sawElse: boolean;
  readonly range: SourceRange;
  readonly expansion: readonly SourceRange[];
  /** A group the assembler decides (state Active: every branch is preprocessed). */
  check?: OpenCheck;
}

/**
 * A `%if` block the assembler decides (deferred-check.ts), while the preprocessor reads it: every
 * branch is preprocessed as if taken, its output lines and what they report kept for the branch.
 * Only the innermost open block gathers; the blocks it is nested in wait for its `%endif`.
 */
interface OpenCheck {
  readonly block: CheckBlock;
  readonly parent: OpenCheck | undefined;
  /** The `%if` (or first `%elif`) it starts at, for messages; its output line starts the block. */
  readonly first: CheckCondition;
  /** The current branch's output lines and diagnostics since its last item (see closeRun). */
  runFrom: number;
  diagnosticsFrom: number;
}

/** One line past a file's last (nasm's line number for what the file's end leaves open): the empty line after a final newline. */
function endOfFile(f: Frame): SourceRange {
  const lines = f.lines!;
  const last = lines.count > 0 && lines.line(lines.count - 1) === '' ? lines.count - 1 : lines.count;
  return lineRange(f.file, last, 0, 0);
}

interface Capture {
  readonly kind: 'macro' | 'rep';
  nesting: number;
  readonly lines: BodyLine[];
  readonly range: SourceRange;
  readonly expansion: readonly SourceRange[];
  readonly macro?: MultiLineMacro;
  readonly count?: number;
  readonly frame: Frame;
}

/**
 * Lines kept in memory before we assume a runaway %rep: far below nasm's line limit (2e9), which
 * nasm can reach because it streams lines, while we keep each one for the editor features.
 */
const MAX_LINES = 20_000_000;
/** Expansion chains kept per line: the innermost and outermost sites (deep recursion would be quadratic). */
const MAX_EXPANSION_CHAIN = 64;
/**
 * Argument tokens held by the macro calls in progress before we call a recursion runaway: a
 * recursive call that grows its argument (`down %1-1` with no end) holds a quadratic number of
 * them long before nasm's 10000 levels, which nasm streams and we would run out of memory on.
 */
const MAX_ARGUMENT_TOKENS = 500_000;
const NO_EXPANSION: readonly SourceRange[] = [];

/** NASM 2.16's preprocessor functions (manual §4.4), which Ringside reports as unsupported. */
const PP_FUNCTIONS: ReadonlySet<string> = new Set(['%abs', '%cond', '%count', '%eval', '%is', '%map', '%num', '%sel', '%str', '%strcat', '%strlen', '%substr', '%tok',
  '%isdef', '%isndef', '%isidn', '%isidni', '%isnum', '%isstr', '%isid', '%istoken', '%isempty', '%ismacro', '%isctx', '%isenv', '%isdirective', '%isusable', '%isusing', '%isfile']);

/** A stack frame as `%stacksize` sets it up: its frame register, slot size, and the next `%arg` and `%local` offsets. */
interface StackFrame {
  readonly pointer: string;
  readonly slot: number;
  argOffset: number;
  localOffset: number;
}

/**
 * `%stacksize`'s frames as nasm 2.16 sets them (measured with `nasm -E`): `small` starts the
 * arguments at bp+6 and `large` at bp+4, the other way round from the manual's description.
 */
const STACK_FRAMES: Readonly<Record<string, StackFrame>> = {
  flat: { pointer: 'ebp', slot: 4, argOffset: 8, localOffset: 0 },
  flat64: { pointer: 'rbp', slot: 8, argOffset: 16, localOffset: 0 },
  large: { pointer: 'bp', slot: 2, argOffset: 4, localOffset: 0 },
  small: { pointer: 'bp', slot: 2, argOffset: 6, localOffset: 0 },
};

/** The sizes `%arg` and `%local` take, in bytes. */
const FRAME_SIZES: Readonly<Record<string, number>> = { byte: 1, word: 2, dword: 4, qword: 8, tword: 10, oword: 16, yword: 32 };

export function preprocess(opts: PreprocessOptions, sink: DiagnosticSink): PreprocessResult {
  return new Preprocessor(opts, sink).run();
}

let macroNameSets = 0;
/** A number no set of macro names had before (see Preprocessor.macroNames). */
function newMacroNames(): number {
  return ++macroNameSets;
}

/** Which ASCII characters start a macro name of set `names`, in either case (0 or 1 each). */
interface Initials {
  readonly names: number;
  readonly chars: Uint8Array;
}

/** A name that starts with no such character need not be looked up (namesNoMacro). */
function initialsOf(names: number, maps: readonly ReadonlyMap<string, unknown>[]): Initials {
  const chars = new Uint8Array(128);
  for (const map of maps) {
    for (const key of map.keys()) {
      const c = key.charCodeAt(0);
      if (c >= 128) continue;
      chars[c] = 1;
      chars[String.fromCharCode(c).toUpperCase().charCodeAt(0)] = 1;
      chars[String.fromCharCode(c).toLowerCase().charCodeAt(0)] = 1;
    }
  }
  return { names, chars };
}

class Preprocessor {
  /** Made again for the main file's line count once it is read (see PPLines). */
  private out = new PPLines();
  /** `NAME equ ...` lines passed on so far, by name, and how far `out` was looked through (see equConstant). */
  private readonly equs = new Map<string, readonly PPToken[]>();
  /** The code of the blocks handed on to the assembler so far, in order (see deferBlock). */
  private readonly codeRuns: CheckCode[] = [];
  private equScanned = 0;
  private readonly frames: Frame[] = [];
  private readonly conds: CondEntry[] = [];
  /** The innermost `%if` block open that the assembler decides (see OpenCheck). */
  private openCheck: OpenCheck | undefined;
  /** The condition expressionCondition left to the assembler last (Test.Deferred), expanded. */
  private assemblerCondition: readonly PPToken[] = [];
  /** Counts the frames pushed (Frame.serial). */
  private frameSerial = 0;
  /**
   * The `%if` handed to the assembler whose branch set `bits`, or held a `section` line, since the
   * last such line outside one: `__BITS__`, `__SECT__` then depend on the branch taken.
   */
  private bitsUnknownAfter: CheckCondition | undefined;
  private sectUnknownAfter: CheckCondition | undefined;
  /**
   * Single-line macros by their names in lower case, oldest first: as nasm keeps them, one list
   * for `%define` and `%idefine` alike, so the newer of the two shadows the other (see
   * defineSingle, lookupSingle).
   */
  private readonly smacros = new Map<string, SingleLineMacro[]>();
  private readonly mmacros = new Map<string, MultiLineMacro[]>();
  /**
   * A `%clear` removed nasm's standard single-line macros (`__?LINE?__`, `__?NASM_VER?__`, ...):
   * the `__X__` spellings, nasm's aliases of them, which `%clear` keeps, then name the removed ones.
   */
  private standardCleared = false;
  /**
   * The standard macros a `%undef` removed (`LINE` for `%undef __?LINE?__` or `__LINE__`, nasm's
   * alias of it), with the output line count then: `__?SECT?__` is defined again by a later
   * `section` line, as nasm's `section` macro defines it.
   */
  private standardUndefined: Map<string, number> | undefined;
  /** The aliases kept aside by `%aliases off` (see setAliases). */
  private aliasesAside: SingleLineMacro[] = [];
  /**
   * Which set of macro names is defined now, unique across assemblies: renewed whenever a name is
   * added (removing one cannot make a line name a macro). LineEntry.namesNoMacroOf keeps it.
   */
  private macroNames = newMacroNames();
  /** The first characters of the macro names (either case), for `macroNames`. */
  private initials: Initials = { names: 0, chars: new Uint8Array(128) };
  private readonly allMacros: MultiLineMacro[] = [];
  private readonly allDefines: SingleLineMacro[] = [];
  private readonly files: string[] = [];
  private readonly includes: IncludeRecord[] = [];
  private readonly references: { name: string; range: SourceRange; pieces?: readonly SourceRange[] }[] = [];
  private readonly checks: DeferredCheck[] = [];
  private readonly reported = new ReportedLines();
  private capture: Capture | undefined;
  private technique: Technique | undefined;
  /** The `..@N` numbers the source's macro calls and `%push`es took (see takeUniqueId). */
  private uniqueIds = 0;
  private readonly standardCalls = new StandardMacroCalls();
  /** One line past the main file's last, where nasm reports what is still open at the end. */
  private mainEnd: SourceRange = lineRange('', 0, 0, 0);
  private readonly contexts = new ContextStack();
  /** Where `%arg` and `%local` put the next variable (see `frameVariables`); nasm's start is `%stacksize flat`'s. */
  private frame: StackFrame = { ...STACK_FRAMES.flat };
  /** `bits` as last set by a `bits`/`use16`/`use32` line, for `__BITS__`. */
  private bits = 16;
  /** `__SECT__`'s tokens (see `sectionDirective`), and the output lines read for them so far. */
  private sect: readonly PPToken[] = tokenizeLine('[section .text]');
  /** The `%use` packages read so far. */
  private readonly packages = new Set<string>();
  private sectScanned = 0;
  /** The first of `checks` that may hold output lines from `sectScanned` on. */
  private sectCheck = 0;
  private macroDepth = 0;
  /** The argument tokens of the macro calls in progress (see MAX_ARGUMENT_TOKENS). */
  private argumentTokens = 0;
  private stopped = false;
  private exhausted = false;
  private readonly limits: ResolvedLimits;
  private readonly budget: TimeBudget;
  /** Lines read from files and macro/%rep bodies, for `--limit-lines`. */
  private linesProcessed = 0;
  /** Multi-line macros now being expanded, with how many times each (only %rmacro may nest). */
  private readonly inProgress = new Map<MultiLineMacro, number>();
  /** Tokens produced by single-line expansion for the current line, for `--limit-macro-tokens`. */
  private expandedTokens = 0;
  private expansionOverflow = false;
  /** The fewest tokens the line's unread rest held during the expansion of a call (see expansionPass). */
  private restLow = 0;
  /**
   * The line expandSingle expanded last ends with blanks: an expansion at its end was empty with
   * blanks before it (`x f()`), which nasm keeps as a blank token (`%defstr` keeps a space for it).
   */
  private endsBlank = false;

  /** The moment of this assembly, for the date and time macros (nasm reads the clock once). */
  private readonly time: Date;

  constructor(private readonly opts: PreprocessOptions, private readonly sink: DiagnosticSink) {
    // Warnings reported here are about the lines passed on so far (see WarningSwitches).
    sink.position = () => this.out.count;
    this.time = opts.time ?? new Date();
    this.limits = opts.limits ?? NASM_LIMITS;
    this.budget = opts.budget ?? new TimeBudget(undefined);
  }

  run(): PreprocessResult {
    for (const [name, value] of Object.entries(this.opts.defines)) {
      const range = lineRange('<command line>', 0, 0, 0);
      this.defineSingle(name, undefined, tokenizeLine(value).map((t) => ({ ...t, at: NOWHERE })), range, false);
    }
    const text = this.opts.text ?? this.opts.readFile(this.opts.file);
    if (text === undefined) {
      this.sink.error('missing-file', `unable to open input file \`${this.opts.file}'`, lineRange(this.opts.file, 0, 0, 0));
    } else {
      this.files.push(this.opts.file);
      const main = this.fileFrame(this.opts.file, text, NO_EXPANSION, 0);
      this.out = new PPLines(main.lines!.count);
      this.mainEnd = endOfFile(main);
      this.frames.push(main);
      this.loop();
    }
    return {
      lines: this.out, files: this.files, includes: this.includes, macros: this.allMacros,
      defines: this.allDefines, technique: this.technique, references: this.references, exhausted: this.exhausted,
      checks: this.checks, reported: this.reported,
    };
  }

  private fileFrame(file: string, text: string, expansion: readonly SourceRange[], depth: number): Frame {
    const lines = fileLines(file, text);
    return { kind: 'file', file, lines, idx: 0, expansion, depth, repLeft: 0, condBase: this.conds.length, condCount: 0, serial: ++this.frameSerial };
  }

  private loop(): void {
    while (this.frames.length > 0 && !this.stopped) {
      const f = this.frames[this.frames.length - 1];
      let file: string, line: number, text: string;
      // A file line's tokens are its entry's, read only if the line needs preprocessing.
      let tokens: readonly Token[] | undefined;
      let entry: LineEntry | undefined;
      const lines = f.lines;
      if (lines !== undefined) {
        if (f.idx >= lines.count || (f.idx === lines.count - 1 && lines.line(f.idx) === '')) { this.endFrame(f); continue; }
        if (this.passesAsWritten() && this.asWritten(f, lines)) continue;
        file = f.file; line = f.idx;
        entry = lines.entry(f.idx++);
        // A backslash ending a line joins the next one to it, before anything else reads the
        // line (measured: nasm 2.16 continues even a comment this way).
        if (entry.continued && f.idx < lines.count) {
          text = entry.text;
          while (text.charCodeAt(text.length - 1) === 0x5c && f.idx < lines.count) text = text.slice(0, -1) + lines.line(f.idx++);
          entry = lineEntry(text);
        }
        text = entry.text;
      } else {
        const body = f.body!;
        if (f.idx >= body.length) {
          if (f.kind === 'rep' && f.repLeft > 1 && f.exited !== true) { f.repLeft--; f.idx = 0; continue; }
          this.endFrame(f);
          continue;
        }
        const b = body[f.idx++];
        file = b.file; line = b.line; text = b.text; tokens = b.tokens;
      }
      if (++this.linesProcessed > this.limits.lines) {
        this.sink.error('limit-lines', `overall line count exceeds the maximum ${this.limits.lines}`, lineRange(file, line, 0, text.length), f.expansion);
        this.stopped = this.exhausted = true;
        break;
      }
      if (this.out.count > MAX_LINES) {
        this.sink.error('runaway-expansion', 'too many lines generated (runaway %rep or macro recursion?)', lineRange(file, line, 0, text.length), f.expansion);
        this.stopped = this.exhausted = true;
        break;
      }
      if (this.budget.expired()) {
        this.budget.reported = true;
        this.sink.error('time-budget', TIME_BUDGET_MESSAGE, lineRange(file, line, 0, text.length), f.expansion);
        this.stopped = true;
        break;
      }
      this.processLine(f, file, line, text, tokens, entry);
    }
    // A stop (limit, deadline) can come while a body is being captured: that body is cut off, not
    // unterminated, and the one stop diagnostic says why.
    // nasm finds these at the end of its input: it reports them one line past the main file's
    // last, each beginning reported here as where it is (measured). A %rep begun in a macro's
    // expansion stays at its place, which is in the call's (nasm: at the call).
    if (this.capture && !this.stopped) {
      const c = this.capture;
      const name = c.macro !== undefined ? ` \`${c.macro.name}'` : '';
      const inExpansion = c.kind === 'rep' && c.frame.kind !== 'file';
      const begins = { range: c.range, message: c.kind === 'macro' ? `the definition of macro${name} begins here` : 'the `%rep\' begins here' };
      this.sink.error(c.kind === 'macro' ? 'unterminated-macro' : 'unterminated-rep',
        c.kind === 'macro' ? `end of file while still defining macro${name}` : 'end of file while still in %rep',
        inExpansion ? c.range : this.mainEnd, inExpansion ? c.expansion : undefined, inExpansion ? undefined : [begins]);
      this.capture = undefined;
    }
  }

  /** An %if whose %endif never came, reported where nasm reports it (`at`), with where it is. */
  private unterminatedIf(c: CondEntry, at: SourceRange, expansion: readonly SourceRange[] | undefined): void {
    this.sink.error('unterminated-if', 'expected `%endif\' before end of file', at, expansion, [{ range: c.range, message: 'the `%if\' it ends begins here' }]);
  }

  /**
   * With no capture open and no conditional skipping, a plain line (see LineEntry.plain) that
   * names no macro (namesNoMacro) goes out as written, and going out changes none of this.
   */
  private passesAsWritten(): boolean {
    return this.capture === undefined && (this.conds.length === 0 || this.conds[this.conds.length - 1].state === Cond.Active);
  }

  /**
   * No word of plain line `e` is the name of a macro defined now: no single-line macro expands in
   * it and it calls no multi-line macro, so processLine would pass it on unchanged. (Standard
   * macros are `__X__` names, which a plain line has none of.) Over-matching is safe: a word
   * that is a case-sensitive macro's name in another case only sends the line the long way.
   */
  private namesNoMacro(e: LineEntry): boolean {
    if (this.smacros.size === 0 && this.mmacros.size === 0 && !this.standardCleared) return true;
    // Found before under the same macro names (a line repeated, a file assembled again).
    if (e.namesNoMacroOf === this.macroNames) return true;
    if (this.initials.names !== this.macroNames) this.initials = initialsOf(this.macroNames, this.standardCleared ? [this.smacros, this.mmacros, STANDARD_MACRO_NAMES] : [this.smacros, this.mmacros]);
    if (someIdent(e.text, e.codeStart, this.namesMacro)) return false;
    e.namesNoMacroOf = this.macroNames;
    return true;
  }

  /** The name at `start`..`end` of `text` is a macro's (in any case for %idefine and %imacro). */
  private readonly namesMacro = (text: string, start: number, end: number): boolean => {
    const first = text.charCodeAt(start);
    if (first >= 128 || this.initials.chars[first] === 0) return false;
    const w = text.slice(start, end);
    if (this.mmacros.has(w)) return true;
    const lower = w.toLowerCase();
    return this.smacros.has(lower) || this.mmacros.has(lower) || (this.standardCleared && STANDARD_MACRO_NAMES.has(lower));
  };

  /**
   * Passes on the run of plain lines of file frame `f` from its next line, as processLine would
   * one by one, with the checks that cannot change within the run (passesAsWritten) made once and
   * the lines written out together; false when the next line is not plain. Stops before a line
   * that needs more than passing on, or that a limit or the time budget stops (the loop reports it).
   */
  private asWritten(f: Frame, lines: FileLines): boolean {
    const from = f.idx;
    // The last line is dropped when empty (see loop); a limit stops the run where the loop would.
    const end = Math.min(lines.count - (lines.line(lines.count - 1) === '' ? 1 : 0), from + this.limits.lines - this.linesProcessed, from + MAX_LINES + 1 - this.out.count);
    const macros = this.smacros.size > 0 || this.mmacros.size > 0 || this.standardCleared;
    let i = from;
    while (i < end) {
      const e = lines.entry(i);
      if (!e.plain || e.continued || (macros && !this.namesNoMacro(e)) || this.budget.expired()) break;
      i++;
    }
    if (i === from) return false;
    this.linesProcessed += i - from;
    this.out.pushAsWritten(f.file, lines, from, i, this.originOf(f));
    f.idx = i;
    return true;
  }

  private originOf(f: Frame): number {
    return f.origin ??= this.out.addOrigin({
      expansion: f.expansion, depth: f.depth, macroCall: f.invocation?.callSite, inMacro: f.invocation !== undefined, body: f.kind !== 'file', unlisted: f.unlisted === true,
      serial: f.serial,
    });
  }

  /**
   * A file's groups must be closed at its end; a body's need not (see Frame.condBase). `exiting`:
   * `%exitmacro` drops the groups the body opened and left open (Frame.condCount), as nasm does.
   */
  private endFrame(f: Frame, exiting = false): void {
    // nasm reports an %if still open at the end of the file it began in (a macro's or %rep's body
    // is read as part of the file that called it) one line past that file's last (measured).
    if (f.kind === 'file') {
      while (this.conds.length > f.condBase) {
        const c = this.conds.pop()!;
        if (c.check !== undefined) { this.closeRun(c.check); this.endCheck(c.check); }
        if (!exiting) this.unterminatedIf(c, endOfFile(f), f.expansion);
      }
    } else if (exiting) {
      for (let n = f.condCount; n > 0 && this.conds.length > f.condBase; n--) this.conds.pop();
    }
    if (f.kind === 'macro') {
      this.macroDepth--;
      this.argumentTokens -= argumentWeight(f.invocation!.args);
      const m = f.invocation!.macro;
      const n = this.inProgress.get(m)!;
      if (n <= 1) this.inProgress.delete(m); else this.inProgress.set(m, n - 1);
    }
    this.frames.pop();
  }

  /**
   * `entry`: set when `tokens` are a file line's own (`entry.code`), passed on as written; then
   * `tokens` may be left undefined (see PPLines.tokensOf).
   */
  private emit(f: Frame, file: string, line: number, text: string, tokens: readonly PPToken[] | undefined, listOnly: boolean, verbatim = false, entry?: LineEntry): void {
    this.out.push(file, line, text, tokens, this.originOf(f), (listOnly ? LineFlag.ListOnly : 0) | (verbatim ? LineFlag.Verbatim : 0), entry);
  }

  /**
   * `entry`: the cached facts of a line read from a file (undefined for macro and %rep body
   * lines); `raw` the tokens of a line without one.
   */
  private processLine(f: Frame, file: string, line: number, text: string, raw: readonly Token[] | undefined, entry: LineEntry | undefined): void {
    // A plain line not passed on in a run (see asWritten: one joined from continued lines) goes out as written.
    if (entry !== undefined && entry.plain && this.passesAsWritten() && this.namesNoMacro(entry)) {
      this.emit(f, file, line, text, undefined, entry.blank, true, entry);
      return;
    }
    let tokens: readonly Token[] = entry !== undefined ? entry.code : raw!;
    const last = tokens.length > 0 ? tokens[tokens.length - 1] : undefined;
    if (entry === undefined && last && last.kind === 'comment') tokens = tokens.slice(0, -1);
    const first = tokens[0];
    const directive = first && first.kind === 'preproc' ? first.text.toLowerCase() : '';
    // nasm reads `%line` as it reads a file's lines, before conditionals and macro and %rep
    // definitions (see reported-lines.ts): in a skipped group or a body being defined too.
    if (directive === '%line' && entry !== undefined) {
      this.emit(f, file, line, text, [], true);
      this.lineDirective(f, file, line, tokens);
      return;
    }

    // nasm warns of an unterminated string as it reads a line of a file, while the group the line
    // is in assembles (a macro's or %rep's lines are read once, when captured). The lines passed
    // on as written above are the parser's to warn of (parseLine).
    if (this.capture) {
      if (entry !== undefined) this.warnOpenString(f, file, line, tokens);
      this.captureLine(f, file, line, text, entry !== undefined ? entry.tokens : raw!, directive);
      return;
    }

    const active = this.conds.length === 0 || this.conds[this.conds.length - 1].state === Cond.Active;
    if (active && entry !== undefined) this.warnOpenString(f, file, line, tokens);
    if (!active) {
      if (isConditional(directive)) {
        // Listed first: an `%elif` handed on to the assembler lists the rest of its block (deferBlock).
        this.emit(f, file, line, text, [], true);
        this.conditional(f, file, line, directive, tokens, false);
        return;
      }
      this.emit(f, file, line, text, [], true);
      return;
    }
    // The rest of a round after `%exitrep`: only conditional directives run (see Frame.exited).
    if (f.exited === true && !isConditional(directive)) {
      this.emit(f, file, line, text, [], true);
      return;
    }

    let toks: PPToken[] = tokens as PPToken[];
    // Most lines have no `%` at all: one scan decides which rewrites can apply.
    let flags = lineFlags(toks);
    if (flags !== 0) {
      if (f.invocation && (flags & Flag.Preproc) !== 0) { toks = this.substituteParams(f.invocation, toks, file, line, f.expansion); flags = lineFlags(toks); }
      else if ((flags & Flag.Preproc) !== 0) toks = this.macroLocalsOutside(toks, file, line, f.expansion);
      if ((flags & Flag.ContextLocal) !== 0) toks = this.substituteContext(toks, file, line, f);
      if ((flags & Flag.Indirection) !== 0) toks = this.indirection(toks, file, line);
    }

    const d = toks.length > 0 && toks[0].kind === 'preproc' ? toks[0].text.toLowerCase() : '';
    if (d !== '' && this.directive(f, file, line, text, d, toks)) return;

    let expanded = this.expandSingle(toks, file, line);
    if ((flags & Flag.Preproc) !== 0 && hasPaste(expanded)) expanded = this.pasteAndRescan(expanded, file, line);
    if ((expanded !== toks || (flags & Flag.Preproc) !== 0) && this.unsupportedFunction(f, file, line, text, expanded)) return;
    if (this.multiLineCall(f, file, line, text, expanded)) return;
    if (this.standardCleared) expanded = withoutStandardMacros(expanded);
    // The assembler reads a line the preprocessor changed as text again.
    if (expanded !== tokens || (flags & Flag.Preproc) !== 0) expanded = reread(expanded, file, line) as PPToken[];
    this.trackBits(expanded);
    const verbatim = expanded === tokens && f.invocation === undefined;
    this.emit(f, file, line, text, expanded, expanded.length === 0, verbatim, verbatim && entry !== undefined && tokens === entry.code ? entry : undefined);
  }

  /** nasm's warning of an unterminated string on line `line` (tokens `tokens`), if it has one. */
  private warnOpenString(f: Frame, file: string, line: number, tokens: readonly Token[]): void {
    const open = openString(tokens);
    if (open !== undefined) this.sink.warning('open-string', open.message, lineRange(file, line, open.token.start, open.token.end), f.expansion);
  }

  /**
   * `toks` without its `%%name`, `%1`, `%{1}`, `%-1`, `%+1`, `%0`, `%00`, which a line outside any
   * macro call cannot have, a directive's line too (a `%macro` line's defaults, a `%define` body):
   * nasm reports each and drops it (`db %1` is then `db`, measured).
   */
  private macroLocalsOutside(toks: PPToken[], file: string, line: number, expansion: readonly SourceRange[]): PPToken[] {
    let kept: PPToken[] | undefined;
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (t.kind === 'preproc' && t.text.length > 1 && (MACRO_PARAMETER.test(t.text) || (t.text.length > 2 && t.text.startsWith('%%')))) {
        // nasm names `%{1}` as `%1` and `%{1:2}` as `%1:2`.
        const name = t.text.startsWith('%{') ? `%${t.text.slice(2, -1)}` : t.text;
        this.sink.error('syntax', `\`${name}': not in a macro call`, lineRange(file, line, t.start, t.end), expansion);
        kept ??= toks.slice(0, i);
      } else if (t.kind === 'preproc' && t.text === '%+' && toks[i + 1]?.kind === 'number' && toks[i + 1].start === t.end) {
        // `%+2` is a parameter as a condition code to nasm (`%+` then a blank pastes).
        const n = toks[++i];
        this.sink.error('syntax', `\`%+${n.text}': not in a macro call`, lineRange(file, line, t.start, n.end), expansion);
        kept ??= toks.slice(0, i - 1);
      } else if (kept !== undefined) follow(kept, t, toks[i - 1]);
    }
    return kept ?? toks;
  }

  /** A directive's tokens with `%1`, `%$name` and `%[...]` rewritten, as processLine rewrites an active line's. */
  private substituted(f: Frame, tokens: PPToken[], file: string, line: number): PPToken[] {
    let toks = tokens;
    let flags = lineFlags(toks);
    if (f.invocation && (flags & Flag.Preproc) !== 0) { toks = this.substituteParams(f.invocation, toks, file, line, f.expansion); flags = lineFlags(toks); }
    if ((flags & Flag.ContextLocal) !== 0) toks = this.substituteContext(toks, file, line, f);
    if ((flags & Flag.Indirection) !== 0) toks = this.indirection(toks, file, line);
    return toks;
  }

  // ---- capture of %macro and %rep bodies ----

  private captureLine(f: Frame, file: string, line: number, text: string, raw: readonly Token[], directive: string): void {
    const c = this.capture!;
    const opens = c.kind === 'macro' ? MACRO_DEFINERS.has(directive) : directive === '%rep';
    const closes = c.kind === 'macro' ? directive === '%endmacro' || directive === '%endm' : directive === '%endrep';
    this.emit(f, file, line, text, [], true);
    if (opens) c.nesting++;
    else if (closes && --c.nesting === 0) {
      this.capture = undefined;
      // A %macro line in error captures its body but defines nothing.
      if (c.macro !== undefined) this.finishMacro(c.macro);
      else if (c.count! > 0) {
        this.frames.push({
          kind: 'rep', file: c.frame.file, body: c.lines, idx: 0, expansion: c.frame.expansion, depth: c.frame.depth + 1,
          invocation: c.frame.invocation, repLeft: c.count!, condBase: c.frame.condBase, condCount: 0, unlisted: c.frame.unlisted, serial: ++this.frameSerial,
        });
      }
      return;
    }
    c.lines.push({ file, line, text, tokens: raw });
  }

  private finishMacro(m: MultiLineMacro): void {
    const key = m.caseInsensitive ? m.name.toLowerCase() : m.name;
    const list = this.mmacros.get(key);
    if (list) list.push(m);
    else {
      this.mmacros.set(key, [m]);
      this.macroNames = newMacroNames();
    }
    this.allMacros.push(m);
  }

  // ---- directives ----

  /** Handles a preprocessor directive line; false when the token is not a directive (e.g. `%1` left alone). */
  private directive(f: Frame, file: string, line: number, text: string, d: string, toks: PPToken[]): boolean {
    const here = lineRange(file, line, toks[0].start, toks[toks.length - 1].end);
    const nameRange = lineRange(file, line, toks[0].start, toks[0].end);
    const list = (): void => this.emit(f, file, line, text, [], true);
    if (isConditional(d)) {
      list();
      this.conditional(f, file, line, d, toks, true);
      return true;
    }
    if (this.openCheck !== undefined && this.checkForbids(f, d, here)) {
      list();
      return true;
    }
    switch (d) {
      case '%define': case '%idefine': case '%xdefine': case '%ixdefine': {
        list();
        const name = toks[1];
        if (!name || name.kind !== 'ident') { this.sink.error('syntax', `\`${d}' expects a macro identifier`, here, f.expansion); return true; }
        let i = 2;
        let params: string[] | undefined;
        const open = toks[2];
        if (open && open.text === '(' && open.start === name.end) {
          params = [];
          i = 3;
          while (i < toks.length && toks[i].text !== ')') {
            if (toks[i].kind === 'ident') params.push(toks[i].text);
            i++;
          }
          if (i === toks.length) { this.sink.error('syntax', '`)\' expected to terminate macro template', here, f.expansion); return true; }
          i++;
          // `f()` takes one argument, unused (nasm: `f()` and `f(1)` both call it).
          if (params.length === 0) params.push('');
        }
        let body = toks.slice(i);
        if (d === '%xdefine' || d === '%ixdefine') body = this.expandSingle(body, file, line);
        // Where the body's names are written, for the references its uses make.
        body = body.map((t) => (t.at !== undefined ? t : { ...t, at: t.src ?? lineRange(file, line, t.start, t.end) }));
        this.defineSingle(name.text, params, body, lineRange(file, line, name.start, name.end), d.startsWith('%i'), f.expansion);
        return true;
      }
      case '%assign': case '%iassign': {
        list();
        const name = toks[1];
        if (!name || name.kind !== 'ident') { this.sink.error('syntax', `\`${d}' expects a macro identifier`, here, f.expansion); return true; }
        this.assign(f, file, line, d, name, toks.slice(2));
        return true;
      }
      case '%undef': {
        list();
        const name = toks[1];
        if (!name || name.kind !== 'ident') { this.sink.error('syntax', `\`${d}' expects a macro identifier`, here, f.expansion); return true; }
        this.undefineSingle(name.text);
        this.undefineStandard(name.text);
        return true;
      }
      case '%macro': case '%imacro': case '%rmacro': case '%irmacro': {
        list();
        this.beginMacro(f, file, line, toks, d === '%imacro' || d === '%irmacro', d.endsWith('rmacro'), here);
        return true;
      }
      case '%endmacro': case '%endm':
        list();
        this.sink.error('syntax', `\`${d}': not defining a macro`, nameRange, f.expansion);
        return true;
      case '%rep': {
        list();
        let v = this.evalCondition(toks.slice(1), file, line, f, d);
        // A count that does not evaluate opens no block, as in nasm: the body's lines run once
        // and the `%endrep` is then unmatched (a missing count is a block of 0).
        if (v === undefined && toks.length > 1) return true;
        if (v !== undefined && v > this.limits.rep) {
          this.sink.error('limit-rep', `\`%rep' count ${v} exceeds limit (currently ${this.limits.rep})`, here, f.expansion);
          v = 0;
        }
        if (v !== undefined && v < 0) this.sink.warning('rep-negative', `negative \`%rep' count: ${v}`, here, f.expansion);
        this.capture = { kind: 'rep', nesting: 1, lines: [], range: here, expansion: f.expansion, count: v === undefined ? 0 : Math.max(0, v), frame: f };
        return true;
      }
      case '%endrep':
        list();
        this.sink.error('syntax', '`%endrep\': no matching `%rep\'', nameRange, f.expansion);
        return true;
      case '%exitrep': {
        list();
        for (let k = this.frames.length - 1; k >= 0; k--) {
          const rep = this.frames[k];
          if (rep.kind !== 'rep') continue;
          // nasm ends the %rep at its round's end, which it walks without assembling (listed),
          // running its conditional directives; a macro called in the round, from which this
          // came, goes on to its end as before (measured).
          rep.exited = true;
          return true;
        }
        this.sink.error('syntax', '`%exitrep\' not within `%rep\' block', nameRange, f.expansion);
        return true;
      }
      case '%exitmacro': {
        list();
        for (let k = this.frames.length - 1; k >= 0; k--) {
          if (this.frames[k].kind === 'macro') { while (this.frames.length > k) this.endFrame(this.frames[this.frames.length - 1], true); return true; }
        }
        this.sink.error('syntax', '`%exitmacro\' not within `%macro\' block', nameRange, f.expansion);
        return true;
      }
      case '%rotate': {
        list();
        if (!f.invocation) { this.sink.error('syntax', '`%rotate\' invoked outside a macro call', nameRange, f.expansion); return true; }
        const v = this.evalCondition(toks.slice(1), file, line, f, d);
        if (v !== undefined) rotateArguments(f.invocation, v);
        return true;
      }
      case '%include': {
        list();
        this.include(f, file, line, toks, here);
        return true;
      }
      case '%error': case '%warning': case '%fatal': {
        list();
        const msg = messageText(this.expandSingle(toks.slice(1), file, line), this.endsBlank);
        if (d === '%warning') this.sink.warning('user-warning', msg, here, f.expansion);
        else this.sink.error(d === '%fatal' ? 'user-fatal' : 'user-error', msg, here, f.expansion);
        // (In a branch the assembler decides, nasm stops only when it takes it: see OpenCheck.)
        if (d === '%fatal' && this.openCheck === undefined) this.stopped = true;
        return true;
      }
      case '%pragma': {
        list();
        const ns = toks[1]?.text.toLowerCase();
        if (ns === 'ringside' && toks[2]?.text.toLowerCase() === 'technique') {
          const name = toks.slice(3).map((t) => t.text).join('');
          if ((TECHNIQUES as readonly string[]).includes(name)) this.technique = name as Technique;
          else this.sink.error('unknown-technique', `unknown technique \`${name}' (expected one of ${TECHNIQUES.join(', ')})`, here, f.expansion);
        }
        return true;
      }
      case '%push': case '%pop': case '%repl': {
        list();
        this.contextDirective(f, d, toks, nameRange);
        return true;
      }
      case '%strlen': case '%istrlen': case '%substr': case '%isubstr': case '%strcat': case '%istrcat':
      case '%defstr': case '%idefstr': case '%deftok': case '%ideftok': {
        list();
        this.stringDirective(f, file, line, d, toks, here);
        return true;
      }
      case '%unmacro': case '%unimacro': {
        list();
        this.unmacro(f, d, toks, here);
        return true;
      }
      case '%stacksize':
        list();
        this.stackSize(f, file, line, toks);
        return true;
      case '%arg': case '%local':
        list();
        this.frameVariables(f, file, line, d, toks);
        return true;
      // `%null` does nothing and `%depend` only names a dependency for nasm's -M output, which
      // Ringside does not write. (A `%line` is read before, see processLine; none is in a body.)
      case '%null': case '%depend':
        list();
        return true;
      case '%use':
        this.use(f, file, line, text, toks, here);
        return true;
      case '%pathsearch':
        list();
        this.pathSearch(f, file, line, toks, here);
        return true;
      case '%clear':
        list();
        this.clear(f, file, line, toks, here);
        return true;
      case '%defalias': case '%idefalias': case '%undefalias': case '%aliases':
        list();
        this.aliasDirective(f, file, line, d, toks, here);
        return true;
      default:
        // No directive to nasm 2.16.01 (`%foo`, `%elifxyz`, `%ifdirective`): the line goes to its
        // assembler, which reads `%` and stops there (in a skipped group it is skipped).
        if (/^%[a-z]/.test(d)) {
          list();
          this.sink.error('unknown-directive', 'label or instruction expected at start of line', nameRange, f.expansion);
          return true;
        }
        return false;
    }
  }

  /**
   * `%line nnn[+mmm] [filename]` on line `line` of file `file` (see reported-lines.ts), as nasm
   * 2.16.01 reads it (measured): `nnn` an integer constant in any of its forms (`12x` is 0x12, a
   * malformed one 0, a float is none), `+mmm` written against it, and the rest of the line the
   * name: a quoted string's contents (what follows it dropped), else the words with each run of
   * blanks made one space. Its own errors are reported where the line was before it.
   */
  private lineDirective(f: Frame, file: string, line: number, toks: readonly Token[]): void {
    const here = lineRange(file, line, toks[0].start, toks[toks.length - 1].end);
    if (this.capture !== undefined || this.conds.length === 0 || this.conds[this.conds.length - 1].state === Cond.Active) this.warnOpenString(f, file, line, toks);
    const integer = (t: Token | undefined): t is Token => t !== undefined && t.kind === 'number' && !isFloatText(t.text);
    const value = (t: Token): number => {
      const v = parseNumber(t.text);
      return v === undefined ? 0 : Number(BigInt.asIntN(32, Number.isSafeInteger(v) ? BigInt(v) : parseNumberExact(t.text)));
    };
    const n = toks[1];
    if (!integer(n)) { this.sink.error('syntax', '`%line\' expects a line number', here, f.expansion); return; }
    let i = 2;
    let step = 1;
    if (toks[2]?.text === '+' && toks[2].start === n.end) {
      const m = toks[3];
      if (!integer(m) || m.start !== toks[2].end) { this.sink.error('syntax', '`%line\' expects a line increment', here, f.expansion); return; }
      step = value(m);
      i = 4;
    }
    let name: string | undefined;
    if (i < toks.length) {
      const bytes = toks[i].kind === 'string' ? decodeString(toks[i].text) : undefined;
      if (bytes !== undefined) name = new TextDecoder().decode(bytes);
      else {
        name = toks[i].text;
        for (let k = i + 1; k < toks.length; k++) name += (toks[k].start > toks[k - 1].end ? ' ' : '') + toks[k].text;
      }
    }
    this.reported.add({ file, line, number: value(n), step, ...(name !== undefined ? { name } : {}) });
  }

  private beginMacro(f: Frame, file: string, line: number, toks: PPToken[], caseInsensitive: boolean, recursive: boolean, here: SourceRange): void {
    const name = toks[1];
    const fail = (msg: string): void => {
      this.sink.error('syntax', msg, here, f.expansion);
      // Still capture the body so its lines are not assembled.
      this.capture = { kind: 'macro', nesting: 1, lines: [], range: here, expansion: f.expansion, frame: f };
    };
    // Without a name nasm opens no definition: the lines after run, and the `%endmacro` is unmatched.
    if (!name || name.kind !== 'ident') { this.sink.error('syntax', '`%macro\' expects a macro name', here, f.expansion); return; }
    let i = 2;
    // A count in any of nasm's number forms; `2.nolist` is one number token to our lexer.
    let nolist = false;
    const num = (): number | undefined => {
      const t = toks[i];
      if (!t || t.kind !== 'number') return undefined;
      const bare = t.text.length > 7 && t.text.slice(-7).toLowerCase() === '.nolist' ? t.text.slice(0, -7) : t.text;
      const n = parseNumber(bare);
      if (n === undefined) return undefined;
      nolist ||= bare !== t.text;
      i++;
      return n;
    };
    const min = num();
    if (min === undefined) { fail('`%macro\' expects a parameter count'); return; }
    let max = min;
    let greedy = false;
    if (toks[i]?.text === '-') {
      i++;
      if (toks[i]?.text === '*') { i++; max = Infinity; }
      else {
        const m = num();
        if (m === undefined) { fail('`%macro\' expects a parameter count after `-\''); return; }
        max = m;
      }
    }
    if (max < min) { fail('minimum parameter count exceeds maximum'); return; }
    if (!nolist && toks[i]?.text === '+') { i++; greedy = true; }
    const listOff = !nolist && toks[i]?.kind === 'ident' && toks[i].text.toLowerCase() === '.nolist';
    if (listOff) i++;
    const defaults = i < toks.length ? splitArguments(toks, i, Infinity) : [];
    // A definition whose parameter range meets one of the same name shadows it: nasm warns.
    const key = caseInsensitive ? name.text.toLowerCase() : name.text;
    if (this.mmacros.get(key)?.some((m) => m.name === name.text && (m.min <= max || greedy) && (min <= m.max || m.greedy))) {
      this.sink.warning('macro-redef-multi', `redefining multi-line macro \`${name.text}'`, here, f.expansion);
    }
    const macro: MultiLineMacro = {
      name: name.text, caseInsensitive, min, max, greedy, defaults, body: [], recursive, nolist: nolist || listOff,
      range: lineRange(file, line, name.start, name.end), doc: f.lines ? docAbove(f.lines, line) : undefined,
    };
    this.capture = { kind: 'macro', nesting: 1, lines: macro.body, range: here, expansion: f.expansion, macro, frame: f };
  }

  private include(f: Frame, file: string, line: number, toks: PPToken[], here: SourceRange): void {
    // nasm expands single-line macros in the name: `%define LIB "lib.inc"` / `%include LIB`
    // (measured; a macro that gives an unquoted name is still "expects a file name").
    const args = toks[1]?.kind === 'ident' ? this.expandSingle(toks.slice(1), file, line) : toks.slice(1);
    const t = args[0];
    let target: string | undefined;
    if (t && t.kind === 'string') target = t.text.slice(1, -1);
    else if (t && t.text === '<') target = args.slice(1, -1).map((x) => x.text).join('');
    if (!target) { this.sink.error('syntax', '`%include\' expects a file name', here, f.expansion); return; }
    const range = lineRange(file, line, t.start, toks[toks.length - 1].end);
    // nasm 2.16 resolves a relative name against its working directory (not the including file's
    // directory), then tries each -I prefix in order; we take the main file's directory as that
    // working directory, which is what `cd dir && nasm file.asm` does.
    const candidates = [joinPath(dirName(this.opts.file), target), ...this.opts.includePaths.map((p) => joinPath(p, target!))];
    let resolved: string | undefined;
    let text: string | undefined;
    for (const c of candidates) {
      text = this.opts.readFile(c);
      if (text !== undefined) { resolved = c; break; }
    }
    this.includes.push(resolved ? { range, target, resolved } : { range, target });
    if (!resolved || text === undefined) {
      // (nasm adds the system's reason: measured, ": No such file or directory" for a missing file.)
      this.sink.error('missing-include', `unable to open include file \`${target}': No such file or directory`, range, f.expansion);
      return;
    }
    if (this.frames.some((fr) => fr.kind === 'file' && fr.file === resolved)) {
      this.sink.error('include-cycle', `\`${target}' includes itself (include cycle)`, range, f.expansion);
      return;
    }
    if (!this.files.includes(resolved)) this.files.push(resolved);
    const frame = this.fileFrame(resolved, text, [range, ...f.expansion], f.depth + 1);
    this.frames.push(f.unlisted === true ? { ...frame, unlisted: true } : frame);
  }

  // ---- conditionals ----

  /**
   * `%if`, `%elif`, `%else` and `%endif` (all forms), as nasm 2.16's preproc.c runs them. nasm
   * suppresses every message while the group it is in assembles nothing (pp_suppress_error), and
   * the messages of `%else`, `%elif` and `%endif` themselves (flagged ERR_PP_PRECOND) only in a
   * COND_NEVER group: so an `%elif` tested in a skipped group reports nothing, and a test that
   * fails (an empty `%elif`, `%elif 1+`, `%elif 1/0`) ends its group (measured).
   */
  private conditional(f: Frame, file: string, line: number, d: string, toks: readonly PPToken[], active: boolean): void {
    const here = lineRange(file, line, toks[0].start, toks[toks.length - 1].end);
    const top = this.conds.length > f.condBase ? this.conds[this.conds.length - 1] : undefined;
    const trailing = (): void => {
      if (toks.length > 1 && top?.state !== Cond.Never) this.sink.warning('trailing', `trailing garbage after \`${d}' ignored`, here, f.expansion);
    };
    const isElif = d.startsWith('%elif');
    if (top?.check !== undefined && (isElif || d === '%else' || d === '%endif')) { this.checkDirective(f, file, line, d, toks, top, here); return; }
    if (d === '%endif') {
      trailing();
      if (!top) { this.sink.error('syntax', '`%endif\': no matching `%if\'', here, f.expansion); return; }
      this.conds.pop();
      f.condCount--;
      return;
    }
    if (d === '%else') {
      trailing();
      if (!top) { this.sink.error('syntax', '`%else\': no matching `%if\'', here, f.expansion); return; }
      if (top.state === Cond.Never || top.state === Cond.Unread) return;
      if (top.sawElse) {
        this.sink.warning('syntax', '`%else\' after `%else\', ignoring content', here, f.expansion);
        top.state = Cond.Never;
        return;
      }
      top.sawElse = true;
      top.state = top.state === Cond.Looking ? Cond.Active : Cond.Done;
      return;
    }
    const kind = d.slice(isElif ? 5 : 3);
    if (isElif) {
      if (!top) { this.sink.error('syntax', `\`${d}': no matching \`%if'`, here, f.expansion); return; }
      if (top.state === Cond.Never || top.state === Cond.Unread) return;
      if (top.sawElse) {
        this.sink.warning('syntax', '`%elif\' after `%else\', ignoring content', here, f.expansion);
        top.state = Cond.Never;
        return;
      }
      if (top.state === Cond.Active) top.state = Cond.Done;
      else if (top.state === Cond.Looking) {
        const mark = this.sink.mark();
        // An `%elif` that is tested sees macro parameters and `%$` names, as an `%if` does.
        const test = this.testCondition(f, file, line, d, kind, this.substituted(f, toks as PPToken[], file, line));
        // Ringside's own limits (a form it does not support) are no messages of nasm's: they
        // stay, as does an unknown directive.
        this.sink.rollback(mark, (diagnostic) => KEPT_IN_SKIPPED_GROUP.has(diagnostic.code));
        // The rest of the group is the assembler's to decide (see OpenCheck).
        if (test === Test.Deferred) { this.beginCheck(top, this.checkCondition(f, file, line, d, kind === 'n', this.assemblerCondition)); return; }
        top.state = stateAfter(test);
      }
      return;
    }
    if (!active) { this.conds.push({ state: Cond.Never, sawElse: false, range: here, expansion: f.expansion }); f.condCount++; return; }
    const test = this.testCondition(f, file, line, d, kind, toks);
    const entry: CondEntry = { state: stateAfter(test), sawElse: false, range: here, expansion: f.expansion };
    this.conds.push(entry);
    f.condCount++;
    if (test === Test.Deferred) this.beginCheck(entry, this.checkCondition(f, file, line, d, kind === 'n', this.assemblerCondition));
  }

  /**
   * Whether directive `d`, in a branch of the block open that the assembler decides, changes what
   * the lines after the block see (CHECK_FORBIDDEN), or leaves or rotates a macro call or %rep
   * begun before the block: nasm does so only in the passes that take the branch, while Ringside
   * preprocesses every branch once, before assembling, so the lines after would depend on the
   * assembler's choice. Then Ringside's error, and the directive does nothing (a `%macro` still
   * takes its body, so that its lines are not read as the branch's).
   */
  private checkForbids(f: Frame, d: string, here: SourceRange): boolean {
    const oc = this.openCheck!;
    let what = CHECK_FORBIDDEN.get(d);
    if (what === undefined && (d === '%exitmacro' || d === '%exitrep' || d === '%rotate')) {
      const kind = d === '%exitrep' ? 'rep' : 'macro';
      let k = this.frames.length - 1;
      while (k >= 0 && this.frames[k].kind !== kind) k--;
      if (k >= 0 && this.frames[k].serial <= oc.block.serial) what = d === '%rotate' ? 'rotate the arguments of a macro call begun before it' : `leave a ${d === '%exitrep' ? '%rep' : 'macro call'} begun before it`;
    }
    if (what === undefined) return false;
    const at = oc.first.file === here.file ? `line ${oc.first.line + 1}` : `${oc.first.file}:${oc.first.line + 1}`;
    this.sink.error('undecidable-condition', `\`${d}' in a branch of the \`${oc.first.directive}' on ${at}, whose condition needs \`$', \`$$' or a label: `
      + `nasm runs a branch's directives only in the passes that take it, while Ringside preprocesses every branch once, before the assembler picks one, so a branch cannot ${what}`, here, f.expansion);
    if (MACRO_DEFINERS.has(d)) this.capture = { kind: 'macro', nesting: 1, lines: [], range: here, expansion: f.expansion, frame: f };
    return true;
  }

  /** A condition of a block the assembler decides, on the directive line just passed on. */
  private checkCondition(f: Frame, file: string, line: number, directive: string, negate: boolean, tokens: readonly PPToken[]): CheckCondition {
    return { directive, negate, tokens, file, line, expansion: f.expansion, outputLine: this.out.count - 1, statement: 0 };
  }

  /**
   * Opens a block the assembler decides at group `entry`'s `%if` or tested `%elif` (whose branches
   * before were not taken): its branches are all preprocessed (the group stays Active), nested in
   * the block open (see OpenCheck), if any.
   */
  private beginCheck(entry: CondEntry, first: CheckCondition): void {
    const parent = this.openCheck;
    const block: CheckBlock = { branches: [{ condition: first, start: first.outputLine, items: [] }], serial: this.frameSerial, end: 0 };
    if (parent !== undefined) {
      this.closeRun(parent);
      parent.block.branches[parent.block.branches.length - 1].items.push(block);
    }
    entry.state = Cond.Active;
    entry.check = this.openCheck = { block, parent, first, runFrom: this.out.count, diagnosticsFrom: this.sink.mark() };
  }

  /**
   * Ends the current branch's run of `oc` (OpenCheck): the diagnostics reported since (but
   * Ringside's own limits, see UNCAPTURED) held for the branch, then its output lines as code, if
   * any is more than listed.
   */
  private closeRun(oc: OpenCheck): void {
    const items = oc.block.branches[oc.block.branches.length - 1].items;
    for (const held of this.sink.take(oc.diagnosticsFrom, ringsideOwn)) items.push({ held });
    const out = this.out;
    for (let i = oc.runFrom; i < out.count; i++) {
      if ((out.flags[i] & LineFlag.ListOnly) === 0) { items.push({ from: oc.runFrom, to: out.count, stmtFrom: 0, stmtTo: 0 }); break; }
    }
    oc.runFrom = out.count;
    oc.diagnosticsFrom = this.sink.mark();
  }

  /**
   * `%elif`, `%else` or `%endif` of `top`, a group the assembler decides. Their own messages
   * (trailing garbage, `%else` after `%else`) are the enclosing block's, which nasm gives whichever
   * branch it takes. An `%elif` the assembler cannot evaluate (`%elifdef`...) is tested now: no
   * branch can change what it tests.
   */
  private checkDirective(f: Frame, file: string, line: number, d: string, toks: readonly PPToken[], top: CondEntry, here: SourceRange): void {
    const oc = top.check!;
    // After an `%else` after `%else` nothing more is read (COND_NEVER).
    if (top.state === Cond.Never) {
      if (d === '%endif') { this.conds.pop(); f.condCount--; this.closeRun(oc); this.endCheck(oc); }
      return;
    }
    this.closeRun(oc);
    const mark = this.sink.mark();
    if (d === '%endif') {
      if (toks.length > 1) this.sink.warning('trailing', `trailing garbage after \`${d}' ignored`, here, f.expansion);
      this.conds.pop();
      f.condCount--;
      this.enclosingHolds(oc, mark);
      this.endCheck(oc);
      return;
    }
    const branches = oc.block.branches;
    if (top.sawElse) {
      this.sink.warning('syntax', `\`${d === '%else' ? d : '%elif'}' after \`%else', ignoring content`, here, f.expansion);
      top.state = Cond.Never;
    } else if (d === '%else') {
      if (toks.length > 1) this.sink.warning('trailing', `trailing garbage after \`${d}' ignored`, here, f.expansion);
      top.sawElse = true;
      branches.push({ condition: undefined, start: this.out.count - 1, items: [] });
    } else {
      const kind = d.slice(5);
      const expression = kind === '' || kind === 'n';
      const substituted = this.substituted(f, toks as PPToken[], file, line);
      let tokens: readonly PPToken[];
      if (expression) tokens = this.expandSingle(substituted.slice(1), file, line);
      else {
        const test = this.testCondition(f, file, line, d, kind, substituted);
        tokens = [{ kind: 'number', text: test === Test.True ? '1' : '0', start: toks[0].start, end: toks[toks.length - 1].end }];
      }
      branches.push({ condition: this.checkCondition(f, file, line, d, expression && kind === 'n', tokens), start: this.out.count - 1, items: [] });
    }
    this.enclosingHolds(oc, mark);
    oc.runFrom = this.out.count;
    oc.diagnosticsFrom = this.sink.mark();
  }

  /** The diagnostics since `mark` go to the block `oc` is nested in, if any (see checkDirective). */
  private enclosingHolds(oc: OpenCheck, mark: number): void {
    if (oc.parent === undefined) return;
    const items = oc.parent.block.branches[oc.parent.block.branches.length - 1].items;
    for (const held of this.sink.take(mark, ringsideOwn)) items.push({ held });
  }

  /** `oc`'s `%endif` (or its file's end) was read: it joins its enclosing block, or goes to the assembler. */
  private endCheck(oc: OpenCheck): void {
    oc.block.end = this.out.count;
    this.openCheck = oc.parent;
    if (oc.parent !== undefined) {
      oc.parent.runFrom = this.out.count;
      oc.parent.diagnosticsFrom = this.sink.mark();
      return;
    }
    const check: DeferredCheck = {
      ...oc.block, startLine: oc.first.outputLine, outputLine: this.out.count, hasCode: codeOf(oc.block).next().done !== true, statement: 0, endStatement: 0,
    };
    this.checks.push(check);
    for (const run of codeOf(check)) this.codeRuns.push(run);
    // The conditions' names are uses of the labels and constants they name (find references, rename);
    // a `.local` name's full name depends on the label above, which the parser knows, not this.
    for (const c of conditionsOf(check)) {
      for (const t of c.tokens) if (t.kind === 'ident' && t.text.charCodeAt(0) !== 0x2e) this.refer(t.text, t, c.file, c.line);
    }
  }

  /**
   * Evaluates `%if<kind>` (kind: '', 'n', 'def', 'ndef', 'idn', 'idni', 'num', 'str', 'id', 'token', 'macro', 'empty', ...);
   * Deferred when the assembler is to decide it (see expressionCondition),
   * Failed or Unread after reporting an error.
   */
  private testCondition(f: Frame, file: string, line: number, d: string, kind: string, toks: readonly PPToken[]): Test {
    let negate = false;
    let k = kind;
    if (k.startsWith('n') && k !== 'num' && k !== 'n') { negate = true; k = k.slice(1); }
    else if (k === 'n') { negate = true; k = ''; }
    const rest = toks.slice(1);
    let result: boolean;
    switch (k) {
      case '': {
        const test = this.expressionCondition(f, file, line, d, rest);
        if (test !== Test.True && test !== Test.False) return test;
        result = test === Test.True;
        break;
      }
      // `%ifdef A B`: any of the names, read up to the first defined one, and each of those must
      // be a name; `%ifctx A B` likewise, all read (nasm 2.16, measured).
      case 'def': {
        result = false;
        for (const t of rest) {
          if (t.kind !== 'ident') return this.testFailed(f, file, line, d, toks, 'macro identifiers');
          this.refer(t.text, t, file, line);
          // An alias is defined when what it stands for is (measured).
          if (this.lookupSingle(this.aliasTarget(t.text)) !== undefined || (!this.standardCleared && this.builtin(t, file, line) !== undefined)) { result = true; break; }
        }
        break;
      }
      case 'defalias': {
        if (rest.some((t) => t.kind !== 'ident')) return this.testFailed(f, file, line, d, toks, 'macro identifiers');
        result = rest.some((t) => this.lookupSingle(t.text)?.at(-1)?.alias === true);
        break;
      }
      case 'ctx': {
        if (rest.some((t) => t.kind !== 'ident')) return this.testFailed(f, file, line, d, toks, 'context identifiers');
        const top = this.contexts.top();
        result = top !== undefined && rest.some((t) => t.text === top.name);
        break;
      }
      case 'macro': {
        // `%ifmacro NAME [min[-max|-*]][+]`: a macro of that name whose parameter range meets the
        // one given (any, when none is), as nasm 2.16 tests it. The name must be as the macro's
        // definition spells it, `%imacro` or not (measured).
        const t = rest[0];
        if (t === undefined || t.kind !== 'ident') return this.testFailed(f, file, line, d, toks, 'a macro name');
        const count = (x: PPToken | undefined): number | undefined => (x?.kind === 'number' ? parseNumber(x.text) : undefined);
        let min = 0, max = Infinity, plus = false;
        let i = 1;
        const first = count(rest[i]);
        if (first !== undefined) {
          min = max = first; i++;
          if (rest[i]?.text === '-') { i++; if (rest[i]?.text === '*') { max = Infinity; i++; } else { max = count(rest[i]) ?? max; i++; } }
        }
        if (rest[i]?.text === '+') plus = true;
        const lower = t.text.toLowerCase();
        const named = [...(this.mmacros.get(t.text) ?? []), ...(lower !== t.text ? this.mmacros.get(lower) ?? [] : [])]
          .filter((m) => m.name === t.text);
        result = named.some((m) => (m.min <= max || plus) && (min <= m.max || m.greedy));
        break;
      }
      case 'idn': case 'idni': {
        const e = this.expandSingle(rest as PPToken[], file, line);
        const comma = e.findIndex((t) => t.text === ',');
        if (comma < 0) return this.testFailed(f, file, line, d, toks, 'two comma-separated arguments');
        // nasm compares strings by their contents (`'ab'` is `"ab"`), and two empty sides differ.
        const side = (ts: readonly PPToken[]): string => ts.map((t) => (t.kind === 'string' ? `"${quoteFree(t.text)}` : t.text)).join(' ');
        let a = side(e.slice(0, comma));
        let b = side(e.slice(comma + 1));
        if (k === 'idni') { a = a.toLowerCase(); b = b.toLowerCase(); }
        result = a !== '' && a === b;
        break;
      }
      case 'num': case 'str': case 'id': case 'token': case 'empty': {
        const e = this.expandSingle(rest as PPToken[], file, line);
        if (k === 'empty') result = e.length === 0;
        else if (k === 'token') result = e.length === 1;
        else result = firstTokenIs(e, k);
        break;
      }
      default: // 'env', 'usable', 'using' (see CONDITION_KINDS)
        this.sink.error('unsupported-directive', `\`${d}' is not supported by Ringside`, lineRange(file, line, toks[0].start, toks[0].end), f.expansion);
        return Test.Failed;
    }
    return result !== negate ? Test.True : Test.False;
  }

  /** nasm's error for `%if<kind>` arguments that are not `what` it expects: the test fails. */
  private testFailed(f: Frame, file: string, line: number, d: string, toks: readonly PPToken[], what: string): Test {
    this.sink.error('syntax', `\`${d}' expects ${what}`, lineRange(file, line, toks[0].start, toks[0].end), f.expansion);
    return Test.Failed;
  }

  /**
   * The truth of `%if`/`%ifn`/`%elif`/`%elifn` EXPR (before the `n` forms' negation), or why there
   * is none: an expression nasm's evaluator cannot read (a syntax error, a division by zero, an
   * unknown name) is Unread, a value that is no number (`a <=> b` unknown) Failed. nasm's
   * preprocessor runs inside its assembler's passes, so its `%if` sees `$`, `$$` and the labels
   * above it, in every pass; Ringside preprocesses once, before assembling. An expression that
   * needs them is Deferred: the assembler decides the group (see OpenCheck), its condition left in
   * `assemblerCondition`.
   */
  private expressionCondition(f: Frame, file: string, line: number, d: string, rest: readonly PPToken[]): Test {
    const parsed = this.parseExpression(rest, file, line, f, d);
    if (parsed === undefined) return Test.Unread;
    if (this.assemblerTerm(parsed.expr) === undefined) {
      const v = this.evaluateParsed(parsed.expr, file, line, f, d);
      if (v === 'unread') return Test.Unread;
      if (v === 'non-constant') return Test.Failed;
      return v.v !== 0 ? Test.True : Test.False;
    }
    // After `%exitrep` nothing of the round is assembled, whichever branch nasm would take.
    if (f.exited === true) return Test.False;
    this.assemblerCondition = parsed.tokens;
    return Test.Deferred;
  }

  /** The first `$`, `$$`, or name that is no preprocessor constant (see equConstant) in `e`. */
  private assemblerTerm(e: Expr): Expr | undefined {
    switch (e.k) {
      case 'num': return undefined;
      case 'here': case 'base': return e;
      case 'sym': return this.equConstant(e.name, 0) === undefined ? e : undefined;
      case 'un': return this.assemblerTerm(e.a);
      case 'bin': return this.assemblerTerm(e.a) ?? this.assemblerTerm(e.b);
    }
  }

  /** Evaluates a preprocessor expression (%if, %assign, %rep, %rotate); undefined after reporting an error. */
  private evalCondition(toks: readonly PPToken[], file: string, line: number, f: Frame, d: string): number | undefined {
    return this.evalValue(toks, file, line, f, d)?.v;
  }

  /** `evalCondition` with the exact 64-bit value kept (for %assign). */
  private evalValue(toks: readonly PPToken[], file: string, line: number, f: Frame, d: string): Value | undefined {
    const parsed = this.parseExpression(toks, file, line, f, d);
    const v = parsed === undefined ? undefined : this.evaluateParsed(parsed.expr, file, line, f, d);
    return typeof v === 'object' ? v : undefined;
  }

  /** A preprocessor expression's tokens, macro-expanded, and its parse; undefined after reporting an error. */
  private parseExpression(toks: readonly PPToken[], file: string, line: number, f: Frame, d: string): { expr: Expr; tokens: readonly PPToken[] } | undefined {
    const e = this.expandSingle(toks as PPToken[], file, line);
    const whole = toks.length > 0 ? lineRange(file, line, toks[0].start, toks[toks.length - 1].end) : lineRange(file, line, 0, 0);
    if (e.length === 0) {
      // nasm's messages (measured; `%rotate`'s names no directive).
      const message = d === '%rep' ? "`%rep' expects a repeat count" : d === '%rotate' ? "`' missing rotate count" : 'expression syntax error';
      this.sink.error('syntax', message, whole, f.expansion);
      return undefined;
    }
    const { expr, error, warning, trailing } = parseWhole(e, this.limits.eval, true);
    if (warning) this.sink.warning(warning.code, warning.message, lineRange(file, line, warning.start, warning.end), f.expansion);
    if (trailing) this.sink.warning('trailing', trailing.message, lineRange(file, line, trailing.start, trailing.end), f.expansion);
    if (expr === undefined) {
      this.sink.error('syntax', error!.message, lineRange(file, line, error!.start, error!.end), f.expansion);
      return undefined;
    }
    return { expr, tokens: e };
  }

  /**
   * Evaluates a parsed preprocessor expression (see parseExpression); after reporting an error,
   * 'unread' where nasm's evaluator fails (an unknown name, a division by zero) and 'non-constant'
   * for a value that is no number.
   */
  private evaluateParsed(expr: Expr, file: string, line: number, f: Frame, d: string): Value | 'unread' | 'non-constant' {
    let failed = false;
    const ctx: EvalContext = {
      symbol: (name: string, node: Expr) => {
        const known = this.equConstant(name, 0);
        if (known !== undefined) return known;
        failed = true;
        this.sink.error('non-constant', `symbol \`${name}' is not a constant the preprocessor knows (in \`${d}')`, lineRange(file, line, node.start, node.end), f.expansion);
        return undefined;
      },
      here: () => undefined,
      base: () => undefined,
      error: (message: string, node: Expr) => {
        failed = true;
        this.sink.error('expression', message, lineRange(file, line, node.start, node.end), f.expansion);
      },
    };
    const v = evaluate(expr, ctx);
    if (failed) return 'unread';
    // An unknown value with no error: nasm's `a <=> b` when a < b (see expr.ts).
    if (v.v === undefined) { this.sink.error('non-constant', `non-constant value given to \`${d}'`, lineRange(file, line, expr.start, expr.end), f.expansion); return 'non-constant'; }
    return v;
  }

  /**
   * The value of `NAME equ <number expression>` on a line already passed on: nasm assembles each
   * line as it preprocesses it, so `%if` and `%assign` see the constants defined above them
   * (`SECTORS equ 20` / `%if SECTORS > 127`), from an included file, a macro or a %rep too
   * (measured with nasm 2.16.01). Lines are indexed on the first such lookup only; a value that
   * needs a label or `$` is unknown, as in nasm's first pass.
   */
  private equConstant(name: string, depth: number): Value | undefined {
    const out = this.out;
    // A block the assembler decides is read to its end first (see codeAt below).
    const open = this.outermostCheck();
    const end = open !== undefined ? open.first.outputLine : out.count;
    for (; this.equScanned < end; this.equScanned++) {
      const i = this.equScanned;
      if ((out.flags[i] & LineFlag.ListOnly) !== 0) continue;
      const toks = out.tokensOf(i);
      const at = toks[1]?.text === ':' ? 2 : 1;
      const word = toks[at];
      if (toks[0]?.kind !== 'ident' || word?.kind !== 'ident' || word.text.toLowerCase() !== 'equ' || this.equs.has(toks[0].text)) continue;
      // One in a branch of a block handed on to the assembler is its to know (see deferBlock).
      if (this.codeRuns.length > 0 && codeAt(this.codeRuns, i) !== undefined) continue;
      this.equs.set(toks[0].text, toks.slice(at + 1));
    }
    const body = this.equs.get(name);
    if (body === undefined || body.length === 0 || depth > 32) return undefined;
    const { expr } = parseWhole(body, this.limits.eval);
    if (expr === undefined) return undefined;
    let ok = true;
    const v = evaluate(expr, {
      symbol: (other: string) => { const o = this.equConstant(other, depth + 1); if (o === undefined) ok = false; return o; },
      here: () => { ok = false; return undefined; }, base: () => { ok = false; return undefined; }, error: () => { ok = false; },
    });
    return ok && v.v !== undefined && v.sec < 0 ? v : undefined;
  }

  /** `%assign NAME expr` (and `%iassign` when `d` says so): NAME becomes the expression's value. */
  private assign(f: Frame, file: string, line: number, d: string, name: PPToken, expr: readonly PPToken[]): void {
    const value = this.evalValue(expr, file, line, f, d);
    if (value === undefined) return;
    const v = value.v!;
    const s = value.big !== undefined ? value.big.toString() : String(v);
    const body: PPToken[] = [v < 0 ? { kind: 'op', text: '-', start: name.start, end: name.start } : undefined, { kind: 'number', text: s.replace('-', ''), start: name.start, end: name.end }].filter((x): x is PPToken => x !== undefined);
    this.defineSingle(name.text, undefined, body, lineRange(file, line, name.start, name.end), d === '%iassign', f.expansion);
  }

  /**
   * NASM 2.16's preprocessor functions (`%eval(...)`, `%cond(...)`, `%str(...)` ...) are not in the
   * dialect: one error at the first, and the line goes out as a listing line only (the parser
   * would say "expression syntax error").
   */
  private unsupportedFunction(f: Frame, file: string, line: number, text: string, toks: readonly PPToken[]): boolean {
    for (let i = 0; i + 1 < toks.length; i++) {
      const t = toks[i];
      const open = toks[i + 1];
      // `%eval(` as written, or made by a macro (whose tokens all have the call's columns).
      if (t.kind !== 'preproc' || open.text !== '(' || (open.start !== t.end && open.start !== t.start) || !PP_FUNCTIONS.has(t.text.toLowerCase())) continue;
      this.sink.error('unsupported-directive', `\`${t.text}()' is a NASM 2.16 preprocessor function that Ringside does not support`, t.src ?? lineRange(file, line, t.start, t.end), f.expansion);
      this.emit(f, file, line, text, [], true);
      return true;
    }
    return false;
  }

  /** `%stacksize flat|flat64|large|small` (manual §4.8.1): the frame `%arg` and `%local` describe, from its start. */
  /**
   * `%use PACKAGE` (manual §6), as nasm 2.16.01 reads it (measured): the name a word or a string,
   * in any case, read once however often it is used, defining the package's macros (see
   * standard-packages.ts); `smartalign` defines `alignmode` and sets `generic`, which the
   * assembler keeps (see smart-align.ts).
   */
  private use(f: Frame, file: string, line: number, text: string, toks: readonly PPToken[], here: SourceRange): void {
    const t = toks[1];
    const name = t === undefined ? '' : (t.kind === 'string' ? new TextDecoder().decode(decodeString(t.text) ?? new Uint8Array()) : t.text).toLowerCase();
    const pkg = STANDARD_PACKAGES.get(name);
    const first = pkg !== undefined && !this.packages.has(name);
    // The line itself puts out what the package does (smartalign's first mode in the assembler,
    // masm's `default rel`), so that it lists as written.
    // (After `%clear`, masm's `default rel` calls no macro: measured, "parser: instruction expected".)
    const put = first && pkg.line !== undefined ? tokenizeLine(pkg.line).map((x) => ({ ...x, at: NOWHERE })) : undefined;
    if (put !== undefined) this.emit(f, file, line, text, this.standardCleared ? withoutStandardMacros(put) : put, false);
    else this.emit(f, file, line, text, [], true);
    if (t === undefined || (t.kind !== 'ident' && t.kind !== 'string')) {
      this.sink.error('syntax', `\`%use' expects a package name, got ${t === undefined ? 'end of line' : `\`${t.text}'`}`, here, f.expansion);
      return;
    }
    if (toks.length > 2) this.sink.warning('trailing', 'trailing garbage after `%use\' ignored', here, f.expansion);
    if (pkg === undefined) {
      this.sink.error('syntax', `unknown \`%use' package: \`${t.kind === 'string' ? name : t.text}'`, here, f.expansion);
      return;
    }
    if (!first) return;
    this.packages.add(name);
    const body = (s: string): PPToken[] => tokenizeLine(s).map((x) => ({ ...x, at: NOWHERE }));
    const marker = packageMarkers(name);
    this.defineSingle(marker.define, undefined, [], here, false);
    this.defineSingle(marker.alias, undefined, body(marker.target), here, false, undefined, true);
    for (const d of pkg.defines) this.defineSingle(d.name, d.params?.slice(), body(d.body), here, d.caseInsensitive);
    for (const m of pkg.macros) {
      this.finishMacro({
        name: m.name, caseInsensitive: true, min: m.min, max: m.max, greedy: m.greedy, defaults: [], nolist: true,
        body: m.body.map((l) => ({ file, line, text: l, tokens: tokenizeLine(l) })), range: here,
      });
    }
  }

  /**
   * `%pathsearch NAME "file"` (manual §4.6.3), measured with nasm 2.16.01: NAME becomes a string
   * of the path `%include` would open (as nasm writes it: the -I prefix pasted before the name),
   * or of the name itself when none is found.
   */
  private pathSearch(f: Frame, file: string, line: number, toks: readonly PPToken[], here: SourceRange): void {
    const name = toks[1];
    if (name === undefined || name.kind !== 'ident') { this.sink.error('syntax', '`%pathsearch\' expects a macro identifier', here, f.expansion); return; }
    const t = toks[2];
    const bytes = t?.kind === 'string' ? decodeString(t.text) : undefined;
    if (bytes === undefined) { this.sink.error('syntax', '`%pathsearch\' expects a file name', here, f.expansion); return; }
    if (toks.length > 3) this.sink.warning('trailing', 'trailing garbage after `%pathsearch\' ignored', here, f.expansion);
    const target = new TextDecoder().decode(bytes);
    const mainDir = dirName(this.opts.file);
    const found = [joinPath(mainDir, target), ...this.opts.includePaths.map((p) => joinPath(p, target))].find((c) => this.opts.readFile(c) !== undefined);
    const path = found === undefined ? target : relativeTo(mainDir, found);
    this.defineSingle(name.text, undefined, [{ kind: 'string', text: quoteBytes(new TextEncoder().encode(path)), start: name.start, end: name.end, at: NOWHERE }], lineRange(file, line, name.start, name.end), false, f.expansion);
  }

  private stackSize(f: Frame, file: string, line: number, toks: readonly PPToken[]): void {
    const word = toks[1];
    if (word === undefined) { this.sink.error('syntax', "`%stacksize' missing size parameter", lineRange(file, line, toks[0].start, toks[0].end), f.expansion); return; }
    const frame = STACK_FRAMES[word.text.toLowerCase()];
    if (frame === undefined) { this.sink.error('syntax', "`%stacksize' invalid size type", lineRange(file, line, word.start, word.end), f.expansion); return; }
    this.frame = { ...frame };
  }

  /**
   * `%arg name:size, ...` and `%local name:size, ...` (manual §4.8.2, §4.8.3): each name becomes a
   * single-line macro for its place in the frame, `(ebp+8)` or `(ebp-4)`, each size rounded up to
   * the stack slot; `%local` also adds the size to `%$localsize`. As in nasm, where the next one
   * goes is kept across contexts until the next `%stacksize`, and an error ends the list.
   */
  private frameVariables(f: Frame, file: string, line: number, d: string, toks: readonly PPToken[]): void {
    const frame = this.frame;
    const fail = (message: string, at: PPToken): void => this.sink.error('syntax', message, lineRange(file, line, at.start, at.end), f.expansion);
    // name : size , name : size ... (a `%local` list may end `= NAME`, which nasm ignores as TASM's)
    for (let i = 1; ; i += 4) {
      const name = toks[i];
      if (name === undefined || name.kind !== 'ident') { fail(`\`${d}' missing argument parameter`, name ?? toks[i - 1]); return; }
      if (toks[i + 1]?.text !== ':') { fail(`syntax error processing \`${d}' directive`, name); return; }
      const size = toks[i + 2];
      if (size === undefined) { fail(`\`${d}' missing size type parameter`, toks[i + 1]); return; }
      const bytes = FRAME_SIZES[size.text.toLowerCase()];
      if (bytes === undefined) { fail(`invalid size type for \`${d}' missing directive`, size); return; }
      const slot = Math.ceil(bytes / frame.slot) * frame.slot;
      const at = (sign: '+' | '-', offset: number): PPToken[] => [
        { kind: 'op', text: '(', start: name.start, end: name.end, at: NOWHERE },
        { kind: 'ident', text: frame.pointer, start: name.start, end: name.end, at: NOWHERE },
        { kind: 'op', text: sign, start: name.start, end: name.end, at: NOWHERE },
        { kind: 'number', text: String(offset), start: name.start, end: name.end, at: NOWHERE },
        { kind: 'op', text: ')', start: name.start, end: name.end, at: NOWHERE },
      ];
      const range = lineRange(file, line, name.start, name.end);
      if (d === '%arg') {
        this.defineSingle(name.text, undefined, at('+', frame.argOffset), range, false, f.expansion);
        frame.argOffset += slot;
      } else {
        frame.localOffset += slot;
        this.defineSingle(name.text, undefined, at('-', frame.localOffset), range, false, f.expansion);
        // nasm: `%assign %$localsize %$localsize+SIZE`, for `enter %$localsize, 0`.
        const localSize: PPToken = { kind: 'preproc', text: '%$localsize', start: name.start, end: name.end };
        const [target, ...expr] = this.substituteContext([localSize, localSize, { kind: 'op', text: '+', start: name.start, end: name.end }, { kind: 'number', text: String(slot), start: name.start, end: name.end }], file, line, f);
        if (target.kind === 'ident') this.assign(f, file, line, '%assign', target, expr);
      }
      if (toks[i + 3]?.text !== ',') return;
    }
  }

  // ---- single-line macros ----

  private defineSingle(name: string, params: string[] | undefined, body: readonly PPToken[], range: SourceRange, caseInsensitive: boolean, expansion?: readonly SourceRange[], alias = false): void {
    if (!alias) name = this.aliasTarget(name);
    const m: SingleLineMacro = { name, params, body, range, ...(caseInsensitive ? { caseInsensitive: true as const } : {}), ...(alias ? { alias: true as const } : {}) };
    const key = name.toLowerCase();
    const list = this.smacros.get(key);
    this.allDefines.push(m);
    if (list === undefined) {
      this.smacros.set(key, [m]);
      this.macroNames = newMacroNames();
      return;
    }
    // As nasm 2.16's define_smacro: the definition a new one replaces is the newest of the same
    // name (told apart by case only when both are case-sensitive) taking the same count of
    // parameters or none (any, for a definition without). If that one differs in case-sensitivity
    // or in having parameters, nasm warns and keeps both, the new one shadowing the other (for
    // parameters, an error unless -w-pp-macro-def-param-single).
    const n = params?.length ?? 0;
    let k = list.length - 1;
    for (; k >= 0; k--) {
      const o = list[k];
      const same = o.caseInsensitive === true || caseInsensitive ? o.name.toLowerCase() === key : o.name === name;
      if (same && (n === 0 || o.params === undefined || o.params.length === n)) break;
    }
    if (k < 0) { list.push(m); return; }
    const o = list[k];
    if ((o.caseInsensitive === true) !== caseInsensitive) {
      const sense = (insensitive: boolean): string => (insensitive ? 'insensitive' : 'sensitive');
      this.sink.warning('macro-def-case-single', `case ${sense(caseInsensitive)} definition of macro \`${name}' will shadow ${sense(o.caseInsensitive === true)} macro \`${o.name}'`, range, expansion);
      list.push(m);
    } else if ((o.params === undefined) !== (params === undefined)) {
      this.sink.warning('macro-def-param-single', `macro \`${name}' defined both with and without parameters`, range, expansion);
      list.push(m);
    } else list[k] = m;
  }

  /** `%undef NAME`: every definition of NAME, in any case for one of `%idefine` (as nasm's undef_smacro). */
  private undefineSingle(name: string, alias = false): void {
    if (!alias) name = this.aliasTarget(name);
    const key = name.toLowerCase();
    const list = this.smacros.get(key);
    if (list === undefined) return;
    const kept = list.filter((m) => m.caseInsensitive !== true && m.name !== name);
    if (kept.length === 0) this.smacros.delete(key); else this.smacros.set(key, kept);
  }

  /**
   * `%undef __?LINE?__` (or `__LINE__`): nasm's built-in value goes too (measured: `%ifdef
   * __LINE__` is then false and `dd __LINE__` "symbol `__?LINE?__' not defined"; `bits 16` does
   * not define `__?BITS?__` again, nor an `%include` `__?FILE?__`; `section .data` does define
   * `__?SECT?__`).
   */
  private undefineStandard(name: string): void {
    const inner = standardName(name);
    if (inner !== undefined && isStandardName(inner, this.time)) (this.standardUndefined ??= new Map()).set(inner, this.out.count);
  }

  /** Whether `%undef` removed standard macro `name` (see undefineStandard). */
  private isStandardUndefined(name: string): boolean {
    const at = this.standardUndefined?.get(name);
    if (at === undefined) return false;
    if (name === 'SECT') {
      for (let i = at; i < this.out.count; i++) {
        if (this.sectionAt(i) !== undefined) { this.standardUndefined!.delete(name); return false; }
      }
    }
    return true;
  }

  /** The name `name` stands for through its aliases (nasm's define and undef go through them, measured). */
  private aliasTarget(name: string): string {
    for (let depth = 0; depth < 32; depth++) {
      const defs = this.lookupSingle(name);
      const last = defs?.[defs.length - 1];
      if (last?.alias !== true) break;
      name = last.body[0].text;
    }
    return name;
  }

  /**
   * `%defalias NAME TARGET` (`%idefalias`: NAME in any case), `%undefalias NAME` and `%aliases
   * off|on` (NASM manual §4.1.12, measured with 2.16.01): an alias is a single-line macro standing
   * for TARGET's name, replacing NAME's definitions; `%define`/`%undef` of NAME define or remove
   * TARGET; `%undefalias` removes the alias only (silently when there is none); while aliases are
   * off they do not expand. What follows TARGET is ignored.
   */
  private aliasDirective(f: Frame, file: string, line: number, d: string, toks: PPToken[], here: SourceRange): void {
    if (d === '%aliases') {
      // A boolean: nothing, `on`/`yes`/`true`, `off`/`no`/`false` (what follows ignored), else an expression.
      const word = toks[1]?.kind === 'ident' ? toks[1].text.toLowerCase() : undefined;
      if (toks.length === 1 || word === 'on' || word === 'yes' || word === 'true') this.setAliases(true);
      else if (word === 'off' || word === 'no' || word === 'false') this.setAliases(false);
      else {
        const v = this.evalCondition(toks.slice(1), file, line, f, d);
        if (v !== undefined) this.setAliases(v !== 0);
      }
      return;
    }
    const name = toks[1];
    if (!name || name.kind !== 'ident') { this.sink.error('syntax', `\`${d}' expects a macro identifier`, here, f.expansion); return; }
    if (d === '%undefalias') {
      const key = name.text.toLowerCase();
      const list = this.smacros.get(key);
      const kept = list?.filter((m) => !(m.alias === true && (m.caseInsensitive === true || m.name === name.text)));
      if (list !== undefined && kept!.length === 0) this.smacros.delete(key); else if (kept !== undefined) this.smacros.set(key, kept);
      return;
    }
    const target = toks[2];
    if (!target || target.kind !== 'ident') { this.sink.error('syntax', `\`${d}' expects a macro identifier to alias`, here, f.expansion); return; }
    this.undefineSingle(name.text, true);
    this.defineSingle(name.text, undefined, [{ ...target, at: NOWHERE, gap: false }], here, d === '%idefalias', f.expansion, true);
  }

  /** `%aliases on|off`: the aliases are kept aside while off, so that expansion does not see them. */
  private setAliases(on: boolean): void {
    if (on) {
      if (this.aliasesAside.length === 0) return;
      for (const m of this.aliasesAside) this.defineSingle(m.name, undefined, m.body, m.range, m.caseInsensitive === true, undefined, true);
      this.aliasesAside = [];
      return;
    }
    for (const [key, list] of [...this.smacros]) {
      const kept = list.filter((m) => m.alias !== true);
      if (kept.length === list.length) continue;
      this.aliasesAside.push(...list.filter((m) => m.alias === true));
      if (kept.length === 0) this.smacros.delete(key); else this.smacros.set(key, kept);
    }
  }

  /** A use of macro or define `name` by token `t` on line `line` of `file`, where `t` is written. */
  private refer(name: string, t: PPToken, file: string, line: number): void {
    const w = writtenAt(t, file, line);
    this.references.push(isPieces(w) ? { name, range: w[0] ?? t.src ?? lineRange(file, line, t.start, t.end), pieces: w } : { name, range: w });
  }

  /** The definitions `name` calls, oldest first: `%idefine`s in any case, `%define`s of `name` itself. */
  private lookupSingle(name: string): SingleLineMacro[] | undefined {
    const list = this.smacros.get(name.toLowerCase());
    if (list === undefined) return undefined;
    // The list holds `%define`s of the name in other cases too, which do not match.
    if (list.every((m) => m.caseInsensitive === true || m.name === name)) return list;
    const named = list.filter((m) => m.caseInsensitive === true || m.name === name);
    return named.length > 0 ? named : undefined;
  }

  /**
   * `a %+ b` pasted (manual §4.1.4), and what the pasting made rescanned for single-line macros,
   * as nasm does: `val_ %+ %1` with `%1` = 2 is the macro `val_2` when there is one.
   */
  private pasteAndRescan(toks: PPToken[], file: string, line: number): PPToken[] {
    for (let round = 0; round < this.limits.macroLevels; round++) {
      const joined = pasteTokens(toks, file, line, false);
      if (joined.length === toks.length) return joined;
      toks = this.expandSingle(joined, file, line);
      if (toks === joined || !hasPaste(toks)) return toks;
    }
    return toks;
  }

  /**
   * Expands single-line macros (manual §4.1) as nasm 2.16's expand_smacro does (preproc.c): a
   * pass over the line, and when it expanded something and pasting then joins tokens (`%+`, or
   * names an expansion put side by side, see pasteTokens), another pass over the whole line.
   * Returns the input array itself when nothing expands.
   */
  private expandSingle(toks: PPToken[], file: string, line: number): PPToken[] {
    this.endsBlank = false;
    if (this.smacros.size === 0 && !hasBuiltin(toks)) return toks;
    this.expandedTokens = 0;
    this.expansionOverflow = false;
    let result = this.expansionPass(toks, file, line);
    for (let round = 0; result !== toks && round < this.limits.macroLevels; round++) {
      const joined = pasteTokens(result, file, line, true);
      if (joined.length === result.length) break;
      const again = this.expansionPass(joined, file, line);
      result = again;
      if (again === joined) break;
    }
    return result;
  }

  /**
   * One pass of nasm's expansion over `toks`, left to right (its main token loop): at a macro's
   * name, the call is replaced by its expansion (see expandCall) and the pass goes on after it,
   * without reading it again. nasm resumes at the token that followed the call; when the
   * expansion took that token as an argument (`%define f g(` / `f 2)`, an alias `%define g f` /
   * `g(1)`), nasm has freed it and leaves the rest of the line as it is for this pass (so
   * `g(1), g(2)` expands the first call only, measured). `toks` itself when nothing expands.
   */
  private expansionPass(toks: PPToken[], file: string, line: number): PPToken[] {
    let i = 0;
    while (i < toks.length && !this.mayExpand(toks[i])) i++;
    if (i === toks.length) return toks;
    const out = toks.slice(0, i);
    // The tokens still to read, the next one last: what follows a call is what lies below it.
    const rest: PPToken[] = [];
    for (let k = toks.length - 1; k >= i; k--) rest.push(toks[k]);
    let expanded = false;
    while (rest.length > 0) {
      this.restLow = rest.length;
      // A token no expansion put or followed has its neighbour as written before it (see `spaced`).
      const after = this.expandCall(rest, file, line, undefined, out[out.length - 1]);
      if (after < 0) { out.push(rest.pop()!); continue; }
      expanded = true;
      const keep = this.restLow < after ? 0 : after;
      while (rest.length > keep) out.push(rest.pop()!);
    }
    return expanded ? out : toks;
  }

  /** Whether `t` is a name a single-line macro or a standard macro may stand for. */
  private mayExpand(t: PPToken): boolean {
    if (t.kind !== 'ident') return false;
    return this.lookupSingle(t.text) !== undefined || (t.text.charCodeAt(0) === 0x5f && t.text.charCodeAt(1) === 0x5f);
  }

  /**
   * nasm's expand_one_smacro on the top of `rest` (the tokens still to read, the next one last):
   * when it is a call of a single-line macro (with its arguments below it), the call is replaced
   * by the expansion, and the count of tokens left below it is returned; else -1. The expansion
   * is made from the body's last token to its first (nasm's lists are built backwards), each
   * pushed on `rest`, and each name expanded at once with what lies below it: the rest of the
   * expansion, then the rest of the line. So a name in the body takes arguments written after
   * it, in the body or after the call. A macro does not expand within its own expansion
   * (`active`). `restLow` keeps the fewest tokens `rest` was cut to. The blanks of nasm's line
   * go with the tokens (see `spaced`): `before` is the token before the name; each token of the
   * expansion, and the one after it, is given its own.
   */
  private expandCall(rest: PPToken[], file: string, line: number, active: Set<SingleLineMacro> | undefined, before: PPToken | undefined): number {
    const top = rest.length - 1;
    const t = rest[top];
    if (t.kind !== 'ident') return -1;
    const defs = this.lookupSingle(t.text);
    if (defs === undefined) {
      let b = t.text.charCodeAt(0) === 0x5f ? this.builtin(t, file, line) : undefined;
      // `__LINE__` after `%undef __?LINE?__`: nasm's alias names the undefined `__?LINE?__`.
      if (b === undefined && this.standardUndefined !== undefined && t.text.charCodeAt(0) === 0x5f && t.text.charCodeAt(2) !== 0x3f) {
        const name = standardName(t.text);
        if (name !== undefined && this.isStandardUndefined(name)) b = { kind: 'ident', text: `__?${name}?__`, start: t.start, end: t.end, src: t.src };
      }
      if (b === undefined) return -1;
      rest.pop();
      const after = rest.length;
      this.restLow = Math.min(this.restLow, after);
      if (after > 0) rest[after - 1] = gapped(rest[after - 1], spaced(t, rest[after - 1]));
      const gap = spaced(before, t);
      if (Array.isArray(b)) for (let k = b.length - 1; k >= 0; k--) rest.push(k === 0 ? gapped(b[0], gap) : b[k]);
      else {
        rest.push(gapped(b, gap));
        // `__X__` as nasm's alias naming `__?X?__`, which a `%define` made (see builtin).
        if (b.kind === 'ident' && b.text.charCodeAt(2) === 0x3f) this.expandCall(rest, file, line, undefined, before);
      }
      return after;
    }
    // As nasm: the newest definition decides. Without parameters, it expands whatever follows;
    // with them, it takes the definition of the call's argument count, if there is one.
    let def: SingleLineMacro | undefined = defs[defs.length - 1];
    let args: PPToken[][] | undefined;
    let last = top;
    if (def.params !== undefined) {
      if (rest[top - 1]?.text !== '(') return -1;
      // The closing parenthesis: parentheses and commas in braces do not count.
      let depth = 0, braces = 0;
      let j = top - 1;
      for (; j >= 0; j--) {
        const x = rest[j];
        if (x.kind !== 'op') continue;
        if (x.text === '{') braces++;
        else if (x.text === '}') { if (braces > 0) braces--; }
        else if (braces > 0) continue;
        else if (x.text === '(') depth++;
        else if (x.text === ')' && --depth === 0) break;
      }
      if (j < 0) {
        this.sink.error('syntax', "macro call expects terminating `)'", lineRange(file, line, t.start, t.end));
        return -1;
      }
      const inside: PPToken[] = [];
      for (let k = top - 2; k > j; k--) inside.push(rest[k]);
      // `f()` passes one empty argument, as nasm counts it.
      args = inside.length === 0 ? [[]] : splitArguments(inside, 0, Infinity);
      def = undefined;
      for (let k = defs.length - 1; k >= 0 && !def; k--) if (defs[k].params?.length === args.length) def = defs[k];
      if (!def) {
        if (!active?.has(defs[defs.length - 1])) {
          this.sink.warning('macro-params-single', `single-line macro \`${t.text}' exists, but not taking ${args.length} parameter${args.length === 1 ? '' : 's'}`, lineRange(file, line, t.start, t.end));
        }
        return -1;
      }
      last = j;
    }
    if (active?.has(def) || this.expansionOverflow) return -1;
    this.expandedTokens += def.body.length;
    if ((active?.size ?? 0) >= this.limits.macroLevels || this.expandedTokens > this.limits.macroTokens) {
      // nasm's message for both limits; the rest of the line is left unexpanded.
      this.expansionOverflow = true;
      this.sink.error('limit-macro-tokens', 'interminable macro recursion', lineRange(file, line, t.start, t.end));
      return -1;
    }
    this.refer(def.name, t, file, line);
    const callEnd = rest[last];
    const start = t.start, end = callEnd.end;
    rest.length = last;
    const after = rest.length;
    this.restLow = Math.min(this.restLow, after);
    // The expansion, first token first, with nasm's blanks: the call's before its first token, the
    // body's between its tokens, an argument's inside it (not around it: nasm drops those), and
    // before a token any blanks of the empty arguments just before it.
    const expansion: PPToken[] = [];
    let blank = spaced(before, t);
    for (let k = 0; k < def.body.length; k++) {
      const b = def.body[k];
      if (k > 0 && spaced(def.body[k - 1], b)) blank = true;
      // A name given twice is the later parameter (nasm 2.16: `f(x,x) x` with (1,2) is 2).
      const pi = def.params && b.kind === 'ident' ? def.params.lastIndexOf(b.text) : -1;
      if (pi >= 0 && args) {
        const a = args[pi];
        for (let q = 0; q < a.length; q++) expansion.push(gapped(a[q], q === 0 ? blank : spaced(a[q - 1], a[q])));
        if (a.length > 0) blank = false;
      } else {
        expansion.push({ kind: b.kind, text: b.text, start, end, at: b.at ?? NOWHERE, gap: blank });
        blank = false;
      }
    }
    if (after > 0) rest[after - 1] = gapped(rest[after - 1], blank || spaced(callEnd, rest[after - 1]));
    else if (blank) this.endsBlank = true;
    const set = active ?? new Set<SingleLineMacro>();
    set.add(def);
    // `%?` is the name as called, `%??` as defined (nasm 2.16 reads them in the body and in the
    // arguments alike, measured: with `%define f(x) x`, `f(%?)` is `f`); they are not expanded.
    for (let k = expansion.length - 1; k >= 0; k--) {
      const x = expansion[k];
      if (x.kind === 'preproc' && (x.text === '%?' || x.text === '%??')) {
        rest.push({ kind: 'ident', text: x.text === '%?' ? t.text : def.name, start, end, at: NOWHERE, gap: x.gap });
        continue;
      }
      rest.push(x);
      if (x.kind === 'ident') this.expandCall(rest, file, line, set, undefined);
    }
    set.delete(def);
    return after;
  }

  /**
   * The standard macros nasm 2.16 defines for every line (manual §5.1): `__LINE__` (the line of a
   * macro body, inside macros), `__FILE__` (as nasm would have opened it, run from the main file's
   * directory), both as a `%line` renumbered the line (see reported-lines.ts), `__BITS__`, `__PASS__` (2: the pass whose output counts), `__SECT__` (see
   * `sectionDirective`), the version, the output format and the assembly's date and time (see
   * `versionOrTime`). Each also spelt `__?X?__`.
   */
  private builtin(t: PPToken, file: string, line: number): PPToken | PPToken[] | undefined {
    const name = standardName(t.text);
    if (name === undefined) return undefined;
    if (this.standardCleared) {
      if (t.text.charCodeAt(2) === 0x3f || !isStandardName(name, this.time)) return undefined;
      return { kind: 'ident', text: `__?${name}?__`, start: t.start, end: t.end, src: t.src };
    }
    // `__X__` is nasm's alias of `__?X?__`, which a `%define` may have made (masm's `segment`
    // defines `__?SECT?__`): measured, `%define __?LINE?__ 99` makes `__LINE__` 99.
    if (t.text.charCodeAt(2) !== 0x3f && this.lookupSingle(`__?${name}?__`) !== undefined && isStandardName(name, this.time)) return { kind: 'ident', text: `__?${name}?__`, start: t.start, end: t.end, src: t.src };
    if (this.standardUndefined !== undefined && this.isStandardUndefined(name)) return undefined;
    const token = (kind: PPToken['kind'], text: string): PPToken => ({ kind, text, start: t.start, end: t.end, src: t.src });
    switch (name) {
      case 'LINE': return token('number', String((this.reported.at(file, line)?.line ?? line) + 1));
      case 'BITS':
        if (this.bitsUnknownAfter !== undefined) this.dependsOnBranch(t, file, line, this.bitsUnknownAfter, 'sets `bits\'');
        return token('number', String(this.bits));
      case 'PASS': return token('number', '2');
      case 'FILE': return token('string', quoteBytes(new TextEncoder().encode(this.reported.at(file, line)?.file ?? relativeTo(dirName(this.opts.file), file))));
      case 'SECT': {
        const sect = this.sectionDirective();
        if (this.sectUnknownAfter !== undefined) this.dependsOnBranch(t, file, line, this.sectUnknownAfter, 'holds a `section\' line');
        return sect.map((x, k) => ({ kind: x.kind, text: x.text, start: t.start, end: t.end, src: t.src, at: NOWHERE, gap: spaced(sect[k - 1], x) }));
      }
      case 'OUTPUT_FORMAT': return token('ident', 'bin');
      default: {
        const value = versionOrTime(name, this.time);
        if (value === undefined) return undefined;
        return typeof value === 'number' ? token('number', String(value)) : token('string', `"${value}"`);
      }
    }
  }

  /** Ringside's error for `__BITS__` or `__SECT__` (`t`) after a block the assembler decides, one of whose branches `what`. */
  private dependsOnBranch(t: PPToken, file: string, line: number, c: CheckCondition, what: string): void {
    const at = c.file === file ? `line ${c.line + 1}` : `${c.file}:${c.line + 1}`;
    this.sink.error('undecidable-condition', `\`${t.text}' depends on the branch the assembler takes of the \`${c.directive}' on ${at}, whose condition needs \`$', \`$$' or a label `
      + `(a branch ${what}): Ringside expands it before assembling`, t.src ?? lineRange(file, line, t.start, t.end), this.frames[this.frames.length - 1]?.expansion);
  }

  /** The outermost block open that the assembler decides. */
  private outermostCheck(): OpenCheck | undefined {
    let oc = this.openCheck;
    while (oc?.parent !== undefined) oc = oc.parent;
    return oc;
  }

  /**
   * What `__SECT__` stands for: the primitive form of the last `section`, `segment` or `absolute`
   * directive written without brackets (in nasm those are standard macros that define `__SECT__`
   * as `[section ARGS]`, the word in lower case, and then expand it; the bracketed forms leave it
   * alone), `[section .text]` before any. Found from the lines emitted so far, read once each. One
   * in a block the assembler decides leaves it to the branch taken (`sectUnknownAfter`).
   */
  private sectionDirective(): readonly PPToken[] {
    const out = this.out;
    const open = this.outermostCheck();
    const end = open !== undefined ? open.first.outputLine : out.count;
    for (; this.sectScanned < end; this.sectScanned++) {
      const i = this.sectScanned;
      const sect = this.sectionAt(i);
      if (sect === undefined) continue;
      while (this.sectCheck < this.checks.length && this.checks[this.sectCheck].outputLine <= i) this.sectCheck++;
      const c = this.checks[this.sectCheck];
      if (c !== undefined && c.startLine <= i) this.sectUnknownAfter = c.branches[0].condition;
      else { this.sect = sect; this.sectUnknownAfter = undefined; }
    }
    if (open !== undefined && this.sectUnknownAfter === undefined) {
      for (let i = end; i < out.count; i++) if (this.sectionAt(i) !== undefined) return (this.sectUnknownAfter = open.first, this.sect);
    }
    return this.sect;
  }

  /** `__SECT__` as output line `i` sets it, if it is a `section`, `segment` or `absolute` line (see sectionDirective). */
  private sectionAt(i: number): readonly PPToken[] | undefined {
    const out = this.out;
    // Any line counts, an included file's or a macro's too (fixture sect-nested).
    if ((out.flags[i] & LineFlag.ListOnly) !== 0) return undefined;
    const toks = out.tokensOf(i);
    const first = toks[0];
    if (first === undefined || first.kind !== 'ident' || first.text.length < 7 || first.text.length > 8) return undefined;
    const word = first.text.toLowerCase();
    if (word !== 'section' && word !== 'segment' && word !== 'absolute') return undefined;
    if (toks.length < 2) return undefined;
    // nasm's `%define __?SECT?__ [section %1]`: blanks between the word and the arguments only.
    const open: PPToken = { kind: 'op', text: '[', start: 0, end: 0, gap: false };
    const close: PPToken = { kind: 'op', text: ']', start: 0, end: 0, gap: false };
    return [open, { ...first, text: word, gap: false }, gapped(toks[1], true), ...toks.slice(2), close];
  }

  /** Notes `bits N` / `[bits N]` / `use16` / `use32` for `__BITS__` (nasm defines `bits` as a macro that sets it). */
  private trackBits(toks: readonly PPToken[]): void {
    let i = toks[0]?.text === '[' ? 1 : 0;
    const t = toks[i];
    if (t === undefined || t.kind !== 'ident' || t.text.length < 4 || t.text.length > 5) return;
    const w = t.text.toLowerCase();
    let n = w === 'use16' ? 16 : w === 'use32' ? 32 : NaN;
    if (w === 'bits') {
      i++;
      n = toks[i]?.kind === 'number' ? Number(toks[i].text) : NaN;
    }
    if (n !== 16 && n !== 32 && n !== 64) return;
    // In a block the assembler decides, the branch taken sets it (see bitsUnknownAfter).
    if (this.openCheck !== undefined) { this.bitsUnknownAfter = this.openCheck.first; return; }
    this.bits = n;
    this.bitsUnknownAfter = undefined;
  }

  // ---- contexts (manual §4.7) ----

  private contextDirective(f: Frame, d: string, toks: readonly PPToken[], nameRange: SourceRange): void {
    const name = toks[1]?.text ?? '';
    if (d === '%push') { this.contexts.push(name, this.takeUniqueId(true)); return; }
    const top = this.contexts.top();
    if (!top) { this.sink.error('context', `\`${d}': context stack is empty`, nameRange, f.expansion); return; }
    if (d === '%repl') { top.name = name; return; }
    if (name !== '' && name !== top.name) {
      this.sink.error('context', `\`%pop' in wrong context: ${top.name}, expected ${name}`, nameRange, f.expansion);
      return;
    }
    this.contexts.pop();
  }

  /** Replaces `%$x` (`%$$x`, ...) with the context's global name, `..@N.x`. */
  private substituteContext(toks: readonly PPToken[], file: string, line: number, f: Frame): PPToken[] {
    const out: PPToken[] = [];
    for (const t of toks) {
      if (t.kind === 'preproc' && t.text.charCodeAt(1) === 0x24) {
        const r = this.contexts.resolve(t.text);
        if ('name' in r) { out.push({ kind: 'ident', text: r.name, start: t.start, end: t.end, src: t.src, gap: t.gap }); continue; }
        this.sink.error('context', r.error, t.src ?? lineRange(file, line, t.start, t.end), f.expansion);
      }
      out.push(t);
    }
    return out;
  }

  /**
   * `%[...]` (manual §4.1.3): the single-line-expanded contents, blanks in them kept (`%[1 2]` is
   * `1 2`), pasted to the tokens touching it.
   */
  private indirection(toks: readonly PPToken[], file: string, line: number): PPToken[] {
    const out: PPToken[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      if (!(t.kind === 'op' && t.text === '%' && toks[i + 1]?.text === '[' && toks[i + 1].start === t.end)) { follow(out, t, toks[i - 1]); continue; }
      let depth = 0;
      let j = i + 1;
      for (; j < toks.length; j++) {
        if (toks[j].text === '[') depth++;
        else if (toks[j].text === ']' && --depth === 0) break;
      }
      if (j >= toks.length) { follow(out, t, toks[i - 1]); continue; }
      let text = tokensText(this.expandSingle(toks.slice(i + 2, j), file, line));
      let start = t.start;
      let first = t;
      const prev = out[out.length - 1];
      if (prev && prev.end === t.start && (prev.kind === 'ident' || prev.kind === 'number')) { text = prev.text + text; start = prev.start; first = prev; out.pop(); }
      const next = toks[j + 1];
      if (next && next.start === toks[j].end && (next.kind === 'ident' || next.kind === 'number')) { text += next.text; j++; }
      const end = toks[j].end;
      const gap = spaced(out[out.length - 1], first);
      let before: Token | undefined;
      for (const r of tokenizeLine(text)) {
        if (r.kind === 'comment') continue;
        out.push({ kind: r.kind, text: r.text, start, end, src: t.src, at: NOWHERE, gap: before === undefined ? gap : before.end < r.start });
        before = r;
      }
      i = j;
    }
    return out;
  }

  // ---- string macros (manual §4.2) ----

  private stringDirective(f: Frame, file: string, line: number, d: string, toks: PPToken[], here: SourceRange): void {
    const name = toks[1];
    if (!name || name.kind !== 'ident') { this.sink.error('syntax', `\`${d}' expects a macro identifier`, here, f.expansion); return; }
    const caseInsensitive = d.startsWith('%i');
    const op = caseInsensitive ? `%${d.slice(2)}` : d;
    const range = lineRange(file, line, name.start, name.end);
    const at = (t: PPToken): PPToken => ({ kind: t.kind, text: t.text, start: name.start, end: name.end });
    if (op === '%defstr') {
      // The tokens' text after macro expansion (measured: `%defstr S __LINE__` is the line
      // number), spaced as written (`%defstr S Hello, world` is 'Hello, world').
      const expanded = this.expandSingle(toks.slice(2), file, line);
      const str = tokensText(expanded) + (this.endsBlank && expanded.length > 0 ? ' ' : '');
      this.defineSingle(name.text, undefined, [{ kind: 'string', text: quoteBytes(new TextEncoder().encode(str)), start: name.start, end: name.end }], range, caseInsensitive, f.expansion);
      return;
    }
    const args = this.expandSingle(toks.slice(2), file, line);
    const strings: Uint8Array[] = [];
    const numbers: number[] = [];
    for (const t of args) {
      if (t.kind === 'string') { const b = decodeString(t.text); if (b) strings.push(b); }
      else if (t.kind === 'number' || (t.kind === 'op' && t.text === '-')) numbers.push(t.kind === 'op' ? NaN : Number(t.text));
      else if (!(t.kind === 'op' && t.text === ',')) { this.sink.error('syntax', `\`${d}': expects strings${op === '%substr' ? ' and numbers' : ''}, found \`${t.text}'`, here, f.expansion); return; }
    }
    // (nasm's words differ by directive: measured with nasm 2.16.01.)
    if (strings.length === 0) { this.sink.error('syntax', op === '%substr' ? '`%substr\' requires a string as parameter' : `\`${d}' requires string as second parameter`, here, f.expansion); return; }
    if (op === '%strlen') { this.defineSingle(name.text, undefined, [at({ kind: 'number', text: String(strings[0].length), start: 0, end: 0 })], range, caseInsensitive, f.expansion); return; }
    if (op === '%deftok') {
      const tokens = tokenizeLine(new TextDecoder().decode(strings[0]));
      // nasm reads the string as a line, and warns of an unterminated string in it.
      const open = openString(tokens);
      if (open !== undefined) this.sink.warning('open-string', open.message, here, f.expansion);
      // The tokens take the name's columns; their blanks are the string's.
      const body = tokens.filter((t) => t.kind !== 'comment').map((t, k, all) => ({ ...at(t), gap: k > 0 && all[k - 1].end < t.start }));
      this.defineSingle(name.text, undefined, body, range, caseInsensitive, f.expansion);
      return;
    }
    if (op === '%strcat') {
      const all = new Uint8Array(strings.reduce((n, b) => n + b.length, 0));
      let k = 0;
      for (const b of strings) { all.set(b, k); k += b.length; }
      this.defineSingle(name.text, undefined, [at({ kind: 'string', text: quoteBytes(all), start: 0, end: 0 })], range, caseInsensitive, f.expansion);
      return;
    }
    // %substr NAME string, start[, length]: 1-based start (measured with nasm 2.16: a start below
    // 1 is taken as 1), a negative length counts back from the end (-1: to the end).
    const nums = signedNumbers(args);
    if (nums.length === 0) { this.sink.error('syntax', `\`${d}' requires a starting index`, here, f.expansion); return; }
    const str = strings[0];
    const len = str.length;
    const from = Math.max(0, (nums[0] ?? 1) - 1);
    const countArg = nums[1] ?? 1;
    const count = countArg < 0 ? len - from + countArg + 1 : countArg;
    const sub = from < 0 || from >= len || count <= 0 ? new Uint8Array(0) : str.subarray(from, Math.min(len, from + count));
    this.defineSingle(name.text, undefined, [at({ kind: 'string', text: sub.length === 0 ? "''" : quoteBytes(sub), start: 0, end: 0 })], range, caseInsensitive, f.expansion);
  }

  /**
   * `%clear` (NASM manual §4.13.1), as nasm 2.16.01 does it (preproc.c, measured): with nothing
   * after it (its arguments expanded first) it removes every single-line macro but the aliases,
   * the standard ones too, and every multi-line macro; context-local macros stay. An identifier
   * nasm knows there (`define`, `all`, `context`, `none`, ...) makes 2.16.01 loop forever (its
   * loop over them never moves on), which Ringside reports instead; an unknown one is an error,
   * anything else a warning; neither clears anything.
   */
  private clear(f: Frame, file: string, line: number, toks: PPToken[], here: SourceRange): void {
    const args = this.expandSingle(toks.slice(1), file, line);
    const first = args[0];
    if (first === undefined) {
      for (const [key, list] of [...this.smacros]) {
        if (key.startsWith('..@')) continue;
        const kept = list.filter((m) => m.alias === true);
        if (kept.length === 0) this.smacros.delete(key); else this.smacros.set(key, kept);
      }
      this.mmacros.clear();
      // The standard multi-line macros go too (see withoutStandardMacros): lines naming one no longer pass as written.
      this.standardCleared = true;
      this.macroNames = newMacroNames();
      this.standardCalls.clear(this.out);
      return;
    }
    if (first.kind !== 'ident') { this.sink.warning('trailing', 'trailing garbage after `%clear\' ignored', here, f.expansion); return; }
    if (CLEAR_WORDS.has(first.text.toLowerCase())) {
      this.sink.error('unsupported-directive', `\`%clear ${first.text}' makes nasm 2.16.01 loop forever: Ringside accepts only \`%clear' alone`, here, f.expansion);
      return;
    }
    this.sink.error('syntax', `invalid option to %clear: ${first.text}`, here, f.expansion);
  }

  private unmacro(f: Frame, d: string, toks: PPToken[], here: SourceRange): void {
    const name = toks[1];
    if (!name || name.kind !== 'ident') { this.sink.error('syntax', `\`${d}' expects a macro name`, here, f.expansion); return; }
    const nums = signedNumbers(toks.slice(2));
    const min = nums[0] ?? 0;
    const max = toks.some((t) => t.text === '*') ? Infinity : nums[1] !== undefined ? Math.abs(nums[1]) : min;
    const key = d === '%unimacro' ? name.text.toLowerCase() : name.text;
    const list = this.mmacros.get(key);
    const kept = list?.filter((m) => !(m.min === min && m.max === max && m.caseInsensitive === (d === '%unimacro')));
    if (!list || kept!.length === list.length) return;
    if (kept!.length === 0) this.mmacros.delete(key); else this.mmacros.set(key, kept!);
  }

  // ---- multi-line macros ----

  private multiLineCall(f: Frame, file: string, line: number, text: string, toks: PPToken[]): boolean {
    if (this.mmacros.size === 0 || toks.length === 0) return false;
    let at = 0;
    let m = this.findMacros(toks[0]);
    if (!m && toks.length > 1 && toks[0].kind === 'ident') {
      // `label: macro args` and `label macro args`: the label stays on its own line (manual §4.3).
      at = toks[1].text === ':' ? 2 : 1;
      if (at < toks.length) m = this.findMacros(toks[at]);
    }
    // A macro does not expand inside its own expansion unless defined with %rmacro (NASM manual
    // §4.3.1, measured: the name is then an ordinary label).
    if (m && this.inProgress.size > 0) m = m.filter((d) => d.recursive === true || !this.inProgress.has(d));
    if (!m || m.length === 0) return false;
    const nameTok = toks[at];
    const argsAll = splitArguments(toks, at + 1, Infinity,
      (t) => this.sink.error('macro-args', 'braces do not enclose all of macro parameter', lineRange(file, line, t.start, t.end), f.expansion));
    let count = argsAll.length;
    let def = findMacroTaking(m, count);
    const callSite = lineRange(file, line, nameTok.start, toks[toks.length - 1].end);
    this.refer(m[0].name, nameTok, file, line);
    // `m a,`: nasm drops a trailing empty argument for compatibility with its versions before
    // 2.15, and warns (-w+pp-macro-params-legacy; preproc.c is_mmacro, measured).
    let dropComma = false;
    const last = toks[toks.length - 1];
    if (count > 1 && last.kind === 'op' && last.text === ',') {
      const raw = count;
      if (def === undefined) {
        def = findMacroTaking(m, raw - 1);
        if (def !== undefined) this.sink.warning('macro-args', `improperly calling multi-line macro \`${def.name}' with ${raw} parameters`, callSite, f.expansion);
      } else this.sink.warning('macro-args', `dropping trailing empty parameter in call to multi-line macro \`${def.name}'`, callSite, f.expansion);
      if (def !== undefined) {
        // A greedy last parameter keeps its arguments but not the comma; otherwise the empty argument goes.
        if (def.greedy && raw > def.max) dropComma = true;
        else { argsAll.pop(); count--; }
      }
    }
    if (!def) {
      // nasm 2.16 warns (-w+pp-macro-params-multi) and assembles the line as written: `name:`
      // is then a label, and `name 1` an error of the parser.
      const ranges = m.map((d) => (d.max === Infinity ? `${d.min}+` : d.min === d.max ? `${d.min}` : `${d.min}-${d.max}`)).join(' or ');
      this.sink.warning('macro-args', `multi-line macro \`${nameTok.text}' exists, but not taking ${count} parameter${count === 1 ? '' : 's'} (it takes ${ranges})`, callSite, f.expansion);
      return false;
    }
    const args = def.greedy && def.max !== Infinity ? splitArguments(dropComma ? toks.slice(0, -1) : toks, at + 1, def.max - 1) : argsAll;
    if (args.length === 1 && args[0].length === 0 && def.max === 0) args.length = 0;
    const given = args.length;
    for (let k = given; k < def.max && k - def.min < def.defaults.length; k++) {
      const dflt = def.defaults[k - def.min];
      if (dflt) args.push(dflt as PPToken[]);
    }
    const weight = argumentWeight(args);
    if (this.macroDepth >= Math.min(this.limits.macroLevels, this.limits.mmacros) || this.argumentTokens + weight > MAX_ARGUMENT_TOKENS) {
      // Reported at the outermost call, as nasm does.
      const outer = this.frames.find((fr) => fr.kind === 'macro');
      this.sink.error('limit-macro-levels', 'interminable multiline macro recursion',
        outer?.invocation?.callSite ?? callSite, outer ? outer.expansion.slice(1) : f.expansion);
      this.emit(f, file, line, text, [], true);
      return true;
    }
    // Arguments keep where they were written, so references inside them point at the call site.
    const located = args.map((a) => a.map((t) => (t.src ? t : { ...t, src: lineRange(file, line, t.start, t.end) })));
    // A label before the call is a line of its own, unless the body takes it as `%00` (nasm 2.16).
    const label = at > 0 && usesCallLabel(def) ? (toks[0].src ? toks[0] : { ...toks[0], src: lineRange(file, line, toks[0].start, toks[0].end) }) : undefined;
    // `label macro args` without a colon: nasm does not take the label for an orphan (no
    // -w+label-orphan warning, measured), so it goes on with one.
    if (at > 0 && label === undefined) {
      const tokens: PPToken[] = at === 1 ? [toks[0], { kind: 'op', text: ':', start: toks[0].end, end: toks[0].end, src: toks[0].src }] : toks.slice(0, at);
      // (The label of a `.nolist` macro's call is not listed: the line lists as the call.)
      this.out.push(file, line, text, tokens, this.originOf(f), def.nolist ? 0 : LineFlag.CallLabel, undefined);
    } else this.emit(f, file, line, text, [], true);
    const id = this.takeUniqueId(usesLocalLabels(def));
    const inv: MacroInvocation = { macro: def, args: located, count: Math.max(given, located.length), id, callSite, name: nameTok.text, label };
    this.macroDepth++;
    this.argumentTokens += weight;
    this.inProgress.set(def, (this.inProgress.get(def) ?? 0) + 1);
    this.frames.push({
      kind: 'macro', file, body: def.body, idx: 0, expansion: nestExpansion(callSite, f.expansion), depth: f.depth + 1,
      invocation: inv, repLeft: 0, condBase: f.condBase, condCount: 0, unlisted: f.unlisted === true || def.nolist, serial: ++this.frameSerial,
    });
    return true;
  }

  /**
   * The next `..@N` number (manual §4.3.4, §4.7), for a macro call or `%push`: nasm's counter, which
   * the standard macros called on the lines passed on before also advance (standard-macros.ts).
   * Those lines are read for it only when the number is `needed` (a call of a macro without `%%`
   * labels takes its number unread: -1).
   */
  private takeUniqueId(needed: boolean): number {
    const own = this.uniqueIds++;
    return needed ? own + this.standardCalls.idsUpTo(this.out) : -1;
  }

  private findMacros(t: PPToken): MultiLineMacro[] | undefined {
    if (t.kind !== 'ident') return undefined;
    const exact = this.mmacros.get(t.text);
    if (exact) return exact;
    const lower = this.mmacros.get(t.text.toLowerCase());
    return lower?.some((m) => m.caseInsensitive) ? lower.filter((m) => m.caseInsensitive) : undefined;
  }

  /**
   * `%{a:b}`: parameters a to b separated by commas, backwards when a > b, negative ones counted
   * from the last (nasm 2.16, manual §4.3.4); both must be within %0, else nasm's error and nothing.
   */
  private parameterRange(inv: MacroInvocation, text: string, range: SourceRange, expansion: readonly SourceRange[], gap: boolean): PPToken[] {
    const [a, b] = text.slice(2, -1).split(':').map(Number);
    const n = inv.count;
    if (a === 0 || b === 0 || Math.abs(a) > n || Math.abs(b) > n) {
      this.sink.error('macro-args', `\`${text}': macro parameters out of range`, range, expansion);
      return [];
    }
    const from = a < 0 ? a + n + 1 : a, to = b < 0 ? b + n + 1 : b;
    const out: PPToken[] = [];
    for (let i = from; ; i += from <= to ? 1 : -1) {
      const arg = macroArgument(inv, i) ?? [];
      arg.forEach((t, q) => out.push({ ...t, start: range.start.col, end: range.end.col, gap: q > 0 ? spaced(arg[q - 1], t) : out.length === 0 && gap }));
      if (i === to) break;
      out.push({ kind: 'op', text: ',', start: range.start.col, end: range.end.col, gap: out.length === 0 && gap });
    }
    return out;
  }

  /** Replaces `%n`, `%0`, `%00`, `%?`, `%??`, `%{n}`, `%{a:b}`, `%%name` in a macro body line, pasting tokens written adjacent to them. */
  private substituteParams(inv: MacroInvocation, toks: readonly PPToken[], file: string, line: number, expansion: readonly SourceRange[]): PPToken[] {
    const out: PPToken[] = [];
    let prevEnd = -1;
    let prevSubst = false;
    for (let ti = 0; ti < toks.length; ti++) {
      const t = toks[ti];
      let repl: PPToken[] | undefined;
      if (t.kind === 'preproc') {
        const s = t.text;
        // The blanks before the parameter go before what replaces it; those inside an argument stay.
        const gap = spaced(toks[ti - 1], t);
        let n: number | undefined;
        // `%-n` / `%+n`: parameter n as a condition code, inverted or as is (manual §4.3.8);
        // `%+n` arrives as the `%+` token touching a number.
        // In braces too: nasm 2.16 reads `%{-1}` as `%-1`, not as the last parameter.
        const next = toks[ti + 1];
        const ccPlus = s === '%+' && next !== undefined && next.kind === 'number' && next.start === t.end;
        const braced = /^%\{[+-]\d+\}$/.test(s);
        if (ccPlus || braced || /^%-\d+$/.test(s)) {
          const invert = ccPlus ? false : braced ? s[2] === '-' : true;
          const arg = macroArgument(inv, ccPlus ? Number(next.text) : Number(s.slice(braced ? 3 : 2, braced ? -1 : undefined)));
          const cc = arg?.length === 1 ? arg[0].text.toLowerCase() : '';
          const end = ccPlus ? next.end : t.end;
          if (ccPlus) ti++;
          const written = braced ? `%${s.slice(2, -1)}` : `${s}${ccPlus ? next.text : ''}`;
          if (!CONDITION_CODES.has(cc)) this.sink.error('macro-args', `macro parameter \`${written}' is not a condition code`, lineRange(file, line, t.start, end), expansion);
          else repl = [{ ...arg![0], kind: 'ident', text: invert ? invertCondition(cc) : cc, start: t.start, end, gap }];
          repl ??= [];
        } else if (s === '%00') repl = inv.label !== undefined ? [{ ...inv.label, start: t.start, end: t.end, gap }] : [];
        else if (s === '%?' || s === '%??') repl = [{ kind: 'ident', text: s === '%?' ? inv.name : inv.macro.name, start: t.start, end: t.end, at: NOWHERE, gap }];
        else if (/^%\d+$/.test(s)) n = Number(s.slice(1));
        else if (/^%\{\d+\}$/.test(s)) n = Number(s.slice(2, -1));
        else if (/^%\{-?\d+:-?\d+\}$/.test(s)) repl = this.parameterRange(inv, s, lineRange(file, line, t.start, t.end), expansion, gap);
        if (n === 0) repl = [{ kind: 'number', text: String(inv.count), start: t.start, end: t.end, gap }];
        else if (n !== undefined) {
          const arg = macroArgument(inv, n) ?? [];
          repl = arg.map((a, q) => ({ ...a, start: t.start, end: t.end, gap: q > 0 ? spaced(arg[q - 1], a) : gap }));
        } else if (s.startsWith('%%')) repl = [{ kind: 'ident', text: `..@${inv.id}.${s.slice(2)}`, start: t.start, end: t.end, gap }];
      }
      const glue = prevEnd === t.start && out.length > 0;
      if (repl) {
        if (glue && repl.length > 0 && pastable(out[out.length - 1]) && pastable(repl[0])) {
          out[out.length - 1] = pasted(out[out.length - 1], repl[0], file, line);
          for (let k = 1; k < repl.length; k++) out.push(repl[k]);
        } else for (const r of repl) out.push(r);
        prevSubst = true;
      } else {
        if (glue && prevSubst && pastable(out[out.length - 1]) && pastable(t)) out[out.length - 1] = pasted(out[out.length - 1], t, file, line);
        else out.push(t);
        prevSubst = false;
      }
      prevEnd = toks[ti].end;
    }
    return out;
  }
}

const MACRO_DEFINERS = new Set(['%macro', '%imacro', '%rmacro', '%irmacro']);

/** What nasm 2.16.01 tests after `%if`/`%elif` (and after `%ifn`/`%elifn`); `%ifdirective` and `%iffile` came later. */
/** The words nasm 2.16.01's `%clear` knows (preproc.c). */
const CLEAR_WORDS: ReadonlySet<string> = new Set(['all', 'define', 'def', 'smacro', 'defalias', 'alias', 'salias', 'alldef', 'alldefine', 'macro', 'mmacro', 'context', 'ctx', 'global', 'nothing', 'none', 'ignore']);

const CONDITION_KINDS: ReadonlySet<string> = new Set(['', 'ctx', 'def', 'defalias', 'empty', 'env', 'id', 'idn', 'idni', 'macro', 'num', 'str', 'token', 'usable', 'using']);

/**
 * Whether `d` (a directive word in lower case) opens, continues or closes a conditional group in
 * nasm 2.16.01: any other `%if...` or `%elif...` is no directive (measured: `%elifxyz` in a
 * skipped group is skipped, and an active one goes to the assembler).
 */
function isConditional(d: string): boolean {
  if (d === '%else' || d === '%endif') return true;
  const kind = d.startsWith('%if') ? d.slice(3) : d.startsWith('%elif') ? d.slice(5) : undefined;
  return kind !== undefined && (CONDITION_KINDS.has(kind) || (kind.startsWith('n') && CONDITION_KINDS.has(kind.slice(1))));
}

/** Codes of the errors a tested `%elif` reports although nasm would not (see conditional). */
const KEPT_IN_SKIPPED_GROUP: ReadonlySet<string> = new Set(['undecidable-condition', 'unsupported-directive', 'unknown-directive']);

/** A multi-line macro's parameter: `%1`, `%{1}`, `%{-1}`, `%-1`, `%{1:2}`, `%0`, `%00`. */
const MACRO_PARAMETER = /^%(?:\d+|-\d+|\{-?\d+(?::-?\d+)?\})$/;

/** The state a conditional group is in after its `%if` or a tested `%elif` gave `test`. */
function stateAfter(test: Test): Cond {
  switch (test) {
    case Test.True: return Cond.Active;
    case Test.False: return Cond.Looking;
    case Test.Unread: return Cond.Unread;
    default: return Cond.Never;
  }
}

/**
 * Codes of Ringside's own errors (what it cannot do, a limit it stops at), reported wherever they
 * happen: a branch of a block the assembler decides does not hold them back (see closeRun).
 */
const UNCAPTURED: ReadonlySet<string> = new Set(['undecidable-condition', 'unsupported-directive', 'unterminated-if', 'time-budget', 'runaway-expansion']);

function ringsideOwn(d: Diagnostic): boolean {
  return UNCAPTURED.has(d.code) || d.code.startsWith('limit-');
}

/**
 * Directives a branch of a block the assembler decides may not hold, and what they would change
 * for the lines after the block, which nasm changes only in the passes that take the branch.
 */
const CHECK_FORBIDDEN: ReadonlyMap<string, string> = new Map([
  ...['%define', '%idefine', '%xdefine', '%ixdefine', '%assign', '%iassign', '%undef', '%strlen', '%istrlen', '%substr', '%isubstr', '%strcat', '%istrcat',
    '%defstr', '%idefstr', '%deftok', '%ideftok', '%arg', '%local'].map((d): [string, string] => [d, 'define or remove single-line macros']),
  ...['%macro', '%imacro', '%rmacro', '%irmacro', '%unmacro', '%unimacro'].map((d): [string, string] => [d, 'define or remove multi-line macros']),
  ...['%push', '%pop', '%repl'].map((d): [string, string] => [d, 'change the context stack']),
  ['%stacksize', 'set `%stacksize\''],
  ['%pragma', 'hold a `%pragma\''],
]);

/** The expansion chain of a macro body: the call site, then the caller's chain, middle dropped when very deep. */
function nestExpansion(callSite: SourceRange, outer: readonly SourceRange[]): readonly SourceRange[] {
  if (outer.length < MAX_EXPANSION_CHAIN) return [callSite, ...outer];
  const half = MAX_EXPANSION_CHAIN >> 1;
  return [callSite, ...outer.slice(0, half - 1), ...outer.slice(outer.length - half)];
}

/** How many tokens a call's arguments hold. */
function argumentWeight(args: readonly (readonly PPToken[])[]): number {
  let n = 0;
  for (const a of args) n += a.length;
  return n;
}

function pastable(t: PPToken): boolean {
  return t.kind === 'ident' || t.kind === 'number';
}

/** `a` and `b` (written against each other in a macro body, on line `line` of `file`) as one token. */
function pasted(a: PPToken, b: PPToken, file: string, line: number): PPToken {
  const text = a.text + b.text;
  const kind = /^[0-9$]/.test(text) && a.kind === 'number' ? 'number' : 'ident';
  return { kind, text, start: a.start, end: Math.max(a.end, b.end), src: a.src, at: pastedAt(a, b, file, line), gap: a.gap };
}

function hasPaste(toks: readonly PPToken[]): boolean {
  for (const t of toks) if (t.kind === 'preproc' && t.text === '%+') return true;
  return false;
}

/**
 * `a %+ b` → `ab` (manual §4.1.4), and with `implicit`, as nasm's expand_smacro after a pass that
 * expanded something, a name followed by names or numbers with no blanks between them (which only
 * an expansion can put side by side): `%define f(x) x` / `f(a)b` is the name `ab`, a macro if one
 * is defined. `toks` are on line `line` of `file`; the input itself when nothing is pasted.
 */
function pasteTokens(toks: PPToken[], file: string, line: number, implicit: boolean): PPToken[] {
  let out: PPToken[] | undefined;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'preproc' && t.text === '%+' && i > 0 && i + 1 < toks.length) {
      out ??= toks.slice(0, i);
      if (out.length === 0) { out.push(t); continue; }
      const a = out.pop()!;
      const b = toks[++i];
      const re = tokenizeLine(a.text + b.text);
      if (re.length === 1) out.push({ ...re[0], start: a.start, end: b.end, src: a.src, at: pastedAt(a, b, file, line), gap: spaced(out[out.length - 1], a) });
      else { out.push(a); out.push(b); }
      continue;
    }
    let j = i + 1;
    if (implicit && t.kind === 'ident') while (j < toks.length && joinsName(toks[j]) && !spaced(toks[j - 1], toks[j])) j++;
    if (j === i + 1) { if (out !== undefined) follow(out, t, toks[i - 1]); continue; }
    out ??= toks.slice(0, i);
    // nasm reads the joined text as a line again.
    let text = t.text;
    const at: SourceRange[] = [];
    for (let k = i; k < j; k++) {
      if (k > i) text += toks[k].text;
      const w = writtenAt(toks[k], file, line);
      if (isPieces(w)) at.push(...w); else at.push(w);
    }
    const gap = spaced(out[out.length - 1], t);
    for (const r of tokenizeLine(text)) if (r.kind !== 'comment') out.push({ kind: r.kind, text: r.text, start: t.start, end: toks[j - 1].end, src: t.src, at, gap: r.start > 0 ? false : gap });
    i = j - 1;
  }
  return out ?? toks;
}

/** What nasm's implicit pasting joins to a name before it: a name, or a number that is not a floating-point constant. */
function joinsName(t: PPToken): boolean {
  return t.kind === 'ident' || (t.kind === 'number' && !isFloatText(t.text));
}


/**
 * The message of `%error`/`%warning`/`%fatal` from its expanded tokens (`%1`, `%$x` and single-line
 * macros expanded), as nasm prints them: spaced as nasm's line is (see tokensText), with the blank
 * an empty expansion at the end leaves (`endsBlank`); a lone string without its quotes.
 */
function messageText(expanded: readonly PPToken[], endsBlank: boolean): string {
  if (expanded.length === 1 && expanded[0].kind === 'string') {
    const bytes = decodeString(expanded[0].text);
    return bytes !== undefined ? new TextDecoder().decode(bytes) : expanded[0].text.slice(1, -1);
  }
  return tokensText(expanded) + (endsBlank && expanded.length > 0 ? ' ' : '');
}

/** The `;` comment lines directly above a definition, as its documentation. */
function docAbove(file: FileLines, line: number): string | undefined {
  const lines: string[] = [];
  for (let i = line - 1; i >= 0; i--) {
    const s = file.line(i).trim();
    if (!s.startsWith(';')) break;
    lines.unshift(s.replace(/^;+\s?/, ''));
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** Numbers in a directive's arguments, with a `-` before a number applying to it. */
function signedNumbers(toks: readonly Token[]): number[] {
  const out: number[] = [];
  let neg = false;
  for (const t of toks) {
    if (t.kind === 'op' && t.text === '-') { neg = !neg; continue; }
    if (t.kind === 'number') { const v = parseNumber(t.text) ?? 0; out.push(neg ? -v : v); neg = false; }
  }
  return out;
}

const enum Flag { Preproc = 1, ContextLocal = 2, Indirection = 4 }

/** Which `%` constructs a line has: any preprocessor token, `%$name`, `%[`. */
function lineFlags(toks: readonly PPToken[]): number {
  let flags = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'preproc') flags |= t.text.charCodeAt(1) === 0x24 ? Flag.Preproc | Flag.ContextLocal : Flag.Preproc;
    else if (t.kind === 'op' && t.text === '%' && toks[i + 1]?.text === '[') flags |= Flag.Indirection;
  }
  return flags;
}

/** The nasm release whose output Ringside reproduces (Debian's nasm 2.16.01), for the version macros. */
const NASM_VERSION = { major: 2, minor: 16, subminor: 1, patchlevel: 0 } as const;

/**
 * The value of a version macro (`NASM_MAJOR` ... `NASM_VERSION_ID`, `NASM_VER`) or of a date and
 * time macro at `time` (`DATE`, `TIME` in local time, `UTC_DATE`, `UTC_TIME` and their `_NUM`
 * forms, `POSIX_TIME`), as nasm's manual §5.1.1 and §5.1.5 give them: a number, or a string's
 * characters. Undefined for any other name.
 */
/** `name` (`LINE` of `__?LINE?__`) is one of the standard macros `builtin` expands. */
function isStandardName(name: string, time: Date): boolean {
  return ['LINE', 'BITS', 'PASS', 'FILE', 'SECT', 'OUTPUT_FORMAT'].includes(name) || versionOrTime(name, time) !== undefined;
}

function versionOrTime(name: string, time: Date): number | string | undefined {
  const v = NASM_VERSION;
  switch (name) {
    case 'NASM_MAJOR': return v.major;
    case 'NASM_MINOR': return v.minor;
    case 'NASM_SUBMINOR': return v.subminor;
    case 'NASM_PATCHLEVEL': return v.patchlevel;
    case 'NASM_VERSION_ID': return ((v.major << 24) | (v.minor << 16) | (v.subminor << 8) | v.patchlevel) >>> 0;
    case 'NASM_VER': return `${v.major}.${v.minor}.${String(v.subminor).padStart(2, '0')}`;
    case 'POSIX_TIME': return Math.floor(time.getTime() / 1000);
  }
  const utc = name.startsWith('UTC_');
  const field = utc ? name.slice(4) : name;
  const [year, month, day, hours, minutes, seconds] = utc
    ? [time.getUTCFullYear(), time.getUTCMonth() + 1, time.getUTCDate(), time.getUTCHours(), time.getUTCMinutes(), time.getUTCSeconds()]
    : [time.getFullYear(), time.getMonth() + 1, time.getDate(), time.getHours(), time.getMinutes(), time.getSeconds()];
  const two = (n: number): string => String(n).padStart(2, '0');
  switch (field) {
    case 'DATE': return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
    case 'TIME': return `${two(hours)}:${two(minutes)}:${two(seconds)}`;
    case 'DATE_NUM': return year * 10000 + month * 100 + day;
    case 'TIME_NUM': return hours * 10000 + minutes * 100 + seconds;
    default: return undefined;
  }
}

function hasBuiltin(toks: readonly PPToken[]): boolean {
  for (const t of toks) if (t.kind === 'ident' && t.text.charCodeAt(0) === 0x5f && t.text.charCodeAt(1) === 0x5f) return true;
  return false;
}

/** `file` relative to `dir` when it is inside it (how nasm, run in `dir`, names an included file). */
function relativeTo(dir: string, file: string): string {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}

/** Condition-code suffixes (Intel SDM Vol. 2 Jcc), for `%+n` / `%-n`. */
const CONDITION_CODES: ReadonlySet<string> = new Set([
  'o', 'no', 'b', 'c', 'nae', 'nb', 'nc', 'ae', 'e', 'z', 'ne', 'nz', 'be', 'na', 'nbe', 'a',
  's', 'ns', 'p', 'pe', 'np', 'po', 'l', 'nge', 'nl', 'ge', 'le', 'ng', 'nle', 'g',
]);

/** The opposite condition: `e` ↔ `ne`, `pe` ↔ `po`, ... */
function invertCondition(cc: string): string {
  if (cc === 'pe') return 'po';
  if (cc === 'po') return 'pe';
  return cc.startsWith('n') && CONDITION_CODES.has(cc.slice(1)) ? cc.slice(1) : `n${cc}`;
}

/** A string token's contents, escapes decoded, as one character per byte. */
function quoteFree(text: string): string {
  const bytes = decodeString(text);
  if (bytes === undefined) return text;
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/**
 * `%ifnum`, `%ifstr`, `%ifid`: nasm 2.16 looks at the first token only, after any signs for
 * `%ifnum` (`%ifnum -5`, `%ifnum 5+1`, `%ifid foo bar` hold; measured). A floating-point constant
 * is no number, but a `.` that no digit or exponent follows ends nasm's number (`%ifnum 1.` holds).
 */
function firstTokenIs(toks: readonly PPToken[], kind: string): boolean {
  let i = 0;
  if (kind === 'num') while (i < toks.length && toks[i].kind === 'op' && (toks[i].text === '-' || toks[i].text === '+')) i++;
  const t = toks[i];
  if (t === undefined) return false;
  if (kind === 'str') return t.kind === 'string';
  if (kind === 'id') return t.kind === 'ident';
  if (t.kind !== 'number') return false;
  const dot = t.text.indexOf('.');
  return dot < 0 ? !isFloatText(t.text) : !/[0-9eEpP]/.test(t.text.charAt(dot + 1));
}
