// The NASM preprocessor (manual §4): reads files through the host, runs conditionals, %include,
// %rep and macros, and yields lines of tokens that keep their source location and expansion chain.

import type { InactiveLines, SourceRange } from './api';
import { DiagnosticSink, type HeldDiagnostic } from './diagnostics';
import { conditionsOf, type CheckCondition, type DeferredCheck } from './deferred-check';
import { DeferredIfs, type OpenCheck } from './deferred-if';
import { BranchStates, sameDefinition } from './branch-state';
import { Cond, firstTokenIs, identical, isConditional, KEPT_IN_SKIPPED_GROUP, macroRange, stateAfter, takesRange, Test, type CondEntry } from './conditionals';
import { isLocalName, type Expr, type Value } from './expr';
import { assemblerTerm, EquConstants, evaluateExpression, isRegisterWord, parseArgument, parseExpression, parseLeading, type ParsedExpression } from './pp-expressions';
import { withDotsApart } from './number-dots';
import { isIdentChar, isQuoted, openConstruct, openString, someIdent, tokenizeLine, type Token } from './lexer';
import { fileLines, lineEntry, type FileLines, type LineEntry } from './line-cache';
import { reread } from './reread';
import type { CountProblem } from './param-counts';
import { blankFirst, blanksBeforeSeparators, markedAs, readMacroParameters, rotateArguments, splitArguments, standardName, startsBlank, textAsWritten, tokensText, usesCallLabel, usesLocalLabels, type MacroInvocation, type MacroParameters, type MultiLineMacro, type SingleLineMacro, type Undecided } from './macros';
import { dirName, searchPlaces } from './paths';
import { ContextStack, continuesName, isContextLocal, type Context, type ContextsSaved } from './context-stack';
import { endOfFile, nestExpansion, type Capture, type Frame } from './frames';
import { macroLocalsOutside, matchCall, substituteParams, type SubstitutionEnd } from './macro-parameters';
import { hasPaste, pasteTokens, type PasteStart } from './token-paste';
import { asFirstPass, follow, gapped, isIdentifier, isPieces, LineFlag, lineRange, NOWHERE, PPLines, spaced, writtenAt, type PPToken } from './source';
import { CONTROL_IN_STRING, cutAtControl, decodeString, quoteBytes, stringText } from './strings';
import { decodeSource } from './source-encoding';
import { TECHNIQUES, type Technique } from '../isa/types';
import { NASM_LIMITS, TimeBudget, TIME_BUDGET_MESSAGE, type ResolvedLimits } from './limits';
import { opensLineDirective, readLineDirective, ReportedLines } from './reported-lines';
import { frameAddress, readFrameVariables, stackFrameOf, type StackFrame } from './stack-frame';
import { SingleLineMacros } from './single-line-macros';
import { readSingleLineParams, splitModifiedArguments, takesCount, type ParamModifiers } from './single-line-params';
import { stringMacro, substring } from './string-directives';
import { BitsAndSection, sectionAt, sectionOf } from './bits-and-section';
import { atLineParts, STANDARD_MACRO_NAMES, StandardMacroCalls, standardMacroCounts, withoutStandardMacros, type ContextUse } from './standard-macros';
import { PACKAGE_BODY_FILE, packageMarkers, STANDARD_PACKAGES } from './standard-packages';
import { isTokenMacro, isTokenMacroAlias, spelled } from './standard-expansion';
import { hasBuiltin, isEnvironmentToken, isStandardName, versionOrTime } from './standard-macro-values';
import { emptyArgumentValue, functionResult, parameterKind, testKind, isImplementedFunction, takesArguments, type FunctionToken } from './pp-functions';

/** See Preprocessor.includeState. */
interface IncludeState {
  readonly singles: number;
  readonly macros: number;
  readonly contexts: ContextsSaved;
  readonly cleared: boolean;
}

export interface PreprocessOptions {
  readonly file: string;
  readonly text?: string;
  readonly readFile: (path: string) => string | undefined;
  readonly includePaths: readonly string[];
  /** Where relative names are looked for before the `-I` directories (see searchPlaces). */
  readonly workingDirectory?: string;
  readonly defines: Readonly<Record<string, string>>;
  /** nasm's `--limit-X` values (NASM_LIMITS when absent). */
  readonly limits?: ResolvedLimits;
  readonly budget?: TimeBudget;
  /** The moment `__DATE__`, `__TIME__` and `__POSIX_TIME__` describe (now when absent). */
  readonly time?: Date;
  /**
   * The environment `%!NAME` and `%ifenv` read (NASM manual §4.10.2, §4.4.9): the process's own
   * when absent, as nasm reads its own (as `time` is the clock's).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * For `nasm -E`, which assembles nothing: `__?BITS?__` is then 0 whatever `bits` says, and
   * `__?PASS?__` 3 (nasm's preprocess-only pass; measured with nasm 2.16.01).
   */
  readonly preprocessOnly?: boolean;
  /**
   * Keep what `endstruc`, `iend` and `at` names expand to (PreprocessResult.structureText), as
   * `preprocessOnly` does: asked for again only when a structure's name is a single-line macro's
   * too (see assemble), since it reads the output before every change to the single-line macros.
   */
  readonly structureNames?: boolean;
  /**
   * The name `__FILE__` gives a file (`written`: as its `%include` wrote it): when absent, its
   * path relative to the main file's directory.
   */
  readonly fileName?: (file: string, written: string | undefined) => string;
  /** Keep the `%include`s and `%depend`s in order (PreprocessResult.dependencies), for nasm's `-M`. */
  readonly recordDependencies?: boolean;
  /**
   * Lines read before the main file's first, as a file of their own named `file`: nasm's `-P`,
   * `--before` and `--pragma` (with its `-D` and `-U` among them, in order), which nasm runs
   * before the source (NASM manual §2.1.19-2.1.22).
   */
  readonly prelude?: { readonly file: string; readonly text: string };
  /** nasm's `--no-line`: each `%line` is read and does nothing (measured with nasm 2.16.01). */
  readonly noLine?: boolean;
}

/**
 * A file the source depends on, for nasm's `-M` output (dependencies.ts): an `%include`'s name as
 * written and the file found for it, or a `%depend`'s name; `outputLine` is the count of lines
 * passed on before it, which places it among the `incbin` lines (which the assembler reads).
 */
export interface DependencyRecord {
  readonly name: string;
  readonly resolved?: string;
  readonly outputLine: number;
}

export interface IncludeRecord {
  readonly range: SourceRange;
  readonly target: string;
  readonly resolved?: string;
}

/** A use of `.local` name `name` (as written) on output line `line`, written at `range`. */
export interface LocalReference {
  readonly name: string;
  readonly range: SourceRange;
  readonly line: number;
}

/**
 * A structure's names as nasm's `endstruc`, `iend` and `at` write them for `nasm -E`, expanded with
 * the single-line macros of their line: `%$strucname`, `%{$strucname}_size`, and for an `at` of
 * a `.member`, `%$strucname%1`.
 */
export interface StructureText {
  readonly name: string;
  readonly size: string;
  readonly member?: string;
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
  /** Uses of `.local` names in conditions the assembler decides, named as written: their labels are those above output line `line`. */
  readonly localReferences: readonly LocalReference[];
  /** Stopped at an expansion limit: fatal in nasm, which then assembles nothing. */
  readonly exhausted: boolean;
  /** Stopped before the end of the source: an expansion limit, a `%fatal`, the time budget. */
  readonly stopped: boolean;
  /** The lines of each file that no reading of it preprocessed: in branches not taken (see AssembleResult.inactive). */
  readonly inactive: readonly InactiveLines[];
  /** `%if` blocks of diagnostics that the assembler decides (see DeferredIfs), in output order. */
  readonly checks: DeferredCheck[];
  /** The `%line` directives read, and how nasm reports the lines they renumber. */
  readonly reported: ReportedLines;
  /**
   * The count of output lines before each `..@N` number the source's macro calls and `%push`es
   * took, in order: with the standard macros' numbers (standard-macros.ts), nasm's counter at any line.
   */
  readonly uniqueIdLines: readonly number[];
  /**
   * The context on top of the stack when line `line`, a call of `at`, `iend` or `endstruc`, runs
   * (undefined: none), for `nasm -E`'s text of the call.
   */
  readonly structureContext: (line: number) => Context | undefined;
  /**
   * Whether line `line`, a call of `at`, `iend` or `endstruc`, found no structure's context on top
   * of the stack (a `%pop` or `%push` since `struc` or `istruc`): nasm's call then fails.
   */
  readonly structureLost: (line: number) => boolean;
  /**
   * The `..@N` number of the context the standard macro called on line `line` pushes (`struc`,
   * `istruc`, smartalign's `align` without a fill), whose labels are `..@N.x`: istruc's
   * `%$strucstart`, align's `%$end` (undefined: the line pushes none).
   */
  readonly pushedContext: (line: number) => number | undefined;
  /** With `preprocessOnly` or `structureNames`: the names `structureContext`'s structure makes on line `line` (see StructureText). */
  readonly structureText: (line: number) => StructureText | undefined;
  /** With `recordDependencies`: the `%include`s and `%depend`s in the order they were read. */
  readonly dependencies: readonly DependencyRecord[];
  /** Where `%aliases` turned the aliases off or on, by the count of output lines then (for `nasm -E`'s text). */
  readonly aliasSwitches: readonly { readonly at: number; readonly off: boolean }[];
  /** The `%define`s and `%undef`s of `__?SECT?__`, in order (see SectDefinition). */
  readonly sectDefinitions: readonly SectDefinition[];
  /** The `%define`s and `%undef`s of names ending `_size`, which `endstruc` writes (see SizeDefinition). */
  readonly sizeDefinitions: readonly SizeDefinition[];
  /**
   * The field of the `at .member` on output line `line` when a single-line macro stands for its
   * name: the text nasm's `%$strucname%1` expands to (see Preprocessor.atMember); else undefined.
   */
  readonly atMember: (line: number) => string | undefined;
  /** The environment `%!NAME` read (PreprocessOptions.env). */
  readonly environment: Readonly<Record<string, string | undefined>>;
}

/**
 * A `%define` (body) or `%undef` (no body) of a name ending `_size`, by the count of output lines
 * then: nasm's `endstruc` writes `NAME_size equ ($-NAME)`, whose first word a define of that name
 * replaces. `caseInsensitive`: an `%idefine`.
 */
export interface SizeDefinition { readonly at: number; readonly name: string; readonly caseInsensitive: boolean; readonly body: readonly PPToken[] | undefined }

/**
 * A `%define` (body) or `%undef` (no body) of `__?SECT?__` (or its alias `__SECT__`), which nasm's
 * `endstruc` macro expands, by the count of output lines then: it holds until the next `section`,
 * `segment` or `absolute` line, whose macro defines it again.
 */
export interface SectDefinition { readonly at: number; readonly body: readonly PPToken[] | undefined }

/** Whether `name` ends `_size` (any case), as the size `endstruc` defines does, or is `_size`, which its macro expands (see Assembler.sizeLine). */
function endsSize(name: string): boolean {
  return name.length >= 5 && name.charCodeAt(name.length - 5) === 0x5f && name.slice(-4).toLowerCase() === 'size';
}

/** Whether `%define` (`%idefine`: `caseInsensitive`) or `%undef` of `name` defines or removes `__?SECT?__`. */
function namesSect(name: string, caseInsensitive: boolean): boolean {
  return name === '__?SECT?__' || name === '__SECT__' || (caseInsensitive && name.length === 10 && name.toLowerCase() === '__?sect?__');
}

/**
 * Lines kept in memory before we assume a runaway %rep: far below nasm's line limit (2e9), which
 * nasm can reach because it streams lines, while we keep each one for the editor features.
 */
const MAX_LINES = 20_000_000;
/**
 * Argument tokens held by the macro calls in progress before we call a recursion runaway: a
 * recursive call that grows its argument (`down %1-1` with no end) holds a quadratic number of
 * them long before nasm's 10000 levels, which nasm streams and we would run out of memory on.
 */
const MAX_ARGUMENT_TOKENS = 500_000;
/**
 * New tokens of the lines passed on kept in memory before we stop: nasm reads a line at a time,
 * where we keep each one (measured: `%rep 22` / `%xdefine F F|F` / `%endrep` then three `dd F`,
 * lines of 8 million tokens each, take nasm 1 GB and Ringside 4.6 GB; a few more ran it out of
 * memory). A million rounds of a line of 16 tokens a macro made still fit (3 GB).
 */
const MAX_OUTPUT_TOKENS = 16_000_000;
const NO_EXPANSION: readonly SourceRange[] = [];
const NO_TOKENS: readonly PPToken[] = [];


/**
 * The source preprocessed as nasm's `runs`th run of its preprocessor reads it (see
 * PREPROCESSOR_RUNS). nasm keeps the stack frame from one pass's end into the next pass
 * (measured with 2.16.01: `%arg a:dword` with no `%stacksize` before it is (ebp+24), its 8 and
 * four runs' 4; `%local` likewise; a `%stacksize flat` at the file's end makes it (ebp+8); `nasm
 * -E` runs once). Run again, from the frame the run before left, while a `%arg` or `%local` read
 * a frame no `%stacksize` of the run had set (PreprocessorRun.carried).
 */
export function preprocess(opts: PreprocessOptions, sink: DiagnosticSink, runs = PREPROCESSOR_RUNS): PreprocessResult {
  const mark = sink.mark();
  let run = preprocessRun(opts, sink);
  for (let n = 1; n < runs && run.carried; n++) {
    sink.rollback(mark, () => false);
    run = preprocessRun(opts, sink, run);
  }
  return run.result;
}

/** One run of nasm's preprocessor (see preprocess). */
export interface PreprocessorRun {
  readonly result: PreprocessResult;
  /** Whether the next run would read another frame: a `%arg` or `%local` read one no `%stacksize` of this run had set, and this run left another. */
  readonly carried: boolean;
  /** The frame the run left, which the next run's `%arg` and `%local` start from. */
  readonly frameLeft: StackFrame;
}

/**
 * The run of nasm's preprocessor after `before` (undefined: the first), from the frame it left,
 * its messages to `sink`. A run after one not `carried` makes the same lines again.
 */
export function preprocessRun(opts: PreprocessOptions, sink: DiagnosticSink, before?: PreprocessorRun): PreprocessorRun {
  const start = before === undefined ? stackFrameOf('flat')! : { ...before.frameLeft };
  const p = new Preprocessor(opts, sink, start);
  const result = p.run();
  return { result, carried: opts.preprocessOnly !== true && p.frameInherited && !sameFrame(p.frameLeft, start), frameLeft: p.frameLeft };
}

/**
 * The runs of nasm's preprocessor up to the one its assembly's final pass reads, for a program
 * whose labels its optimizing passes find at once: its first pass, two optimizing passes, the
 * stabilizing pass and the final one (see assemble in index.ts for the others).
 */
export const PREPROCESSOR_RUNS = 5;

function sameFrame(a: StackFrame, b: StackFrame): boolean {
  return a.pointer === b.pointer && a.slot === b.slot && a.argOffset === b.argOffset && a.localOffset === b.localOffset;
}

let macroNameSets = 0;
/** A number no set of macro names had before (see Preprocessor.macroNames). */
function newMacroNames(): number {
  return ++macroNameSets;
}

/** Which ASCII characters start a macro name of set `names`, in either case (0 or 1 each), and whether a non-ASCII one does. */
interface Initials {
  readonly names: number;
  readonly chars: Uint8Array;
  readonly nonAscii: boolean;
}

/** A name that starts with no such character need not be looked up (namesNoMacro). */
function initialsOf(names: number, maps: readonly ReadonlyMap<string, unknown>[]): Initials {
  const chars = new Uint8Array(128);
  let nonAscii = false;
  for (const map of maps) {
    for (const key of map.keys()) {
      const c = key.charCodeAt(0);
      if (c >= 128) { nonAscii = true; continue; }
      chars[c] = 1;
      chars[String.fromCharCode(c).toUpperCase().charCodeAt(0)] = 1;
      chars[String.fromCharCode(c).toLowerCase().charCodeAt(0)] = 1;
    }
  }
  return { names, chars, nonAscii };
}

class Preprocessor {
  /** Made again for the main file's line count once it is read (see PPLines). */
  private out = new PPLines();
  /** The `NAME equ ...` lines passed on so far, for the preprocessor's expressions. */
  private readonly equs: EquConstants;
  private readonly frames: Frame[] = [];
  private readonly conds: CondEntry[] = [];
  /** For each file, the lines read from it in a branch not taken, and how many times (a file may be read more than once). */
  private readonly skippedLines = new Map<string, Map<number, number>>();
  /** How many times each file was read. */
  private readonly fileReads = new Map<string, number>();
  /**
   * The lines of %rep bodies written in a file (not in a macro's), by file and line: true once run
   * in some round, false while only skipped in a branch not taken (see inactiveLines).
   */
  private readonly repLines = new Map<string, Map<number, boolean>>();
  /** The last line of the file the line being read ends on (after the ones a `\` joined to it). */
  private lastLine = 0;
  /** The `%if` blocks the assembler decides, open and handed on. */
  private readonly deferred: DeferredIfs;
  /** Above 0 while a directive expands what it reads as text, not as code or an expression: a name the assembler holds cannot stay there. */
  private readsText = 0;
  /** Above 0 while a `%if` or `%elif` expression is expanded. */
  private inExpression = 0;
  /** The condition expressionCondition left to the assembler last (Test.Deferred), expanded. */
  private assemblerCondition: readonly PPToken[] = [];
  /** Counts the frames pushed (Frame.serial). */
  private frameSerial = 0;
  /** Changes to the multi-line macros (definitions, `%unmacro`, `%clear`): see IncludeState. */
  private macroChanges = 0;
  /** The state each `%include`d file was opened in, by its frame's serial (see unchangedSinceOpened). */
  private readonly includeStates = new Map<number, IncludeState>();
  /** The single-line macros defined. */
  private readonly singles: SingleLineMacros;
  /** Their table (SingleLineMacros.byName), which the plain-line path (namesNoMacro) and `%clear` read. */
  private readonly smacros: Map<string, SingleLineMacro[]>;
  private readonly mmacros = new Map<string, MultiLineMacro[]>();
  /**
   * The names (in lower case) of multi-line macros `%unmacro` removed every definition of, in any
   * case: nasm keeps their entry in its table, empty, until `%clear` (see unmacro).
   */
  private readonly emptiedMacroNames = new Set<string>();
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
  /**
   * Which set of macro names is defined now, unique across assemblies: renewed whenever a name is
   * added (removing one cannot make a line name a macro). LineEntry.namesNoMacroOf keeps it.
   */
  private macroNames = newMacroNames();
  /** The first characters of the macro names (either case), for `macroNames`. */
  private initials: Initials = { names: 0, chars: new Uint8Array(128), nonAscii: false };
  private readonly allMacros: MultiLineMacro[] = [];
  private readonly files: string[] = [];
  private readonly includes: IncludeRecord[] = [];
  private readonly dependencies: DependencyRecord[] = [];
  private readonly references: { name: string; range: SourceRange; pieces?: readonly SourceRange[] }[] = [];
  /** See PreprocessResult.localReferences. */
  private readonly localReferences: LocalReference[] = [];
  private readonly reported = new ReportedLines();
  private capture: Capture | undefined;
  /**
   * The `%macro` lines read in the bodies captured so far whose `%endmacro` has not come, one
   * count for the whole run as in nasm: a %rep body's `%endrep` ends it with one still open, and
   * the next definition's body then takes that many `%endmacro` lines before one ends it
   * (measured with nasm 2.16.01: `%rep 0` / `%macro a 0` / `%endrep` / `%macro q 0` / `nop` /
   * `%endmacro` / `q` is "end of file while still defining macro `q'").
   */
  private macroDefinitionsOpen = 0;
  private technique: Technique | undefined;
  /**
   * `%pragma preproc sane_empty_expansion` turned on: from there on a `%macro`'s trailing comma
   * names an empty default and a call's an empty argument, and blanks an expansion left after a
   * macro's name are no argument (nasm 2.16.01's legacy ways, and their warnings, off; see
   * matchCall).
   */
  private saneEmptyExpansion = false;
  /** PreprocessResult.aliasSwitches. */
  private readonly aliasSwitches: { at: number; off: boolean }[] = [];
  /** PreprocessResult.sectDefinitions. */
  private readonly sectDefinitions: SectDefinition[] = [];
  /** PreprocessResult.sizeDefinitions. */
  private readonly sizeDefinitions: SizeDefinition[] = [];
  /** The `..@N` numbers the source's macro calls and `%push`es took (see takeUniqueId). */
  private uniqueIds = 0;
  /** For each of them, the count of lines passed on when it was taken (PreprocessResult.uniqueIdLines). */
  private readonly uniqueIdLines: number[] = [];
  private readonly standardCalls = new StandardMacroCalls((what, line, idsBefore, name) => this.structureContext(what, line, idsBefore, name), this.sectDefinitions);
  /** How many of uniqueIdLines the contexts of standard macros have counted (see structureContext). */
  private uniqueIdsCounted = 0;
  /** PreprocessResult.structureContext, by line. */
  private readonly structureContexts = new Map<number, Context | undefined>();
  /** PreprocessResult.pushedContext, by line. */
  private readonly pushedContexts = new Map<number, number>();
  /** PreprocessResult.structureText, by line. */
  private readonly structureTexts = new Map<number, StructureText>();
  /** PreprocessResult.atMember's answers. */
  private readonly atMembers = new Map<number, string>();
  /** One line past the main file's last, where nasm reports what is still open at the end. */
  private mainEnd: SourceRange = lineRange('', 0, 0, 0);
  private readonly contexts = new ContextStack(() => this.standardCalls.idsUpTo(this.out));
  /** Where `%arg` and `%local` put the next variable (see `frameVariables`); nasm's start is `%stacksize flat`'s. */
  private frame: StackFrame = stackFrameOf('flat')!;
  /** Whether a `%stacksize` of this run set `frame`, and whether a `%arg` or `%local` read it before one did (see preprocess). */
  private frameSet = false;
  frameInherited = false;
  /** What `__BITS__` and `__SECT__` stand for. */
  private readonly bitsAndSection: BitsAndSection;
  /** The `%use` packages read so far. */
  private readonly packages = new Set<string>();
  private macroDepth = 0;
  /** Expressions evaluated so far under `preprocessOnly` (see evaluateParsed). */
  private evaluations = 0;
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
  /**
   * An expansion of a %rmacro inside another of it has ended: nasm 2.16.01 then assembles nothing
   * more, to the end of its input, and reads on only for conditional directives, as after
   * `%exitrep` (measured: `%rmacro r 1` / `db %1` / `%if %1 > 0` / `r %1-1` / `%endif` then
   * `r 2` / `db 0x55` is 02 01 00; the rest, and the outer calls' lines after theirs, are listed
   * and put nothing out, a `%warning` among them says nothing).
   */
  private afterRecursion = false;
  /** Tokens produced by single-line expansion for the current line, for `--limit-macro-tokens`. */
  private expandedTokens = 0;
  /** The tokens of the lines passed on so far (see MAX_OUTPUT_TOKENS). */
  private outputTokens = 0;
  private expansionOverflow = false;
  /** The fewest tokens the line's unread rest held during the expansion of a call (see expansionPass). */
  private restLow = 0;
  /**
   * The line expandSingle expanded last ends with blanks: an expansion at its end was empty with
   * blanks before it (`x f()`), which nasm keeps as a blank token (`%defstr` keeps a space for it).
   */
  private endsBlank = false;
  /** The line's `%undef` was warned of what follows its name before its context was looked for (see trailingAfterName). */
  private nameTrailingWarned = false;
  /** The problems of the context-local name of the `%assign` being read, given after its expression's (see processLine). */
  private assignNameProblems: HeldDiagnostic[] = [];
  /**
   * Whether the last expandSingle's first name expanded to nothing: nasm keeps a blank there, which
   * a function's string argument shows (measured: `%define E` / `%str(E x)` is ' x', `%str(E)` ' ').
   */
  private startsBlank = false;
  /**
   * The single-line macros being expanded where a function call's arguments are expanded: nasm
   * expands none of them again there (`%define n %eval(n)` / `db n` leaves the inner `n`).
   */
  private activeMacros: Set<SingleLineMacro> | undefined;
  /** The tokens the last `%[...]` inside another one read ends with a blank (see indirection). */
  private indirectionEndsBlank = false;
  /** The same of the parameters substituteParams replaced last: an empty one at the end, after blanks. */
  private readonly substitution: SubstitutionEnd = { endsBlank: false };
  /** Whether pasting dropped the current line's first `%+`, and the blanks before it with it (see pasteTokens). */
  private readonly pasteStart: PasteStart = { dropped: false };

  /** The moment of this assembly, for the date and time macros (nasm reads the clock once). */
  private readonly time: Date;

  /** `startFrame`: the frame `%arg` and `%local` read before any `%stacksize` (see preprocess). */
  constructor(private readonly opts: PreprocessOptions, private readonly sink: DiagnosticSink, startFrame?: StackFrame) {
    if (startFrame !== undefined) this.frame = { ...startFrame };
    // Warnings reported here are about the lines passed on so far (see WarningSwitches).
    sink.position = () => this.out.count;
    this.time = opts.time ?? new Date();
    this.limits = opts.limits ?? NASM_LIMITS;
    this.budget = opts.budget ?? new TimeBudget(undefined);
    this.deferred = new DeferredIfs(sink);
    this.bitsAndSection = new BitsAndSection(this.deferred);
    this.singles = new SingleLineMacros(sink);
    this.smacros = this.singles.byName;
    // (So the structure names of `nasm -E` are expanded with the macros of their lines: see
    // structureText; assembling, so an `at`'s member is, where a macro of a dotted name, a
    // structure's field's, may change after it: see atMember. No name: the whole table changes, as
    // a branch of a block the assembler decides ends, which may undo such a macro the branch defined.)
    if (opts.preprocessOnly === true || opts.structureNames === true) this.singles.beforeChange = () => this.standardCalls.idsUpTo(this.out);
    else this.singles.beforeChange = (name) => { if (name === undefined || name.includes('.')) this.standardCalls.idsUpTo(this.out); };
    this.equs = new EquConstants(this.limits.eval);
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
      const prelude = this.opts.prelude;
      if (prelude !== undefined) this.frames.push(this.fileFrame(prelude.file, prelude.text, NO_EXPANSION, 0));
      this.loop();
    }
    return {
      lines: this.out, files: this.files, includes: this.includes, macros: this.allMacros,
      defines: this.singles.all, technique: this.technique, references: this.references, localReferences: this.localReferences, exhausted: this.exhausted, stopped: this.stopped, inactive: this.inactiveLines(),
      checks: this.deferred.checks, reported: this.reported, uniqueIdLines: this.uniqueIdLines,
      structureContext: this.readUpTo(this.structureContexts),
      structureLost: (line) => { this.standardCalls.idsUpTo(this.out, line + 1); return this.structureContexts.has(line) && this.structureContexts.get(line)?.structure === undefined; },
      structureText: this.readUpTo(this.structureTexts),
      pushedContext: this.readUpTo(this.pushedContexts),
      dependencies: this.dependencies,
      aliasSwitches: this.aliasSwitches,
      sectDefinitions: this.sectDefinitions,
      sizeDefinitions: this.sizeDefinitions,
      atMember: this.readUpTo(this.atMembers),
      environment: this.environment,
    };
  }

  private fileFrame(file: string, text: string, expansion: readonly SourceRange[], depth: number): Frame {
    const lines = fileLines(file, text);
    this.fileReads.set(file, (this.fileReads.get(file) ?? 0) + 1);
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
        // line (measured: nasm 2.16 continues even a comment this way), and so on while the line
        // joined ends in one: an empty one ends the run, with the `\` before it kept (measured:
        // `db 1\\`, an empty line, `db 9` are `db 1\` and `db 9`).
        if (entry.continued && f.idx < lines.count) {
          text = entry.text;
          let joined: string;
          do {
            joined = lines.line(f.idx++);
            text = text.slice(0, -1) + joined;
          } while (joined.charCodeAt(joined.length - 1) === 0x5c && f.idx < lines.count);
          entry = lineEntry(text);
        }
        text = entry.text;
        this.lastLine = f.idx - 1;
      } else {
        const body = f.body!;
        if (f.idx >= body.length) {
          if (f.kind === 'rep' && f.repLeft > 1 && f.exited !== true) { f.repLeft--; f.idx = 0; continue; }
          // A %rep begun in the macro's expansion and not ended there: nasm's fatal error at the
          // call (measured with nasm 2.16.01: "`%rep' without `%endrep' within expansion of
          // macro `stop'"), which ends preprocessing.
          if (f.kind === 'macro' && this.capture?.kind === 'rep' && this.capture.frame === f) {
            const call = f.invocation!.callSite;
            this.sink.error('unterminated-rep', `\`%rep' without \`%endrep' within expansion of macro \`${f.invocation!.macro.name}'`, call, f.expansion.slice(1));
            this.capture = undefined;
            this.stopped = true;
            break;
          }
          this.endFrame(f);
          continue;
        }
        const b = body[f.idx++];
        file = b.file; line = b.line; text = b.text; tokens = b.tokens;
        this.lastLine = b.last ?? line;
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
    if (this.capture?.inBranchOf !== undefined && !this.stopped) {
      this.deferred.repUnended(this.capture.inBranchOf, this.capture.range, this.capture.expansion);
      this.capture = undefined;
    }
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
    return this.capture === undefined && (this.conds.length === 0 || this.conds[this.conds.length - 1].state === Cond.Active) && !this.afterRecursion;
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
    if (first >= 128 ? !this.initials.nonAscii : this.initials.chars[first] === 0) return false;
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
    // (A `section` line goes on alone while the source's `__?SECT?__` holds: see sectionRedefines.)
    const sectHeld = this.sectDefinitions.length > 0 && this.singles.lookup('__?SECT?__') !== undefined;
    let i = from;
    while (i < end) {
      const e = lines.entry(i);
      if (!e.plain || e.continued || (macros && !this.namesNoMacro(e)) || this.budget.expired()) break;
      if (sectHeld && sectionOf(e.code) !== undefined) break;
      i++;
    }
    if (i === from) return false;
    this.linesProcessed += i - from;
    this.out.pushAsWritten(f.file, lines, from, i, this.originOf(f));
    f.idx = i;
    return true;
  }

  private originOf(f: Frame): number {
    return f.origin ??= this.newOrigin(f, f.depth);
  }

  /** A new origin for the lines frame `f` passes on, at nesting `depth`. */
  private newOrigin(f: Frame, depth: number): number {
    return this.out.addOrigin({
      expansion: f.expansion, depth, macroCall: f.invocation?.callSite, outerCall: f.invocation?.outerCall, inMacro: f.invocation !== undefined, body: f.kind !== 'file', unlisted: f.unlisted === true || this.unlistedForGood,
      serial: f.serial, reportedAt: f.reportedAt, ...(this.listedLevels > 0 ? { listedLevels: this.listedLevels } : {}),
    });
  }

  /** Levels nasm's listing has added to every line's `<n>` since the empty `%rep`s before (see emptyRep). */
  private listedLevels = 0;
  /** Whether an empty `%rep .nolist` before has left nasm's listing off for good (see emptyRep). */
  private unlistedForGood = false;

  /**
   * A `%rep` of a count above 0 with no lines, at its `%endrep` (line `line` of `file`, read in
   * `f`): nasm 2.16.01 passes on one empty line there, at the level of the %rep's lines, and its
   * listing stays at that level after it, for good (measured: `%rep 1` / `%endrep` / `nop` lists
   * `2 <1>` empty and `3 <1> nop`; another such %rep then `<2>`; a %rep whose one line is blank
   * or a comment leaves no level behind; nasm panics on an empty %rep in a macro or %rep). After
   * an empty `%rep .nolist` that level is an unlisted one: no line after it is listed, their data
   * and messages go with the `%endrep`'s row (measured: `%rep .nolist 1` / `%endrep` / `times 20
   * db 1` / `db 300` lists `01<rep 14h>2C-` at the %endrep, then the warning).
   */
  private emptyRep(f: Frame, file: string, line: number, nolist: boolean): void {
    this.unlistedForGood ||= nolist;
    this.out.push(file, line, '', NO_TOKENS, this.newOrigin(f, f.depth + 1), LineFlag.ListOnly | LineFlag.Verbatim, undefined);
    this.listedLevels++;
    for (const frame of this.frames) frame.origin = undefined;
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
        if (c.check !== undefined) { this.deferred.closeRun(c.check, this.out); this.endBranch(c.check, '%endif', endOfFile(f), f.expansion); this.endStates(c.check, c.sawElse); this.endCheck(c.check); }
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
      if (n <= 1) this.inProgress.delete(m); else { this.inProgress.set(m, n - 1); this.afterRecursion = true; }
    }
    this.frames.pop();
  }

  /**
   * `entry`: set when `tokens` are a file line's own (`entry.code`), passed on as written; then
   * `tokens` may be left undefined (see PPLines.tokensOf).
   */
  private emit(f: Frame, file: string, line: number, text: string, tokens: readonly PPToken[] | undefined, listOnly: boolean, verbatim = false, entry?: LineEntry): void {
    if (this.sectDefinitions.length > 0 && !listOnly) this.sectionRedefines(tokens ?? entry?.code ?? NO_TOKENS);
    this.out.push(file, line, text, tokens, this.originOf(f), (listOnly ? LineFlag.ListOnly : 0) | (verbatim ? LineFlag.Verbatim : 0), entry);
  }

  /** Whether a line of `count` new tokens passed on would keep more than MAX_OUTPUT_TOKENS: then Ringside's error, and the preprocessing stops. */
  private keepsTooMany(f: Frame, file: string, line: number, text: string, count: number): boolean {
    if ((this.outputTokens += count) <= MAX_OUTPUT_TOKENS) return false;
    this.sink.error('runaway-expansion', `the lines passed on hold more than ${MAX_OUTPUT_TOKENS} tokens, more than Ringside keeps (runaway %rep or macro expansion?)`, lineRange(file, line, 0, text.length), f.expansion);
    this.stopped = this.exhausted = true;
    return true;
  }

  /**
   * A line's entry of `facts`, one of the per-line records the standard macros' calls make as
   * their lines are read (see StandardMacroCalls.idsUpTo): the lines up to it are read first.
   */
  private readUpTo<T>(facts: ReadonlyMap<number, T>): (line: number) => T | undefined {
    return (line) => { this.standardCalls.idsUpTo(this.out, line + 1); return facts.get(line); };
  }

  /**
   * Lines `line`..`last` of `file` (one line, with those a `\` joined to it), read from the file
   * in a group whose branch is not taken: kept for inactiveLines unless it is the group's own
   * `%elif`, `%else` or `%endif` under a taken branch.
   */
  private skipLine(file: string, line: number, last: number, directive: string): void {
    if (this.continuesTakenGroup(directive)) return;
    let lines = this.skippedLines.get(file);
    if (lines === undefined) this.skippedLines.set(file, (lines = new Map()));
    for (let l = line; l <= last; l++) lines.set(l, (lines.get(l) ?? 0) + 1);
  }

  /**
   * Line `line` of `file` in the body of a %rep written in a file, run in a round of it (`run`) or
   * skipped in a branch not taken, as skipLine decides for a file's own lines.
   */
  private repLine(file: string, line: number, directive: string, run: boolean): void {
    let lines = this.repLines.get(file);
    if (lines === undefined) this.repLines.set(file, (lines = new Map()));
    if (lines.get(line) === true) return;
    lines.set(line, run || this.continuesTakenGroup(directive));
  }

  /**
   * Whether `directive`, read while the innermost group's branch is not taken, is that group's own
   * `%elif`, `%else` or `%endif` under a branch that is: the structure of code that runs, never
   * inactive itself.
   */
  private continuesTakenGroup(directive: string): boolean {
    if (!isConditional(directive) || directive.startsWith('%if')) return false;
    const outer = this.conds.length >= 2 ? this.conds[this.conds.length - 2] : undefined;
    return outer === undefined || outer.state === Cond.Active;
  }

  /** The lines skipped every time their file was read, and those of %rep bodies skipped in every round, as ranges. */
  private inactiveLines(): InactiveLines[] {
    const out: InactiveLines[] = [];
    const skipped = new Map<string, Set<number>>();
    for (const [file, lines] of this.skippedLines) {
      const reads = this.fileReads.get(file) ?? 1;
      skipped.set(file, new Set([...lines].filter(([, n]) => n >= reads).map(([l]) => l)));
    }
    for (const [file, lines] of this.repLines) {
      let out = skipped.get(file);
      for (const [line, run] of lines) {
        if (run) continue;
        if (out === undefined) skipped.set(file, (out = new Set()));
        out.add(line);
      }
    }
    for (const [file, lines] of skipped) {
      const always = [...lines].sort((a, b) => a - b);
      for (let i = 0; i < always.length;) {
        let j = i;
        while (j + 1 < always.length && always[j + 1] === always[j] + 1) j++;
        out.push({ file, start: always[i], end: always[j] });
        i = j + 1;
      }
    }
    return out;
  }

  /** A line the preprocessor takes in (a directive, a skipped or captured line, a macro call): listed, and no line of `nasm -E`. */
  private consume(f: Frame, file: string, line: number, text: string): void {
    this.out.push(file, line, text, NO_TOKENS, this.originOf(f), LineFlag.ListOnly | LineFlag.Consumed, undefined);
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
    if ((directive === '%line' || isLineMarker(text, first)) && entry !== undefined) {
      this.consume(f, file, line, text);
      // (After an empty %rep nasm reads on as in an expansion, where it ignores `%line` and its
      // errors: measured with 2.16.01, `%rep 1` / `%endrep` / `%line 7 y` / `db __LINE__` is 4.)
      if (this.opts.noLine !== true && this.listedLevels === 0) this.lineDirective(f, file, line, text, tokens);
      // (Its macro parameters are still read first: measured, `%line %7 y` there and with
      // --no-line is "`%7': not in a macro call".)
      else if (this.lineAssembled()) this.lineParameters(f, file, line, tokens);
      return;
    }

    // nasm warns of an unterminated string as it reads a line of a file, while the group the line
    // is in assembles (a macro's or %rep's lines are read once, when captured). The lines passed
    // on as written above are the parser's to warn of (parseLine).
    if (this.capture && !this.repLeavesBranch(this.capture, directive)) {
      if (entry !== undefined) this.warnOpenString(f, file, line, text, tokens);
      // A line of a macro's or %rep's expansion is written out for the listing as it is captured
      // too, its `%!NAME`s read and warned of then, once (see bodyEnvironment; measured with nasm
      // 2.16.01: a `%rep 2` in a `%rep 2` warns of each unset one in its body twice, not 4 times).
      const captured = entry === undefined && f.kind !== 'file' && raw!.some(isEnvironmentToken) ? this.bodyEnvironment(raw as PPToken[], file, line) : undefined;
      this.captureLine(f, file, line, text, captured ?? (entry !== undefined ? entry.tokens : raw!), directive);
      return;
    }

    const active = this.conds.length === 0 || this.conds[this.conds.length - 1].state === Cond.Active;
    if (active && entry !== undefined) this.warnOpenString(f, file, line, text, tokens);
    // (A macro's lines are left alone: a branch its calls here skip may be one other programs take.)
    if (f.kind === 'rep' && f.invocation === undefined) for (let l = line; l <= this.lastLine; l++) this.repLine(file, l, directive, active);
    if (!active) {
      if (f.kind === 'file') this.skipLine(file, line, this.lastLine, directive);
      if (isConditional(directive)) {
        // Listed first: an `%elif` handed on to the assembler lists the rest of its block (checkDirective).
        this.consume(f, file, line, text);
        this.conditional(f, file, line, directive, tokens, false);
        return;
      }
      this.consume(f, file, line, text);
      return;
    }
    // The rest of a round after `%exitrep`: only conditional directives run (see Frame.exited); so
    // after a %rmacro's recursion (see afterRecursion).
    if ((f.exited === true || this.afterRecursion) && !isConditional(directive)) {
      // (Its macro parameters are still read: outside a macro, measured with nasm 2.16.01, `%rep
      // 4` / `%exitrep` / `db %1` is "`%1': not in a macro call", as `%%here` is.)
      if (f.exited === true && f.invocation === undefined && (lineFlags(tokens as PPToken[]) & Flag.Preproc) !== 0) macroLocalsOutside((tokens as PPToken[]).slice(), file, line, f.expansion, this.sink);
      // (A %rep's lines after `%exitrep` are still written out for the listing, their `%!NAME`s
      // read then, see bodyEnvironment; measured with nasm 2.16.01: not after `%exitmacro`.)
      if (f.exited === true && f.kind === 'rep' && tokens.some(isEnvironmentToken)) this.bodyEnvironment(tokens as PPToken[], file, line);
      // (And what keeps a `%[` open is warned of, as when the line runs: measured, `%exitrep` /
      // `db %[%[ 8` warns of the inner `%[` in that round.)
      if (f.exited === true && f.kind === 'rep' && (lineFlags(tokens as PPToken[]) & Flag.Indirection) !== 0) this.warnOpenIndirections(tokens as PPToken[], file, line, f.expansion);
      this.consume(f, file, line, text);
      return;
    }

    let toks: PPToken[] = tokens as PPToken[];
    this.substitution.endsBlank = false;
    this.nameTrailingWarned = false;
    this.pasteStart.dropped = false;
    // Most lines have no `%` at all: one scan decides which rewrites can apply.
    let flags = lineFlags(toks);
    // A line of a macro's parameters, or environment variables, that left nothing (see LineFlag.LeftEmpty).
    let emptied = false;
    if (flags !== 0) {
      if (f.invocation && (flags & Flag.Preproc) !== 0) {
        toks = substituteParams(f.invocation, toks, file, line, f.expansion, this.sink, this.substitution);
        flags = lineFlags(toks);
        emptied = toks.length === 0;
      }
      // (After a %rmacro's recursion nasm still takes its lines for the macro's, and says nothing of
      // a parameter there: measured, `%ifidn %1, x` is no "not in a macro call"; see afterRecursion.)
      else if ((flags & Flag.Preproc) !== 0) {
        toks = macroLocalsOutside(toks, file, line, f.expansion, this.afterRecursion ? new DiagnosticSink() : this.sink, this.substitution);
        emptied = toks.length === 0;
      }
      // (An `%elif`, `%else` or `%endif` reads its `%$x` names only where it is tested, see
      // conditional: nasm 2.16.01 says nothing of `%elif %$x` after a branch taken, measured;
      // but a `%[...]` it expands on every line, `%elif %[%$x]` "context stack is empty".)
      if ((flags & Flag.ContextLocal) !== 0 && ((flags & Flag.Indirection) !== 0 || !endsBranch(toks))) toks = this.lineContextLocals(toks, file, line, f);
      if ((flags & Flag.Indirection) !== 0) toks = this.indirection(toks, file, line, f);
      // (A blank the expansion put first leaves the `#` indented, no marker: measured, with
      // `%define H #`, `%[ H] 50 "h.asm"` is "label or instruction expected at start of line".)
      if (opensLineDirective(toks[0], first?.start === 0 && toks[0]?.gap !== true)) {
        this.consume(f, file, line, text);
        // (At a file's level, one `%[...]` made is read as a written one is: measured, `%define X
        // %line` / `%[X] 70 "g"` names the next line g:71, as `%line 70 "g"` does.)
        if (f.kind === 'file' && this.opts.noLine !== true && this.listedLevels === 0) this.lineDirective(f, file, line, text, toks);
        return;
      }
    }

    const d = toks.length > 0 && toks[0].kind === 'preproc' ? toks[0].text.toLowerCase() : '';
    // (A macro call's too, before its arguments are taken: measured with nasm 2.16.01, `%rep 2` /
    // `m %!UNSET` warns once a round, listed before the call's row, not where the body uses %1.)
    if ((flags & Flag.Preproc) !== 0 && f.kind !== 'file' && toks.some(isEnvironmentToken)) toks = this.bodyEnvironment(toks, file, line);
    if (d !== '' && this.directive(f, file, line, text, d, toks)) return;

    let expanded = this.expandSingle(toks, file, line);
    if ((flags & Flag.Preproc) !== 0 && hasPaste(expanded)) {
      expanded = this.pasteAndRescan(expanded, file, line);
      // A `%+` at the end with the blanks of an empty expansion after it goes, and they with it
      // (measured: `db 8 %+ %1` with %1 empty is `db 8`; `db 3 %+` at a line's end stays).
      const last = expanded[expanded.length - 1];
      if ((this.endsBlank || this.substitution.endsBlank) && last !== undefined && last.kind === 'preproc' && last.text === '%+') {
        expanded = expanded.slice(0, -1);
        this.endsBlank = this.substitution.endsBlank = false;
      }
    }
    // (With no multi-line macro, an `at` line's data can still be a directive: see atDataCall.)
    if (this.multiLineCall(f, file, line, text, expanded) || ((flags & Flag.Preproc) !== 0 && this.mmacros.size === 0 && this.atDataCall(f, file, line, text, expanded))) return;
    // (A line that had `%$x` or expanded a macro, whose body may hold one: `%define Q %$q`.)
    if ((flags & Flag.ContextLocal) !== 0 || expanded !== toks) this.contextlessAgain(f, file, line, expanded);
    if (this.standardCleared) expanded = withoutStandardMacros(expanded);
    if (this.singles.aliasesAreOff) expanded = aliasesAsNames(expanded);
    // The assembler reads a line the preprocessor changed as text again.
    if (expanded !== tokens || (flags & Flag.Preproc) !== 0) {
      const read = this.readEnvironment(expanded, file, line);
      if (read.length === 0 && expanded.length > 0) emptied = true;
      expanded = reread(read, file, line) as PPToken[];
      if (read.some(writtenUnread)) (this.out.unreread ??= new Map()).set(this.out.count, read);
    }
    this.bitsAndSection.trackBits(expanded);
    if (this.sectDefinitions.length > 0) this.sectionRedefines(expanded);
    const verbatim = expanded === tokens && f.invocation === undefined;
    const endsBlank = this.endsBlank || this.substitution.endsBlank;
    // (A line as its body has it shares the body's tokens: only an expansion's are new.)
    if (expanded !== tokens && this.keepsTooMany(f, file, line, text, expanded.length)) return;
    this.out.push(file, line, text, expanded, this.originOf(f), (expanded.length === 0 ? LineFlag.ListOnly : 0) | (verbatim ? LineFlag.Verbatim : 0) | (endsBlank ? LineFlag.EndsBlank : 0) |
      (this.pasteStart.dropped ? LineFlag.StartPasted : 0) | (emptied ? LineFlag.LeftEmpty : 0),
      verbatim && entry !== undefined && tokens === entry.code ? entry : undefined);
  }

  /**
   * The `%$x` names of a line for the assembler that no context was there for, said again: nasm
   * 2.16.01 says so as it expands the line and again as it writes it out as text (measured:
   * `db %$a, %$b` outside any context is "`%$a': context stack is empty", the same of `%$b`,
   * then both again).
   */
  private contextlessAgain(f: Frame, file: string, line: number, toks: readonly PPToken[]): void {
    for (const t of toks) {
      if (!isContextLocal(t)) continue;
      const r = this.contexts.resolve(t.text);
      if ('error' in r) this.sink.report('error', 'context', r.error, t.src ?? lineRange(file, line, t.start, t.end), f.expansion, undefined, this.sink.position(), -1, 1);
    }
  }

  /** Line `toks`'s context-local names (`%$x`) resolved, as processLine reads the line (see contextLocals). */
  private lineContextLocals(toks: PPToken[], file: string, line: number, f: Frame): PPToken[] {
    // nasm warns of what follows an `%undef`'s context-local name before it looks for the
    // name's context (measured: `%undef %$x y` outside any, the warning then the error).
    const d = toks[0]?.kind === 'preproc' ? toks[0].text.toLowerCase() : '';
    if ((d === '%undef' || d === '%undefalias') && isContextLocal(toks[1])) {
      this.trailingAfterName(toks, lineRange(file, line, toks[0].start, toks[toks.length - 1].end), f);
      this.nameTrailingWarned = true;
    }
    // nasm reads an `%assign`'s expression before it looks for its name's context (measured:
    // `%assign %$y 1 2` outside any, the trailing garbage warning then the error; `%assign
    // %$y 1+` the expression's error alone): the name's problem waits (see assignedName).
    const assigns = (d === '%assign' || d === '%iassign') && isContextLocal(toks[1]);
    const mark = assigns ? this.sink.mark() : -1;
    const resolved = this.contextLocals(toks, file, line, f);
    if (assigns) this.assignNameProblems = this.sink.take(mark, () => false);
    return resolved;
  }

  /** nasm's warnings as it reads line `line` (tokens `tokens`): an unterminated string, `%{` or `%[`, an empty `%{}`. */
  private warnOpenString(f: Frame, file: string, line: number, text: string, tokens: readonly Token[]): void {
    const open = openString(tokens);
    if (open !== undefined) this.sink.warning('open-string', open.message, lineRange(file, line, open.token.start, open.token.end), f.expansion);
    else {
      // (Only the outermost: what keeps it open is warned of as it runs, see warnOpenInside.)
      const construct = openConstruct(tokens, text);
      if (construct !== undefined) this.sink.warning('pp-open-brackets', construct.message, lineRange(file, line, construct.token.start, construct.token.end), f.expansion);
    }
    // An empty `%{}` is the `%` operator (see bracedToken), of which nasm warns as it reads it.
    if (text.indexOf('%{') < 0) return;
    for (const t of tokens) {
      if (t.kind === 'op' && t.text === '%' && t.end - t.start > 1) this.sink.warning('pp-empty-braces', 'empty %{} construct expands to the % operator', lineRange(file, line, t.start, t.end), f.expansion);
    }
  }

  /** A directive's tokens with `%1`, `%$name` and `%[...]` rewritten, as processLine rewrites an active line's. */
  private substituted(f: Frame, tokens: PPToken[], file: string, line: number): PPToken[] {
    let toks = tokens;
    let flags = lineFlags(toks);
    if (f.invocation && (flags & Flag.Preproc) !== 0) { toks = substituteParams(f.invocation, toks, file, line, f.expansion, this.sink); flags = lineFlags(toks); }
    if ((flags & Flag.ContextLocal) !== 0) toks = this.contextLocals(toks, file, line, f);
    if ((flags & Flag.Indirection) !== 0) toks = this.indirection(toks, file, line, f);
    return toks;
  }

  // ---- capture of %macro and %rep bodies ----

  /**
   * Whether directive `d`, read while capturing `c`, a %rep begun in a branch the assembler
   * decides, ends that branch: an `%elif`, `%else` or `%endif` of no `%if` the body opened. Then
   * Ringside's error (see DeferredIfs.repLeavesBranch), and the capture is dropped.
   */
  private repLeavesBranch(c: Capture, d: string): boolean {
    if (c.inBranchOf === undefined || !isConditional(d)) return false;
    if (d.startsWith('%if')) { c.conds = (c.conds ?? 0) + 1; return false; }
    if ((c.conds ?? 0) > 0) { if (d === '%endif') c.conds!--; return false; }
    this.deferred.repLeavesBranch(c.inBranchOf, d, c.range, c.expansion);
    this.capture = undefined;
    return true;
  }

  private captureLine(f: Frame, file: string, line: number, text: string, raw: readonly Token[], directive: string): void {
    const c = this.capture!;
    const endsMacro = directive === '%endmacro' || directive === '%endm';
    this.consume(f, file, line, text);
    if (MACRO_DEFINERS.has(directive)) this.macroDefinitionsOpen++;
    // (Only `%endmacro` ends one: measured with nasm 2.16.01, `%rep 0` / `%macro z 0` / `%endm` /
    // `%endrep` is "`%endm': not defining a macro", the count left open; in a definition `%endm`
    // ends the outer macro.)
    else if (directive === '%endmacro' && this.macroDefinitionsOpen > 0) this.macroDefinitionsOpen--;
    else if (c.kind === 'rep' && directive === '%rep') c.nesting++;
    else if (c.kind === 'rep' ? directive === '%endrep' && --c.nesting === 0 : endsMacro) {
      this.capture = undefined;
      // A %macro line in error captures its body but defines nothing.
      if (c.macro !== undefined) this.finishMacro(c.macro);
      else if (c.count! > 0 && c.lines.length === 0) this.emptyRep(f, file, line, c.nolist === true);
      else if (c.count! > 0) {
        this.frames.push({
          kind: 'rep', file: c.frame.file, body: c.lines, idx: 0, expansion: c.frame.expansion, depth: c.frame.depth + 1,
          invocation: c.frame.invocation, repLeft: c.count!, condBase: c.frame.condBase, condCount: 0, unlisted: c.nolist === true || c.frame.unlisted, serial: ++this.frameSerial,
          reportedAt: c.frame.reportedAt,
        });
      }
      return;
    } else if (c.kind === 'rep' && endsMacro) {
      // nasm reads a `%endmacro` as it captures a %rep body, not as the body runs: its error once
      // whatever the count, 0 too, and no line in the body (measured with nasm 2.16.01:
      // `%rep 0` / `%endmacro` / `%endrep` is "`%endmacro': not defining a macro", `%rep 2` the
      // same once; in -E's text the line numbers after it skip it, `nop` / `%endmacro` / `%endrep`
      // / `x` is a `%line` before `x`), unless it ends a `%macro` opened in a body (see
      // macroDefinitionsOpen).
      const name = raw.find((t) => t.text.toLowerCase() === directive);
      this.sink.error('syntax', `\`${name?.text ?? directive}': not defining a macro`, lineRange(file, line, name?.start ?? 0, name?.end ?? 0), f.expansion);
      return;
    }
    c.lines.push(this.lastLine > line ? { file, line, text, tokens: raw, last: this.lastLine } : { file, line, text, tokens: raw });
  }

  private finishMacro(m: MultiLineMacro): void {
    const key = m.caseInsensitive ? m.name.toLowerCase() : m.name;
    this.emptiedMacroNames.delete(m.name.toLowerCase());
    const list = this.mmacros.get(key);
    this.macroChanges++;
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
    if (isConditional(d)) {
      this.consume(f, file, line, text);
      this.conditional(f, file, line, d, toks, true);
      return true;
    }
    // What these directives expand they read as text (see DeferredConstant).
    this.readsText++;
    try {
      return this.otherDirective(f, file, line, text, d, toks);
    } finally {
      this.readsText--;
    }
  }

  /** A directive line but a conditional one (see directive). */
  private otherDirective(f: Frame, file: string, line: number, text: string, d: string, toks: PPToken[]): boolean {
    // (Messages name the directive as written: measured with nasm 2.16.01, `%POP` is "`%POP': context stack is empty".)
    if (NAME_TAKERS.has(d) && continuesName(toks[1], toks[2])) toks = this.nameInPieces(f, toks, file, line);
    const named = toks[0].text;
    const here = lineRange(file, line, toks[0].start, toks[toks.length - 1].end);
    const nameRange = lineRange(file, line, toks[0].start, toks[0].end);
    const list = (): void => this.consume(f, file, line, text);
    if (this.deferred.open !== undefined && d !== '%use' && this.checkForbids(f, d, here)) {
      list();
      return true;
    }
    switch (d) {
      case '%define': case '%idefine': case '%xdefine': case '%ixdefine':
        list();
        this.defineDirective(f, file, line, d, toks, here);
        return true;
      case '%assign': case '%iassign':
        list();
        this.assignDirective(f, file, line, d, named, toks, here);
        return true;
      case '%undef':
        list();
        this.undefDirective(f, file, line, toks, here);
        return true;
      case '%macro': case '%imacro': case '%rmacro': case '%irmacro': {
        list();
        this.beginMacro(f, file, line, toks, d, here);
        return true;
      }
      case '%endmacro': case '%endm':
        list();
        this.sink.error('syntax', `\`${named}': not defining a macro`, nameRange, f.expansion);
        return true;
      case '%rep':
        list();
        this.repDirective(f, file, line, named, toks, here);
        return true;
      case '%endrep':
        list();
        this.sink.error('syntax', '`%endrep\': no matching `%rep\'', nameRange, f.expansion);
        return true;
      case '%exitrep':
        list();
        this.exitRep(f, nameRange);
        return true;
      case '%exitmacro':
        list();
        this.exitMacro(f, nameRange);
        return true;
      case '%rotate':
        list();
        this.rotateDirective(f, file, line, named, toks, nameRange);
        return true;
      // (`%require` is nasm 2.16.01's %include under another name, undocumented: measured, it
      // includes the file every time, and its messages name it.)
      case '%include': case '%require': {
        list();
        this.include(f, file, line, toks, here);
        return true;
      }
      case '%error': case '%warning': case '%fatal':
        list();
        this.userMessage(f, file, line, d, toks, here);
        return true;
      case '%pragma':
        this.pragmaDirective(f, file, line, text, toks, here);
        return true;
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
        if (toks[1]?.kind === 'ident') this.refer(toks[1].text, toks[1], file, line);
        this.unmacro(f, file, line, d, toks, here);
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
      // `%null` does nothing. (A `%line` is read before, see processLine; none is in a body.)
      case '%null':
        list();
        return true;
      case '%depend':
        list();
        this.depend(f, file, line, toks, here);
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
        return this.unknownDirective(f, file, line, text, d, toks, nameRange);
    }
  }

  /**
   * A directive's `toks` whose macro name is written in pieces (`%$_ur%$_uses`, `w%$b`): as nasm
   * 2.16.01's get_id reads the name, the pieces, written with no blanks between them, are
   * expanded together and pasted (see expandSingle), and the name is the first token that gives
   * (measured: in a context with `%$b` 5, `%define w%$b 8` defines `w5`, `%define r%$b%$b 11`
   * `r55`; `%assign %$u%$n %$n` in a %rep with %$n 0, 1, ... defines `%$u0`, `%$u1`, ...).
   */
  private nameInPieces(f: Frame, toks: PPToken[], file: string, line: number): PPToken[] {
    let j = 2;
    while (continuesName(toks[j - 1], toks[j])) j++;
    // (A `%[...]` pasted to the name leaves the `%$x` after it as written: see substituteLine.)
    const name = this.expandSingle(this.contextLocals(toks.slice(1, j), file, line, f), file, line);
    // What follows a `%define`'s name is its body: a context-local name there no macro expanded
    // stays as written, as a body's does (see ContextStack.substituteLine), for its uses to read
    // in their context (measured with nasm 2.16.01: `%xdefine x%$b%$q +6` in a context with `%$b`
    // 5 is `x5` of `%$q +6`, "`%$q': context stack is empty" where it is used after `%pop`).
    const defines = /^%i?x?define$/i.test(toks[0].text);
    const after = !defines ? name.slice(1) : name.slice(1).map((t): PPToken => (t.contextLocal === undefined ? t : { kind: 'preproc', text: t.contextLocal, start: t.start, end: t.end, src: t.src, at: t.at, gap: t.gap }));
    const rest = toks.slice(j);
    if (rest.length > 0) rest[0] = gapped(rest[0], spaced(toks[j - 1], rest[0]));
    return [toks[0], ...name.slice(0, 1), ...after, ...rest];
  }

  /** `%define`, `%idefine`, `%xdefine`, `%ixdefine`: a single-line macro, its parameters and body as written (or expanded, for `%xdefine`). */
  private defineDirective(f: Frame, file: string, line: number, d: string, toks: PPToken[], here: SourceRange): void {
    const name = toks[1];
    // (Past a `%$x` no context was there for, nasm gives only its "context stack is empty": measured.)
    if (!isIdentifier(name)) { if (!isContextLocal(name)) this.sink.error('syntax', `\`${toks[0].text}' expects a macro identifier`, here, f.expansion); return; }
    let i = 2;
    let params: string[] | undefined;
    let modifiers: ParamModifiers[] | undefined;
    const open = toks[2];
    if (open && open.text === '(' && open.start === name.end) {
      // (`f()` takes one argument, unused: nasm's `f()` and `f(1)` both call it.)
      const list = readSingleLineParams(toks, 2);
      // (nasm reads the list twice: the same error twice is given twice.)
      list.errors.forEach((message, k) => this.sink.report('error', 'syntax', message, here, f.expansion, undefined, this.sink.position(), -1, list.errors.slice(0, k).filter((x) => x === message).length));
      ({ names: params, modifiers, bodyStart: i } = list);
    }
    let body = toks.slice(i);
    if (d === '%xdefine' || d === '%ixdefine') body = this.expandedBody(body, params, file, line);
    // Where the body's names are written, for the references its uses make.
    body = body.map((t) => (t.at !== undefined ? t : { ...t, at: t.src ?? lineRange(file, line, t.start, t.end) }));
    this.defineSingle(name.text, params, body, lineRange(file, line, name.start, name.end), d.startsWith('%i'), f.expansion, false, modifiers);
  }

  /** `%assign`, `%iassign`: a single-line macro whose body is the number its expression gives. */
  private assignDirective(f: Frame, file: string, line: number, d: string, named: string, toks: PPToken[], here: SourceRange): void {
    const name = toks[1];
    const held = this.assignNameProblems;
    this.assignNameProblems = [];
    if (held.length > 0) {
      // (Given again as new, after the expression's: nasm -E prints in the order given.)
      if (this.assignedValue(f, file, line, d, named, toks.slice(2)) !== undefined) for (const { diagnostic: p } of held) this.sink.error(p.code, p.message, p.range, p.expansion);
      return;
    }
    if (!isIdentifier(name)) { if (!isContextLocal(name)) this.sink.error('syntax', `\`${toks[0].text}' expects a macro identifier`, here, f.expansion); return; }
    this.assign(f, file, line, d, named, name, toks.slice(2));
  }

  /** `%undef NAME`: the single-line macro gone, for the record of `_size` and `__?SECT?__` definitions too. */
  private undefDirective(f: Frame, file: string, line: number, toks: PPToken[], here: SourceRange): void {
    const name = toks[1];
    this.trailingAfterName(toks, here, f);
    if (!isIdentifier(name)) { if (!isContextLocal(name)) this.sink.error('syntax', `\`${toks[0].text}' expects a macro identifier`, here, f.expansion); return; }
    this.refer(name.text, name, file, line);
    this.singles.undefine(name.text);
    this.undefineStandard(name.text);
    if (namesSect(name.text, false)) this.sectDefinitions.push({ at: this.out.count, body: undefined });
    if (endsSize(name.text)) this.sizeDefinitions.push({ at: this.out.count, name: name.text, caseInsensitive: false, body: undefined });
  }

  /** `%rep N`: the lines up to its `%endrep` captured, to run N times. */
  private repDirective(f: Frame, file: string, line: number, named: string, toks: PPToken[], here: SourceRange): void {
    // `%rep .nolist N`: the body's lines are not listed (nasm 2.16.01 reads the word, in any
    // case, first after the directive; measured: `%rep .nolist 2` repeats twice).
    const nolist = toks[1]?.kind === 'ident' && toks[1].text.toLowerCase() === '.nolist';
    const count = toks.slice(nolist ? 2 : 1);
    const value = this.evalValue(count, file, line, f, named);
    let v = value?.v;
    // A count that does not evaluate opens no block, as in nasm: the body's lines run once
    // and the `%endrep` is then unmatched (a missing count is a block of 0).
    if (v === undefined && count.length > 0) return;
    if (v !== undefined && v > this.limits.rep) {
      // (The count exactly: measured, `%rep (1<<62)-1` is 4611686018427387903.)
      this.sink.error('limit-rep', `\`${named}' count ${value?.big ?? v} exceeds limit (currently ${this.limits.rep})`, here, f.expansion);
      v = 0;
    }
    if (v !== undefined && v < 0) this.sink.warning('rep-negative', `negative \`${named}' count: ${v}`, here, f.expansion);
    const inBranchOf = this.deferred.open?.first;
    this.capture = { kind: 'rep', nesting: 1, lines: [], range: here, expansion: f.expansion, count: v === undefined ? 0 : Math.max(0, v), frame: f, ...(inBranchOf !== undefined ? { inBranchOf } : {}), ...(nolist ? { nolist } : {}) };
  }

  /** `%exitrep`: the innermost `%rep` ends at its round's end. */
  private exitRep(f: Frame, nameRange: SourceRange): void {
    for (let k = this.frames.length - 1; k >= 0; k--) {
      const rep = this.frames[k];
      if (rep.kind !== 'rep') continue;
      // nasm ends the %rep at its round's end, which it walks without assembling (listed),
      // running its conditional directives; a macro called in the round, from which this
      // came, goes on to its end as before (measured).
      rep.exited = true;
      return;
    }
    this.sink.error('syntax', '`%exitrep\' not within `%rep\' block', nameRange, f.expansion);
  }

  /** `%exitmacro`: the innermost macro call ends here, and the frames inside it. */
  private exitMacro(f: Frame, nameRange: SourceRange): void {
    for (let k = this.frames.length - 1; k >= 0; k--) {
      if (this.frames[k].kind === 'macro') { while (this.frames.length > k) this.endFrame(this.frames[this.frames.length - 1], true); return; }
    }
    this.sink.error('syntax', '`%exitmacro\' not within `%macro\' block', nameRange, f.expansion);
  }

  /** `%rotate N`: the macro call's arguments rotated. */
  private rotateDirective(f: Frame, file: string, line: number, named: string, toks: PPToken[], nameRange: SourceRange): void {
    // nasm 2.16.01 (measured): a count written is evaluated first (its errors and its
    // trailing-garbage warning come first), then refused outside a macro call and in a call
    // with no arguments (defaults count: `%macro m 0-1 5` called `m` has one).
    if (toks.length === 1) { this.sink.error('syntax', '`\' missing rotate count', nameRange, f.expansion); return; }
    const value = this.evalValue(toks.slice(1), file, line, f, named);
    if (value?.v === undefined) return;
    if (!f.invocation) this.sink.error('syntax', `\`${named}' invoked outside a macro call`, nameRange, f.expansion);
    else if (f.invocation.args.length === 0) this.sink.error('syntax', `\`${named}' invoked within macro without parameters`, nameRange, f.expansion);
    // (nasm adds the count to an int: measured with nasm 2.16.01, `%rotate 0x100000001` over
    // three parameters rotates by one, `%rotate 0x80000000` by -2^31.)
    else rotateArguments(f.invocation, Number(BigInt.asIntN(32, value.big ?? BigInt(value.v))));
  }

  /** `%error`, `%warning`, `%fatal`: the message, its macros expanded. */
  private userMessage(f: Frame, file: string, line: number, d: string, toks: PPToken[], here: SourceRange): void {
    // (`%fatal` stops nasm in its first pass, whose text it quotes.)
    const expanded = this.expandSingle(toks.slice(1), file, line).map(d === '%fatal' ? asFirstPass : (t) => t);
    const msg = isLoneString(expanded) ? stringMessage(expanded[0]) : this.writtenBack(expanded, file, line) + ((this.endsBlank || this.substitution.endsBlank) && expanded.length > 0 ? ' ' : '');
    if (d === '%warning') this.sink.warning('user-warning', msg, here, f.expansion);
    else this.sink.error(d === '%fatal' ? 'user-fatal' : 'user-error', msg, here, f.expansion);
    // (In a branch the assembler decides, nasm stops only when it takes it: see OpenCheck.)
    if (d === '%fatal' && this.deferred.open === undefined) this.stopped = true;
  }

  /**
   * `%pragma`: passed on as nasm passes it, but for the preprocessor's own (`%pragma preproc`);
   * Ringside's own `%pragma ringside technique NAME` read.
   */
  private pragmaDirective(f: Frame, file: string, line: number, text: string, toks: PPToken[], here: SourceRange): void {
    const expanded = this.readEnvironment(this.expandSingle(toks.slice(1), file, line), file, line);
    // nasm reads a `preproc` pragma, its macros expanded, and passes nothing on: `nasm -E` prints
    // no line for it; one it does not know it ignores, silently (measured with nasm 2.16.01).
    if (expanded[0]?.kind === 'ident' && expanded[0].text.toLowerCase() === 'preproc') {
      this.consume(f, file, line, text);
      if (expanded[1]?.kind === 'ident' && expanded[1].text.toLowerCase() === 'sane_empty_expansion') {
        const on = this.booleanOption(expanded.slice(2), file, line, f, '%pragma');
        if (on !== undefined) this.saneEmptyExpansion = on;
      }
      return;
    }
    // Any other it passes on, its macros expanded, as `[pragma ...]` (what `nasm -E` prints).
    this.out.push(file, line, text, expanded, this.originOf(f), LineFlag.ListOnly | LineFlag.Consumed, undefined);
    const ns = toks[1]?.text.toLowerCase();
    if (ns === 'ringside' && toks[2]?.text.toLowerCase() === 'technique') {
      const name = toks.slice(3).map((t) => t.text).join('');
      if ((TECHNIQUES as readonly string[]).includes(name)) this.technique = name as Technique;
      else this.sink.error('unknown-technique', `unknown technique \`${name}' (expected one of ${TECHNIQUES.join(', ')})`, here, f.expansion);
    }
  }

  /** A `%` word that is no directive: false when the line goes on to the assembler (see otherDirective). */
  private unknownDirective(f: Frame, file: string, line: number, text: string, d: string, toks: PPToken[], nameRange: SourceRange): boolean {
    // No directive to nasm 2.16.01 (`%foo`, `%elifxyz`, `%ifdirective`): the line goes to its
    // assembler, which reads `%` and stops there (in a skipped group it is skipped). A
    // preprocessor function called there is no directive either, but expands as anywhere
    // (measured: a line `%eval(2+3, 4)` is `5,4`, ` %abs(-2)` is ` 2`).
    if (toks[1]?.text === '(' && isImplementedFunction(toks[0])) return false;
    if (/^%[a-z]/.test(d)) {
      // (`nasm -E` prints the line with the single-line macros after its first word expanded:
      // measured, `%foo A, F(2)` with `%define A 5` and `%define F(x) x+1` is `%foo 5, 2+1`.)
      if (this.opts.preprocessOnly === true) {
        // (`%+` pastes there too: `%foo a %+ b` is `%foo ab`, measured; `%!NAME` is read.)
        let rest = this.expandSingle(toks.slice(1), file, line);
        if (hasPaste(rest)) rest = this.pasteAndRescan(rest, file, line);
        rest = this.readEnvironment(rest, file, line);
        const blank = toks.length > 1 && spaced(toks[0], toks[1]);
        const words = rest.length > 0 && blank ? [toks[0], gapped(rest[0], true), ...rest.slice(1)] : [toks[0], ...rest];
        // (What came to nothing leaves the blanks before it: `%foo E`, E empty, is `%foo `, and
        // so does a parameter dropped outside a call, `%foo %0`.)
        const endsBlank = this.endsBlank || this.substitution.endsBlank || (rest.length === 0 && blank);
        this.out.push(file, line, text, words, this.originOf(f), LineFlag.ListOnly | (endsBlank ? LineFlag.EndsBlank : 0), undefined);
        return true;
      }
      // (In a block the assembler decides, the line is the branch's code: its parser's error is
      // given when a pass takes the branch, an early one too; measured, `%bogus` in the branch
      // only nasm's first pass takes: "label or instruction expected at start of line".)
      if (this.deferred.open !== undefined) return false;
      this.consume(f, file, line, text);
      // (Its `%!NAME` is read all the same: nasm warns of an unset one first, measured.)
      if (toks.some(isEnvironmentToken)) this.readEnvironment(this.expandSingle(toks.slice(1), file, line), file, line);
      this.sink.error('unknown-directive', 'label or instruction expected at start of line', nameRange, f.expansion);
      return true;
    }
    return false;
  }

  /** `%line` on line `line` of file `file` (see readLineDirective); its own errors are reported where the line was before it. */
  private lineDirective(f: Frame, file: string, line: number, text: string, written: readonly Token[]): void {
    const here = lineRange(file, line, written[0].start, written[written.length - 1].end);
    const assembled = this.lineAssembled();
    if (assembled) this.warnOpenString(f, file, line, text, written);
    const toks = assembled ? this.lineParameters(f, file, line, written) : written;
    const read = readLineDirective(toks, file, line, (name, from, to) => {
      const value = this.environment[name];
      if (value === undefined && assembled) this.sink.warning('pp-environment', `nonexistent environment variable \`${name}'`, lineRange(file, line, from.start, to.end), f.expansion);
      return value ?? '';
    });
    // (nasm's preprocessor reports no error in a group it skips: `%if 0` / `%line y` / `%endif`;
    // a well-formed one there renumbers all the same.)
    if (typeof read === 'string') { if (assembled) this.sink.error('syntax', read, here, f.expansion); return; }
    const { nameError, ...directive } = read;
    if (nameError !== undefined && assembled) this.sink.error('syntax', nameError, here, f.expansion);
    this.reported.add(f.lines !== undefined && f.idx > line + 1 ? { ...directive, joined: f.idx - line - 1 } : directive);
  }

  /**
   * A `section`, `segment` or `absolute` line (`toks`) is nasm's standard macro, which defines
   * `__?SECT?__` anew: a definition the source made before (masm's `segment` makes one: see
   * sectDefinitions, which is empty until then, so that a line costs no lookup) is gone,
   * and `__SECT__` is the line's (measured with nasm 2.16.01: `%use masm` / `_DATA segment` /
   * `section .text` / `%defstr S __SECT__` is '[section .text]').
   */
  private sectionRedefines(toks: readonly PPToken[]): void {
    const first = toks[0];
    if (first === undefined || first.kind !== 'ident' || first.text.length < 7 || first.text.length > 8) return;
    if (this.singles.lookup('__?SECT?__') !== undefined && sectionOf(toks) !== undefined) this.singles.undefine('__?SECT?__');
  }

  /** Whether a `%line` read now is assembled: in a body being defined, or in a group that assembles. */
  private lineAssembled(): boolean {
    return this.capture !== undefined || this.conds.length === 0 || this.conds[this.conds.length - 1].state === Cond.Active;
  }

  /**
   * `%line` line `written` with its macro parameters read first, outside a macro refused and
   * dropped (measured with nasm 2.16.01: `%line 6%0 b.c` is "`%0': not in a macro call").
   */
  private lineParameters(f: Frame, file: string, line: number, written: readonly Token[]): readonly Token[] {
    return this.capture === undefined && f.invocation === undefined && lineFlags(written.slice(1)) !== 0 ? macroLocalsOutside(written.slice(), file, line, f.expansion, this.sink) : written;
  }

  /**
   * The parameters a `%macro` line (or `%unmacro`'s: nasm reads both with
   * preproc.c's parse_mmacro_spec) declares for macro `name`, its messages reported (measured with
   * 2.16.01: `%unmacro X` is "`%unmacro' expects a parameter count", `%unmacro X 1 Y` warns of
   * too many defaults, as `%macro` does). What follows the name is read with its single-line
   * macros expanded, as they stand at the definition (measured: with `%define I 0`, `%macro m 0
   * I` then `%define I 1` / `m` has %1 0).
   */
  private macroSpec(f: Frame, name: string, toks: readonly PPToken[], here: SourceRange, file: string, line: number): MacroParameters {
    const after = toks.slice(2) as PPToken[];
    let expanded = this.expandSingle(after, file, line);
    // nasm's expansion of the line pastes at `%+` whether or not a macro expanded (measured with
    // nasm 2.16.01: `%macro g 1-2%+ 5, 6` takes 1 to 25 parameters, its defaults `` and `6`).
    if (hasPaste(expanded)) expanded = this.pasteAndRescan(expanded, file, line);
    const spec = readMacroParameters(expanded === after ? toks : [toks[0], toks[1], ...expanded], this.saneEmptyExpansion);
    const { min, max, greedy, defaults, problems, droppedEmpty, braceErrors } = spec;
    this.countProblems(f, problems, here);
    for (const message of braceErrors ?? []) this.sink.error('macro-args', message, here, f.expansion);
    if (droppedEmpty === true) this.sink.warning('macro-args', `dropping trailing empty default parameter in definition of multi-line macro \`${name}'`, here, f.expansion);
    // More defaults than optional parameters: nasm warns, and a call has them all for parameters
    // (preproc.c parse_mmacro_spec; measured: `%macro h 1-2 5,6,7` / `h 9` has %0 4).
    if (!greedy && defaults.length > max - min) this.sink.warning('pp-macro-defaults', `too many default macro parameters in macro \`${name}'`, here, f.expansion);
    return spec;
  }

  /** The messages on a `%macro`'s or `%ifmacro`'s parameter counts (see readParamCount). */
  private countProblems(f: Frame, problems: readonly CountProblem[], here: SourceRange): void {
    for (const p of problems) {
      if (p.overflow === true) this.sink.warning('number-overflow', p.message, here, f.expansion);
      else this.sink.error('syntax', p.message, here, f.expansion);
    }
  }

  private beginMacro(f: Frame, file: string, line: number, toks: PPToken[], directive: string, here: SourceRange): void {
    const caseInsensitive = directive === '%imacro' || directive === '%irmacro', recursive = directive.endsWith('rmacro');
    const name = toks[1];
    // Without a name nasm opens no definition: the lines after run, and the `%endmacro` is unmatched.
    if (!isIdentifier(name)) { this.sink.error('syntax', `\`${toks[0].text}' expects a macro name`, here, f.expansion); return; }
    const { min, max, greedy, nolist, defaults, defaultTokens } = this.macroSpec(f, name.text, toks, here, file, line);
    // A definition whose parameter range meets one of the same name shadows it: nasm warns.
    const key = caseInsensitive ? name.text.toLowerCase() : name.text;
    if (this.mmacros.get(key)?.some((m) => m.name === name.text && (m.min <= max || greedy) && (min <= m.max || m.greedy))) {
      this.sink.warning('macro-redef-multi', `redefining multi-line macro \`${name.text}'`, here, f.expansion);
    }
    const macro: MultiLineMacro = {
      name: name.text, caseInsensitive, min, max, greedy, defaults, ...(greedy && defaults.length > 0 ? { defaultTokens } : {}), body: [], recursive, nolist,
      range: lineRange(file, line, name.start, name.end), doc: f.lines ? docAbove(f.lines, line) : undefined,
    };
    this.capture = { kind: 'macro', nesting: 1, lines: macro.body, range: here, expansion: f.expansion, macro, frame: f };
  }

  /** How many files are being read, one in another: the source and the `%include`s open. */
  private openFiles(): number {
    let n = 0;
    for (const fr of this.frames) if (fr.kind === 'file') n++;
    return n;
  }

  private include(f: Frame, file: string, line: number, toks: PPToken[], here: SourceRange): void {
    // nasm expands single-line macros in the name: `%define LIB "lib.inc"` / `%include LIB`
    // (measured; a macro that gives an unquoted name is still "expects a file name").
    const args = toks[1]?.kind === 'ident' ? this.expandSingle(toks.slice(1), file, line) : toks.slice(1);
    const t = args[0];
    // Only a string: `%include <file>` is "expects a file name" to nasm 2.16.01 (measured).
    const bytes = t !== undefined && t.kind === 'string' ? this.fileNameBytes(t, f, here) : undefined;
    const target = bytes === undefined ? undefined : decodeSource(bytes);
    if (!target) { this.sink.error('syntax', `\`${toks[0].text}' expects a file name`, here, f.expansion); return; }
    // (Words after the name: measured, `%include "a.inc"x` includes a.inc with this warning.)
    if (args.length > 1) this.sink.warning('trailing', `trailing garbage after \`${toks[0].text}' ignored`, here, f.expansion);
    const range = lineRange(file, line, t.start, toks[toks.length - 1].end);
    // nasm 2.16 resolves a relative name against its working directory (not the including file's
    // directory), then tries each -I prefix in order (see searchPlaces).
    const candidates = searchPlaces(this.opts.file, this.opts.workingDirectory, this.opts.includePaths, target);
    let resolved: string | undefined;
    let text: string | undefined;
    for (const c of candidates) {
      text = this.opts.readFile(c);
      if (text !== undefined) { resolved = c; break; }
    }
    this.includes.push(resolved ? { range, target, resolved } : { range, target });
    if (this.opts.recordDependencies === true) this.dependencies.push({ name: target, resolved, outputLine: this.out.count });
    if (!resolved || text === undefined) {
      // (nasm adds the system's reason: measured, ": No such file or directory" for a missing file.)
      this.sink.error('missing-include', `unable to open include file \`${target}': No such file or directory`, range, f.expansion);
      return;
    }
    // A file may include itself, or one that includes it: a guard (`%ifndef`) or a count ends the
    // recursion, as nasm reads it (measured: a guarded file that includes itself assembles). With
    // none, nasm goes on until it has no file descriptor left: at 1018 files open for an assembly
    // and 1019 for -E, under the usual limit of 1024 (`ulimit -n`), in the system's words, which
    // Ringside gives too unless the file is one of those open. Such a cycle is an error at once
    // when nothing the file's lines can read has changed since it was last opened: each copy then
    // reads as the one before and includes it again (nasm's error, in a few files rather than 1018).
    const open = this.openFiles();
    const cycle = this.frames.some((fr) => fr.kind === 'file' && fr.file === resolved);
    if ((cycle && this.unchangedSinceOpened(resolved)) || open >= (this.opts.preprocessOnly === true ? 1019 : 1018)) {
      const message = cycle ? `\`${target}' includes itself (include cycle): no guard or count ends it` : `unable to open include file \`${target}': Too many open files`;
      this.sink.error('include-cycle', message, range, f.expansion);
      return;
    }
    if (!this.files.includes(resolved)) this.files.push(resolved);
    const frame = this.fileFrame(resolved, text, [range, ...f.expansion], f.depth + 1);
    this.frames.push(f.unlisted === true ? { ...frame, unlisted: true } : frame);
    this.includeStates.set(frame.serial, this.includeState());
  }

  /** What the lines of a file about to be read can tell apart of the preprocessor's state. */
  private includeState(): IncludeState {
    return { singles: this.singles.version, macros: this.macroChanges, contexts: this.contexts.save(), cleared: this.standardCleared };
  }

  /** Whether that state is as it was when the innermost `%include` of `file` still being read opened it. */
  private unchangedSinceOpened(file: string): boolean {
    let opened: IncludeState | undefined;
    for (let k = this.frames.length - 1; k >= 0 && opened === undefined; k--) {
      const fr = this.frames[k];
      if (fr.kind === 'file' && fr.file === file) opened = this.includeStates.get(fr.serial);
    }
    if (opened === undefined) return false;
    return opened.singles === this.singles.version && opened.macros === this.macroChanges && opened.cleared === this.standardCleared && this.contexts.same(opened.contexts);
  }

  /**
   * `%depend "file"` (manual §4.6.3): names a dependency for `-M` and does nothing else. As
   * `%include`, single-line macros in the name are expanded; measured with nasm 2.16.01, anything
   * but a string is "`%depend' expects a file name" (an error in every mode), more is ignored
   * with a warning, and a backquoted name's escapes are decoded (`%depend `x\x41`` names `xA`).
   */
  /**
   * A file name's string as nasm reads it (quote.c's nasm_unquote_cstr): its bytes, a backquoted
   * one's escapes read, cut at a control character with nasm's error (measured with 2.16.01:
   * `%include \`a\x01b\`` is that error, then "unable to open include file `a'"; `%pathsearch`
   * and `%depend` the same; `%include \`a\x41.inc\`` opens aA.inc). Undefined for no string.
   */
  private fileNameBytes(t: PPToken, f: Frame, here: SourceRange): Uint8Array | undefined {
    const bytes = decodeString(t.text);
    const cut = bytes === undefined ? undefined : cutAtControl(bytes);
    if (cut === undefined) return bytes;
    this.sink.error('syntax', CONTROL_IN_STRING, here, f.expansion);
    return cut;
  }

  private depend(f: Frame, file: string, line: number, toks: PPToken[], here: SourceRange): void {
    const args = toks[1]?.kind === 'ident' ? this.expandSingle(toks.slice(1), file, line) : toks.slice(1);
    const t = args[0];
    const bytes = t?.kind === 'string' ? this.fileNameBytes(t, f, here) : undefined;
    if (bytes === undefined) { this.sink.error('syntax', `\`${toks[0].text}' expects a file name`, here, f.expansion); return; }
    if (args.length > 1) this.sink.warning('trailing', `trailing garbage after \`${toks[0].text}' ignored`, here, f.expansion);
    if (this.opts.recordDependencies === true) this.dependencies.push({ name: new TextDecoder().decode(bytes), outputLine: this.out.count });
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
    // nasm names the directive as written in these messages (measured: `%ELIFDEF' after `%else').
    const written = toks[0].text;
    const trailing = (): void => {
      if (toks.length > 1 && top?.state !== Cond.Never) this.sink.warning('trailing', `trailing garbage after \`${written}' ignored`, here, f.expansion);
    };
    const isElif = d.startsWith('%elif');
    if (top !== undefined && (isElif || d === '%else' || d === '%endif')) this.crossesDeferredBranch(f, d, top, here);
    if (top?.check !== undefined && (isElif || d === '%else' || d === '%endif')) { this.checkDirective(f, file, line, d, toks, top, here); return; }
    if (d === '%endif') {
      trailing();
      if (!top) { this.sink.error('syntax', `\`${written}': no matching \`%if'`, here, f.expansion); return; }
      this.conds.pop();
      f.condCount--;
      return;
    }
    if (d === '%else') {
      trailing();
      if (!top) { this.sink.error('syntax', `\`${written}': no matching \`%if'`, here, f.expansion); return; }
      if (top.state === Cond.Never || top.state === Cond.Unread) return;
      if (top.sawElse) {
        this.sink.warning('syntax', `\`${written}' after \`%else', ignoring content`, here, f.expansion);
        top.state = Cond.Never;
        return;
      }
      top.sawElse = true;
      top.state = top.state === Cond.Looking ? Cond.Active : Cond.Done;
      return;
    }
    const kind = d.slice(isElif ? 5 : 3);
    if (isElif) {
      if (!top) { this.sink.error('syntax', `\`${written}': no matching \`%if'`, here, f.expansion); return; }
      if (top.state === Cond.Never || top.state === Cond.Unread) return;
      if (top.sawElse) {
        this.sink.warning('syntax', `\`${written}' after \`%else', ignoring content`, here, f.expansion);
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
    if (!active) { this.conds.push({ state: Cond.Never, sawElse: false, range: here, expansion: f.expansion, call: this.innermostCall() }); f.condCount++; return; }
    const test = this.testCondition(f, file, line, d, kind, toks);
    const entry: CondEntry = { state: stateAfter(test), sawElse: false, range: here, expansion: f.expansion, call: this.innermostCall() };
    this.conds.push(entry);
    f.condCount++;
    if (test === Test.Deferred) this.beginCheck(entry, this.checkCondition(f, file, line, d, kind === 'n', this.assemblerCondition));
  }

  /**
   * Ringside's error for `d` (`%elif`, `%else`, `%endif` of group `top`) in a branch of a block
   * the assembler decides, or ending it, when a macro called in the branch read the group's `%if`
   * and `d` is read outside that call, or the other way round (a macro that opens a `%if` it never
   * closes). nasm skips a branch it does not take without expanding its macros, so which `%endif`
   * ends the block would depend on the branch the assembler takes. Each such block `d` is in counts,
   * the innermost first: a macro called in a branch may open a block of its own, whose `%endif`
   * after the call then ends the outer block in the passes that skip the branch (measured with
   * nasm 2.16.01: "`%endif': no matching `%if'" at the outer block's `%endif`).
   */
  private crossesDeferredBranch(f: Frame, d: string, top: CondEntry, here: SourceRange): void {
    const call = this.innermostCall();
    for (let k = this.conds.length - 1; k >= 0; k--) {
      const oc = this.conds[k].check;
      if (oc === undefined) continue;
      const opened = top !== this.conds[k] && top.call > oc.block.serial;
      if (opened === call > oc.block.serial) continue;
      this.deferred.crossesBranch(oc, d, here, f.expansion);
      return;
    }
  }

  /** The serial of the innermost macro call being read (0: none). */
  private innermostCall(): number {
    for (let k = this.frames.length - 1; k >= 0; k--) if (this.frames[k].kind === 'macro') return this.frames[k].serial;
    return 0;
  }

  /**
   * Whether directive `d` may not be in a branch of the block open that the assembler decides
   * (see DeferredIfs.forbids), after reporting why: the directive then does nothing (a `%macro`
   * still takes its body, so that its lines are not read as the branch's).
   */
  private checkForbids(f: Frame, d: string, here: SourceRange): boolean {
    let begun: number | undefined;
    if (d === '%exitmacro' || d === '%exitrep' || d === '%rotate') {
      const kind = d === '%exitrep' ? 'rep' : 'macro';
      let k = this.frames.length - 1;
      while (k >= 0 && this.frames[k].kind !== kind) k--;
      if (k >= 0) begun = this.frames[k].serial;
    }
    if (!this.deferred.forbids(d, begun, here, f.expansion)) return false;
    if (MACRO_DEFINERS.has(d)) this.capture = { kind: 'macro', nesting: 1, lines: [], range: here, expansion: f.expansion, frame: f };
    return true;
  }

  /** A condition of a block the assembler decides, on the directive line just passed on. */
  private checkCondition(f: Frame, file: string, line: number, directive: string, negate: boolean, tokens: readonly PPToken[]): CheckCondition {
    return { directive, negate, tokens, file, line, expansion: f.expansion, outputLine: this.out.count - 1, statement: 0 };
  }

  /**
   * Opens a block the assembler decides at group `entry`'s `%if` or tested `%elif` (whose branches
   * before were not taken): its branches are all preprocessed (the group stays Active).
   */
  private beginCheck(entry: CondEntry, first: CheckCondition): void {
    entry.state = Cond.Active;
    entry.check = this.deferred.begin(first, this.frameSerial, this.out, new BranchStates(this.singles, this.contexts, first));
  }

  /**
   * `%elif`, `%else` or `%endif` of `top`, a group the assembler decides. Their own messages
   * (trailing garbage, `%else` after `%else`) are the enclosing block's, which nasm gives whichever
   * branch it takes. An `%elif` the assembler cannot evaluate (`%elifdef`...) is tested now: no
   * branch can change what it tests.
   */
  private checkDirective(f: Frame, file: string, line: number, d: string, toks: readonly PPToken[], top: CondEntry, here: SourceRange): void {
    const oc = top.check!;
    // After an `%else` after `%else` nothing more is read (COND_NEVER), and no trailing garbage is
    // warned of, but where a condition before failed with an error, which nasm's group took
    // instead (see CheckBlock.directiveMessages).
    if (top.state === Cond.Never) {
      if (d === '%endif') this.deferred.closeRun(oc, this.out);
      if (toks.length > 1 && (d === '%endif' || d === '%else')) {
        const mark = this.sink.mark();
        this.sink.warning('trailing', `trailing garbage after \`${toks[0].text}' ignored`, here, f.expansion);
        this.deferred.afterElseHolds(oc, mark, true);
      }
      if (d === '%endif') { this.conds.pop(); f.condCount--; this.endStates(oc, true); this.endCheck(oc); }
      return;
    }
    this.deferred.closeRun(oc, this.out);
    // The branch ends: the next starts from the state before the block (an `%elif` tests that).
    this.endBranch(oc, d, here, f.expansion);
    const mark = this.sink.mark();
    // (The directive as written: see conditional.)
    const written = toks[0].text;
    if (d === '%endif') {
      if (toks.length > 1) this.sink.warning('trailing', `trailing garbage after \`${written}' ignored`, here, f.expansion);
      this.conds.pop();
      f.condCount--;
      this.deferred.enclosingHolds(oc, mark);
      this.endStates(oc, top.sawElse);
      this.endCheck(oc);
      return;
    }
    if (top.sawElse) {
      // (nasm warns of trailing garbage first: `%else junk' after `%else', measured.)
      if (d === '%else' && toks.length > 1) this.sink.warning('trailing', `trailing garbage after \`${written}' ignored`, here, f.expansion);
      const afterElse = this.sink.mark();
      this.sink.warning('syntax', `\`${written}' after \`%else', ignoring content`, here, f.expansion);
      this.deferred.afterElseHolds(oc, afterElse);
      top.state = Cond.Never;
    } else if (d === '%else') {
      if (toks.length > 1) this.sink.warning('trailing', `trailing garbage after \`${written}' ignored`, here, f.expansion);
      top.sawElse = true;
      oc.states.branchBegins(true);
      this.deferred.branch(oc, undefined, this.out);
    } else {
      const kind = d.slice(5);
      const expression = kind === '' || kind === 'n';
      const substituted = this.substituted(f, toks as PPToken[], file, line);
      let tokens: readonly PPToken[];
      if (expression) { tokens = withDotsApart(this.expandExpression(substituted.slice(1), file, line)); oc.states.branchBegins(undefined); }
      else {
        // (Tested where its group assembles nothing, in every pass: nasm says nothing of a test
        // that fails, as for an `%elif` of a group decided here, see conditional; measured,
        // `%elifdef FILL >` after an `%if` on a label.)
        const tested = this.sink.mark();
        const test = this.testCondition(f, file, line, d, kind, substituted);
        this.sink.rollback(tested, (diagnostic) => KEPT_IN_SKIPPED_GROUP.has(diagnostic.code));
        // (A test that fails ends the group, nasm's COND_NEVER: nothing after it assembles.)
        if (test === Test.Failed) top.state = Cond.Never;
        oc.states.branchBegins(test === Test.True);
        tokens = [{ kind: 'number', text: test === Test.True ? '1' : '0', start: toks[0].start, end: toks[toks.length - 1].end }];
      }
      this.deferred.branch(oc, this.checkCondition(f, file, line, d, expression && kind === 'n', tokens), this.out);
    }
    this.deferred.enclosingHolds(oc, mark);
    this.deferred.resume(oc, this.out);
  }

  /** A branch of `oc` ended at `d` (at `here`): see BranchStates.branchEnded. */
  private endBranch(oc: OpenCheck, d: string, here: SourceRange, expansion: readonly SourceRange[]): void {
    if (!oc.states.branchEnded()) this.deferred.contextsChanged(oc, d, here, expansion);
    this.macroNames = newMacroNames();
  }

  /** Every branch of `oc` ended (`exhaustive`: it has an `%else`): see BranchStates.blockEnded. */
  private endStates(oc: OpenCheck, exhaustive: boolean): void {
    const constants = oc.states.blockEnded(exhaustive);
    if (constants === undefined) return;
    this.macroNames = newMacroNames();
    if (constants.length > 0) oc.block.constants = constants;
  }

  /** `oc`'s `%endif` (or its file's end) was read: it joins its enclosing block, or goes to the assembler. */
  private endCheck(oc: OpenCheck): void {
    const check = this.deferred.end(oc, this.out);
    if (check === undefined) return;
    // The conditions' names are uses of the labels and constants they name (find references,
    // rename); a `.local` name's full name depends on the label above, which the parser knows, not
    // this: it is named as written, with its line (see PreprocessResult.localReferences).
    for (const c of conditionsOf(check)) {
      for (const t of c.tokens) {
        if (t.kind !== 'ident') continue;
        if (!isLocalName(t.text)) { this.refer(t.text, t, c.file, c.line); continue; }
        const w = writtenAt(t, c.file, c.line);
        if (!isPieces(w)) this.localReferences.push({ name: t.text, range: w, line: c.outputLine });
      }
    }
  }

  /**
   * Evaluates `%if<kind>` (kind: '', 'n', 'def', 'ndef', 'idn', 'idni', 'num', 'str', 'id', 'token', 'macro', 'empty', ...);
   * Deferred when the assembler is to decide it (see expressionCondition),
   * Failed or Unread after reporting an error.
   */
  private testCondition(f: Frame, file: string, line: number, d: string, kind: string, toks: readonly PPToken[]): Test {
    // But for an expression (which the assembler may decide), what the test expands it reads as text (see DeferredConstant).
    const text = kind !== '' && kind !== 'n';
    if (text) this.readsText++;
    try {
      return this.tokenTest(f, file, line, d, kind, toks);
    } finally {
      if (text) this.readsText--;
    }
  }

  /** `testCondition`'s test. */
  private tokenTest(f: Frame, file: string, line: number, d: string, kind: string, toks: readonly PPToken[]): Test {
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
        const r = this.definedTest(f, file, line, d, toks, rest);
        if (r === undefined) return Test.Failed;
        result = r;
        break;
      }
      case 'defalias': {
        if (!rest.every(isIdentifier)) return this.testFailed(f, file, line, d, toks, 'macro identifiers');
        result = rest.some((t) => this.singles.lookup(t.text)?.at(-1)?.alias === true);
        break;
      }
      case 'ctx': {
        if (!rest.every(isIdentifier)) return this.testFailed(f, file, line, d, toks, 'context identifiers');
        const top = this.contexts.top();
        // In any case (nasm's preproc.c compares with nasm_stricmp; measured: `%push foo` then
        // `%ifctx FOO` is true).
        const name = top?.name.toLowerCase();
        result = name !== undefined && rest.some((t) => t.text.toLowerCase() === name);
        break;
      }
      case 'macro': {
        const r = this.macroTest(f, file, line, d, toks, rest);
        if (r === undefined) return Test.Failed;
        result = r;
        break;
      }
      case 'idn': case 'idni': {
        // (A function's argument has no blank before it: see testFunction.)
        const same = identical(this.expandSingle(rest as PPToken[], file, line), k === 'idni', rest.length > 0 && spaced(toks[0], rest[0]));
        if (same === undefined) return this.testFailed(f, file, line, d, toks, 'two comma-separated arguments');
        if (same === 'commas') {
          this.sink.error('syntax', `\`${d}': more than one comma on line`, lineRange(file, line, toks[0].start, toks[toks.length - 1].end), f.expansion);
          return Test.Failed;
        }
        result = same;
        break;
      }
      case 'num': case 'str': case 'id': case 'token': case 'empty': {
        const e = this.expandSingle(rest as PPToken[], file, line);
        if (k === 'empty') result = e.length === 0;
        else if (k === 'token') result = e.length === 1;
        else result = firstTokenIs(e, k);
        break;
      }
      case 'env': {
        const r = this.environmentTest(f, file, line, d, toks, rest);
        if (r === undefined) return Test.Failed;
        result = r;
        break;
      }
      case 'usable': case 'using': {
        const r = this.packageTest(f, file, line, d, k, toks, rest);
        if (r === undefined) return Test.Failed;
        result = r;
        break;
      }
      default: // none left (see CONDITION_KINDS): a kind nasm has that the switch above does not read
        this.sink.error('unsupported-directive', `\`${d}' is not supported by Ringside`, lineRange(file, line, toks[0].start, toks[0].end), f.expansion);
        return Test.Failed;
    }
    return result !== negate ? Test.True : Test.False;
  }

  /** `%ifdef NAME...`: whether any of the names is a single-line macro (or a standard one), read up to the first that is; undefined when the test fails with an error. */
  private definedTest(f: Frame, file: string, line: number, d: string, toks: readonly PPToken[], rest: readonly PPToken[]): boolean | undefined {
    for (const t of rest) {
      if (!isIdentifier(t)) { this.testFailed(f, file, line, d, toks, 'macro identifiers'); return undefined; }
      this.refer(t.text, t, file, line);
      // An alias is defined when what it stands for is (measured).
      const defs = this.singles.lookup(this.singles.aliasTarget(t.text));
      // Defined by every way through a block the assembler decides, differently: defined all the same.
      const undecided = defs?.[defs.length - 1].undecided;
      if (undecided?.inEveryWay === false) { this.undecidedMacro(t, file, line, undecided); return undefined; }
      if (defs !== undefined || (!this.standardCleared && (this.builtin(t, file, line) !== undefined || isTokenMacro(t.text)))) return true;
    }
    return false;
  }

  /** `%ifmacro`'s test (see tokenTest); undefined when it fails with an error. */
  private macroTest(f: Frame, file: string, line: number, d: string, toks: readonly PPToken[], rest: readonly PPToken[]): boolean | undefined {
    // `%ifmacro NAME [min[-max|-*]][+]`: a macro of that name whose parameter range meets the
    // one given (any, when none is), as nasm 2.16 tests it. The name must be as the macro's
    // definition spells it, `%imacro` or not (measured).
    const t = rest[0];
    if (!isIdentifier(t)) { this.testFailed(f, file, line, d, toks, 'a macro name'); return undefined; }
    this.refer(t.text, t, file, line);
    const lower = t.text.toLowerCase();
    const named: Pick<MultiLineMacro, 'min' | 'max' | 'greedy'>[] = [...(this.mmacros.get(t.text) ?? []), ...(lower !== t.text ? this.mmacros.get(lower) ?? [] : [])]
      .filter((m) => m.name === t.text);
    // The standard macros too (`%ifmacro align` holds), until `%clear`.
    const standard = this.standardCleared ? undefined : standardMacroCounts(t.text);
    if (standard !== undefined) named.push({ min: standard.min, max: standard.max, greedy: standard.max === Infinity });
    const range = macroRange(this.expandSingle(rest.slice(1) as PPToken[], file, line), d);
    const here = lineRange(file, line, toks[0].start, toks[toks.length - 1].end);
    this.countProblems(f, range.problems, here);
    if (range.trailing) this.sink.warning('trailing', `trailing garbage after \`${d}' ignored`, here, f.expansion);
    return takesRange(named, range);
  }

  /** `%ifenv`'s test (see tokenTest); undefined when it fails with an error. */
  private environmentTest(f: Frame, file: string, line: number, d: string, toks: readonly PPToken[], rest: readonly PPToken[]): boolean | undefined {
    // Whether any of the names is in the environment: words after single-line macros, strings,
    // or `%!NAME` (read as NAME); no name is false, another token nasm's error (measured).
    // (`%!NAME` stays a token through the expansion, a macro's too: see readEnvironment.)
    const names = this.expandSingle(rest as PPToken[], file, line).filter((x) => x.text !== '%!');
    const env = this.environment;
    let result = false;
    for (const x of names) {
      const name = x.kind === 'ident' ? x.text : x.kind === 'string' ? stringText(x.text) : isEnvironmentToken(x) ? x.text.slice(2) : undefined;
      if (name === undefined) {
        this.sink.error('syntax', `\`${d}' expects environment variable names`, lineRange(file, line, toks[0].start, toks[toks.length - 1].end), f.expansion);
        return undefined;
      }
      if (env[name] !== undefined) result = true;
    }
    return result;
  }

  /** `%ifusable`'s and `%ifusing`'s test (`k`), see tokenTest; undefined when it fails with an error. */
  private packageTest(f: Frame, file: string, line: number, d: string, k: string, toks: readonly PPToken[], rest: readonly PPToken[]): boolean | undefined {
    // A standard package nasm has (`usable`) or that a `%use` read (`using`): the first name,
    // a word or a string in any case, after single-line macros; the rest warned of and
    // ignored, nothing or another token `%use`'s error (measured with nasm 2.16.01).
    const here = lineRange(file, line, toks[0].start, toks[toks.length - 1].end);
    const e = this.expandSingle(rest as PPToken[], file, line);
    const t = e[0];
    if (t === undefined || (t.kind !== 'ident' && t.kind !== 'string')) {
      this.sink.error('syntax', `\`${d}' expects a package name, got ${t === undefined ? 'end of line' : `\`${asFirstPass(t).text}'`}`, here, f.expansion);
      return undefined;
    }
    if (e.length > 1) this.sink.warning('trailing', `trailing garbage after \`${d}' ignored`, here, f.expansion);
    const name = (t.kind === 'string' ? stringText(t.text) : t.text).toLowerCase();
    return k === 'usable' ? STANDARD_PACKAGES.has(name) : this.packages.has(name);
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
    if (this.opts.preprocessOnly === true || assemblerTerm(parsed.expr, this.constant) === undefined) {
      const v = this.evaluateParsed(parsed, file, line, f, d);
      if (v === 'unread') return Test.Unread;
      if (v === 'non-constant') return Test.Failed;
      return v.v !== 0 ? Test.True : Test.False;
    }
    this.assemblerCondition = parsed.tokens;
    return Test.Deferred;
  }

  /**
   * Evaluates a preprocessor expression (%rep, %rotate, a switch's boolean), its exact 64-bit value
   * kept; undefined after reporting an error (`nonConstant`'s words for a value that is no number).
   */
  private evalValue(toks: readonly PPToken[], file: string, line: number, f: Frame, d: string, nonConstant?: string): Value | undefined {
    const parsed = this.parseExpression(toks, file, line, f, d);
    const v = parsed === undefined ? undefined : this.evaluateParsed(parsed, file, line, f, d, nonConstant);
    return typeof v === 'object' ? v : undefined;
  }

  /** A preprocessor expression's tokens, macro-expanded, and its parse; undefined after reporting an error. */
  private parseExpression(toks: readonly PPToken[], file: string, line: number, f: Frame, d: string): ParsedExpression | undefined {
    const whole = toks.length > 0 ? lineRange(file, line, toks[0].start, toks[toks.length - 1].end) : lineRange(file, line, 0, 0);
    return parseExpression(this.expandExpression(toks as PPToken[], file, line), whole, d, this.limits.eval, this.sink, file, line, f.expansion);
  }

  /**
   * The names an expression the preprocessor evaluates reads, as uses: the `equ` constants of
   * `%if SIZE > 512` (macros are expanded by then; a `.local` name is no constant it knows; nor a
   * register's or decorator's name, whatever an `equ` made it, see isRegisterWord; nor a name
   * written with a `$`, see evaluateExpression). Those of the conditions the assembler decides are
   * their blocks' (see endCheck).
   */
  private referToNames(e: Expr, toks: readonly PPToken[], file: string, line: number): void {
    let byStart: Map<number, PPToken> | undefined;
    // (Iterative: an expression may nest thousands deep.)
    const pending: Expr[] = [e];
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (node.k === 'un') pending.push(node.a);
      else if (node.k === 'bin') pending.push(node.b, node.a);
      else if (node.k === 'sym' && node.name.charCodeAt(0) !== 0x2e && node.escaped === undefined && !isRegisterWord(node.name)) {
        byStart ??= new Map(toks.filter((t) => t.kind === 'ident').map((t) => [t.start, t]));
        const t = byStart.get(node.start);
        if (t !== undefined) this.refer(node.name, t, file, line);
      }
    }
  }

  /**
   * Evaluates a preprocessor expression parsed from `tokens` (see evaluateExpression), warning of
   * what follows it when it is read (see ParsedExpression); the names it reads are uses
   * (referToNames). (An expression the assembler decides is warned of there: see deferred-check.ts.)
   */
  private evaluateParsed(parsed: ParsedExpression, file: string, line: number, f: Frame, d: string, nonConstant?: string): Value | 'unread' | 'non-constant' {
    this.referToNames(parsed.expr, parsed.tokens, file, line);
    return evaluateExpression(parsed.expr, d, this.constant, this.sink, file, line, f.expansion, this.opts.preprocessOnly === true ? { evaluation: ++this.evaluations } : undefined,
      nonConstant, parsed.trailing, this.symbolOf);
  }

  /**
   * What a name no constant stands for is on the line being read (see SymbolLookup): a label of a
   * line passed on (one in a block the assembler decides is not known), a number only the
   * assembler holds, or nothing yet.
   */
  private readonly symbolOf = (name: string): 'label' | 'held' | undefined => {
    if (this.singles.lookup(name)?.some((m) => m.undecided !== undefined) === true) return 'held';
    const open = this.deferred.outermost();
    return this.equs.labelOf(name, this.out, open !== undefined ? open.first.outputLine : this.out.count, this.deferred);
  };

  /** The value of `NAME equ ...` on a line already passed on (see EquConstants), if it is a number the preprocessor knows. */
  private readonly constant = (name: string): Value | undefined => {
    // `nasm -E` assembles nothing: no `equ` is known (see evaluateExpression).
    if (this.opts.preprocessOnly === true) return undefined;
    // `z` and `sae` are decorators to nasm's evaluator, whatever an `equ` made them (measured with
    // nasm 2.16.01: `z equ 3` / `%if z == 3` is false, `%assign q z` "non-constant value given to
    // `%assign'", as for a register; see isRegisterWord).
    if (isRegisterWord(name)) return undefined;
    // A block the assembler decides is read to its end first (see DeferredIfs.handedOn).
    const open = this.deferred.outermost();
    this.equs.readTo(this.out, open !== undefined ? open.first.outputLine : this.out.count, this.deferred);
    return this.equs.value(name);
  };

  /** `%assign NAME expr` (and `%iassign` when `d` says so): NAME becomes the expression's value. */
  /** `named`: the directive as written, which messages name (`d` in lower case). */
  /**
   * An `%assign`'s expression `expr`, parsed, and evaluated unless the assembler is to (`value`
   * undefined: see assign), its messages given; undefined after an error.
   */
  private assignedValue(f: Frame, file: string, line: number, d: string, named: string, expr: readonly PPToken[]):
    { readonly parsed: ParsedExpression; readonly value: Value | undefined } | undefined {
    // A number the assembler holds is no text here (see DeferredConstant): it makes this one such a number too.
    this.readsText--;
    let parsed: ParsedExpression | undefined;
    try {
      parsed = this.parseExpression(expr, file, line, f, named);
    } finally {
      this.readsText++;
    }
    if (parsed === undefined) return undefined;
    // nasm evaluates `%assign` as it assembles, in each pass: `$`, `$$` and the labels above it
    // are known (`%assign PAD 510-($-$$)`, measured), which Ringside's assembler knows.
    if (d === '%assign' && this.opts.preprocessOnly !== true && assemblerTerm(parsed.expr, this.constant) !== undefined) return { parsed, value: undefined };
    const value = this.evaluateParsed(parsed, file, line, f, named);
    return typeof value === 'object' ? { parsed, value } : undefined;
  }

  private assign(f: Frame, file: string, line: number, d: string, named: string, name: PPToken, expr: readonly PPToken[]): void {
    const assigned = this.assignedValue(f, file, line, d, named, expr);
    if (assigned === undefined) return;
    const { parsed, value } = assigned;
    if (value === undefined) {
      const expression = this.checkCondition(f, file, line, d, false, parsed.tokens);
      // Its names are uses of labels (as a condition's: see endCheck, which a block's own get).
      if (this.deferred.open === undefined) for (const t of parsed.tokens) if (t.kind === 'ident' && t.text.charCodeAt(0) !== 0x2e) this.refer(t.text, t, file, line);
      this.deferred.assign(name.text, expression, this.frameSerial, this.out);
      const undecided = { condition: expression, inEveryWay: true, constant: true, assigned: true as const };
      if (this.singles.define(name.text, undefined, [], lineRange(file, line, name.start, name.end), false, f.expansion, false, undecided)) this.macroNames = newMacroNames();
      return;
    }
    const v = value.v!;
    const s = value.big !== undefined ? value.big.toString() : String(v);
    // (Of another value in nasm's first pass, `%assign x __?PASS?__`: that one's text there, which
    // its messages quote; measured, `%use x` is "`%use' expects a package name, got `1'".)
    const first = this.firstPassAssigned(parsed, file, line, f, named);
    const other = first !== undefined && first.v !== undefined && first.v !== v && (first.v < 0) === (v < 0);
    const number: PPToken = { kind: 'number', text: s.replace('-', ''), start: name.start, end: name.end, ...(other ? { firstPass: (first.big?.toString() ?? String(first.v)).replace('-', '') } : {}) };
    const body: PPToken[] = [v < 0 ? { kind: 'op', text: '-', start: name.start, end: name.start } : undefined, number].filter((x): x is PPToken => x !== undefined);
    this.defineSingle(name.text, undefined, body, lineRange(file, line, name.start, name.end), d === '%iassign', f.expansion);
  }

  /**
   * An `%assign`'s value in nasm's first pass, where a token of its expression differs there (see
   * PPToken.firstPass), evaluated without a word; undefined when none does, or it is no number.
   */
  private firstPassAssigned(parsed: { readonly tokens: readonly PPToken[] }, file: string, line: number, f: Frame, named: string): Value | undefined {
    if (!parsed.tokens.some((t) => t.firstPass !== undefined)) return undefined;
    const mark = this.sink.mark();
    try {
      const p = parseExpression(parsed.tokens.map(asFirstPass), lineRange(file, line, 0, 0), named, this.limits.eval, this.sink, file, line, f.expansion);
      const v = p === undefined ? undefined : evaluateExpression(p.expr, named, this.constant, this.sink, file, line, f.expansion, undefined, undefined, p.trailing, this.symbolOf);
      return typeof v === 'object' ? v : undefined;
    } finally {
      this.sink.rollback(mark, () => false);
    }
  }

  /** `__FILE__` of `file` (see PreprocessOptions.fileName). */
  private fileName(file: string): string {
    if (this.opts.fileName === undefined) return relativeTo(dirName(this.opts.file), file);
    return this.opts.fileName(file, this.includes.find((inc) => inc.resolved === file)?.target);
  }

  /**
   * `%use PACKAGE` (manual §6), as nasm 2.16.01 reads it (measured): the name a word or a string,
   * in any case, read once however often it is used, defining the package's macros (see
   * standard-packages.ts); `smartalign` defines `alignmode` and sets `generic`, which the
   * assembler keeps (see smart-align.ts).
   */
  private use(f: Frame, file: string, line: number, text: string, toks: PPToken[], here: SourceRange): void {
    // nasm expands single-line macros in the name (measured: `%define A altreg` / `%use A`); a
    // first name that expands to nothing leaves a blank there, which is no name (`got ` '`).
    const args = this.expandSingle(toks.slice(1), file, line);
    const blank = this.startsBlank;
    const t = blank ? undefined : args[0];
    const name = packageName(t);
    const pkg = STANDARD_PACKAGES.get(name);
    const first = pkg !== undefined && !this.packages.has(name);
    // In a branch the assembler decides, a package not in use yet is Ringside's error (see
    // DeferredIfs.forbids; nasm loads it only in the passes that take the branch, measured:
    // `%use ifunc` in the `%else` of a taken `%if ($-$$) > 0` leaves `%ifusing ifunc` false); one in
    // use already is loaded again by no branch. Its name is the one read after macros, as above.
    if (first && this.deferred.open !== undefined && this.checkForbids(f, '%use', here)) { this.consume(f, file, line, text); return; }
    // The line itself puts out what the package does (smartalign's first mode in the assembler,
    // masm's `default rel`), so that it lists as written.
    // (After `%clear`, masm's `default rel` calls no macro: measured, "parser: instruction expected".)
    const put = first && pkg.line !== undefined ? tokenizeLine(pkg.line).map((x) => ({ ...x, at: NOWHERE })) : undefined;
    if (put !== undefined) this.emit(f, file, line, text, this.standardCleared ? withoutStandardMacros(put) : put, false);
    else this.consume(f, file, line, text);
    if (t === undefined || (t.kind !== 'ident' && t.kind !== 'string')) {
      const got = blank ? '` \'' : t === undefined ? 'end of line' : `\`${asFirstPass(t).text}'`;
      this.sink.error('syntax', `\`${toks[0].text}' expects a package name, got ${got}`, here, f.expansion);
      return;
    }
    if (args.length > 1) this.sink.warning('trailing', `trailing garbage after \`${toks[0].text}' ignored`, here, f.expansion);
    if (pkg === undefined) {
      this.sink.error('syntax', `unknown \`${toks[0].text}' package: \`${t.kind === 'string' ? name : t.text}'`, here, f.expansion);
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
        body: m.body.map((l, k) => ({ file: PACKAGE_BODY_FILE, line: k, text: l, tokens: tokenizeLine(l) })), range: here,
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
    if (!isIdentifier(name)) { if (!isContextLocal(name)) this.sink.error('syntax', `\`${toks[0].text}' expects a macro identifier`, here, f.expansion); return; }
    const t = toks[2];
    const bytes = t?.kind === 'string' ? this.fileNameBytes(t, f, here) : undefined;
    if (bytes === undefined) { this.sink.error('syntax', `\`${toks[0].text}' expects a file name`, here, f.expansion); return; }
    if (toks.length > 3) this.sink.warning('trailing', `trailing garbage after \`${toks[0].text}' ignored`, here, f.expansion);
    const target = new TextDecoder().decode(bytes);
    const mainDir = dirName(this.opts.file);
    const found = searchPlaces(this.opts.file, this.opts.workingDirectory, this.opts.includePaths, target).find((c) => this.opts.readFile(c) !== undefined);
    // (Named as `__FILE__` names an included file: nasm's is the name it opened.)
    const path = found === undefined ? target : this.opts.fileName?.(found, target) ?? relativeTo(mainDir, found);
    this.defineSingle(name.text, undefined, [{ kind: 'string', text: quoteBytes(new TextEncoder().encode(path)), start: name.start, end: name.end, at: NOWHERE }], lineRange(file, line, name.start, name.end), false, f.expansion);
  }

  /** `%stacksize flat|flat64|large|small` (manual §4.8.1): the frame `%arg` and `%local` describe, from its start. */
  private stackSize(f: Frame, file: string, line: number, toks: readonly PPToken[]): void {
    const word = toks[1];
    if (word === undefined) { this.sink.error('syntax', `\`${toks[0].text}' missing size parameter`, lineRange(file, line, toks[0].start, toks[0].end), f.expansion); return; }
    const frame = stackFrameOf(word.text);
    if (frame === undefined) { this.sink.error('syntax', `\`${toks[0].text}' invalid size type`, lineRange(file, line, word.start, word.end), f.expansion); return; }
    this.frame = frame;
    this.frameSet = true;
  }

  /** The frame as the run left it (see preprocess). */
  get frameLeft(): StackFrame {
    return this.frame;
  }

  /**
   * `%arg name:size, ...` and `%local name:size, ...` (manual §4.8.2, §4.8.3): each name becomes a
   * single-line macro for its place in the frame, `(ebp+8)` or `(ebp-4)`, each size rounded up to
   * the stack slot; `%local` also adds the size to `%$localsize`. As in nasm, where the next one
   * goes is kept across contexts until the next `%stacksize`, and an error ends the list. After an
   * error the names before it stay defined, but where the next one goes is as before the line and
   * `%$localsize` is not added to (measured with nasm 2.16.01: `%arg a:dword, b:bad` then `%arg
   * d:dword` makes `d` `(ebp+8)` too; `%local x:dword, y` leaves `%$localsize` 0).
   */
  private frameVariables(f: Frame, file: string, line: number, d: string, toks: readonly PPToken[]): void {
    const frame = this.frame;
    if (!this.frameSet) this.frameInherited = true;
    const { variables, error } = readFrameVariables(toks, toks[0].text, frame.slot);
    const { argOffset, localOffset } = frame;
    for (const { name, slot } of variables) {
      const range = lineRange(file, line, name.start, name.end);
      if (d === '%arg') {
        this.defineSingle(name.text, undefined, frameAddress(frame, '+', frame.argOffset, name), range, false, f.expansion);
        frame.argOffset += slot;
      } else {
        frame.localOffset += slot;
        this.defineSingle(name.text, undefined, frameAddress(frame, '-', frame.localOffset, name), range, false, f.expansion);
      }
    }
    // nasm: `%assign %$localsize %$localsize+SIZE`, for `enter %$localsize, 0`, once for the line
    // (measured: `%local q:dword, r:dword` with no `%$localsize` is "expression syntax error" once,
    // q and r (ebp-4) and (ebp-8)).
    if (d !== '%arg' && error === undefined && variables.length > 0) this.addToLocalSize(f, file, line, variables[0].name, frame.localOffset - localOffset);
    if (error === undefined) return;
    this.sink.error('syntax', error.message, lineRange(file, line, error.at.start, error.at.end), f.expansion);
    frame.argOffset = argOffset;
    frame.localOffset = localOffset;
  }

  /**
   * `%assign %$localsize %$localsize+size`, as `%local`'s line at `at` writes it. With no context,
   * the `%$localsize` the sum reads is the error, and the sum "expression syntax error" (measured).
   */
  private addToLocalSize(f: Frame, file: string, line: number, at: PPToken, size: number): void {
    const localSize: PPToken = { kind: 'preproc', text: '%$localsize', start: at.start, end: at.end };
    const [target, ...expr] = this.contextLocals([localSize, localSize, { kind: 'op', text: '+', start: at.start, end: at.end }, { kind: 'number', text: String(size), start: at.start, end: at.end }], file, line, f);
    if (target.kind === 'ident') this.assign(f, file, line, '%assign', '%assign', target, expr);
    else this.sink.error('syntax', 'expression syntax error', lineRange(file, line, at.start, at.end), f.expansion);
  }

  // ---- single-line macros ----

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
        if (sectionAt(this.out, i) !== undefined) { this.standardUndefined!.delete(name); return false; }
      }
    }
    return true;
  }

  /** Defines single-line macro `name` (see SingleLineMacros.define); a new name renews `macroNames`. */
  /**
   * An `%xdefine`'s body with its single-line macros expanded, but not its parameters, which nasm
   * has made parameters before (measured: with `%define a 7`, `%xdefine X(a) a f(a)` / `X(1)` is
   * `1 f(1)` expanded, and the parameter names are matched in their case, `%ixdefine` too).
   */
  private expandedBody(body: PPToken[], params: readonly string[] | undefined, file: string, line: number): PPToken[] {
    if (params === undefined || !body.some((t) => t.kind === 'ident' && params.includes(t.text))) return this.expandSingle(body, file, line);
    // Each parameter is a name no macro has while the rest expands.
    const held = body.map((t) => (t.kind === 'ident' && params.includes(t.text) ? { ...t, text: `${HELD_PARAMETER}${params.indexOf(t.text)}` } : t));
    return this.expandSingle(held, file, line).map((t) => (t.kind === 'ident' && t.text.startsWith(HELD_PARAMETER) ? { ...t, text: params[Number(t.text.slice(HELD_PARAMETER.length))] } : t));
  }

  private defineSingle(name: string, params: string[] | undefined, body: readonly PPToken[], range: SourceRange, caseInsensitive: boolean, expansion?: readonly SourceRange[], alias = false,
    modifiers?: readonly ParamModifiers[]): void {
    if (this.singles.define(name, params, body, range, caseInsensitive, expansion, alias, undefined, modifiers)) this.macroNames = newMacroNames();
    if (params === undefined && !alias && namesSect(name, caseInsensitive)) this.sectDefinitions.push({ at: this.out.count, body });
    if (params === undefined && !alias && endsSize(name)) this.sizeDefinitions.push({ at: this.out.count, name, caseInsensitive, body });
  }

  /**
   * nasm's warning of what follows the name of an `%undef` or `%undefalias` (`toks`, the
   * directive's), a context-local one outside any context too (measured with 2.16.01: `%undef X Y`,
   * `%undef X,`, `%undef %$x y`); an error in the name goes first.
   */
  private trailingAfterName(toks: readonly PPToken[], here: SourceRange, f: Frame): void {
    if (this.nameTrailingWarned) return;
    const name = toks[1];
    if (toks.length > 2 && (name?.kind === 'ident' || isContextLocal(name))) this.sink.warning('trailing', 'trailing garbage after macro name ignored', here, f.expansion);
  }

  /**
   * `%defalias NAME TARGET` (`%idefalias`: NAME in any case), `%undefalias NAME` and `%aliases
   * off|on` (NASM manual §4.1.12, measured with 2.16.01): an alias is a single-line macro standing
   * for TARGET's name, defined as `%define` defines one (it replaces the definition of NAME a
   * `%define` would, and shadows one of the other case-sensitivity with the same warning:
   * `%idefine G 6` / `%defalias G T` leaves `g` 6); `%define`/`%undef` of NAME define or remove
   * TARGET; `%undefalias` removes the alias only (silently when there is none); while aliases are
   * off they do not expand. What follows TARGET is ignored.
   */
  private aliasDirective(f: Frame, file: string, line: number, d: string, toks: PPToken[], here: SourceRange): void {
    if (d === '%aliases') {
      const on = this.booleanOption(toks.slice(1), file, line, f, d);
      if (on !== undefined) this.setAliases(on);
      return;
    }
    const name = toks[1];
    if (d === '%undefalias') this.trailingAfterName(toks, here, f);
    if (!isIdentifier(name)) { if (!isContextLocal(name)) this.sink.error('syntax', `\`${toks[0].text}' expects a macro identifier`, here, f.expansion); return; }
    if (d === '%undefalias') { this.singles.undefineAlias(name.text); return; }
    const target = toks[2];
    if (!isIdentifier(target)) { this.sink.error('syntax', `\`${toks[0].text}' expects a macro identifier to alias`, here, f.expansion); return; }
    this.defineSingle(name.text, undefined, [{ ...target, at: NOWHERE, gap: false }], here, d === '%idefalias', f.expansion, true);
  }

  /**
   * A switch's boolean, as nasm 2.16.01 reads the one of `%aliases` and of `%pragma preproc
   * sane_empty_expansion` (`toks`: what follows the switch's name): nothing, `on`/`yes`/`true`,
   * `off`/`no`/`false` (what follows ignored), else an expression, which must be a constant
   * (measured: `%aliases eax` is "boolean flag expression must be a constant"); undefined after
   * an error.
   */
  private booleanOption(toks: readonly PPToken[], file: string, line: number, f: Frame, d: string): boolean | undefined {
    const word = toks[0]?.kind === 'ident' ? toks[0].text.toLowerCase() : undefined;
    if (toks.length === 0 || word === 'on' || word === 'yes' || word === 'true') return true;
    if (word === 'off' || word === 'no' || word === 'false') return false;
    const v = this.evalValue(toks, file, line, f, d, 'boolean flag expression must be a constant');
    return v === undefined ? undefined : v.v !== 0;
  }

  /** `%aliases on|off` (see SingleLineMacros.setAliases). */
  private setAliases(on: boolean): void {
    this.aliasSwitches.push({ at: this.out.count, off: !on });
    if (this.singles.setAliases(on)) this.macroNames = newMacroNames();
  }

  /** A use of macro or define `name` by token `t` on line `line` of `file`, where `t` is written. */
  private refer(name: string, t: PPToken, file: string, line: number): void {
    const w = writtenAt(t, file, line);
    this.references.push(isPieces(w) ? { name, range: w[0] ?? t.src ?? lineRange(file, line, t.start, t.end), pieces: w } : { name, range: w });
  }

  /**
   * `a %+ b` pasted (manual §4.1.4), and what the pasting made rescanned for single-line macros,
   * as nasm does: `val_ %+ %1` with `%1` = 2 is the macro `val_2` when there is one.
   */
  private pasteAndRescan(toks: PPToken[], file: string, line: number): PPToken[] {
    // A number the assembler holds (see DeferredConstant) is no text to paste.
    for (let i = 0; i < toks.length; i++) {
      if (toks[i].text !== '%+') continue;
      for (const t of [toks[i - 1], toks[i + 1]]) {
        const defs = t?.kind === 'ident' ? this.singles.lookup(t.text) : undefined;
        const undecided = defs?.[defs.length - 1].undecided;
        if (undecided !== undefined) this.undecidedMacro(t, file, line, undecided);
      }
    }
    for (let round = 0; round < this.limits.macroLevels; round++) {
      const joined = pasteTokens(toks, file, line, false, this.pasteStart);
      if (joined.length === toks.length) return joined;
      toks = this.expandSingle(joined, file, line);
      if (toks === joined || !hasPaste(toks)) return toks;
    }
    return toks;
  }

  /** `expandSingle` of an expression (see inExpression). */
  private expandExpression(toks: PPToken[], file: string, line: number): PPToken[] {
    this.inExpression++;
    try {
      return this.expandSingle(toks, file, line);
    } finally {
      this.inExpression--;
    }
  }

  /**
   * Expands single-line macros (manual §4.1) as nasm 2.16's expand_smacro does (preproc.c): a
   * pass over the line, and when it expanded something and pasting then joins tokens (`%+`, or
   * names an expansion put side by side, see pasteTokens), another pass over the whole line.
   * Returns the input array itself when nothing expands.
   */
  private expandSingle(toks: PPToken[], file: string, line: number): PPToken[] {
    this.endsBlank = false;
    this.startsBlank = false;
    if (this.smacros.size === 0 && !hasBuiltin(toks) && !toks.some(isImplementedFunction)) return toks;
    this.expandedTokens = 0;
    this.expansionOverflow = false;
    const mark = this.sink.mark();
    let result = this.expansionPass(toks, file, line);
    let passed = 0;
    for (let round = 0; result !== toks && round < this.limits.macroLevels; round++) {
      const joined = pasteTokens(result, file, line, true, this.pasteStart);
      if (joined.length === result.length) break;
      // nasm holds a pass's messages and drops them when pasting joins tokens, for the next pass
      // reads the line again (measured: with `%define pr() )M`, `db pr(pr()6` is `db )MM6` with no
      // "macro call expects terminating `)'", which the first pass met at the outer `pr(`).
      this.sink.rollback(mark);
      // Each pass over the line counts its tokens (nasm's: blanks are tokens too) against
      // --limit-macro-tokens; past it nasm
      // stops passing, silently, with the line as pasted (measured: `%define n %?%+%isnum` /
      // `db n` is `db n` and 4469 `%isnum`s, 1411 with --limit-macro-tokens=1000000: the
      // passes' lengths add up).
      passed += nasmTokenCount(joined);
      if (passed > this.limits.macroTokens) return joined;
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
      const first = out.length === 0;
      const after = this.expandCall(rest, file, line, this.activeMacros, out[out.length - 1]);
      if (after < 0) { out.push(rest.pop()!); continue; }
      expanded = true;
      if (first && rest.length === after) this.startsBlank = true;
      const keep = this.restLow < after ? 0 : after;
      while (rest.length > keep) out.push(rest.pop()!);
    }
    return expanded ? out : toks;
  }

  private get environment(): Readonly<Record<string, string | undefined>> {
    return this.opts.env ?? globalThis.process?.env ?? {};
  }

  /**
   * `toks` with each `%!NAME` (or `%!'NAME'`) replaced by the environment variable's value read as
   * tokens, or by nothing with nasm's warning when there is none (measured with nasm 2.16.01:
   * `db %!V` with V=`ab c` is `db ab c`; a variable set empty is nothing, without the warning;
   * inside a string nothing is read). nasm does this only where it writes tokens back to text (its
   * detoken): the line the assembler reads, `%defstr`, `%str()`, `%error`, `%pragma`. Elsewhere
   * `%!NAME` stays a token, a macro's expansion too: `%if %!V == 1` is an expression syntax
   * error, `%ifidn %!V, 1` false, `%define M %!V` / `%ifenv M` tests V. `toks` itself when it has
   * none.
   */
  /**
   * Expanded tokens written back to text as nasm's detoken does it for `%defstr` and the messages
   * of `%error`/`%warning`/`%fatal`: spaced as nasm's line is (see tokensText), reading `%!NAME`
   * as it goes, so a variable that gives nothing keeps the blanks on both sides of it (measured
   * with 2.16.01: `%defstr S %!UNSET foo` is ' foo', `foo %!UNSET  bar` 'foo  bar', and
   * `%warning %!UNSET "x"` prints ` "x"`). Each blank-separated run of tokens is read on its own.
   */
  private writtenBack(expanded: PPToken[], file: string, line: number): string {
    const words: string[] = [];
    const endsBlank = this.endsBlank;
    for (let k = 0, from = 0; k < expanded.length; k++) {
      if (k + 1 < expanded.length && !spaced(expanded[k], expanded[k + 1])) continue;
      words.push(textAsWritten(this.readEnvironment(expanded.slice(from, k + 1), file, line)));
      // (The blank before a variable that gave nothing is the one the words are joined with, not
      // one more at the end: measured, `%define M a %!UNSET in` / `%defstr S M` is 'a  in', and
      // with `a %!UNSET` 'a '.)
      this.endsBlank = endsBlank;
      from = k + 1;
    }
    return words.join(' ');
  }

  /**
   * A macro's or %rep's directive line `toks`: nasm writes it out for its listing before it runs,
   * reading its `%!NAME`s then, in each round, and warns of an unset one there (measured with nasm
   * 2.16.01: `%define N 5 %!UNSET` in a macro warns at each call, listed before the line, and not
   * where N is used; at a file's level only where N is used). Warned of here; the tokens stay,
   * marked so that no later reading warns again.
   */
  private bodyEnvironment(toks: PPToken[], file: string, line: number): PPToken[] {
    const endsBlank = this.endsBlank;
    // (Not one a macro's argument put there: that is read where the body uses it, see readEnvironment.)
    this.readEnvironment(toks.some((t) => t.src !== undefined) ? toks.filter((t) => t.src === undefined) : toks, file, line);
    this.endsBlank = endsBlank;
    return toks.map((t) => (isEnvironmentToken(t) && t.src === undefined ? { ...t, environmentWarned: true } : t));
  }

  private readEnvironment(toks: PPToken[], file: string, line: number): PPToken[] {
    let i = 0;
    while (i < toks.length && !isEnvironmentToken(toks[i])) i++;
    if (i === toks.length) return toks;
    const env = this.environment;
    const out = toks.slice(0, i);
    // The blank before a variable that gave nothing, which goes to the token after it (nasm -E: `db %!UNSET` is `db `),
    // and the blanks before those that gave nothing in a row (see PPToken.blanks).
    let blank = false;
    let blanks = 0;
    let last: PPToken | undefined;
    // How many times each variable a macro's argument put in the line was warned of (see below).
    const uses = new Map<string, number>();
    for (; i < toks.length; i++) {
      const t = toks[i];
      // A `%!` before neither a name nor a string names nothing: nasm keeps it as written, and
      // says nothing (measured: `db %!]Q` is `db %!]Q` to `nasm -E`, an expression syntax error to its assembler).
      const quoted = t.text.length === 2 && toks[i + 1] !== undefined && !spaced(t, toks[i + 1]) && isQuoted(toks[i + 1]);
      if (!isEnvironmentToken(t) || (t.text.length === 2 && !quoted)) {
        if (last === undefined) follow(out, t, toks[i - 1]);
        else {
          const g = gapped(t, blank || spaced(last, t));
          const count = blanks + (spaced(last, t) ? 1 : 0);
          out.push(count > 1 ? { ...g, blanks: count } : g);
        }
        last = undefined;
        blanks = 0;
        continue;
      }
      const before = toks[i - 1];
      let name = t.text.slice(2);
      last = t;
      if (quoted) {
        last = toks[++i];
        // An unterminated one runs to the line's end, all of it the name (measured: `db %!'HOME` is
        // nasm's error, then HOME's value; openString gives no warning of it).
        if (last.kind === 'string') name = stringText(last.text);
        else {
          name = last.text.slice(1);
          this.sink.error('syntax', 'unterminated %! string', t.src ?? lineRange(file, line, t.start, last.end), this.lineExpansion());
        }
      }
      const value = env[name];
      if (value === undefined && t.environmentWarned !== true) {
        // One a macro's argument put in the body's line is warned of at the argument, about that
        // line, once for each use (measured with nasm 2.16.01: `m %!UNSET` / `db %1, %1` warns
        // twice, "... from macro `m'" naming the body's line, listed after its row).
        const about = t.src !== undefined && (t.src.file !== file || t.src.start.line !== line) ? lineRange(file, line, 0, 0) : undefined;
        const repeat = about === undefined ? 0 : (uses.get(name) ?? -1) + 1;
        if (about !== undefined) uses.set(name, repeat);
        this.sink.report('warning', 'pp-environment', `nonexistent environment variable \`${name}'`, t.src ?? lineRange(file, line, t.start, last.end), this.lineExpansion(), undefined, this.sink.position(), -1, repeat, about);
      }
      const made = value === undefined ? [] : tokenizeLine(value).filter((x) => x.kind !== 'comment');
      blank = made.length === 0 && (blank || spaced(before, t));
      // (At the line's start, the blanks written before it: measured, ` %!UNSET db 4` is `  db 4`.)
      blanks = made.length === 0 ? blanks + ((before === undefined ? t.gap ?? t.start > 0 : spaced(before, t)) ? 1 : 0) : 0;
      made.forEach((x, k) => out.push({ kind: x.kind, text: x.text, start: t.start, end: last!.end, src: t.src, at: NOWHERE, gap: k === 0 ? spaced(before, t) : x.start > made[k - 1].end }));
    }
    if (last !== undefined && blank) this.endsBlank = true;
    return out;
  }

  /** Whether `t` is a name a single-line macro or a standard macro may stand for, or `%!NAME`. */
  private mayExpand(t: PPToken): boolean {
    // (`%clear` removes the functions too: nasm 2.16.01 defines them as single-line macros.)
    if (t.kind !== 'ident') return !this.standardCleared && isImplementedFunction(t);
    return this.singles.lookup(t.text) !== undefined || (t.text.charCodeAt(0) === 0x5f && t.text.charCodeAt(1) === 0x5f);
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
    if (!this.standardCleared && isImplementedFunction(t)) return this.functionCall(rest, file, line, before, active);
    if (t.kind !== 'ident') return -1;
    let defs: readonly SingleLineMacro[] | undefined = this.singles.lookup(t.text);
    if (defs === undefined) return this.builtinCall(rest, file, line, before);
    // As nasm: the newest definition decides. Without parameters, it expands whatever follows;
    // with them, it takes the definition of the call's argument count, if there is one.
    let def: SingleLineMacro | undefined = defs[defs.length - 1];
    // (A call every way through the block finds the same definition for is no matter of the way.)
    const agreed = def.undecided?.ways !== undefined ? agreedWay(def.undecided.ways, rest) : undefined;
    if (agreed !== undefined) { defs = agreed; def = agreed[agreed.length - 1]; }
    if (def.undecided !== undefined) {
      // A number the assembler holds stays a name in an expression or a line of code, but where
      // the line starts, where nasm's number is no label (see DeferredConstant).
      if (!def.undecided.constant || this.readsText > 0 || (this.inExpression === 0 && (before === undefined || takesText(before)))) this.undecidedMacro(t, file, line, def.undecided);
      return -1;
    }
    let args: PPToken[][] | undefined;
    // Per argument, whether a blank begins it (see blanksBeforeSeparators): only with a blank before a comma.
    let leads: boolean[] | undefined;
    let last = top;
    if (def.params !== undefined) {
      const call = this.callArguments(rest, defs, file, line, active);
      if (call === undefined) return -1;
      ({ def, args, leads, close: last } = call);
    }
    if (active?.has(def) || this.expansionOverflow) return -1;
    // A line whose expansion outlasts the time budget (`%xdefine S S M` that grows each round: nasm
    // needs gigabytes for some) stops there, the rest of the line as written; the line loop then
    // reports the budget. The call counts as the tokens it copies: a few calls of a body of
    // millions of tokens (`%xdefine D D+D` twice a round) are most of the time.
    if (this.budget.expired(1 + def.body.length)) { this.expansionOverflow = true; return -1; }
    let tails: boolean[] | undefined;
    if (def.modifiers !== undefined) {
      ({ args, tails } = this.modifiedArguments(def, rest, top, last, file, line, active));
      leads = undefined;
    }
    this.expandedTokens += def.body.length;
    if ((active?.size ?? 0) >= this.limits.macroLevels || this.expandedTokens > this.limits.macroTokens) {
      // nasm's message for both limits; the rest of the line is left unexpanded.
      this.expansionOverflow = true;
      this.sink.error('limit-macro-tokens', 'interminable macro recursion', lineRange(file, line, t.start, t.end), this.lineExpansion());
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
    let conditional: number[] | undefined;
    let blank = spaced(before, t);
    for (let k = 0; k < def.body.length; k++) {
      const b = def.body[k];
      if (k > 0 && spaced(def.body[k - 1], b)) blank = true;
      // A name given twice is the later parameter (nasm 2.16: `f(x,x) x` with (1,2) is 2).
      const pi = def.params && b.kind === 'ident' ? def.params.lastIndexOf(b.text) : -1;
      if (pi >= 0 && args && args[pi].length > 0 && (leads?.[pi] === true || startsBlank(args[pi]))) blank = true;
      if (pi >= 0 && args) {
        const a = args[pi];
        // An argument's `%,` is a comma with more than `%,`s after it in the argument, else nothing
        // (the blanks before it then after the argument; measured: `F(1, 2 %,)` is `1 , 2 `, `F(1, %, %,)` `1 `).
        const lastWritten = lastNotConditional(a);
        // (A body's `%,` before it with nothing between: a comma when the argument makes more than
        // nothing, else nothing, whatever follows it: see the body's `%,` below; measured, `%define
        // F(a,b) a %, b` makes F(1,%,) `1 `.)
        if (conditional !== undefined) {
          if (lastWritten < 0) blank = dropConditional(expansion, conditional) || blank;
          conditional = undefined;
        }
        // (An argument for parameters with modifiers says its blanks: see splitModifiedArguments.)
        let trailing = tails?.[pi] === true;
        if (trailing && a.length === 0) blank = true;
        for (let q = 0; q < a.length; q++) {
          const gap = q === 0 ? blank || (tails !== undefined && a[0].gap === true) : spaced(a[q - 1], a[q]);
          if (!isConditionalComma(a[q])) expansion.push(gapped(a[q], gap));
          else if (q < lastWritten) expansion.push(commaFor(a[q], gap));
          else trailing = gap || trailing;
        }
        if (a.length > 0) blank = trailing;
      } else if (isConditionalComma(b)) {
        // The body's `%,` is a comma when anything follows it in the expansion up to the next
        // parameter and that parameter's argument, else nothing: nasm forgets what follows a
        // parameter as it reads the body back from its end (measured with nasm 2.16.01: `%define
        // F(a,b) a %, b` makes F(1,2) `1 , 2`, F(1,) `1 `; `a %, b 9` makes F(1,) `1 9`, `a %, 9 b` `1 , 9`).
        (conditional ??= []).push(expansion.length);
        expansion.push({ kind: 'op', text: ',', start, end, at: NOWHERE, gap: blank });
        blank = false;
      } else {
        conditional = undefined;
        expansion.push(isContextLocal(b) ? this.contexts.nameNow(b, start, end, blank, (message) => this.sink.error('context', message, t.src ?? lineRange(file, line, start, end)))
          : b.environmentWarned === true ? { kind: b.kind, text: b.text, start, end, at: b.at ?? NOWHERE, gap: blank, environmentWarned: true }
            // (An `%assign`'s number of another value in nasm's first pass keeps that one: see firstPassAssigned.)
            : b.firstPass !== undefined ? { kind: b.kind, text: b.text, start, end, at: b.at ?? NOWHERE, gap: blank, firstPass: b.firstPass }
              : { kind: b.kind, text: b.text, start, end, at: b.at ?? NOWHERE, gap: blank });
        blank = false;
      }
    }
    // (Those with nothing after them.)
    if (conditional !== undefined) blank = dropConditional(expansion, conditional) || blank;
    if (after > 0) rest[after - 1] = gapped(rest[after - 1], blank || spaced(callEnd, rest[after - 1]));
    else if (blank) this.endsBlank = true;
    const set = active ?? new Set<SingleLineMacro>();
    set.add(def);
    // `%?` is the name as called, `%??` as defined (nasm 2.16 reads them in the body and in the
    // arguments alike, measured: with `%define f(x) x`, `f(%?)` is `f`); they are not expanded.
    // `%*?` and `%*??` are the same here (measured: `%idefine Fo %*?` / `FO` is `FO`), and a
    // multi-line macro leaves them for the single-line macros its lines define.
    for (let k = expansion.length - 1; k >= 0; k--) {
      const x = expansion[k];
      const named = x.kind === 'preproc' ? CALL_NAMES[x.text] : undefined;
      if (named !== undefined) {
        rest.push({ kind: 'ident', text: named === 'called' ? t.text : def.name, start, end, at: NOWHERE, gap: x.gap });
        continue;
      }
      rest.push(x);
      if (x.kind === 'ident' || x.kind === 'preproc') this.expandCall(rest, file, line, set, undefined);
    }
    set.delete(def);
    return after;
  }

  /** expandCall's `rest` topped by a name no `%define` made: a standard macro Ringside computes (see builtin), or -1. */
  private builtinCall(rest: PPToken[], file: string, line: number, before: PPToken | undefined): number {
    const t = rest[rest.length - 1];
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

  /**
   * The arguments of the call on top of `rest` of a single-line macro with parameters, whose
   * definitions are `defs`, and the definition that takes their count (the newest); undefined
   * when there is no call there or none takes them (with nasm's warning).
   */
  private callArguments(rest: PPToken[], defs: readonly SingleLineMacro[], file: string, line: number, active: Set<SingleLineMacro> | undefined):
    { def: SingleLineMacro; args: PPToken[][]; leads: boolean[] | undefined; close: number } | undefined {
    const top = rest.length - 1;
    const t = rest[top];
    if (rest[top - 1]?.text !== '(') return undefined;
    const j = closingParenthesis(rest, top - 1);
    if (j < 0) {
      this.sink.error('syntax', "macro call expects terminating `)'", lineRange(file, line, t.start, t.end), this.lineExpansion());
      return undefined;
    }
    const inside: PPToken[] = [];
    for (let k = top - 2; k > j; k--) inside.push(rest[k]);
    // `f()` passes one empty argument, as nasm counts it.
    const args = inside.length === 0 ? [[]] : splitArguments(inside, 0, Infinity);
    let leads: boolean[] | undefined;
    // (nasm 2.16.01, measured: `G(b , c)` with `%define G(x,y) <x|y>` is `<b| c>`; the blank of
    // an argument of nothing begins the next: `K(a , , c)` is `<a|| c>`.)
    if (args.length > 1 && inside.some((c, k) => k > 0 && (c.text === ',' || c.text === '}') && spaced(inside[k - 1], c))) {
      leads = blanksBeforeSeparators(inside, args);
      for (let k = 1; k + 1 < args.length; k++) if (leads[k] && args[k].length === 0) leads[k + 1] = true;
    }
    let def: SingleLineMacro | undefined;
    for (let k = defs.length - 1; k >= 0 && !def; k--) if (takesCount(defs[k].params, defs[k].modifiers, args.length)) def = defs[k];
    if (!def) {
      if (!active?.has(defs[defs.length - 1])) {
        this.sink.warning('macro-params-single', `single-line macro \`${t.text}' exists, but not taking ${args.length} parameter${args.length === 1 ? '' : 's'}`, lineRange(file, line, t.start, t.end), this.lineExpansion());
      }
      return undefined;
    }
    return { def, args, leads, close: j };
  }

  /**
   * The arguments of a call of `def`, whose parameters have modifiers (manual §4.1.1), the call's
   * name at `rest[top]` and its `)` at `rest[close]`, as nasm 2.16.01 makes them (see
   * splitModifiedArguments), in order: an `=` argument macro-expanded and evaluated (nothing after
   * an error: "invalid expression in parameter 0 of macro `e'", counting from 0), then a `&` one
   * macro-expanded and quoted as nasm quotes (`'x y'`, `"'y'"`), and a `&&` one so unless it is one
   * string (measured: with `%define s(&&a) a`, `s('y')` is `'y'`, `s(x 'y')` `"x 'y'"`). The macro
   * is in progress meanwhile (`e(e(2)+1)` leaves the inner `e` a symbol).
   */
  private modifiedArguments(def: SingleLineMacro, rest: PPToken[], top: number, close: number, file: string, line: number, active: Set<SingleLineMacro> | undefined):
    { args: PPToken[][]; tails: boolean[] } {
    const t = rest[top], callEnd = rest[close];
    const inside: PPToken[] = [];
    for (let k = top - 2; k > close; k--) inside.push(rest[k]);
    const { args, tails } = splitModifiedArguments(inside, rest[top - 1], callEnd, def.modifiers!);
    const expansion = this.frames[this.frames.length - 1]?.expansion ?? NO_EXPANSION;
    this.keepingExpansionState(() => {
      this.activeMacros = new Set(active).add(def);
      def.modifiers!.forEach((m, k) => {
        const made = (kind: PPToken['kind'], text: string): PPToken => ({ kind, text, start: t.start, end: callEnd.end, src: t.src, at: NOWHERE, gap: false });
        if (m.evaluate === true) {
          const a = args[k];
          const whole = a.length > 0 ? lineRange(file, line, a[0].start, a[a.length - 1].end) : lineRange(file, line, t.start, callEnd.end);
          const expr = parseArgument(this.expandExpression(a, file, line), whole, `invalid expression in parameter ${k} of macro \`${def.name}'`, this.limits.eval, this.sink, file, line, expansion);
          const value = expr === undefined ? undefined : evaluateExpression(expr, def.name, this.constant, this.sink, file, line, expansion,
            this.opts.preprocessOnly === true ? { evaluation: ++this.evaluations } : undefined, `non-constant expression in parameter ${k} of macro \`${def.name}'`, undefined, this.symbolOf);
          const text = typeof value !== 'object' ? undefined : value.big !== undefined ? value.big.toString() : String(value.v);
          args[k] = text === undefined ? [] : text.startsWith('-') ? [made('op', '-'), made('number', text.slice(1))] : [made('number', text)];
          tails[k] = false;
        }
        if (m.quote !== undefined) {
          const a = args[k];
          // (Its `%+` joins, as nasm's expand_smacro joins them: `s(a %+ b)` is 'ab'.)
          const expanded = this.expandSingle(a.length > 0 ? [gapped(a[0], false), ...a.slice(1)] : a, file, line);
          const e = hasPaste(expanded) ? pasteTokens(expanded, file, line, false) : expanded;
          const lead = (a.length > 0 && a[0].gap === true) || expandsToBlankFirst(a, e), tail = tails[k] || (this.endsBlank && e.length > 0);
          args[k] = m.quote === 'unless-string' && !lead && !tail && e.length === 1 && e[0].kind === 'string' ? [made('string', e[0].text)]
            : [made('string', quoteBytes(new TextEncoder().encode(e.length === 0 && lead ? ' ' : `${lead ? ' ' : ''}${textAsWritten(e)}${tail ? ' ' : ''}`)))];
          tails[k] = false;
        }
      });
    });
    return { args, tails };
  }

  /** Runs `run`, an expansion inside another's, and puts back the state of the expansion it is in. */
  private keepingExpansionState<T>(run: () => T): T {
    const saved = { tokens: this.expandedTokens, overflow: this.expansionOverflow, blank: this.endsBlank, starts: this.startsBlank, low: this.restLow, active: this.activeMacros };
    try {
      return run();
    } finally {
      this.expandedTokens = saved.tokens;
      this.expansionOverflow = saved.overflow;
      this.endsBlank = saved.blank;
      this.startsBlank = saved.starts;
      this.restLow = saved.low;
      this.activeMacros = saved.active;
    }
  }

  /**
   * A call of a preprocessor function Ringside implements (see pp-functions.ts) on top of `rest`,
   * as expandCall takes a call, as nasm 2.16.01 reads it (measured): the name in any case
   * (`%EVAL(1+1)` is 2), blanks allowed before `(`, each argument macro-expanded and evaluated as
   * a preprocessor expression (an error in one makes nothing of it: `%eval(1/0)` is nothing after
   * "division by zero", `%eval(1,)` is `1,` after "expression syntax error"); another count of
   * arguments is nasm's warning and the call stays as written.
   */
  private functionCall(rest: PPToken[], file: string, line: number, before: PPToken | undefined, active: Set<SingleLineMacro> | undefined): number {
    const outer = this.activeMacros;
    if (active !== undefined) this.activeMacros = active;
    try {
      return this.callFunction(rest, file, line, before);
    } finally {
      this.activeMacros = outer;
    }
  }

  /** functionCall's work, the macros being expanded in activeMacros. */
  private callFunction(rest: PPToken[], file: string, line: number, before: PPToken | undefined): number {
    const top = rest.length - 1;
    const t = rest[top];
    if (rest[top - 1]?.text !== '(') return -1;
    const j = closingParenthesis(rest, top - 1);
    if (j < 0) {
      this.sink.error('syntax', "macro call expects terminating `)'", lineRange(file, line, t.start, t.end), this.lineExpansion());
      return -1;
    }
    const name = t.text.toLowerCase();
    const inside: PPToken[] = [];
    for (let k = top - 2; k > j; k--) inside.push(rest[k]);
    const kind = testKind(name);
    if (kind !== undefined) return this.testFunction(rest, file, line, before, kind, inside, j);
    const args = inside.length === 0 ? [inside] : name === '%str' ? [withoutLeadingBraces(inside)] : splitArguments(inside, 0, Infinity);
    if (!takesArguments(name, args.length)) {
      this.sink.warning('macro-params-single', `single-line macro \`${t.text}' exists, but not taking ${args.length} parameter${args.length === 1 ? '' : 's'}`, lineRange(file, line, t.start, t.end), this.lineExpansion());
      return -1;
    }
    const expansion = this.frames[this.frames.length - 1]?.expansion ?? NO_EXPANSION;
    const saved = { tokens: this.expandedTokens, overflow: this.expansionOverflow, blank: this.endsBlank, low: this.restLow };
    // `%sel` evaluates every argument after the selector, chosen or not, `{...}` or not: the one
    // chosen is its value, or nothing after an error (nasm 2.16.01: `%sel(1, 2+1)` is 3,
    // `%sel(1, 'ab')` 25185, `%sel(1, 2, 3 4)` 2 with "invalid expression in parameter 2").
    const evaluated = name === '%sel' ? args.map((_arg, k) => k > 0) : [];
    const evaluate = (a: PPToken[], k: number): Value | undefined => {
      if (a.length === 0 && emptyArgumentValue(name, k) !== undefined) return emptyArgumentValue(name, k);
      const whole = a.length > 0 ? lineRange(file, line, a[0].start, a[a.length - 1].end) : lineRange(file, line, t.start, rest[j].end);
      const e = this.expandExpression(a, file, line);
      const invalid = `invalid expression in parameter ${k} of function \`${name}'`;
      const expr = parseArgument(e, whole, invalid, this.limits.eval, this.sink, file, line, expansion);
      const v = expr === undefined ? undefined : evaluateExpression(expr, name, this.constant, this.sink, file, line, expansion,
        this.opts.preprocessOnly === true ? { evaluation: ++this.evaluations } : undefined, `non-constant expression in parameter ${k} of function \`${name}'`, undefined, this.symbolOf);
      return typeof v === 'object' ? v : undefined;
    };
    const values = args.map((a, k) => parameterKind(name, k) === 'e' ? evaluate(a, k) : undefined);
    // A string argument: one string token's bytes, else the text of its tokens (macros expanded).
    // The blank before the comma ahead of a string argument is its first (nasm 2.16.01, measured:
    // `%strcat(a , b)` is 'a b', `%strcat(a, b)` 'ab', `%strcat('x' ,'y')` "x 'y'").
    // (So does the argument %cond chooses: `%str(%cond(1 , 5))` is ' 5'.)
    const leads = name === '%strcat' || name === '%cond' ? blanksBeforeSeparators(inside, args) : [];
    // The blank of an argument of nothing begins the next one too (`%str(%cond(0 , , 5))` is ' 5',
    // `%str(%cond(1 , , 5))` ' '); %strcat's is then the next one's only (`%strcat(a , , b)` is 'a b').
    for (let k = 1; k + 1 < args.length; k++) {
      if (leads[k] && args[k].length === 0) { leads[k + 1] = true; if (name === '%strcat') leads[k] = false; }
    }
    const strings = args.map((a, k) => {
      if (parameterKind(name, k) !== 's') return undefined;
      const e = this.readEnvironment(this.expandSingle(a.length > 0 && a[0].gap === true ? [gapped(a[0], false), ...a.slice(1)] : a, file, line), file, line);
      // A blank the expansion put first counts too (see expandsToBlankFirst), and so does one left at the end.
      const lead = leads[k] === true || expandsToBlankFirst(a, e) || startsBlank(a) ? ' ' : '';
      const tail = this.endsBlank && e.length > 0 ? ' ' : '';
      if (lead === '' && tail === '' && e.length === 1 && e[0].kind === 'string' && name !== '%str') return decodeString(e[0].text) ?? new Uint8Array();
      return new TextEncoder().encode(lead + textAsWritten(e) + tail);
    });
    const callEnd = rest[j];
    const report = (severity: 'error' | 'warning', message: string): void => {
      const at = lineRange(file, line, t.start, callEnd.end);
      if (severity === 'error') this.sink.error('expression', message, at, this.lineExpansion());
      else this.sink.warning('pp-sel-range', message, at, this.lineExpansion());
    };
    const groups = evaluated.map((b, k) => b ? functionResult('%eval', 1, [evaluate(args[k], k)], report) as FunctionToken[] : undefined);
    this.expandedTokens = saved.tokens;
    this.expansionOverflow = saved.overflow;
    this.endsBlank = saved.blank;
    this.restLow = saved.low;
    rest.length = j;
    const after = rest.length;
    this.restLow = Math.min(this.restLow, after);
    const read = functionResult(name, args.length, values, report, strings);
    // `%tok`'s string read as a line: its tokens, their names expanded as they are pushed.
    const readLine = typeof read === 'string' ? tokenizeLine(read) : [];
    // nasm reads the string as a line, and warns of an unterminated string in it.
    const open = openString(readLine);
    if (open !== undefined) this.sink.warning('open-string', open.message, lineRange(file, line, t.start, callEnd.end), this.lineExpansion());
    const result = typeof read === 'string' ? args.push(readLine.filter((x) => x.kind !== 'comment')
      .map((x, k, all) => ({ kind: x.kind, text: x.text, start: t.start, end: callEnd.end, src: t.src, at: NOWHERE, gap: k > 0 && all[k - 1].end < x.start }))) - 1 : read;
    // The tokens made, or the argument chosen as written (its names expanded as they are pushed).
    const chosen = typeof result === 'number' ? groups[result] ?? args[result] : result;
    const made: PPToken[] = typeof result === 'number' && chosen === args[result] ? args[result]
      : Array.isArray(chosen) ? chosen.map((x) => ({ kind: x.kind, text: x.text, start: t.start, end: callEnd.end, src: t.src, at: NOWHERE, gap: false })) : [];
    // An empty result leaves the blank before the call (nasm: `db 1, %eval(1/0) ,2` is `db 1, ,2`).
    const blank = made.length === 0 && spaced(before, t);
    if (after > 0) rest[after - 1] = gapped(rest[after - 1], blank || spaced(callEnd, rest[after - 1]));
    else if (blank) this.endsBlank = true;
    // (And the blanks `%tok`'s string begins with: measured, nasm -E writes `%tok(' dw 4')` ` dw 4`.)
    const lead = typeof read === 'string' ? readLine.length > 0 && readLine[0].start > 0 : typeof result === 'number' && leads[result] === true;
    for (let k = made.length - 1; k >= 0; k--) {
      rest.push(gapped(made[k], k === 0 ? spaced(before, t) || lead : spaced(made[k - 1], made[k])));
      if (typeof result === 'number' && (made[k].kind === 'ident' || made[k].kind === 'preproc')) this.expandCall(rest, file, line, this.activeMacros, undefined);
    }
    return after;
  }

  /**
   * `%isKIND(...)` on top of `rest`, its tokens from the parenthesis on down to `close`: 1 when
   * `%ifKIND ...` would take its branch, else 0, as nasm 2.16.01 does (measured: `%isdef(X)`,
   * `%isnidn(a,b)`, `%is(expr)`); all between the parentheses is the condition, read as `%ifKIND`
   * reads it, with its messages (`%isidn(a)`: "`%ifidn' expects two comma-separated arguments",
   * and 0).
   */
  private testFunction(rest: PPToken[], file: string, line: number, before: PPToken | undefined, kind: string, inside: PPToken[], close: number): number {
    const t = rest[rest.length - 1];
    const f = this.frames[this.frames.length - 1];
    if (f === undefined) return -1;
    const saved = { tokens: this.expandedTokens, overflow: this.expansionOverflow, blank: this.endsBlank, low: this.restLow };
    const d = `%if${kind}`;
    let test: Test;
    if (kind === '' || kind === 'n') {
      // An expression: the preprocessor's (`%is($ > 0)` is no test of the assembler's).
      const e = this.expandExpression(inside, file, line);
      const whole = inside.length > 0 ? lineRange(file, line, inside[0].start, inside[inside.length - 1].end) : lineRange(file, line, t.start, rest[close].end);
      const parsed = parseExpression(e, whole, d, this.limits.eval, this.sink, file, line, f.expansion);
      const v = parsed === undefined ? undefined : this.evaluateParsed(parsed, file, line, f, d);
      test = typeof v !== 'object' ? Test.Failed : (v.v !== 0) !== (kind === 'n') ? Test.True : Test.False;
    } else {
      // nasm reads the argument without the blank before it (see identical).
      const argument = inside.length > 0 ? [gapped(inside[0], false), ...inside.slice(1)] : inside;
      test = this.testCondition(f, file, line, d, kind, [{ ...t, kind: 'preproc', text: d }, ...argument]);
    }
    this.expandedTokens = saved.tokens;
    this.expansionOverflow = saved.overflow;
    this.endsBlank = saved.blank;
    this.restLow = saved.low;
    const callEnd = rest[close];
    rest.length = close;
    const after = rest.length;
    this.restLow = Math.min(this.restLow, after);
    if (after > 0) rest[after - 1] = gapped(rest[after - 1], spaced(callEnd, rest[after - 1]));
    rest.push({ kind: 'number', text: test === Test.True ? '1' : '0', start: t.start, end: callEnd.end, src: t.src, at: NOWHERE, gap: spaced(before, t) });
    return after;
  }

  /**
   * The standard macros nasm 2.16 defines for every line (manual §5.1): `__LINE__` (the line of a
   * macro body, inside macros), `__FILE__` (as nasm would have opened it, run from the main file's
   * directory), both as a `%line` renumbered the line (see reported-lines.ts), `__BITS__`, `__PASS__` (2: the pass whose output counts), `__SECT__` (see
   * `BitsAndSection.section`), the version, the output format and the assembly's date and time (see
   * `versionOrTime`). Each also spelt `__?X?__`.
   */
  private builtin(t: PPToken, file: string, line: number): PPToken | PPToken[] | undefined {
    // While `%aliases off`, `__X__`, nasm's alias of `__?X?__`, is a name of its own (measured,
    // nasm -E: `db __LINE__` and `dd __float32__(1.5)` stay as written).
    if (this.singles.aliasesAreOff && t.text.charCodeAt(2) !== 0x3f) return undefined;
    // An alias of one of nasm's token macros (`%idefalias __float32__ __?float32?__`, whose macro
    // is itself: see spelled): the name it stands for, which `%defstr` and `%str()` write
    // (measured: `%defstr S __float32__(1.5)` is '__?float32?__(1.5)').
    if (!this.standardCleared && t.text.charCodeAt(2) !== 0x3f) {
      const target = spelled(t);
      if (target !== t.text) return { kind: 'ident', text: target, start: t.start, end: t.end, src: t.src };
    }
    const name = standardName(t.text);
    if (name === undefined) return undefined;
    if (this.standardCleared) {
      if (t.text.charCodeAt(2) === 0x3f || !isStandardName(name, this.time)) return undefined;
      return { kind: 'ident', text: `__?${name}?__`, start: t.start, end: t.end, src: t.src };
    }
    // `__X__` is nasm's alias of `__?X?__`, which a `%define` may have made (masm's `segment`
    // defines `__?SECT?__`): measured, `%define __?LINE?__ 99` makes `__LINE__` 99.
    if (t.text.charCodeAt(2) !== 0x3f && this.singles.lookup(`__?${name}?__`) !== undefined && isStandardName(name, this.time)) return { kind: 'ident', text: `__?${name}?__`, start: t.start, end: t.end, src: t.src };
    if (this.standardUndefined !== undefined && this.isStandardUndefined(name)) return undefined;
    const token = (kind: PPToken['kind'], text: string): PPToken => ({ kind, text, start: t.start, end: t.end, src: t.src });
    switch (name) {
      case 'LINE': return token('number', String((this.reported.at(file, line)?.line ?? line) + 1));
      case 'BITS':
        if (this.bitsAndSection.bitsUnknownAfter !== undefined) this.dependsOnBranch(t, file, line, this.bitsAndSection.bitsUnknownAfter, 'sets `bits\'');
        return token('number', this.opts.preprocessOnly === true ? '0' : String(this.bitsAndSection.bits));
      case 'PASS': return this.opts.preprocessOnly === true ? token('number', '3') : { ...token('number', '2'), firstPass: '1' };
      case 'FILE': return token('string', quoteBytes(new TextEncoder().encode(this.reported.at(file, line)?.file ?? this.fileName(file))));
      case 'SECT': {
        const sect = this.bitsAndSection.section(this.out);
        if (this.bitsAndSection.sectUnknownAfter !== undefined) this.dependsOnBranch(t, file, line, this.bitsAndSection.sectUnknownAfter, 'holds a `section\' line');
        return sect.map((x, k) => ({ kind: x.kind, text: x.text, start: t.start, end: t.end, src: t.src, at: NOWHERE, gap: spaced(sect[k - 1], x) }));
      }
      case 'OUTPUT_FORMAT': return token('ident', 'bin');
      default: {
        const value = versionOrTime(name, this.time);
        if (value === undefined) return undefined;
        // (nasm spells the version id in hexadecimal: `002100100h`.)
        if (name === 'NASM_VERSION_ID') return token('number', `0${value.toString(16).padStart(8, '0')}h`);
        return typeof value === 'number' ? token('number', String(value)) : token('string', `"${value}"`);
      }
    }
  }

  /** Ringside's error for a use of single-line macro `t`, which the ways through a block the assembler decides left differently. */
  private undecidedMacro(t: PPToken, file: string, line: number, u: Undecided): void {
    if (u.assigned === true) { this.deferred.assemblerNumber(t, file, u.condition, t.src ?? lineRange(file, line, t.start, t.end), this.frames[this.frames.length - 1]?.expansion); return; }
    this.dependsOnBranch(t, file, line, u.condition, u.inEveryWay ? 'defines it otherwise than another' : 'defines or removes it, another not or otherwise');
  }

  /** Ringside's error for `__BITS__` or `__SECT__` (`t`) after a block the assembler decides, one of whose branches `what`. */
  private dependsOnBranch(t: PPToken, file: string, line: number, c: CheckCondition, what: string): void {
    this.deferred.dependsOnBranch(t, file, c, what, t.src ?? lineRange(file, line, t.start, t.end), this.frames[this.frames.length - 1]?.expansion);
  }

  // ---- contexts (manual §4.7) ----

  private contextDirective(f: Frame, d: string, toks: readonly PPToken[], nameRange: SourceRange): void {
    // A name must be an identifier, and nasm reads no further (measured, nasm 2.16.01: `%push 1`,
    // `%push ?` and `%pop "s"` do nothing, with its error; `%push a b` warns).
    const given = toks[1] !== undefined && toks[1].kind !== 'comment' ? toks[1] : undefined;
    if (given !== undefined && !isIdentifier(given)) { this.sink.error('syntax', `\`${toks[0].text}' expects a context identifier`, nameRange, f.expansion); return; }
    if (given !== undefined && toks.length > 2 && toks[2].kind !== 'comment') this.sink.warning('trailing', `trailing garbage after \`${toks[0].text}' ignored`, nameRange, f.expansion);
    const name = given?.text ?? '';
    if (d === '%push') { this.contexts.push(name, this.takeUniqueId(true)); return; }
    const top = this.contexts.top();
    if (!top) { this.sink.error('context', `\`${toks[0].text}': context stack is empty`, nameRange, f.expansion); return; }
    if (d === '%repl') { top.name = name; return; }
    if (name !== '' && name.toLowerCase() !== top.name.toLowerCase()) {
      this.sink.error('context', `\`${toks[0].text}' in wrong context: ${top.name || 'anonymous'}, expected ${name}`, nameRange, f.expansion);
      return;
    }
    this.contexts.pop();
  }

  /**
   * The context a `struc` or `istruc` on line `line` (passed on) pushes (`opens`), or the one its
   * `endstruc` or `iend` pops: nasm's standard macros `%push` and `%pop` on the one stack the
   * source's own `%push` uses (measured with nasm 2.16.01: `%$x` between `struc vec` and
   * `endstruc` is the struc's `..@N.x`, numbered after the call's own number; a `%pop` there pops
   * the struc's context and `endstruc` then the one outside). `idsBefore`: the numbers standard
   * macros took before the line, to which the source's own before it add; `name`: the
   * structure's. The context an `at`, `iend` or `endstruc` finds is kept for `nasm -E`, and the
   * number of each one pushed for the labels the call defines in it (see pushedContext); one
   * smartalign's `align` pushes and pops in the call (`push-pop`) leaves the stack as it was.
   */
  private structureContext(what: ContextUse, line: number, idsBefore: number, name: readonly PPToken[]): void {
    if (what === 'pop' || what === 'read') {
      const c = this.contexts.innermost();
      this.structureContexts.set(line, c);
      if ((this.opts.preprocessOnly === true || this.opts.structureNames === true) && c?.structure !== undefined) this.structureTexts.set(line, this.structureText(line, c.structure, what === 'read' ? name : undefined));
      else if (this.opts.preprocessOnly === true && what === 'pop') this.structureTexts.set(line, this.unnamedStructureText(line, c === undefined ? '%$strucname' : `..@${c.id}.strucname`));
      else if (what === 'read' && c?.structure !== undefined) this.atMember(line, c.structure, name);
      if (what === 'pop') this.contexts.close();
      return;
    }
    while (this.uniqueIdsCounted < this.uniqueIdLines.length && this.uniqueIdLines[this.uniqueIdsCounted] <= line) this.uniqueIdsCounted++;
    const id = this.uniqueIdsCounted + idsBefore + 1;
    this.pushedContexts.set(line, id);
    if (what === 'push') this.contexts.open(id, name);
  }

  /**
   * The names nasm's `endstruc`, `iend` and `at` make of the structure's name `name` (their
   * `%$strucname`, `%{$strucname}_size` and `%$strucname%1`, `member` the `%1` of an `at`),
   * expanded with the single-line macros of their line, as nasm expands them (measured: after
   * `struc pt`, `%define pt qq` makes endstruc's line `qq_size equ ($-qq)`, and a `%define qq_size 7`
   * before `iend` its `times 7-...`). Run as the lines are read (see StandardMacroCalls), before
   * any change to the macros (see SingleLineMacros.beforeChange).
   */
  private structureText(line: number, name: readonly PPToken[], member: readonly PPToken[] | undefined): StructureText {
    const file = this.out.file(line), at = this.out.line[line];
    const expanded = (toks: readonly PPToken[]): string => this.keepingExpansionState(() => tokensText(this.expandSingle(toks.slice(), file, at)).trim());
    // (With the blank braces kept after the name: see structureName.)
    const structure = expanded(name) + (name[name.length - 1]?.blankAfter === true ? ' ' : '');
    const m = member?.[0]?.text.startsWith('.') === true ? tokensText(member) : undefined;
    // (`_size` is a token of its own, expanded before the paste: see Assembler.sizeLine.)
    return { name: structure, size: expanded(tokenizeLine(`${structure}${expanded(tokenizeLine('_size'))}`)), ...(m !== undefined ? { member: expanded(tokenizeLine(structure + m)) } : {}) };
  }

  /**
   * What `endstruc` and `iend` make of `%{$strucname}_size` in a context of no structure, `name`
   * their `%$strucname` there: `_size` expanded, pasted to it as written (measured with nasm -E:
   * after `%define _size zz`, with the context stack empty, `%$strucnamezz equ ($-%$strucname)`).
   */
  private unnamedStructureText(line: number, name: string): StructureText {
    const suffix = this.keepingExpansionState(() => tokensText(this.expandSingle(tokenizeLine('_size'), this.out.file(line), this.out.line[line])).trim());
    return { name, size: name + suffix };
  }

  /**
   * `at .member` on line `line` in an `istruc` of `structure`: nasm's macro pastes the two into
   * one name and expands it, so a single-line macro of that name gives the field (measured with
   * nasm 2.16.01: `%define pt.y 2`, `at .y, db 5` under `istruc pt` with no field `.y` pads to 2).
   * Noted for the assembler when it does (see PreprocessResult.atMember; found when it asks, with
   * the macros defined then, as the structure contexts are when assembling, or before a macro of a
   * dotted name changes: measured, `at .x` then `%define pt.x 3` is the field `.x`).
   */
  private atMember(line: number, structure: readonly PPToken[], member: readonly PPToken[]): void {
    if (member[0]?.text.startsWith('.') !== true || member[0].text.startsWith('..')) return;
    const text = this.structureText(line, structure, member);
    const written = `${text.name}${tokensText(member).trim()}`;
    if (text.member !== undefined && text.member !== written) this.atMembers.set(line, text.member);
  }

  /** The macro calls the line being read came from (nasm's `... from macro` lines), for messages of its expansion. */
  private lineExpansion(): readonly SourceRange[] {
    return this.frames[this.frames.length - 1]?.expansion ?? NO_EXPANSION;
  }

  /** A line's `%$x` names replaced, as ContextStack.substituteLine does, its problems reported at the line. */
  private contextLocals(toks: PPToken[], file: string, line: number, f: Frame): PPToken[] {
    return this.contexts.substituteLine(toks, (message, t) => this.sink.error('context', message, t.src ?? lineRange(file, line, t.start, t.end), f.expansion));
  }

  /**
   * `%[...]` (manual §4.1.3): the single-line-expanded contents, blanks in them kept (`%[1 2]` is
   * `1 2`), pasted to the tokens touching it. A `%{[...}` is one too (see bracedIndirection).
   */
  /**
   * What keeps a `%[` open, its contents `contents` ending at the line's end: nasm tokenizes the
   * contents again as the construct runs, and warns then of the `%[` or string they leave open
   * (measured with nasm 2.16.01: in a %rep body, `db %[%[ 8` warns of the outer `%[` once, as the
   * body is captured, and of the inner one in each round; `db %[ 8"` of the string in each round).
   * `nesting`: how deep the construct is, which tells the warnings of one line apart.
   */
  private warnOpenInside(contents: readonly PPToken[], file: string, line: number, expansion: readonly SourceRange[], nesting: number): void {
    const last = contents[contents.length - 1];
    const open = last !== undefined && last.start === last.end && last.text === ']' ? openConstruct(contents, '') : openString(contents);
    if (open === undefined) return;
    this.sink.warning(open.token.text === ']' ? 'pp-open-brackets' : 'open-string', open.message, lineRange(file, line, open.token.start, open.token.end), expansion, undefined, nesting);
  }

  /** The warnings of warnOpenInside for each `%[...]` of `toks`, inner ones too, with nothing read (`level` as indirection's). */
  private warnOpenIndirections(toks: readonly PPToken[], file: string, line: number, expansion: readonly SourceRange[], level = 0): void {
    for (let i = 0; i < toks.length; i++) {
      if (!isPercentOperator(toks[i]) || toks[i + 1]?.text !== '[' || toks[i + 1].start !== toks[i].end) continue;
      let depth = 0, j = i + 1;
      for (; j < toks.length; j++) {
        if (toks[j].text === '[') depth++;
        else if (toks[j].text === ']' && --depth === 0) break;
      }
      if (j >= toks.length) return;
      const inner = toks.slice(i + 2, j);
      if (toks[j].start === toks[j].end) this.warnOpenInside(inner, file, line, expansion, level + 1);
      if ((lineFlags(inner) & Flag.Indirection) !== 0) this.warnOpenIndirections(inner, file, line, expansion, level + 1);
      i = j;
    }
  }

  /** The tokens `toks` with each `%[...]` read (`level`: the `%[` they are in, 0 for a line's). */
  private indirection(toks: readonly PPToken[], file: string, line: number, frame: Frame, level = 0): PPToken[] {
    const { invocation, expansion } = frame;
    const out: PPToken[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      let j = i;
      let inner: PPToken[];
      if (t.kind === 'preproc' && t.text.charCodeAt(1) === 0x5b) {
        // (substituteParams passed the token by whole: a macro's parameters in it are put in now,
        // or outside a macro refused, measured: `db %{[%1]}` is "`%1': not in a macro call".)
        inner = bracedIndirection(t);
        if (invocation !== undefined) inner = substituteParams(invocation, inner, file, line, expansion, this.sink);
        else if ((lineFlags(inner) & Flag.Preproc) !== 0) inner = macroLocalsOutside(inner, file, line, expansion, this.sink);
      } else if (isPercentOperator(t) && toks[i + 1]?.text === '[' && toks[i + 1].start === t.end) {
        let depth = 0;
        for (j = i + 1; j < toks.length; j++) {
          if (toks[j].text === '[') depth++;
          else if (toks[j].text === ']' && --depth === 0) break;
        }
        if (j >= toks.length) { follow(out, t, toks[i - 1]); continue; }
        inner = toks.slice(i + 2, j);
        if (toks[j].start === toks[j].end) this.warnOpenInside(inner, file, line, expansion, level + 1);
      } else { follow(out, t, toks[i - 1]); continue; }
      // A `%[...]` inside is read first (measured: with A 5 and x5 7, `db %[%[A]]` is `db 5`,
      // `db %[x%[A]]` `db 7`).
      this.indirectionEndsBlank = false;
      const read = (lineFlags(inner) & Flag.Indirection) !== 0 ? this.indirection(inner, file, line, frame, level + 1) : inner;
      const readEndsBlank = this.indirectionEndsBlank;
      const contents = this.readEnvironment(this.expandSingle(read, file, line), file, line);
      // nasm expands the contents as a line of their own, where tokens that expand to none leave a
      // blank, and so does a name at the end that expands to none after blanks (preproc.c
      // expand_smacro; measured, nasm -E with B defined empty: `db 1%[B]2` is `db 1 2`, `db
      // 1%[%[B]]2` `db 1 2`, `db %[+ B]x` `db + x`, `db %[+%[B]]x` `db + x`; `db 1%[]2` is `db 12`).
      const blank = contents.length === 0 && (read.length > 0 || readEndsBlank);
      const endsBlank = blank || (contents.length > 0 && (this.endsBlank || readEndsBlank));
      let text = tokensText(contents);
      // Blanks the contents begin with stay before them, and keep them from the name before
      // (measured, nasm -E: `db 1,%[ 8]` is `db 1, 8`, `x%[ 5]` `x 5`, `1+%[%[ 8]]` `1+ 8`).
      const open = j === i ? { kind: 'op', text: '[', start: t.start + 2, end: t.start + 3 } as const : toks[i + 1];
      const lead = (inner.length > 0 && spaced(open, inner[0])) || (contents.length > 0 && spaced(open, contents[0]));
      let start = t.start;
      let first = t;
      const prev = out[out.length - 1];
      if (!lead && !blank && prev && prev.end === t.start && (prev.kind === 'ident' || prev.kind === 'number')) { text = prev.text + text; start = prev.start; first = prev; out.pop(); }
      const next = toks[j + 1];
      // (And a token after it that begins with a character of names, `#`, `$`, `~` too: measured,
      // with x5 7, `db x%[5]#` is `db x5#`, `db x%[5]$$` `db x5$$`, where `db x%[5]-` is `db 7-`;
      // not to a preprocessor word, which nasm pastes nothing to: with X `%line`, `%[X]40` is
      // `%line 40`, the directive.)
      if (!endsBlank && contents[contents.length - 1]?.kind !== 'preproc' && next && next.start === toks[j].end && (next.kind === 'ident' || next.kind === 'number' || isIdentChar(next.text.charCodeAt(0)))) { text += next.text; j++; }
      const end = toks[j].end;
      const gap = lead || spaced(out[out.length - 1], first);
      let before: Token | undefined;
      for (const r of tokenizeLine(text)) {
        if (r.kind === 'comment') continue;
        out.push({ kind: r.kind, text: r.text, start, end, src: t.src, at: NOWHERE, gap: before === undefined ? gap : before.end < r.start });
        before = r;
      }
      // Nothing: the blanks before it stay (measured, nasm -E: `db %[%1]` with %1 empty is `db `,
      // `db %[%1], 1` is `db , 1`); and a blank it ends with stays before what follows.
      if ((before === undefined && gap) || endsBlank) {
        const after = toks[j + 1];
        if (after === undefined && level > 0) this.indirectionEndsBlank = true;
        else if (after === undefined) this.substitution.endsBlank = true;
        else if (!spaced(toks[j], after) && after.text !== '%') { out.push(gapped(after, true)); j++; }
      }
      i = j;
    }
    return out;
  }

  // ---- string macros (manual §4.2) ----

  private stringDirective(f: Frame, file: string, line: number, d: string, toks: PPToken[], here: SourceRange): void {
    const name = toks[1];
    if (!isIdentifier(name)) { if (!isContextLocal(name)) this.sink.error('syntax', `\`${toks[0].text}' expects a macro identifier`, here, f.expansion); return; }
    const caseInsensitive = d.startsWith('%i');
    const op = caseInsensitive ? `%${d.slice(2)}` : d;
    const range = lineRange(file, line, name.start, name.end);
    if (op === '%defstr') {
      // The tokens' text after macro expansion (measured: `%defstr S __LINE__` is the line
      // number), spaced as written (`%defstr S Hello, world` is 'Hello, world').
      const expanded = this.expandSingle(toks.slice(2), file, line);
      const str = this.writtenBack(expanded, file, line) + ((this.endsBlank || this.substitution.endsBlank) && expanded.length > 0 ? ' ' : '');
      this.defineSingle(name.text, undefined, [{ kind: 'string', text: quoteBytes(new TextEncoder().encode(str)), start: name.start, end: name.end }], range, caseInsensitive, f.expansion);
      return;
    }
    // (nasm's messages name the directive as written: `%STRCAT`, measured.)
    const written = toks[0].text;
    if (op === '%substr') { this.substring(f, file, line, written, name, toks.slice(2), here, caseInsensitive); return; }
    const made = stringMacro(written, op, this.expandSingle(toks.slice(2), file, line), name);
    if ('error' in made) { this.sink.error('syntax', made.error, here, f.expansion); return; }
    if (made.control !== undefined) this.sink.error('syntax', made.control, here, f.expansion);
    if (made.openString !== undefined) this.sink.warning('open-string', made.openString, here, f.expansion);
    this.defineSingle(name.text, undefined, made.body, range, caseInsensitive, f.expansion);
  }

  /**
   * `%substr NAME string[,] start[, length]` as nasm 2.16.01 reads it (measured): its arguments
   * macro-expanded, a string first, then one comma or none, then the start and, when tokens
   * follow the token that ended it, the length, each an expression (see parseLeading: `'abcdef'
   * 2 3` is 'b', `'abcdef' 2, 3 junk` 'bcd'); an error in either defines nothing.
   */
  private substring(f: Frame, file: string, line: number, d: string, name: PPToken, rest: PPToken[], here: SourceRange, caseInsensitive: boolean): void {
    // (A number ending in `.` is the number and a `.`, as for any preprocessor expression: measured,
    // `%substr s 'abcdef' 2.` is 'b', `2, 2.` 'bc', `2., 2` "expression syntax error".)
    const args = withDotsApart(this.expandExpression(rest, file, line));
    const str = args[0];
    if (str === undefined || str.kind !== 'string') { this.sink.error('syntax', `\`${d}' requires a string as parameter`, here, f.expansion); return; }
    const from = args[1]?.text === ',' ? 2 : 1;
    if (from >= args.length) { this.sink.error('syntax', `\`${d}' requires a starting index`, here, f.expansion); return; }
    const valueAt = (k: number): { v: number; next: number } | undefined => {
      const parsed = parseLeading(args, k, this.limits.eval, this.sink, file, line, f.expansion);
      const v = parsed === undefined ? undefined : this.evaluateParsed({ expr: parsed.expr, trailing: undefined, tokens: args }, file, line, f, d);
      return typeof v === 'object' ? { v: v.v!, next: parsed!.next } : undefined;
    };
    const start = valueAt(from);
    if (start === undefined) return;
    const count = start.next < args.length ? valueAt(start.next) : { v: 1, next: args.length };
    if (count === undefined) return;
    const sub = substring(decodeString(str.text) ?? new Uint8Array(0), start.v, count.v);
    const body: PPToken[] = [{ kind: 'string', text: sub.length === 0 ? "''" : quoteBytes(sub), start: name.start, end: name.end }];
    this.defineSingle(name.text, undefined, body, lineRange(file, line, name.start, name.end), caseInsensitive, f.expansion);
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
      this.singles.beforeChange?.();
      for (const [key, list] of [...this.smacros]) {
        if (key.startsWith('..@')) continue;
        const kept = list.filter((m) => m.alias === true);
        if (kept.length === 0) this.smacros.delete(key); else this.smacros.set(key, kept);
      }
      this.mmacros.clear();
      this.macroChanges++;
      this.emptiedMacroNames.clear();
      // The standard multi-line macros go too (see withoutStandardMacros): lines naming one no longer pass as written.
      this.standardCleared = true;
      this.macroNames = newMacroNames();
      this.standardCalls.clear(this.out);
      return;
    }
    if (first.kind !== 'ident') { this.sink.warning('trailing', `trailing garbage after \`${toks[0].text}' ignored`, here, f.expansion); return; }
    if (CLEAR_WORDS.has(first.text.toLowerCase())) {
      this.sink.error('unsupported-directive', `\`%clear ${first.text}' makes nasm 2.16.01 loop forever: Ringside accepts only \`%clear' alone`, here, f.expansion);
      return;
    }
    this.sink.error('syntax', `invalid option to ${toks[0].text}: ${first.text}`, here, f.expansion);
  }

  private unmacro(f: Frame, file: string, line: number, d: string, toks: PPToken[], here: SourceRange): void {
    const name = toks[1];
    if (!isIdentifier(name)) { this.sink.error('syntax', `\`${toks[0].text}' expects a macro name`, here, f.expansion); return; }
    // The definitions of the same count range, greedy or not alike, go (preproc.c: `%unmacro X 1`
    // leaves a `%macro X 1+`; measured).
    const { min, max, greedy } = this.macroSpec(f, name.text, toks, here, file, line);
    // While a macro of the name, in any case and of any count, is being expanded nasm removes
    // none (measured with nasm 2.16.01: `%unmacro Z 1` or `%unimacro z 0` in Z's body, or in a
    // macro Z calls, is this error, in nasm's words for both, and a `Z 1` defined beside stays).
    // nasm compares the first definition of the name's entry with the end of each expansion under
    // way, and an entry left empty by an earlier %unmacro with any line of theirs still to come
    // (measured: `%unmacro Z 1` of the only `Z`, then `%unimacro Z 1` in a `%rep` before another
    // line of it, is this error in each round).
    const lower = name.text.toLowerCase();
    if (this.expanding(name.text) || (this.emptiedMacroNames.has(lower) && this.expansionLineAhead())) {
      this.sink.error('syntax', "`%unmacro' can't undefine the macro being expanded", here, f.expansion);
      return;
    }
    const key = d === '%unimacro' ? lower : name.text;
    const list = this.mmacros.get(key);
    const kept = list?.filter((m) => !(m.min === min && m.max === max && m.greedy === greedy && m.caseInsensitive === (d === '%unimacro')));
    if (!list || kept!.length === list.length) return;
    this.macroChanges++;
    if (kept!.length === 0) this.mmacros.delete(key); else this.mmacros.set(key, kept!);
    if (kept!.length === 0 && ![...this.mmacros.keys()].some((k) => k.toLowerCase() === lower)) this.emptiedMacroNames.add(lower);
  }

  /** Whether a macro's or %rep's expansion has a line to come after the one being read. */
  private expansionLineAhead(): boolean {
    return this.frames.some((fr) => fr.kind !== 'file' && fr.idx < fr.body!.length);
  }

  /** Whether a multi-line macro named `name` in any case is being expanded. */
  private expanding(name: string): boolean {
    const lower = name.toLowerCase();
    for (const m of this.inProgress.keys()) if (m.name.toLowerCase() === lower) return true;
    return false;
  }

  // ---- multi-line macros ----

  private multiLineCall(f: Frame, file: string, line: number, text: string, toks: PPToken[]): boolean {
    if (this.mmacros.size === 0 || toks.length === 0) return false;
    let at = 0;
    let m = this.findMacros(toks[0]);
    if (!m && toks.length > 1 && isIdentifier(toks[0])) {
      // `label: macro args` and `label macro args`: the label stays on its own line (manual §4.3);
      // not after a `?` alone, no name to nasm's preprocessor (measured: `? m` is no call).
      at = toks[1].text === ':' ? 2 : 1;
      if (at < toks.length) m = this.findMacros(toks[at]);
    }
    // A macro does not expand inside its own expansion unless defined with %rmacro (NASM manual
    // §4.3.1, measured: the name is then an ordinary label).
    if (m && this.inProgress.size > 0) m = m.filter((d) => d.recursive === true || !this.inProgress.has(d));
    if (!m || m.length === 0) return this.atDataCall(f, file, line, text, toks);
    const nameTok = toks[at];
    const callSite = lineRange(file, line, nameTok.start, toks[toks.length - 1].end);
    this.refer(m[0].name, nameTok, file, line);
    const call = matchCall(m, toks, at, file, line, callSite, f.expansion, this.sink, this.endsBlank || this.substitution.endsBlank, this.saneEmptyExpansion);
    if (call === undefined) return false;
    const { def, args, given } = call;
    const weight = argumentWeight(args);
    if (this.macroDepth >= Math.min(this.limits.macroLevels, this.limits.mmacros) || this.argumentTokens + weight > MAX_ARGUMENT_TOKENS) {
      // Reported at the outermost call, as nasm does.
      const outer = this.frames.find((fr) => fr.kind === 'macro');
      this.sink.error('limit-macro-levels', 'interminable multiline macro recursion',
        outer?.invocation?.callSite ?? callSite, outer ? outer.expansion.slice(1) : f.expansion);
      // (`nasm -E` prints the call not made as written.)
      if (this.opts.preprocessOnly === true) this.out.push(file, line, text, toks, this.originOf(f), LineFlag.ListOnly, undefined);
      else this.consume(f, file, line, text);
      return true;
    }
    // Arguments keep where they were written, so references inside them point at the call site.
    const located = args.map((a) => markedAs(a.map((t) => (t.src ? t : { ...t, src: lineRange(file, line, t.start, t.end) })), a));
    // A label before the call is a line of its own, unless the body takes it as `%00` (nasm 2.16).
    const label = at > 0 && usesCallLabel(def) ? (toks[0].src ? toks[0] : { ...toks[0], src: lineRange(file, line, toks[0].start, toks[0].end) }) : undefined;
    // `label macro args` without a colon: nasm does not take the label for an orphan (no
    // -w+label-orphan warning, measured), so it goes on with one.
    if (at > 0 && label === undefined) {
      const tokens: PPToken[] = at === 1 ? [toks[0], { kind: 'op', text: ':', start: toks[0].end, end: toks[0].end, src: toks[0].src }] : toks.slice(0, at);
      // (The label of a `.nolist` macro's call is not listed: the line lists as the call.) nasm
      // puts the label out as the expansion's first line: its messages are the macro's too
      // (measured: `G1: loc` redefining G1 is followed by "a.asm:28: ... from macro `loc' defined
      // here", the call's line).
      const origin = this.out.addOrigin({
        expansion: nestExpansion(callSite, f.expansion), depth: f.depth, macroCall: f.invocation?.callSite, outerCall: f.invocation?.outerCall, inMacro: f.invocation !== undefined, body: f.kind !== 'file',
        unlisted: f.unlisted === true || this.unlistedForGood, serial: f.serial, reportedAt: f.reportedAt, ...(this.listedLevels > 0 ? { listedLevels: this.listedLevels } : {}),
      });
      this.out.push(file, line, text, tokens, origin, def.nolist ? LineFlag.Label : LineFlag.CallLabel | LineFlag.Label, undefined);
    } else this.consume(f, file, line, text);
    const id = this.takeUniqueId(usesLocalLabels(def));
    const inv: MacroInvocation = { macro: def, args: located, count: Math.max(given, located.length), id, callSite, outerCall: f.invocation?.outerCall ?? callSite, name: nameTok.text, label };
    this.macroDepth++;
    this.argumentTokens += weight;
    this.inProgress.set(def, (this.inProgress.get(def) ?? 0) + 1);
    this.frames.push({
      kind: 'macro', file, body: def.body, idx: 0, expansion: nestExpansion(callSite, f.expansion), depth: f.depth + 1,
      invocation: inv, repLeft: 0, condBase: f.condBase, condCount: 0, unlisted: f.unlisted === true || def.nolist, serial: ++this.frameSerial,
      reportedAt: def.nolist ? f.reportedAt ?? callSite : f.reportedAt,
    });
    return true;
  }

  /**
   * An `at` line whose data calls a multi-line macro (`at rec.b, lbl`) or is a preprocessor
   * directive (`at rec.b, %define Q 7`; a `%line` is the parser's, see atDataIgnored): nasm's `at`
   * macro writes the data on a line of its own after the padding (see atLineParts), so the `at`
   * line goes on without it, then the data line is the call or the directive (measured with nasm
   * 2.16.01: `%define Q SM` there defines Q, SM expanded as the line was; `%warning w` warns).
   */
  private atDataCall(f: Frame, file: string, line: number, text: string, toks: PPToken[]): boolean {
    if (this.standardCleared || toks.length === 0) return false;
    const parts = atLineParts(toks);
    if (parts === undefined) return false;
    const { data } = parts;
    const named = (k: number): boolean => k < data.length && this.findMacros(data[k]) !== undefined;
    const d = data[0].kind === 'preproc' && data[0].text.toLowerCase() !== '%line' ? data[0].text.toLowerCase() : '';
    if (d === '' && !named(0) && !(data[0].kind === 'ident' && named(data[1]?.text === ':' ? 2 : 1))) return false;
    const at = parts.at.slice();
    at[parts.word] = { ...at[parts.word], dataApart: true };
    this.passOnPart(f, file, line, text, at);
    // (The data line is the `.nolist` macro's: listed and reported at the `at` line, as nasm does.)
    const inAt: Frame = { ...f, origin: undefined, unlisted: true, reportedAt: f.reportedAt ?? lineRange(file, line, toks[0].start, toks[toks.length - 1].end) };
    if (d !== '' ? !this.directive(inAt, file, line, text, d, data) : !this.multiLineCall(inAt, file, line, text, data)) this.passOnPart(inAt, file, line, text, data);
    return true;
  }

  /** Part of a line, `toks`, passed on to the assembler as a line of its own (read again as text, see reread). */
  private passOnPart(f: Frame, file: string, line: number, text: string, toks: PPToken[]): void {
    const again = reread(this.readEnvironment(toks, file, line), file, line) as PPToken[];
    this.bitsAndSection.trackBits(again);
    this.out.push(file, line, text, again, this.originOf(f), 0, undefined);
  }

  /**
   * The next `..@N` number (manual §4.3.4, §4.7), for a macro call or `%push`: nasm's counter, which
   * the standard macros called on the lines passed on before also advance (standard-macros.ts).
   * Those lines are read for it only when the number is `needed` (a call of a macro without `%%`
   * labels takes its number unread: -1).
   */
  private takeUniqueId(needed: boolean): number {
    this.uniqueIdLines.push(this.out.count);
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
}

const MACRO_DEFINERS = new Set(['%macro', '%imacro', '%rmacro', '%irmacro']);

/** The words a single-line macro's body names its call with: the name as called, or as defined. */
const CALL_NAMES: Readonly<Record<string, 'called' | 'defined'>> = { '%?': 'called', '%*?': 'called', '%??': 'defined', '%*??': 'defined' };

/** The directives that read a macro name as nasm 2.16.01's get_id reads one (preproc.c): a name that may be written in pieces (see nameInPieces). */
const NAME_TAKERS: ReadonlySet<string> = new Set([
  '%define', '%idefine', '%xdefine', '%ixdefine', '%assign', '%iassign', '%undef', '%defalias', '%idefalias', '%undefalias',
  '%defstr', '%idefstr', '%deftok', '%ideftok', '%pathsearch', '%ipathsearch', '%strlen', '%istrlen', '%strcat', '%istrcat', '%substr', '%isubstr',
]);

/** The words nasm 2.16.01's `%clear` knows (preproc.c). */
const CLEAR_WORDS: ReadonlySet<string> = new Set(['all', 'define', 'def', 'smacro', 'defalias', 'alias', 'salias', 'alldef', 'alldefine', 'macro', 'mmacro', 'context', 'ctx', 'global', 'nothing', 'none', 'ignore']);

/**
 * The definitions of a name a block the assembler decides left undecided, each way's `ways` (see
 * Undecided.ways), when its call (`rest`, the name last) finds the same one in every way, or none
 * alike: one way's, for the call to be read as in any; else undefined.
 */
function agreedWay(ways: readonly (readonly SingleLineMacro[])[], rest: readonly PPToken[]): readonly SingleLineMacro[] | undefined {
  const top = rest.length - 1;
  // The call's argument count, when it has a list.
  let count: number | undefined;
  const j = rest[top - 1]?.text === '(' ? closingParenthesis(rest, top - 1) : -1;
  if (j >= 0) {
    const inside: PPToken[] = [];
    for (let k = top - 2; k > j; k--) inside.push(rest[k]);
    count = inside.length === 0 ? 1 : splitArguments(inside, 0, Infinity).length;
  }
  const called = (w: readonly SingleLineMacro[]): SingleLineMacro | 'none' | 'unmatched' => {
    const newest = w[w.length - 1];
    if (newest === undefined) return 'none';
    if (newest.params === undefined) return newest;
    if (count === undefined) return 'none';
    for (let k = w.length - 1; k >= 0; k--) if (takesCount(w[k].params, w[k].modifiers, count)) return w[k];
    return 'unmatched';
  };
  const first = called(ways[0]);
  if (first === 'none') return undefined;
  for (let i = 1; i < ways.length; i++) {
    const c = called(ways[i]);
    if (typeof c === 'string' || typeof first === 'string' ? c !== first : !sameDefinition(c, first)) return undefined;
  }
  return ways[0];
}

/**
 * Where the call's parenthesis opened at `open` in `rest` (the next token last) closes, -1 when
 * it does not: parentheses and commas in braces do not count.
 */
function closingParenthesis(rest: readonly PPToken[], open: number): number {
  let depth = 0, braces = 0;
  for (let j = open; j >= 0; j--) {
    const x = rest[j];
    if (x.kind !== 'op') continue;
    if (x.text === '{') braces++;
    else if (x.text === '}') { if (braces > 0) braces--; }
    else if (braces > 0) continue;
    else if (x.text === '(') depth++;
    else if (x.text === ')' && --depth === 0) return j;
  }
  return -1;
}

function argumentWeight(args: readonly (readonly PPToken[])[]): number {
  let n = 0;
  for (const a of args) n += a.length;
  return n;
}


/**
 * Whether the expanded tokens of `%error`/`%warning`/`%fatal` (`%1`, `%$x` and single-line macros
 * expanded) are a lone string, which nasm prints without its quotes (stringMessage); else it
 * prints the line written back (writtenBack), with the blank an empty expansion at the end leaves.
 */
function isLoneString(expanded: readonly PPToken[]): boolean {
  return expanded.length === 1 && expanded[0].kind === 'string';
}

function stringMessage(t: PPToken): string {
  const bytes = decodeString(t.text);
  return bytes !== undefined ? new TextDecoder().decode(bytes) : t.text.slice(1, -1);
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

const enum Flag { Preproc = 1, ContextLocal = 2, Indirection = 4 }

/**
 * Whether `t` is a `%{...}` whose contents start with a blank, which nasm -E writes as `%` and the
 * contents as written, to the `}` or the line's end, a comment too (measured with nasm 2.16.01:
 * `db %{ 4}` is `db % 4`, `db %{ [x ; c` unterminated `db % [x ; c`), where its assembler reads
 * them again apart (see reread).
 */
function isBlankBraced(t: PPToken): boolean {
  return t.kind === 'preproc' && t.text.length > 1 && (t.text.charCodeAt(1) === 0x20 || t.text.charCodeAt(1) === 0x09);
}

/**
 * Whether `nasm -E` writes `t` as it stands, not as reread reads it: a `%` construct with blanks
 * after the `%` (see isBlankBraced), or a macro-local name with a comment in it (`%{%%y:dw 2 ; c`,
 * see macro-parameters.ts macroLocalTokens), whose comment nasm -E keeps.
 */
function writtenUnread(t: PPToken): boolean {
  return isBlankBraced(t) || (t.kind === 'preproc' && t.text.includes(';'));
}

/** Which `%` constructs a line has: any preprocessor token, `%$name`, `%[` (or `%{[`: see bracedIndirection). */
function lineFlags(toks: readonly PPToken[]): number {
  let flags = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'preproc') {
      const c = t.text.charCodeAt(1);
      flags |= c === 0x24 ? Flag.Preproc | Flag.ContextLocal : c === 0x5b ? Flag.Preproc | Flag.Indirection : Flag.Preproc;
    }
    else if (isPercentOperator(t) && toks[i + 1]?.text === '[') flags |= Flag.Indirection;
  }
  return flags;
}

/**
 * A `%` written alone, which a `[` right after it makes a `%[...]`; not the `%` an empty `%{}`
 * makes, whose `[` after it is the operator's operand (measured with nasm 2.16.01: `db 3, %{}[2]`
 * is `db 3, %[2]` to -E and an expression syntax error).
 */
function isPercentOperator(t: PPToken): boolean {
  return t.kind === 'op' && t.text === '%' && t.end - t.start === 1;
}

/**
 * The contents of a `%{[...}` token (tokenizeLine makes it `%[...`): nasm 2.16.01's tokenizer,
 * the braces dropped, classes it by its `[` as a `%[...]` whose contents are all that follows the
 * `[` to the `}` or the line's end, a `]` included (measured: `db 3, %{[2]}` is `db 3, 2]`, 03 02;
 * `db 1, %{[` unterminated is `db 1, `; with x 5, `db %{[x ]}` is `db 5 ]`): its tokens, at their
 * columns, blanks between them as written.
 */
function bracedIndirection(t: PPToken): PPToken[] {
  // (`%{[` is written where the token's text has `%[`: a column further on.)
  const at = t.start + 3;
  return tokenizeLine(t.text.slice(2)).map((r) => ({ kind: r.kind, text: r.text, start: at + r.start, end: at + r.end, src: t.src }));
}

/** nasm's conditional comma, `%,`, in a single-line macro's body or argument (see expandCall). */
/** An `%elif` (any form), `%else` or `%endif` line: one that ends a conditional group's branch. */
function endsBranch(toks: readonly PPToken[]): boolean {
  const t = toks[0];
  if (t === undefined || t.kind !== 'preproc') return false;
  const d = t.text.toLowerCase();
  return (d.startsWith('%el') || d === '%endif') && isConditional(d);
}

/**
 * Drops the commas of a body's `%,` that have nothing after them, `pending` their indices, the
 * last tokens of `expansion`; whether one had blanks before it, which the token after keeps.
 */
function dropConditional(expansion: PPToken[], pending: readonly number[]): boolean {
  let blank = false;
  for (let k = pending.length - 1; k >= 0 && pending[k] === expansion.length - 1; k--) blank = expansion.pop()!.gap === true || blank;
  return blank;
}

function isConditionalComma(t: PPToken): boolean {
  return t.kind === 'preproc' && t.text === '%,';
}

/** The index of the last of `toks` that is no conditional comma, -1 when none is. */
function lastNotConditional(toks: readonly PPToken[]): number {
  let k = toks.length - 1;
  while (k >= 0 && isConditionalComma(toks[k])) k--;
  return k;
}

/** The comma a `%,` makes, with blanks before it or not. */
function commaFor(t: PPToken, gap: boolean): PPToken {
  return { ...t, kind: 'op', text: ',', gap };
}

/** `file` relative to `dir` when it is inside it (how nasm, run in `dir`, names an included file). */
function relativeTo(dir: string, file: string): string {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}

/**
 * Whether a name after `t` in a line of code is read as text, not as an expression: the argument
 * of a directive such as `bits` or `section`, or a section attribute's value (`align=`), where a
 * number the assembler holds (see DeferredConstant) cannot stay a name.
 */
function takesText(t: PPToken): boolean {
  return t.text === '=' || (t.kind === 'ident' && TEXT_ARGUMENTS.has(t.text.toLowerCase()));
}

const TEXT_ARGUMENTS: ReadonlySet<string> = new Set(['bits', 'use16', 'use32', 'section', 'segment', 'sectalign', 'global', 'extern', 'required', 'common', 'static', 'cpu', 'default',
  'struc', 'istruc', 'at']);

/**
 * `%str()`'s argument as nasm 2.16.01 takes it (measured): one that begins with a `{` loses it and
 * every `}` that closes a group at the argument's level, as a single-line macro's argument does
 * (see splitModifiedArguments), what follows kept (`%str({a}, b)` is 'a, b', `%str({a}{b})`
 * 'a{b', `%str({{a}}{b})` '{a}{b'; `%str(x {a})` keeps the braces).
 */
function withoutLeadingBraces(inside: PPToken[]): PPToken[] {
  if (inside[0].text !== '{') return inside;
  const out: PPToken[] = [];
  let depth = 1;
  // The `}` dropped just before: what follows keeps the blanks it had after it.
  let dropped: PPToken | undefined;
  let closed = false;
  // Blanks inside the first group before anything kept begin the argument (measured: `%str({ a})`
  // is ' a', `%str({ }a)` ' a', `%str({} a)` 'a').
  let lead = false;
  for (let k = 1; k < inside.length; k++) {
    const t = inside[k];
    lead ||= out.length === 0 && !closed && spaced(inside[k - 1], t);
    if (t.text === '{') depth++;
    else if (t.text === '}' && depth > 0 && --depth === 0) { dropped = t; closed = true; continue; }
    const kept = dropped !== undefined ? gapped(t, spaced(dropped, t)) : t;
    out.push(lead && out.length === 0 ? blankFirst(kept) : kept);
    dropped = undefined;
  }
  // (A group never closed is left as written.)
  return closed ? out : inside;
}

/** How many tokens nasm's list of `toks` has: each blank between two is one as well. */
function nasmTokenCount(toks: readonly PPToken[]): number {
  let n = toks.length;
  for (let k = 1; k < toks.length; k++) if (spaced(toks[k - 1], toks[k])) n++;
  return n;
}

/**
 * A cpp line marker, `# nnn "file"`, with its `#` first on the line: nasm 2.16.01 reads it as
 * `%line` (measured: `# 5 "f.asm"` names the next line f.asm:6, as `%line 5 "f.asm"` does;
 * `#x` is "`#' expects a line number"; an indented `#` is no marker).
 */
function isLineMarker(text: string, first: Token | undefined): boolean {
  return text.charCodeAt(0) === 0x23 && first !== undefined && first.start === 0 && first.text === '#';
}

/** What an `%xdefine`'s parameter is named while its body expands (see expandedBody): no source can write it. */
const HELD_PARAMETER = '\0param';

/** The package `%use` names by token `t` (a word or a string, in any case; '' for none). */
function packageName(t: PPToken | undefined): string {
  return t === undefined ? '' : (t.kind === 'string' ? stringText(t.text) : t.text).toLowerCase();
}

/**
 * `toks`, a line of code while `%aliases off`, with each alias of one of nasm's token macros
 * (`__float32__`) a name of its own to the assembler as to nasm's (measured, nasm 2.16.01: `dd
 * __utf16__("ab")` is "comma expected after operand"): written `$__float32__`, and as written for
 * -E (see PPToken.unmacroed).
 */
function aliasesAsNames(toks: PPToken[]): PPToken[] {
  if (!toks.some((t) => t.kind === 'ident' && isTokenMacroAlias(t.text))) return toks;
  return toks.map((t) => (t.kind === 'ident' && isTokenMacroAlias(t.text) ? { ...t, text: `$${t.text}`, unmacroed: true } : t));
}

/**
 * Whether `e`, the expansion of a function's string argument or of a `&` parameter's argument `a`
 * (its own first blank left out), begins with a blank to nasm's expand_smacro, which keeps blanks
 * as tokens: one written after a name that expanded to nothing (measured with nasm 2.16.01,
 * `%define E`: `%str(E x)` is ' x', `%str(E,x)` ',x', `%str(E"a")` '"a"') or one a function's
 * result put first (`%str(%cond(1 , 5))` ' 5'); and an argument that expands to nothing at all,
 * which nasm makes one blank ("expanded to empty line": `%str(E)` is ' ', as `Q(E)` is with
 * `%define Q(&x) x`).
 */
function expandsToBlankFirst(a: readonly PPToken[], e: readonly PPToken[]): boolean {
  return e.length > 0 ? e[0].gap === true : a.length > 0;
}
