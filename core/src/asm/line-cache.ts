// What is known of a source line by its text (its parse, and its tokens while something needs
// them), shared between identical lines and kept across assemble() calls (the language server
// re-assembles after every edit, and most lines did not change), with what the preprocessor needs
// to know worked out once; and each file's lines as of its last reading, so an edited file's
// unchanged lines find their entries without a lookup.

import { bitsWordAt, codeEnd, isIdentChar, isIdentStart, skipBlanks, tokenizeLine, type Token } from './lexer';
import type { CachedParse, ParsedStatement } from './parser';

/** LineEntry's yes-or-no facts, as bits of one field (a line cache holds many entries). */
const enum LineFacts { Plain = 1, Blank = 2, Continued = 4, StmtSetsBase = 8 }

/**
 * A line's facts. Its tokens are kept only once something other than the parse of a plain line
 * asked for them (the preprocessor's own work on the line, a macro capture, a diagnostic): a
 * plain line is parsed once and its parse kept, so the tokens it was parsed from are dropped
 * young instead of being kept (and copied by the collector) for every distinct line.
 */
export class LineEntry {
  /**
   * The line's statement when assembled as written and its parse is clean (no problem, no
   * warning, no `.local` name), so the same under every non-local label; kept by parseLine, which
   * keeps any other parse in `parse`. These (and `stmtSetsBase`) are the mutable part of an
   * entry, so an unchanged line finds its parse without a lookup by text.
   */
  stmt: ParsedStatement | undefined = undefined;
  parse: CachedParse | undefined = undefined;
  private all: readonly Token[] | undefined;
  private withoutComment: readonly Token[] | undefined;
  private facts: number;
  /**
   * The set of macro names (Preprocessor.macroNames) under which the line was found to name none
   * of them (0: never), so a repeated line is not checked again. Written by the preprocessor.
   */
  namesNoMacroOf = 0;

  constructor(
    /**
     * The line's text: the one string every later stage keys its caches by, so they find it by
     * identity and each file's own copy of the line can be dropped after preprocessing.
     */
    readonly text: string,
    plain: boolean,
    blank: boolean,
    continued: boolean,
    /** The first column of the code (0 when blank). */
    readonly codeStart: number,
    /** The column past the code (0 when blank), or -1 until first asked for (see `codeEnd`). */
    private end: number,
    tokens: readonly Token[] | undefined,
  ) {
    this.facts = (plain ? LineFacts.Plain : 0) | (blank ? LineFacts.Blank : 0) | (continued ? LineFacts.Continued : 0);
    if (tokens !== undefined) this.keep(tokens);
  }

  /**
   * No `%` construct, no `__X__` standard macro, not `bits`/`use16`/`use32`: with no macros
   * defined and no conditional or capture open, the preprocessor passes the line on as written.
   */
  get plain(): boolean {
    return (this.facts & LineFacts.Plain) !== 0;
  }

  /** No code, perhaps a comment: listed, not assembled (`code` is empty). */
  get blank(): boolean {
    return (this.facts & LineFacts.Blank) !== 0;
  }

  /** Ends with a backslash: the next line is joined to it before anything reads it. */
  get continued(): boolean {
    return (this.facts & LineFacts.Continued) !== 0;
  }

  /** `stmt` sets the non-local label (to its `localBase`): it has one, or is `struc`. */
  get stmtSetsBase(): boolean {
    return (this.facts & LineFacts.StmtSetsBase) !== 0;
  }

  /** Keeps the line's clean parse (see `stmt`). */
  keepStmt(stmt: ParsedStatement, setsBase: boolean): void {
    this.stmt = stmt;
    this.facts = setsBase ? this.facts | LineFacts.StmtSetsBase : this.facts & ~LineFacts.StmtSetsBase;
  }

  /**
   * The column past the code: found when first asked for (the language server's ranges), not
   * for every line read, since an assembly alone never asks.
   */
  get codeEnd(): number {
    if (this.end < 0) this.end = codeEnd(this.text, this.codeStart);
    return this.end;
  }

  /** Every token, the comment included (kept from now on). */
  get tokens(): readonly Token[] {
    if (this.all === undefined) this.keep(tokenizeLine(this.text));
    return this.all!;
  }

  /** Keeps `code`, made by `codeOnce`, from now on (a line that will be parsed again). */
  keepCode(code: readonly Token[]): void {
    this.withoutComment ??= code;
  }

  /** The tokens without a trailing comment (`tokens` itself when there is none), kept from now on. */
  get code(): readonly Token[] {
    if (this.withoutComment === undefined) this.keep(tokenizeLine(this.text));
    return this.withoutComment!;
  }

  /** `code`, made again and not kept when it is not kept already: for a parse, which is kept itself. */
  codeOnce(): readonly Token[] {
    return this.withoutComment ?? withoutComment(tokenizeLine(this.text));
  }

  private keep(tokens: readonly Token[]): void {
    this.all = tokens;
    // A `code` already handed out stays the one (the preprocessor compares it by identity).
    this.withoutComment ??= withoutComment(tokens);
  }
}

function withoutComment(tokens: readonly Token[]): readonly Token[] {
  const last = tokens[tokens.length - 1];
  return last !== undefined && last.kind === 'comment' ? tokens.slice(0, -1) : tokens;
}

/** Distinct line texts kept; past this the cache starts over (a bound, not a tuning knob). */
const MAX_LINES = 1 << 18;
/** Lines longer than this are rare and seldom repeat: not worth keeping. */
const MAX_LENGTH = 200;

let cache = new Map<string, LineEntry>();

/** Forgets every line entry and every file's kept text (see `forgetCaches` in index.ts). */
export function forgetLines(): void {
  cache = new Map();
  files.clear();
}

/** The entry for `text`, shared: callers must not modify it, its arrays or its tokens. */
export function lineEntry(text: string): LineEntry {
  if (text.length > MAX_LENGTH) return newEntry(text);
  let e = cache.get(text);
  if (e === undefined) {
    e = newEntry(text);
    if (cache.size >= MAX_LINES) cache = new Map();
    cache.set(text, e);
  }
  return e;
}

const BITS_WORDS: ReadonlySet<string> = new Set(['bits', 'use16', 'use32']);

function newEntry(text: string): LineEntry {
  const continued = text.charCodeAt(text.length - 1) === 0x5c;
  // Without `%` or `__` anywhere the line is plain unless it starts with `bits` and the like,
  // which its first characters tell without making tokens (or with `#`, a cpp line marker).
  if (text.indexOf('%') < 0 && !text.includes('__') && text.charCodeAt(0) !== 0x23) {
    const start = skipBlanks(text, 0);
    if (start === text.length || text.charCodeAt(start) === 0x3b) return new LineEntry(text, true, true, continued, 0, 0, undefined);
    if (!bitsWordAt(text, start) && !bitsWordAfterLabel(text, start)) return new LineEntry(text, true, false, continued, start, -1, undefined);
  }
  const tokens = tokenizeLine(text);
  const code = withoutComment(tokens);
  const blank = code.length === 0;
  return new LineEntry(text, isPlain(code), blank, continued, blank ? 0 : code[0].start, blank ? 0 : code[code.length - 1].end, tokens);
}

/**
 * Whether the word after a line's first, and a colon after it, is `bits`, `use16` or `use32`
 * (see bitsWordAt): nasm's preprocessor calls the macro `bits` after a label, `foo: bits 32` and
 * `foo bits 32` (measured with nasm 2.16.01: `__?BITS?__` is 32 after either).
 */
function bitsWordAfterLabel(text: string, start: number): boolean {
  if (!isIdentStart(text.charCodeAt(start))) return false;
  let i = start + 1;
  while (i < text.length && isIdentChar(text.charCodeAt(i))) i++;
  i = skipBlanks(text, i);
  if (text.charCodeAt(i) === 0x3a) i = skipBlanks(text, i + 1);
  return text.charCodeAt(i) !== 0x5b && bitsWordAt(text, i);
}

function isPlain(toks: readonly Token[]): boolean {
  // (`# nnn "file"` first on the line: the preprocessor's, as `%line`.)
  if (toks.length > 0 && toks[0].start === 0 && toks[0].text === '#') return false;
  for (const t of toks) {
    if (t.kind === 'preproc') return false;
    // (`%`, `%%`, and a `%{{...}` nasm leaves as written: see bracedToken.)
    if (t.kind === 'op' && t.text.charCodeAt(0) === 0x25) return false;
    if (t.kind === 'ident' && t.text.charCodeAt(0) === 0x5f && t.text.charCodeAt(1) === 0x5f) return false;
  }
  const first = toks[0]?.text === '[' ? toks[1] : toks[0];
  if (first !== undefined && first.kind === 'ident' && (first.text.length === 4 || first.text.length === 5)) {
    if (BITS_WORDS.has(first.text.toLowerCase())) return false;
  }
  // (After a label too: see bitsWordAfterLabel.)
  const after = toks[0]?.kind === 'ident' ? toks[toks[1]?.text === ':' ? 2 : 1] : undefined;
  return after === undefined || after.kind !== 'ident' || !BITS_WORDS.has(after.text.toLowerCase());
}

/**
 * A file's text as lines, each line's text cut out and its entry made on first use. The lines an
 * edit left alone, and their entries, carry over from the file's previous text (see `fileLines`).
 * Only each distinct line's text is kept (the entry's): a large file repeats most of its lines,
 * and a string kept per line would be copied by every young-generation collection it lives
 * through.
 */
export class FileLines {
  private constructor(
    readonly text: string,
    /** Where each line starts in `text`. */
    private readonly starts: Int32Array,
    private readonly entries: (LineEntry | undefined)[],
  ) {}

  static of(text: string): FileLines {
    // One search for each line feed (not a count first, then the starts): room for lines of 16
    // characters on average, more made as needed.
    let starts = new Int32Array(1 + (text.length >> 4));
    let count = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
      if (count === starts.length) { const more = new Int32Array(count * 2); more.set(starts); starts = more; }
      starts[count++] = at + 1;
    }
    return new FileLines(text, starts.slice(0, count), new Array<LineEntry | undefined>(count));
  }

  /** The number of lines (one more than the line feeds). */
  get count(): number {
    return this.starts.length;
  }

  /** The text of line `i` without its LF or CRLF terminator, as `splitLines` gives it. */
  line(i: number): string {
    return this.entries[i]?.text ?? this.cut(i);
  }

  /** The entry of line `i` as written (no backslash continuation applied). */
  entry(i: number): LineEntry {
    return (this.entries[i] ??= lineEntry(this.cut(i)));
  }

  private cut(i: number): string {
    const text = this.text, from = this.starts[i];
    let to = i + 1 < this.starts.length ? this.starts[i + 1] - 1 : text.length;
    if (to > from && text.charCodeAt(to - 1) === 0x0d) to--;
    return text.slice(from, to);
  }

  /** Adds the entries made so far for this file's lines to `into`, by text. */
  keepEntries(into: Map<string, LineEntry>): void {
    for (const e of this.entries) if (e !== undefined && e.text.length <= MAX_LENGTH) into.set(e.text, e);
  }

  /**
   * A new text of the same file: only the lines between the first and the last character that
   * differ are cut out again; the lines before and after them are the old ones, entries included.
   */
  next(text: string): FileLines {
    const old = this.text;
    const prefix = commonPrefix(old, text);
    const suffix = commonSuffix(old, text, Math.min(old.length, text.length) - prefix);
    const count = this.starts.length;
    // Old lines first..last hold every changed character; the lines around them are unchanged.
    const first = lineAt(this.starts, prefix);
    const last = lineAt(this.starts, old.length - suffix);
    const delta = text.length - old.length;
    const from = this.starts[first];
    const to = last + 1 < count ? this.starts[last + 1] - 1 + delta : text.length;
    const middle = 1 + newlines(text, from, to);
    const total = first + middle + (count - last - 1);
    const entries = new Array<LineEntry | undefined>(total);
    const starts = new Int32Array(total);
    starts.set(this.starts.subarray(0, first));
    for (let i = 0; i < first; i++) entries[i] = this.entries[i];
    for (let k = 0, at = from; k < middle; k++) {
      starts[first + k] = at;
      at = text.indexOf('\n', at) + 1;
    }
    for (let o = last + 1, i = first + middle; o < count; o++, i++) {
      entries[i] = this.entries[o]; starts[i] = this.starts[o] + delta;
    }
    const lines = new FileLines(text, starts, entries);
    // The changed lines' entries are made now, each of a copy of its line: a line cut out of
    // `text` would keep all of `text` alive (see detached) for as long as its entry lives, and an
    // editing session would keep every version of the file it typed a new line into.
    for (let k = 0; k < middle; k++) entries[first + k] = lineEntry(detached(lines.cut(first + k)));
    return lines;
  }
}

/**
 * `line`, the text of a line cut out of a larger text, as a string of its own. V8 makes a slice of
 * 13 characters or more a view of the string it was cut from, which stays alive while the view
 * does; the concatenation below is copied out into a new string before it is sliced.
 */
function detached(line: string): string {
  return (line + ' ').slice(0, -1);
}

/** The line feeds in `text` from `from` up to `to`. */
function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/** The line whose text (or terminator) holds offset `at`: the last line starting at or before it. */
function lineAt(starts: Int32Array, at: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** Blocks compared natively, then characters: a file's texts before and after an edit are mostly equal. */
const BLOCK = 4096;

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i + BLOCK <= n && a.substring(i, i + BLOCK) === b.substring(i, i + BLOCK)) i += BLOCK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function commonSuffix(a: string, b: string, max: number): number {
  let n = 0;
  while (n + BLOCK <= max && a.substring(a.length - n - BLOCK, a.length - n) === b.substring(b.length - n - BLOCK, b.length - n)) n += BLOCK;
  while (n < max && a.charCodeAt(a.length - n - 1) === b.charCodeAt(b.length - n - 1)) n++;
  return n;
}

/** Files whose last text is kept; past this the oldest is forgotten (a memory bound). */
const MAX_FILES = 64;
/**
 * Entries kept whatever they belong to. Past this, when most entries are no longer lines of a
 * kept file (files closed, texts replaced), the cache keeps only the kept files' lines.
 */
const TRIM_AT = 1 << 15;

const files = new Map<string, FileLines>();

/** Forgets `file`'s last text (its editor closed it): its lines may go at the next trim. */
export function forgetFile(file: string): void {
  files.delete(file);
}

/**
 * Keeps only the entries of kept files' lines once the cache holds TRIM_AT entries and more than
 * twice as many as those files have lines: a long editing session holds the lines of what is open,
 * not of everything it ever opened (a distinct line with its parse costs ~1.5 KB).
 */
function trimLines(): void {
  if (cache.size < TRIM_AT) return;
  let live = 0;
  for (const f of files.values()) live += f.count;
  if (cache.size <= 2 * live) return;
  const kept = new Map<string, LineEntry>();
  for (const f of files.values()) f.keepEntries(kept);
  cache = kept;
}

/** The lines of `text`, the current text of `file`, reusing what the file's previous text had in common with it. */
export function fileLines(file: string, text: string): FileLines {
  const known = files.get(file);
  let lines: FileLines;
  if (known === undefined) lines = FileLines.of(text);
  else if (known.text === text) return known;
  else lines = known.next(text);
  files.delete(file);
  if (files.size >= MAX_FILES) files.delete(files.keys().next().value as string);
  files.set(file, lines);
  trimLines();
  return lines;
}

/** Lines without their LF or CRLF terminators (a plain split: no regex over a large file). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (text.includes('\r')) for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
  return lines;
}
