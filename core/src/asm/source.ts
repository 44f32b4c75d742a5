// What the preprocessor hands the parser: lines of tokens that remember where they were written
// and which macro calls and %include directives led there (for diagnostics and the source map).

import type { SourceRange } from './api';
import type { Token } from './lexer';
import type { FileLines, LineEntry } from './line-cache';

/** A token after preprocessing. `src` is set when it was substituted from elsewhere (a macro argument). */
export interface PPToken extends Token {
  readonly src?: SourceRange;
  /**
   * Where the token's text is written, for references, when neither its columns nor `src` say:
   * one range for a token a `%define` body wrote; for a token made by pasting, the ranges of its
   * pieces in order (none for text written nowhere: a command-line define, `%[...]`, `%deftok`).
   */
  readonly at?: Written;
  /**
   * Whether blanks come before the token in nasm's tokens of the line, where its columns cannot
   * tell: set on the tokens an expansion puts in a line and on the token after one (see `spaced`).
   */
  readonly gap?: boolean;
  /**
   * How many blanks nasm writes before the token, when more than one (its columns aside): an
   * environment variable that gave nothing leaves the blanks on both sides of it (nasm -E: `db
   * %!UNSET a` is `db  a`).
   */
  readonly blanks?: number;
  /** The last token of a `{...}` macro argument with blanks before its `}`, which nasm keeps after it. */
  readonly blankAfter?: boolean;
  /**
   * A standard macro's word after `%clear` removed the standard macros (see withoutStandardMacros),
   * or an alias of a token macro while `%aliases off` (see aliasesAsNames in preprocessor.ts): written
   * `$word` for the assembler (`incbin` as it is), and as written by `nasm -E`.
   */
  readonly unmacroed?: boolean;
  /** An `at` call's word whose data went on a line of its own (see atLineParts): `nasm -E` writes no data line for it. */
  readonly dataApart?: boolean;
  /** A `%!NAME` whose warning of an unset variable was given already, as its body's directive line ran (see Preprocessor.bodyEnvironment). */
  readonly environmentWarned?: boolean;
  /**
   * The token's text in nasm's first pass, where it differs: `__?PASS?__` is 1 there. An error of
   * that pass stops nasm, so its messages quote this (see asFirstPass).
   */
  readonly firstPass?: string;
  /**
   * The name as written, `%$x` (a context-local name, now the context's `..@N.x`): nasm's
   * preprocessor reads such a name no macro replaced as no part of an expression (see
   * parseExpression), and writes it as written into the text it makes (see textAsWritten).
   */
  readonly contextLocal?: string;
}

/**
 * Whether `t` is an identifier to nasm's preprocessor: a lone `?` is not, its tokenizer makes it
 * an operator of its own (measured, nasm 2.16.01: `%define ? 1` "expects a macro identifier",
 * `%ifid ?` false), though Ringside's lexer reads it as a word for the assembler (`db ?`).
 */
export function isIdentifier(t: PPToken | undefined): t is PPToken {
  return t !== undefined && t.kind === 'ident' && t.text !== '?';
}

/** Token `t` as nasm's first pass has it (see PPToken.firstPass). */
export function asFirstPass(t: PPToken): PPToken {
  return t.firstPass === undefined ? t : { ...t, text: t.firstPass };
}

/**
 * Whether blanks separate `t` from `prev`, the token before it in a line's tokens. nasm keeps
 * blanks as tokens of their own through its expansions, and its assembler reads the expanded
 * line as text again, so tokens with none between them read as one (`1` `2` is `12`).
 */
export function spaced(prev: PPToken | undefined, t: PPToken): boolean {
  return t.gap ?? (prev !== undefined && prev.end < t.start);
}

/**
 * What nasm's scanner reads of the braces `tokens[open]` (a `{`) starts, up to the next `}` before
 * `end` (`close`; -1 when there is none): a decorator's word when the tokens between are letters,
 * digits and `-` written together right after the `{`, blanks before the `}` dropped (measured
 * with nasm 2.16.01: `{3 }` is "`3' is not a valid decorator with braces", `{ 3}` "invalid
 * decorator token inside braces"); else no word. Blanks are nasm's, not the columns' (see spaced):
 * `%define D {z}` puts a decorator in a line as `{z}` does.
 */
export function bracedWord(tokens: readonly PPToken[], open: number, end = tokens.length): { readonly close: number; readonly word: string | undefined } {
  let word: string | undefined = '';
  let close = open + 1;
  for (; close < end && tokens[close].text !== '}'; close++) {
    const t = tokens[close];
    if (spaced(tokens[close - 1], t) || !/^[A-Za-z0-9-]+$/.test(t.text)) word = undefined;
    else if (word !== undefined) word += t.text;
  }
  return { close: close < end ? close : -1, word };
}

/** `t` with (or without) blanks before it (made field by field: a spread of tokens of mixed shapes is slow). */
export function gapped(t: PPToken, gap: boolean): PPToken {
  if (t.gap === gap) return t;
  const g: PPToken = { kind: t.kind, text: t.text, start: t.start, end: t.end, src: t.src, at: t.at, gap };
  // (A context-local name keeps how it was written, for the text nasm makes of it: textAsWritten;
  // `__?PASS?__` its first pass's text.)
  if (t.firstPass !== undefined) return { ...g, firstPass: t.firstPass };
  return t.contextLocal === undefined ? g : { ...g, contextLocal: t.contextLocal };
}

/**
 * Pushes `t`, which came after `before` in the tokens it is taken from, onto `out`: with its blanks
 * made explicit when `out` does not end with `before`, so `spaced` still tells them.
 */
export function follow(out: PPToken[], t: PPToken, before: PPToken | undefined): void {
  out.push(t.gap !== undefined || out[out.length - 1] === before ? t : gapped(t, spaced(before, t)));
}

export type Written = SourceRange | readonly SourceRange[];

/** Written nowhere in the sources. */
export const NOWHERE: readonly SourceRange[] = [];

/** Where `t`, on line `line` of `file`, is written. */
export function writtenAt(t: PPToken, file: string, line: number): Written {
  return t.at ?? t.src ?? lineRange(file, line, t.start, t.end);
}

/** Where the pieces of a token pasted from `a` and `b` are written. */
export function pastedAt(a: PPToken, b: PPToken, file: string, line: number): readonly SourceRange[] {
  const x = writtenAt(a, file, line), y = writtenAt(b, file, line);
  return (isPieces(x) ? x : [x]).concat(isPieces(y) ? y : [y]);
}

export function isPieces(w: Written): w is readonly SourceRange[] {
  return Array.isArray(w);
}

export interface PPLine {
  readonly file: string;
  /** 0-based line in `file`. */
  readonly line: number;
  /** The line as written, for the listing. */
  readonly text: string;
  /** Tokens to assemble; columns refer to `text`. Empty for directive and skipped lines. */
  readonly tokens: readonly PPToken[];
  /** Macro call and %include sites that led here, innermost first. */
  readonly expansion: readonly SourceRange[];
  /** Listing depth: number of macro/%rep/%include levels. */
  readonly depth: number;
  /** Preprocessor directive, comment or skipped line: listed but not assembled. */
  readonly listOnly: boolean;
  /** The innermost multi-line macro call, when the line came from one. */
  readonly macroCall?: SourceRange;
  /** The outermost: the call written outside any macro's body (see MacroInvocation.outerCall). */
  readonly outerCall?: SourceRange;
  /** The non-local label a `%%local` label must not reset: set for lines of a macro body. */
  readonly inMacro?: boolean;
  /** `tokens` are the line's own tokens (comment aside): nothing was substituted or expanded. */
  readonly verbatim?: boolean;
}

/** What the lines of one file, macro call or %rep frame share (one object per frame, not per line). */
export interface LineOrigin {
  readonly expansion: readonly SourceRange[];
  readonly depth: number;
  readonly macroCall?: SourceRange;
  readonly outerCall?: SourceRange;
  readonly inMacro: boolean;
  /** A line of a macro or %rep body (not of a file): nasm lists it as its body holds it. */
  readonly body: boolean;
  /** A line of a `.nolist` macro's expansion: nasm does not list it. */
  readonly unlisted: boolean;
  /** The frame's place in the order the preprocessor began them (see CheckBlock.serial). */
  readonly serial: number;
  /**
   * In a `.nolist` macro's expansion (nested calls and `%rep`s too): the outermost such call,
   * whose place nasm gives the lines (`__LINE__` aside, as `nasm -E` shows), not their own.
   */
  readonly reportedAt?: SourceRange;
  /**
   * Levels nasm's listing adds to `depth` from here on after each empty `%rep` of a count above 0
   * before the line (see Preprocessor.emptyRep): its `<n>` marker, nothing else.
   */
  readonly listedLevels?: number;
}

/**
 * `Label`: the label written before a macro call (`lbl: mymacro 1`), which nasm puts on a line of
 * its own inside the expansion; the line's text is the call's. `CallLabel`: such a line that is
 * listed (not a `.nolist` macro's). `Consumed`: a line nasm's preprocessor takes in and passes
 * nothing on for (a directive, a skipped or captured line, a macro call), unlike a blank line,
 * which `nasm -E` prints empty. `EndsBlank`: an expansion at the line's end was empty, after
 * blanks, which nasm keeps (`nop E` with `E` empty is `nop `). `StartPasted`: pasting dropped a
 * `%+` with nothing before it, and nasm the blanks before it with it (`  %+ x` is `x`).
 * `LeftEmpty`: a macro's parameters left the line nothing, not even the blanks nasm keeps as
 * tokens (`%1` with %1 empty, where `E` with `E` defined empty leaves one), or parameters written
 * outside a call, which nasm drops (`%1` alone); or environment variables that gave nothing, which
 * nasm keeps as tokens until it writes the line out, as nothing (`%!UNSET`).
 */
export const enum LineFlag { ListOnly = 1, Verbatim = 2, CallLabel = 4, Consumed = 8, Label = 16, EndsBlank = 32, StartPasted = 64, LeftEmpty = 128 }

/**
 * The preprocessor's output as parallel arrays (no object per line): line `i` is `text[i]`,
 * `tokens[i]`, ... `at(i)` builds the PPLine view of one line for the rarer readers.
 */
export class PPLines {
  count = 0;
  /** Past `count` the columns hold room for more lines: holes, or zeros in the typed ones. */
  readonly text: string[];
  /** Undefined for a line with an entry: its tokens are the entry's (see `tokensOf`). */
  readonly tokens: (readonly PPToken[] | undefined)[];
  /** Lines of a file passed on as written: the line's cache entry. */
  readonly entries: (LineEntry | undefined)[];
  /** The distinct files and origins; lines hold indexes into them. */
  private readonly files: string[] = [];
  private readonly origins: LineOrigin[] = [];
  private fileIndex: Int32Array;
  private originIndex: Int32Array;
  /** 0-based line in its file. */
  line: Int32Array;
  /** LineFlag bits. */
  flags: Uint8Array;
  /**
   * Lines whose tokens the assembler reads again apart from how nasm -E writes them (a `%{ 4}`,
   * whose contents start with a blank, is `%` and `4` to the assembler, `% 4` in -E's text): by
   * line, the tokens -E writes. Few lines have one.
   */
  unreread: Map<number, readonly PPToken[]> | undefined;

  /**
   * `capacity`: the lines expected (the main file's count is a good guess); made room for at
   * once, since growing the columns line by line copies them over and over.
   */
  constructor(capacity = 0) {
    this.text = new Array<string>(capacity);
    this.tokens = new Array<readonly PPToken[] | undefined>(capacity);
    this.entries = new Array<LineEntry | undefined>(capacity);
    const size = Math.max(capacity, 1024);
    this.fileIndex = new Int32Array(size);
    this.originIndex = new Int32Array(size);
    this.line = new Int32Array(size);
    this.flags = new Uint8Array(size);
  }

  /** Registers the origin of a frame's lines; `push` takes the index returned. */
  addOrigin(origin: LineOrigin): number {
    this.origins.push(origin);
    return this.origins.length - 1;
  }

  push(file: string, line: number, text: string, tokens: readonly PPToken[] | undefined, origin: number, flags: number, entry: LineEntry | undefined): void {
    const i = this.count++;
    if (i === this.line.length) this.grow(i * 2);
    const f = this.fileIndexOf(file);
    this.text[i] = text;
    this.tokens[i] = tokens;
    this.entries[i] = entry;
    this.fileIndex[i] = f;
    this.originIndex[i] = origin;
    this.line[i] = line;
    this.flags[i] = flags;
  }

  /** Lines `from` up to `to` of `file`, passed on as written (listed only when blank). */
  pushAsWritten(file: string, lines: FileLines, from: number, to: number, origin: number): void {
    const start = this.count, end = start + to - from;
    if (end > this.line.length) this.grow(Math.max(end, start * 2));
    this.count = end;
    const f = this.fileIndexOf(file);
    this.fileIndex.fill(f, start, end);
    this.originIndex.fill(origin, start, end);
    for (let i = start, k = from; i < end; i++, k++) {
      const e = lines.entry(k);
      this.text[i] = e.text;
      this.tokens[i] = undefined;
      this.entries[i] = e;
      this.line[i] = k;
      this.flags[i] = e.blank ? LineFlag.ListOnly | LineFlag.Verbatim : LineFlag.Verbatim;
    }
  }

  /** Consecutive lines nearly always share their file; a program has few files. */
  private fileIndexOf(file: string): number {
    let f = this.files.length - 1;
    if (f < 0 || this.files[f] !== file) {
      f = this.files.indexOf(file);
      if (f < 0) { f = this.files.length; this.files.push(file); }
    }
    return f;
  }

  /** Line `i`'s tokens to assemble. */
  tokensOf(i: number): readonly PPToken[] {
    return this.tokens[i] ?? this.entries[i]!.code;
  }

  file(i: number): string {
    return this.files[this.fileIndex[i]];
  }

  origin(i: number): LineOrigin {
    return this.origins[this.originIndex[i]];
  }

  private grow(size: number): void {
    const line = new Int32Array(size), flags = new Uint8Array(size), fileIndex = new Int32Array(size), originIndex = new Int32Array(size);
    line.set(this.line); flags.set(this.flags); fileIndex.set(this.fileIndex); originIndex.set(this.originIndex);
    this.line = line; this.flags = flags; this.fileIndex = fileIndex; this.originIndex = originIndex;
  }

  at(i: number): PPLine {
    const o = this.origin(i);
    const f = this.flags[i];
    const l: PPLine = {
      file: this.file(i), line: this.line[i], text: this.text[i], tokens: this.tokensOf(i), expansion: o.expansion, depth: o.depth,
      listOnly: (f & LineFlag.ListOnly) !== 0, macroCall: o.macroCall, outerCall: o.outerCall, inMacro: o.inMacro, verbatim: (f & LineFlag.Verbatim) !== 0,
    };
    return l;
  }

  all(): PPLine[] {
    const out: PPLine[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  /** The statement's extent: its tokens, or the whole line when it has none. */
  range(i: number): SourceRange {
    const file = this.file(i);
    const toks = this.tokens[i];
    if (toks === undefined) {
      const e = this.entries[i]!;
      return e.blank ? lineRange(file, this.line[i], 0, this.text[i].length) : lineRange(file, this.line[i], e.codeStart, e.codeEnd);
    }
    return toks.length > 0 ? lineRange(file, this.line[i], toks[0].start, toks[toks.length - 1].end) : lineRange(file, this.line[i], 0, this.text[i].length);
  }
}

export function lineRange(file: string, line: number, start: number, end: number): SourceRange {
  return { file, start: { line, col: start }, end: { line, col: end } };
}
