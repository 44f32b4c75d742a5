// The assembler's public contract: what goes in (a file and a way to read files) and what comes
// out (bytes, diagnostics, listing, source map, and the symbol and statement facts the language
// server builds its features on). Positions are 0-based lines and UTF-16 columns, like LSP.

import type { Technique } from '../isa/types';
import type { MapFile } from './map-file';

export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

export interface SourceRange {
  /** Absolute path (or URI-like name for unsaved buffers) of the file the range is in. */
  readonly file: string;
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  readonly range: SourceRange;
  /** Stable identifier: 'undefined-symbol', 'duplicate-label', 'operand-size', 'sensitive-instruction', ... */
  readonly code: string;
  /** Where a macro or %include was expanded from, outermost last. */
  readonly expansion?: readonly SourceRange[];
  /**
   * Other places the message is about. `definition`: where the name was first defined (nasm
   * 2.16.01 prints it as an `info:` line; measured: `a.asm:3: info: label `x' originally defined here`).
   */
  readonly related?: readonly { readonly message: string; readonly range: SourceRange; readonly definition?: true }[];
  /**
   * The line in a macro's body the message is about, when `range` is a name a macro argument put
   * there, placed where the call writes it (nasm names the body's line: "... from macro").
   */
  readonly statementRange?: SourceRange;
  /** For a warning a `-w+error`/`[warning +error=...]` switch made an error: its nasm class (nasm prints `[-w+error=CLASS]`). */
  readonly warningClass?: string;
  /**
   * For the editor: the macro calls and `%include` lines (each chain as `expansion`) of the other
   * times this message was given at this place, one per chain that differs from `expansion` and
   * the others (a macro with an error in its body called from three lines gives one diagnostic,
   * with two more chains here; nasm prints it three times, as printedMessages has it).
   */
  readonly alsoExpandedFrom?: readonly (readonly SourceRange[])[];
}

/** Host services, so the language server can feed unsaved buffers and tests can feed strings. */
export interface FileHost {
  /** Returns the text of a file, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /** Binary read for `incbin`: the bytes, UNREADABLE_DIRECTORY, or undefined when there is nothing to open. */
  readBinary?(path: string): Uint8Array | typeof UNREADABLE_DIRECTORY | undefined;
}

/** What `readBinary` gives for a directory: nasm opens one, but cannot read it (see Assembler.incbin). */
export const UNREADABLE_DIRECTORY = 'directory';

export interface AssembleOptions {
  /** Absolute path of the main file; its directory is the working directory when none is given. */
  readonly file: string;
  /** The text of the main file (overrides the host's copy, for editor buffers). */
  readonly text?: string;
  readonly host: FileHost;
  /** `-I` directories, searched in order after the working directory. */
  readonly includePaths?: readonly string[];
  /**
   * nasm's working directory, where `%include`, `incbin` and `%pathsearch` look for a relative name
   * first (see searchPlaces); absent, the main file's directory, as `cd dir && nasm file.asm`.
   */
  readonly workingDirectory?: string;
  /** `-D NAME[=VALUE]` predefined single-line macros. */
  readonly defines?: Readonly<Record<string, string>>;
  /** Lines before the source's, as a file of their own (PreprocessOptions.prelude: nasm's -P, --before, --pragma). */
  readonly prelude?: { readonly file: string; readonly text: string };
  /** nasm's `--no-line`: `%line` does nothing. */
  readonly noLine?: boolean;
  /** Stop after the front end (preprocess + parse + symbol resolution), skipping encoding passes. */
  readonly frontEndOnly?: boolean;
  /** Expansion limits like nasm's `--limit-X` (NASM manual §2.1.31); unset ones take nasm 2.16's defaults. */
  readonly limits?: AssembleLimits;
  /** nasm's command-line `-w` options in order, each as `-w` takes it (`+name`, `-error=name`, `all`): see warning-switches.ts. */
  readonly warnings?: readonly string[];
  /**
   * nasm's `-O` level (NASM manual §2.1.24): 0 for `-O0`, 1 for `-O1`; absent, 2 or more: `-Ox`,
   * nasm's default (which every level from 2 up assembles as). See isa/operands.ts Optimization.
   */
  readonly optimization?: number;
  /**
   * A `performance.now()` value: past it, assembly stops with a 'time-budget' error diagnostic
   * and the rest of the file is not assembled (checked every few hundred lines).
   */
  readonly deadline?: number;
  /** The moment `__DATE__`, `__TIME__`, `__POSIX_TIME__` and the UTC forms describe; now when absent, as nasm reads the clock. */
  readonly time?: Date;
  /**
   * The environment `%!NAME` and `%ifenv` read (NASM manual §4.10.2, §4.4.9): the process's own
   * when absent, as nasm reads its own (as `time` is the clock's).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The name `__FILE__` gives a file (`written`: as its `%include` wrote it). nasm names the main
   * file as its command line did and an included file as it found it (see the command line's
   * nasmIncludeName); when absent, the path relative to the main file's directory.
   */
  readonly fileName?: (file: string, written: string | undefined) => string;
}

/**
 * The part of AssembleOptions a nasm command line gives (`-I`, `-D`/`-U`, `-P`/`--before`/`--pragma`,
 * `--no-line`, `-w`, `--limit-X`, `-O`): what the editor's `ringside.assembler.arguments`, a
 * launch's `assemblerArguments` and `ringside run`'s options carry to the assembler.
 */
export type AssemblerFlags = Pick<AssembleOptions, 'includePaths' | 'defines' | 'prelude' | 'noLine' | 'warnings' | 'limits' | 'optimization'>;

/**
 * nasm's execution limits (`nasm -h`, `--limit-X`); each overflow is an error diagnostic at the
 * directive or line responsible. Defaults (nasm 2.16): passes unlimited, macroLevels 10000,
 * macroTokens 10000000, mmacros 100000, rep 1000000, eval 8192, lines 2000000000.
 */
export interface AssembleLimits {
  /** Total assembly passes (`--limit-passes`). */
  readonly passes?: number;
  /** Depth of macro expansion, single- and multi-line (`--limit-macro-levels`). */
  readonly macroLevels?: number;
  /** Tokens produced while expanding the single-line macros of one line (`--limit-macro-tokens`). */
  readonly macroTokens?: number;
  /** Multi-line macros being expanded at once (`--limit-mmacros`). */
  readonly mmacros?: number;
  /** Largest `%rep` count (`--limit-rep`). */
  readonly rep?: number;
  /** Expression nesting depth (`--limit-eval`). */
  readonly eval?: number;
  /** Source lines processed in all, expansions included (`--limit-lines`). */
  readonly lines?: number;
}

export type SymbolKind = 'label' | 'local-label' | 'constant' | 'macro' | 'define' | 'struc' | 'struc-field' | 'section';

export interface SymbolInfo {
  /** The full name (`parent.local` for local labels). */
  readonly name: string;
  /** The name as written at the definition (`.local`). */
  readonly shortName: string;
  readonly kind: SymbolKind;
  readonly definition: SourceRange;
  /** Address (labels) or value (constants), when known after assembly. */
  readonly value?: number;
  /** For local labels: the non-local label they belong to. */
  readonly parent?: string;
  /**
   * For the size `endstruc` defines (`pt_size`; `ptps` after `%define _size ps`): the name its
   * line measures from, the structure's or what a `%define` of it made it (`qq` after `%define pt qq`).
   */
  readonly structure?: string;
  /** For macros: parameter count range and the documentation comment lines above the definition. */
  readonly params?: { readonly min: number; readonly max: number | 'greedy' };
  readonly doc?: string;
  /** For single-line macros: what the name stands for, `NAME(a, b) body` as defined (`count (ebp+8)` for `%arg count:dword`). */
  readonly body?: string;
  /** For single-line macros with a parameter list: each parameter as written (`=a`, `&b`, `c+`; '' for an unnamed one). */
  readonly parameters?: readonly string[];
  /** For macros and single-line macros: defined by `%imacro`, `%idefine` (`%iassign`, ...), so called in any case. */
  readonly anyCase?: true;
}

export interface SymbolReference {
  /** Full name of the symbol referred to. */
  readonly name: string;
  /**
   * Where the name is written (a local label may be written short, `.x`; a `%%x` or `%$x` name
   * as such), once however many expansions use it. For a name made by a macro and written whole
   * nowhere (`pieces` set): where its first piece is written, or the use when there is none.
   */
  readonly range: SourceRange;
  /**
   * Set when the name is not written whole: it is pasted (`%+`, a macro parameter written against
   * other text), and these are where its pieces are written, in order; empty when it comes from
   * text written nowhere in the sources (a command-line define, `%[...]`, `%deftok`).
   */
  readonly pieces?: readonly SourceRange[];
}

export type OperandTextKind = 'register' | 'memory' | 'immediate' | 'label' | 'string' | 'expression';

/** One source statement as the language server sees it (after preprocessing, at its source location). */
export interface Statement {
  readonly range: SourceRange;
  readonly label?: { readonly name: string; readonly range: SourceRange };
  readonly prefixes: readonly { readonly name: string; readonly range: SourceRange }[];
  /** The instruction mnemonic or data/section directive (`mov`, `db`, `section`, `times`). */
  readonly mnemonic?: { readonly name: string; readonly range: SourceRange; readonly isDirective: boolean };
  readonly operands: readonly { readonly text: string; readonly range: SourceRange; readonly kind: OperandTextKind }[];
  /** Address and size after assembly (undefined when not emitted). */
  readonly address?: number;
  readonly size?: number;
  /** Set when the statement came from a macro expansion: the call site (of the innermost call). */
  readonly macroCall?: SourceRange;
  /**
   * Of a statement a macro made: the call written outside any macro's body that led to it, the
   * call a reader of the file sees (`println` in the file, where `macroCall` is the `print` inside
   * println's body).
   */
  readonly outerCall?: SourceRange;
  /** Of a statement a macro made: its line as `nasm -E` prints it (parameters and `%%` labels expanded). */
  readonly expanded?: string;
  /**
   * For an instruction: the place in its table entry's `forms` (`findInstruction(mnemonic)`) of
   * the form the encoder chose in the last pass, where one matched.
   */
  readonly form?: number;
  /** The segment size it was assembled in (`bits`): 16 until a `bits 32` or `use32`, as in nasm's bin format. */
  readonly bits: 16 | 32;
}

/**
 * A line of the listing, as `nasm -l` lists it (NASM 2.16, asm/listing.c): a source line nasm
 * lists, the data it put out, and the messages nasm lists after it. The lines of a `.nolist` macro
 * are not listed: their data and messages go with the line listed before them, the call.
 */
export interface ListingLine {
  readonly file: string;
  /** 0-based source line. */
  readonly line: number;
  /** The line nasm lists it as (0-based), when a `%line` renumbered it (see LineDirective). */
  readonly reportedLine?: number;
  /** The address of the line's first byte or reserved byte; undefined when it lists no data. */
  readonly address?: number;
  /** The bytes the line put in the image, every repetition (empty in a nobits section). */
  readonly bytes: Uint8Array;
  /** The line as nasm lists it: a macro's line as its body holds it, without the comment. */
  readonly source: string;
  /** Nesting depth of %include / macro expansion, for the listing's `<n>` marker. */
  readonly depth: number;
  /** Offset inside the line's section: what `nasm -l` prints in its address column. */
  readonly sectionOffset?: number;
  /** The data column, piece by piece, as nasm lists it (what the bytes were made of). */
  readonly data: readonly ListingData[];
  /** Messages nasm lists after the line (`warning: ... [-w+name]`, `error: ...`). */
  readonly messages: readonly ListingMessage[];
  /**
   * Set when an error dropped a statement (nasm put nothing out, and its place and the labels
   * after it moved down) and this line's bytes, made where the statement was, may not be nasm's:
   * a line naming a label or `$`, or an instruction the drop moved in its section. (Plain data
   * after it, another repetition of the dropped line too, is listed lower, as nasm lists it.)
   */
  readonly afterDropped?: true;
}

/**
 * A piece of a listing line's data column. `offset`: in the section (or absolute space) where
 * the piece goes. nasm prints a value the output format relocates in brackets, with its offset
 * from the section it is in: `[..]` for an address, `(..)` for one relative to where it is put
 * (a branch to another section or to a number, a value that subtracts a label of its own section).
 */
export type ListingData =
  | { readonly kind: 'bytes'; readonly offset: number; readonly bytes: Uint8Array }
  | { readonly kind: 'address'; readonly offset: number; readonly size: number; readonly value: number; readonly relative: boolean }
  /** Space reserved without contents (`resb`, `db ?`): `??` a byte up to 8 bytes, else `<res Nh>`. */
  | { readonly kind: 'reserve'; readonly offset: number; readonly size: number }
  /** A segment for the output format to give (`jmp far 5`'s selector; the bin format has none: an error), `[ssss]`. */
  | { readonly kind: 'segment'; readonly offset: number }
  /** `incbin`: the file's bytes, `<bin Nh>`. `messagesBefore`: as a `repeat`'s. */
  | { readonly kind: 'incbin'; readonly offset: number; readonly size: number; readonly messagesBefore?: number }
  /**
   * `times N`: the first repetition is listed, then `<rep Nh>`. `messagesBefore`: for a line not
   * listed, whose marker joins the row before, how many of that row's messages nasm gave before it.
   */
  | { readonly kind: 'repeat'; readonly count: number; readonly messagesBefore?: number };

export interface ListingMessage {
  /** As nasm lists it: `warning: MESSAGE [-w+CLASS]`. */
  readonly text: string;
  /**
   * The offset of the piece nasm was putting out when it reported the message (an operand out of
   * range); undefined when it came after the line's data. A listing wrapped onto more rows shows
   * the message after the row that comes before that piece is listed (as nasm does).
   */
  readonly offset?: number;
}

export interface SourceMapEntry {
  readonly address: number;
  readonly size: number;
  readonly range: SourceRange;
  /** Macro call and %include sites that led here, innermost first. */
  readonly expansion: readonly SourceRange[];
}

export interface SourceMap {
  readonly entries: readonly SourceMapEntry[];
  /** The statement covering an address, or undefined. */
  lookupAddress(address: number): SourceMapEntry | undefined;
  /** Addresses of code emitted from a source line (0-based), in ascending order. */
  lookupLine(file: string, line: number): readonly number[];
}

export interface AssembleResult {
  /** The flat binary image (`nasm -f bin`); empty when there were errors. */
  readonly image: Uint8Array;
  /** Load address of image[0] (the first section's start, `org`). */
  readonly origin: number;
  /** One per place a message is about (for the editor), in the order they were reported. */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * The messages as nasm prints them (for the command line): `diagnostics`, each again for each
   * later `%rep` round that gave it (nasm gives a message of a `%rep` body, or of a macro a `%rep`
   * expands, once per round), in the order of the lines they are about (see message-rounds.ts).
   */
  readonly printedMessages: readonly Diagnostic[];
  readonly listing: readonly ListingLine[];
  readonly sourceMap: SourceMap;
  readonly symbols: readonly SymbolInfo[];
  readonly references: readonly SymbolReference[];
  readonly statements: readonly Statement[];
  /** Every file read, main file first. */
  readonly files: readonly string[];
  /** `%include` directives: where written, what they name, and the resolved path (if found). */
  readonly includes: readonly { readonly range: SourceRange; readonly target: string; readonly resolved?: string }[];
  /** `%pragma ringside technique NAME`, if present. */
  readonly technique?: Technique;
  /**
   * The lines of the sources in `%if`/`%elif`/`%else` branches not taken (0-based, inclusive),
   * which nasm skips: every time a file was read, where it was read more than once, and in every
   * round of a %rep written in a file. A group the assembler decides (a condition naming a label)
   * and a macro's lines are not among them.
   */
  readonly inactive?: readonly InactiveLines[];
  /**
   * Set when preprocessing stopped before the end of the source (a `%fatal`, a limit, the time
   * budget): the lines after were not read, so what they define is not known.
   */
  readonly stopped?: true;
  /** The map file `[map]` asked for (see renderMapFile). */
  readonly map?: MapFile;
  /**
   * The `%line` directives read, in order: nasm reports the lines after one by the name and
   * numbers it gives, while every range here stays on the real lines (see reported-lines.ts, whose
   * ReportedLines turns a place into the one nasm reports).
   */
  readonly lineDirectives: readonly LineDirective[];
}

/** Lines `start`..`end` (0-based, inclusive) of `file`. */
export interface InactiveLines {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/** `%line nnn[+mmm] [filename]` (NASM manual, "%line Directive"), as read. */
export interface LineDirective {
  /** The file it is in, and its (first) line there: the lines after it are renumbered. */
  readonly file: string;
  readonly line: number;
  /** `nnn`: with `mmm` added, the number of the line after it; in 32 bits, as nasm keeps it. */
  readonly number: number;
  /** `mmm` (1 when not given): how much each line read after it adds. */
  readonly step: number;
  /**
   * The lines a `\` joined to its first (0 when none): nasm counts them after the directive, by
   * the step in force before it (see ReportedLines.add).
   */
  readonly joined?: number;
  /** The file name given; undefined when none was (the name before it goes on). */
  readonly name?: string;
}
