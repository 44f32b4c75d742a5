// Multi-pass assembly like nasm's optimizer (NASM manual §2.1.24 -Ox): each pass sizes every
// statement with the symbol values of the pass before; passes repeat until no label moves, then a
// final pass emits bytes and reports problems. Sections are laid out after every pass (sections.ts).

import { type SourceRange, UNREADABLE_DIRECTORY } from './api';
import { DiagnosticSink } from './diagnostics';
import { conditionsOf, reportParsed, runCheck, type CheckCode, type CheckMessage, type CheckScope, type DeferredCheck } from './deferred-check';
import { segmentSize } from './bits-and-section';
import { DATA_UNIT, isKeywordWord, isPrimitiveDirective, isUnreadableWord, RESERVE_UNIT } from './directives';
import { DEFAULT_EVAL_LIMIT, evaluate, SHIFTS, evaluateInSegments, ExprParser, givesUp, scalarOnlyMessage, scannedOverflow, fullName, isStackOverflow, qualifyName, readNamesUnder, resetEvaluation, sectionTerms, powerOfTwo, externalCoefficients, externalConstantOf, type ExternalName, isLocalName, MULTIPLE_BASES, MISPLACED_LABEL, EXTERNAL_SEGMENTS, UNPLACED_SEGMENT, symbolName, wrtSegmentNumber, type EvalContext, type Expr, type Value } from './expr';
import { firstLeaf, holdsConditional } from './expr-walk';
import { INVALID_OPERAND, registerFactors, reserveCount, withoutRegisters } from './register-sum';
import { encode, formReachesOperand, OBSOLETE_REMOVED, wideRegisterProblem } from './instruction-set';
import { DEFAULT_FLOAT_MODE, floatFunction, floatModeAfter, type FloatMode } from './floats';
import { encodedFields, headCalls, modrmStart } from '../isa/encode-fields';
import { DataBuilder, relocation, type ListedStatement } from './listing-data';
import { dropsStatement } from './listing-errors';
import { EncodeCache, Encoding, oneValueKey, operandKey, valueShape, type ByValue } from './encode-cache';
import { dirName, joinPath, searchPlaces } from './paths';
import { directiveValueText, tokensText } from './macros';
import { carriedOnMemory, invalidEffectiveAddress, MIB_PROBLEM, MODE_ADDRESS, REGISTER_OPERATOR, resolveMemory, type RegisterSum } from './effective-address';
import { braceProblem, INSTRUCTION_EXPECTED, isWrt, parseStatement, rawDirectiveValue, registerOutsideDialect, semicolonIn, wrtOperand, setsLocalBase, StatementKind, type DataItem, type Decoration, type EquRegisterBranch, type ParseOutcome, type ParsedOperand, type ParsedStatement, type SharedBases } from './parser';
import { dataPieces, DataWriter, hasReserve, onlyReserve, reservations, staticItems, type DataPiece } from './data-bytes';
import { readMapDirective, type MapFile, type MapRequest, type MapSymbol } from './map-file';
import { buildImage, layoutSections, loadAddress, LOAD_SEGMENTS, MAX_SECTION_BYTES, newSection, segmentAddress, segmentSection, writeBytes, writeRepeated, type Section } from './sections';
import { LineFlag, lineRange, spaced, type PPLines, type PPToken } from './source';
import { percentEatsComma } from './token-paste';
import type { SectDefinition, SizeDefinition, StructureText } from './preprocessor';
import { DeclarationDirectives } from './declaration-directives';
import { StatementResults } from './statement-results';
import { FirstPassEqus, mentionsAny } from './first-pass-equs';
import { firstPassEquValue, firstPassEvaluation, firstPassNumber, firstTermValue, hasZeroSegmentPart, impossibleSegmentPart, invalidOperandValue, mayRefuse, namesNumbersOperator, namesProduct, refusedAsData, registersOf, segmentBased, type FirstPassEvaluation } from './eval-vector';
import { NASM_LIMITS, TimeBudget, TIME_BUDGET_MESSAGE, type ResolvedLimits } from './limits';
import { decodeSource } from './source-encoding';
import { CONTROL_IN_STRING, cutAtControl, decodeString } from './strings';
import { isQuoted, openString, tokenizeLine } from './lexer';
import type { AsmOperand, EncodeRequest, EncodeResult, ImmOperand, MemOperand, Optimization, OperandValue, PrefixName, RegOperand } from '../isa/operands';
import { ANY_CPU, CPU_186, CPU_386, CPU_8086, cpuWord, formCpuRank, jccOverJmp } from '../isa/cpu-level';
import { lookupRegister, REGISTERS } from '../isa/registers';
import { chosenAlignMode, paddingBytes, SMARTALIGN_DIRECTIVE, smartPadding, withAlignMode, type SmartAlign } from './smart-align';
import { ifidniCommaTooMany } from './standard-macros';
import { isNasmRegister, isRegisterOutsideDialect } from '../isa/nasm-registers';
import type { Gpr16, Gpr32, RegisterInfo, SegmentRegister } from '../isa/types';
import { wordTable } from '../word-table';

const NO_PREFIX_NAMES: readonly PrefixName[] = [];

/** The encoder's operand for each register: one object each, not one per instruction encoded. */
const REGISTER_OPERANDS: ReadonlyMap<RegisterInfo, RegOperand> = new Map(REGISTERS.map((r) => [r, { kind: 'reg', reg: r.name }]));

/** What the assembler rewrites in place for each instruction it encodes (see Assembler.request). */
type Scratch<T> = { -readonly [K in keyof T]: T[K] };

/** The displacement of a memory operand written without one. */
const NO_DISPLACEMENT: OperandValue = { value: 0, reloc: false };

/** One zero byte: the unit of padding and of `resb` in progbits sections. */
const ZERO = Uint8Array.of(0);
const NO_DATA_BYTES = new Uint8Array(0);

/** The largest address Ringside places labels from (see Assembler.exactAddress). */
const MAX_EXACT_ADDRESS = 2 ** 52;

/** nasm gives up after a similar number of passes with "phase error". */
const MAX_PASSES = 60;

/**
 * "zeroing" warnings given for one statement at most: nasm gives one for each reservation a data
 * directive makes (`times 1000 db ?` warns 1000 times), which would bury the editor's others.
 */
const MAX_ZEROING_WARNINGS = 64;

/** Copies of an error nasm gives once for each `times` repetition or `dup` copy given at most (see repeatPutOut): as MAX_ZEROING_WARNINGS. */
export const MAX_REPEATED_ERRORS = 64;

/** The errors nasm gives of a memory reference as it sizes the instruction, in each pass (see repeatSizingErrors). */
const SIZING_ERROR = /^(impossible combination of address sizes|invalid (16|32)-bit effective address)$/;
const ABSOLUTE_DISPLACEMENT_SIZE = 'displacement size ignored on absolute address';

/** "data exceeds bounds" warnings given for one statement at most: nasm gives one for each `dup` copy (see writeGroup). */
const MAX_OVERFLOW_WARNINGS = 64;

export interface SymbolDef {
  readonly name: string;
  kind: 'label' | 'constant';
  /** Section index, or -1 for absolute values (constants, labels in `absolute`/`struc`). */
  sec: number;
  /** Offset in the section, or the absolute value. */
  value: number | undefined;
  /** Constants beyond ±2^53: the exact value. */
  big: bigint | undefined;
  /** Statement index that defines it. */
  readonly stmt: number;
  pass: number;
  /** Where the name is written in that statement's line (see symbolRange), or its substituted source. */
  readonly span: { readonly start: number; readonly end: number };
  readonly src: SourceRange | undefined;
  readonly isStruc: boolean;
  /**
   * A label the body of one of nasm's standard macros defines, which Ringside assembles itself
   * (istruc's `%$strucstart`, smartalign align's `%$end`): the map lists it, as nasm's does; no
   * line of the source names it, so the editor shows it nowhere.
   */
  readonly internal?: true;
}

/** Where a symbol is defined; made on demand (most symbols are never asked). */
export function symbolRange(def: SymbolDef, lines: PPLines, lineOf: Int32Array): SourceRange {
  if (def.src !== undefined) return def.src;
  const l = lineOf[def.stmt];
  return lineRange(lines.file(l), lines.line[l], def.span.start, def.span.end);
}

export interface AssemblyOutput {
  readonly image: Uint8Array;
  readonly origin: number;
  readonly symbols: Map<string, SymbolDef>;
  /** The external names (see ExternalName), when there are any: the listing's values cancel them as the assembly did. */
  readonly externals?: ReadonlyMap<string, ExternalName>;
  readonly results: StatementResults;
  readonly sections: Section[];
  /** The map file `[map]` asked for, with the sections and symbols it reports. */
  readonly map?: MapFile;
  /** What the final pass's deferred %if blocks made their macros' numbers, in order (see DeferredConstant). */
  readonly constants?: readonly ConstantSet[];
  /** The -O level it was assembled at (AssemblerHost.optimization), which the listing encodes at again. */
  readonly optimization?: Optimization;
  /** The structure each `at` statement's `istruc` names, by statement index: whose field an `at .x` is. */
  readonly atStructures?: ReadonlyMap<number, string>;
  /**
   * The name each `endstruc`'s line measures from, by the size it defined: the structure's
   * (`pt_size`, or `ptps` after a `%define _size ps`: see sizeLine), or what a `%define` of it
   * made it there (`qq_size` after `%define pt qq`: see renamedEnd). The language server renames
   * a structure and its size together.
   */
  readonly structureSizes?: ReadonlyMap<string, string>;
  /**
   * The segment size each `bits`/`use16`/`use32` statement of the final pass set, by statement
   * index; the statements after it are assembled in it (16 before the first, as nasm's bin format).
   */
  readonly bitsSet?: ReadonlyMap<number, 16 | 32>;
  /**
   * Warnings of nasm's first pass, which it prints only when it stops after that pass (an error
   * of its first pass anywhere in the file; see index.ts): a forward reference in a `resb` count.
   */
  readonly firstPassWarnings?: readonly FirstPassWarning[];
  /** By statement index, what the final pass's `endstruc` ran of a `__?SECT?__` of the source's (see runSectBody), for the listing. */
  readonly sectBodies?: ReadonlyMap<number, ParsedStatement>;
  /**
   * By statement index, the segment of the absolute space an `endstruc` of the final pass went
   * back to, its `absolute` line run again (see placeAgain), for the listing's offsets there.
   */
  readonly endstrucSegments?: ReadonlyMap<number, number>;
}

/** A warning held for index.ts to give when nasm would stop after its first pass (see AssemblyOutput.firstPassWarnings). */
export interface FirstPassWarning {
  readonly code: string;
  readonly message: string;
  readonly range: SourceRange;
  readonly expansion: readonly SourceRange[] | undefined;
  /** The preprocessed line it is about. */
  readonly line: number;
}

/** Single-line macro `name` is number `value` (undefined: none) from statement `at` on (see DeferredConstant). */
interface ConstantSet {
  readonly at: number;
  readonly name: string;
  readonly value: number | undefined;
}

export interface AssemblerHost {
  readonly readBinary?: (path: string) => Uint8Array | typeof UNREADABLE_DIRECTORY | undefined;
  readonly includePaths: readonly string[];
  /** incbin, like %include, looks in the working directory first (see searchPlaces). */
  readonly mainFile: string;
  readonly workingDirectory?: string;
  /** How messages name a file found (AssembleOptions.fileName). */
  readonly fileName?: (file: string, written: string | undefined) => string;
  readonly limits?: ResolvedLimits;
  readonly budget?: TimeBudget;
  /**
   * The text an `at .member` on output line `line` has for its field when a single-line macro
   * stands for the member's full name (`%define pt.y 2`); else undefined.
   */
  readonly atMember?: (line: number) => string | undefined;
  /** `%if` blocks the preprocessor left to the assembler, by statement (see deferred-check.ts). */
  readonly checks?: readonly DeferredCheck[];
  /** `-O0` or `-O1` (EncodeRequest.optimization); absent: -Ox. */
  readonly optimization?: Optimization;
  /**
   * Per statement, the non-local label its `.x` names hang from when it is a statement shared by
   * lines under different labels, whose names are kept as written (see `shared` in parser.ts);
   * undefined (or a hole) for any other. Absent when there is none.
   */
  readonly sharedBases?: SharedBases;
  /**
   * Whether the statements were parsed from the file's last non-local label on, as nasm's later
   * passes read them (see index.ts): a `.x` before the first label is under that one.
   */
  readonly baseCarried?: boolean;
  /** The `[float]` mode the statements were parsed in: the one the file ends in (see index.ts); the default when absent. */
  readonly parsedFloatMode?: FloatMode;
  /** The source's definitions of `__?SECT?__`, which `endstruc` goes to (see endStructure). */
  readonly sectDefinitions?: readonly SectDefinition[];
  /** The source's definitions of names ending `_size`, which `endstruc`'s line reads (see sizeLine). */
  readonly sizeDefinitions?: readonly SizeDefinition[];
  /**
   * What the structure named `name` is called by its `endstruc` on preprocessed line `line`: its
   * name and size name expanded by the single-line macros there (see renamedEnd); undefined when
   * no single-line macro has the name.
   */
  readonly structureAtEnd?: (line: number, name: string) => StructureText | undefined;
  /** Whether the `at`, `iend` or `endstruc` on preprocessed line `line` found no structure's context (see PreprocessResult.structureLost). */
  readonly structureLost?: (line: number) => boolean;
  /** The `..@N` number of the context the standard macro called on preprocessed line `line` pushes (see PreprocessResult.pushedContext). */
  readonly pushedContext?: (line: number) => number | undefined;
  /** The `..@N` number of the context the `at`, `iend` or `endstruc` on preprocessed line `line` found on top of the stack (see PreprocessResult.structureContext). */
  readonly foundContext?: (line: number) => number | undefined;
  /**
   * Assemble one of nasm's passes alone and stop, its output's bytes none: its first (`before`
   * undefined), or a later one starting from the labels and layout pass `before` left, as nasm's
   * next pass does though the preprocessor gave it other lines (see finalRun in index.ts).
   */
  readonly onePass?: { readonly before: AssemblyOutput | undefined };
}

/** Statement `i` came from line `lineOf[i]` of `lines` (statements of identical lines may be one object). */
export function assembleStatements(stmts: readonly ParsedStatement[], lines: PPLines, lineOf: Int32Array, sink: DiagnosticSink, host: AssemblerHost, frontEndOnly: boolean): AssemblyOutput {
  return new Assembler(stmts, lines, lineOf, sink, host).run(frontEndOnly);
}

/** Directives the listing replays: what encodings depend on (`bits`, `cpu`), and absolute space. */
const LISTING_STATE: ReadonlySet<string> = new Set([SMARTALIGN_DIRECTIVE, 'bits', 'use16', 'use32', 'cpu', 'absolute']);

/**
 * What the listing shows of each statement (see listing-data.ts), worked out after the assembly
 * from what it left: the passes keep the bytes and no more, so an assembly whose listing is not
 * read pays nothing for it. An Assembler over the finished one's symbols and sections reads each
 * statement again as the final pass saw it.
 */
export function listStatements(stmts: readonly ParsedStatement[], sharedBases: SharedBases, lines: PPLines, lineOf: Int32Array, output: AssemblyOutput,
  warned: ReadonlySet<number>): (ListedStatement | undefined)[] {
  return new Assembler(stmts, lines, lineOf, new DiagnosticSink(), { includePaths: [], mainFile: '', optimization: output.optimization, sharedBases }).listing(output, warned);
}


interface StrucState {
  readonly name: string; readonly base: number; readonly stmt: number;
  /** The segment `base` is in (a label's, an external name's: see structurePlace), -1 for a number. */
  readonly sec: number;
  /** The structure this one was begun in (nasm's struc is a macro over the context stack: it nests). */
  readonly outer: StrucState | undefined;
  /** nasm's error for `NAME_size equ ($-NAME)` at `endstruc` when the name is a register or a keyword (see strucNameProblem). */
  readonly sizeError?: string;
  /**
   * Its name was followed by more than the base (`struc S x`): nasm's `S x:` and `S x_size equ
   * ($-S x)` are the label `S` then "parser: instruction expected", twice (see `struc`).
   */
  readonly trailing: boolean;
  /**
   * The directive the macro's label line makes of a bracketed name (`struc [bits 16]` is the line
   * `[bits 16]:`), which endstruc's `[bits 16]_size equ ($-[bits 16])` makes again (see strucDirective).
   */
  readonly labelDirective?: ParsedStatement;
}

/** Directives nasm takes in brackets alone, which the assembler reads before it runs its lines. */
const BRACKETED_ONLY: ReadonlySet<string> = new Set(['warning', 'map', 'list', SMARTALIGN_DIRECTIVE]);

/** The binary operators nasm applies to numbers alone (see scalarOnlyMessage; expr.ts isScalarOnly has the unary ones and the functions too). */
const BINARY_SCALAR_ONLY: ReadonlySet<string> = new Set(['/', '//', '%', '%%', '<<', '>>', '<<<', '>>>', '&', '|', '^', '&&', '||', '^^']);

/** Whether two `equ`s of external names give the same value. */
function sameExternal(a: ExternalName | undefined, b: ExternalName | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.root === b.root && a.rest.v === b.rest.v && a.rest.sec === b.rest.sec;
}

/** An external name's value where its root cancels out (see ExternalName). */
const ABSOLUTE_ZERO: Value = Object.freeze({ v: 0, sec: -1 });

/**
 * Where an `absolute` nasm could not read leaves its first pass (see enterUnplacedSpace): its
 * offset; its segment is UNPLACED_SEGMENT (expr.ts), an external one no external name has.
 */
const UNPLACED_OFFSET = 0x100;

/** An `absolute` address nasm read, but as no place ("cannot use non-relocatable expression"): see unreadAddress. */
const NOT_RELOCATABLE = 'not relocatable';

/**
 * How a pass can redo a statement without reading its parse: a statement's parse is a handful of
 * objects scattered over the heap (shared with identical lines and kept across assemblies), and in
 * a large file reading them costs a cache miss each, while these facts sit in one typed array.
 */
const enum Route {
  /** Read the statement. */
  General,
  /** Only a label, which the statement defines (`labelSymbol`). */
  Label,
  /**
   * An instruction without `times`, with a static encoding under `EncodeCache.bits` that has no
   * problems (`EncodeCache.result`), perhaps after a label the statement defines.
   */
  StaticCode,
}

class Assembler implements EvalContext {
  /** (Not readonly: the listing's Assembler takes the finished one's: see listing().) */
  private symbols = new Map<string, SymbolDef>();
  private sections: Section[] = [];
  private readonly sectionByName = new Map<string, Section>();
  /** Whether each section (by index) holds bytes: fixed by its first declaration, or by its name. */
  private readonly sectionTypes = new Map<number, boolean>();
  private readonly results: StatementResults;
  /** Encodings of statements, reused across passes while their inputs stay the same. */
  private readonly cache: EncodeCache;
  /**
   * Per statement: the symbol its label defines, and the symbol its one value names (see
   * operandValueOf), once found: later passes skip the lookups by name. Symbols are never
   * removed during an assembly, so what was found stays right.
   */
  private readonly labelSymbol: (SymbolDef | undefined)[];
  /** By statement, the symbol of the label of an `at` line's fill (see define). */
  private fillLabelSymbol: Map<number, SymbolDef> | undefined;
  private readonly valueSymbol: (SymbolDef | undefined)[];
  /** Per statement: its Route, as the pass before found it. */
  private readonly route: Uint8Array;
  /** What operandValueOf answers for a name (one record, not one per statement and pass). */
  private readonly nameValue: Value = { v: undefined, sec: -1 };
  /** What encoding() asks the encoder, rewritten for every instruction (the encoder keeps none of it). */
  private readonly request: Scratch<EncodeRequest> = { mnemonic: '', operands: [], prefixes: NO_PREFIX_NAMES, bits: 16, address: 0, section: 0, sectionOffset: 0, optimization: undefined };
  /**
   * `-O0` or `-O1` (undefined: -Ox). The encodings kept on statements and across assemblies are
   * -Ox's: at another level each instruction is encoded as Encoding.Own (see EncodeCache).
   */
  private readonly optimization: Optimization | undefined;
  /**
   * The request's operands, rewritten likewise: by operand count, the lists; by position, the
   * immediate and memory operands and displacements (made on first use). Objects made per
   * instruction would be garbage by the next one, and a large file encodes tens of thousands.
   */
  private readonly operandLists: AsmOperand[][] = [];
  private readonly imms: Scratch<ImmOperand>[] = [];
  /** Per deferred %if block holding code: the branches it took in the last pass (see check). */
  private readonly checkPaths: string[] = [];
  /** The single-line macros deferred %if blocks made numbers in this pass so far (see DeferredConstant). */
  private readonly deferredConstants = new Map<string, number>();
  /** How this pass set them, for the listing (AssemblyOutput.constants). */
  private constantSets: ConstantSet[] = [];
  private readonly mems: Scratch<MemOperand>[] = [];
  private readonly disps: Scratch<OperandValue>[] = [];
  /** The line of the statement being assembled: diagnostics point into it. */
  private line = 0;
  private pass = 0;
  private final = false;
  /**
   * The runs of a deferred %if's code with parse diagnostics, and the errors its preprocessing held,
   * that a pass took, and those the latest pass run as final took (see reportEarlierBranches).
   */
  private errorsTaken: Set<CheckCode | CheckMessage> | undefined;
  private errorsTakenFinal = new Set<CheckCode | CheckMessage>();
  private changed = false;
  /**
   * This pass's inconsistent redefinitions, by name: nasm's symbol takes each one, so the next is
   * measured against it (measured: `x equ 1`, `x equ 2`, `x equ 2`, `x equ 3` is an error at lines 2
   * and 4, the second's "originally defined" at line 2).
   */
  private redefinedAs: Map<string, SymbolDef> | undefined;
  private origin = 0;
  private originSet = false;
  /** The statement of the `org` that set the origin (-1: none yet). */
  private originStmt = -1;
  /** The last line an operand named a register outside the dialect on (see reportProblems). */
  private dialectRegisterLine = -1;
  /** The last line of the final pass whose instruction has a 64-bit register operand, and whether nasm's error was given for it (see wideOperandProblem). */
  private wideRegisterLine = -1;
  private wideRegisterReported = false;
  /** What `[map]` lines asked for (read in the first pass, as nasm reads them). */
  private mapRequest: MapRequest | undefined;
  /** The sections in the order the last layout put them. */
  private sectionOrder: readonly Section[] = [];
  private bits: 16 | 32 = 16;
  /** The rounding of nasm's `float` directive; not reset between passes, as nasm does not reset it. */
  private floatMode = DEFAULT_FLOAT_MODE;
  /** The processor level of nasm's `cpu` directive (see cpu-level.ts): ANY_CPU until one lowers it. */
  private cpu = ANY_CPU;
  private sec = 0;
  /** Set while in `absolute` space (and inside struc): the current absolute location. */
  private absolute: number | undefined;
  /**
   * The section whose address `absolute` was given from (`absolute label`), or -1: labels there
   * and `$` are that section's (as in nasm: `pages - header` is a number), not absolute values.
   */
  private absoluteSec = -1;
  /** The count just read was no number, of which nasm's error was given (see nonConstantCount). */
  private countRunsOnce = false;
  /** Whether an `absolute` or `struc` of the pass gave absolute space its place (see strucDirective). */
  private absoluteEntered = false;
  /** Where absolute space was when a section line last left it (see unreadAddress). */
  private absoluteLeft: { readonly offset: number; readonly sec: number } = { offset: 0, sec: -1 };
  /** The output line of the last `section`, `segment` or `absolute` line written without brackets (-1: none; see sectStmt). */
  private sectLine = -1;
  /**
   * The statement of that line: nasm's `__?SECT?__`, which its `endstruc` macro ends with, so a
   * structure ends where that line goes when it is run again there (`[section .text]` before any;
   * measured: after `[section .data]` a structure ends in .text; after `absolute 0x100` / `x: resb
   * 4` it ends at 0x100 again, after `absolute $+4` at its size plus 4). See placeAgain.
   */
  private sectStmt = -1;
  /** Whether `align`/`alignb` raise the section's alignment: until `sectalign off`, and again after `sectalign on`. */
  private alignRaisesSection = true;
  /** The `alignb` without a fill being assembled, until its `[warning push]` line has been given (see reservingStarts). */
  private reservingAlign: ParsedStatement | undefined;
  /** The statements whose `resb` count nasm's first pass warned of as a forward reference (see reservesForward). */
  private readonly reservedForward = new Set<number>();
  /** Set by `%use smartalign` (see smart-align.ts): how `align` pads code. */
  private smartAlign: SmartAlign | undefined;
  private struc: StrucState | undefined;
  /**
   * The open `istruc`, and the one it is nested in (nasm's are macros over a context stack);
   * `stray`, a token after its structure's name that nasm's `at` and `iend` cannot read (see strayAfterName).
   */
  private istrucStart: {
    sec: number; absolute: boolean; offset: number; name: string; stray?: PPToken;
    /**
     * The name was written in braces with a blank before the `}` (`istruc {s }`), which nasm's
     * macro keeps in it: its `iend`'s `s _size` and an `at .x`'s `(s .x-s )` stop after the name
     * (measured with nasm 2.16.01: "parser: instruction expected", "expecting `)'"; `at s.x` is fine).
     */
    blankAfter?: true;
    /** The text of arguments that are more than a name, which nasm's `at` and `iend` read in their expressions (see istrucExpression). */
    expression: string | undefined;
    /**
     * With `expression`, the name it ends with, to which nasm's `at` pastes a field `.x`: the
     * structure the field is of (`istruc s+t`: `at .b` reads `s+t.b`, t's field).
     */
    pastedTo?: string;
    /** The label of the context istruc's macro pushes, `..@N.strucstart`. */
    start: string | undefined;
    outer: Assembler['istrucStart'];
  } | undefined;
  /** The names `extern` declares, and the `equ`s of them (EvalContext.externals: see `externals`). */
  private readonly declaredExternals = new Map<string, ExternalName>();
  /**
   * The `equ`s of external names (see externalConstant), each by the first statement that made
   * it: another definition of the name is nasm's redefinition (see labelRedefined).
   */
  private externalEqus: Map<string, { readonly stmt: number; readonly of: ExternalName | undefined; readonly range: SourceRange }> | undefined;
  /** The segment each external root stands for in the views of nasm's first passes (see externalSegmentValue). */
  private readonly externalSegments = new Map<string, number>();
  /** Those of `externals` the lines of this pass have declared so far. */
  private readonly externsInPass = new Set<string>();
  /** The labels of the space an unread `absolute` leaves, each a segment of its own (see enterUnplacedSpace): never put out. */
  private readonly unplacedLabels = new Set<string>();
  /** Those of `externals` an expression has named (see DeclarationHost.externalNamed). */
  private externsUsed: Set<string> | undefined;
  /** Each `incbin` name's file: its bytes, and its name as nasm's `%pathsearch` gives it. */
  private readonly incbinCache = new Map<string, { readonly data: Uint8Array | typeof UNREADABLE_DIRECTORY; readonly name: string } | undefined>();
  private stmtIndex = 0;
  /** See AssemblyOutput.atStructures. */
  private atStructures: Map<number, string> | undefined;
  /** See AssemblyOutput.structureSizes. */
  private structureSizes: Map<string, string> | undefined;
  /** See AssemblyOutput.bitsSet. */
  private bitsSet: Map<number, 16 | 32> | undefined;
  /** The parses of the `__?SECT?__` definitions endstruc ran, by index (see runSectBody). */
  private sectBodies: Map<number, ParseOutcome> | undefined;
  /** See AssemblyOutput.sectBodies. */
  private sectBodiesRun: Map<number, ParsedStatement> | undefined;
  /** See AssemblyOutput.endstrucSegments. */
  private endstrucSegments: Map<number, number> | undefined;
  /** The undefined names reported for statement `undefinedNamesOf` (see namedUndefined). */
  private readonly undefinedNames = new Set<string>();
  private undefinedNamesOf = -1;
  /** See AssemblyOutput.firstPassWarnings. */
  private readonly firstPassWarnings: FirstPassWarning[] = [];
  /** Offset of the statement being assembled, for `$`. */
  private hereOffset = 0;
  /** Whether the expression being evaluated is an instruction's immediate (see sectionAddress). */
  private immediate = false;
  /** What nasm says of an unknown symbol in the expression being evaluated (see Undefined). */
  private undefinedUse = Undefined.Reported;
  /** While an `equ`'s value or a directive's argument is evaluated: whether it named an external name (see missingSymbol, constant). */
  private equOfExtern: { named: boolean } | undefined;
  /** The errors given before the last `times` or `dup` count was evaluated (see countProblem). */
  private errorsBeforeCount = 0;
  /** Whether the expression being evaluated is a `times` or `dup` count (see countValue). */
  private inCount = false;
  /** The code of the evaluator's errors: 'expression', but in a section attribute (see sectionAttributeValue). */
  private expressionCode = 'expression';
  /** While a directive's value is evaluated (see constantValue): whether a label was misplaced in it, held rather than reported. */
  private misplacedHeld: boolean | undefined;
  /** This Assembler lists a finished assembly (see listing), where an external name is its segment's value as in the final pass. */
  private listingOnly = false;
  /** While a value nasm puts out to no output format is evaluated (see refusesExternal). */
  private externalsKept = false;
  /** The statement whose immediate last took the current section's address away (`-x`: see Value.offset), in this pass. */
  private selfRelativeIn = -1;
  /** Set when a count's evaluation named an undefined symbol (see namesUndefined). */
  private countNamedUndefined = false;
  /** While listing: the padding of each `at` followed by a line other than data (StatementResults.atPadding). */
  private listedPadding: ReadonlyMap<number, number> | undefined;
  /** The code of the message a count names an undefined symbol with (see namesUndefined). */
  private countUndefinedCode = 'count-undefined';
  /** The statement the final pass last found an undefined symbol in (nasm drops it: see emit). */
  private undefinedIn = -1;
  /** The diagnostics' mark before the current statement's first error of PUT_OUT in the final pass, else -1 (see settlePutOut). */
  private putOutMark = -1;
  /** The copies repeatPutOut gave in the final pass, each told from the others by its number. */
  private putOutRepeats = 0;
  /** While an `align` fill is assembled (see repeatFill): its count, for a fill without `times` of its own. */
  private fillCount: number | undefined = undefined;
  /** While that fill is an `align`'s, which nasm's macro writes after `times` (an `at`'s goes on a line of its own). */
  private fillAsTimes = false;
  /** Each TIMES statement's count in the last pass, to find the ones that keep the passes from settling. */
  private readonly timesBefore = new Map<number, number>();
  /** The extra final pass after the passes did not settle, and whether a TIMES was blamed in it. */
  private unsettled = false;
  private timesBlamed = false;
  /** The TIMES statements and the symbols whose value changed in one of the last passes (from pass `lastPasses` on). */
  private readonly timesUnsettled = new Set<number>();
  private readonly symbolsUnsettled = new Set<string>();
  private lastPasses = 0;
  /**
   * Set by `dataBytes` when an item overflowed its unit, or a `dup` count or an item's size was
   * wrong (reported in the final pass: such data is put together again in every pass).
   */
  private dataWarned = false;
  /** The data directive's "data exceeds bounds" warnings so far (see overflowWarning). */
  private overflowWarnings = 0;
  /** While the items of a `dup` are written in the final pass: their overflow warnings, given again for each further copy. */
  private dupOverflows: { message: string; item: DataItem }[] | undefined;
  /** The errors `error` gave (in the final pass: see dataBytes). */
  private errorsGiven = 0;
  /** The statement whose expression gave an error nasm's evaluator gives up at, in this pass (see `error`). */
  private gaveUpIn = -1;
  /** The statements whose evaluation gave up in the first pass (see dropped). */
  private droppedAtFirst: Set<number> | undefined;
  /** The final pass's "data exceeds bounds" warnings of the data directive being written, given once its items are all read (see dataBytes). */
  private readonly heldOverflows: { message: string; item: DataItem; repeat: number }[] = [];
  /** The `times` count of the data directive being written whose `?`s are yet to be warned of in this final pass (-1: none; see dataDirective). */
  private zeroingTimes = -1;
  /**
   * The `times` and `dup` counts that were no number in the first pass, and the counts (`resb`'s
   * too) that gave its evaluator an error, as nasm's first pass evaluated them, by statement and
   * column (see failedAtFirst, failedAtFirstUnknown).
   */
  private readonly firstPassCounts = new Map<string, FirstPassEvaluation>();
  /**
   * By statement and column, the `times` and `dup` counts nasm's first pass took for a number where
   * Ringside's first had none (unknown terms that cancel, `(2 | fwd) <=> y`): a count that is no
   * number after is an error of a later pass (see nonConstantCount).
   */
  private numberAtFirst: Set<string> | undefined;
  /**
   * While a count of numberAtFirst's, or a data item naming a label further on that nasm's first
   * pass gave no error, is evaluated: nasm reads it again in its second pass, where every name is
   * known (see knownAtFirst).
   */
  private readAgain = false;
  /** By statement and place, `align` arguments as nasm's first pass read them (see firstPassAlignment). */
  private readonly firstPassAlignments = new Map<string, number | undefined>();
  /** By statement and argument, the value nasm's first pass gives an `align` argument that names an `equ` it read as 0 (see equAlignmentFailed). */
  private readonly firstPassEquAlignments = new Map<string, Value>();
  /** Each name's value in nasm's first pass, as its latest definition in Ringside's first gave it (see firstPassDefinition). */
  private readonly firstPassValues = new Map<string, { readonly value: Value | undefined; readonly def: SymbolDef }>();
  /** The `equ`s nasm's first pass finds inconsistent with the one before them (given): see firstPassDefinition. */
  private firstPassRedefined: Map<number, SymbolDef> | undefined;
  /** The definitions nasm's first pass finds inconsistent (see firstPassRedefined), by statement: where its message goes. */
  private firstPassRedefinitions: Map<number, SymbolDef> | undefined;
  /** The statements of firstPassRedefined the current pass run (see reportFirstPassRedefinitions). */
  private readonly redefinitionsRun = new Set<number>();
  /**
   * The statements before the first non-local label when the `.x` names there are under the
   * file's last (see parseStatements in index.ts): to nasm's first pass, where they had no label
   * before them, the names they define are other ones (see failedAtFirst). 0 when there are none.
   */
  private readonly carriedBefore: number;
  /** The `equ`s nasm's first pass did not know the value of (see firstPassCheck). */
  private readonly firstPassEqus = new FirstPassEqus({
    definition: (name) => this.symbols.get(name) ?? this.externalDefinition(name),
    valueOf: (def) => 'external' in def ? this.externalSegmentValue(def.external as ExternalName) : this.symbolValue(def as SymbolDef),
    // (As `equ` reads it, an instruction's immediate, its sum as equSum keeps it: measured with
    // nasm 2.16.01, `C equ y + y - x` before `y:` in another section is a number to `push !C`.)
    equValue: (stmt, ctx) => {
      const o = this.stmts[stmt].operands[0];
      if (o?.kind !== 'imm') return undefined;
      const immediate = this.immediate;
      this.immediate = true;
      try {
        const v = evaluate(o.expr, ctx);
        // (Its sum read with the view's names, quietly: the `equ`'s errors are its own line's.)
        return v.v !== undefined && (v.sec >= 0 || v.offset !== undefined) ? this.equSum(o.expr, v, ctx) : v;
      } finally { this.immediate = immediate; }
    },
    here: () => this.here(),
    base: () => this.base(),
    sectionAddress: (sec) => this.sectionAddress(sec),
    externals: this.declaredExternals,
  });
  /** The `extern`, `required`, `global`, `static` and `common` lines of the pass. */
  private readonly declarationDirectives: DeclarationDirectives;
  /** Where data directives' bytes are put together. */
  private readonly dataWriter = new DataWriter();

  private readonly limits: ResolvedLimits;
  private readonly budget: TimeBudget;
  private readonly sharedBases: SharedBases;
  /** Symbols named as a register nasm has and the dialect leaves out (`$rax:`), or as a word its evaluator cannot read (`$far:`): see wordWritten. */
  private wordNamed: Set<string> | undefined;

  constructor(private readonly stmts: readonly ParsedStatement[], private readonly lines: PPLines, private readonly lineOf: Int32Array, private readonly sink: DiagnosticSink, private readonly host: AssemblerHost) {
    this.limits = host.limits ?? NASM_LIMITS;
    this.budget = host.budget ?? new TimeBudget(undefined);
    this.sharedBases = host.sharedBases;
    this.results = new StatementResults(stmts.length);
    let first = 0;
    while (first < stmts.length && !setsLocalBase(stmts[first])) first++;
    // (From the host: a statement's own localBase may be another file's, see baseAfter.)
    this.carriedBefore = first < stmts.length && host.baseCarried === true ? first : 0;
    this.optimization = host.optimization;
    this.request.optimization = host.optimization;
    this.cache = new EncodeCache(stmts.length, host.optimization === undefined);
    // Holes read as undefined, as in EncodeCache.
    this.labelSymbol = new Array<SymbolDef | undefined>(stmts.length);
    this.valueSymbol = new Array<SymbolDef | undefined>(stmts.length);
    this.route = new Uint8Array(stmts.length);
    this.declarationDirectives = new DeclarationDirectives({
      lines: this.lines,
      lineOf: this.lineOf,
      sink: this.sink,
      stmt: () => this.stmtIndex,
      line: () => this.line,
      final: () => this.final,
      definition: (name) => this.symbols.get(name),
      definitionRange: (def) => symbolRange(def, this.lines, this.lineOf),
      error: (code, message, span) => this.error(code, message, span),
      range: (span) => this.range(span),
      writtenText: (span) => this.writtenText(span),
      declareExternal: (name) => this.declareExternal(name),
      externalNamed: (name) => this.externsUsed?.has(name) === true,
    });
  }

  run(frontEndOnly: boolean): AssemblyOutput {
    if (this.host.onePass !== undefined) return this.onePass(this.host.onePass.before);
    let stable = false;
    const maxPasses = Math.min(MAX_PASSES, this.limits.passes);
    this.lastPasses = maxPasses - 4;
    for (this.pass = 0; this.pass < maxPasses; this.pass++) {
      // From the second pass on, every pass is assembled as if final (bytes and diagnostics);
      // when it turns out not to be settled its diagnostics are withdrawn and another follows.
      // That saves the separate final pass nasm makes.
      const mark = this.pass > 0 ? this.sink.mark() : -1;
      this.final = this.pass > 0;
      this.errorsTakenFinal.clear();
      this.redefinitionsRun.clear();
      this.runPass();
      if (this.budget.expiredNow()) return this.stopForTime();
      if (frontEndOnly) break;
      if (!this.changed && this.pass > 0) { stable = true; break; }
      if (this.pass > 0 && this.evaluatorErrorSince(mark)) { stable = true; break; }
      if (mark >= 0) this.sink.rollback(mark);
    }
    if (!stable && (!frontEndOnly || this.pass === 0)) {
      this.final = true;
      this.errorsTakenFinal.clear();
      this.redefinitionsRun.clear();
      this.unsettled = !frontEndOnly;
      this.runPass();
      if (this.budget.expiredNow()) return this.stopForTime();
      // nasm blames a TIMES whose count keeps changing, or that names a label that does
      // (`times 1 - (b - a) db 0` before `b:`), else the whole assembly (measured).
      if (!frontEndOnly && !this.timesBlamed) {
        const l = this.lineOf[0];
        const range = this.stmts.length > 0 ? lineRange(this.lines.file(l), this.lines.line[l], 0, this.lines.text[l].length) : lineRange('', 0, 0, 0);
        this.sink.error('phase-error', `phase error: symbol values did not settle after ${maxPasses} passes`, range);
      }
    }
    this.reportEarlierBranches();
    this.reportFirstPassRedefinitions();
    this.declarationDirectives.reportAtEnd();
    const image = this.sink.errors > 0 || frontEndOnly ? new Uint8Array(0) : buildImage(this.sections, this.budget);
    if (image === undefined) return this.stopForTime();
    const map = this.mapRequest !== undefined && !frontEndOnly ? this.mapFile(this.mapRequest) : undefined;
    return { image, origin: this.origin, symbols: this.symbols, results: this.results, sections: this.sections, map, ...(this.constantSets.length > 0 ? { constants: this.constantSets } : {}), ...(this.declaredExternals.size > 0 ? { externals: this.declaredExternals } : {}), optimization: this.optimization, atStructures: this.atStructures, structureSizes: this.structureSizes, bitsSet: this.bitsSet, firstPassWarnings: this.firstPassWarnings, sectBodies: this.sectBodiesRun, endstrucSegments: this.endstrucSegments };
  }

  /**
   * Whether the pass gave an error of nasm's evaluator since `mark`: nasm stops after a pass that
   * gives one, settled or not, where an error its passes give only once settled (`cpu` levels,
   * ranges) lets them go on (measured with nasm 2.16.01: `lab: db 9` / `lea eax, [ebx+(fwd ^ 4)]`
   * / `fwd: db 2` is the `^' error of its second pass alone, though the displacement the evaluator
   * carries on with would move fwd in every pass after).
   */
  private evaluatorErrorSince(mark: number): boolean {
    const list = this.sink.list;
    for (let k = mark; k < list.length; k++) if (list[k].severity === 'error' && FIRST_PASS_EVALUATOR_ERROR.test(list[k].message)) return true;
    return false;
  }

  /** AssemblerHost.onePass: the pass after `before` (its first when undefined), its symbols and sections. */
  private onePass(before: AssemblyOutput | undefined): AssemblyOutput {
    if (before !== undefined) {
      this.pass = 1;
      for (const def of before.symbols.values()) this.takeSymbol({ ...def, pass: 0 });
      this.sections = before.sections;
      this.origin = before.origin;
    }
    this.runPass();
    return { image: new Uint8Array(0), origin: this.origin, symbols: this.symbols, results: this.results, sections: this.sections, optimization: this.optimization };
  }

  /** A symbol an earlier pass defined, as this statement's own when its label (or its fill's) names it, so that the pass moves it (see define). */
  private takeSymbol(def: SymbolDef): void {
    this.symbols.set(def.name, def);
    const st = this.stmts[def.stmt];
    const base = this.sharedBases?.[def.stmt];
    if (st?.label !== undefined && fullName(st.label.name, base) === def.name) this.labelSymbol[def.stmt] = def;
    else if (st?.fill?.label !== undefined && fullName(st.fill.label.name, base) === def.name) (this.fillLabelSymbol ??= new Map()).set(def.stmt, def);
  }

  /**
   * The map file's facts: the sections as laid out, and every symbol under its section (or none),
   * in definition order. A name `required` declares that nothing defines is listed at 0 with no
   * section where its first `required` line is, unless `global` declares it too (measured with
   * nasm 2.16.01: `k equ 1` / `required a` / `m equ 2` lists k, a, m; a definition anywhere lists
   * it there instead; `extern` alone lists nothing, nor `global a` with `required a`). External
   * names are listed as externalMapSymbols says.
   */
  private mapFile(request: MapRequest): MapFile {
    const sections = this.sectionOrder.map((s) => ({ name: s.name, progbits: s.progbits, length: s.size, placement: s.placement! }));
    const absolute: MapSymbol[] = [];
    const bySection = new Map<string, MapSymbol[]>();
    const external = this.externalMapSymbols();
    // (An `equ` of an external name a label took over is a symbol from Ringside's second pass on,
    // made after the labels; nasm made it in its first, where it stands: measured, `extern a` / `k
    // equ a+3` / `c:` / `a:` lists k, c, a.)
    const late = this.externalEqus === undefined ? [] : [...this.symbols.values()].filter((d) => this.externalEqus!.has(d.name)).sort((x, y) => x.stmt - y.stmt);
    const ordered: SymbolDef[] = [];
    let taken = 0;
    for (const def of this.symbols.values()) {
      if (late.length > 0 && this.externalEqus!.has(def.name)) continue;
      for (; taken < late.length && late[taken].stmt < def.stmt; taken++) ordered.push(late[taken]);
      ordered.push(def);
    }
    for (; taken < late.length; taken++) ordered.push(late[taken]);
    let next = 0;
    for (const def of ordered) {
      for (; next < external.length && external[next].stmt < def.stmt; next++) absolute.push(external[next]);
      if (def.value === undefined) continue;
      const value = def.big ?? def.value;
      if (def.sec < 0) absolute.push({ name: def.name, value });
      else {
        // A label holds its offset in the section; a constant (`here equ $`), its address. One of
        // a section's start (`s equ section..data.start + 2`) is listed in that section, by its
        // offset from the start (measured: Real is the start + 2, Virtual the vstart + 2).
        const section = this.sections[segmentSection(def.sec)];
        let list = bySection.get(section.name);
        if (list === undefined) bySection.set(section.name, list = []);
        list.push({ name: def.name, value: def.kind === 'constant' ? def.value - this.segmentAddress(def.sec) : value });
      }
    }
    for (; next < external.length; next++) absolute.push(external[next]);
    return { request, origin: this.origin, sections, absolute, bySection };
  }

  /**
   * The external names a map lists with the symbols of no section, by the statement each is listed
   * at (measured with nasm 2.16.01: an `extern` name that some line names, `a - a` too, at 0 where
   * it is first declared; one no line names not at all; an `equ` of one at its line, at what it
   * adds: `extern a` / `k equ a + 2` lists a, then k at 2), and a `required` name nothing defines
   * at its first `required` line, named or not, unless it is `global` too (see mapFile).
   */
  private externalMapSymbols(): (MapSymbol & { readonly stmt: number })[] {
    if (this.declaredExternals.size === 0) return [];
    // (A directive's arguments, read as it runs, are no statement's references: `incbin "f", a`
    // names `a` as evaluated, externsUsed.)
    const named = new Set<string>(this.externsUsed);
    for (const st of this.stmts) for (const r of st.refs) if (this.declaredExternals.has(r.name)) named.add(r.name);
    const out: (MapSymbol & { readonly stmt: number })[] = [];
    for (const [name, of] of this.declaredExternals) {
      // (Not a label's name, nor one of a label's place: see externals.)
      if (this.symbols.has(name) || this.symbols.has(of.root)) continue;
      const equ = this.externalEqus?.get(name);
      const stmt = equ !== undefined ? equ.stmt : this.declarationDirectives.mapStatement(name, named.has(name));
      if (stmt !== undefined) out.push({ name, value: equ !== undefined ? of.rest.v ?? 0 : 0, stmt });
    }
    return out.sort((a, b) => a.stmt - b.stmt);
  }

  /**
   * `equ` statement `st` of an external name: its name is external too, and no symbol, though an
   * earlier pass, before the `extern` line was read, defined it (measured: `k equ a` / `extern a`
   * / `dd k` is the error at the dd).
   */
  private externalConstant(st: ParsedStatement, e: Expr): void {
    this.immediate = true;
    let of: ExternalName | undefined;
    try { of = externalConstantOf(e, this); } finally { this.immediate = false; }
    this.defineAsExternal(st.label!, of);
  }

  /**
   * A label in the absolute space of an external name (`absolute a`): nasm gives it the name's
   * segment, as it does an `equ` of the name (measured with nasm 2.16.01: `extern a` / `absolute
   * a+4` / `x: resb 1` / `y:` then `dd y-x` is 1, `dd x` and `jmp x` "binary output format does not
   * support external references", `dd x-a` 0).
   */
  private externalLabel(label: NonNullable<ParsedStatement['label']>, offset: number): void {
    // (A label of the space an unread `absolute` leaves is in a segment of its own: see enterUnplacedSpace.)
    if (this.absoluteSec !== UNPLACED_SEGMENT) { this.defineAsExternal(label, this.externalAt({ v: offset, sec: this.absoluteSec })); return; }
    const root = fullName(label.name, this.sharedBases?.[this.stmtIndex]);
    this.unplacedLabels.add(root);
    this.defineAsExternal(label, { root, rest: { v: offset, sec: -1 } });
  }

  /** The external name whose segment `v` (an offset) is in (see externalSegmentValue). */
  private externalAt(v: Value): ExternalName | undefined {
    for (const [root, k] of this.externalSegments) if (k === v.sec) return { root, rest: { v: v.v, sec: -1 } };
    return undefined;
  }

  /** Label `label` of the current statement, an external name `of` (see externalConstant). */
  private defineAsExternal(label: NonNullable<ParsedStatement['label']>, of: ExternalName | undefined): void {
    const name = fullName(label.name, this.sharedBases?.[this.stmtIndex]);
    const own = this.labelSymbol[this.stmtIndex];
    // (In nasm's first pass, an `equ` of it before its `extern` line is the number 0, which this
    // one contradicts: measured, `x equ a` / `extern a` / `x equ a` is "label `x' inconsistently redefined".)
    if (this.pass === 0) this.firstPassDefinition(name, of !== undefined ? this.externalSegmentValue(of) : undefined, label, label.src);
    const early = this.earlyRedefinition();
    if (early !== undefined) { this.labelRedefined(name, label, symbolRange(early, this.lines, this.lineOf)); return; }
    // Defined otherwise by another statement: nasm's redefinition (measured with 2.16.01: `n:` /
    // `n equ c`, `n equ 5` / `n equ c` and `n equ c` / `n equ c+1` with `extern c`; `n equ c` twice is fine).
    const first = this.externalEqus?.get(name);
    const prev = this.symbols.get(name);
    const original = first !== undefined ? (first.stmt !== this.stmtIndex && !sameExternal(first.of, of) ? first.range : undefined)
      : prev !== undefined && prev !== own && prev.stmt !== this.stmtIndex ? symbolRange(prev, this.lines, this.lineOf) : undefined;
    if (original !== undefined) { this.labelRedefined(name, label, original); return; }
    if (first === undefined) (this.externalEqus ??= new Map()).set(name, { stmt: this.stmtIndex, of, range: this.range(label, label.src) });
    this.declareExternal(name, of);
    if (own === undefined) return;
    this.symbols.delete(own.name);
    this.labelSymbol[this.stmtIndex] = undefined;
    // (A statement that found the symbol as its one value reads the name again: measured, `x equ a`
    // / `extern a` / `mov eax, [x]` is the external reference, which Ringside had put out as 0.)
    for (let k = 0; k < this.valueSymbol.length; k++) if (this.valueSymbol[k] === own) this.valueSymbol[k] = undefined;
    this.changed = true;
  }

  /**
   * An operator that takes numbers alone applied to an external name in `e`, an `equ`'s value, and
   * nasm's error for it (measured with 2.16.01: `n equ !c`, `n equ ~c` and `n equ c<<1` with `extern
   * c` are "`!' operator may only be applied to scalar values" and the like; `c*2` and `c+c` are not).
   */
  private scalarOperatorOnExternal(e: Expr): { message: string; node: Expr } | undefined {
    const external = (x: Expr): boolean => firstLeaf(x, (leaf) => leaf.k === 'sym' && this.declaredExternals.has(leaf.name)) !== undefined;
    const pending: Expr[] = [e];
    for (let x = pending.pop(); x !== undefined; x = pending.pop()) {
      if (x.k === 'un') {
        if ((x.op === '!' || x.op === '~') && external(x.a)) return { message: scalarOnlyMessage(x.op), node: x };
        pending.push(x.a);
      } else if (x.k === 'bin') {
        if (BINARY_SCALAR_ONLY.has(x.op) && (external(x.a) || external(x.b))) return { message: scalarOnlyMessage(x.op), node: x };
        pending.push(x.b, x.a);
      }
    }
    return undefined;
  }

  /** nasm's error for a definition of `name` (at `label`) other than its first, at `original`. */
  private labelRedefined(name: string, label: NonNullable<ParsedStatement['label']>, original: SourceRange, code = 'duplicate-label'): void {
    if (!this.final) return;
    const expansion = this.lines.origin(this.line).expansion;
    this.sink.error(code, `label \`${name}' inconsistently redefined`, this.range(label, label.src), expansion,
      [{ message: `label \`${name}' originally defined here`, range: original, definition: true }], this.line, this.statementRange(label.src, expansion));
  }

  /**
   * External name `name` as nasm's first passes have it (see firstPassEqus): its `extern` line, or
   * its `equ`, the statement that defines it (an `extern` line not read yet in this pass is
   * further on), and its value.
   */
  private externalDefinition(name: string): { readonly stmt: number; readonly external: ExternalName } | undefined {
    const external = this.declaredExternals.get(name);
    if (external === undefined) return undefined;
    const equ = this.externalEqus?.get(name);
    return { stmt: equ?.stmt ?? (this.externsInPass.has(name) ? -1 : this.stmts.length), external };
  }

  /** An external name's value as nasm's evaluator has it: its root a segment of its own (see EXTERNAL_SEGMENTS). */
  private externalSegmentValue(external: ExternalName): Value {
    let k = this.externalSegments.get(external.root);
    if (k === undefined) this.externalSegments.set(external.root, k = EXTERNAL_SEGMENTS + this.externalSegments.size);
    return { v: external.rest.v, sec: k };
  }

  /** `name` is external from here on (see externals), an `equ` of root `of`'s if given. */
  private declareExternal(name: string, of?: ExternalName): void {
    this.declaredExternals.set(name, of ?? { root: name, rest: ABSOLUTE_ZERO });
    this.externsInPass.add(name);
  }

  /** The deadline passed: one 'time-budget' error (unless the preprocessor already said so) and no image. */
  private stopForTime(): AssemblyOutput {
    if (this.pass === 0) this.results.clearFrom(this.stmtIndex);
    if (!this.budget.reported) {
      this.budget.reported = true;
      const lines = this.lines;
      const l = this.stmts.length > 0 ? this.lineOf[Math.min(this.stmtIndex, this.stmts.length - 1)] : -1;
      const range = l >= 0 ? lineRange(lines.file(l), lines.line[l], 0, lines.text[l].length) : lineRange(this.host.mainFile, 0, 0, 0);
      this.sink.error('time-budget', TIME_BUDGET_MESSAGE, range, l >= 0 ? lines.origin(l).expansion : undefined);
    }
    return { image: new Uint8Array(0), origin: this.origin, symbols: this.symbols, results: this.results, sections: this.sections };
  }

  private runPass(): void {
    this.changed = false;
    this.declarationDirectives.startPass();
    this.undefinedIn = -1;
    this.gaveUpIn = -1;
    this.putOutMark = -1;
    this.selfRelativeIn = -1;
    this.redefinedAs = undefined;
    this.deferredConstants.clear();
    if (this.constantSets.length > 0) this.constantSets = [];
    const previous = this.sections;
    this.sections = [];
    this.sectionByName.clear();
    this.openSection('.text', undefined);
    // Carry the previous pass's layout so addresses of forward labels stay as good as known.
    for (const p of previous) {
      const s = this.sectionByName.get(p.name) ?? this.openSection(p.name, undefined);
      s.address = p.address; s.fileOffset = p.fileOffset;
      // Starts and alignments are given again as the pass meets them (nasm forgets them at each
      // pass's start: a `start=` after an `align` of an earlier pass is no conflict).
      s.progbits = p.progbits; s.follows = p.follows; s.vfollows = p.vfollows;
      s.size = 0;
    }
    this.sec = 0;
    this.bits = 16;
    this.bitsSet?.clear();
    // (A pass that is not settled has its messages withdrawn: the names it gave count for none after it.)
    this.undefinedNamesOf = -1;
    this.cpu = ANY_CPU;
    this.absolute = undefined;
    this.absoluteSec = -1;
    this.absoluteEntered = false;
    this.absoluteLeft = { offset: 0, sec: -1 };
    this.sectLine = -1;
    this.sectStmt = -1;
    this.alignRaisesSection = true;
    this.smartAlign = undefined;
    this.struc = undefined;
    this.istrucStart = undefined;
    this.externsInPass.clear();
    // The deferred %if blocks between runs of statements, so that a statement costs no test for them.
    let from = 0;
    const checks = this.host.checks ?? [];
    for (let k = 0; k < checks.length; k++) {
      const c = checks[k];
      if (!this.statements(from, c.statement)) return;
      from = c.endStatement;
      // A block of diagnostics only has nothing to do before the final pass.
      if ((this.final || c.hasCode) && !this.check(c, k)) return;
    }
    if (!this.statements(from, this.stmts.length)) return;
    this.stmtIndex = this.stmts.length;
    // nasm says nothing of a structure left open (its struc is a macro, which leaves a context and
    // absolute space behind: measured, `struc S` / `.a: resb 1` at the end assembles): a note.
    for (let open = this.struc as StrucState | undefined; open !== undefined; open = open.outer) {
      this.line = this.lineOf[open.stmt];
      this.note('struc-open', `\`struc ${open.name}' has no \`endstruc': what follows it is in absolute space, and puts out nothing`, undefined);
    }
    const before = this.sections.map((s) => s.address);
    const layout = layoutSections(this.sections, this.originSet ? this.origin : undefined);
    this.origin = layout.origin;
    this.sectionOrder = layout.order;
    // nasm lays the sections out as it writes its output, which an error earlier stops it from (measured).
    const laidOut = this.final && !this.sink.list.some((d) => d.severity === 'error');
    for (const p of layout.problems) {
      if (laidOut) this.sink.error('section-layout', p.message, lineRange(this.stmts.length > 0 ? this.lines.file(this.lineOf[0]) : '', 0, 0, 0));
    }
    if (this.sections.some((s, i) => s.address !== before[i] || previous[i]?.name !== s.name)) this.changed = true;
  }

  /** Assembles statements `from` up to `to`; false when the time budget ran out. */
  private statements(from: number, to: number): boolean {
    try {
      for (let i = from; i < to; i++) {
        this.stmtIndex = i;
        this.line = this.lineOf[i];
        if (this.budget.expired()) return false;
        try {
          this.statement(i);
          if (this.putOutMark >= 0) this.settlePutOut();
        } catch (e) {
          if (!isStackOverflow(e)) throw e;
          resetEvaluation();
          this.error('expression', 'expression too long', undefined);
        }
      }
      return true;
    } finally {
      // (What comes between runs of statements, a deferred %if's conditions, names no `.x` of theirs.)
      readNamesUnder(undefined);
    }
  }

  /**
   * A deferred %if block (the `k`th) at its place: each condition sees `$` where the next
   * statement goes and the symbols defined above it; the code of the branches taken is assembled,
   * the rest leaves no trace in this pass. False when the time budget ran out.
   */
  private check(c: DeferredCheck, k: number): boolean {
    if (c.hasCode) this.results.clearRange(c.statement, c.endStatement);
    const path: number[] = [];
    // The statement the code after the block's point being run begins at: a macro's number set
    // there holds from it on in the listing (this.stmtIndex is the previous pass's before the first statement).
    let next = c.statement;
    const scope: CheckScope = {
      report: this.final,
      here: () => { this.hereOffset = this.absolute !== undefined ? 0 : this.sections[this.sec].size; return this.here(); },
      base: () => { this.hereOffset = this.absolute !== undefined ? 0 : this.sections[this.sec].size; return this.base(); },
      symbolBefore: (name, before, later) => {
        const full = this.qualifyAt(name, before);
        const s = this.symbols.get(full);
        // (An external name, or an `equ` of one, is a value but no number: measured, `extern a` /
        // `%if a` is "non-constant value given to `%if'".)
        if (s === undefined) return this.deferredConstant(name) ?? (this.externsInPass.has(full) ? { v: undefined, sec: -1 } : undefined);
        // (A label further on of a name declared external above is that name to nasm's first
        // pass, where the label takes it over only once defined: measured, `extern a` / `%if a-$$`
        // / `a:` is "non-constant value given to `%if'".)
        if (s.stmt >= before && !(later === true && this.pass > 0)) return this.externsInPass.has(full) ? { v: undefined, sec: -1 } : undefined;
        const v = this.symbolValue(s);
        // An `equ` of a label further on is its number 0 in nasm's first pass (see firstPassEqus),
        // which decides the block there (measured with nasm 2.16.01: `SIZE equ L` / `%if SIZE == 0`
        // before `L:` takes the branch in that pass and reports its parse errors).
        return v.v === undefined && this.pass === 0 ? this.firstPassEqus.firstPassValue(full) ?? v : v;
      },
      qualify: (name, at) => this.qualifyAt(name, at),
      externals: this.externsInPass.size === 0 ? undefined : new Map([...this.declaredExternals].filter(([name]) => this.externsInPass.has(name))),
      firstPass: (e, at) => {
        if (!this.firstPassEqus.namedIn(e)) return undefined;
        const view = this.firstPassEqus.view(at, true, () => undefined);
        return { ...scope, symbolBefore: (name, before) => view.symbol(this.qualifyAt(name, before), e) ?? this.deferredConstant(name), externals: view.externals, firstPass: undefined };
      },
      run: (from, to) => { next = to; return this.statements(from, to); },
      errorsTaken: (item) => {
        if (this.final) this.errorsTakenFinal.add(item);
        (this.errorsTaken ??= new Set()).add(item);
      },
      setConstant: (name, value) => {
        this.constantSets.push({ at: next, name, value });
        if (value === undefined) { this.deferredConstants.delete(name); return; }
        this.deferredConstants.set(name, value);
        // The label wins the lookup, where nasm's macro would.
        if (this.final && this.symbols.has(name)) {
          const first = conditionsOf(c).next().value!;
          this.sink.error('undecidable-condition', `\`${name}' is a label and a single-line macro whose number only the assembler knows (see this \`${first.directive}'): `
            + 'Ringside leaves such a macro to the assembler, where the label would hide it', lineRange(first.file, first.line, 0, 0), first.expansion);
        }
      },
    };
    const ok = runCheck(c, scope, this.sink, this.limits.eval, path);
    // Another branch than in the last pass: the code after it moves, another pass follows.
    const taken = path.join();
    if (c.hasCode && this.checkPaths[k] !== taken) { this.checkPaths[k] = taken; this.changed = true; }
    // (The last pass run is the final one.)
    c.taken = path;
    return ok;
  }

  /**
   * The parse errors of the code of a deferred %if's branch that an earlier pass took and the
   * final pass did not: nasm preprocesses the source again in each pass and reports them in the
   * pass that reads them, then stops after it (measured with nasm 2.16.01: a `%if ($-$$) & 1`
   * whose answer changes as a jump before it grows reports the `x equ0` of the branch its first
   * pass took, "parser: instruction expected"). So too the errors preprocessing that branch held,
   * but `%error`'s (measured: an `%endrep' there is "`%endrep': no matching `%rep'").
   */
  private reportEarlierBranches(): void {
    if (this.errorsTaken === undefined) return;
    for (const item of this.errorsTaken) {
      if (this.errorsTakenFinal.has(item)) continue;
      if ('held' in item) this.sink.put(item.held);
      else reportParsed(item.parsed!, this.sink, true);
    }
  }

  /**
   * The name `endstruc`'s `NAME_size equ ($-NAME)` defines: `NAME_size`, unless a `%define` of it
   * (host.sizeDefinitions) is in force at the line, whose body then begins the line, as nasm
   * expands it (measured with nasm 2.16.01: after `%define pt_size ps` the size is `ps`'s; after
   * `%define pt_size 4` the line is "label or instruction expected at start of line", an empty
   * body "EQU not preceded by label", `ps+1` "parser: instruction expected"): undefined then.
   */
  private sizeLine(name: string, word: { readonly start: number; readonly end: number }): string | undefined {
    const size = name === '$' ? '_size' : `${name}_size`;
    if (this.host.sizeDefinitions === undefined) return size;
    // The macro's `%{$strucname}_size` is two tokens: a `%define _size` expands the second before
    // they are pasted (measured: after `%define _size ps`, `endstruc` of `pt` is `ptps equ ($-pt)`).
    const suffix = this.sizeDefinitionAt('_size');
    const body = suffix !== undefined ? tokenizeLine(`${name}${tokensText(suffix)}`) : this.sizeDefinitionAt(size);
    if (body === undefined) return size;
    const outcome = parseStatement(tokenizeLine(`${tokensText(body)} equ ($-${name})`), undefined);
    if (outcome.problem !== undefined) { this.error(outcome.problem.code, outcome.problem.message, word); return undefined; }
    return outcome.stmt?.label?.name;
  }

  /**
   * The body of the `%define` of `name` (see host.sizeDefinitions) in force at the statement, if
   * any: the newest of those `name` calls, of the definitions the lines before kept as nasm keeps
   * them (see SingleLineMacros): one replaces another of its name and case-sensitivity, shadows
   * one of the other; an `%undef` removes those of any case-insensitive and the one of its name
   * (measured: `%define _size ps` / `%idefine _SIZE zz` / `%undef _SIZE`, `_size` is `ps`).
   */
  private sizeDefinitionAt(name: string): readonly PPToken[] | undefined {
    const line = this.lineOf[this.stmtIndex];
    const lower = name.toLowerCase();
    let live: SizeDefinition[] = [];
    for (const d of this.host.sizeDefinitions!) {
      if (d.at > line) continue;
      if (d.name.toLowerCase() !== lower) continue;
      if (d.body === undefined) live = live.filter((o) => !o.caseInsensitive && o.name !== d.name);
      else live = [...live.filter((o) => o.caseInsensitive !== d.caseInsensitive || (!d.caseInsensitive && o.name !== d.name)), d];
    }
    for (let k = live.length - 1; k >= 0; k--) if (live[k].caseInsensitive || live[k].name === name) return live[k].body;
    return undefined;
  }

  /**
   * endstruc's line when a `%define` after `struc` renamed the structure: `NAME_size equ ($-NAME)`
   * with `NAME` as the macros make it there (measured with nasm 2.16.01: `struc pt` / `%define pt
   * qq` / `endstruc` is `qq_size equ ($-qq)`, "symbol `qq' not defined", and no `pt_size`). The
   * size name it defines (defined after an error in the value too) and where `NAME` is, from
   * which `$` is counted (undefined after nasm's error for it), or undefined when the line is no
   * definition.
   */
  private renamedEnd(renamed: StructureText, word: { readonly start: number; readonly end: number }): { name: string; from: number | undefined } | undefined {
    const outcome = parseStatement(tokenizeLine(`${renamed.size} equ ($-${renamed.name})`), undefined);
    if (outcome.problem !== undefined) { this.error(outcome.problem.code, outcome.problem.message, word); return undefined; }
    const name = outcome.stmt?.label?.name;
    if (name === undefined) return undefined;
    const known = this.symbols.get(renamed.name);
    if (known === undefined && this.final) this.error('undefined-symbol', `symbol \`${renamed.name}' not defined`, word);
    // (A label of a section, taken from the structure's absolute place, is no number: measured,
    // `qq: db 1` before it gives "invalid operand type".)
    const here = this.here();
    if (known !== undefined && known.sec >= 0 && known.sec !== here.sec) { this.error('syntax', 'invalid operand type', word); return { name, from: undefined }; }
    return { name, from: known?.value };
  }

  /** `name` as a symbol's full name at statement `at`: a `.local` name under the label above it. */
  private qualifyAt(name: string, at: number): string {
    return qualifyName(name, this.baseAfter(at - 1));
  }

  /**
   * The non-local label `.x` names hang from after statement `k`: the last one that set it (a
   * shared statement's base is the one it was read under here). A kept statement's own
   * `localBase` is that of the first file it was read in, right only where it sets the base
   * (measured wrong: `dt 0x12p1` read under `other:` in one assembly, then before a `%if .b - .a`
   * under `main:` in another, named `other.b`).
   */
  private baseAfter(k: number): string | undefined {
    for (let j = k; j >= 0; j--) {
      const shared = this.sharedBases?.[j];
      if (shared !== undefined) return shared;
      if (setsLocalBase(this.stmts[j])) return this.stmts[j].localBase;
    }
    return undefined;
  }

  private openSection(name: string, _attrs: readonly PPToken[] | undefined): Section {
    let s = this.sectionByName.get(name);
    if (!s) {
      s = newSection(name, this.sections.length);
      this.sections.push(s);
      this.sectionByName.set(name, s);
    }
    return s;
  }

  // ---- diagnostics ----

  /** A range in the current statement's line: `span`'s columns, or the whole statement. */
  private range(span: { start: number; end: number } | undefined, src?: SourceRange): SourceRange {
    if (src) return src;
    if (!span) return this.lines.range(this.line);
    return lineRange(this.lines.file(this.line), this.lines.line[this.line], span.start, span.end);
  }

  private report(code: string, message: string, span: { start: number; end: number } | undefined, src?: SourceRange): void {
    const expansion = this.lines.origin(this.line).expansion;
    this.sink.error(code, message, this.range(span, src), expansion, undefined, this.line, this.statementRange(src, expansion));
  }

  /** The line being assembled, when a message about it is placed at `src`, where a macro's argument was written (Diagnostic.statementRange). */
  private statementRange(src: SourceRange | undefined, expansion: readonly SourceRange[] | undefined): SourceRange | undefined {
    return src !== undefined && expansion !== undefined && expansion.length > 0 ? this.lines.range(this.line) : undefined;
  }

  /** Ringside's own note on something nasm takes silently: for the editor, never printed as nasm's messages (see printedMessages). */
  private note(code: string, message: string, span: { start: number; end: number } | undefined): void {
    if (this.final) this.sink.report('info', code, message, this.range(span), this.lines.origin(this.line).expansion);
  }

  private warning(code: string, message: string, span: { start: number; end: number } | undefined, repeat = 0): void {
    if (this.final) this.sink.warning(code, message, this.range(span), this.lines.origin(this.line).expansion, this.line, repeat);
  }

  // ---- evaluation ----

  // EvalContext, for the statement being assembled.
  symbol(name: string, node: Expr): Value | undefined {
    return this.lookup(name, node);
  }

  /** EvalContext.sectionAddress: while an instruction's immediate is evaluated. */
  sectionAddress(sec: number): number | undefined {
    return this.immediate && this.sections[segmentSection(sec)] !== undefined ? this.segmentAddress(sec) : undefined;
  }

  /** EvalContext.sectionStart: a section's address. */
  sectionStart(sec: number): number | undefined {
    return this.sections[segmentSection(sec)] !== undefined ? this.segmentAddress(sec) : undefined;
  }

  /** Where segment `sec` of a value starts: its section's address, or for `section.NAME.start`'s the load address (see LOAD_SEGMENTS). */
  private segmentAddress(sec: number): number {
    return segmentAddress(this.sections, sec, this.origin);
  }

  /** An instruction's immediate (see sectionAddress). */
  private evalImmediate(e: Expr): Value {
    this.immediate = true;
    try { return this.eval(e); } finally { this.immediate = false; }
  }

  here(): Value {
    return this.absolute !== undefined ? { v: this.absolute, sec: this.absoluteSec } : { v: this.sections[this.sec].address + this.hereOffset, sec: this.sec };
  }

  /**
   * `$$`: in absolute space the start of its segment, as nasm's evaluator has it (offset 0 in
   * `absolute.segment`): 0 after `absolute 0x10`, the section's start after `absolute lbl` of a
   * section's label (measured with nasm 2.16.01: `absolute 0x10` / `resb 5` / `x equ $-$$` is
   * 0x15; it had been the place of the statement, `$`).
   */
  base(): Value {
    if (this.absolute === undefined) return { v: this.sections[this.sec].address, sec: this.sec };
    return this.absoluteSec < 0 ? { v: 0, sec: -1 } : { v: this.segmentAddress(this.absoluteSec), sec: this.absoluteSec };
  }

  warn(code: string, message: string, node: Expr): void {
    this.warning(code, message, node);
  }

  error(message: string, node: Expr): void;
  error(code: string, message: string, span: { start: number; end: number } | undefined, src?: SourceRange): void;
  error(a: string, b: string | Expr, span?: { start: number; end: number }, src?: SourceRange): void {
    if (typeof b !== 'string' && this.misplacedHeld !== undefined && MISPLACED_LABEL.has(a)) { this.misplacedHeld = true; return; }
    if (!this.final) {
      // (In the first pass too, which reports nothing: the line is put out as nothing, see dropped.)
      if (typeof b !== 'string' && this.evaluatorGivesUp(a)) this.gaveUp();
      return;
    }
    if (typeof b !== 'string') {
      // nasm's parser drops the line where its evaluator gives up: no other operand or item of it
      // is read (measured with nasm 2.16.01: `dd 1/0, 2/0` and `enter 1/0, 2/0` are one "division
      // by zero", `dd lbl/2, lbl*lbl` "division operator may only be applied to scalar values"
      // alone; `dd lbl|1, lbl|1`, whose operator's error it carries on after, is two).
      if (this.gaveUpIn === this.stmtIndex || (this.stoppedAtFirst === this.stmtIndex && !this.givenEveryPass)) return;
      if (MISPLACED_LABEL.has(a) && this.inCount) return;
      // (Of a register after `wrt`, nasm's word as it first reads the line, in every pass: see withRespectTo.)
      const wrtRegister = a === WRT_OPERAND && firstLeaf(b, (leaf) => leaf.k === 'sym' && leaf.escaped === undefined && lookupRegister(leaf.name) !== undefined) !== undefined;
      const code = (wrtRegister ? undefined : WRT_PROBLEMS.get(a)) ?? (this.expressionCode === 'expression' && !this.givenEveryPass && (this.givenLaterPass || this.ofLaterPass(a, b) || this.refusedAfterFirstPass(a)) ? 'expression-later' : this.expressionCode);
      // (The WRT the bin format refuses as it puts the value out: see putOut.)
      if (PUT_OUT.has(code)) { this.putOut(code, a, b); return; }
      if (this.evaluatorGivesUp(a)) this.gaveUp();
      this.errorsGiven++;
      this.report(code, MISPLACED_LABEL.has(a) ? this.misplacedLabelMessage(a, b) : a, b, undefined);
      return;
    }
    this.errorsGiven++;
    this.report(a, b, span, src);
  }

  /**
   * Whether evaluator error `message` at `node` is one nasm gives after its first pass only, which
   * stops it if that pass gave none (see LATER_PASS_ERRORS in index.ts): `node` names something
   * that pass did not know (defined further on), and that pass's evaluator gives no such error of
   * it (see firstPassEvaluation). Measured with nasm 2.16.01, fwd a label further on: `dd ~2 & $ ^
   * 8 < fwd` is the `&`'s error alone, which the first pass gives; `dd 8 < fwd` alone is the
   * comparison's error.
   */
  private ofLaterPass(message: string, node: Expr): boolean {
    if (!FIRST_PASS_EVALUATOR_ERROR.test(message) || !this.namesForward(node)) return false;
    const first: EvalContext = {
      symbol: (name, n) => (this.definedLater(name) ? undefined : this.symbol(name, n)),
      here: () => this.here(), base: () => this.base(), error: () => undefined,
    };
    return !this.firstPassEvaluated(node, first).errors.includes(message);
  }

  /**
   * Whether `message`, of a label where none can be, is said of the data item being read (see
   * dataItem), which names something further on and which nasm's first pass took as data, a value
   * with an unknown part: its parser refuses the item in its second pass, after which it stops
   * (measured with nasm 2.16.01, fwd a label further on: `dd fwd*2` / `dd 1/0` is "division by
   * zero" alone; `dd fwd*2 ? 1 : 2` the `?`'s error then "expression is not simple or
   * relocatable", `dd lab*2 + fwd*0` / `dd 1/0` that one then "division by zero").
   */
  private refusedAfterFirstPass(message: string): boolean {
    const item = this.dataItem;
    if (item === undefined || !MISPLACED_LABEL.has(message) || !this.namesForward(item)) return false;
    const read = this.keepingExternals(() => this.firstPassEvaluated(item, this.firstPassNames()));
    return read.errors.length === 0 && read.vector !== undefined && !refusedAsData(read.vector, this.here().sec);
  }

  /** The data item whose value is being read, in the final pass (see refusedAfterFirstPass). */
  private dataItem: Expr | undefined;

  /** While everyPassError reports: an error not ofLaterPass's to judge. */
  private givenEveryPass = false;
  /** While evaluatorErrors reports errors its caller knows nasm's first pass did not give (see ofLaterPass). */
  private givenLaterPass = false;

  /**
   * Evaluator error `message` at `node` that nasm gives in its first pass as in the others, which
   * ofLaterPass cannot tell from `node` alone: the division nasm's `align` macro makes of its
   * argument, the errors of a count as nasm's first pass evaluated it (see firstPassErrors).
   */
  private everyPassError(message: string, node: Expr): void {
    this.givenEveryPass = true;
    try { this.error(message, node); } finally { this.givenEveryPass = false; }
  }

  /** Whether nasm's evaluator gives up at its error `message`, and its parser drops the line (see error). */
  private evaluatorGivesUp(message: string): boolean {
    return givesUp(message) && !MISPLACED_LABEL.has(message) && !PUT_OUT.has(WRT_PROBLEMS.get(message) ?? this.expressionCode);
  }

  /** The current statement's evaluation gave up (see error), in the first pass too (see dropped). */
  private gaveUp(): void {
    this.gaveUpIn = this.stmtIndex;
    // (Not in a pass of its own per preprocessor run, where the next run could not know.)
    if (this.pass === 0 && this.host.onePass === undefined) (this.droppedAtFirst ??= new Set()).add(this.stmtIndex);
  }

  /**
   * Whether the current statement is put out as nothing: nasm's parser drops its line where its
   * evaluator gives up, in its first pass, after which it stops (measured with nasm 2.16.01: `lbl:
   * dd 1/0` / `lbl: dd 1` is "division by zero" alone, both labels at 0; `x: mov eax, 1/0` / `y:`
   * / `x equ y` too). So is it where Ringside's first pass, which knows what nasm's does, and this
   * one give up; not where only a later pass does (`x: dd 0/x2` / `y:` / `x equ y` / `x2 equ 0`
   * is "label `x' inconsistently redefined" in nasm's first pass, the `dd` 4 bytes there).
   */
  private dropped(): boolean {
    return this.gaveUpIn === this.stmtIndex && this.droppedAtFirst?.has(this.stmtIndex) === true;
  }

  /**
   * nasm's word for a label where none can be (a scaled label, a sum of two, a difference across
   * sections; see expr.ts `misplaced`): by the place `node` is in (measured with nasm 2.16.01:
   * `dd lab*2` "expression is not simple or relocatable", `mov eax, [2*lab]` "invalid effective
   * address: impossible segment base multiplier", `mov eax, lab + dlab` "invalid operand type";
   * `problem` MULTIPLE_BASES in an address, "invalid effective address: multiple base segments").
   */
  private misplacedLabelMessage(problem: string, node: Expr): string {
    const st = this.stmts[this.stmtIndex];
    // (A count of `resb` is an instruction's operand to nasm: measured, `resb a + b`, `resb -L`.)
    if (st?.op !== undefined && st.op.name in RESERVE_UNIT) return 'invalid operand type';
    if (st?.kind !== StatementKind.Instruction && st?.op?.name !== 'equ') return 'expression is not simple or relocatable';
    const op = st.operands.find((o) => node.start >= o.start && node.end <= o.end);
    return op?.kind !== 'mem' ? 'invalid operand type' : `invalid effective address: ${problem === MULTIPLE_BASES ? problem : 'impossible segment base multiplier'}`;
  }

  knownAtFirst(e: Expr): boolean {
    // (A count nasm's first pass took for a number is read by its second, which knows every name:
    // measured with nasm 2.16.01, `times -fwd + fwd*fwd db 1` before `fwd:` is "unable to
    // multiply two non-scalar objects", the first pass's sum 0.)
    if (this.readAgain) return true;
    return laterSymbol(e, (name) => !this.symbols.has(name) || this.definedLater(name)) === undefined;
  }

  /**
   * Whether `name` is defined by a statement after the current one (nasm: not known on this line),
   * and not declared external before it: nasm knows such a name from its `extern` line on, a
   * label of it further on taking it over in later passes (see externals).
   */
  private definedLater(name: string): boolean {
    const s = this.symbols.get(name);
    return s !== undefined && s.stmt > this.stmtIndex && !this.externsInPass.has(name);
  }

  private lookup(name: string, node: Expr): Value | undefined {
    const s = this.symbols.get(name);
    return s !== undefined && !this.wordWritten(name, node) ? this.symbolValue(s) : this.missingSymbol(name, node);
  }

  /**
   * Whether `node` writes, without a `$`, the name of a symbol named as a register nasm has and the
   * dialect leaves out (`$rax: ...`), or as a word nasm's evaluator cannot read (`$far: ...`): nasm
   * reads it as the register or the word, never as the symbol (measured: `$rax: db 1` / `mov ebx,
   * [rax]` is "impossible combination of address sizes", `$far: dw far` "expression syntax error").
   */
  private wordWritten(name: string, node: Expr): boolean {
    return this.wordNamed !== undefined && this.wordNamed.has(name) && !(node.k === 'sym' && node.escaped === true);
  }

  /**
   * The value of a one-value statement's operand (see ParsedStatement.valueOperand). A bare name
   * finds its symbol once per assembly: later passes read it from `valueSymbol`, not the map. Its
   * value is `nameValue`, rewritten by the next call: the caller reads it at once.
   */
  private operandValueOf(e: Expr): Value {
    if (e.k !== 'sym') return this.eval(e);
    const i = this.stmtIndex;
    const answer = this.nameValue;
    let s = this.valueSymbol[i];
    if (s === undefined) {
      const name = symbolName(e);
      s = this.symbols.get(name);
      if (s === undefined || this.wordWritten(name, e)) {
        const special = this.missingSymbol(name, e);
        if (special !== undefined) return special;
        answer.v = undefined; answer.sec = -1;
        return answer;
      }
      this.valueSymbol[i] = s;
    }
    if (s.value !== undefined && s.big !== undefined) return this.symbolValue(s);
    answer.v = this.symbolNumber(s); answer.sec = s.sec;
    return answer;
  }

  /** A name that is not a symbol (yet): `section.X.start`, or an error once every label is known. */
  private missingSymbol(name: string, node: Expr): Value | undefined {
    // (A name written with a `$` is no macro's: nasm's preprocessor leaves `$D` as it is, which is
    // symbol D to the assembler, whatever an `%assign D` of labels holds; measured with nasm
    // 2.16.01: `%assign D b - a` / `dw $D` is "symbol `D' not defined".)
    const deferred = node.k === 'sym' && node.escaped === true ? undefined : this.deferredConstant(name);
    if (deferred !== undefined) return deferred;
    const special = name.startsWith('section.') ? this.sectionSymbol(name) : undefined;
    if (special) return special;
    const external = this.declaredExternals.get(name);
    if (external !== undefined) (this.externsUsed ??= new Set()).add(name);
    if (this.equOfExtern !== undefined && external !== undefined) { this.equOfExtern.named = true; return undefined; }
    if (this.listingOnly && external !== undefined) return this.inCount ? undefined : this.externalSegmentValue(external);
    if (this.pass > 0 || this.final) {
      // (nasm's words, which name no symbol: the diagnostic's range shows which.)
      // (A count is refused as no number, the name not: measured, `extern a` / `times a nop` is
      // "non-constant argument supplied to TIMES" alone.)
      // An external name is put out as nasm's bin format puts it out before refusing it: its
      // segment's value, relocatable in no section (measured with nasm 2.16.01 -l: `jmp a` is
      // E9(00000000), `push a` 68[00000000], `mov eax, [a+4]` A1[04000000]).
      if (external !== undefined) {
        if (this.inCount) return undefined;
        if (this.refusesExternal() && !this.unplacedLabels.has(external.root)) this.externalReference(node);
        return this.externalSegmentValue(external);
      }
      // No symbol can have a register's name (the parser refuses it as a label).
      if (isRegisterOutsideDialect(name)) {
        if (!this.wideOperandProblem(name, node)) this.error('unsupported-register', registerOutsideDialect(name), node, node.k === 'sym' ? this.lines.tokens[this.line]?.[node.tok]?.src : undefined);
        this.dialectRegisterLine = this.line;
      }
      // Only substituted tokens have a `src`; a line passed on as written has no tokens of its
      // own in `lines.tokens` (see PPLines.tokensOf), and needs none here.
      else if (this.undefinedUse !== Undefined.Quiet) {
        // (nasm's evaluator stops at the first unknown symbol, and its parser drops the line: it
        // names one a statement, `dd foo + bar` foo alone. Ringside names each: the issue asks for
        // every error, and the editor shows them all at once.)
        if (this.final) this.undefinedIn = this.stmtIndex;
        // (A name written twice, `lb - lb`, is named once: nasm's evaluator stops at its first.)
        if (this.final && this.namedUndefined(name)) return undefined;
        // (A `times` count's, an error of the pass after nasm's first, where nasm stops: no listing
        // is written; a `dup` count's, of nasm's final pass: see namesUndefined.)
        const code = this.undefinedUse === Undefined.ReportedOnce ? this.countUndefinedCode : 'undefined-symbol';
        // (A word nasm's evaluator cannot read is no name to it: see isUnreadableWord.)
        // (`mov eax, abs`, read by the plain-line parser: nasm's parser first refuses the word before an operand, see LineParser.operand.)
        if (this.final && isUnreadableWord(name) && /^(?:abs|rel|nosplit)$/i.test(name) && this.wholeOperand(node)) this.error('syntax', 'invalid operand size specification', node);
        // (Nor is `seg` or `wrt` with nothing after it: measured, `dd seg`, `y equ 1+wrt`.)
        const message = isUnreadableWord(name) || (name.length === 3 && /^(?:seg|wrt)$/i.test(name) && node.k === 'sym' && node.escaped !== true) ? 'expression syntax error' : `symbol \`${name}' not defined${this.undefinedUse === Undefined.BeforeUse ? ' before use' : ''}`;
        this.error(code, message, node, node.k === 'sym' ? this.lines.tokens[this.line]?.[node.tok]?.src : undefined);
        if (this.undefinedUse === Undefined.ReportedOnce) { this.undefinedUse = Undefined.Quiet; this.countNamedUndefined = true; }
      }
    }
    return undefined;
  }

  /**
   * Whether the value being evaluated goes to nasm's output format, whose bin format refuses an
   * external name as it is put out: not in absolute space, not `absolute`'s own (see
   * absoluteDirective), not an integer item wider than 64 bits, put out as nothing (measured with
   * nasm 2.16.01: `absolute 0` / `dd a` is "attempt to assemble code in [ABSOLUTE] space" alone,
   * `dt a` "integer supplied as 80-bit data" alone).
   */
  private refusesExternal(): boolean {
    return this.absolute === undefined && !this.externalsKept;
  }

  /** What `read` returns, the external names it evaluates not refused (see refusesExternal). */
  private keepingExternals<T>(read: () => T): T {
    this.externalsKept = true;
    try { return read(); } finally { this.externalsKept = false; }
  }

  /** Whether undefined symbol `name` was named already for the statement being assembled (and notes it). */
  private namedUndefined(name: string): boolean {
    if (this.undefinedNamesOf !== this.stmtIndex) { this.undefinedNamesOf = this.stmtIndex; this.undefinedNames.clear(); }
    if (this.undefinedNames.has(name)) return true;
    this.undefinedNames.add(name);
    return false;
  }

  /**
   * Whether nasm's error was given for the instruction of `node`, a 64-bit register `name` (the
   * dialect has none) written as its operand: nasm refuses it in its final pass, "instruction not
   * supported in N-bit mode" where one of its 64-bit forms takes the operands (see
   * wideRegisterProblem), given once for the line. Where the forms the encoder knows do not take
   * them, nasm may have others (`movzx rax, bl`, `bswap rax`), or none (`mov eax, rcx`), and
   * anywhere else (`[rax]`, `dd rax`, `r8d`) it refuses the line in its first pass, in other
   * words: the dialect's error then.
   */
  private wideOperandProblem(name: string, node: Expr): boolean {
    if (!this.final) return false;
    const st = this.stmts[this.stmtIndex];
    if (st?.kind !== StatementKind.Instruction || !WIDE_REGISTERS.has(name.toLowerCase()) || !st.operands.some((o) => o.kind === 'imm' && o.expr === node)) return false;
    if (this.wideRegisterLine === this.line) return this.wideRegisterReported;
    this.wideRegisterLine = this.line;
    this.wideRegisterReported = false;
    let wide = 0;
    const use = this.undefinedUse;
    this.undefinedUse = Undefined.Quiet;
    try {
      const operands = st.operands.map((o, k): AsmOperand => {
        if (o.kind === 'imm' && o.expr.k === 'sym' && WIDE_REGISTERS.has(o.expr.name.toLowerCase()) && !this.symbols.has(o.expr.name)) {
          // (`jmp near rax`: nasm warns of the size keyword on a register first.)
          if (o.size !== undefined || o.jump !== undefined || o.strict === true) wide = -1;
          else if (wide >= 0) wide |= 1 << k;
          return WIDE_STAND_IN;
        }
        return { ...this.asmOperand(o, k, undefined) };
      });
      if (wide <= 0) return false;
      const prefixes = st.prefixes.length === 0 ? NO_PREFIX_NAMES : st.prefixes.map((p) => p.name as PrefixName);
      const message = wideRegisterProblem({ mnemonic: st.op!.name, operands, prefixes, bits: this.bits, address: 0, section: -1, sectionOffset: 0 }, wide);
      if (message === undefined) return false;
      this.error('encode', message, st.op);
      this.wideRegisterReported = true;
      return true;
    } finally {
      this.undefinedUse = use;
    }
  }

  /** Whether `node` is the whole of an operand of the instruction being assembled. */
  private wholeOperand(node: Expr): boolean {
    const st = this.stmts[this.stmtIndex];
    return st?.kind === StatementKind.Instruction && st.operands.some((o) => o.kind === 'imm' && o.expr === node);
  }

  /** The number of single-line macro `name`, when a deferred %if block left it to the assembler (see DeferredConstant). */
  private deferredConstant(name: string): Value | undefined {
    if (this.deferredConstants.size === 0) return undefined;
    const v = this.deferredConstants.get(name);
    return v === undefined ? undefined : { v, sec: -1 };
  }

  private symbolValue(s: SymbolDef): Value {
    if (s.value !== undefined && s.big !== undefined) return { v: s.value, sec: -1, big: s.big };
    return { v: this.symbolNumber(s), sec: s.sec };
  }

  /** The number of a symbol without a `big` value: a label's offset is from its section's address now. */
  private symbolNumber(s: SymbolDef): number | undefined {
    if (s.value === undefined || s.sec < 0 || s.kind === 'constant') return s.value;
    const sec = this.sections[s.sec];
    if (sec !== undefined) return sec.address + s.value;
    // (A label of `absolute` space at a `section.NAME.start`: see LOAD_SEGMENTS.)
    return this.segmentAddress(s.sec) + s.value;
  }

  /**
   * `section.NAME.start` and `section.NAME.vstart` (NASM manual §8.1.3: bin format): the load
   * and the run address of section NAME. The vstart is in the section, as its labels are; the
   * start in a segment of its own (see LOAD_SEGMENTS; measured: `dd section..data.start - x`
   * in .data is the difference, `dd x - section..data.start` an error).
   */
  private sectionSymbol(name: string): Value | undefined {
    const sec = this.namedSection(name);
    if (sec === undefined) return undefined;
    if (name.endsWith('.vstart')) return { v: sec.address, sec: sec.index };
    return { v: loadAddress(sec, this.origin), sec: LOAD_SEGMENTS + sec.index };
  }

  /** The section of `section.NAME.start` or `section.NAME.vstart`, when `name` is one. */
  private namedSection(name: string): Section | undefined {
    if (!name.startsWith('section.')) return undefined;
    const vstart = name.endsWith('.vstart');
    if (!vstart && !name.endsWith('.start')) return undefined;
    return this.sectionByName.get(name.slice('section.'.length, name.length - (vstart ? '.vstart' : '.start').length));
  }

  private eval(e: Expr): Value {
    if (e.k === 'num' && e.big === undefined) return { v: e.v, sec: -1 };
    // (nasm's earlier passes report first.)
    if (this.firstPassEqus.any && (this.final || this.pass === 0) && this.firstPassEqus.namedIn(e)) this.firstPassCheck(e);
    return evaluate(e, this);
  }

  /**
   * nasm's errors in its first two passes for `e`, which names an `equ` whose value nasm's first
   * pass did not know: nasm then defines the name as 0, a number, and reports what its first pass
   * finds wrong with that (measured: `C equ L` before `L:`, then `dw (C - $$) >> 16` is "shift
   * operator may only be applied to scalar values", `'ab' % C` "division by zero"), else what its
   * second finds, with the names whose `equ` is still ahead as the first pass left them
   * (`dd C - b0` before `C equ L`: "expression is not simple or relocatable").
   */
  private firstPassCheck(e: Expr): void {
    let failed = false;
    // (Checked as the first pass goes, which has the first pass's symbols and may be the last to
    // read `e`: a later pass may reuse its value. Ringside's first pass reports nothing else.)
    const final = this.final;
    this.final = true;
    try {
      const report = (message: string, node: Expr): void => { failed = true; this.error(message, node); };
      if (this.pass === 0 || final) evaluate(e, this.firstPassEqus.view(this.stmtIndex, true, report));
      if (!failed && final) evaluate(e, this.firstPassEqus.view(this.stmtIndex, false, report));
    } finally {
      this.final = final;
    }
  }

  /** `e`'s value, with `use` said of an unknown symbol in it. */
  private evalWith(e: Expr, use: Undefined): Value {
    if (e.k === 'num') return this.eval(e);
    this.undefinedUse = use;
    try { return this.eval(e); } finally { this.undefinedUse = Undefined.Reported; }
  }

  /**
   * A directive's argument that must be known and absolute now, with nasm's messages for one
   * that is not (see ARGUMENTS; `what`: the directive, for those nasm has none of its own).
   */
  /**
   * `alignmode MODE[, THRESHOLD]` of nasm's smartalign package: the mode is matched as `%ifidni`
   * would, an unknown one is its `%error` (measured: "unknown alignment mode: bogus").
   */
  private alignMode(args: readonly PPToken[]): void {
    const parts = splitComma(args);
    // (A blank braces kept after the mode, which the package's line puts before its comma, is
    // part of the word to its `%ifidni`: measured with nasm 2.16.01, `alignmode {p6 }` is
    // "unknown alignment mode: p6 ", `alignmode { p6}` p6.)
    const comma = parts[0].length;
    const word = tokensText(parts[0]) + (comma > 0 && comma < args.length && spaced(args[comma - 1], args[comma]) ? ' ' : '');
    const mode = chosenAlignMode(word, parts.length > 2 ? parts.slice(2).map(tokensText) : undefined);
    if (mode === undefined) { this.error('user-error', `unknown alignment mode: ${word}`, undefined); return; }
    // (The package's `%ifidni %2,nojmp`, else `%xdefine __?ALIGN_JMP_THRESHOLD?__ %2`: the text,
    // read by each `align`, see smartJumps.)
    const given = parts.length > 1 && parts[1].length > 0 ? parts[1] : undefined;
    const threshold = given === undefined ? undefined : given.length === 1 && given[0].text.toLowerCase() === 'nojmp' ? -1 : tokensText(given);
    this.smartAlign = withAlignMode(this.smartAlign, mode, threshold);
  }

  /**
   * Whether smartalign's `align` jumps over a pad of `pad` bytes: its macro's `%if
   * __?ALIGN_JMP_THRESHOLD?__ != -1 && %$pad > __?ALIGN_JMP_THRESHOLD?__` (smartalign.mac), the
   * threshold's text pasted in, its errors at `word` when `report` (measured with nasm 2.16.01:
   * after `alignmode generic, 2==2` a pad of 15 is NOPs, `(15 > 2) == 2` false; after `0 && 1`
   * too; after `1 || 0` a pad of 0 jumps; `1+` is "expression syntax error" at each `align`, `x`
   * "symbol `x' not defined before use", `2~` "trailing garbage after expression ignored" and the
   * `%if` on what comes before).
   */
  private smartJumps(s: SmartAlign, pad: number, word: { readonly start: number; readonly end: number }, report: boolean): boolean {
    if (s.thresholdText === undefined) return s.threshold !== -1 && pad > s.threshold;
    const { e, whole } = this.writtenExpression(`${s.thresholdText} != -1 && ${pad} > ${s.thresholdText}`);
    // (An unterminated string in the threshold is a token of its own in nasm's `%if`, which its
    // evaluator cannot read: measured, `alignmode generic, 14 | "0` then `align 16` is
    // "expression syntax error"; the text read again would close it at the next quote.)
    if (e === undefined || openString(tokenizeLine(s.thresholdText)) !== undefined) { if (report) this.error('syntax', 'expression syntax error', word); return false; }
    if (report && !whole) this.warning('pp-trailing', 'trailing garbage after expression ignored', word);
    // (nasm's preprocessor reads it in every pass: a symbol defined after it is none in the first.)
    const later = laterSymbol(e, (name) => this.definedLater(name) || !this.symbols.has(name));
    if (later !== undefined) { if (report) this.error('undefined-symbol', `symbol \`${later.name}' not defined before use`, word); return false; }
    const v = evaluate(e, { symbol: (name, node) => this.lookup(name, node), here: () => this.here(), base: () => this.base(), error: (message) => { if (report) this.error('expression', message, word); } });
    return v.v !== undefined && v.v !== 0;
  }

  /** `address`, when given, is told of an address (a label, an external name: its value in segments, see evaluateInSegments) instead of the error for one. */
  private constant(e: Expr, what: string, address?: (v: Value) => void): number | undefined {
    return this.constantValue(e, what, address)?.v;
  }

  /** `constant`, its value exact (Value.big beyond ±2^53). */
  private constantValue(e: Expr, what: string, address?: (v: Value) => void): Value | undefined {
    const rule = ARGUMENTS[what];
    // (An external name is a segment of its own, an address as a label's is: measured with nasm
    // 2.16.01, `extern a` / `resb a` is "attempt to reserve non-constant quantity of BSS space",
    // `org a` "org value must be a critical expression", as with a label.)
    const external: { named: boolean } | undefined = this.declaredExternals.size > 0 ? (this.equOfExtern = { named: false }) : undefined;
    // (A sum of labels that is no address, `org 2*lab`, is no error of nasm's evaluator: the
    // directive's own, as for a label. Measured with nasm 2.16.01: "org value must be a critical
    // expression", `section .x start=lab+lab` "section attribute value must be ...".)
    this.misplacedHeld = (rule?.label !== undefined && rule.offset !== true && address === undefined && RESERVE_UNIT[what] === undefined) || rule?.sums === true ? false : undefined;
    let v: Value;
    let misplaced: boolean | undefined;
    try { v = rule?.critical === true ? this.criticalValue(e) : RESERVE_UNIT[what] !== undefined ? this.evalImmediate(e) : this.eval(e); } finally { this.equOfExtern = undefined; misplaced = this.misplacedHeld as boolean | undefined; this.misplacedHeld = undefined; }
    if (misplaced === true && v.v === undefined) {
      if (rule!.sums === true && address !== undefined) address(v);
      else this.error(rule!.code ?? 'non-constant', rule!.label!, e);
      return undefined;
    }
    // (An external name an operator carried on with after its error: see carriedOnAddress.)
    const carried = v.v === undefined && external !== undefined && !external.named ? this.carriedOnAddress(e) : undefined;
    if (v.sec >= 0 || (v.v === undefined && external !== undefined && external.named) || carried !== undefined) {
      const at = carried ?? (v.sec >= 0 ? v : evaluateInSegments(e, this));
      const offset = rule?.offset === true ? this.offsetOf(at) : undefined;
      if (offset !== undefined) return { v: offset, sec: -1 };
      if (address !== undefined) address(at);
      else this.error(rule?.code ?? 'non-constant', rule?.label ?? `${what} needs an absolute value, not a label`, e);
      return undefined;
    }
    if (v.v === undefined) {
      const message = rule === undefined ? `non-constant argument supplied to ${what}` : rule.unknown;
      // (A word nasm's evaluator cannot read: its syntax error again, measured, `align far`.)
      const word = message?.startsWith('non-constant argument supplied to') === true ? unreadableIn(e) : undefined;
      if (word !== undefined) {
        if (this.final) this.sink.report('error', 'syntax', 'expression syntax error', this.range(word), this.lines.origin(this.line).expansion, undefined, this.line, this.line, 1);
      // (Not a count's where the evaluator gave up: nasm's parser drops the line there, measured
      // with nasm 2.16.01, `align 1/0` is no "non-constant argument supplied to TIMES".)
      } else if (message !== undefined && !(message.startsWith('non-constant argument supplied to') && this.gaveUpIn === this.stmtIndex)) this.error(rule?.code ?? 'non-constant', message, e);
      return undefined;
    }
    return v;
  }

  /** The offset of value `v` in its segment, an external name's segment's too (see evaluateInSegments); undefined for no such value. */
  private offsetOf(v: Value): number | undefined {
    if (v.v === undefined || v.sec < 0 || v.big !== undefined) return undefined;
    return v.sec >= EXTERNAL_SEGMENTS ? v.v : v.v - this.segmentAddress(v.sec);
  }

  /**
   * `e` as nasm evaluates a critical expression, in its first pass: a symbol defined after the
   * line has no value there ("not defined before use"), nor has `section.NAME.start` or
   * `.vstart`, which nasm's bin format defines from its second pass on (outbin.c bin_secname;
   * measured: `align section..text.start`, `absolute section..text.vstart`).
   */
  private criticalValue(e: Expr): Value {
    return this.laterInCritical(e) ? { v: undefined, sec: -1 } : this.evalWith(e, Undefined.BeforeUse);
  }

  /** Whether critical expression `e` names a symbol defined after its line (nasm's error given: see criticalValue). */
  private laterInCritical(e: Expr): boolean {
    const later = laterSymbol(e, (name) => this.definedLater(name) || (!this.symbols.has(name) && this.namedSection(name) !== undefined));
    if (later === undefined) return false;
    this.error('undefined-symbol', `symbol \`${later.name}' not defined before use`, later);
    return true;
  }

  private operandValue(v: Value): OperandValue {
    return this.writeValue({ value: undefined, reloc: false, section: undefined, sectionOffset: undefined, scaled: undefined }, v);
  }

  /** Writes `v` into `into` as the encoder reads a value: a label's also as an offset in its section. */
  private writeValue<T extends Scratch<OperandValue>>(into: T, v: Value): T {
    const known = v.sec >= 0 && v.v !== undefined;
    into.value = v.big === undefined ? v.v : encodableNumber(v.big);
    into.reloc = v.sec >= 0 || v.scaled === true;
    into.scaled = v.scaled;
    into.section = known ? v.sec : undefined;
    // (A `section.NAME.start`'s segment is no section of `sections`: see LOAD_SEGMENTS.)
    into.sectionOffset = known ? v.v! - (this.sections[v.sec]?.address ?? this.segmentAddress(v.sec)) : undefined;
    return into;
  }

  // ---- statements ----

  /** Defines the label of statement `st` (of its `at` line's fill when `fill`) where the assembly is. */
  private defineHere(st: ParsedStatement, fill: boolean): void {
    if (this.absolute === undefined) this.define(st, 'label', this.sec, this.sections[this.sec].size, undefined, fill);
    else if (this.absoluteSec >= EXTERNAL_SEGMENTS) this.externalLabel(fill ? st.fill!.label! : st.label!, this.absoluteOffset(this.absolute));
    else this.define(st, 'label', this.absoluteSec, this.absoluteOffset(this.absolute), undefined, fill);
  }

  /**
   * Defines the label of statement `st`: `fill`, the label of the line after an `at`'s field
   * (see ParsedStatement.fill), whose symbol is kept apart from the statement's own.
   */
  private define(st: ParsedStatement, kind: 'label' | 'constant', sec: number, value: number | undefined, big?: bigint, fill = false): void {
    const own = fill ? this.fillLabelSymbol?.get(this.stmtIndex) : this.labelSymbol[this.stmtIndex];
    const label = fill ? st.fill!.label! : st.label!;
    const name = fullName(label.name, this.sharedBases?.[this.stmtIndex]);
    if (own !== undefined) {
      this.redefine(own, kind, sec, value, big);
      // The name's only definition in this pass, where nasm's first pass had another before it,
      // on a line no later pass runs (a branch of a %if on `$`): that pass's message stands
      // (measured with nasm 2.16.01: the branch `ODD equ 0` its first pass took, then `ODD equ 1`).
      const early = this.final ? this.earlyRedefinition() : undefined;
      if (early !== undefined) this.reportRedefinition(name, label, early);
      return;
    }
    const prev = this.symbols.get(name);
    // A name another statement defined in an earlier pass and not yet in this one (an `equ` in a
    // branch of a `%if` on `$` the pass now takes): nasm's check is for two definitions in one pass, so this is
    // its first, and the other's, if it comes, the redefinition (measured: `%if ($-$$) & 1` /
    // `ODD equ 1` / `%else` / `ODD equ 0` as the passes move the address, no message).
    if (prev !== undefined && this.pass > 0 && prev.pass < this.pass && prev.stmt !== this.stmtIndex) {
      if (this.labelSymbol[prev.stmt] === prev) this.labelSymbol[prev.stmt] = undefined;
      else this.fillLabelSymbol?.delete(prev.stmt);
      this.route[prev.stmt] = Route.General;
      this.symbols.delete(name);
      this.define(st, kind, sec, value, big, fill);
      const early = this.final ? this.earlyRedefinition() : undefined;
      if (early !== undefined) this.reportRedefinition(name, label, early);
      return;
    }
    if (prev !== undefined) {
      // nasm 2.16 takes a definition that agrees with the first (a file of `equ`s included twice).
      const early = this.earlyRedefinition();
      const latest = early ?? this.redefinedAs?.get(name) ?? prev;
      if (this.final && (!this.sameDefinition(latest, kind, sec, value, big) || early !== undefined)) {
        this.reportRedefinition(name, label, latest);
        (this.redefinedAs ??= new Map()).set(name, { ...prev, kind, sec, value, big, stmt: this.stmtIndex, span: label, src: label.src });
      }
      return;
    }
    // (An `equ` of an external name is no symbol: see externalConstant.)
    const external = this.externalEqus?.get(name);
    if (external !== undefined && external.stmt !== this.stmtIndex) { this.labelRedefined(name, label, external.range); return; }
    this.changed = true;
    const def: SymbolDef = { name, kind, sec, value, big, stmt: this.stmtIndex, pass: this.pass, span: label, src: label.src, isStruc: false };
    this.symbols.set(name, def);
    if (isRegisterOutsideDialect(name) || isUnreadableWord(name)) (this.wordNamed ??= new Set()).add(name);
    if (fill) (this.fillLabelSymbol ??= new Map()).set(this.stmtIndex, def);
    else this.labelSymbol[this.stmtIndex] = def;
  }

  /** nasm's "label `NAME' inconsistently redefined" at the statement's `label`, the definition it contradicts `latest`. */
  private reportRedefinition(name: string, label: NonNullable<ParsedStatement['label']>, latest: SymbolDef): void {
    const expansion = this.lines.origin(this.line).expansion;
    this.sink.error('duplicate-label', `label \`${name}' inconsistently redefined`, this.range(label, label.src), expansion,
      [{ message: `label \`${name}' originally defined here`, range: symbolRange(latest, this.lines, this.lineOf), definition: true }], this.line, this.statementRange(label.src, expansion));
  }

  /**
   * `v`, the value of `equ` `st`, as nasm's first pass makes it: a `__?floatN?__()` there is in the
   * `[float]` mode of that pass, the default before the first `float` line, where the line was
   * parsed in the mode the file ends in (see floatModes in index.ts), so it is read again in the
   * mode here (measured with nasm 2.16.01: `x equ __?float32?__(0.1)` before and after `[float
   * zero]` is "label `x' inconsistently redefined").
   */
  private inFirstPassFloatMode(st: ParsedStatement, v: Value): Value {
    // (The file's last mode, which the lines before its first `float` were parsed in; after that
    // line the parse and this pass follow the same directives. The same mode, then, is the parse's:
    // nothing to read again, nor a line to tokenize for it, in a file with no `float` at all.)
    if (this.floatMode === (this.host.parsedFloatMode ?? DEFAULT_FLOAT_MODE)) return v;
    const toks = this.lines.tokensOf(this.line);
    if (!toks.some((t) => t.kind === 'ident' && t.text.charCodeAt(0) === 0x5f && floatFunction(t.text) !== undefined)) return v;
    const again = parseStatement(toks, st.localBase, this.limits.eval, this.floatMode).stmt;
    const operand = again?.op?.name === 'equ' ? again.operands[0] : undefined;
    if (operand?.kind !== 'imm') return v;
    const w = this.evalImmediate(operand.expr);
    return w.v === undefined ? v : w;
  }

  /**
   * The value `equ` gives a sum of labels that takes the current section's base away once
   * (`size equ bss_end - $$`, bss_end in another section; `x equ 5 - $`): nasm keeps the sum's
   * section (the one added, else none) and the labels' offsets in their sections, so the base
   * taken away is left out (measured with nasm 2.16.01 at `org 0x7c00`: `dd size` is bss_end's
   * address, `dd x` is 5 less `$`'s offset; an instruction's `bss_end - $$` is the difference).
   * Its labels read from `ctx`.
   */
  private equSum(e: Expr, v: Value, ctx: EvalContext = this): Value {
    if (this.absolute !== undefined || e.k === 'sym') return v;
    const terms = sectionTerms(e, ctx);
    if (terms === undefined || terms.sections.get(this.sec) !== -1) return v;
    let added = -1;
    for (const [sec, c] of terms.sections) if (c === 1) added = sec;
    return { v: v.v! + this.sections[this.sec].address, sec: added };
  }

  /**
   * The value nasm's first pass gives `equ` `name` of `e`, not known in Ringside's first pass: what
   * nasm's first pass knows of it, 0 when nothing (nasm defines such a name as the number 0).
   */
  private keepFirstPassValue(name: string, e: Expr): Value | undefined {
    this.immediate = true;
    let w: Value | undefined;
    try { w = firstPassEquValue(e, this.firstPassEqus.view(this.stmtIndex, true, () => undefined)); } finally { this.immediate = false; }
    this.firstPassEqus.keep(name, w ?? { v: undefined, sec: -1 }, this.stmtIndex);
    return w;
  }

  /**
   * Notes the value nasm's first pass gives `name` here, `value` (undefined: not known to be a
   * number or an address), where nasm checks it against a definition of the name earlier in the
   * pass: a name two definitions give different values there is "inconsistently redefined", even
   * when they agree later (measured with nasm 2.16.01: `len equ end - begin` before `begin:` and
   * `end:`, 0 in that pass, then `len equ end - begin` after them; a structure declared twice whose
   * first `resb x` is before `x equ 3`; the note names the earlier definition). For an `equ`, a
   * structure's size and a label of absolute space: a label of a section is where nasm's first
   * pass has it only as far as Ringside's sizes its branches alike.
   */
  private firstPassDefinition(name: string, value: Value | undefined, span: { readonly start: number; readonly end: number }, src: SourceRange | undefined): void {
    const before = this.firstPassValues.get(name);
    const same = before?.value !== undefined && value !== undefined && before.value.v === value.v && before.value.sec === value.sec && before.value.big === value.big;
    // (The same value again leaves the note where it was: measured, `x equ 1`, `x equ 2` twice, `x equ 3`.)
    if (same) return;
    this.firstPassValues.set(name, { value, def: { name, kind: 'constant', sec: -1, value: undefined, big: undefined, stmt: this.stmtIndex, pass: 0, span, src, isStruc: false } });
    if (before?.value === undefined || value === undefined || value.big !== undefined || before.value.big !== undefined) return;
    (this.firstPassRedefined ??= new Map()).set(this.stmtIndex, before.def);
    (this.firstPassRedefinitions ??= new Map()).set(this.stmtIndex, this.firstPassValues.get(name)!.def);
  }

  /**
   * The definition before the current statement's that nasm's first pass finds it inconsistent
   * with (see firstPassDefinition), if any; noted as run in this pass.
   */
  private earlyRedefinition(): SymbolDef | undefined {
    const early = this.firstPassRedefined?.get(this.stmtIndex);
    if (early !== undefined && this.final) this.redefinitionsRun.add(this.stmtIndex);
    return early;
  }

  /**
   * The inconsistent definitions of nasm's first pass (see firstPassDefinition) on lines no later
   * pass runs, a branch of a %if on `$` only the first took: nasm reports them in that pass and
   * stops after it (measured with nasm 2.16.01: `ODD equ 1`, then `ODD equ 0` in the branch its
   * first pass took, is "label `ODD' inconsistently redefined").
   */
  private reportFirstPassRedefinitions(): void {
    if (this.firstPassRedefinitions === undefined) return;
    for (const [stmt, def] of this.firstPassRedefinitions) {
      if (this.redefinitionsRun.has(stmt)) continue;
      const line = this.lineOf[stmt];
      this.sink.error('duplicate-label', `label \`${def.name}' inconsistently redefined`, symbolRange(def, this.lines, this.lineOf), this.lines.origin(line).expansion,
        [{ message: `label \`${def.name}' originally defined here`, range: symbolRange(this.firstPassRedefined!.get(stmt)!, this.lines, this.lineOf), definition: true }], line);
    }
  }

  /** Whether a second definition gives `def`'s section and value (nasm: else "inconsistently redefined"). */
  private sameDefinition(def: SymbolDef, kind: 'label' | 'constant', sec: number, value: number | undefined, big: bigint | undefined): boolean {
    if (value === undefined || def.sec !== sec || def.big !== big) return false;
    const v = kind === 'label' && sec >= 0 ? this.segmentAddress(sec) + value : value;
    return this.symbolValue(def).v === v;
  }

  /** A later pass over the statement that defined `def`: its value now. */
  private redefine(def: SymbolDef, kind: 'label' | 'constant', sec: number, value: number | undefined, big: bigint | undefined): void {
    if (def.sec !== sec || def.value !== value || def.kind !== kind || def.big !== big) {
      this.changed = true;
      if (this.pass >= this.lastPasses) this.symbolsUnsettled.add(def.name);
    }
    def.sec = sec; def.value = value; def.kind = kind; def.pass = this.pass; def.big = big;
  }

  /** A label's value at `at` in absolute space: its offset in `absoluteSec` when there is one. */
  private absoluteOffset(at: number): number {
    return this.absoluteSec < 0 ? at : at - this.segmentAddress(this.absoluteSec);
  }

  private statement(i: number): void {
    const section = this.absolute !== undefined ? undefined : this.sections[this.sec];
    const offset = section === undefined ? this.absolute! : section.size;
    this.hereOffset = section === undefined ? 0 : offset;
    const route = this.route[i];
    if (route !== Route.General) {
      // Static code is redone only in a section and under the `bits` it was encoded for.
      const codeSection = route === Route.StaticCode && this.cache.bits[i] === this.bits ? section : undefined;
      // (A label in an external name's absolute space is no symbol: see externalLabel.)
      if ((route === Route.Label && (section !== undefined || this.absoluteSec < EXTERNAL_SEGMENTS)) || codeSection !== undefined) {
        const own = this.labelSymbol[i];
        if (own !== undefined) {
          if (section !== undefined) this.redefine(own, 'label', this.sec, offset, undefined);
          else this.redefine(own, 'label', this.absoluteSec, this.absoluteOffset(offset), undefined);
        }
        if (section === undefined) this.results.reset(i, -1, NaN, offset);
        else this.results.reset(i, this.sec, offset, section.address + offset);
        if (codeSection !== undefined) this.staticCode(i, codeSection, offset);
        return;
      }
    }
    this.route[i] = Route.General;
    const st = this.stmts[i];
    if (this.sharedBases !== undefined) readNamesUnder(this.sharedBases[i]);
    const kind = st.kind;
    // (`x: times 2 equ 5`: the `equ` does not follow the label, which is one as any other: see timesEqu.)
    if (st.label !== undefined && (kind !== StatementKind.Directive || st.op!.name !== 'equ' || st.times !== undefined)) this.defineLabelHere(st, section, offset);
    if (section === undefined) this.results.reset(i, -1, NaN, offset);
    else this.results.reset(i, this.sec, offset, section.address + offset);
    if (kind === StatementKind.Empty) {
      if (this.labelSymbol[i] !== undefined) this.route[i] = Route.Label;
      return;
    }
    if (kind === StatementKind.Directive) this.directive(st, st.op!.name);
    else if (this.final || section === undefined || st.times !== undefined || this.cpu !== ANY_CPU || !this.sizeOnly(st, i, section)) this.instruction(st);
  }

  /** The label of `st`, the current statement's, at `offset` in `section` (undefined: in absolute space). */
  private defineLabelHere(st: ParsedStatement, section: Section | undefined, offset: number): void {
    const label = st.label!;
    if (section !== undefined) {
      // (Where a `%if` on `$` may run other lines in nasm's first pass than in its later ones, a
      // label it defines there twice at two places is "inconsistently redefined" though later
      // passes define it once: measured with nasm 2.16.01, `jmp fwd` / `%if ($-$$) == 2` / `lab:
      // nop` / `%endif` / `lab: nop`, the jump short in that pass only. Elsewhere a label's place
      // in that pass is nasm's only as far as Ringside sizes that pass's branches alike.)
      if (this.pass === 0 && this.host.checks !== undefined && this.host.checks.length > 0) {
        this.firstPassDefinition(fullName(label.name, this.sharedBases?.[this.stmtIndex]), { v: section.address + offset, sec: this.sec }, label, label.src);
      }
      this.define(st, 'label', this.sec, offset);
      return;
    }
    if (this.absoluteSec >= EXTERNAL_SEGMENTS) { this.externalLabel(label, this.absoluteOffset(offset)); return; }
    if (this.pass === 0) this.firstPassDefinition(fullName(label.name, this.sharedBases?.[this.stmtIndex]), { v: this.absoluteOffset(offset), sec: this.absoluteSec }, label, label.src);
    this.define(st, 'label', this.absoluteSec, this.absoluteOffset(offset));
  }

  /** A Route.StaticCode statement's bytes again: the common case here, emit() for the rest (nobits sections, limits). */
  private staticCode(i: number, section: Section, offset: number): void {
    const bytes = (this.cache.result[i] as Extract<EncodeResult, { ok: true }>).bytes;
    if (!this.final || !section.progbits || offset + bytes.length > MAX_SECTION_BYTES) { this.emit(bytes, 1); return; }
    writeBytes(section, offset, bytes);
    this.results.bytes[i] = bytes;
    this.results.size[i] = bytes.length;
    section.size = offset + bytes.length;
  }

  /**
   * A sizing pass over a static instruction without `times` that an identical line has already
   * encoded without problems under the current `bits`: its size, kept on the statement, is all
   * the pass needs (its encoding is noted for the final pass, unread). False when the statement
   * must take the general path.
   */
  private sizeOnly(st: ParsedStatement, i: number, section: Section): boolean {
    const size = this.bits === 32 ? st.size32 : st.size16;
    if (size < 0 || section.size + size > MAX_SECTION_BYTES || this.optimization !== undefined) return false;
    const c = this.cache;
    c.kind[i] = Encoding.Static;
    c.result[i] = this.bits === 32 ? st.enc32 : st.enc16;
    c.bits[i] = this.bits;
    section.size += size;
    this.results.size[i] = size;
    if (st.label === undefined || this.labelSymbol[i] !== undefined) this.route[i] = Route.StaticCode;
    return true;
  }

  /**
   * Adds `n` copies of `unit` at the current location, or `n` bytes of reserved space when `unit`
   * is undefined. Only the final pass writes bytes, straight into the section's contents.
   */
  private emit(unit: Uint8Array | undefined, n: number): void {
    const size = unit === undefined ? n : unit.length * n;
    if (this.absolute !== undefined) {
      // (nasm's words for data too: measured, `db 1` after `absolute 0`. Not where an unread
      // `absolute` left nasm's first pass, after which it stops: see enterUnplacedSpace. Nor for a
      // statement an undefined symbol dropped, as in a nobits section below: measured, `absolute 0`
      // / `dd 1, nope` is "symbol `nope' not defined" alone.)
      if (unit && size > 0 && this.absoluteSec !== UNPLACED_SEGMENT && this.undefinedIn !== this.stmtIndex) this.error('absolute-data', 'attempt to assemble code in [ABSOLUTE] space', undefined);
      this.absolute += size;
      this.results.size[this.stmtIndex] = size;
      return;
    }
    const s = this.sections[this.sec];
    if (unit && !s.progbits && size > 0) {
      // (Not for a statement an undefined symbol dropped: nasm puts it out no more. Measured.)
      if (this.undefinedIn !== this.stmtIndex) this.warning('nobits-data', `attempt to initialize memory in a nobits section: ignored`, undefined);
      unit = undefined;
    }
    if (unit !== undefined && s.size + size > MAX_SECTION_BYTES) {
      this.error('section-size', `section \`${s.name}' would exceed ${MAX_SECTION_BYTES} bytes`, undefined);
      return;
    }
    if (this.final && unit !== undefined) {
      const offset = s.size;
      if (n === 1) {
        if (size > 0) writeBytes(s, offset, unit);
        this.results.bytes[this.stmtIndex] = unit;
      } else {
        // A stop for time leaves the run without an image (run() checks the budget after the pass).
        writeRepeated(s, offset, unit, n, this.budget);
        this.results.bytes[this.stmtIndex] = s.data.subarray(offset, offset + size);
      }
    }
    s.size += size;
    this.results.size[this.stmtIndex] = size;
  }

  /** Reserves `size` bytes: zeros in a progbits section (`warn`: with nasm's warning). */
  private reserve(size: number, warn = true): void {
    if (warn) this.warnZeroing(size);
    this.emit(this.absolute === undefined && this.sections[this.sec].progbits ? ZERO : undefined, size);
  }

  private warnZeroing(size: number): void {
    const s = this.absolute === undefined ? this.sections[this.sec] : undefined;
    if (s !== undefined && s.progbits && size > 0) this.warning('zeroing', `uninitialized space declared in ${s.name} section: zeroing`, undefined);
  }

  /**
   * nasm's "zeroing" warnings for the `?` of a data directive put out `times` times in a progbits
   * section: one for each reservation it makes (see dataPieces), at its first `?`, in each
   * repetition (`db 3 dup (?, 1, ?)` warns six times, `times 2 db ?` twice; measured); at most
   * MAX_ZEROING_WARNINGS for a statement.
   */
  private warnReservations(items: readonly DataItem[], unit: number, times: number): void {
    const s = this.absolute === undefined ? this.sections[this.sec] : undefined;
    if (!this.final || s === undefined || !s.progbits || times <= 0) return;
    const at = reservations(dataPieces(items, unit, (g) => this.dupCount(g)), MAX_ZEROING_WARNINGS);
    if (at.length === 0) return;
    const message = `uninitialized space declared in ${s.name} section: zeroing`;
    for (let k = 0; k < Math.min(times * at.length, MAX_ZEROING_WARNINGS); k++) this.warning('zeroing', message, at[k % at.length], k);
  }

  /**
   * Whether count `e` of the current statement (of value `v` in this pass) was no number in
   * nasm's first pass (see firstPassNumber), where nasm reports the `times` or `dup` and goes no
   * further: noted in the first pass (which reports nothing), answered in the passes after it.
   */
  private failedAtFirst(e: Expr, v: Value): boolean {
    if (this.pass === 0 && !this.final) {
      // (An `equ` nasm's first pass did not know the value of is its number 0 there: see firstPassEqus.)
      let view: EvalContext = this.firstPassEqus.namedIn(e) ? this.firstPassEqus.view(this.stmtIndex, true, () => undefined) : this;
      // A `.x` defined before the first non-local label is no `main.x` to nasm's first pass
      // (measured: `.s: db 1` / `b:` / `.e: db (.e - .s) dup (1)` is "non-constant argument
      // supplied to DUP", where `db .e - .s` is 1).
      if (this.carriedBefore > 0) view = this.withoutCarried(view);
      // (A number here may be one nasm's first pass had errors of, a name further on unknown to
      // it where Ringside's evaluator took another way: measured with nasm 2.16.01, fwd a label
      // further on, `times lab >> !fwd == k db 1` is the shift's error alone, the `!` of an unknown
      // none, then `lab == k` 0; not the final pass's error of `!fwd`.)
      if (v.v === undefined || v.sec >= 0 || this.carriedBefore > 0 || (mayRefuse(e) && this.namesForward(e))) {
        const first = this.firstPassEvaluated(e, view);
        if (!first.number || (first.unknown && first.errors.length > 0)) this.firstPassCounts.set(`${this.stmtIndex}:${e.start}`, first);
        else if (v.v === undefined) (this.numberAtFirst ??= new Set()).add(`${this.stmtIndex}:${e.start}`);
      }
      return false;
    }
    return this.firstPassCounts.size > 0 && this.firstPassCounts.has(`${this.stmtIndex}:${e.start}`);
  }

  /**
   * `ctx` as nasm's first pass reads names around the first non-local label (see carriedBefore):
   * after it, those defined as `.x` before it are not defined; before it, those defined as `.x`
   * after it are not (there `.x` names a label of no base, measured: `.e: db (.e - .s) dup (1)`
   * first, `.s` under the file's last label, is "non-constant argument supplied to DUP").
   */
  private withoutCarried(ctx: EvalContext): EvalContext {
    const before = this.stmtIndex < this.carriedBefore;
    const carried = (name: string): boolean => {
      const s = this.symbols.get(name);
      return s !== undefined && this.stmts[s.stmt].label?.local === true && (s.stmt < this.carriedBefore) !== before;
    };
    return {
      symbol: (name, node) => (carried(name) ? undefined : ctx.symbol(name, node)),
      here: () => ctx.here(), base: () => ctx.base(), error: (message, node) => ctx.error(message, node),
    };
  }

  /**
   * Whether evaluating `e` named an undefined symbol, reported as nasm does (the first only):
   * for a `times` count, where nasm stops after the pass (`count-undefined`); for a `dup` count,
   * an error of nasm's final pass, which drops the statement and is listed (measured: `db (e - s)
   * dup (1)` / `db y` reports both, and `nasm -l` lists them).
   */
  private namesUndefined(e: Expr, code: string): boolean {
    this.undefinedUse = Undefined.ReportedOnce;
    this.countNamedUndefined = false;
    this.countUndefinedCode = code;
    try { this.eval(e); return this.countNamedUndefined; } finally { this.undefinedUse = Undefined.Reported; }
  }

  /**
   * A `times` or `dup` count `e` that is no number now (`v`): nasm's error for it, in the passes
   * that report. Undefined symbols whose terms cancel (`x - x`, `x * 0`) are a number to nasm's
   * first pass, and its next names the first (see namesUndefined, whose `code` it is); any other
   * count, `3 <=> 5` too, is "non-constant argument supplied to TIMES" (or DUP).
   */
  private countProblem(e: Expr, v: Value, what: 'TIMES' | 'DUP', code: string): void {
    if (!this.final && this.pass === 0) return;
    // (An error the evaluator gave for the count is its only one: nasm's evaluator gives up on
    // the expression. Measured: `times 1/0 nop` is "division by zero", `times L/2 nop` and
    // `db L/2 dup (1)` "division operator may only be applied to scalar values", alone.)
    if (this.sink.errors > this.errorsBeforeCount) {
      // (Unless the error is one nasm's evaluator carries on after, with no number: measured,
      // `times $$ << 2 db 1` is the shift's error, then "non-constant argument supplied to TIMES".)
      if (this.carriesOnToNoNumber(e)) this.nonConstantCount(what, e);
      return;
    }
    // (A word nasm's evaluator cannot read: its syntax error, measured, `times far nop`, `align far`.)
    // (Nor where nasm's first pass gave up on it, its error given as that pass's (see
    // firstPassCheck): measured, `p equ lab*4` / `times 1/p nop` / `lab:` after a byte is
    // "division by zero" alone.)
    if (this.firstPassCounts.get(`${this.stmtIndex}:${e.start}`)?.gaveUp === true) return;
    const word = unreadableIn(e);
    if (word !== undefined) { this.error('syntax', 'expression syntax error', word); return; }
    const named = v.v === undefined && !this.failedAtFirst(e, v) && this.cancelsUndefined(e) && this.namesUndefined(e, code);
    if (!named) this.nonConstantCount(what, e);
  }

  /**
   * Whether count `e`, a number, names a symbol no line defines in a conditional's branch it does
   * not take: nasm's evaluator reads both branches, and in the passes that report, names it and
   * drops the line (measured with nasm 2.16.01: `times 0 ? lab : 2 nop`, `times 1 ? 2 : lab nop`
   * and `db 1 ? 2 : lab dup (1)` are "symbol `lab' not defined"). Ringside's count takes the branch alone.
   */
  private untakenUndefined(e: Expr, code: string): boolean {
    if ((!this.final && this.pass === 0) || !holdsConditional(e)) return false;
    return this.namesUndefined(e, code);
  }

  /**
   * Whether count `e` named something nasm's first pass did not know and was no number there, or
   * gave that pass's evaluator an error: nasm gives that pass's messages and stops after it (see
   * firstPassEvaluation; its parser drops the line where the evaluator gave up, and gives no
   * "non-constant" then), so a later pass gives them, and evaluates nothing of its own that would
   * say more (measured with nasm 2.16.01, fwd a label further on: `times 4 ^ fwd` is "non-constant
   * argument supplied to TIMES" alone, not the final pass's "`^' operator ..."). Ringside's first
   * pass reports nothing.
   */
  private failedAtFirstUnknown(e: Expr, what: 'TIMES' | 'DUP'): boolean {
    const first = this.firstPassErrors(e);
    if (first === undefined) return false;
    if (!first.number && !first.gaveUp) this.nonConstantCount(what, e);
    // (A number of that pass is taken as a count there: measured, `db (fwd-fwd) - 4 << +$ dup (1)`
    // is the shift's error, then "negative argument supplied to DUP".)
    else if (first.value !== undefined && first.value < 0) {
      if (what === 'DUP') this.error('dup-negative', 'negative argument supplied to DUP', e);
      else this.error('times-negative', `TIMES value ${first.value} is negative`, e);
    }
    return true;
  }

  /**
   * In a pass after the first, of an expression that named something nasm's first pass did not
   * know (see failedAtFirstUnknown): the errors that pass's evaluator gave, reported here, with
   * what else it made of it; undefined for any other expression.
   */
  private firstPassErrors(e: Expr): FirstPassEvaluation | undefined {
    if (this.pass === 0 && !this.final) return undefined;
    const first = this.firstPassCounts.size > 0 ? this.firstPassCounts.get(`${this.stmtIndex}:${e.start}`) : undefined;
    if (first === undefined || !first.unknown || unreadableIn(e) !== undefined) return undefined;
    this.evaluatorErrors(first.errors, e, false);
    return first;
  }

  /**
   * The errors nasm's evaluator gave of `e`, in order (see firstPassEvaluation), as its first
   * pass's and every other's, or (`later`) as a later pass's only: each operator's own, the same
   * words twice too (measured, `times (x-x) & lab == x & (fwd-fwd) + 3 & $$ < 1 db 1` is "`&'
   * operator ..." twice).
   */
  private evaluatorErrors(errors: readonly string[], e: Expr, later: boolean): void {
    const given = new Map<string, number>();
    for (const message of errors) {
      const k = given.get(message) ?? 0;
      given.set(message, k + 1);
      if (k === 0 && !later) this.everyPassError(message, e);
      else if (k === 0) {
        this.givenLaterPass = true;
        try { this.error(message, e); } finally { this.givenLaterPass = false; }
      } else if (this.final) {
        this.errorsGiven++;
        this.sink.report('error', later ? 'expression-later' : this.expressionCode, message, this.range(e), this.lines.origin(this.line).expansion, undefined, this.line, this.line, k);
      }
    }
  }

  /** `e` as nasm's first pass evaluates it (see firstPassEvaluation), its names read from `view`, none reported; `registers`: each a part of its own. */
  private firstPassEvaluated(e: Expr, view: EvalContext, registers = false): FirstPassEvaluation {
    this.undefinedUse = Undefined.Quiet;
    try { return firstPassEvaluation(e, view, registers); } finally { this.undefinedUse = Undefined.Reported; }
  }

  /** nasm's error for a count that is no number; a `times` line is then run once (see timesEqu). */
  private nonConstantCount(what: 'TIMES' | 'DUP', e: Expr): void {
    // (Where nasm's first pass had a number, its error is a later pass's, given with that pass's
    // others: measured with nasm 2.16.01, `times (2 | fwd) <=> y db 1` before `fwd:` and `y equ 3`
    // is the `|`'s error then this one; nasm's first pass took `unknown <=> unknown` for 0.)
    const later = this.numberAtFirst?.has(`${this.stmtIndex}:${e.start}`) === true;
    this.error(later ? 'expression-later' : 'non-constant', `non-constant argument supplied to ${what}`, e);
    this.countRunsOnce = true;
  }

  /**
   * A `times` or `dup` count's value. nasm's evaluator takes any sum of labels, and the count
   * only has to be a number: one that is not is "non-constant argument supplied to TIMES" alone,
   * never what data would say of it (measured: `times $ - y db 0`, y in another section, and
   * `times $ - section..text.start db 0`; see countProblem).
   */
  private countValue(e: Expr): Value {
    this.inCount = true;
    this.errorsBeforeCount = this.sink.errors;
    this.readAgain = this.numberAtFirst !== undefined && this.pass > 0 && this.numberAtFirst.has(`${this.stmtIndex}:${e.start}`);
    try { return this.evalWith(e, Undefined.Quiet); } finally { this.inCount = false; this.readAgain = false; }
  }

  /** Whether nasm's evaluator, given `e` as it is now, carries on after its errors with no number (see firstPassEvaluation). */
  private carriesOnToNoNumber(e: Expr): boolean {
    const now = this.keepingExternals(() => this.firstPassEvaluated(e, this));
    return now.errors.length > 0 && !now.gaveUp && !now.number;
  }

  /**
   * The address nasm's evaluator carries on with after its errors of `e`, an external name's (its
   * segment's, at the offset it adds), which Ringside's evaluator makes no value (measured with
   * nasm 2.16.01, `extern e`: `resb (e ? 1 : 2)` and `resb e << 1` are the operator's error, then
   * "attempt to reserve non-constant quantity of BSS space"; `align (e ? 1 : 2)` as with a
   * label's). Undefined where it carries on with no address, or before the final pass.
   */
  private carriedOnAddress(e: Expr): Value | undefined {
    if (!this.final) return undefined;
    const now = this.keepingExternals(() => this.firstPassEvaluated(e, this));
    return now.errors.length > 0 && !now.gaveUp && now.address ? { v: registersOf(now.vector!).number, sec: EXTERNAL_SEGMENTS } : undefined;
  }

  /**
   * Whether count `e` (a `times` count, a `resb` count), which names an external name a count
   * reads as no number, gives nasm's evaluator errors: it holds the name as an address of a
   * segment of its own, which an operator on numbers refuses as a label's, and gives them (see
   * firstPassEvaluation; measured with nasm 2.16.01, `extern e`: `times (e ? 1 : 2) db 0` and
   * `times e << 1 nop` are the operator's error then "non-constant argument supplied to TIMES",
   * `resb (e ? 1 : 2)` the `?`'s then "attempt to reserve non-constant quantity of BSS space",
   * `times e | 1 nop` the `|`'s alone, its value the number it carries on with).
   */
  private externalOperatorErrors(e: Expr): FirstPassEvaluation | undefined {
    if (this.declaredExternals.size === 0 || !this.final || firstLeaf(e, (x) => x.k === 'sym' && this.declaredExternals.has(x.name)) === undefined) return undefined;
    const read = this.keepingExternals(() => this.firstPassEvaluated(e, this));
    if (read.errors.length === 0) return undefined;
    this.evaluatorErrors(read.errors, e, false);
    return read;
  }

  /** Whether `times` or `dup` count `e` gave errors of an operator on an external name (see externalOperatorErrors), then "non-constant" where nasm's evaluator carried on with no number. */
  private externalCountFailed(e: Expr, what: 'TIMES' | 'DUP'): boolean {
    const read = this.externalOperatorErrors(e);
    if (read === undefined) return false;
    if (!read.gaveUp && !read.number) this.nonConstantCount(what, e);
    return true;
  }

  /** Whether `e`, of no value now, is a number to nasm's first pass, its undefined symbols' terms cancelled (see firstPassNumber). */
  private cancelsUndefined(e: Expr): boolean {
    return this.firstPassEvaluated(e, this).number;
  }

  /**
   * Displacement `disp` of value `v` as nasm's first pass sizes it: one whose undefined names
   * cancel out is the number left, not unknown (measured: `[eax+d2-d1]`, both labels further on,
   * is `[eax]` there, which moves the labels after it as its later passes see them).
   */
  private firstPassDisplacement(disp: Expr, v: Value): Value {
    if (v.v !== undefined || this.pass !== 0) return v;
    const k = this.cancelledUndefined(disp);
    return k === undefined ? v : { v: k, sec: -1 };
  }

  /** `e`, of no value now, as nasm's first pass makes it a number, its undefined symbols' terms cancelled (see FirstPassEvaluation.value). */
  private cancelledUndefined(e: Expr): number | undefined {
    return this.firstPassEvaluated(e, this).value;
  }

  private timesCount(st: ParsedStatement): number {
    if (!st.times) return this.fillCount ?? 1;
    if (this.externalCountFailed(st.times, 'TIMES') || this.failedAtFirstUnknown(st.times, 'TIMES')) return 0;
    // (nasm names no unknown symbol in a count, only the count: measured, `times abc nop`.)
    const v = this.countValue(st.times);
    if (this.failedAtFirst(st.times, v) || v.v === undefined || v.sec >= 0) {
      // (measured: `times x - x db 1` is "symbol `x' not defined", and nasm stops after that pass:
      // a `db y` after it is not reported.)
      this.countProblem(st.times, v, 'TIMES', 'count-undefined');
      return 0;
    }
    if (this.untakenUndefined(st.times, 'count-undefined')) return 0;
    const before = this.timesBefore.get(this.stmtIndex);
    this.timesBefore.set(this.stmtIndex, v.v);
    if (before !== undefined && before !== v.v && this.pass >= this.lastPasses) this.timesUnsettled.add(this.stmtIndex);
    if (this.unsettled && (this.timesUnsettled.has(this.stmtIndex) || mentionsAny(st.times, this.symbolsUnsettled))) {
      this.timesBlamed = true;
      this.nonConstantCount('TIMES', st.times);
      return 0;
    }
    if (v.v < 0) { this.error('times-negative', `TIMES value ${v.big ?? v.v} is negative`, st.times); return 0; }
    return timesInt(v);
  }

  private directive(st: ParsedStatement, name: string): void {
    const args = st.args;
    const word = st.op!;
    if (DATA_UNIT[name] !== undefined) { this.dataDirective(st, name); return; }
    if (RESERVE_UNIT[name] !== undefined) { this.reserveDirective(st, name); return; }
    switch (name) {
      case 'equ':
        if (st.times !== undefined) this.timesEqu(st);
        else this.equ(st);
        return;
      case 'bits': case 'use16': case 'use32': case 'use64':
        this.bitsDirective(st, name);
        return;
      // nasm's standard macros for `[default rel]`, `[default abs]`..., which change nothing in a
      // flat binary of 16 or 32 bits (see `default` below).
      case 'userel': case 'useabs': case 'usebnd': case 'usenobnd':
        return;
      case 'org':
        this.originDirective(st);
        return;
      case 'section': case 'segment':
        this.sectionDirective(st, args);
        return;
      case 'absolute':
        this.absoluteDirective(st, st.args);
        return;
      case 'align': case 'alignb':
        this.alignDirective(st, name);
        return;
      case 'sectalign':
        this.sectalignDirective(st);
        return;
      case 'incbin':
        this.incbin(st, args);
        return;
      case 'global': case 'static':
        this.declarationDirectives.globalOrStatic(args, word, name);
        return;
      case 'cpu':
        this.cpuDirective(args);
        return;
      case 'float':
        this.floatDirective(st);
        return;
      case 'warning': // `[warning -name]`: read with the diagnostics (see WarningSwitches).
        return;
      case 'default': {
        // nasm reads the first word only (`default rel foo` passes; measured).
        const first = args[0]?.kind === 'ident' ? args[0].text.toLowerCase() : '';
        if (first !== 'rel' && first !== 'abs' && first !== 'bnd' && first !== 'nobnd') this.error('syntax', 'invalid parameter to [default] directive', args[0] ?? word);
        return;
      }
      case 'map':
        // `[map all boot.map]`: the words, as nasm splits them (at blanks), read in the first pass.
        if (this.pass === 0) {
          const text = args.length === 0 ? '' : this.lines.text[this.line].slice(args[0].start, args[args.length - 1].end);
          this.mapRequest = readMapDirective(text.split(/[ \t]+/).filter((w) => w !== ''), this.mapRequest);
        }
        return;
      case 'list':
        // `[list -]` / `[list +]`: the listing skips the lines between (see buildListing).
        // (The directive as written: measured, `[LIST x]` is "invalid parameter to [LIST] directive".)
        if (args[0]?.text !== '-' && args[0]?.text !== '+') this.error('syntax', `invalid parameter to [${this.lines.text[this.line].slice(word.start, word.end)}] directive`, args[0] ?? word);
        return;
      case 'common':
        this.declarationDirectives.commonDirective(args, word);
        return;
      case 'extern': case 'required':
        this.declarationDirectives.externDirective(st, name);
        return;
      case 'struc':
        this.strucDirective(st);
        return;
      case 'endstruc':
        this.endstrucDirective(st);
        return;
      case 'istruc':
        this.istrucDirective(st);
        return;
      case 'iend':
        if (!this.istrucStart) { this.error('syntax', '`iend\' without `istruc\'', word); return; }
        this.structureContextLost(word);
        this.endIstruc(word);
        this.istrucStart = this.istrucStart.outer;
        return;
      case SMARTALIGN_DIRECTIVE:
        this.alignMode(args);
        return;
      default:
        this.error('unknown-directive', `unrecognized directive [${this.writtenText(word) ?? name}]`, word);
    }
  }

  /** `struc NAME[, base]`: nasm's standard macro, the label NAME and absolute space from `base` for the fields. */
  private strucDirective(st: ParsedStatement): void {
    const args = st.args;
    const word = st.op!;
    const t = args[0];
    if (t === undefined) { this.emptyStructure(word); return; }
    const problem = t.kind === 'ident' ? strucNameProblem(t.text) : strucWordProblem(t);
    // `struc name, base` (nasm 2.16's standard macros): the name and the fields from `base` on.
    // Words after the name, before the base (`struc S x`, `struc S)`): the macro's label line
    // `S x:` is the label S and the parser's error at what follows it; endstruc's `S x_size
    // equ ($-S x)` the label S again, where the structure ends (nasm 2.16.01, measured: no
    // message when that is where it began, else "label `S' inconsistently redefined"), and
    // the same error; no S_size.
    const comma = args.findIndex((a) => a.text === ',');
    const words = args.length > 1 && comma !== 1;
    const place = this.structurePlace(st, comma);
    const base = place.v ?? 0;
    if (t.text === '[') { this.bracketedStructure(st, comma > 0 ? args.slice(0, comma) : args, base); return; }
    // (A blank braces kept after the name, `struc {s }`, is such a word to endstruc's line, `s
    // _size equ ($-s )`, not to the label line `s :`: measured with nasm 2.16.01.)
    const blankAfter = t.blankAfter === true && (comma < 0 ? args.length === 1 : comma === 1) && problem === undefined;
    const trailing = (words && problem === undefined) || blankAfter;
    // (`$x` is the name `x`, as the label `$x:` is: measured, `struc $x` defines x, x_size and x.a.)
    const name = t.kind === 'here' ? t.text : qualifyName(t.text, undefined);
    // Without a base, before any absolute space the pass entered, nasm's label NAME is in no
    // segment `$` is, and endstruc's `NAME_size equ ($-NAME)` fails (measured with nasm 2.16.01:
    // "invalid operand type", not after an `absolute 0x10` or another `struc`).
    const failed = place.v === undefined;
    const sizeError = problem?.atEnd ?? (trailing ? 'parser: instruction expected' : failed && !this.absoluteEntered ? 'invalid operand type' : undefined);
    this.absoluteEntered ||= !failed;
    this.absolute = base;
    this.absoluteSec = failed ? -1 : place.sec;
    this.struc = { name, base, sec: this.absoluteSec, stmt: this.stmtIndex, sizeError, outer: this.struc, trailing };
    // nasm's `struc` writes `NAME:`, no label for a register or keyword (measured: `struc eax`).
    const external = this.absoluteSec >= EXTERNAL_SEGMENTS ? this.externalAt({ v: base, sec: this.absoluteSec }) : undefined;
    if (problem !== undefined) this.error('syntax', problem.atName, t);
    // (At an external name's place NAME is that name plus an offset, as a label there is, and the
    // map lists it so: see externalLabel, externalMapSymbols.)
    else if (external !== undefined) {
      if (!this.externalEqus?.has(name)) (this.externalEqus ??= new Map()).set(name, { stmt: this.stmtIndex, of: external, range: this.range(t) });
      this.declareExternal(name, external);
    }
    else this.defineNamed(name, this.absoluteSec, base, { start: t.start, end: t.end }, true);
    if (trailing && !blankAfter) this.error('syntax', 'parser: instruction expected', args[1]);
  }

  /**
   * Where `struc NAME, base` (`st`, its comma at `comma` of the arguments, or none) puts the
   * structure: the macro's `[absolute base]` read as `absolute` reads it, a label or an external
   * name's place too (measured with nasm 2.16.01: `struc s, l` takes its fields from l, `struc s,
   * later` with later an equ after it is "symbol `later' not defined before use"); 0 with no base.
   * Undefined `v` when the base fails, a base of nothing too (`struc s, {}`, the macro's `[absolute
   * ]`: "expression syntax error").
   */
  private structurePlace(st: ParsedStatement, comma: number): Value {
    const args = st.args;
    if (comma <= 0) return { v: 0, sec: -1 };
    if (comma === args.length - 1) { this.error('syntax', 'expression syntax error', args[comma]); return { v: undefined, sec: -1 }; }
    const e = this.exprArgFrom(st, args.slice(comma + 1), 'ignored');
    const place = e === undefined ? undefined : this.absoluteBase(e);
    return place === undefined || place === NOT_RELOCATABLE ? { v: undefined, sec: -1 } : place;
  }

  /**
   * `struc [X]`: the macro's label line `[X]:` is the directive `[X]`, what follows its `]`
   * ignored, and so is endstruc's `[X]_size equ ($-[X])` (measured with nasm 2.16.01: `struc [s]`
   * is "unrecognized directive [s]" at both, `struc [s` "invalid directive line", and `struc [bits
   * 16]` sets bits 16; the fields between are in absolute space, and no size is defined).
   */
  private bracketedStructure(st: ParsedStatement, name: readonly PPToken[], base: number): void {
    const outcome = parseStatement(name, st.localBase);
    const op = outcome.stmt?.op;
    // (The directives known to the assembler only as standard macros' lines (`[map]`, `[list]`,
    // `[warning]`) change nothing the second time.)
    const labelDirective = op !== undefined && isPrimitiveDirective(op.name) ? outcome.stmt : undefined;
    const unknown = op !== undefined && !isPrimitiveDirective(op.name) && !BRACKETED_ONLY.has(op.name) ? `unrecognized directive [${this.writtenText(op)}]` : undefined;
    this.struc = { name: '', base, sec: -1, stmt: this.stmtIndex, sizeError: outcome.problem?.message ?? unknown, outer: this.struc, trailing: false, labelDirective };
    this.absolute = base;
    this.absoluteSec = -1;
    if (outcome.problem !== undefined) this.error(outcome.problem.code, outcome.problem.message, outcome.problem);
    if (outcome.stmt?.kind === StatementKind.Directive) this.labelLineDirective(outcome.stmt);
  }

  /** The directive of `struc [X]`'s label line: bracketed, it leaves `__?SECT?__` as it was (see keepSect). */
  private labelLineDirective(st: ParsedStatement): void {
    const { sectLine, sectStmt } = this;
    this.directive(st, st.op!.name);
    this.sectLine = sectLine;
    this.sectStmt = sectStmt;
  }

  /** `endstruc`: the open structure's size name defined (`NAME_size`, or what a `%define _size` makes it), and its space left. */
  private endstrucDirective(st: ParsedStatement): void {
    const word = st.op!;
    if (this.endsIstruc()) { this.endstrucOfIstruc(st, word); return; }
    if (!this.struc) { this.error('syntax', '`endstruc\' without `struc\'', word); return; }
    this.structureContextLost(word);
    // nasm's `NAME_size equ ($-NAME)`: a section's offset after a `section` line in the body
    // (measured: `dd s_size` is then listed `[...]`, and `iend` finds it no constant).
    const here = this.here();
    if (this.struc.trailing) this.defineNamed(this.struc.name, here.sec, here.v, word, true);
    const labelDirective = this.struc.labelDirective;
    if (labelDirective !== undefined) this.labelLineDirective(labelDirective);
    else if (this.struc.sizeError !== undefined) this.error('syntax', this.struc.sizeError, word);
    else {
      // (`struc $`: `$_size equ ($-$)` is `_size`, 0.)
      let size = here.v === undefined ? undefined : this.struc.name === '$' ? 0 : here.v - this.struc.base;
      const renamed = this.host.structureAtEnd?.(this.lineOf[this.stmtIndex], this.struc.name);
      let sizeName: string | undefined;
      let measured = this.struc.name;
      if (renamed !== undefined && renamed.name !== this.struc.name) {
        measured = renamed.name;
        const end = this.renamedEnd(renamed, word);
        sizeName = end?.name;
        if (end !== undefined) size = here.v === undefined || end.from === undefined ? undefined : here.v - end.from;
      } else sizeName = this.sizeLine(this.struc.name, word);
      if (sizeName !== undefined) {
        // (A difference in the structure's own segment is a number: measured, `struc s, lab` /
        // `endstruc` / `istruc s` pads to s_size.)
        const sec = here.sec === this.struc.sec ? -1 : here.sec;
        (this.structureSizes ??= new Map()).set(sizeName, measured);
        if (this.pass === 0) this.firstPassDefinition(sizeName, size === undefined ? undefined : { v: size, sec }, word, undefined);
        this.defineNamed(sizeName, sec, size, word, false);
      }
    }
    this.endStructure(st, word);
    this.struc = this.struc.outer;
  }

  /**
   * Whether the `endstruc` being assembled finds the context of the open `istruc` on top of the
   * stack, one it pushed after the `struc` or with none open: nasm's macros share the stack, and
   * its `endstruc` ends the structure whose context is on top (measured with nasm 2.16.01: `struc
   * pt` / `istruc t` / `endstruc` is `t_size equ ($-t)`, "symbol `t' not defined").
   */
  private endsIstruc(): boolean {
    const ist = this.istrucStart;
    if (ist?.start === undefined || ist.expression !== undefined || ist.stray !== undefined || ist.name === '') return false;
    const found = this.host.foundContext?.(this.line);
    return found !== undefined && ist.start === `..@${found}.strucstart`;
  }

  /** `endstruc` of an `istruc`'s context (see endsIstruc): its `NAME_size equ ($-NAME)` for the istruc's structure, that context popped, and back to the section. */
  private endstrucOfIstruc(st: ParsedStatement, word: { readonly start: number; readonly end: number }): void {
    const ist = this.istrucStart!;
    const end = this.renamedEnd({ name: ist.name, size: `${ist.name}_size` }, word);
    if (end !== undefined) {
      const here = this.here();
      const size = here.v === undefined || end.from === undefined ? undefined : here.v - end.from;
      if (this.pass === 0) this.firstPassDefinition(end.name, size === undefined ? undefined : { v: size, sec: -1 }, word, undefined);
      this.defineNamed(end.name, -1, size, word, false);
    }
    this.istrucStart = ist.outer;
    this.endStructure(st, word);
  }

  /**
   * An `at`, `iend` or `endstruc` (`word`) that finds no structure's context on the stack, a
   * `%pop` or `%push` since its `struc` or `istruc`: nasm's macro reads another context's names or
   * none, and fails (measured with nasm 2.16.01: `%pop` in a `struc` makes `endstruc` "`%$strucname_size':
   * context stack is empty", a `%push x` there "symbol `..@2.strucname' not defined"). Its error.
   */
  private structureContextLost(word: { readonly start: number; readonly end: number }): boolean {
    if (this.host.structureLost?.(this.line) !== true) return false;
    this.error('context', 'a `%pop\' or `%push\' since `struc\' or `istruc\' left no structure\'s context on the stack for this call', word);
    return true;
  }

  /** `istruc NAME`: where an instance of the structure begins, for its `at`s and `iend`. */
  private istrucDirective(st: ParsedStatement): void {
    const args = st.args;
    const word = st.op!;
    const t = args[0];
    const expression = istrucExpression(args);
    const last = args[args.length - 1];
    // (Called with no parameter, the structure's name is empty: measured, iend's `_size`. A name
    // written with a `$` is the structure's: `at .a` under `istruc $s` pastes `$s.a`, which names s.a.)
    const id = this.host.pushedContext?.(this.line);
    this.istrucStart = {
      sec: this.sec, absolute: this.absolute !== undefined, offset: this.absolute ?? this.sections[this.sec].size, name: expression ?? (t === undefined ? '' : qualifyName(t.text, undefined)),
      stray: strayAfterName(args), expression, ...(expression !== undefined && last.kind === 'ident' ? { pastedTo: last.text } : {}), start: id === undefined ? undefined : `..@${id}.strucstart`, outer: this.istrucStart,
      ...(args.length === 1 && t.blankAfter === true ? { blankAfter: true as const } : {}),
    };
    this.defineContextLabel('strucstart', word);
  }

  /** `db`/`dw`/... and their `at` and `times` forms: the items' bytes, or the space `?` reserves. */
  private dataDirective(st: ParsedStatement, name: string): void {
    if (st.at && !this.padToField(st.at, st.atText === true)) return;
    // (`at field, times 4 db 7`: the line after nasm's padding, as `times 1 FILL` repeats it.)
    if (st.fill !== undefined) {
      // (The statement's size keeps the padding; its bytes are the line's.)
      const padding = this.results.size[this.stmtIndex];
      this.results.atPadding.set(this.stmtIndex, padding);
      // A label the line starts with is where the field is (`at field, lbl: dw 5`, `at field, lbl`).
      if (st.fill.label !== undefined) this.defineHere(st, true);
      if (st.fill.kind !== StatementKind.Empty) this.repeatFill(st.fill, 1, false);
      this.results.size[this.stmtIndex] += padding;
      return;
    }
    const n = this.timesCount(st);
    // `db ?`, `dd 4 dup (?)` and the like only: space reserved as `resb` reserves it (nasm 2.15).
    if (onlyReserve(st.data)) {
      // (After an `at`'s padding, which the statement's size keeps.)
      const padding = this.results.size[this.stmtIndex];
      this.reserve(this.dataSize(st.data, DATA_UNIT[name]) * n, false);
      this.warnReservations(st.data, DATA_UNIT[name], n);
      this.results.size[this.stmtIndex] += padding;
      return;
    }
    // (nasm warns of the `?`s as it puts the items out: after its evaluator's messages on them,
    // and not where it dropped the line for an error. See dataBytes.)
    const errors = this.errorsGiven;
    this.zeroingTimes = this.final && hasReserve(st.data) ? n : -1;
    // (`times 0`: nasm puts the items out no time, and says nothing of them: measured, `times 0 db 300`, `times 0 dt 1`;
    // but its final pass reads their values: `times 0 db yy` is "symbol `yy' not defined".)
    // (A WRT is refused as the value is put out: measured, `times 0 dd x wrt 3` says nothing.)
    if (n === 0 && this.final) this.readUnwritten(st.data);
    const unit = n === 0 ? NO_DATA_BYTES : this.staticData(st, DATA_UNIT[name]);
    // (Bytes kept from an earlier pass were read without a message.)
    if (this.zeroingTimes >= 0) { if (this.errorsGiven === errors) this.warnReservations(st.data, DATA_UNIT[name], n); this.zeroingTimes = -1; }
    const before = this.results.size[this.stmtIndex];
    this.emit(this.dropped() ? NO_DATA_BYTES : unit, n);
    this.results.size[this.stmtIndex] += before;
  }

  /**
   * `resb`/`resw`/...: space reserved, its count read as a constant, an instruction's immediate to
   * nasm, where a section of a label's coefficient other than 1 and -1 counts by its offsets alone
   * (see relocatableSum; measured with nasm 2.16.01: `resb L + L`, `resb 2*L`, `resb L + N` of one
   * section reserve the offsets' sum; `resb L`, `resb L + L - L` are "attempt to reserve
   * non-constant quantity of BSS space", `resb -L`, `resb L + M` across sections "invalid operand type").
   */
  private reserveDirective(st: ParsedStatement, name: string): void {
    // (No count, put out no time: nasm matches no instruction form, and says nothing; measured
    // with 2.16.01, `times 0 resb` and `align 8, resb` where no padding is needed.)
    const none = st.args.length === 0 ? this.timesCount(st) : undefined;
    const written = none === 0 ? undefined : this.exprArg(st);
    const e = written === undefined ? undefined : reserveCount(written);
    if (typeof e === 'string') { this.error('invalid-operands', e, written!); this.reserve(0); return; }
    const forward = (): boolean => e !== undefined && this.namesForward(e);
    if (this.pass === 0 && forward()) {
      // (What nasm's first pass gives of a count it cannot evaluate, and then stops: see
      // failedAtFirstUnknown. Where its evaluator gave up, its parser dropped the line, which
      // then does not warn; where it carried on with an address, the count is no forward
      // reference but an address: measured, in .bss with x and y defined further on, `resb $ *
      // x` is "unable to multiply two non-scalar objects" alone, `resb $ << y` the shift's error
      // then "attempt to reserve non-constant quantity of BSS space".)
      const first = this.firstPassEvaluated(e!, this);
      // (An address there with no error is that pass's "attempt to reserve ...", after which it
      // stops: measured with nasm 2.16.01, `resb y != 0 < x ? 8 : $$` in .bss before `x equ 4`
      // and `y equ 3`, whose `<` of two unknown sides is 0 there.)
      if (first.errors.length > 0 || segmentBased(first)) this.firstPassCounts.set(`${this.stmtIndex}:${e!.start}`, first);
      if (!first.gaveUp && !segmentBased(first)) this.reservesForward(e!);
    } else if (e !== undefined) {
      const first = this.firstPassErrors(e);
      if (first !== undefined) {
        // (One nasm's parser takes for no address, a section taken away that is not the current
        // one, is its "invalid operand type": measured, `resb -lab ? fwd : 1` in .bss.)
        if (first.address && first.vector !== undefined && invalidOperandValue(first.vector, this.here().sec)) this.error('invalid-operands', INVALID_OPERAND, e);
        else if (segmentBased(first)) this.error('non-constant', 'attempt to reserve non-constant quantity of BSS space', e);
        this.reserve(0);
        return;
      }
    }
    let address: Value | undefined;
    // (An error of a count that named something nasm's first pass did not know, and gave that pass
    // none, is one of its second, after which it stops: see LATER_PASS_ERRORS in index.ts.
    // Measured: `resb 4 | fwd` / `fwd:` is the operator's error alone, no "forward reference".)
    if (e !== undefined && this.pass > 0 && forward()) this.expressionCode = 'reserve-later';
    let value: Value | undefined;
    const errors = this.errorsGiven;
    try { value = e ? this.constantValue(e, name, (v) => { address = v; }) : undefined; } finally { this.expressionCode = 'expression'; }
    const count = value?.v;
    const n = none ?? this.timesCount(st);
    if (address !== undefined) this.reservedAddress(e!, address, n, forward());
    const size = Math.max(0, (count ?? 0) * RESERVE_UNIT[name] * n);
    // (Not after an error of the count's, after which nasm stops before it would put the
    // count out: measured, `resb (-3 >> $)` is the shift's error alone.)
    if (count !== undefined && count < 0 && this.errorsGiven === errors) this.error('negative-reserve', `${name} count ${value!.big ?? count} is negative`, e);
    this.reserve(size);
  }

  /** Whether count `e` names a symbol nasm's first pass does not know at the line (defined after it, or never). */
  private namesForward(e: Expr): boolean {
    return e.k !== 'num' && laterSymbol(e, (sym) => (!this.symbols.has(sym) && !this.declaredExternals.has(sym)) || this.definedLater(sym)) !== undefined;
  }

  /** nasm's first pass's warning, at `at`, of a `resb` count that names a symbol it does not know yet (measured: `resb n` / `n equ 4`). */
  private reservesForward(at: { start: number; end: number }): void {
    this.reservingStarts();
    this.reservedForward.add(this.stmtIndex);
    this.firstPassWarnings.push({ code: 'forward', message: 'forward reference in RESx can have unpredictable results', range: this.range(at), expansion: this.lines.origin(this.line).expansion, line: this.line });
  }

  /**
   * A `resb` count that is an address `v` (a label, an external name), `n` times: nasm's "attempt to
   * reserve non-constant quantity of BSS space" for each, but once when the address is at offset 0
   * of its segment, where nasm takes the repetitions as one (its reserved size is then the count's,
   * 0; measured with nasm 2.16.01: `db 1` / `b:` / `times 3 resb b` is the error three times, `b:`
   * / `times 3 resb b` once, `extern a` / `align 4, resb a` after `db 1` once). A name defined after
   * the line is unknown to nasm's first pass, which the error is then not of (`forward`): nasm
   * stops after its second (see LATER_PASS_ERRORS in index.ts).
   */
  private reservedAddress(e: Expr, v: Value, n: number, forward: boolean): void {
    // (Not after an error nasm's evaluator gives up at, which drops the line: measured with nasm
    // 2.16.01, `resb $ - 4 %% $$` in .bss is the division's error alone.)
    if (!this.final || this.gaveUpIn === this.stmtIndex) return;
    const times = this.offsetOf(v) === 0 ? Math.min(n, 1) : n;
    const expansion = this.lines.origin(this.line).expansion;
    for (let k = 0; k < times; k++) {
      this.sink.report('error', forward ? 'reserve-later' : 'non-constant', 'attempt to reserve non-constant quantity of BSS space', this.range(e), expansion, undefined, this.line, this.line, k);
    }
  }

  /** `NAME equ value`: a constant, or a label's sum, defined pass by pass. */
  private equ(st: ParsedStatement): void {
    const operand = st.operands[0] as Extract<ParsedOperand, { kind: 'imm' }>;
    const e = operand.expr;
    if (operand.equBranch !== undefined) this.registerBranchTaken(operand.equBranch);
    // nasm reads the value as an instruction's immediate (`C equ 2*x` is twice x's offset).
    const external = this.equOfExtern = { named: false };
    const errors = this.errorsGiven;
    let v: Value;
    // (nasm's first pass's errors of a value that names something further on stop it there, as
    // a data item's do (see firstPassItemErrors): measured with nasm 2.16.01, `z equ fwd // 0`
    // before `fwd:` is "division by zero", not the later passes' "division operator ...".)
    if (this.final && this.firstPassItemErrors(e)) { this.equOfExtern = undefined; v = { v: undefined, sec: -1 }; }
    else try { v = this.evalImmediate(e); } finally { this.equOfExtern = undefined; }
    // (Not where the value was refused, which drops the line: measured, `y equ dword x` with x
    // never defined is "symbol `x' not defined" alone.)
    if (operand.equWords !== undefined && this.final && this.errorsGiven === errors) this.equFormUnmatched(operand);
    // An external name's value: nasm refuses it where the constant is used, as the name's
    // (measured: `extern a` / `k equ a` is no error, `dd k` "binary output format does not
    // support external references").
    // (`$` in an external name's absolute space, which nasm's `equ` takes as the name's: see externalLabel.)
    if (v.sec >= EXTERNAL_SEGMENTS && v.v !== undefined && !external.named) { this.defineAsExternal(st.label!, this.externalAt(v)); return; }
    if (v.v === undefined && external.named) {
      const problem = this.scalarOperatorOnExternal(e);
      // (Under the code the views of nasm's first passes give it with, which may have given it: the sink keeps one. See firstPassCheck.)
      if (problem !== undefined) { this.error(problem.message, problem.node); return; }
      this.externalConstant(st, e);
      return;
    }
    const early = this.pass === 0 && v.v === undefined ? this.keepFirstPassValue(st.label!.name, e) : undefined;
    if (v.v !== undefined && (v.sec >= 0 || v.offset !== undefined)) v = this.equSum(e, v);
    if (this.pass === 0) this.firstPassDefinition(fullName(st.label!.name, this.sharedBases?.[this.stmtIndex]), v.v !== undefined ? this.inFirstPassFloatMode(st, v) : early, st.label!, st.label!.src);
    // Still unknown after the first pass (`3 <=> 5`, see expr.ts, or an error reported): nasm
    // defines the name as 0 (measured: `E equ 3 <=> 5` / `dq E+1` is 1).
    if (v.v === undefined && this.pass > 0) this.define(st, 'constant', -1, 0);
    else if (v.v !== undefined || this.pass > 0) this.define(st, 'constant', v.sec, v.v, v.big);
    else if (!this.symbols.has(st.label!.name)) this.define(st, 'constant', -1, undefined);
  }

  /**
   * nasm's parser's error of an `equ`'s value whose condition picks the branch with a register
   * (see EquRegisterBranch), in the pass that knows the condition: a later one than the first
   * for a condition naming something defined further on, which nasm does not reach after an error
   * of its first (measured with nasm 2.16.01: `k equ 0` / `z1 equ k ? 2 : bx` / `z3 equ x ? 4 :
   * cx` / `x equ 0` is z1's error alone). The name is then defined with the 0 that branch is in
   * the value, as no message of nasm's says otherwise.
   */
  private registerBranchTaken(branch: EquRegisterBranch): void {
    if (!this.final) return;
    const c = this.evalWith(branch.condition, Undefined.Quiet);
    if (c.v === undefined || c.sec >= 0 || (c.v !== 0 || c.big !== undefined) !== branch.whenTrue) return;
    this.error(this.knownAtFirst(branch.condition) ? branch.code : 'expression-later', branch.message, branch.at);
  }

  /**
   * An `equ` whose value has words no EQU form takes (see ParsedOperand's equWords): nasm's final
   * pass finds no form for it, after defining the name in the passes before.
   */
  private equFormUnmatched(operand: Extract<ParsedOperand, { kind: 'imm' }>): void {
    if (operand.equWords === 'to') this.error('invalid-operands', 'invalid combination of opcode and operands', operand);
    else if (operand.equWords === 'decorator') this.error('invalid-operands', 'unsupported mode decorator for instruction', operand);
    else if (operand.equWords === 'mask') this.error('invalid-operands', 'mask not permitted on this operand', operand);
    else if (operand.equWords === 'broadcast') this.error('invalid-operands', 'broadcast not permitted on this operand', operand);
    else this.error('operand-size', 'mismatch in operand sizes', operand);
  }

  /**
   * `x: times N equ V`: nasm defines x as a label at `$` as it reads the line (the `equ` does not
   * follow the label), then runs the `equ` for each repetition, a redefinition of x it refuses
   * unless V is that very address (measured with nasm 2.16.01: `x: times 1 equ 5`, and `x: times 1
   * equ 0` at 0, are "label `x' inconsistently redefined"; `x: times 0 equ 5` and `x: times 2 equ $`
   * define x at `$`). With no label, or no value, nasm's "EQU not preceded by label" or "bad
   * syntax for EQU" for each repetition (measured: `times 2 equ 5` and `x: times 2 equ` twice,
   * `times 0 equ 5` none).
   */
  private timesEqu(st: ParsedStatement): void {
    this.countRunsOnce = false;
    // (A count that is no number is nasm's error, and its parser runs the line once after it, in
    // that pass: parser.c sets `times` to 1; measured, `times x equ 5` with x unknown is then "EQU
    // not preceded by label", `y: times x equ 5` "label `y' inconsistently redefined".)
    const n = this.timesCount(st) || (this.countRunsOnce ? 1 : 0);
    if (n === 0 || !(this.final || this.countRunsOnce)) return;
    const label = st.label;
    if (label === undefined || st.operands.length === 0) {
      const message = label === undefined ? 'EQU not preceded by label' : 'bad syntax for EQU';
      for (let k = 0; k < n; k++) this.sink.report('error', 'syntax', message, this.range(st.op), this.lines.origin(this.line).expansion, undefined, this.line, this.line, k);
      return;
    }
    const own = this.labelSymbol[this.stmtIndex];
    const v = this.evalImmediate((st.operands[0] as Extract<ParsedOperand, { kind: 'imm' }>).expr);
    if (own !== undefined && v.v !== undefined && v.sec === own.sec && v.v === this.symbolNumber(own)) return;
    // (Given as nasm runs the `equ`, after its parser's messages of the line: see everyTime in
    // message-rounds.ts, where a 'duplicate-label' comes before them.)
    this.labelRedefined(label.name, label, this.range(label, label.src), 'equ-redefinition');
  }

  /** `bits N`, `use16`, `use32`, `use64`: the segment size the statements after it are encoded for. */
  private bitsDirective(st: ParsedStatement, name: string): void {
    const args = st.args;
    const word = st.op!;
    // (A name is no size either: `bits SIZE`, an equ.)
    const first = args[0];
    const v = name !== 'bits' ? Number(name.slice(3)) : first === undefined ? NaN : segmentSize(args);
    if (name === 'bits' && v !== 16 && v !== 32 && v !== 64) {
      // (The argument as written, its blanks one space: measured, `bits 3 2` is `3 2'.)
      const text = tokensText(args);
      this.error('bits', `\`${text}' is not a valid segment size; must be 16, 32 or 64`, first ?? word);
      return;
    }
    // (measured: an error, after which nasm assembles nothing)
    if (v === 32 && this.cpu < CPU_386) { this.error('cpu', 'cannot specify 32-bit segment on processor below a 386', first ?? word); return; }
    if (v === 16 || v === 32) (this.bitsSet ??= new Map()).set(this.stmtIndex, (this.bits = v));
    else if (v !== undefined) this.error('bits', v === 64 ? 'BITS 64 is not supported by the IA-32 guest dialect' : `\`bits ${v}' is not 16 or 32`, word);
  }

  /** `org N`: the program's origin, the bin format's one (see sections.ts). */
  private originDirective(st: ParsedStatement): void {
    const args = st.args;
    const word = st.op!;
    // (Nothing to read: nasm's evaluator, then its bin format, refuse it: measured, `[org ]`.)
    if (args.length === 0) this.error('syntax', 'expression syntax error', st.op);
    // (Its bin format's word after the evaluator's on an expression that fails: measured, `org 0+`.)
    const e = args.length === 0 ? undefined : this.exprArgFrom(st, args, 'ignored');
    if (e === undefined) { this.error('org', 'No or invalid offset specified in ORG directive.', st.op); return; }
    const value = this.constantValue(e, 'org');
    if (value?.v === undefined || !this.exactAddress(value, args, e)) return;
    const v = value.v;
    // nasm's bin format keeps the first `org` and refuses another value (measured: `org
    // 0x100000` then `org 0x100` is "program origin redefined" at the second); the same again is fine.
    if (this.originStmt >= 0 && this.originStmt !== this.stmtIndex) {
      if (v !== this.origin) this.error('org', 'program origin redefined', word);
      return;
    }
    this.origin = v;
    this.originSet = true;
    this.originStmt = this.stmtIndex;
  }

  /** The error of an `align`'s fill that is no statement (see ParsedStatement's fillProblem), once its count is read. */
  private fillProblem(st: ParsedStatement): void {
    const problem = st.fillProblem;
    if (problem !== undefined) this.error(problem.code, problem.message, problem);
  }

  /**
   * The argument `e` of the current `align` as nasm's first pass made it a number (see
   * cancelledUndefined), noted in that pass and answered in the passes after it, which know the
   * names it did not.
   */
  private firstPassAlignment(e: Expr): number | undefined {
    const key = `${this.stmtIndex}:${e.start}`;
    if (this.firstPassAlignments.has(key)) return this.firstPassAlignments.get(key);
    const v = this.cancelledUndefined(e);
    if (this.pass === 0) this.firstPassAlignments.set(key, v);
    return v;
  }

  /**
   * `align N[, fill]` and `alignb`: nasm's standard macros, padding to N and raising the section's
   * alignment. alignb's without a fill reserves its padding between the lines `[warning push]`,
   * `[warning -zeroing]` and `[warning pop]`, whose `push` and `pop` nasm 2.16.01 also looks up as
   * warning names, unknown ones (measured with -w+all: "unknown warning name: push" after
   * `sectalign`'s messages, "... pop" after `resb`'s).
   */
  private alignDirective(st: ParsedStatement, name: string): void {
    const reserves = name === 'alignb' && st.args.length > 0 && st.fill === undefined && st.fillProblem === undefined && st.data.length === 0;
    this.reservingAlign = reserves ? st : undefined;
    this.alignPadding(st, name);
    if (!reserves) return;
    this.reservingStarts();
    // (After a count naming a name not known yet, whose `sectalign` errs in nasm's first pass and
    // stops it there, after the warning of that pass: see reservesForward.)
    if (this.alignRaisesSection && this.reservedForward.has(this.stmtIndex)) {
      if (this.pass === 0) this.firstPassWarnings.push({ code: 'unknown-warning', message: 'unknown warning name: pop', range: this.range(st.op), expansion: this.lines.origin(this.line).expansion, line: this.line });
      return;
    }
    this.warning('unknown-warning', 'unknown warning name: pop', st.op);
  }

  /** The `[warning push]` line of the `alignb` being assembled (see alignDirective), once: where its `resb`'s messages begin. */
  private reservingStarts(): void {
    const st = this.reservingAlign;
    if (st === undefined) return;
    this.reservingAlign = undefined;
    this.warning('unknown-warning', 'unknown warning name: push', st.op);
  }

  /**
   * Whether the argument `e` (written `written`) of the current `align`, which names an `equ` nasm's
   * first pass read as 0 (see firstPassEqus), fails there: `sectalign` (when `checked`) refuses
   * a value that is no power of two, the padding's `%` divides by 0, and nasm stops after that
   * pass (measured with nasm 2.16.01: `z equ fwd-2` / `fwd equ 6` / `align z` is "segment
   * alignment `z' is not power of two" then "division by zero", after `sectalign off` the second
   * alone). Noted in Ringside's first pass, reported in its final.
   */
  private equAlignmentFailed(e: Expr, written: readonly PPToken[], checked: boolean): boolean {
    const first = this.firstPassAlignmentOfEqus(e);
    if (first?.v === undefined || first.sec >= 0 || (first.v !== 0 && (!checked || powerOfTwo(first) >= 0))) return false;
    if (checked) this.sectionAlignment(first, written, e);
    if (first.v === 0) this.everyPassError('division by zero', e);
    return true;
  }

  /** The value nasm's first pass gives alignment `e` of the current statement, which names an `equ` it read as 0: noted in Ringside's first pass. */
  private firstPassAlignmentOfEqus(e: Expr): Value | undefined {
    const key = `${this.stmtIndex}:${e.start}`;
    if (this.pass === 0) this.firstPassEquAlignments.set(key, evaluate(e, this.firstPassEqus.view(this.stmtIndex, true, () => undefined)));
    return this.firstPassEquAlignments.get(key);
  }

  /** alignDirective's padding and the messages of nasm's macro lines. */
  private alignPadding(st: ParsedStatement, name: string): void {
    const args = st.args;
    const word = st.op!;
    const parts = st.wholeArgument !== true ? splitComma(args) : args.length > 0 ? [args.slice()] : [];
    // (Called with no parameter, the macro's `times` count is `(() - ...)`: see the parser's calledEmpty.)
    // It calls `sectalign %1` first, as empty, unless `sectalign off` (measured).
    if (parts.length === 0) {
      if (this.alignRaisesSection || (this.smartAlign !== undefined && name === 'align')) this.warning('pp-macro-params-legacy', "improperly calling multi-line macro `sectalign' with 0 parameters", st.op);
      this.error('syntax', 'expression syntax error', st.op);
      return;
    }
    // nasm's macro checks the argument in the `sectalign` it calls: after `sectalign off` (but
    // for smartalign's `align`) it only pads, `times (((a) - (($-$$) % (a))) % (a))` with `%`
    // unsigned (measured: `align 3` is 2 NOPs after a byte, `align 0` "division by zero",
    // `align -2` "TIMES value -3 is negative").
    let checked = this.alignRaisesSection || (this.smartAlign !== undefined && name === 'align');
    // (That `sectalign` call's `%ifidni %1,off` and `on` read the argument too: measured with nasm
    // 2.16.01, `align off` is `sectalign off`, an `align 16` after it raises no section, and the
    // padding is `off`'s value.)
    const onOff = checked && parts[0].length === 1 && parts[0][0].kind === 'ident' ? parts[0][0].text.toLowerCase() : '';
    if (onOff === 'on' || onOff === 'off') {
      this.alignRaisesSection = onOff === 'on';
      checked = false;
    }
    if (st.wholeArgument === true && parts.length > 0 && parts[0].some((t) => t.text === ',')) { this.alignOfCommas(st, parts[0], checked); return; }
    // (A comma in the argument splits it to nasm's macro call, parentheses or not: see splitComma.)
    const smart = this.smartAlign !== undefined && name === 'align' && parts.length === 1 && !parts[0].some((t) => t.text === ',');
    if (smart && this.smartAssignFailed(st, parts[0])) return;
    const smartPad = smart ? this.smartPadOfUnclosed(st, parts[0]) : undefined;
    if (smartPad === null) return;
    const e = smartPad !== undefined ? smartPad.e : this.alignArgument(st, parts[0], checked);
    // alignb without a fill pads with `resb (((%1) - ...`, whose count nasm's first pass warns of
    // when it names a symbol not known yet, and reads in every pass; any other pads with `times
    // (((%1) - ...`, a count its first pass must know (measured with nasm 2.16.01: `alignb x` /
    // `x equ 4` is sectalign's "symbol `x' not defined before use" then the warning, after
    // `sectalign off` 4 bytes; `align x` there is "non-constant argument supplied to TIMES" alone).
    const reserves = name === 'alignb' && st.fill === undefined && st.fillProblem === undefined && st.data.length === 0;
    const forward = e !== undefined && this.namesForward(e);
    // (After `sectalign`'s "not defined before use", the padding's count is read as nasm's first
    // pass reads it, the names not known yet cancelling: measured with nasm 2.16.01, `align x-x+4`
    // / `x equ 4` is that error alone, `align x-x`, `align x*0+4` and `alignb x-x` also "division
    // by zero", a count of 0 that resb does not warn of as a forward reference.)
    const cancelled = checked && forward ? this.firstPassAlignment(e) : undefined;
    if (reserves && forward && this.pass === 0 && cancelled !== 0) this.reservesForward(e);
    if (e !== undefined && !forward && !smart && this.firstPassEqus.namedIn(e) && this.equAlignmentFailed(e, parts[0], checked)) return;
    // (A name not known yet is a term that cancels out of a sum in nasm's first pass, see
    // FirstPassEvaluation.value: measured, after `sectalign off`, `align x-x+4` / `x:` pads to 4 and `align
    // x*0+4` / `x equ 5` is "division by zero".)
    const first = !checked && !reserves && forward ? this.firstPassAlignment(e) : undefined;
    if (!checked && !reserves && forward && first === undefined) { this.error('non-constant', 'non-constant argument supplied to TIMES', e); this.fillProblem(st); return; }
    if (first === 0 && e !== undefined) { this.everyPassError('division by zero', e); return; }
    // (An address is what nasm's macro divides by, "division operator may only be applied to
    // scalar values", after `sectalign` checked it: measured, `align lab` with lab at 0 is first
    // "segment alignment `lab' is not power of two", see addressAligns.)
    const notPower = `segment alignment \`${directiveValueText(parts[0])}' is not power of two`;
    const rule = checked ? (reserves || cancelled !== undefined ? 'alignb reserving' : name) : reserves ? 'alignb padding' : 'align padding';
    const gaveUp = this.gaveUpIn === this.stmtIndex;
    const given = this.sink.list.length;
    let divided = false;
    const value = e ? this.constantValue(e, rule, () => {
      if (checked && !this.addressAligns(e)) this.error('align', notPower, e);
      this.reservingStarts();
      this.paddingReadsAgain(e, checked ? 2 : 1);
      this.error('non-constant', scalarOnlyMessage('/'), e);
      divided = true;
    }) : undefined;
    // (Where the evaluator gives up, the macro's `sectalign` and its padding each read the
    // argument: the error twice, measured with nasm 2.16.01, `align 1/0` and `alignb 1/0` are
    // "division by zero" twice, after `sectalign off` once.)
    if (checked && !gaveUp && this.gaveUpIn === this.stmtIndex && this.final && this.sink.list.length > given) {
      const d = this.sink.list[this.sink.list.length - 1];
      this.reservingStarts();
      this.sink.report('error', d.code, d.message, d.range, d.expansion, undefined, this.line, this.line, 1);
    }
    const a = value?.v;
    if (cancelled === 0 && a === undefined) this.everyPassError('division by zero', e!);
    if (smart && a === undefined && (divided || this.gaveUpIn === this.stmtIndex)) this.smartPadUnassigned(st.op!);
    // (A count unknown is the `times` error `sectalign`'s "not defined" comes with, after which
    // nasm's parser reads the fill: measured, `alignb x, 0` / `x:` is both, then its error.)
    if (a === undefined && forward && checked) this.fillProblem(st);
    if (a === undefined || e === undefined) return;
    // (nasm's `align` macro names the argument as written: `segment alignment `1 + 2' ...'.)
    const pos = this.absolute !== undefined ? this.absolute : this.sections[this.sec].size;
    const power = powerOfTwo(value!) >= 0;
    const aligned = !checked || this.sectionAlignment(value!, parts[0], e);
    this.reservingStarts();
    // (A count that divides by zero is the evaluator's error, and nasm's parser stops there.)
    if (st.fillProblem !== undefined) { if (a === 0) this.everyPassError('division by zero', e); else this.fillProblem(st); return; }
    if (smartPad?.trailing === true) this.trailingGarbage(st);
    // (After `sectalign`'s error the macro's padding is read all the same: measured with nasm
    // 2.16.01, `align 0` is "segment alignment `0' is not power of two" then "division by zero".)
    if (a === 0) {
      this.everyPassError('division by zero', e);
      if (smart) this.smartPadUnassigned(st.op!);
      return;
    }
    if (!aligned) return;
    const pad = smartPad?.pad ?? (power ? (a - (pos % a)) % a : unsignedAlignPad(a, pos));
    if (pad < 0) { this.error('times-negative', `TIMES value ${pad} is negative`, e); return; }
    // In the bin format `align`/`alignb` also raise the section's own alignment (measured with
    // nasm 2.16: `alignb 4096` in .bss puts .bss itself on a 4096-byte boundary), unless
    // `sectalign off` said not to; smartalign's `align` does even then (measured with nasm
    // 2.16.01, fixture smartalign-sectalign-off: `.data` after `align 16` there starts at 16).
    if (this.absolute === undefined && checked) raiseAlignment(this.sections[this.sec], a);
    // nasm's `align` macro pads with `times n nop` (manual §5.10.1), `alignb` with `resb n`, and
    // either with `times n` the fill it is given: in a nobits section or absolute space that
    // fill is data to warn about or reject as any other (measured with nasm 2.16).
    if (st.fill !== undefined) { this.repeatFill(st.fill, pad); return; }
    if (name === 'alignb' && st.data.length === 0) { this.emit(undefined, pad); return; }
    // After `%use smartalign`, code is padded with its NOPs, in a nobits section or absolute
    // space too (measured: a warning, or error, for each of their bytes; one stands for them
    // here, and the listing gives each).
    if (this.smartAlign !== undefined && st.data.length === 0) {
      const jumps = this.smartJumps(this.smartAlign, pad, st.op!, true);
      if (pad > 0 || jumps) {
        const pieces = smartPadding(this.smartAlign, this.bits, pad, a, this.optimization === undefined, jumps);
        if (this.absolute === undefined && this.sections[this.sec].progbits) for (const p of pieces) this.emit(p.unit, p.count);
        else this.emit(paddingBytes(pieces), 1);
      }
      // The package's macro ends with its label `%$end`, on a boundary too (measured with nasm
      // 2.16.01, fixture smartalign-jump: its map lists `..@N.end` after every such `align`).
      this.defineContextLabel('end', word);
      return;
    }
    // (No padding, no fill: `align 4, db ?` on a boundary is no warning.)
    const fill = st.data.length > 0 && pad > 0 ? this.dataBytes(st, DATA_UNIT[parts[1][0].text.toLowerCase()]) : NOP;
    this.emit(fill, pad);
  }

  /**
   * `align` of an argument `toks` with commas in it (see ParsedStatement.wholeArgument): the
   * `sectalign` macro nasm's macro calls (when `checked`) takes it as written, dropping a trailing
   * empty parameter, and its `%ifidni %1,off` may find a comma too many; the `times` count
   * `(((%1) - ...` cannot be read (measured with nasm 2.16.01: `align {4,` warns of the dropped
   * parameter then is "expecting `)'", `align {4,,` has the `%ifidni` error between, `align {x, 8`
   * is "symbol `x' not defined before use" then "expecting `)'", `align {,` ends in "expression
   * syntax error").
   */
  private alignOfCommas(st: ParsedStatement, toks: readonly PPToken[], checked: boolean): void {
    if (checked) {
      let param = toks;
      if (toks[toks.length - 1].text === ',') {
        this.warning('pp-macro-params-legacy', "dropping trailing empty parameter in call to multi-line macro `sectalign'", st.op!);
        // (A second comma before it stays, and a comma alone: see the parser's withoutTrailingParameter.)
        if (toks.length > 1 && toks[toks.length - 2].text !== ',') param = toks.slice(0, -1);
      }
      if (ifidniCommaTooMany(param)) this.error('syntax', "`%ifidni': more than one comma on line", st.op);
      else this.sectalignValue(st, param);
    }
    this.error('syntax', this.writtenExpression(alignPadText(toks)).problem ?? "expecting `)'", st.op);
  }

  /** `sectalign N`, `sectalign on|off`. */
  private sectalignDirective(st: ParsedStatement): void {
    const args = st.args;
    // nasm's `sectalign N` raises the section's alignment to N; `sectalign off` / `on` stop and
    // resume `align`'s doing so (manual §5.10.2; measured with nasm 2.16: `off` does not stop
    // `sectalign N` itself).
    // (Not one written in braces with a blank before the `}`, which nasm's `%ifidni` compares
    // blank and all: measured, `sectalign {off }` is `[sectalign off ]`, "symbol `off' not defined before use".)
    const word = args.length === 1 && args[0].kind === 'ident' && args[0].blankAfter !== true ? args[0].text.toLowerCase() : '';
    if (word === 'on' || word === 'off') { this.alignRaisesSection = word === 'on'; return; }
    // (Nothing to read is nothing to do: measured, `[sectalign ]` is accepted.)
    if (args.length === 0) return;
    const macro = this.lines.tokensOf(this.line)[0]?.text !== '[';
    if (macro && percentEatsComma(args)) { this.error('syntax', "`%ifidni' expects two comma-separated arguments", st.op); return; }
    // (Commas alone are its parameter, which the macro's `%ifidni %1,off` reads as one comma too
    // many: measured, `sectalign ,` and `sectalign ,,`.)
    if (macro && ifidniCommaTooMany(args)) { this.error('syntax', "`%ifidni': more than one comma on line", st.op); return; }
    const value = this.sectalignValue(st, args);
    if (value !== undefined && this.absolute === undefined) raiseAlignment(this.sections[this.sec], value);
  }

  /** The alignment `sectalign` reads in `argument`, up to where its expression ends; else its errors, and undefined. */
  private sectalignValue(st: ParsedStatement, argument: readonly PPToken[]): number | undefined {
    // (The macro's `[sectalign %1]` reads its argument up to the first `]`: measured with nasm
    // 2.16.01, `sectalign ]4` is nothing to do, `sectalign ']'` "expression syntax error".)
    const args = rawDirectiveValue(argument, 0);
    if (args.length === 0) return undefined;
    const e = this.exprArgFrom(st, args, 'ignored');
    // (Of an `equ` nasm's first pass read as 0, that pass's value: see equAlignmentFailed.)
    const first = e !== undefined && this.firstPassEqus.namedIn(e) && !this.namesForward(e) ? this.firstPassAlignmentOfEqus(e) : undefined;
    if (first?.v !== undefined && first.sec < 0 && !this.sectionAlignment(first, args, e!)) return undefined;
    // (An address: see addressAligns; measured, `sectalign lab`.)
    const notPower = (): void => { if (!this.addressAligns(e!)) this.error('align', `segment alignment \`${directiveValueText(args)}' is not power of two`, e); };
    const value = e ? this.constantValue(e, 'sectalign', notPower) : undefined;
    return value?.v !== undefined && this.sectionAlignment(value, args, e!) ? value.v : undefined;
  }

  /**
   * smartalign's `align` of an argument with a `)` too many (`align 16 )`), which its `sectalign`
   * reads up to the `)` and its `%assign %$pad (((%1) - (($-$$) % (%1))) % (%1))` up to where the
   * parentheses close early, with the preprocessor's warning of what is left (measured with nasm
   * 2.16.01: `align 8 )` pads to 8 after 0, 1 or 3 bytes, `8 - $ % 8` bytes, 8 on a boundary).
   * The argument, the pad, and whether the `%assign` left text (its warning comes after
   * `sectalign`'s words: measured, `align 3 )`); undefined for another argument; null for a pad
   * its jump takes, whose `times` line, the `%1` in it, ends before the `)`: "parser:
   * instruction expected".
   */
  private smartPadOfUnclosed(st: ParsedStatement, toks: readonly PPToken[]): { readonly e: Expr; readonly pad: number; readonly trailing: boolean } | null | undefined {
    if (!toks.some((t) => t.text === ')')) return undefined;
    const p = new ExprParser(toks, 0, toks.length, st.localBase, this.limits.eval, this.floatMode);
    const e = p.parse();
    if (e === undefined || p.error !== undefined || p.pos >= toks.length || toks[p.pos].text !== ')') return undefined;
    const assigned = this.writtenExpression(alignPadText(toks));
    if (assigned.e === undefined) return undefined;
    const pad = evaluate(assigned.e, this).v;
    if (pad === undefined || pad < 0) return undefined;
    if (!this.smartJumps(this.smartAlign!, pad, st.op!, false)) return { e, pad, trailing: !assigned.whole };
    if (!assigned.whole) this.trailingGarbage(st);
    this.error('syntax', INSTRUCTION_EXPECTED, st.op);
    return null;
  }

  /** The preprocessor's warning of what an expression of the package's line `st` left. */
  private trailingGarbage(st: ParsedStatement): void {
    this.warning('pp-trailing', 'trailing garbage after expression ignored', st.op!);
  }

  /**
   * Whether smartalign's `align` of argument `toks` without a fill fails where its package's
   * `%assign %$pad (((%1) - (($-$$) % (%1))) % (%1))` does, on an expression its preprocessor
   * cannot read or a name not defined by then: after its `sectalign %1`'s errors, the
   * `%assign`'s, then its `%if ... %$pad > ...` on a `%$pad` never assigned, "expression syntax
   * error" (measured with nasm 2.16.01: `align )` is that error three times, `align x )` and
   * `align x`, x not defined, "symbol `x' not defined before use" twice then it, `align 4 4` and
   * `align 4{` "expecting `)'" then it, the second after "invalid decorator token inside braces").
   */
  private smartAssignFailed(st: ParsedStatement, toks: readonly PPToken[]): boolean {
    const { e, problem } = this.writtenExpression(alignPadText(toks));
    const later = e === undefined ? undefined : laterSymbol(e, (name) => this.definedLater(name) || !this.symbols.has(name));
    if (e !== undefined && later === undefined) return false;
    this.sectalignValue(st, toks);
    const message = later !== undefined ? `symbol \`${later.name}' not defined before use` : problem ?? 'expression syntax error';
    // (The same words twice at the word are two messages: see errorRepeated.)
    if (message === 'expression syntax error') { this.errorRepeated('syntax', message, st.op!, 2); return true; }
    this.error(later !== undefined ? 'undefined-symbol' : 'syntax', message, st.op);
    this.error('syntax', 'expression syntax error', st.op);
    return true;
  }

  /**
   * The errors nasm's evaluator gives of alignment `e`, an address it carried on with after them,
   * `times` more: the macro's padding, `(((%1) - (($-$$) % (%1))) % (%1))`, reads it twice before
   * its division refuses the address, once besides the read the errors were given of, `sectalign`'s
   * or, after `sectalign off`, the padding's first (see firstPassEvaluation; measured with nasm
   * 2.16.01: `align (lab ? 1 : 2)` is the `?`'s error, "segment alignment ... is not power of
   * two", the `?`'s twice more, then the division's; after `sectalign off` the `?`'s twice then
   * the division's; `align lab << 1` the shift's likewise).
   */
  private paddingReadsAgain(e: Expr, times: number): void {
    if (!this.final) return;
    const errors = this.keepingExternals(() => this.firstPassEvaluated(e, this)).errors;
    const expansion = this.lines.origin(this.line).expansion;
    // (Each message's repetitions after those already given: see evaluatorErrors.)
    const given = new Map<string, number>();
    for (const message of errors) given.set(message, (given.get(message) ?? 0) + 1);
    for (let n = 0; n < times; n++) {
      for (const message of errors) {
        const k = given.get(message)!;
        given.set(message, k + 1);
        this.errorsGiven++;
        this.sink.report('error', 'expression', message, this.range(e), expansion, undefined, this.line, this.line, k);
      }
    }
  }

  /**
   * smartalign's `align` whose `%assign %$pad (((%1) - (($-$$) % (%1))) % (%1))` divides by 0 or
   * by an address, or that its evaluator gave up on: after the division's error, the macro's `%if
   * ... %$pad > ...` reads a `%$pad` never assigned, "expression syntax error" at `word`, and pads
   * nothing (see smartAssignFailed; measured with nasm 2.16.01: `align 0` and `align x` with `x
   * equ 0` are "segment alignment ... is not power of two", "division by zero", then this; `align
   * lab` the division operator's error then this; `align 1/0` "division by zero" twice then this;
   * `align 0, nop` has no `%if`).
   */
  private smartPadUnassigned(word: { readonly start: number; readonly end: number }): void {
    this.error('syntax', 'expression syntax error', word);
  }

  /**
   * Whether nasm's `sectalign` takes address `e` for a power of two: it reads the first term of
   * its value (see firstTermValue), a label's offset in its section or a section's coefficient.
   */
  private addressAligns(e: Expr): boolean {
    // (After the error of a `?` on an address, or of a shift, nasm's evaluator goes on with the
    // operator's left side, which `sectalign` reads: measured with nasm 2.16.01, `sectalign (lab ?
    // 1 : 2)` with lab at 1 is that error alone.)
    let read = e;
    while (read.k === 'bin' && (read.op === '?' || SHIFTS.has(read.op))) read = read.a;
    // (An external name is a segment of its own at 0, not one to refuse here: see keepingExternals.)
    const first = this.keepingExternals(() => firstTermValue(read, this, (sec) => (sec >= EXTERNAL_SEGMENTS ? 0 : this.segmentAddress(sec))));
    return first !== undefined && powerOfTwo({ v: first, sec: -1 }) >= 0;
  }

  /**
   * Whether `value`, written `written`, is an alignment nasm's `sectalign` takes (its directive,
   * which `align` and `alignb` call): a power of two, all 64 bits of it, up to 2^30; else its
   * error. (Measured with nasm 2.16.01: `0x20000000000001` is "not power of two", `0x80000000`
   * "absurdly large segment alignment `0x80000000' (2^31)", `0x40000000` taken.)
   */
  private sectionAlignment(value: Value, written: readonly PPToken[], e: Expr): boolean {
    const log2 = powerOfTwo(value);
    if (log2 < 0) this.error('align', `segment alignment \`${directiveValueText(written)}' is not power of two`, e);
    else if (log2 > 30) this.error('align', `absurdly large segment alignment \`${directiveValueText(written)}' (2^${log2})`, e);
    return log2 >= 0 && log2 <= 30;
  }

  /** `float ...`: the rounding and special values of the `__?floatN?__()` functions read from now on. */
  private floatDirective(st: ParsedStatement): void {
    const args = st.args;
    const word = st.op!;
    // The data it governs was parsed in its mode (see floatModes in index.ts); the mode here
    // is for the expressions read now (`x equ __?float32?__(0.1)`). Like nasm's, it carries
    // over from one pass to the next.
    // (The words as the preprocessor left them: measured, `%define F daz` / `float F`.)
    const value = tokensText(args);
    const mode = floatModeAfter(this.floatMode, value);
    if (mode === undefined) this.error('syntax', `unknown 'float' directive: ${value}`, args[0] ?? word);
    else this.floatMode = mode;
    // (The macro's `%ifidni %1,daz` after its `[float %1]` line, where the parameter's `%` pastes
    // to the comma: see percentEatsComma; measured with nasm 2.16.01, `float zero%` is the unknown
    // directive, then "`%ifidni' expects two comma-separated arguments".)
    if (percentEatsComma(args) && this.lines.tokensOf(this.line)[0]?.text !== '[') this.error('syntax', "`%ifidni' expects two comma-separated arguments", word);
  }

  /** `iend`: nasm's `times %{$strucname}_size-($-%$strucstart) db 0`, the structure `istrucStart` names padded to its size. */
  private endIstruc(word: NonNullable<ParsedStatement['op']>): void {
    const ist = this.istrucStart!;
    // (Its `times %{$strucname}_size-...` stops at the token: see strayAfterName.)
    if (ist.stray !== undefined || ist.blankAfter === true) {
      // (The count is the name alone, which nasm's first pass must know: measured, `istruc q 5` /
      // `iend` with no q is "non-constant argument supplied to TIMES" first.)
      if (ist.name !== '') this.timesCountOf(ist.name, word, INSTRUCTION_EXPECTED);
      this.error('syntax', INSTRUCTION_EXPECTED, word);
      return;
    }
    if (ist.expression !== undefined) {
      if (ist.start === undefined) return;
      const count = this.timesCountOf(`${ist.expression}_size-($-${ist.start})`, word, INSTRUCTION_EXPECTED);
      if (count !== undefined) this.padCount(count, word);
      return;
    }
    // (Its macro's `%{$strucname}_size` too is pasted after `_size` is expanded: see sizeLine.)
    const suffix = this.host.sizeDefinitions !== undefined ? this.sizeDefinitionAt('_size') : undefined;
    const sizeName = `${ist.name}${suffix !== undefined ? tokensText(suffix) : '_size'}`;
    // A `%define` of that name in force at the line is what nasm's macro reads instead
    // (measured: `%define pt_size 4` after `endstruc` pads pt's `istruc` to 4).
    const defined = this.host.sizeDefinitions !== undefined ? this.sizeDefinitionAt(sizeName) : undefined;
    // (Its text, as the macro's line reads it, `BODY-($-%$strucstart)`: measured, `%define pt_size
    // 4+` pads to 4, `4+-($-...)`.)
    if (defined !== undefined && ist.start !== undefined) {
      const count = this.timesCountOf(`${tokensText(defined)}-($-${ist.start})`, word, INSTRUCTION_EXPECTED);
      if (count !== undefined) this.padCount(count, word);
      return;
    }
    if (defined !== undefined) { this.padTo(this.definedSize(defined, word), word); return; }
    if (this.definedLater(sizeName)) {
      this.error('non-constant', `non-constant argument supplied to TIMES: structure \`${ist.name}' is defined after this \`istruc'`, word);
      return;
    }
    // (No structure of that name: measured, nasm's "non-constant argument supplied to TIMES".)
    if (!this.symbols.has(sizeName)) { this.error('non-constant', 'non-constant argument supplied to TIMES', word); return; }
    const size = this.lookup(sizeName, { k: 'num', v: 0, start: word.start, end: word.end });
    if (size !== undefined && size.sec >= 0) this.error('non-constant', 'non-constant argument supplied to TIMES', word);
    else this.padTo(size?.v, word);
  }

  /**
   * Whether the assembly has left the section, or the absolute space, the open `istruc` began in:
   * `at`'s and `iend`'s count, of `$ - %$strucstart`, is then no number to nasm (measured with
   * 2.16.01: `istruc pt` / `section foo` / `at .x, db 8` / `iend` is "non-constant argument
   * supplied to TIMES" at both, and so after `absolute 0x100`, or from absolute space to `.text`).
   */
  private awayFromIstruc(): boolean {
    const ist = this.istrucStart!;
    return ist.absolute ? this.absolute === undefined : this.absolute !== undefined || ist.sec !== this.sec;
  }

  /** `iend`'s padding of the structure begun at its `istruc` to `size` bytes (nothing when undefined). */
  private padTo(size: number | undefined, word: { readonly start: number; readonly end: number }): void {
    if (size === undefined) return;
    if (this.awayFromIstruc()) { this.error('non-constant', 'non-constant argument supplied to TIMES', word); return; }
    this.padCount(this.istrucStart!.offset + size - (this.absolute ?? this.sections[this.sec].size), word);
  }

  /** `count` zero bytes, as the `times count db 0` of nasm's `iend` and `at` puts them out. */
  private padCount(count: number, word: { readonly start: number; readonly end: number }): void {
    // (nasm's iend is `times` of the size left: measured, "TIMES value -2 is negative".)
    if (count < 0) this.error('times-negative', `TIMES value ${count} is negative`, word);
    else this.emit(ZERO, count);
  }

  /** The value of the body of a `%define` of a structure's size name, as `iend`'s count reads it; its errors at `word`. */
  private definedSize(body: readonly PPToken[], word: { readonly start: number; readonly end: number }): number | undefined {
    return this.timesCountOf(tokensText(body), word, 'expression syntax error');
  }

  /** The expression at the start of `text`, a line a standard macro writes, and whether it is the whole text. */
  private writtenExpression(text: string): { readonly e: Expr | undefined; readonly whole: boolean; readonly problem?: string } {
    const toks = tokenizeLine(text).filter((t) => t.kind !== 'comment');
    // (Its `.x` names are under the label the line is, as nasm reads the macro's line: measured,
    // `at $.x-` under `istruc t` is `($.x--t)`, t.x after `struc t`.)
    const p = new ExprParser(toks, 0, toks.length, this.baseAfter(this.stmtIndex), this.limits.eval, this.floatMode);
    const e = p.parse();
    return { e, whole: p.pos >= toks.length, problem: p.error?.message };
  }

  /**
   * The value of `text` as the `times` count of a line a standard macro writes (`iend`'s, `at`'s),
   * its errors at `word`: `leftover` when the count is followed by more than `times` can take.
   */
  private timesCountOf(text: string, word: { readonly start: number; readonly end: number }, leftover: string): number | undefined {
    const { e, whole, problem } = this.writtenExpression(text);
    if (e === undefined || !whole) { this.error('syntax', e === undefined ? problem ?? 'expression syntax error' : leftover, word); return undefined; }
    // (A `times` count must be known on its line: a name defined after it is none, measured.)
    let later = false, failed = false;
    // (nasm names no unknown symbol in a count, only the count: see timesCount.)
    const use = this.undefinedUse;
    this.undefinedUse = Undefined.Quiet;
    let v: Value;
    try {
      v = evaluate(e, { symbol: (name, node) => { later ||= this.definedLater(name); return this.lookup(name, node); }, here: () => this.here(), base: () => this.base(), error: (message) => { failed = true; this.error('expression', message, word); } });
    } finally { this.undefinedUse = use; }
    // (After the evaluator's own error nasm says no more of the count: measured, `1/0`.)
    if (failed) return undefined;
    // (One nasm's first pass did not know is none either: `$.x` under `istruc t` after a `.x`
    // before the first label, which only the later passes name `t.x`; see failedAtFirst.)
    const first = this.failedAtFirst(e, v);
    if (later || first || v.v === undefined || v.sec >= 0) { this.error('non-constant', 'non-constant argument supplied to TIMES', word); return undefined; }
    return v.v;
  }

  /** The text of `span` on the current line as written (a directive's name in its own case). */
  private writtenText(span: { readonly start: number; readonly end: number }): string | undefined {
    return this.lines.text[this.line]?.slice(span.start, span.end) || undefined;
  }

  /**
   * Defines label `%$x` of the context the standard macro called here pushes (`..@N.x`), where the
   * assembly is, as that macro's body does: istruc's `%$strucstart`, smartalign align's `%$end`.
   */
  private defineContextLabel(x: string, span: { start: number; end: number }): void {
    const id = this.host.pushedContext?.(this.line);
    if (id === undefined) return;
    if (this.absolute === undefined) this.defineNamed(`..@${id}.${x}`, this.sec, this.sections[this.sec].size, span, false, true);
    else this.defineNamed(`..@${id}.${x}`, this.absoluteSec, this.absoluteOffset(this.absolute), span, false, true);
  }

  /** Defines `name` for statement `stmtIndex`: a constant, or with `internal` a label of a standard macro's (SymbolDef.internal). */
  private defineNamed(name: string, sec: number, value: number | undefined, span: { start: number; end: number }, isStruc: boolean, internal = false): void {
    const prev = this.symbols.get(name);
    if (prev && prev.stmt !== this.stmtIndex) {
      // A structure declared again as it was (nasm 2.16 takes a definition that agrees with the first).
      const early = this.earlyRedefinition();
      const latest = early ?? this.redefinedAs?.get(name) ?? prev;
      if (value !== undefined && latest.sec === sec && latest.value === value && early === undefined) return;
      if (this.final) {
        this.sink.error('duplicate-label', `label \`${name}' inconsistently redefined`, this.range(span), this.lines.origin(this.line).expansion, [{ message: `label \`${name}' originally defined here`, range: symbolRange(latest, this.lines, this.lineOf), definition: true }], this.line);
        (this.redefinedAs ??= new Map()).set(name, { ...prev, sec, value, stmt: this.stmtIndex, span, src: undefined });
      }
      return;
    }
    if (prev) {
      if (prev.value !== value || prev.sec !== sec) this.changed = true;
      prev.value = value; prev.sec = sec; prev.pass = this.pass;
      return;
    }
    this.changed = true;
    this.symbols.set(name, { name, kind: internal ? 'label' : 'constant', sec, value, big: undefined, stmt: this.stmtIndex, pass: this.pass, span, src: undefined, isStruc, ...(internal ? { internal } : {}) });
    if (isRegisterOutsideDialect(name) || isUnreadableWord(name)) (this.wordNamed ??= new Set()).add(name);
  }

  /**
   * `at field`: as nasm 2.16's `at` macro, the field's offset from the structure's name (which a
   * `struc name, base` sets to base), and `.x` a field of the structure `istruc` names.
   */
  /** False when nasm drops the statement (a field of a structure no line defines). */
  private padToField(field: Expr, asText: boolean): boolean {
    const ist = this.istrucStart;
    if (!ist) { this.error('syntax', '`at\' outside `istruc\'', field); return true; }
    if (this.structureContextLost(field)) return true;
    // (Its `times (FIELD-%$strucname)-...` stops at the token: see strayAfterName.)
    if (ist.stray !== undefined || (ist.blankAfter === true && this.namesField(field, asText))) { this.error('syntax', "expecting `)'", field); return true; }
    const fieldsOf = ist.expression === undefined ? ist.name : ist.pastedTo;
    if ((asText || ist.expression !== undefined) && fieldsOf !== undefined) (this.atStructures ??= new Map()).set(this.stmtIndex, fieldsOf);
    if (ist.expression !== undefined || asText) { this.padToFieldText(field); return true; }
    (this.atStructures ??= new Map()).set(this.stmtIndex, ist.name);
    // (`at .y`: nasm's macro pastes `pt.y` and expands it, to a single-line macro's body when there
    // is one, a field or not, read as its text in the macro's count; measured, `%define pt.y 2`
    // pads to 2, `%define pt.y 3+` to 3, `%define pt.y [ 3` is an expression syntax error.)
    const member = field.k === 'sym' && isLocalName(field.name) && ist.start !== undefined ? this.host.atMember?.(this.line) : undefined;
    if (member !== undefined) { this.padToFieldText(field, member); return true; }
    let later: string | undefined;
    let missing: string | undefined;
    const v = evaluate(field, {
      symbol: (name, node) => {
        const full = name.charCodeAt(0) === 0x2e && name.charCodeAt(1) !== 0x2e ? ist.name + name : name;
        if (this.definedLater(full)) later = full;
        if (!this.symbols.has(full)) { missing ??= full; return undefined; }
        return this.lookup(full, node);
      },
      here: () => this.here(), base: () => this.base(), error: (message, node) => this.error(message, node),
    });
    // nasm's `at' is `times <field offset> ...`, whose count must be known on its line.
    // (Names defined after it that cancel out are known: nasm's first pass has them as one
    // unknown term, which cancels, and pads in the later passes; measured, `istruc s` / `at .b, dd
    // 7` with no `iend`, then `struc s`, assembles, its count `s.b - s`, and so does `at .x+e-e`
    // with `e:` after it.)
    // (The structure defined after it alone is no number either: `at , db 6` is `(-pt)`, measured.)
    if ((later !== undefined || this.definedLater(ist.name)) && !this.atCountKnownAtFirst(field, ist.name)) {
      this.error('non-constant', later !== undefined ? `non-constant argument supplied to TIMES: \`${later}' is defined after this \`at'` : 'non-constant argument supplied to TIMES', field);
      return true;
    }
    // A field no line defines: nasm's `times` count is not a number it knows, "non-constant
    // argument supplied to TIMES" (measured: `at S.zz`). When the structure is undefined too, its
    // count is `rec.a - rec`, two unknown symbols, which nasm's evaluator cancels out: the count is
    // known, and the final pass drops the line with "symbol `rec.a' not defined" (measured: `at
    // rec.a, db 5` and `at .a, db 5` under `istruc rec`; an `iend`'s error comes before it). Its
    // parser finds it, so nasm writes no listing (as for any error of a count: not 'undefined-symbol').
    if (missing !== undefined) {
      if (this.symbols.has(ist.name)) { this.error('non-constant', 'non-constant argument supplied to TIMES', field); return true; }
      this.error('non-constant', `symbol \`${missing}' not defined`, field);
      return false;
    }
    const struc = this.lookup(ist.name, field);
    if (v.v === undefined || struc?.v === undefined) return true;
    // A field in a section and a structure in absolute space, or the other way: the count `s.b -
    // s` is no number (measured with nasm 2.16.01: `.b: resd 2` at the top, which the second pass
    // names `s.b`, then `istruc s` / `at .b, dd 0` / `struc s`).
    if (v.sec !== struc.sec) { this.error('non-constant', 'non-constant argument supplied to TIMES', field); return true; }
    // A field named as a `.x` defined before the first non-local label is none to nasm's first
    // pass, where that label has no base (see failedAtFirst; measured: `.x: resb 1` before `struc
    // pt`, then `at .x` under `istruc pt`, is "non-constant argument supplied to TIMES"). What
    // that pass reads is the count, the field less the structure: of a structure based at a
    // label (`struc s, l`), a number (measured: `.y: db 1` / `l:` / `struc s, l` / `.b resw 1` /
    // `endstruc` / `istruc s` / `at s.b, dw 1` assembles).
    const named = field.k === 'sym' && isLocalName(field.name) ? { ...field, name: ist.name + field.name } : field;
    if (field.k === 'sym' && this.failedAtFirst(atCount(named, ist.name), { v: v.v - struc.v, sec: -1 })) {
      this.error('non-constant', 'non-constant argument supplied to TIMES', field);
      return true;
    }
    if (this.awayFromIstruc()) { this.error('non-constant', 'non-constant argument supplied to TIMES', field); return true; }
    // (`$` in absolute space too: measured, `istruc` after `absolute 0x200` pads from 0x200.)
    const pad = ist.offset + v.v - struc.v - (this.absolute ?? this.sections[this.sec].size);
    // (A field before the data so far: nasm's at is `times` of the distance, measured "TIMES value -2 is negative".)
    if (pad < 0) { this.error('times-negative', `TIMES value ${pad} is negative`, field); return true; }
    this.emit(ZERO, pad);
    // The data is a line of its own after the padding, its `$` past it (measured with nasm
    // 2.16.01: `at .b, dd $` with .b at 4 is 4 from the structure's start).
    if (this.absolute === undefined) this.hereOffset = this.sections[this.sec].size;
    return true;
  }

  /**
   * Whether nasm's first pass knows the count of `at field` under an `istruc` of `structure`,
   * `field - structure` (see padToField), the names defined after the line unknown there (see
   * firstPassNumber).
   */
  private atCountKnownAtFirst(field: Expr, structure: string): boolean {
    return firstPassNumber(atCount(field, structure), {
      symbol: (name, node) => {
        const full = name.charCodeAt(0) === 0x2e && name.charCodeAt(1) !== 0x2e ? structure + name : name;
        return this.definedLater(full) || !this.symbols.has(full) ? undefined : this.lookup(full, node);
      },
      here: () => this.here(), base: () => this.base(), error: () => undefined,
    });
  }

  /** Whether `at`'s field `field` (read as text: `asText`) is a `.x` nasm's macro pastes to the structure's name. */
  private namesField(field: Expr, asText: boolean): boolean {
    if (!asText) return field.k === 'sym' && isLocalName(field.name);
    return isLocalName(this.lines.text[this.line].slice(field.start, field.end).trimStart());
  }

  /**
   * `at field` as nasm's `times (FIELD-NAME)-($-%$strucstart)` reads it as text: under an `istruc`
   * of more than a name, with the arguments' text for NAME, `.x` pasted to them (see
   * istrucExpression); of a field that is no expression alone (see ParsedStatement.atText); or
   * with `member`, the body of the single-line macro `NAME.x` stands for.
   */
  private padToFieldText(written: Expr, member?: string): void {
    const ist = this.istrucStart!;
    if (ist.start === undefined) return;
    const name = ist.expression ?? ist.name;
    const text = this.lines.text[this.line].slice(written.start, written.end);
    // (A field written in braces with a blank before it is pasted blank and all: see the parser's atField.)
    const field = member ?? (isLocalName(text.trimStart()) ? name + text : text);
    // (After a macro's body that closes the count's parenthesis, `2)`, nasm reads on for an
    // instruction: measured, `%define pt.x 2) + 1` is "parser: instruction expected".)
    const count = this.timesCountOf(`(${field}-${name})-($-${ist.start})`, written, member === undefined ? "expecting `)'" : 'parser: instruction expected');
    if (count !== undefined) this.padCount(count, written);
  }

  private exprArg(st: ParsedStatement): Expr | undefined {
    return this.exprArgFrom(st, st.args);
  }

  /**
   * The expression of a directive's argument `toks`. `rest`: what follows the expression where
   * nasm evaluates the argument and reads no further (its bin format's `org`, `absolute`,
   * `sectalign`, section attributes, `incbin`'s numbers: measured, `org 0x7)c00` is `org 7`),
   * 'ignored', with a note for the editor; else an error. `code`: its syntax errors' (see
   * LATER_PASS_ERRORS in index.ts).
   */
  private exprArgFrom(st: ParsedStatement, toks: readonly PPToken[], rest: 'error' | 'ignored' = 'error', code = 'syntax'): Expr | undefined {
    // (nasm reads `resb` as an instruction: measured, `resb` alone is an invalid combination and
    // `resw 1 2` has a token after its operand.)
    const reserve = RESERVE_UNIT[st.op!.name] !== undefined;
    if (toks.length === 0) {
      if (reserve) this.error('invalid-operands', 'invalid combination of opcode and operands', st.op);
      else this.error('syntax', `\`${st.op!.name}' expects an argument`, st.op);
      return undefined;
    }
    const p = new ExprParser(toks, 0, toks.length, st.localBase, this.limits.eval, this.floatMode);
    const e = p.parse();
    if (p.warning) for (const w of [p.warning, ...p.laterWarnings ?? []]) this.warning(w.code, w.message, w);
    const scanned = e !== undefined && p.error === undefined ? scannedOverflow(toks[p.pos]) : undefined;
    if (scanned) this.warning(scanned.code, scanned.message, scanned);
    this.strayBraces(toks, e !== undefined && p.error === undefined ? toks[p.pos]?.start : p.error?.start);
    if (reserve && e && p.pos < toks.length && isWrt(toks[p.pos])) return this.reservedWithRespectTo(toks, p.pos);
    if (e && p.pos < toks.length && rest === 'ignored' && p.error === undefined) {
      const ignored = { start: toks[p.pos].start, end: toks[toks.length - 1].end };
      this.note('ignored-text', `nasm reads \`${st.op!.name}'s value up to here and ignores the rest (\`${this.writtenText(ignored) ?? toks[p.pos].text}')`, ignored);
      return e;
    }
    if (!e || p.pos < toks.length) {
      const bad = p.error ?? { message: reserve ? 'comma, colon, decorator or end of line expected after operand' : `unexpected \`${toks[p.pos].text}'`, start: toks[p.pos].start, end: toks[p.pos].end };
      this.error(code, bad.message, bad);
      return undefined;
    }
    return e;
  }

  /**
   * `align`'s argument `toks` as its macro reads it: in `sectalign %1` when it is `checked`, then
   * in `times (((%1) - ...`, each refusing an expression that does not parse, and the second one
   * that stops early wanting its `)` (measured with nasm 2.16.01: `align :4`, `align 1+` and
   * `align (4` give their error twice, once after `sectalign off`; `align 4 4` "expecting `)'").
   */
  private alignArgument(st: ParsedStatement, toks: readonly PPToken[], checked: boolean): Expr | undefined {
    const p = new ExprParser(toks, 0, toks.length, st.localBase, this.limits.eval, this.floatMode);
    const e = p.parse();
    if (e === undefined && p.error !== undefined) {
      // (`sectalign` reads the argument up to its first `]`, where it may read well: see sectalignValue.)
      const cut = checked && rawDirectiveValue(toks, 0).length < toks.length;
      if (cut) this.sectalignValue(st, toks);
      this.errorRepeated('syntax', p.error.message, p.error, checked && !cut ? 2 : 1);
      return undefined;
    }
    if (e !== undefined && p.error === undefined && p.pos < toks.length) {
      // A `)` too many: the count `times (((%1) - ...` closes early, and what follows it is the
      // line's instruction, or alignb's `resb (((%1) - ...` operand is followed by more
      // (measured with nasm 2.16.01: `align 4 ), nop` is "parser: instruction expected", `align
      // 3 )` that after `sectalign`'s "segment alignment `3 )' is not power of two", `alignb 4 )`
      // "comma, colon, decorator or end of line expected after operand").
      const count = toks[p.pos].text === ')' ? this.writtenExpression(alignPadText(toks)) : undefined;
      if (count?.e !== undefined && !count.whole) {
        if (checked) this.sectalignValue(st, toks);
        const reserves = st.op!.name === 'alignb' && toks.length === st.args.length;
        this.reservingStarts();
        this.error('syntax', reserves ? 'comma, colon, decorator or end of line expected after operand' : INSTRUCTION_EXPECTED, st.op);
        // (The `resb` reads its count all the same: measured, `alignb x )` warns of x after both errors.)
        if (reserves && this.pass === 0 && this.namesForward(count.e)) this.reservesForward(st.op!);
        return undefined;
      }
      // Braces after it: nasm's scanner refuses what is no decorator in each line (see
      // strayBraces), and `times` still wants its `)` (measured: `align 4{` is "invalid decorator
      // token inside braces" twice then "expecting `)'", `align 4{k1}` only the last).
      // (`sectalign` reads the argument first, up to a name not known yet, critical there, or on
      // past the number to what follows, which it ignores: measured, `align x 5` / `x equ 4` is
      // "symbol `x' not defined before use" then "expecting `)'", `align 3 5` "segment alignment
      // `3 5' is not power of two" then that, `align x{e}` the brace's error once.)
      const braces = braceProblem(toks, toks[p.pos].start);
      if (checked && !this.laterInCritical(e)) {
        if (braces !== undefined) this.error('syntax', braces.message, braces);
        this.sectalignValue(st, toks);
      }
      if (braces !== undefined && this.final) {
        // (The same message at the same place again: a round of its own, see errorRepeated.)
        this.errorsGiven++;
        this.sink.report('error', 'syntax', braces.message, this.range(braces), this.lines.origin(this.line).expansion, undefined, this.line, this.line, 1);
      }
      this.error('syntax', "expecting `)'", toks[p.pos]);
      return undefined;
    }
    return this.exprArgFrom(st, toks);
  }

  /**
   * Braces where a directive's expression stops (the column `at`): nasm's scanner reads them, as
   * it reads the token after any expression, as a decorator, and refuses what is none (measured:
   * `org 0{`, `absolute 0 {e}`, `sectalign 4{` and `incbin "f", 0{` fail; `org 0{k1}` does not).
   */
  private strayBraces(toks: readonly PPToken[], at: number | undefined): void {
    const stop = at === undefined ? undefined : toks.find((t) => t.start === at);
    if (stop === undefined || stop.kind !== 'op' || !(stop.text === '{' || stop.text.startsWith('%{'))) return;
    const problem = braceProblem(toks, at!);
    if (problem !== undefined) this.error('syntax', problem.message, problem);
  }

  /**
   * `resb N wrt SEG` (the `wrt` at `toks[at]`): nasm's operand is then no number, "attempt to
   * reserve non-constant quantity of BSS space" (measured: `resd x wrt 3`, `resb 4 wrt seg x`),
   * after its parser's error for what follows the segment (`resb 4 wrt 3 + 1`) or none for no
   * segment (`resb 4 wrt`, "expression syntax error"). Undefined: the line reserves nothing.
   */
  private reservedWithRespectTo(toks: readonly PPToken[], at: number): undefined {
    if (at + 1 === toks.length) { this.error('syntax', 'expression syntax error', toks[at]); return undefined; }
    const p = new ExprParser(toks, wrtOperand(toks, at), toks.length, undefined, this.limits.eval, this.floatMode);
    const target = p.wrtTarget();
    if (!target) { this.error('syntax', p.error!.message, p.error!); return undefined; }
    if (p.pos < toks.length) this.error('syntax', 'comma, colon, decorator or end of line expected after operand', toks[p.pos]);
    this.error('non-constant', 'attempt to reserve non-constant quantity of BSS space', { start: toks[0].start, end: target.end });
    return undefined;
  }

  /** An `align` fill other than one data directive, `pad` times as `times pad FILL` (the fill's own `times` wins, as in nasm). */
  private repeatFill(fill: ParsedStatement, pad: number, asTimes = true): void {
    this.fillCount = pad;
    this.fillAsTimes = asTimes;
    try {
      if (fill.kind === StatementKind.Directive) this.directive(fill, fill.op!.name);
      else this.instruction(fill);
    } finally {
      this.fillCount = undefined;
      this.fillAsTimes = false;
    }
  }

  /** After a `section`, `segment` or `absolute` line: nasm's standard macro of that name sets `__?SECT?__`, its bracketed form not. */
  private keepSect(): void {
    const line = this.lineOf[this.stmtIndex];
    if (this.lines.tokensOf(line)[0]?.text === '[') return;
    this.sectLine = line;
    this.sectStmt = this.stmtIndex;
  }

  /**
   * Whether `args`, a `section`, `segment` or `absolute` line's, hold a `;`: nasm's macro writes
   * them out as a raw directive, which that cuts before its `]` (see the parser's
   * noSemicolonBefore), its error then, the line still `__?SECT?__` (measured with nasm 2.16.01:
   * `section 'q ;r'` / `struc s` / `endstruc` is "invalid directive line" at both lines).
   */
  private corruptPlaceLine(args: readonly PPToken[]): boolean {
    const cut = semicolonIn(args, 0, args.length);
    if (cut === undefined) return false;
    this.error('syntax', 'invalid directive line', cut);
    this.keepSect();
    return true;
  }

  private absoluteDirective(st: ParsedStatement, args: readonly PPToken[]): void {
    if (this.corruptPlaceLine(args)) return;
    // (Nothing to read: nasm's evaluator refuses it, measured `[absolute ]`, and its first pass
    // ends the assembly before code after it is found in absolute space.)
    if (args.length === 0) {
      this.error('syntax', 'expression syntax error', st.op);
      if (this.unplaced()) this.enterUnplacedSpace();
      else this.unreadAddress(false);
      this.keepSect();
      return;
    }
    const e = this.exprArgFrom(st, args, 'ignored');
    // A critical expression (measured: an unknown symbol, or one defined after the line, is
    // "not defined before use").
    const read = e !== undefined ? this.absoluteBase(e) : undefined;
    let v = read === NOT_RELOCATABLE ? undefined : read;
    if (v?.v !== undefined && v.sec < 0 && !this.exactAddress(v, args, e!)) v = undefined;
    if (v?.v === undefined && this.unplaced()) { this.enterUnplacedSpace(); this.keepSect(); return; }
    if (v?.v === undefined && (this.pass > 0 || this.final)) { this.unreadAddress(read === NOT_RELOCATABLE); this.keepSect(); return; }
    this.absolute = v?.v ?? 0;
    this.absoluteSec = v !== undefined && v.v !== undefined ? v.sec : -1;
    this.absoluteEntered ||= v?.v !== undefined;
    this.keepSect();
  }

  /**
   * The place after an `absolute` nasm could not read, before any it could in the pass: offset
   * 0x100 (directiv.c, in its first pass, after which the error stops it) in the segment its
   * absolute space has before one is set, 0, which no section has. So `$` and `$$` are in a
   * segment of their own, and so is each label there, as an external name is: define_label gives
   * a label of segment 0 a new one (measured with nasm 2.16.01: `[absolute ]`, `absolute q` before
   * `q:` or `absolute eax`, then `s:` / `x equ $-s` is "invalid operand type", `s:` / `resb 2` /
   * `t:` / `x equ t-s` too). Nothing there is put out, nasm stopping after that pass.
   */
  private enterUnplacedSpace(): void {
    this.absolute = UNPLACED_OFFSET;
    this.absoluteSec = UNPLACED_SEGMENT;
  }

  /**
   * Where an `absolute` nasm could not read leaves it once one it could read gave absolute space
   * a place in the pass (directiv.c): in absolute space, in the segment it had, at the offset it
   * is at (or was at when a section line left it) for an address that is no place
   * (`nonRelocatable`: `absolute eax`), at 0x100 for one its evaluator gave up on (`absolute 1/0`,
   * `absolute x+`). Its first pass stops after the error, so only that pass's messages show it
   * (measured with nasm 2.16.01: `absolute 10` / `x: resb 1` / `absolute eax` / `y: resb 1` /
   * `section .text` / `resb y-11` is the error alone, as after `absolute 1/0`).
   */
  private unreadAddress(nonRelocatable: boolean): void {
    const at = this.absolute !== undefined ? { offset: this.absolute, sec: this.absoluteSec } : this.absoluteLeft;
    this.absolute = nonRelocatable ? at.offset : UNPLACED_OFFSET;
    this.absoluteSec = at.sec;
  }

  /**
   * Whether an `absolute` that cannot be read here leaves nasm where enterUnplacedSpace puts it:
   * none read before it in the pass, and not in Ringside's first pass, which knows less than
   * nasm's (an `equ` of a label further on is nasm's 0 there: measured, `s equ
   * section..data.start + 2` / `absolute s` is read in every pass).
   */
  private unplaced(): boolean {
    return !this.absoluteEntered && (this.pass > 0 || this.final);
  }

  /**
   * Whether `value`, an address written `written`, is one labels can be placed from exactly: they
   * are numbers (doubles), exact to 2^53, and a section may hold 2^31 bytes. nasm takes any 64-bit
   * address; past 2^52 Ringside refuses it rather than put out other bytes (measured: `org
   * 0x20000000000001` / `x: dq x` is 01 00 00 00 00 00 20 00 to nasm, and was ...00 20 00 here).
   */
  private exactAddress(value: Value, written: readonly PPToken[], e: Expr): boolean {
    if (Math.abs(value.v!) <= MAX_EXACT_ADDRESS) return true;
    this.error('address-range', `address \`${tokensText(written)}' is past the ±2^52 Ringside places labels at exactly`, e);
    return false;
  }

  /**
   * `absolute`'s argument, a critical expression, where an external name is its segment (see
   * externalLabel), in nasm's first pass too, once its `extern` line is read (measured with nasm
   * 2.16.01: `absolute a` / `extern a` is "symbol `a' not defined before use").
   */
  private absoluteBase(e: Expr): Value | typeof NOT_RELOCATABLE {
    if (this.laterInCritical(e)) return { v: undefined, sec: -1 };
    // (A register is no place, unless its terms cancel: measured, `absolute eax` and `absolute
    // 4+eax` are "cannot use non-relocatable expression as ABSOLUTE address", `eax-eax` is 0.)
    const registers = firstLeaf(e, (leaf) => leaf.k === 'sym' && leaf.escaped === undefined && lookupRegister(leaf.name) !== undefined) !== undefined ? registerFactors(e) : undefined;
    // (Its evaluator takes `-eax`, which an operand does not: no "invalid operand type" here.)
    if (typeof registers === 'string' && registers !== INVALID_OPERAND) { this.error('syntax', registers, e); return { v: undefined, sec: -1 }; }
    if (registers !== undefined && (typeof registers === 'string' || registers.size > 0)) { this.error('syntax', 'cannot use non-relocatable expression as ABSOLUTE address', e); return NOT_RELOCATABLE; }
    if (registers !== undefined) return this.absoluteBase(withoutRegisters(e));
    let of: ExternalName | undefined;
    if (this.declaredExternals.size > 0) {
      // (Quietly: an unknown name is reported as evalWith reports it.)
      this.undefinedUse = Undefined.Quiet;
      try { of = externalConstantOf(e, this); } finally { this.undefinedUse = Undefined.Reported; }
    }
    if (of === undefined) return this.scaledAbsoluteBase(e) ?? this.keepingExternals(() => this.evalWith(e, Undefined.BeforeUse));
    // (Named so, it is listed in the map, as nasm's lists it: see externalMapSymbols.)
    if (this.externsInPass.has(of.root)) { (this.externsUsed ??= new Set()).add(of.root); return this.externalSegmentValue(of); }
    this.error('undefined-symbol', `symbol \`${of.root}' not defined before use`, firstLeaf(e, (leaf) => leaf.k === 'sym' && this.declaredExternals.get(leaf.name)?.root === of.root) ?? e);
    return { v: undefined, sec: -1 };
  }

  /**
   * EvalContext.externals: the names `extern` declares and their `equ`s, but for the names a label
   * of the program defines too, and their `equ`s: nasm's label takes over an external name of its
   * own (labels.c define_label makes it global), so from the label on in its first pass, and from
   * its second pass on everywhere, the name is the label (measured with nasm 2.16.01: `extern a` /
   * `absolute a+2` / `resb 4` / `x:` / `section .text` / `dw x` / `a:` is 08 00; `extern a` / `mov
   * eax, a*2` / `nop` / `a:` is 0E 00 00 00, and with `k equ a+3` `mov eax, k*2` 14 00 00 00).
   */
  get externals(): ReadonlyMap<string, ExternalName> {
    if (this.declaredExternals.size === 0) return this.declaredExternals;
    for (const of of this.declaredExternals.values()) {
      if (this.symbols.has(of.root)) return new Map([...this.declaredExternals].filter(([, x]) => !this.symbols.has(x.root)));
    }
    return this.declaredExternals;
  }

  /**
   * `absolute`'s argument when it adds a section's or an external name's address another number
   * of times than once, or takes one away (`a*2`, `lab*2 + 4`), as nasm 2.16.01 reads it (eval.c's
   * is_reloc, reloc_seg, reloc_value): such a segment is no part of the address, which is the
   * expression's number alone, in no segment but the one added once; a segment added once twice,
   * or taken away once but the current one (an external name's never is), is "cannot use
   * non-relocatable expression as ABSOLUTE address" (measured: `extern a` / `absolute a*2` / `x:
   * resb 1` / `dd x` is 0, `a*2+4` 4, `a*-2` 0, `a*2-b` and `-a` refused). Undefined for any other
   * argument, and for an external name not declared yet in the pass. The current segment taken
   * away once leaves its labels' offsets too (measured at `org 0x100`: `absolute -l`, l at 1 in
   * .text, is -1; `l2-l`, l2 in .data, is l2's address less 1).
   */
  private scaledAbsoluteBase(e: Expr): Value | typeof NOT_RELOCATABLE | undefined {
    const externals = this.externals;
    const roots = externals.size > 0 ? externalCoefficients(e, externals) : undefined;
    if (roots !== undefined && [...roots.keys()].some((root) => !this.externsInPass.has(root))) return undefined;
    const ctx: EvalContext = { symbol: (name, node) => this.symbol(name, node), here: () => this.here(), base: () => this.base(), error: () => undefined, externals };
    // (Quietly: the bin format's refusal of an external name and an unknown name are reported as
    // evalWith reports them, when this is no such address.)
    this.undefinedUse = Undefined.Quiet;
    let terms: ReturnType<typeof sectionTerms>;
    try { terms = this.keepingExternals(() => sectionTerms(e, ctx)); } finally { this.undefinedUse = Undefined.Reported; }
    if (terms === undefined) return undefined;
    // (In absolute space nasm's current segment is none, whatever segment `$` is in: measured,
    // `absolute l` / `absolute -l` is refused.)
    const here = this.absolute === undefined ? this.sec : -1;
    let v = terms.sum, added = -1, taken = false, refused = false;
    let scaled = [...roots?.values() ?? []].some((c) => c !== 0 && c !== 1 && c !== -1);
    for (const [sec, c] of terms.sections) {
      if (c === 1 && added < 0) { added = sec; continue; }
      refused ||= c === 1 || (c === -1 && (sec !== here || taken));
      scaled ||= c !== 0 && c !== -1;
      taken ||= c === -1;
      v -= c * this.segmentAddress(sec);
    }
    if (refused) this.error('syntax', 'cannot use non-relocatable expression as ABSOLUTE address', e);
    return refused ? NOT_RELOCATABLE : scaled || taken ? { v, sec: added } : undefined;
  }


  /**
   * `struc` called with no parameter (`%define E` / `struc E`): nasm's macro writes `[absolute ]`
   * ("expression syntax error": the place stays) and `:` ("label or instruction expected at start
   * of line"), and its endstruc `_size equ ($-)`, "expression syntax error" (measured, nasm 2.16.01).
   */
  private emptyStructure(word: { readonly start: number; readonly end: number }): void {
    this.error('syntax', 'expression syntax error', word);
    this.error('syntax', 'label or instruction expected at start of line', word);
    this.struc = { name: '', base: 0, sec: -1, stmt: this.stmtIndex, sizeError: 'expression syntax error', outer: this.struc, trailing: false };
  }

  /**
   * Where `endstruc` goes: nasm's macro ends with the line `__?SECT?__`, the last `section`,
   * `segment` or `absolute` line (`sect`), unless the source defined it since (host.sectDefinitions;
   * measured with nasm 2.16.01: after `%define __?SECT?__ [section .data]` or `section .data`,
   * a structure ends in .data; after an empty definition it stays in absolute space, and after
   * `%undef __?SECT?__` too, the word then a label alone on its line). A definition that is no
   * section line is run as a line of its own (see runSectBody): the structure ends in absolute space.
   */
  private endStructure(st: ParsedStatement, word: { readonly start: number; readonly end: number }): void {
    const line = this.lineOf[this.stmtIndex];
    const defs = this.host.sectDefinitions;
    let k = defs === undefined ? -1 : defs.length - 1;
    while (k >= 0 && defs![k].at > line) k--;
    if (k < 0 || defs![k].at <= this.sectLine) {
      if (this.sectStmt >= 0) this.placeAgain(word);
      else { this.sec = 0; this.absolute = undefined; this.absoluteSec = -1; }
      return;
    }
    const body = defs![k].body;
    if (body === undefined) { this.warning('label-orphan', 'label alone on a line without a colon might be in error', word); return; }
    const bracketed = body[0]?.text === '[' ? 1 : 0;
    const directive = body[bracketed]?.kind === 'ident' ? body[bracketed].text.toLowerCase() : '';
    if (directive !== 'section' && directive !== 'segment' && directive !== 'absolute') { this.runSectBody(k, word); return; }
    let end = bracketed + 1;
    while (end < body.length && !(bracketed === 1 && body[end].text === ']')) end++;
    // (A bracket left open: measured, `%define __?SECT?__ [section .da` is "invalid directive line" at the endstruc.)
    if (bracketed === 1 && end === body.length) { this.error('syntax', 'invalid directive line', word); return; }
    const args = body.slice(bracketed + 1, end);
    // (The definition stays what `__?SECT?__` is: the next endstruc runs it again, measured with
    // nasm 2.16.01, two structures after `%define __?SECT?__ [section .data]` both end in .data.)
    const { sectLine, sectStmt } = this;
    if (directive === 'absolute') this.absoluteDirective(st, args);
    else this.sectionDirective(st, args);
    this.sectLine = sectLine;
    this.sectStmt = sectStmt;
  }

  /**
   * The `section`, `segment` or `absolute` line `__?SECT?__` is, which `endstruc` runs again, with
   * its messages there: nasm's macro defines it as the line, attributes and all, so what they warn
   * of is warned of again at each `endstruc`, and an address is read again, `$` the structure's
   * (measured with nasm 2.16.01: `section .d foo` / `struc s` / `.a: resb 1` / `endstruc` warns
   * "ignoring unknown section attribute: "foo"" at both lines; after `absolute eax` the error is
   * given at both; `absolute $+4` / `struc s` / `.a: resb 3` / `endstruc` goes on at 7).
   */
  private placeAgain(word: { readonly start: number; readonly end: number }): void {
    const { sectLine, sectStmt } = this;
    const st = this.stmts[sectStmt];
    const mark = this.sink.mark();
    if (st.op!.name === 'absolute') {
      this.absoluteDirective(st, st.args);
      // (Its `$` the structure's, a number: `absolute $+4` lists offsets of no section after it.)
      if (this.final) (this.endstrucSegments ??= new Map()).set(this.stmtIndex, this.absoluteSec);
    } else this.sectionDirective(st, st.args);
    this.sectLine = sectLine;
    this.sectStmt = sectStmt;
    const expansion = this.lines.origin(this.line).expansion;
    for (const { diagnostic: d } of this.sink.take(mark, () => false)) {
      this.sink.report(d.severity, d.code, d.message, this.range(word), expansion, d.related, this.line, this.line);
    }
  }

  /**
   * `endstruc`'s last line, definition `k` of `__?SECT?__`, when it is no section line: nasm
   * assembles it there as any line, in the structure's absolute space (measured with nasm
   * 2.16.01: `db 7` is "attempt to assemble code in [ABSOLUTE] space" at the endstruc, and listed
   * there, `bits 32` sets the mode, `garbage here` is "parser: instruction expected").
   */
  private runSectBody(k: number, word: { readonly start: number; readonly end: number }): void {
    const outcome = this.sectBody(k);
    if (outcome.problem !== undefined) { this.error(outcome.problem.code, outcome.problem.message, word); return; }
    const colon = this.host.sectDefinitions![k].body?.[1]?.text === ':';
    const st = runnableSectBody(outcome, this.stmts[this.stmtIndex].label === undefined, colon);
    if (st === undefined) return;
    // (A body of a label alone, or an equ, leaves endstruc's line listed as its own: measured.)
    if (this.final && st.op !== undefined && st.op.name !== 'equ') (this.sectBodiesRun ??= new Map()).set(this.stmtIndex, st);
    if (st.label !== undefined && st.op?.name !== 'equ') this.defineLabelHere(st, this.absolute !== undefined ? undefined : this.sections[this.sec], this.absolute ?? this.sections[this.sec].size);
    if (st.op === undefined) return;
    if (st.kind === StatementKind.Directive) this.directive(st, st.op.name);
    else this.instruction(st);
  }

  /** The parse of definition `k` of `__?SECT?__` (host.sectDefinitions), made once. */
  private sectBody(k: number): ParseOutcome {
    const known = this.sectBodies?.get(k);
    if (known !== undefined) return known;
    const outcome = parseStatement(this.host.sectDefinitions![k].body ?? [], undefined);
    (this.sectBodies ??= new Map()).set(k, outcome);
    return outcome;
  }

  private sectionDirective(st: ParsedStatement, written: readonly PPToken[]): void {
    if (this.corruptPlaceLine(written)) return;
    let args = wordsAtBlanks(written);
    const nameTok = args[0];
    // `[section]` alone (masm's `segment` with no label puts it out) is a section named '' in
    // nasm 2.16.01's bin format, laid out in its place like any other (measured, with `[map]`).
    let name = nameTok?.text ?? '';
    let i = 1;
    // Names like `.text.boot` arrive as one identifier. A name is the whole word up to a blank,
    // whatever its characters, quotes too (measured: `[section foo-bar]` and `[section foo-baz]`
    // are two sections, `[section align=16]` one named `align=16`, `section "ab"` one named
    // `"ab"`, not `ab`).
    if (nameTok !== undefined) for (; i < args.length && !spaced(args[i - 1], args[i]); i++) name += args[i].text;
    const s = this.openSection(name, args);
    this.sec = s.index;
    if (this.absolute !== undefined) this.absoluteLeft = { offset: this.absolute, sec: this.absoluteSec };
    this.absolute = undefined;
    this.absoluteSec = -1;
    this.keepSect();
    this.sectionKind(s, name, args, nameTok);
    for (; i < args.length; i++) {
      const t = args[i];
      const key = t.text.toLowerCase();
      const word = attributeWord(args, i);
      if ((key === 'progbits' || key === 'nobits') && word === i + 1) continue;
      const known = key === 'follows' || key === 'vfollows' || key === 'align' || key === 'valign' || key === 'start' || key === 'vstart';
      if (known && args[i + 1]?.text === '==' && !spaced(t, args[i + 1])) args = equalsSplit(args, i + 1);
      // Other formats' attributes (`exec`, `write`, `private`) and unknown words: nasm's bin
      // output warns and ignores them.
      // (A blank before the `=` too: `follows =.text` is the words `follows` and `=.text`, measured;
      // and a name nasm has no attribute of, its value no expression: `an=(1 + 1)` is the words
      // "an=(1", "+" and "1)".)
      if (!known || args[i + 1]?.text !== '=' || spaced(t, args[i + 1])) {
        // (A word as wordsAtBlanks cut the line: `'a b' c` is the attributes "'a", "b'" and "c", measured.)
        this.warning('section-attr', `ignoring unknown section attribute: "${args.slice(i, word).map((x) => x.text).join('')}"`, t);
        i = word - 1;
        continue;
      }
      // The value is the word after the `=`, up to a blank (measured with nasm 2.16.01: `align=4
      // exec` and `start=1 << 4` are the values 4 and 1, the rest unknown words; `start=0x100)x`
      // is one word, whose value nasm reads up to the `)`; `align=2*(1 + 1)` is "expecting `)'").
      // A blank after the `=` ends the word there: no value, and what follows is a word of its
      // own (measured: `follows= .text` is "expecting section name for `follows' attribute" and
      // "ignoring unknown section attribute: ".text"", `align= 16` "No value given ..." and an
      // unknown "16").
      const start = i + 2;
      const blankAfter = start < args.length && spaced(args[start - 1], args[start]);
      const inParentheses = !blankAfter && args[start]?.text === '(' && key !== 'follows' && key !== 'vfollows';
      const end = blankAfter ? start : inParentheses ? closingParenthesis(args, start) : attributeWord(args, start);
      // Unless the word begins with `(`: then the value is what the parentheses hold, and the next
      // word begins right after them (measured: `align=(1 + 1)` is 2, `align=(1 + 1)>` 2 and the
      // unknown attribute ">", `align=(1)(2)` 1 and "(2)", `align=()` "No value given ..."; one
      // not closed is "expecting `)'", in an open string "invalid syntax in `section' directive").
      if (end < 0) {
        this.error('section-attr', args[args.length - 1].kind === 'invalid' && isQuoted(args[args.length - 1]) ? "invalid syntax in `section' directive" : "expecting `)'", args[args.length - 1]);
        break;
      }
      // (Blanks alone are a value, which nasm's evaluator cannot read: measured, `align=( )`.)
      if (inParentheses && end === start + 1 && spaced(args[start], args[end])) {
        this.error('section-attr', 'expression syntax error', args[end]);
        this.error('section-attr', INVALID_ATTRIBUTE, t);
        i = end;
        continue;
      }
      const valueToks = inParentheses ? args.slice(start + 1, end) : args.slice(start, end);
      i = inParentheses ? end : blankAfter ? i + 1 : end - 1;
      if (valueToks.length === 0 && (key === 'follows' || key === 'vfollows')) { this.error('section-attr', `expecting section name for \`${key}' attribute`, t); continue; }
      if (valueToks.length === 0) { this.warning('section-attr', 'No value given to attribute in `section\' directive', t); continue; }
      this.sectionValue(st, s, key, t, valueToks, nameTok);
    }
  }

  /**
   * Whether section `s` holds bytes: nasm's .text and .data do, .bss does not, another section is
   * what its first declaration says (`progbits`/`nobits` after its name), and a later one cannot
   * change that.
   */
  private sectionKind(s: Section, name: string, args: readonly PPToken[], nameTok: PPToken | undefined): void {
    let declared = this.sectionTypes.get(s.index);
    let wanted: boolean | undefined;
    // (After the name: `section nobits` is a section called nobits, which holds bytes; measured.
    // A word of its own: `progbits,nobits` is one unknown attribute, see attributeWord.)
    for (let k = 1; k < args.length; k++) {
      const key = args[k].text.toLowerCase();
      if ((key === 'progbits' || key === 'nobits') && spaced(args[k - 1], args[k]) && attributeWord(args, k) === k + 1) wanted = key === 'progbits';
    }
    if (declared === undefined) {
      declared = name === '.bss' ? false : name === '.text' || name === '.data' ? true : wanted ?? true;
      this.sectionTypes.set(s.index, declared);
    }
    if (wanted !== undefined && wanted !== declared) {
      const type = (progbits: boolean): string => (progbits ? 'progbits' : 'nobits');
      this.error('section-type', `attempt to change section type from ${type(declared)} to ${type(wanted)}`, nameTok);
    }
    s.progbits = declared;
  }

  /** A `key=value` attribute of a `section` line (`align`, `valign`, `start`, `vstart`, `follows`, `vfollows`), for section `s`. */
  private sectionValue(st: ParsedStatement, s: Section, key: string, t: PPToken, valueToks: readonly PPToken[], nameTok: PPToken | undefined): void {
    // As nasm's bin output takes them (output/outbin.c, bin_assign_attributes): a start or
    // vstart drops the alignment given before it, which must agree with it, and an alignment
    // given after one must agree with it too.
    if (key === 'follows' || key === 'vfollows') {
      const target = valueToks.map((x) => x.text).join('');
      if (key === 'follows') {
        if (s.start !== undefined) this.error('section-attr', 'cannot combine `start\' and `follows\' section attributes', t);
        s.follows = target;
      } else if (s.vstart !== undefined) {
        // (nasm then reads the name as another attribute, and warns about it: measured.)
        this.error('section-attr', 'cannot combine `vstart\' and `vfollows\' section attributes', t);
        this.warning('section-attr', `ignoring unknown section attribute: "${target}"`, valueToks[0]);
      } else s.vfollows = target;
      return;
    }
    const e = this.exprArgFrom(st, valueToks, 'ignored', 'section-attr');
    // (After a syntax error its evaluator gives, nasm's bin format adds its own, measured:
    // `align=1+` and `align=2*(1`; where the value's parentheses are not closed, it reads none,
    // see sectionDirective.)
    if (e === undefined) {
      const p = new ExprParser(valueToks, 0, valueToks.length, st.localBase, this.limits.eval, this.floatMode);
      p.parse();
      if (p.error?.message === 'expression syntax error' || p.error?.message === "expecting `)'") this.error('section-attr', INVALID_ATTRIBUTE, t);
      return;
    }
    const value = this.sectionAttributeValue(e, key);
    const v = value?.v;
    if (v === undefined) return;
    if (key === 'align' || key === 'valign') {
      const at = key === 'align' ? s.start : s.vstart;
      if (powerOfTwo(value!) < 0) this.error('section-attr', `argument to \`${key}' is not a power of two`, t);
      else if (at !== undefined && at % Math.max(v, (key === 'align' ? s.align : s.valign) ?? 1) !== 0) {
        this.error('section-attr', key === 'align' ? '`align\' value conflicts with section start address' : '`valign\' value conflicts with `vstart\' address', t);
      } else if (key === 'align') raiseAlignment(s, v);
      else if (s.valign === undefined || v > s.valign) s.valign = v;
    } else if (!this.exactAddress(value!, valueToks, e)) {
      return;
    } else if (key === 'start') {
      if (s.follows !== undefined) { this.error('section-attr', 'cannot combine `start\' and `follows\' section attributes', t); return; }
      // (Another value than a start given before, on this line or an earlier one: measured.)
      if (s.start !== undefined && s.start !== v) this.error('section-attr', 'section start address redefined', t);
      s.start = v;
      if (s.align !== undefined && v % s.align !== 0) this.error('section-attr', '`start\' address conflicts with section alignment', nameTok);
      s.align = undefined;
    } else {
      if (s.vfollows !== undefined) { this.error('section-attr', 'cannot combine `vstart\' and `vfollows\' section attributes', t); return; }
      if (s.vstart !== undefined && s.vstart !== v) this.error('section-attr', 'section virtual start address (vstart) redefined', t);
      s.vstart = v;
      if (s.valign !== undefined && v % s.valign !== 0) this.error('section-attr', '`vstart\' address conflicts with `valign\' value', t);
      s.valign = undefined;
    }
  }

  /**
   * Section attribute `key`'s value `e`. nasm's bin format reads the attributes in each pass after
   * its first, where its evaluator names the first undefined symbol and gives up: errors of that
   * pass, after which it stops, all under the code 'section-attr' (see LATER_PASS_ERRORS in index.ts).
   */
  private sectionAttributeValue(e: Expr, key: string): Value | undefined {
    this.expressionCode = 'section-attr';
    try {
      // (A label misplaced in it, or an external name, is constantValue's to judge: held here.)
      this.misplacedHeld = false;
      this.equOfExtern = { named: false };
      let named: boolean;
      try { named = this.namesUndefined(e, 'section-attr'); } finally { this.misplacedHeld = undefined; this.equOfExtern = undefined; }
      if (named) { this.error('section-attr', INVALID_ATTRIBUTE, e); return undefined; }
      return this.constantValue(e, `section ${key}=`);
    } finally {
      this.expressionCode = 'expression';
    }
  }

  private incbin(st: ParsedStatement, args: readonly PPToken[]): void {
    const parts = splitComma(args);
    const fileTok = parts[0]?.[0];
    if (!fileTok || fileTok.kind !== 'string') { this.incbinWithoutName(st, fileTok); return; }
    // (nasm's incbin macro reads the name with `%pathsearch`, which warns of what follows the
    // string: measured, `incbin "a.bin"c`.)
    // (So of a blank braces kept after it: measured, `incbin {"a.bin" }`.)
    if (parts[0].length > 1 || (parts[0].length === 1 && fileTok.blankAfter === true)) this.warning('trailing', 'trailing garbage after `%pathsearch\' ignored', parts[0][1] ?? fileTok);
    // (A backquoted name is read with its escapes: measured, `incbin \`a\x41.bin\`` opens aA.bin;
    // a control character ends it, with nasm's error: `incbin \`a\x01b\`` looks for `a`.)
    let target = fileTok.text[0] === '`' ? decodeSource(decodeString(fileTok.text) ?? new Uint8Array()) : fileTok.text.slice(1, -1);
    const cut = fileTok.text[0] === '`' ? cutAtControl(decodeString(fileTok.text) ?? new Uint8Array()) : undefined;
    if (cut !== undefined) { this.error('syntax', CONTROL_IN_STRING, fileTok); target = decodeSource(cut); }
    const raw = this.rawIncbin(st);
    const key = raw ? `\u0000${target}` : target;
    let found = this.incbinCache.get(key);
    if (!this.incbinCache.has(key)) {
      // (nasm's directive opens the name from its working directory alone: measured with nasm
      // 2.16.01, `times 1 incbin "a.bin"` with a.bin only under -I is "unable to get length of file".)
      const places = raw ? [joinPath(this.host.workingDirectory ?? dirName(this.host.mainFile), target)] : searchPlaces(this.host.mainFile, this.host.workingDirectory, this.host.includePaths, target);
      for (const c of places) {
        const data = this.host.readBinary?.(c);
        if (data !== undefined) { found = { data, name: this.host.fileName?.(c, target) ?? target }; break; }
      }
      this.incbinCache.set(key, found);
    }
    // (nasm reads the offset and length as it parses the line, before it looks for the file: an
    // error in them is the line's only one, measured with nasm 2.16.01, `incbin "none.dat", 1, ^4`
    // is "expression syntax error", `incbin "none.dat", lab` before `lab:` "symbol `lab' not
    // defined before use".)
    const errorsBefore = this.sink.errors;
    const offE = parts[1] ? this.exprArgFrom(st, parts[1], 'ignored') : undefined;
    const lenE = parts[2] ? this.exprArgFrom(st, parts[2], 'ignored') : undefined;
    const off = offE ? this.constant(offE, 'incbin') ?? 0 : 0;
    const len = lenE ? this.constant(lenE, 'incbin') : undefined;
    // (Then it asks a missing file's length before anything else: measured, "unable to get length
    // of file", given once for each repetition of the directive, none for `times 0`.)
    if (found === undefined) {
      if (this.sink.errors === errorsBefore) this.errorRepeated('missing-file', `\`incbin': unable to get length of file \`${target}'`, fileTok, this.timesCount(st));
      return;
    }
    const data = found.data;
    // nasm 2.16.01 crashes on a negative length: an error here.
    if (len !== undefined && len < 0) { this.error('incbin', `\`incbin': negative length ${len}`, lenE); return; }
    const n = this.timesCount(st);
    if (data === UNREADABLE_DIRECTORY) { this.incbinDirectory(found.name, off, len, n, fileTok, offE); return; }
    if (off < 0) {
      // nasm counts the file from there on (at most `len`) in its first passes, cannot seek there
      // in its last, and puts nothing out, with the error once for all repetitions, none for no
      // repetition (measured: -1 on 40 bytes is listed `<bin 29h>`, the line after 0x29 lower).
      // (The name nasm's incbin macro gives the file it found: measured, `asm/blob.dat` with -Iasm/.)
      if (n > 0) this.error('incbin', `\`incbin': unable to seek on file \`${found.name}'`, offE);
      this.emit(new Uint8Array(Math.min(data.length - off, len ?? Infinity)), n);
      return;
    }
    const slice = data.subarray(Math.min(off, data.length), len === undefined ? data.length : Math.min(data.length, off + len));
    this.emit(slice, n);
  }

  /**
   * `incbin` of a directory, which nasm opens, measures at the end a seek there finds (on ext4 the
   * largest offset, 2^63-1) and then fails to read (measured with nasm 2.16.01: `incbin "dir"` and
   * `incbin "dir", 0, 1` are "unexpected EOF while reading file" and "error while reading file",
   * once for all repetitions; `incbin "dir", 0, 0`, an offset at that end and `times 0` put out
   * nothing and say nothing). Ringside puts out nothing either way: the program is refused.
   */
  private incbinDirectory(name: string, off: number, len: number | undefined, repetitions: number, fileTok: PPToken, offE: Expr | undefined): void {
    if (repetitions === 0) return;
    // (nasm 2.16.01 runs out of memory on a negative offset here: the error it gives a file's.)
    if (off < 0) { this.error('incbin', `\`incbin': unable to seek on file \`${name}'`, offE); return; }
    const end = 2 ** 63 - 1;
    if (off >= end || len === 0) return;
    this.error('incbin', `\`incbin': unexpected EOF while reading file \`${name}'`, fileTok);
    this.error('incbin', `\`incbin': error while reading file \`${name}'`, fileTok);
  }

  /**
   * `incbin` given no quoted name, in nasm's words: its standard macro's `%pathsearch %$dep %1`
   * and `%depend %$dep` take no file name (nor an empty one, `incbin ,`), and its `incbin %$dep,%2` names the context's `%$dep`,
   * which nothing defines (measured with nasm 2.16.01: `incbin x` is "`%pathsearch' expects a file
   * name", "`%depend' expects a file name", "symbol `..@1.dep' not defined before use"); the
   * directive itself (see rawIncbin), or the word alone (no call: the macro takes one parameter or
   * more, with its warning), says "`incbin' expects a file name", or "symbol `x' not defined before
   * use" of a name no line defines before. Ringside's own words go to the editor as a note.
   */
  private incbinWithoutName(st: ParsedStatement, fileTok: PPToken | undefined): void {
    const word = st.op!;
    this.note('syntax', '`incbin\' expects a quoted file name', fileTok ?? word);
    const raw = this.rawIncbin(st);
    // (An empty first parameter, `incbin {}` or `incbin ,`, is a call all the same: measured.)
    const called = st.args.length > 0;
    if (!called || raw) {
      if (!raw) this.warning('macro-args', `multi-line macro \`${this.writtenText(word) ?? 'incbin'}' exists, but not taking 0 parameters`, word);
      const name = fileTok?.kind === 'ident' ? qualifyName(fileTok.text, undefined) : undefined;
      const unknown = name !== undefined && (!this.symbols.has(name) || this.definedLater(name));
      this.error(unknown ? 'undefined-symbol' : 'syntax', unknown ? `symbol \`${name}' not defined before use` : '`incbin\' expects a file name', fileTok ?? word);
      return;
    }
    const at = fileTok ?? st.args[0];
    this.error('syntax', '`%pathsearch\' expects a file name', at);
    this.error('syntax', '`%depend\' expects a file name', at);
    const id = this.host.pushedContext?.(this.line);
    if (id !== undefined) this.error('undefined-symbol', `symbol \`..@${id}.dep' not defined before use`, at);
  }

  /**
   * Whether `incbin` is nasm's directive itself rather than a call of its standard macro (which
   * finds the file with `%pathsearch`, see searchPlaces): after `times` (measured: `times 1 incbin`
   * is no call), in an `align`'s fill (its macro's `times N FILL`), or once `%clear` took the macro
   * away (see withoutStandardMacros).
   */
  private rawIncbin(st: ParsedStatement): boolean {
    return st.times !== undefined || this.fillAsTimes || this.lines.tokensOf(this.line)[st.opIndex]?.unmacroed === true;
  }

  /** nasm's bin format's error for an external name in a value it puts out (see putOut). */
  private externalReference(node: Expr): void {
    if (this.final) this.putOut('extern', 'binary output format does not support external references', node);
  }

  /**
   * An error nasm's bin format gives as it puts a value out (PUT_OUT): not one of the errors that
   * keep a line's data back (see dataBytes), and given once for each time the value is put out
   * (see settlePutOut, writeGroup).
   */
  private putOut(code: string, message: string, node: Expr): void {
    if (this.putOutMark < 0) this.putOutMark = this.sink.mark();
    this.report(code, message, node);
  }

  /**
   * The current statement's errors of PUT_OUT as nasm gives them: none when it puts the line out
   * no time (`times 0`, a line an undefined symbol dropped, an instruction of no form), and an
   * external reference once for each repetition of a `times` line (a WRT's are, as the listing
   * gives them: see listing-lines.ts copies) (measured with nasm 2.16.01: `times 2 dd a` is two
   * errors, `times 0 dd a`, `dd a, zz` and `dd x wrt 3, zz` none of them).
   */
  private settlePutOut(): void {
    const mark = this.putOutMark;
    this.putOutMark = -1;
    const n = this.droppedSince(mark) ? 0 : this.timesOf(this.stmts[this.stmtIndex]);
    if (n === 0) { this.sink.rollback(mark, (d) => !PUT_OUT.has(d.code)); return; }
    this.repeatPutOut(mark, n, EXTERN_ONLY);
  }

  /**
   * Whether an error since `mark` dropped the statement just assembled, so that nasm put nothing
   * of it out (measured: `dd a wrt ..gotpc` is "symbol `..gotpc' not defined" alone, `dd zz, a`
   * "symbol `zz' not defined" alone).
   */
  private droppedSince(mark: number): boolean {
    if (this.undefinedIn === this.stmtIndex) return true;
    const list = this.sink.list;
    for (let k = mark; k < list.length; k++) if (dropsStatement(list[k])) return true;
    return false;
  }

  /** The errors of `codes` given since `mark` given again, `count` times over in all, at most MAX_REPEATED_ERRORS of each. */
  private repeatPutOut(mark: number, count: number, codes = PUT_OUT): void {
    const given = this.sink.list.slice(mark).filter((d) => codes.has(d.code));
    for (let k = 1; k < Math.min(count, MAX_REPEATED_ERRORS); k++) {
      for (const d of given) this.sink.report('error', d.code, d.message, d.range, d.expansion, undefined, this.line, this.line, ++this.putOutRepeats);
    }
  }

  /**
   * The errors given since `mark` that nasm gives as it sizes an instruction, given again, `count`
   * times over in all (at most MAX_REPEATED_ERRORS): its first pass sizes each repetition of a
   * `times` line in turn, and says what it finds of the address each time (assemble.c, add_asp
   * and process_ea; measured with nasm 2.16.01: `times 3 lea eax, [ax]` is "invalid 32-bit
   * effective address" three times, `times 2 mov eax, [eax+bx]` both its errors twice, in turn).
   */
  private repeatSizingErrors(mark: number, count: number): void {
    const since = this.sink.list.slice(mark);
    if (!since.some((d) => d.severity === 'error' && SIZING_ERROR.test(d.message))) return;
    // (With the warning it gives as it sizes an absolute address: measured, `times 2 mov eax,
    // [qword 5]` is the error and "displacement size ignored on absolute address", twice.)
    const given = since.filter((d) => SIZING_ERROR.test(d.message) || d.message === ABSOLUTE_DISPLACEMENT_SIZE);
    for (let k = 1; k < Math.min(count, MAX_REPEATED_ERRORS); k++) {
      for (const d of given) this.sink.report(d.severity, d.code, d.message, d.range, d.expansion, undefined, this.line, this.line, ++this.putOutRepeats);
    }
  }

  /** Error `message` given `count` times over at `span`, as nasm gives it once for each repetition of a `times` line. */
  private errorRepeated(code: string, message: string, span: { start: number; end: number }, count: number): void {
    if (count > 0) this.error(code, message, span);
    if (!this.final) return;
    for (let k = 1; k < count; k++) {
      this.errorsGiven++;
      this.sink.report('error', code, message, this.range(span), this.lines.origin(this.line).expansion, undefined, this.line, this.line, k);
    }
  }

  /** `dataBytes`, computed once for data made of constants (warnings are rare: those recompute). */
  /**
   * The values of data `items` put out no time, `times 0` (see directive) or `0 dup`, read for
   * their errors alone, but a WRT's (measured with nasm 2.16.01: `db 0 dup (yy)` is "symbol `yy'
   * not defined", `db 0 dup (1/0)` "division by zero", `db 0 dup (300)` says nothing).
   */
  private readUnwritten(items: readonly DataItem[]): void {
    const mark = this.sink.mark();
    this.readValues(items);
    this.sink.rollback(mark, (d) => !PUT_OUT.has(d.code));
  }

  /** The values of data `items`, read for their errors alone (see readUnwritten). */
  private readValues(items: readonly DataItem[]): void {
    for (const item of items) {
      if (item.kind === 'expr') this.eval(item.expr);
      else if (item.kind === 'group') this.readValues(item.items);
    }
  }

  private staticData(st: ParsedStatement, unit: number): Uint8Array {
    const c = this.cache;
    const i = this.stmtIndex;
    const cached = c.data?.[i];
    if (cached !== undefined) return cached;
    if (c.kind[i] === Encoding.Dynamic) return this.dataBytes(st, unit);
    this.dataWarned = false;
    const bytes = this.dataBytes(st, unit);
    if (staticItems(st.data) && !this.dataWarned) c.dataBytes()[i] = bytes;
    else c.kind[i] = Encoding.Dynamic;
    return bytes;
  }

  private dataBytes(st: ParsedStatement, unit: number): Uint8Array {
    const w = this.dataWriter;
    w.length = 0;
    this.overflowWarnings = 0;
    const errors = this.errorsGiven;
    this.writeData(st.data, unit, w);
    const dropped = this.undefinedIn === this.stmtIndex || this.errorsGiven !== errors;
    // (A data directive's "zeroing" warnings come before its overflow warnings of the same place: see dataDirective.)
    if (this.zeroingTimes >= 0) { if (!dropped) this.warnReservations(st.data, unit, this.zeroingTimes); this.zeroingTimes = -1; }
    const held = this.heldOverflows;
    if (held.length > 0) {
      // (Not for a statement with an error in its items, before or after the value: an undefined
      // symbol, a division by zero, a wrong `dup` count. nasm's parser drops the line there, and
      // never puts out its data. Measured: `db 300, foo`, `db foo, 300`, `db 300, 1/0`.)
      if (!dropped) for (const o of held) this.warning('data-overflow', o.message, o.item, o.repeat);
      held.length = 0;
    }
    return w.take();
  }

  /** Puts `items` of `unit` bytes each after the bytes of `w`. */
  private writeData(items: readonly DataItem[], unit: number, w: DataWriter): void {
    for (const item of items) {
      if (item.kind === 'reserve') {
        w.zeros(unit);
        continue;
      }
      if (item.kind === 'bytes') {
        w.bytes(item.bytes);
        w.zeros((unit - (item.bytes.length % unit)) % unit);
        continue;
      }
      if (item.kind === 'group') {
        this.writeGroup(item, unit, w);
        continue;
      }
      // (In a `dup` or after a size: `dt 1` is the parser's error.) Nothing is put out for it
      // (measured: `dq 2 dup (tword 1, 5)` then `times -($-$$) db 0` is 'TIMES value -16').
      if (unit > 8) {
        this.dataWarned = true;
        // (A symbol not defined is nasm's error then, and the only one: measured, `dt zz`.)
        if (this.keepingExternals(() => this.eval(item.expr)).v !== undefined) this.error('integer-size', `integer supplied as ${unit * 8}-bit data`, item);
        continue;
      }
      // (nasm's first pass's errors of it, where it names something further on, stop it: see firstPassOperandErrors.)
      if (this.final && this.firstPassItemErrors(item.expr, true)) { w.integer(0, unit); continue; }
      // (Else, naming one, it is read again in nasm's second pass: measured with nasm 2.16.01,
      // `dd 0 ? 1 : fwd << fwd*fwd` before `fwd:` is "unable to multiply two non-scalar objects"
      // alone, the evaluator giving up there.)
      let v: Value;
      this.dataItem = item.expr;
      try { v = this.eval(item.expr); } finally { this.readAgain = false; this.dataItem = undefined; }
      const value = v.v ?? 0;
      // A label's address is not checked (nasm: a relocation, cut to the unit without a word; measured).
      if (v.v !== undefined && v.sec < 0 && unit <= 4) {
        const bits = unit * 8;
        // nasm's bounds for data are -2^bits .. 2^bits-1 (`db -256` passes, `db -257` warns; measured).
        if (value < -(2 ** bits) || value >= 2 ** bits) { this.dataWarned = true; this.overflowWarning(`${unit === 1 ? 'byte' : unit === 2 ? 'word' : 'dword'} data exceeds bounds`, item); }
      }
      w.integer(v.big ?? value, unit);
    }
  }

  /** A value out of its unit's bounds: a warning of its own, numbered within the statement (see writeGroup). */
  private overflowWarning(message: string, item: DataItem): void {
    if (this.overflowWarnings >= MAX_OVERFLOW_WARNINGS) return;
    if (this.final) this.heldOverflows.push({ message, item, repeat: this.overflowWarnings });
    this.overflowWarnings++;
    this.dupOverflows?.push({ message, item });
  }

  /**
   * `N dup (items)`, `word 1`: the items once, of the group's unit, then copied to make N. nasm
   * warns about each copy of a value out of bounds, in order (measured: `db 2 dup (3 dup (300))`
   * warns six times, `db 2 dup (300, word 70000)` byte, word, byte, word): the first copy's
   * warnings are given again for each further one.
   */
  private writeGroup(g: Extract<DataItem, { kind: 'group' }>, unit: number, w: DataWriter): void {
    const count = this.dupCount(g);
    const own = g.unit ?? unit;
    // The size first, which reads every count inside (nasm reads them all as it parses the line,
    // in a list put out 0 times too: `db 0 dup (-1 dup (1))` is an error; measured), so that a
    // list too large for a section is never put together.
    const size = this.dataSize(g.items, own) * count;
    if (count === 0 && this.final) this.readUnwritten(g.items);
    if (count === 0 || !this.fits(w.length + size)) return;
    if (onlyReserve(g.items)) {
      w.zeros(size);
      return;
    }
    const from = w.length;
    const outer = this.dupOverflows;
    const overflows: typeof outer = this.final ? [] : undefined;
    this.dupOverflows = overflows;
    const mark = this.final ? this.sink.mark() : -1;
    this.writeData(g.items, own, w);
    // (An external reference or a WRT of the items, once for each copy: measured, `dd 3 dup (a)`
    // and `dd 3 dup (x wrt 3)` are three errors.)
    if (this.putOutMark >= 0 && count > 1) this.repeatPutOut(mark, count);
    this.dupOverflows = outer;
    if (overflows !== undefined) outer?.push(...overflows);
    for (let k = 1; k < count && overflows !== undefined && overflows.length > 0 && this.overflowWarnings < MAX_OVERFLOW_WARNINGS; k++) {
      for (const o of overflows) this.overflowWarning(o.message, o.item);
    }
    w.repeat(from, count, this.budget);
  }

  /** The bytes `items` of `unit` bytes each take (their `dup` counts evaluated). */
  private dataSize(items: readonly DataItem[], unit: number): number {
    let size = 0;
    for (const d of items) {
      if (d.kind === 'group') size += this.dupCount(d) * this.dataSize(d.items, d.unit ?? unit);
      else if (d.kind === 'bytes') size += d.bytes.length + ((unit - (d.bytes.length % unit)) % unit);
      // (An integer above 64 bits is an error, and nothing.)
      else if (d.kind === 'reserve' || unit <= 8) size += unit;
    }
    return size;
  }

  /** Whether a data directive of `size` bytes fits its section (else an error, as `emit` gives). */
  private fits(size: number): boolean {
    if (size <= MAX_SECTION_BYTES) return true;
    this.dataWarned = true;
    this.error('section-size', `section \`${this.sections[this.sec].name}' would exceed ${MAX_SECTION_BYTES} bytes`, undefined);
    return false;
  }

  /**
   * How many times a group's items are put out: the product of its `dup` counts, each a number
   * not below 0 (nasm 2.15; measured: `db -1 dup (1)` is 'negative argument supplied to DUP', a
   * label's address 'non-constant argument supplied to DUP'); 0 after an error.
   */
  private dupCount(g: Extract<DataItem, { kind: 'group' }>): number {
    let count = 1;
    for (const e of g.counts) {
      if (this.externalCountFailed(e, 'DUP') || this.failedAtFirstUnknown(e, 'DUP')) { this.dataWarned = true; return 0; }
      const v = this.countValue(e);
      if (this.failedAtFirst(e, v) || v.v === undefined || v.sec >= 0) {
        this.dataWarned = true;
        // (measured: `db (e - s) dup (1)` is "symbol `e' not defined".)
        this.countProblem(e, v, 'DUP', 'undefined-symbol');
        return 0;
      }
      if (this.untakenUndefined(e, 'undefined-symbol')) { this.dataWarned = true; return 0; }
      // (Not after an error nasm's evaluator gives up at, where its parser drops the line: measured
      // with nasm 2.16.01, `db $$ - 1 << -~$ * 4 ^ 3 dup (1)` is the `~`'s error alone.)
      if (v.v < 0 && this.gaveUpIn !== this.stmtIndex) {
        this.dataWarned = true;
        this.error('dup-negative', 'negative argument supplied to DUP', e);
        return 0;
      }
      count *= v.v;
    }
    return count;
  }

  // ---- instructions ----

  private instruction(st: ParsedStatement): void {
    const n = this.timesCount(st);
    const mark = this.final ? this.sink.mark() : -1;
    if (this.final && this.cache.kind[this.stmtIndex] !== Encoding.Static) this.firstPassOperandErrors(st);
    let r = this.encoding(st);
    const i = this.stmtIndex;
    if (hasDecorated(st.operands)) r = decoratedMatch(st);
    else if (this.cpu !== ANY_CPU) r = this.atCpuLevel(st, r);
    else if (r.ok && r.problems.length === 0 && st.times === undefined && this.fillCount === undefined && this.cache.kind[i] === Encoding.Static && (st.label === undefined || this.labelSymbol[i] !== undefined)) {
      this.route[i] = Route.StaticCode;
    }
    // `times 0`: nasm evaluates the operands (their errors stand) but matches no instruction form,
    // so the encoder's errors and warnings are not given (measured: `times 0 call` and `times 0
    // push byte 300` say nothing; `times 0 mov eax, 1/0` is "division by zero").
    if (this.final && r.problems.length > 0 && n !== 0) {
      this.reportProblems(st, r.problems);
      if (n > 1) this.repeatSizingErrors(mark, n);
    }
    // The bin format refuses a WRT as the value is put out: of an instruction that matches no
    // form, or of `times 0`, nothing is (measured: `add eax, x wrt 3, 5` is only "invalid
    // combination of opcode and operands", `times 0 mov eax, x wrt 3` no error).
    if (mark >= 0 && (!r.ok || n === 0)) this.sink.rollback(mark, (d) => !PUT_OUT.has(d.code));
    this.results.form[i] = r.ok ? r.form : undefined;
    if (!r.ok || this.dropped()) return;
    if (this.selfRelativeIn === i && this.final) this.selfRelativeBranch(st, r, n);
    if (n > 1 && r.form.roles.includes('j')) this.emitBranches(st, r, n);
    else this.emit(r.bytes, n);
  }

  /**
   * nasm's error for a branch whose target takes the current section's address away (`jmp -x`,
   * `call 5 - x`, `jmp -$`): "invalid use of self-relative expression" (measured with nasm 2.16.01;
   * `push -x` and `dd -x` are taken). nasm puts the branch out all the same, in its near form;
   * Ringside in the form it chose (no listing is written: see listing-errors.ts).
   */
  private selfRelativeBranch(st: ParsedStatement, r: Extract<EncodeResult, { ok: true }>, n: number): void {
    const j = r.form.roles.indexOf('j');
    if (j >= 0 && n !== 0) this.error('self-relative', 'invalid use of self-relative expression', st.operands[j] ?? st.op);
  }

  /** The encoder's problems for an instruction, each at its operand (else at the mnemonic). */
  private reportProblems(st: ParsedStatement, problems: EncodeResult['problems']): void {
    // An operand naming a register the dialect leaves out was reported as such: the encoder's
    // 'invalid combination of opcode and operands' for it would only repeat that.
    if (this.dialectRegisterLine === this.line) return;
    // nasm's parser drops a line at an unknown symbol of its final pass, or where its evaluator
    // gives up: no form is matched (measured with nasm 2.16.01: `lea eax, [byte 5+ecx*ONE]`
    // before `ONE equ 1` is "unable to multiply two non-scalar objects" alone).
    if (this.gaveUpIn === this.stmtIndex) return;
    // (But for the errors its first pass gives as it sizes the instruction, where the name is not
    // yet an error, after which it stops: measured, `lea eax, [ax+nosuch]` is "invalid 32-bit
    // effective address" alone, `a16 lea eax, [ebx+nosuch]` "impossible combination of address
    // sizes" alone.)
    const sizingOnly = this.undefinedIn === this.stmtIndex;
    for (let k = 0; k < problems.length; k++) {
      const p = problems[k];
      if (sizingOnly && !(SIZING_ERROR.test(p.message) || (p.message === ABSOLUTE_DISPLACEMENT_SIZE && problems.some((q) => SIZING_ERROR.test(q.message))))) continue;
      // (The bin format's word on a far target's segment is given as it puts the selector out:
      // not in absolute space, where nothing is; measured, `absolute 0x10` / `jmp far lab`.)
      if (this.absolute !== undefined && p.message === SEGMENT_BASE_REFERENCES) continue;
      const span = p.operand !== undefined && st.operands[p.operand] ? st.operands[p.operand] : st.op!;
      // The same warning twice at one operand is given twice (a far pointer's offset and selector).
      let repeat = 0;
      for (let j = 0; j < k; j++) if (problems[j].message === p.message && problems[j].operand === p.operand) repeat++;
      if (p.severity === 'warning') this.warning(p.selector === true ? 'selector-range' : codeFor(p.message), p.message, span, repeat);
      else this.error(codeFor(p.message), p.message, span);
    }
  }

  /**
   * `times n jmp x`, `align 8, loop $`: nasm assembles each copy of a branch at its own address,
   * so each has its own displacement and may take another size (`times 3 jmp $` is EB FE EB FC
   * EB FA), while `$` stays the line's start (measured with nasm 2.16).
   */
  private emitBranches(st: ParsedStatement, first: Extract<EncodeResult, { ok: true }>, n: number): void {
    const copies: Uint8Array[] = [first.bytes];
    let size = first.bytes.length;
    const section = this.absolute !== undefined ? -1 : this.sec;
    const sectionOffset = this.absolute !== undefined ? this.absolute : this.sections[this.sec].size;
    const address = this.absolute !== undefined ? this.absolute : this.sections[this.sec].address + sectionOffset;
    const operands = st.operands.map((o, k) => ({ ...this.asmOperand(o, k, undefined) }));
    const prefixes = st.prefixes.length === 0 ? NO_PREFIX_NAMES : st.prefixes.map((p) => p.name as PrefixName);
    let reported = first.problems.length > 0;
    for (let k = 1; k < n; k++) {
      let r = encode({ mnemonic: st.op!.name, operands, prefixes, bits: this.bits, address: address + size, section, sectionOffset: sectionOffset + size, optimization: this.optimization });
      if (this.cpu !== ANY_CPU) r = this.atCpuLevel(st, r);
      if (this.final && !reported && r.problems.length > 0) {
        reported = true;
        this.reportProblems(st, r.problems);
      }
      if (!r.ok) return;
      copies.push(r.bytes);
      size += r.bytes.length;
      if ((k & 0xfff) === 0 && this.budget.expiredNow()) return;
    }
    const bytes = new Uint8Array(size);
    for (let k = 0, at = 0; k < copies.length; at += copies[k].length, k++) bytes.set(copies[k], at);
    if (size !== first.bytes.length * n) this.results.firstRepeat.set(this.stmtIndex, first.bytes.length);
    this.emit(bytes, 1);
  }

  /**
   * An encoding under a `cpu` below the whole dialect: as it is when its form is of that level
   * or lower, nasm's 8086 form of a near Jcc not written `near`, else nasm's error.
   */
  private atCpuLevel(st: ParsedStatement, r: EncodeResult): EncodeResult {
    if (!r.ok) return r;
    if (r.form.obsolete === true && this.cpu === CPU_8086) {
      r = { ...r, problems: r.problems.map((p) => (p.message === OBSOLETE_REMOVED ? { ...p, message: 'instruction obsolete but valid on the target CPU' } : p)) };
    }
    const unsized = st.operands.every((o) => o.kind !== 'reg' && o.size === undefined);
    if (formCpuRank(r.spec, r.form, unsized) <= this.cpu) return r;
    const target = st.operands[0];
    if (r.form.jccOverJmp === true && target?.kind === 'imm' && target.jump !== 'near') return { ...r, bytes: jccOverJmp(r.bytes) };
    if (r.form.signedByteBelow386 === true && unsized && this.cpu >= CPU_186 && target?.kind === 'imm') {
      const v = this.eval(target.expr);
      const problems = v.v !== undefined && v.sec < 0 && (v.v < -128 || v.v > 127)
        ? [...r.problems, { message: 'signed byte value exceeds bounds', severity: 'warning' as const, operand: 0 }] : r.problems;
      return { ...r, bytes: Uint8Array.of(0x6a, r.bytes[r.bytes.length - 4]), form: r.spec.forms.find((f) => f.encoding === '6A ibs') ?? r.form, problems };
    }
    return { ok: false, problems: [{ message: 'no instruction for this cpu level', severity: 'error' }] };
  }

  /**
   * `cpu 386`, `cpu pentium`...: words separated by blanks or commas, each a processor (the last
   * one counts) or a feature flag, the modifiers `+`, `-`, `*` before it ignored; `*` alone (or
   * last of a word of modifiers) goes back to the default level (measured with nasm 2.16.01: after
   * `cpu 8086 *` and `cpu 8086 -+*` a 186 instruction assembles, not after `cpu 8086 *-`). (Its
   * arguments end at the first `]`, as the parser reads them: see BRACKETED_BY_MACRO.)
   */
  private cpuDirective(args: readonly PPToken[]): void {
    const words: { text: string; at: PPToken }[] = [];
    for (let k = 0; k < args.length; k++) {
      const t = args[k];
      if (t.text === ',') continue;
      const prev = args[k - 1];
      if (k > 0 && prev.text !== ',' && prev.end === t.start && words.length > 0) words[words.length - 1].text += t.text;
      else words.push({ text: t.text, at: t });
    }
    // (A word of modifiers alone, or none, names nothing: measured, `cpu +`, `[cpu]` say nothing, and
    // `cpu +foo` is "unknown CPU type or flag 'foo'".)
    for (const w of words) {
      const word = cpuWord(w.text);
      if (word === undefined) continue;
      if ('unknown' in word) { this.error('cpu', `unknown CPU type or flag '${word.unknown}'`, w.at); return; }
      if (word.level !== 'flag') this.cpu = word.level;
    }
  }

  /**
   * The key of the current statement's static encoding in EncodeCache.byText16/32, or undefined
   * when the statement is kept by its line's text (a line assembled as written, parsed under the
   * default limit, not parsed per non-local label as some `.x:` lines are: see parseLine): then the
   * statement is shared by every line with that text, in this assembly and the next, and its own
   * enc16/enc32 are all the sharing there is. A map entry per new line would never be read.
   */
  private staticKey(st: ParsedStatement): string | undefined {
    const kept = (this.lines.flags[this.line] & LineFlag.Verbatim) !== 0 && this.limits.eval === DEFAULT_EVAL_LIMIT;
    if (kept && st.label?.local !== true) return undefined;
    if (kept) return this.lines.text[this.line];
    return staticKey(st, this.lines, this.line);
  }

  /** The statement's encoding: from the cache when its inputs are unchanged since it was made. */
  private encoding(st: ParsedStatement): EncodeResult {
    const c = this.cache;
    const i = this.stmtIndex;
    let kind = c.kind[i];
    if (kind === Encoding.Unknown) kind = c.kind[i] = this.optimization !== undefined ? Encoding.Own : st.staticOperands ? Encoding.Static : Encoding.Dynamic;
    const cached = c.result[i];
    if (kind === Encoding.Static) {
      if (cached !== undefined && c.bits[i] === this.bits) return cached;
      let known = this.bits === 32 ? st.enc32 : st.enc16;
      if (known === undefined) {
        const text = this.staticKey(st);
        if (text !== undefined) known = (this.bits === 32 ? c.byText32 : c.byText16).get(text);
      }
      if (known !== undefined) {
        keepOnStatement(st, this.bits, known);
        c.result[i] = known; c.bits[i] = this.bits; return known;
      }
    }
    const section = this.absolute !== undefined ? -1 : this.sec;
    const sectionOffset = this.absolute !== undefined ? this.absolute : this.sections[this.sec].size;
    const address = this.absolute !== undefined ? this.absolute : this.sections[this.sec].address + sectionOffset;
    // A statement with one value (`jne .skip`, `call f`, `mov eax, [x]`): its encoding is found
    // by its shape and that value alone, without building operands or a key string.
    const one = kind === Encoding.Dynamic ? st.valueOperand : -1;
    let value: Value | undefined;
    let byValue: Map<string, ByValue> | undefined;
    if (one >= 0) {
      value = st.operands[one].kind === 'imm' && st.value!.k !== 'sym' ? this.evalImmediate(st.value!) : this.operandValueOf(st.value!);
      // (Before its key is made: a cancelled displacement is encoded by its number.)
      if (value.v === undefined && this.pass === 0 && st.operands[one].kind === 'mem') value = this.firstPassDisplacement(st.value!, value);
    }
    // (A label subtracted alone, `[ebp-.x]`, is encoded by more than its value: see Value.offset.)
    // (Not for nasm's unknown for good after the first pass: see ImmOperand.unknown.)
    // (Nor one with a displacement before its brackets, sized by more than its value: see asmOperand.)
    if (value !== undefined && value.offset === undefined && value.scaled === undefined && (value.v !== undefined || this.pass === 0) && !displacedOutside(st.operands[one])) {
      byValue = this.bits === 32 ? c.byValue32 : c.byValue16;
      let entry = this.bits === 32 ? st.values32 : st.values16;
      if (entry === undefined) {
        entry = byValue.get(valueShape(st));
        if (this.bits === 32) st.values32 = entry; else st.values16 = entry;
      }
      const key = entry !== undefined ? oneValueKey(entry.relative && value.v !== undefined ? value.v - address : value.v, value.sec, section) : undefined;
      const known = key !== undefined ? entry!.encodings.get(key) : undefined;
      if (known !== undefined) { c.result[i] = known; if (c.key !== undefined) c.key[i] = undefined; return known; }
    }
    const operands = (this.operandLists[st.operands.length] ??= new Array<AsmOperand>(st.operands.length));
    for (let n = 0; n < operands.length; n++) operands[n] = this.asmOperand(st.operands[n], n, n === one ? value : undefined);
    const request = this.request;
    request.mnemonic = st.op!.name;
    request.operands = operands;
    request.prefixes = st.prefixes.length === 0 ? NO_PREFIX_NAMES : st.prefixes.map((p) => p.name as PrefixName);
    request.bits = this.bits;
    request.address = address;
    request.section = section;
    request.sectionOffset = sectionOffset;
    if (byValue !== undefined) {
      const r = encode(request);
      if (r.ok) c.keepByValue(byValue, valueShape(st), one, r.form.roles.indexOf('j'), value!.v, value!.sec, section, address, r);
      c.result[i] = r;
      if (c.key !== undefined) c.key[i] = undefined;
      return r;
    }
    if (kind === Encoding.Static) {
      const text = this.staticKey(st);
      const byText = this.bits === 32 ? c.byText32 : c.byText16;
      let r = text !== undefined ? byText.get(text) : undefined;
      if (r === undefined) {
        r = encode(request);
        // A relative branch to a number depends on its own address; a failure may too.
        if (!r.ok || r.form.roles.includes('j')) { c.kind[i] = Encoding.Dynamic; return this.dynamicEncoding(request, r); }
        if (text !== undefined) byText.set(text, r);
      }
      keepOnStatement(st, this.bits, r);
      c.result[i] = r;
      c.bits[i] = this.bits;
      return r;
    }
    return this.dynamicEncoding(request, undefined);
  }

  /**
   * Encodes a symbol-dependent instruction unless its inputs are those of its last encoding, or of
   * another statement with the same mnemonic and prefixes (the same branch in many places).
   */
  private dynamicEncoding(request: EncodeRequest, fresh: EncodeResult | undefined): EncodeResult {
    const c = this.cache;
    const i = this.stmtIndex;
    const prev = fresh ?? c.result[i];
    const relative = prev !== undefined && prev.ok ? prev.form.roles.indexOf('j') : -1;
    const key = operandKey(request.operands, request.bits, request.section, request.address, relative);
    if (fresh === undefined && prev !== undefined && prev.ok && c.key !== undefined && c.key[i] === key) return prev;
    const head = request.prefixes.length === 0 ? request.mnemonic : `${request.prefixes.join(' ')} ${request.mnemonic}`;
    let r = fresh ?? c.shared.get(`${head}|${key}`);
    if (r === undefined) r = encode(request);
    if (!r.ok) {
      // A failure may come from the branch form the distance chose (`repne jmp` near but not
      // short): not kept, so the next pass asks again. Failures are rare.
      c.result[i] = r;
      if (c.key !== undefined) c.key[i] = undefined;
      return r;
    }
    const rel = r.form.roles.indexOf('j');
    const own = rel === relative ? key : operandKey(request.operands, request.bits, request.section, request.address, rel);
    // Stored only under a key made with the result's own branch operand (see operandKey).
    if (own !== key || !c.shared.has(`${head}|${key}`)) c.shared.set(`${head}|${own}`, r);
    c.result[i] = r;
    c.keys()[i] = own;
    return r;
  }

  /**
   * A memory reference made once its register factor's symbol is known (`[ecx*COUNT]`, see
   * ParsedOperand `terms`): nasm takes a constant defined on an earlier line. On a problem, the
   * reference without registers or displacement.
   */
  private resolvedMemory(o: Extract<ParsedOperand, { kind: 'mem' }>): Extract<ParsedOperand, { kind: 'mem' }> {
    // A factor naming a symbol not defined by then is a number to nasm's first pass only when
    // those names cancel out (its unknown terms), else "unable to multiply two non-scalar objects"
    // there, where it stops: the symbol is not named (measured: `[ebx*foo]`, `[ebx*n]` / `n equ
    // 4`). The reference must be one with the first pass's factors (`[eax + ebx*(z - y + 3)]` is
    // [eax+ebx*3] there, "invalid 32-bit effective address"), and is made with the symbols'
    // values after (`[ebx*(z - y + 4)]`, z and y labels further on, is [ebx*5] when z - y is 1),
    // naming the first undefined one (`[ebx*(q - q + 2)]`: "symbol `q' not defined").
    // An `equ` nasm's first pass gave another value (see firstPassEqus) is that value there, and
    // the reference is made again with its value after (measured: `C equ e - b - 4` before `b:`
    // and `e:`, -4 in that pass, then `[ecx*C]` is "invalid 32-bit effective address" though C
    // is 4 after).
    const use = this.undefinedUse;
    this.undefinedUse = Undefined.Quiet;
    const unknownAtFirst = (name: string): boolean => !this.symbols.has(name) || this.definedLater(name);
    let earlier = false;
    const atFirst = (name: string, node: Expr): Value | undefined => {
      const v = this.firstPassEqus.any ? this.firstPassEqus.firstPassValue(name) : undefined;
      if (v === undefined) return this.lookup(name, node);
      earlier = true;
      return v;
    };
    const firstPassView: EvalContext = {
      symbol: (name, node) => (unknownAtFirst(name) ? undefined : atFirst(name, node)),
      here: () => this.here(), base: () => this.base(), error: () => undefined,
    };
    const laterView: EvalContext = { ...firstPassView, symbol: (name, node) => (this.symbols.has(name) ? this.lookup(name, node) : undefined) };
    const position = (which: 'here' | 'base'): Value => (which === 'here' ? this.here() : this.base());
    let forward = false;
    let firstPassMade: boolean;
    let r: ReturnType<typeof resolveMemory>;
    try {
      r = resolveMemory(o, (name, node) => (unknownAtFirst(name) ? ((forward = true), { v: 0, sec: -1 }) : atFirst(name, node)), position,
        (e) => firstPassNumber(e, firstPassView));
      // (What a split form adds to its index, nasm's first pass lets by when a name in it is not
      // known there: see splitEffectiveAddress.)
      firstPassMade = r.kind === 'mem' || (forward && o.splitIndex === true && r.message === MIB_PROBLEM);
      // (The passes after: an undefined name is still unknown there; measured, `[ebx*(y - q + 2)]`,
      // y a label further on, is "unable to multiply two non-scalar objects".)
      if (firstPassMade && (forward || earlier)) {
        r = resolveMemory(o, (name, node) => (this.symbols.has(name) ? this.lookup(name, node) : { v: 0, sec: -1 }), position, (e) => firstPassNumber(e, laterView));
        firstPassMade = r.kind === 'mem' || !r.message.startsWith('unable to multiply');
      }
    } finally {
      this.undefinedUse = use;
    }
    const undefinedName = firstPassMade ? laterSymbol(o.terms!, (name) => !this.symbols.has(name) && lookupRegister(name) === undefined && this.deferredConstant(name) === undefined) : undefined;
    if (undefinedName !== undefined) {
      this.error('undefined-symbol', `symbol \`${undefinedName.name}' not defined`, undefinedName);
      return { ...o, terms: undefined };
    }
    if (r.kind === 'mem') return r;
    if (r.code === REGISTER_OPERATOR || namesNumbersOperator(o.terms!)) {
      const made = this.registerOperatorMemory(o, firstPassView, laterView, r.code === REGISTER_OPERATOR);
      if (made !== undefined) return made;
    }
    // (Where nasm's evaluator or parser gives up on the reference, the line is dropped: see dropped.)
    if (r.code !== MODE_ADDRESS) this.gaveUp();
    this.error(r.code === undefined || r.code === REGISTER_OPERATOR ? 'syntax' : r.code, r.code === MODE_ADDRESS ? invalidEffectiveAddress(this.bits) : r.message, r.at);
    return { ...o, terms: undefined };
  }

  /**
   * Memory reference `o`, which applies an operator other than `+`, `-` and a product with a number
   * to a register (see REGISTER_OPERATOR), as nasm makes it: the errors its evaluator gives of the
   * expression with the registers parts of the value, in order (each part of a split form in
   * turn), as its first pass gives them, its names read from `first`, or where that pass gives
   * none, as its second, with `later`'s (measured with nasm 2.16.01, fwd a label further on: `lea
   * eax, [ebx+2 | 8 != 3]` is the `|`'s error alone, `[ebx+8 && fwd ? $ : k]` the `&&`'s alone,
   * `[ebx+(fwd-lab) ^ -2 <=> 0 * $$ && $ ? 1 : 8]` the `^`'s then the `&&`'s; `[ebx+$ <=> (1 & fwd)
   * <=> $]` the `&`'s, then the `<=>`'s twice, in the second pass). It drops the line where the
   * evaluator gave up, else makes the reference of the registers and number it carried on with
   * (see carriedOnMemory). Where neither pass gives an error, registers that cancel out having
   * been a number to the operator (`[(ecx-ecx) ? fwd : ebx]` is [ebx]), the reference is the
   * registers the value has, what the expression adds besides them its displacement; or
   * (`modelled` false: Ringside made no reference of it for another problem, which stands, after
   * nasm's evaluator's errors: `[~+4 ? -ecx : (x-x) % (x-x)]`, x further on, is "division by
   * zero", not the address's error) undefined. Undefined too where Ringside does not model the
   * value (`wrt`, `seg`), and where nasm's first pass gave errors of the line already (see
   * firstPassOperandErrors).
   */
  private registerOperatorMemory(o: Extract<ParsedOperand, { kind: 'mem' }>, first: EvalContext, later: EvalContext, modelled: boolean): Extract<ParsedOperand, { kind: 'mem' }> | undefined {
    const terms = o.terms!;
    const parts = o.splitIndex === true && terms.k === 'bin' ? [terms.a, terms.b] : [terms];
    const dropped = { ...o, terms: undefined };
    if (this.stoppedAtFirst === this.stmtIndex) return dropped;
    let sums: { readonly registers: RegisterSum['registers']; readonly rest: Expr }[] = [];
    for (const view of [first, later]) {
      const errors: string[] = [];
      sums = [];
      let zero = false, scaled = false;
      for (const part of parts) {
        const carried = this.keepingExternals(() => this.firstPassEvaluated(part, view, true));
        errors.push(...carried.errors);
        if (carried.vector === undefined || carried.gaveUp) break;
        const { registers, number } = registersOf(carried.vector);
        sums.push({ registers, rest: carried.errors.length > 0 ? { k: 'num', v: number, start: part.start, end: part.end } : withoutRegisters(part) });
        // (See firstPassOperandErrors.)
        zero ||= hasZeroSegmentPart(carried.vector);
        // (A segment part it carried on with after an error, of a factor no address takes: measured
        // with nasm 2.16.01, `[ebx + 4*lab >> 2]` is the shift's error, then the multiplier's.)
        if (carried.errors.length > 0) scaled ||= impossibleSegmentPart(carried.vector, this.here().sec);
      }
      if (errors.length === 0 && sums.length < parts.length) return undefined;
      if (errors.length === 0 && zero) {
        this.gaveUp();
        this.error(view === first ? 'syntax' : 'expression-later', 'invalid effective address: impossible segment base multiplier', terms);
        return dropped;
      }
      if (errors.length === 0) continue;
      this.evaluatorErrors(errors, terms, view !== first);
      if (sums.length < parts.length) return dropped;
      // (Then its parser's word on the value it carried on with: measured, `[ebx+-2 ^^ ecx >> 1 ?
      // $$ : 0 * $]` is the shift's error, the `^^`'s, then the segment's multiplier's.)
      if (zero || scaled) {
        this.error(view === first ? 'syntax' : 'expression-later', 'invalid effective address: impossible segment base multiplier', terms);
        return dropped;
      }
      modelled = true;
      break;
    }
    if (!modelled) return undefined;
    const made = carriedOnMemory(o, sums);
    if (made.kind === 'mem') return made;
    this.error(made.code ?? 'syntax', made.code === MODE_ADDRESS ? invalidEffectiveAddress(this.bits) : made.message, made.at);
    return dropped;
  }

  /**
   * The errors nasm's first pass gives of instruction `st`'s immediates and displacements that
   * name something further on, unknown there (see firstPassEvaluation), where that pass gives
   * any: nasm stops after it, and none of its later passes' errors of the line are given (see
   * stoppedAtFirst). Measured with nasm 2.16.01, fwd a label and y a constant further on: `lea
   * eax, [ebx+fwd / 0]` is "division by zero", not the later passes' "division operator may only
   * be applied to scalar values"; `mov eax, $ * y` "unable to multiply two non-scalar objects",
   * of which the later passes say nothing.
   */
  private firstPassOperandErrors(st: ParsedStatement): void {
    for (const o of st.operands) {
      const e = o.kind === 'imm' ? o.expr : o.kind === 'mem' ? (o.terms === undefined ? o.disp : o.written) : undefined;
      // (Of the reference as written, registers and all, where Ringside made its comparisons numbers.)
      const written = o.kind === 'mem' || o.kind === 'imm' ? o.written : undefined;
      if (e === undefined || (e.k !== 'bin' && e.k !== 'un') || (written === undefined && !mayRefuse(e))) continue;
      const forward = this.namesForward(e);
      const first: EvalContext = !forward ? this : this.firstPassNames();
      const product = o.kind === 'mem' && namesProduct(e);
      // (Read for its errors alone: an external name in it is refused where the operand is put out.)
      const evaluation = forward || product ? this.keepingExternals(() => this.firstPassEvaluated(written ?? e, first, written !== undefined)) : undefined;
      if (forward && evaluation!.errors.length > 0) {
        this.evaluatorErrors(evaluation!.errors, written ?? e, false);
        this.stoppedAtFirst = this.stmtIndex;
        continue;
      }
      if (!product) continue;
      // nasm's parser takes each segment part of a reference for its base, but a product keeps one
      // whose factor it made 0 (measured with nasm 2.16.01: `[ebx+$ * (lab-lab)]` and `[lab*0]`
      // are "invalid effective address: impossible segment base multiplier", `[lab*0 + lab]` and
      // `[lab - lab]` are not); in a later pass where a name further on was unknown in the first,
      // whose sum stopped at it (`[ebx+fwd*0+4]`).
      const later = forward ? this.keepingExternals(() => this.firstPassEvaluated(e, this)) : undefined;
      const zero = hasZeroSegmentPart(evaluation!.vector ?? []) ? 'syntax' : later !== undefined && later.errors.length === 0 && hasZeroSegmentPart(later.vector ?? []) ? 'expression-later' : undefined;
      if (zero === undefined) continue;
      this.gaveUp();
      this.error(zero, 'invalid effective address: impossible segment base multiplier', e);
    }
  }

  /**
   * Whether data item `e` names something further on and nasm's first pass gives errors of it,
   * which are given (see firstPassOperandErrors): none of its later passes' then (measured with
   * nasm 2.16.01, x a constant further on: `dd x * $$` is "unable to multiply two non-scalar
   * objects", not "expression is not simple or relocatable"; `dd y || fwd / (x-x) > 0` "division
   * by zero", not the division's error on a label). Of a data item (`data`), the value its
   * evaluator carried on with after them, which its parser then refuses as data takes no such
   * value (measured: `dd lab <=> 3 ? 1 : $ * 3 ? fwd : 2` is the `<=>`'s error, the `?`'s, then
   * "expression is not simple or relocatable").
   */
  private firstPassItemErrors(e: Expr, data = false): boolean {
    if ((e.k !== 'bin' && e.k !== 'un') || !mayRefuse(e) || !this.namesForward(e)) return false;
    const read = this.keepingExternals(() => this.firstPassEvaluated(e, this.firstPassNames()));
    // (A data item it read with no error is read again in its second pass: see readAgain.)
    if (read.errors.length === 0) { this.readAgain = data; return false; }
    const refused = data && !read.gaveUp && read.vector !== undefined && refusedAsData(read.vector, this.here().sec);
    this.evaluatorErrors(refused ? [...read.errors, 'expression is not simple or relocatable'] : read.errors, e, false);
    return true;
  }

  /** The names as nasm's first pass knows them, a name defined further on unknown (see firstPassOperandErrors). */
  private firstPassView: EvalContext | undefined;

  /** firstPassView, made on first use. */
  private firstPassNames(): EvalContext {
    return this.firstPassView ??= {
      symbol: (name, node) => (this.definedLater(name) ? undefined : this.symbol(name, node)),
      here: () => this.here(), base: () => this.base(), error: () => undefined,
    };
  }

  /** The statement whose evaluator errors nasm's first pass gave, after which it stops: no later pass's is given (see firstPassOperandErrors). */
  private stoppedAtFirst = -1;

  /** The encoder's view of operand `n`, in its scratch objects; `known`: its value, when already evaluated. */
  private asmOperand(o: ParsedOperand, n: number, known: Value | undefined): AsmOperand {
    switch (o.kind) {
      case 'reg':
        return REGISTER_OPERANDS.get(o.reg)!;
      case 'imm': {
        const imm = (this.imms[n] ??= { kind: 'imm', value: undefined, reloc: false, section: undefined, sectionOffset: undefined, scaled: undefined, size: undefined, strict: undefined, jump: undefined, unknown: undefined });
        const v = known ?? this.evalImmediate(o.expr);
        this.writeValue(imm, v);
        // (Self-relative, `-x`: in no segment to nasm, a branch to it near, as to another
        // section's label; measured, `jmp -x` is E9 and `jmp short -x` EB, each refused.)
        if (v.offset !== undefined) { this.selfRelativeIn = this.stmtIndex; imm.section = undefined; }
        // Unknown after the first pass (or in a line without symbols): nasm's unknown for good
        // (see ImmOperand.unknown; an undefined symbol is an error by then).
        imm.unknown = v.v === undefined && (this.pass > 0 || this.cache.kind[this.stmtIndex] === Encoding.Static || (this.optimization !== undefined && this.stmts[this.stmtIndex].staticOperands)) ? true : undefined;
        imm.size = o.size;
        imm.strict = o.strict;
        imm.jump = o.jump;
        return imm;
      }
      case 'farptr':
        return { kind: 'farptr', selector: this.operandValue(this.eval(o.selector)), offset: this.operandValue(this.eval(o.offset)), size: o.size };
      case 'mem': {
        const m = o.terms === undefined ? o : this.resolvedMemory(o);
        let dv = m.disp === undefined ? undefined : known ?? this.firstPassDisplacement(m.disp, this.eval(m.disp));
        // nasm sizes a displacement that takes its own section's base away (`[ebp-.x]`,
        // `[di+1-$$]`) by the labels' offsets, a number (none for 0, else 8 bits when it fits),
        // and fills it with the whole difference (measured: 8A 45 7D for `[di+1-$$]` at 0x84).
        let written: number | undefined;
        if (dv !== undefined && dv.offset !== undefined && (m.base !== undefined || m.index !== undefined) && dv.offset >= -128 && dv.offset <= 127) {
          written = dv.v;
          dv = { v: dv.offset, sec: -1 };
        }
        let disp: OperandValue = NO_DISPLACEMENT;
        if (dv !== undefined) {
          const own = this.writeValue((this.disps[n] ??= { value: undefined, reloc: false, section: undefined, sectionOffset: undefined, scaled: undefined, written: undefined }), dv);
          own.written = written;
          disp = own;
        }
        const regBits = (m.base ?? m.index)?.bits;
        const mem = (this.mems[n] ??= {
          kind: 'mem', size: undefined, far: undefined, jump: undefined, segment: undefined, base: undefined, index: undefined, scale: 1,
          disp: NO_DISPLACEMENT, hasDisp: false, dispSize: undefined, nosplit: undefined, rel: undefined, byteWritten: undefined, addressSize: 16,
        });
        mem.size = m.size; mem.far = m.far; mem.jump = m.jump; mem.segment = m.segment?.name as SegmentRegister | undefined;
        mem.base = m.base?.name as Gpr32 | Gpr16 | undefined; mem.index = m.index?.name as Gpr32 | Gpr16 | undefined; mem.scale = m.scale;
        mem.disp = disp; mem.hasDisp = m.disp !== undefined; mem.dispSize = m.dispSize; mem.nosplit = m.nosplit; mem.rel = m.rel; mem.byteWritten = m.byteWritten;
        mem.addressSize = regBits === 16 ? 16 : regBits === 32 ? 32 : this.bits;
        // A label's address before the brackets is nasm's operand segment, which the terms inside
        // do not cancel, so the displacement is full-size (measured with nasm 2.16.01: `x[bp-x]`
        // is 8A 86 00 00, where `[bp+x-x]` is 8A 46 00; `$[bp-.x]` the same).
        if (m.outside !== undefined && m.dispSize === undefined && dv?.v !== undefined && this.eval(m.outside).sec >= 0) mem.dispSize = mem.addressSize;
        return mem;
      }
    }
  }

  // ---- the listing (see listStatements) ----

  /**
   * Each statement's listing, from the finished assembly `output` (this Assembler has run no
   * pass); with where the warnings of the statements in `warned` go (see ListedStatement).
   */
  listing(output: AssemblyOutput, warned: ReadonlySet<number>): (ListedStatement | undefined)[] {
    this.symbols = output.symbols;
    for (const [name, external] of output.externals ?? []) this.declaredExternals.set(name, external);
    this.listingOnly = true;
    this.sections = output.sections;
    for (const s of this.sections) this.sectionByName.set(s.name, s);
    this.origin = output.origin;
    const res = output.results;
    this.listedPadding = res.atPadding;
    const listed = new Array<ListedStatement | undefined>(this.stmts.length);
    this.smartAlign = undefined;
    let structureSec = -1;
    const constants = output.constants ?? [];
    let k = 0;
    try {
      for (let i = 0; i < this.stmts.length; i++) {
        const st = this.stmts[i];
        this.stmtIndex = i;
        for (; k < constants.length && constants[k].at <= i; k++) {
          const c = constants[k];
          if (c.value === undefined) this.deferredConstants.delete(c.name); else this.deferredConstants.set(c.name, c.value);
        }
        this.line = this.lineOf[i];
        if (this.sharedBases !== undefined) readNamesUnder(this.sharedBases[i]);
        const name = st.kind === StatementKind.Directive ? st.op!.name : '';
        // What the encodings of the statements after depend on, and the section `absolute` takes its
        // place in (the symbols are the finished assembly's: nothing here may define one).
        // (Not those of a %if branch the final pass did not take: see deferred-check.ts.)
        if (LISTING_STATE.has(name)) {
          if (res.address[i] !== res.address[i]) continue;
          // (`absolute`'s argument is read where the line stands: see scaledAbsoluteBase.)
          if (name === 'absolute') this.listedAt(res.section[i], res.section[i] >= 0 ? res.sectionOffset[i] : res.address[i]);
          this.directive(st, name);
          continue;
        }
        // (A structure's fields are listed at offsets in its base's segment, as absolute space's: see structurePlace.)
        const structureAt = name === 'struc' && res.address[i] === res.address[i] ? this.listedStructureSegment(st, res.section[i], res.section[i] >= 0 ? res.sectionOffset[i] : res.address[i]) : -1;
        // (The statement a `__?SECT?__` of the source's makes endstruc run: see runSectBody.)
        const body = name === 'endstruc' ? output.sectBodies?.get(i) : undefined;
        if (body !== undefined && LISTING_STATE.has(body.op!.name)) this.directive(body, body.op!.name);
        if (name === 'section' || name === 'segment') this.absoluteSec = -1;
        else if (name === 'struc') { structureSec = this.absoluteSec; this.absoluteSec = structureAt; } else if (name === 'endstruc') this.absoluteSec = output.endstrucSegments?.get(i) ?? structureSec;
        const sec = res.section[i];
        let offset = sec >= 0 ? res.sectionOffset[i] : res.address[i];
        // (A statement of no bytes may list some: `incbin` of none `<bin 0h>`, `times 3 db` `<rep 3h>`.)
        if (st.kind === StatementKind.Empty || offset !== offset) continue;
        this.listedAt(sec, offset);
        // In `absolute label` space nasm lists offsets in label's section.
        if (sec < 0 && this.absoluteSec >= 0) offset -= this.segmentAddress(this.absoluteSec);
        const out = new DataBuilder(offset, warned.has(i));
        const shown = body !== undefined && !LISTING_STATE.has(body.op!.name) ? body : st;
        if (shown.kind === StatementKind.Instruction) this.listInstruction(out, shown, res.size[i], res.bytes[i], res.firstRepeat.get(i));
        else this.listDirective(out, shown, shown.op!.name, res.size[i], res.bytes[i], res.firstRepeat.get(i));
        listed[i] = out.done();
      }
    } finally {
      readNamesUnder(undefined);
    }
    return listed;
  }

  /** The segment the base of `struc` statement `st` is in, read where its line stands (`sec`, `offset`: see listedAt); -1 for none. */
  private listedStructureSegment(st: ParsedStatement, sec: number, offset: number): number {
    const comma = st.args.findIndex((a) => a.text === ',');
    if (comma <= 0) return -1;
    const absolute = this.absolute, hereOffset = this.hereOffset, current = this.sec;
    this.listedAt(sec, offset);
    const place = this.structurePlace(st, comma);
    this.absolute = absolute; this.hereOffset = hereOffset; this.sec = current;
    return place.v === undefined ? -1 : place.sec;
  }

  /** The listing's place: `offset` in section `sec`, or in absolute space (`sec` -1). */
  private listedAt(sec: number, offset: number): void {
    if (sec >= 0) { this.sec = sec; this.absolute = undefined; this.hereOffset = offset; } else { this.absolute = offset; this.hereOffset = 0; }
  }

  /** The count of a statement's `times`, as the final pass had it (see timesCount). */
  private timesOf(st: ParsedStatement): number {
    if (st.times === undefined) return this.fillCount ?? 1;
    // (Quiet, a count's: timesCount reported what there was to report, a label misplaced in it too.)
    const inCount = this.inCount;
    this.inCount = true;
    let count: Value;
    try { count = this.evalWith(st.times, Undefined.Quiet); } finally { this.inCount = inCount; }
    return count.v === undefined || count.v < 0 ? 0 : timesInt(count);
  }

  /** A directive's pieces; `size`: the bytes it took, every repetition. */
  private listDirective(out: DataBuilder, st: ParsedStatement, name: string, size: number, bytes: Uint8Array | undefined, firstSize: number | undefined): void {
    const unit = DATA_UNIT[name];
    if (unit !== undefined) {
      const n = this.timesOf(st);
      // `at`: nasm's macro puts `times k db 0` before the data, or before the line after it.
      if (st.at !== undefined && st.fill !== undefined) {
        const pad = this.listedPadding?.get(this.stmtIndex) ?? 0;
        out.zeros(pad);
        if (this.absolute === undefined) this.hereOffset += pad;
        if (st.fill.kind === StatementKind.Instruction) this.listInstruction(out, st.fill, size - pad, bytes, undefined);
        else if (st.fill.kind === StatementKind.Directive) this.listDirective(out, st.fill, st.fill.op!.name, size - pad, bytes, undefined);
        return;
      }
      if (st.at !== undefined) {
        const pad = size - n * this.dataSize(st.data, unit);
        out.zeros(pad);
        // (The data's `$` is past the padding, see padToField.)
        if (this.absolute === undefined) this.hereOffset += pad;
      }
      if (n === 0) return;
      this.listData(out, st, unit);
      out.repeat(n);
      return;
    }
    // `times n resb k` is one `resb n*k` to nasm.
    if (RESERVE_UNIT[name] !== undefined) { out.reserve(size); return; }
    switch (name) {
      case 'align': case 'alignb': {
        // nasm's macros: `times pad FILL` (a nop by default), `resb pad` for alignb.
        if (st.fillProblem !== undefined) return;
        const parts = splitComma(st.args);
        const smartPad = this.smartAlign !== undefined && name === 'align' && parts.length === 1 ? this.smartPadOfUnclosed(st, parts[0]) : undefined;
        if (smartPad === null) return;
        const e = smartPad?.e ?? this.exprArgFrom(st, parts[0]);
        // (The padding's count, of the last pass: a name defined after the line too, see alignDirective.)
        const a = e ? this.constant(e, 'alignb padding') : undefined;
        if (a === undefined || a <= 0) return;
        const pad = smartPad?.pad ?? (a - ((this.absolute ?? this.hereOffset) % a)) % a;
        if (st.fill !== undefined) {
          this.fillCount = pad;
          try {
            if (st.fill.kind === StatementKind.Instruction) this.listInstruction(out, st.fill, size, bytes, firstSize);
            else this.listDirective(out, st.fill, st.fill.op!.name, size, bytes, firstSize);
          } finally {
            this.fillCount = undefined;
          }
          return;
        }
        if (name === 'alignb' && st.data.length === 0) { out.reserve(pad); return; }
        if (this.smartAlign !== undefined && st.data.length === 0) {
          const jumps = this.smartJumps(this.smartAlign, pad, st.op!, false);
          if (pad === 0 && !jumps) return;
          for (const p of smartPadding(this.smartAlign, this.bits, pad, a, this.optimization === undefined, jumps)) {
            if (p.count === 0) continue;
            out.bytes(p.unit, p.calls);
            if (p.count > 1) out.copies(p.count, p.unit.length, p.calls.length);
          }
          return;
        }
        if (pad === 0) return;
        if (st.data.length > 0) this.listData(out, st, DATA_UNIT[parts[1][0].text.toLowerCase()]);
        else out.bytes(NOP);
        out.repeat(pad);
        return;
      }
      case 'incbin': {
        const n = this.timesOf(st);
        if (n === 0) return;
        out.incbin(size / n);
        out.repeat(n);
        return;
      }
      case 'iend':
        out.zeros(size);
        return;
      default:
    }
  }

  /** One repetition of a data directive's items, in the pieces nasm puts them out in (see dataPieces). */
  private listData(out: DataBuilder, st: ParsedStatement, unit: number): void {
    this.listPieces(out, dataPieces(st.data, unit, (g) => this.dupCount(g)));
  }

  private listPieces(out: DataBuilder, pieces: readonly DataPiece[]): void {
    for (const p of pieces) {
      if (p.kind === 'reserve') { out.reserve(p.unit * p.dup); continue; }
      if (p.kind === 'list') { for (let k = 0; k < p.dup; k++) this.listPieces(out, p.pieces!); continue; }
      const item = p.item!;
      const unit = p.unit;
      // An integer wider than 64 bits: nothing put out, and nasm's error once for the piece, whatever
      // its `dup` (see writeData; measured: `dq 2 dup (tword 1)` is one error, `dq 2 dup (tword 1, 5)` two).
      if (unit > 8 && item.kind === 'expr') { out.nothing(item.start); continue; }
      for (let k = 0; k < p.dup; k++) {
        out.anchor(item.start);
        if (item.kind === 'bytes') {
          // A string and the zeros that fill its last unit: put out one after the other.
          out.bytes(item.bytes);
          out.bytes(new Uint8Array((unit - (item.bytes.length % unit)) % unit));
          continue;
        }
        if (item.kind !== 'expr') continue;
        const at = this.relocationOf(item.expr, false);
        if (at !== undefined) { out.address(unit, at.value, at.relative, at.external ? item.expr : undefined); continue; }
        const v = this.eval(item.expr);
        out.bytes(littleEndian(v.big ?? v.v ?? 0, unit));
      }
    }
  }

  /**
   * An instruction's pieces: its first repetition's bytes (encoded again in a nobits section,
   * which keeps none), each relocated value in brackets.
   */
  private listInstruction(out: DataBuilder, st: ParsedStatement, size: number, bytes: Uint8Array | undefined, firstSize: number | undefined): void {
    const n = this.timesOf(st);
    // (Nor of one no form takes for its decorators, as of any other: see decoratedMatch.)
    if (n === 0 || hasDecorated(st.operands)) return;
    // An instruction of numbers and registers, not a branch, has no value to relocate: its bytes
    // are listed as they are, unless a warning's place among them is wanted.
    const known = this.bits === 32 ? st.enc32 : st.enc16;
    if (bytes !== undefined && !out.detailed && st.staticOperands && known?.ok === true && !known.form.roles.includes('j')) {
      out.bytes(bytes.subarray(0, firstSize ?? size / n));
      out.repeat(n);
      return;
    }
    const section = this.absolute !== undefined ? -1 : this.sec;
    const sectionOffset = this.absolute ?? this.hereOffset;
    const address = this.absolute ?? this.sections[this.sec].address + sectionOffset;
    const operands = st.operands.map((o, k) => ({ ...this.asmOperand(o, k, undefined) }));
    const prefixes = st.prefixes.length === 0 ? NO_PREFIX_NAMES : st.prefixes.map((p) => p.name as PrefixName);
    const request: EncodeRequest = { mnemonic: st.op!.name, operands, prefixes, bits: this.bits, address, section, sectionOffset, optimization: this.optimization };
    let r = encode(request);
    const first = bytes?.subarray(0, firstSize ?? size / n) ?? (r.ok ? r.bytes : undefined);
    if (first === undefined) return;
    // `push imm` below a 386 made `6A ib` (see atCpuLevel): that form's fields (`6A[03]` for a label, as nasm lists it).
    if (r.ok && r.form.signedByteBelow386 === true && first.length === 2 && first[0] === 0x6a && r.bytes.length > 2) {
      r = { ...r, form: r.spec.forms.find((f) => f.encoding === '6A ibs') ?? r.form };
    }
    // nasm puts an instruction out in calls: its prefixes, opcode and ModR/M (see headCalls), then each value field at once.
    const fields = r.ok ? encodedFields(request, r, first.length) : [];
    let at = fields.length > 0 ? fields[0].start : first.length;
    // (Where the ModR/M goes only matters to a statement warned about: see ListedStatement.modrm.)
    const modrm = r.ok && out.detailed ? modrmStart(request, r, at) : undefined;
    if (modrm !== undefined) out.modrmAt(modrm);
    out.bytes(first.subarray(0, at), r.ok ? headCalls(request, r, at) : Array.from({ length: at }, (_, i) => i + 1));
    for (const f of fields) {
      out.bytes(first.subarray(at, f.start));
      at = f.start + f.size;
      const o = st.operands[f.operand];
      // (`jmp far 5`: its selector is a segment, which nasm lists `[ssss]`.)
      if (f.part === 'selector' && o.kind === 'imm') { out.anchor(o.start); out.segment(); continue; }
      const e = o.kind === 'imm' ? o.expr : o.kind === 'farptr' ? (f.part === 'selector' ? o.selector : o.offset)
        : o.kind === 'mem' ? (o.terms === undefined ? o : this.resolvedMemory(o)).disp : undefined;
      const reloc = e === undefined ? undefined : this.relocationOf(e, f.part === 'relative');
      // (A label's displacement nasm checks once: measured, `[bx+x]` with x past a word in its
      // section; so a number's that fails one of its two checks, see displacementChecksFailed.)
      out.anchor(o.start, f.part === 'displacement' && reloc === undefined && !r.problems.some((p) => p.once === true && p.operand === f.operand));
      if (reloc !== undefined) out.address(f.size, reloc.value, reloc.relative, reloc.external ? e : undefined);
      else out.bytes(first.subarray(f.start, at));
    }
    out.bytes(first.subarray(at));
    out.repeat(n);
  }

  /**
   * How nasm lists value `e` put out here (see relocation); undefined: as its bytes. A
   * `section.X.start` is offset 0 of its own segment to nasm (see LOAD_SEGMENTS), an external
   * name of its own (see EXTERNAL_SEGMENTS): `external`, which the bin format refuses.
   */
  private relocationOf(e: Expr, branch: boolean): { value: number; relative: boolean; external?: boolean } | undefined {
    const ctx: EvalContext = {
      symbol: (name, node) => this.symbol(name, node),
      here: () => this.here(),
      base: () => this.base(),
      error: () => undefined,
      externals: this.externals,
    };
    const terms = sectionTerms(e, ctx);
    // A branch to a value not known to the end (`jmp (1 <=> 2)`) goes to 0 in no section: `(00)` (measured).
    if (terms === undefined) return branch && this.eval(e).v === undefined ? { value: 0, relative: true } : undefined;
    const reloc = relocation(terms, this.absolute === undefined ? this.sec : -1, (sec) => this.segmentAddress(sec), branch);
    // (`dw 4 wrt 5`: relocated by its segment, listed `[0400]`; measured.)
    if (reloc === undefined) return !branch && wrtSegmentNumber(e, ctx) ? { value: terms.sum, relative: false } : undefined;
    for (const [sec, n] of terms.sections) if (n !== 0 && sec >= EXTERNAL_SEGMENTS) return { ...reloc, external: true };
    return reloc;
  }
}

/**
 * nasm's errors for a structure named as a register or a keyword, whose `struc` writes `NAME:` and
 * `endstruc` `NAME_size equ ($-NAME)` (measured: `struc eax`, `struc st0`, `struc byte`, `struc es`).
 */
function strucNameProblem(name: string): { readonly atName: string; readonly atEnd: string } | undefined {
  const reg = lookupRegister(name);
  if (reg !== undefined || isNasmRegister(name)) {
    return { atName: reg?.cls === 'sreg' ? 'parser: instruction expected' : 'label or instruction expected at start of line', atEnd: 'invalid operand type' };
  }
  return isKeywordWord(name) ? { atName: 'label or instruction expected at start of line', atEnd: 'expression syntax error' } : undefined;
}


/**
 * nasm's errors for a structure named by `t`, no identifier: its macro's label line `NAME:` and
 * endstruc's `NAME_size equ ($-NAME)` start with no label (measured with nasm 2.16.01: `struc :s`,
 * `struc 5`, `struc (s)`, `struc "s"` are "label or instruction expected at start of line" at both,
 * the fields between in absolute space); undefined for the tokens that make other lines (`[`, `$`).
 */
function strucWordProblem(t: PPToken): { readonly atName: string; readonly atEnd: string | undefined } | undefined {
  if (t.text === '[') return undefined;
  // (`struc $`: endstruc's `$_size equ ($-$)` is a line nasm takes, see endstrucDirective.)
  return { atName: 'label or instruction expected at start of line', atEnd: t.text === '$' ? undefined : 'label or instruction expected at start of line' };
}

/**
 * A value beyond ±2^53 as the encoder can take it: a number with the same low 32 bits, still out of
 * every operand's range (nasm writes the low bits of the 64-bit value, and warns; measured:
 * `add eax, 0x100000000000005` is 83 C0 05 with "dword value exceeds bounds").
 */
function encodableNumber(big: bigint): number {
  return Number(BigInt.asUintN(32, big)) + (big < 0n ? -(2 ** 48) : 2 ** 48);
}

/**
 * A static instruction's identity under one `bits`, for statements not kept by their line's
 * text: the prefixes and tokens from the mnemonic on.
 */
function staticKey(st: ParsedStatement, lines: PPLines, line: number): string {
  let k = '\u0001';
  for (const p of st.prefixes) k += ' ' + p.name;
  const toks = lines.tokensOf(line);
  for (let t = st.opIndex; t < toks.length; t++) k += ' ' + toks[t].text;
  return k;
}

/** A static encoding of `st` under `bits`, kept on the statement for every line and assembly that shares it. */
function keepOnStatement(st: ParsedStatement, bits: 16 | 32, r: EncodeResult): void {
  const size = r.ok && r.problems.length === 0 ? r.bytes.length : -1;
  if (bits === 32) { st.enc32 = r; st.size32 = size; } else { st.enc16 = r; st.size16 = size; }
}

/** A section's alignment is the largest any `align=` or `align`/`alignb` asked for (nasm 2.16). */
function raiseAlignment(s: Section, a: number): void {
  if (s.align === undefined || a > s.align) s.align = a;
}


/** expr.ts's messages for a label where none can be (see Assembler.misplacedLabelMessage). */
/**
 * The evaluator's words on a WRT (see withRespectTo in expr.ts), by their code: a segment nasm
 * refuses as it reads the line, which drops it, and one the bin format refuses as the value is put out.
 */
const WRT_OPERAND = 'invalid right-hand operand to WRT';

/**
 * A `times` count `v`, not negative, as nasm repeats the line: it keeps the count in an int
 * (nasm.c, `instruction->times`), its low 32 bits (measured with nasm 2.16.01: `times
 * 0x100000001 db 1` is one byte, `times 0x100000000 db 1` none, `times 0x100000002 nop` two).
 * One whose low 32 bits make a negative int stays as it is: nasm fails an assertion on it.
 */
function timesInt(v: Value): number {
  if (v.v! < 2 ** 32) return v.v!;
  const low = Number(BigInt.asIntN(32, v.big ?? BigInt(v.v!)));
  return low >= 0 ? low : v.v!;
}
const WRT_PROBLEMS: ReadonlyMap<string, string> = new Map([
  [WRT_OPERAND, 'wrt-operand'], ['WRT not supported by binary output format', 'wrt'],
]);

/** The codes of the errors nasm's bin format gives as it puts a value out: none where nothing is (see readUnwritten, settlePutOut). */
const PUT_OUT: ReadonlySet<string> = new Set(['wrt', 'extern']);

/** The external reference's code alone, of PUT_OUT (see settlePutOut). */
const EXTERN_ONLY: ReadonlySet<string> = new Set(['extern']);

/** What nasm says of an unknown symbol, by where it is (measured with nasm 2.16.01). */
const enum Undefined {
  /** "symbol `x' not defined". */
  Reported,
  /** An argument nasm evaluates in its first pass (`org`, `align`): "... not defined before use". */
  BeforeUse,
  /** A `times` or `dup` count: nasm says only that the count is no number. */
  Quiet,
  /** "symbol `x' not defined" for the first undefined symbol only, as nasm's evaluator stops there. */
  ReportedOnce,
}

/** What nasm says of a directive's argument that is no number now (see Assembler.constant). */
interface ArgumentRule {
  /** nasm evaluates it in its first pass, where a symbol defined later has no value. */
  readonly critical?: boolean;
  /** The message after the unknown symbol's, if any. */
  readonly unknown?: string;
  /** The message for a label (else Ringside's own). */
  readonly label?: string;
  /** A label's or an external name's offset in its segment is the value (see constant). */
  readonly offset?: boolean;
  /** The code of its errors ('non-constant' unless given). */
  readonly code?: string;
  /** A sum of labels that is no address (`2*lab`) is an address too, told to constantValue's `address`. */
  readonly sums?: boolean;
}

const INVALID_ATTRIBUTE = 'Invalid attribute value specified in `section\' directive.';
/** A section attribute's value: nasm's bin format reads it in the passes after its first (output/outbin.c, bin_secname), with their errors. */
const SECTION_ATTRIBUTE: ArgumentRule = { unknown: INVALID_ATTRIBUTE, label: 'section attribute value must be a critical expression', code: 'section-attr' };

/**
 * By directive, measured with nasm 2.16.01 (`org abc`: "symbol `abc' not defined before use",
 * "No or invalid offset specified in ORG directive."; `resb abc`: the symbol's error alone; `resb
 * lbl`: "attempt to reserve non-constant quantity of BSS space").
 */
const ARGUMENTS: Readonly<Record<string, ArgumentRule>> = wordTable({
  org: { critical: true, unknown: 'No or invalid offset specified in ORG directive.', label: 'org value must be a critical expression' },
  align: { critical: true, unknown: 'non-constant argument supplied to TIMES', sums: true },
  alignb: { critical: true, unknown: 'non-constant argument supplied to TIMES', sums: true },
  // (alignb's `resb` after `sectalign`, which said what is unknown; and either's padding alone
  // after `sectalign off`, read in every pass: see alignDirective.)
  'alignb reserving': { critical: true, sums: true },
  'alignb padding': { sums: true },
  'align padding': { unknown: 'non-constant argument supplied to TIMES', sums: true },
  sectalign: { critical: true, sums: true },
  // (measured: `incbin "f", L` with L at 1 in .text, whatever the origin, skips 1 byte; `extern a` /
  // `incbin "f", a + 2` skips 2, `incbin "f", 0, a` takes none; `L + L` is not simple or relocatable.)
  incbin: { critical: true, offset: true },
  'section align=': SECTION_ATTRIBUTE, 'section start=': SECTION_ATTRIBUTE, 'section vstart=': SECTION_ATTRIBUTE,
  ...Object.fromEntries(Object.keys(RESERVE_UNIT).map((name) => [name, { label: 'attempt to reserve non-constant quantity of BSS space' }])),
});

/** The first name in `e` nasm's evaluator cannot read (see isUnreadableWord). */
/** The evaluator errors firstPassEvaluation models (see ofLaterPass). */
const FIRST_PASS_EVALUATOR_ERROR = /may only be applied to scalar values$|operands differ by a non-scalar$|^unable to multiply two non-scalar objects$|^division by zero$|^the left-hand side of `\?' must be a scalar value$/;

function unreadableIn(e: Expr): Expr | undefined {
  return firstLeaf(e, (x) => x.k === 'sym' && isUnreadableWord(x.name));
}

/**
 * The statement of a `__?SECT?__` definition endstruc runs: none for a parse that failed. One that
 * defines a label (`foo:`, `foo: db 1`, `x equ 5`) defines it on the endstruc line, as nasm's
 * macro does (measured with nasm 2.16.01: `%define __?SECT?__ lab:` then, after the structure,
 * `section .text` / `dd lab` is lab's offset in the structure's space), unless that line has a
 * label of its own (`labelFree` false), which holds the line's one label. A word alone (`m`), which
 * nasm runs as the macro it may name, is left alone.
 */
function runnableSectBody(outcome: ParseOutcome, labelFree: boolean, colon: boolean): ParsedStatement | undefined {
  const st = outcome.stmt;
  if (outcome.problem !== undefined || st === undefined) return undefined;
  if (st.label === undefined) return st.op === undefined ? undefined : st;
  return labelFree && (colon || st.op !== undefined) ? st : undefined;
}

/** The first symbol `e` names that `later` says is defined after the line. */
function laterSymbol(e: Expr, later: (name: string) => boolean): (Expr & { k: 'sym' }) | undefined {
  return firstLeaf(e, (x) => x.k === 'sym' && later(x.name)) as (Expr & { k: 'sym' }) | undefined;
}

/** nasm's bin format's refusal of a segment it would put out (see farImmediate in the encoder). */
const SEGMENT_BASE_REFERENCES = 'binary output format does not support segment base references';

function codeFor(message: string): string {
  if (/size not specified|mismatch in operand size/i.test(message)) return 'operand-size';
  if (/invalid combination/i.test(message) || DECORATION_MESSAGE.includes(message)) return 'invalid-operands';
  if (/out of range|exceeds bounds/i.test(message)) return 'out-of-range';
  if (/^value referenced by FAR|segment base references$/.test(message)) return 'far-segment';
  if (message === ABSOLUTE_DISPLACEMENT_SIZE) return 'ea-dispsize';
  if (message === 'indirect address displacements cannot be RIP-relative') return 'ea-rel';
  return 'encode';
}


/** Whether an operand of `operands` has decorators (see ParsedOperand.decorated). */
function hasDecorated(operands: readonly ParsedOperand[]): boolean {
  for (let k = 0; k < operands.length; k++) if (operands[k].decorated !== undefined) return true;
  return false;
}

/** nasm's matcher's words for each Decoration (assemble.c). */
const DECORATION_MESSAGES: Readonly<Record<Decoration, string>> = {
  broadcast: 'broadcast not permitted on this operand', mask: 'mask not permitted on this operand', decorator: 'unsupported mode decorator for instruction',
};
const DECORATION_MESSAGE: readonly string[] = Object.values(DECORATION_MESSAGES);

/**
 * nasm's error for instruction `st` with decorators on an operand, which no form of the dialect
 * takes: its matcher checks each form's operands in order, and gives the worst error of all the
 * forms, where the decorators' are worse than a mismatch of operands; so it is the decorators' of
 * the first operand with some, when a form of as many operands takes the ones before it (measured
 * with nasm 2.16.01: `mov eax, bl {z}` and `mov cr0, 1 {z}` are "unsupported mode decorator for
 * instruction", `mov eax {k1}, 1 {z}` "mask not permitted on this operand", `mov eax, 1 {z}, 2`
 * "invalid combination of opcode and operands").
 */
function decoratedMatch(st: ParsedStatement): EncodeResult {
  const ops = st.operands;
  let first = 0;
  while (ops[first].decorated === undefined) first++;
  const message = formReachesOperand(st.op!.name, ops, first) ? DECORATION_MESSAGES[ops[first].decorated!] : 'invalid combination of opcode and operands';
  return { ok: false, problems: [{ message, severity: 'error', operand: first }] };
}

/** The 64-bit general registers (see wideOperandProblem). */
const WIDE_REGISTERS: ReadonlySet<string> = new Set(['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15']);

/** A 64-bit register as wideRegisterProblem takes one: any register of the dialect stands for it. */
const WIDE_STAND_IN: AsmOperand = { kind: 'reg', reg: 'eax' };

/** `align`'s default fill. */
const NOP = Uint8Array.of(0x90);

/**
 * The token after `istruc`'s structure name in its arguments `args` that nasm's `at` and `iend`
 * cannot read on from: its macro writes the whole argument as the name into `times
 * (FIELD-NAME)-...` and `times NAME_size-...`, whose expressions stop at an operand after the name
 * (measured with nasm 2.16.01, `istruc line\``, `istruc line 5`: "expecting `)'" at each `at`,
 * "parser: instruction expected" at `iend`). An operator after it reads on (see istrucExpression).
 */
function strayAfterName(args: readonly PPToken[]): PPToken | undefined {
  const t = args[1];
  if (args[0]?.kind !== 'ident' || t === undefined) return undefined;
  const operand = t.kind === 'ident' || t.kind === 'number' || t.kind === 'string' || t.kind === 'here' || (t.kind === 'invalid' && /^["'`]/.test(t.text));
  return operand ? t : undefined;
}

/**
 * The text of `istruc`'s arguments `args` when they are more than a name (and no name with an
 * operand after it, see strayAfterName): nasm's macro writes them whole into `times
 * ARGS_size-($-%$strucstart)` at `iend` and `times (FIELD-ARGS)-...` at `at`, and these read them
 * as an expression (measured with nasm 2.16.01: `istruc s+t` pads to `t_size`, `istruc s+0` and
 * `istruc 5` are "expression syntax error" at `iend`, `istruc (s)` "parser: instruction expected",
 * `istruc s+u` with `u_size` defined after it "non-constant argument supplied to TIMES").
 */
function istrucExpression(args: readonly PPToken[]): string | undefined {
  if (args.length === 0 || (args.length === 1 && args[0].kind === 'ident') || strayAfterName(args) !== undefined) return undefined;
  return tokensText(args);
}

function splitComma(toks: readonly PPToken[]): PPToken[][] {
  const parts: PPToken[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.text === '(') depth++;
    // (A `)` that closes none leaves the commas after it splitting: see the parser's parameterEnd.)
    else if (t.text === ')' && depth > 0) depth--;
    if (t.text === ',' && depth === 0) { parts.push([]); continue; }
    parts[parts.length - 1].push(t);
  }
  return parts[0].length === 0 && parts.length === 1 ? [] : parts;
}

/**
 * A `section` line's words `args` with the `==` at `k` read as two `=`: nasm's bin format splits
 * an attribute at its first `=` (measured with 2.16.01: `follows==.text` follows the section
 * `=.text`, `align==16` is an expression syntax error), where the scanner read `==` as one operator.
 */
function equalsSplit(args: readonly PPToken[], k: number): readonly PPToken[] {
  const t = args[k];
  return [...args.slice(0, k), { ...t, text: '=', end: t.start + 1 }, { ...t, text: '=', start: t.start + 1, gap: false }, ...args.slice(k + 1)];
}

/**
 * Where the `section` attribute word starting at `args[i]` ends: at the next blank, as nasm's bin
 * output reads its attributes (measured, nasm 2.16.01: `prog,bits` is one unknown attribute,
 * `"prog,bits"`, `prog, bits` two, `"prog,"` and `"bits"`; `progbits,nobits` one, the section
 * then holding bytes; `v-start=0x5000` one). A word `key=` is read by its value (see sectionDirective).
 */
/** The index of the `)` that closes the `(` at `args[open]`, -1 when none does. */
function closingParenthesis(args: readonly PPToken[], open: number): number {
  let depth = 0;
  for (let k = open; k < args.length; k++) {
    if (args[k].text === '(') depth++;
    else if (args[k].text === ')' && --depth === 0) return k;
  }
  return -1;
}

function attributeWord(args: readonly PPToken[], i: number): number {
  let j = i + 1;
  while (j < args.length && !spaced(args[j - 1], args[j])) j++;
  return j;
}

/** `value` as `size` little-endian bytes, two's complement (64-bit values via BigInt). */
export function littleEndian(value: number | bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  if (typeof value === 'bigint') {
    let b = BigInt.asUintN(size * 8, value);
    for (let i = 0; i < size; i++) { out[i] = Number(b & 0xffn); b >>= 8n; }
    return out;
  }
  if (size <= 4 || (Number.isSafeInteger(value) && value >= 0 && value < 2 ** 32)) {
    let v = size <= 4 ? Math.trunc(value) >>> 0 : value;
    for (let i = 0; i < Math.min(size, 4); i++) { out[i] = v & 0xff; v = Math.floor(v / 256); }
    return out;
  }
  let b = BigInt.asUintN(size * 8, BigInt(Math.trunc(value)));
  for (let i = 0; i < size; i++) { out[i] = Number(b & 0xffn); b >>= 8n; }
  return out;
}

/** The pad nasm's `align` macros write for argument `toks`: `(((%1) - (($-$$) % (%1))) % (%1))`. */
function alignPadText(toks: readonly PPToken[]): string {
  const text = tokensText(toks);
  return `(((${text}) - (($-$$) % (${text}))) % (${text}))`;
}

/** `(((a) - (pos % (a))) % (a))` as nasm evaluates it, `%` on unsigned 64-bit numbers (a ≠ 0). */
function unsignedAlignPad(a: number, pos: number): number {
  const A = BigInt.asUintN(64, BigInt(a));
  const r = BigInt.asUintN(64, A - BigInt.asUintN(64, BigInt(pos)) % A) % A;
  return Number(BigInt.asIntN(64, r));
}

/** Whether `o` is a memory operand with a displacement written before its brackets (see ParsedOperand `outside`). */
function displacedOutside(o: ParsedOperand): boolean {
  return o.kind === 'mem' && o.outside !== undefined;
}

/** The count of `at field` under an `istruc` of `structure` as nasm's macro writes it, `field - structure` (less `$ - %$strucstart`). */
function atCount(field: Expr, structure: string): Expr {
  return { k: 'bin', op: '-', a: field, b: { k: 'sym', name: structure, start: field.start, end: field.end, tok: -1 }, start: field.start, end: field.end };
}

/**
 * A section line's arguments `args` as nasm's bin format reads the line, its text split into words
 * at blanks, a string's blanks too: a string (closed or left open) is cut at its first blank, its
 * first word kept, quote and all, and the text after it read again (measured with nasm 2.16.01:
 * `section '.bss start=0x100000` is a progbits section `'.bss` at 0x100000; `section "x  y"` is
 * a section `"x` with the unknown attribute `y"`; `foo`=1 align=8` the unknown "foo`=1", then
 * align=8). `args` itself when no string holds a blank.
 */
function wordsAtBlanks(args: readonly PPToken[]): readonly PPToken[] {
  for (let k = 0; k < args.length; k++) {
    const t = args[k];
    const blank = isQuoted(t) ? t.text.search(/[ \t]/) : -1;
    if (blank < 0) continue;
    const head: PPToken = { ...t, kind: 'invalid', text: t.text.slice(0, blank), end: t.start + blank };
    const from = t.start + blank;
    const rest = tokenizeLine(t.text.slice(blank)).filter((x) => x.kind !== 'comment').map((x) => ({ ...x, start: x.start + from, end: x.end + from }));
    return [...args.slice(0, k), head, ...wordsAtBlanks([...rest, ...args.slice(k + 1)])];
  }
  return args;
}
