// `nasm -E`: the preprocessor's output as text, as nasm 2.16.01 prints it. Each line is its tokens
// written back (nasm's detoken: a run of blanks is one space, comments and trailing blanks gone),
// the standard macros (`bits`, `section`, `align`, `struc`, ...) as the lines their bodies make,
// and a `%line N+M file` marker wherever the numbering does not go on as the reader expects.
// This runs only when asked: it reads every line again, which the assembly itself never does.

import type { Diagnostic, SourceRange } from './api';
import { DiagnosticSink } from './diagnostics';
import { timesByPassed } from './message-rounds';
import { preprocess, type PreprocessOptions, type PreprocessResult, type SectDefinition } from './preprocessor';
import { LineFlag, lineRange, spaced, type PPLines, type PPToken } from './source';
import { openString, tokenizeLine } from './lexer';
import { joinPath, searchPlaces } from './paths';
import { WarningSwitches } from './warning-switches';
import { quoteBytes } from './strings';
import { spelled, StandardExpansion, type StandardWarning } from './standard-expansion';
import { StandardMacroCalls } from './standard-macros';

export interface PreprocessOnlyOptions extends PreprocessOptions {
  /** The `-w`/`-W` options in order, as `ringside asm` takes them. */
  readonly warnings?: readonly string[];
  /**
   * The name nasm gives a file in `%line` markers and `__FILE__`: the main file as given on its
   * command line, an included one as its `%include` found it (`written`: the name as written).
   */
  readonly nameOf: (file: string, written: string | undefined) => string;
}

export interface PreprocessOnlyResult {
  /** nasm's standard output: every line, after an error too (a `%fatal` stops it there). */
  readonly text: string;
  /** One per place, as `assemble`'s. */
  readonly diagnostics: readonly Diagnostic[];
  /** As nasm prints them: `diagnostics`, each again for each later `%rep` round that gave it (see message-rounds.ts), in order. */
  readonly printedMessages: readonly Diagnostic[];
  readonly errors: number;
  readonly pp: PreprocessResult;
}

/**
 * Keeps, for each diagnostic, how many lines the preprocessor had passed on when it came, so the
 * warnings of the standard macros (found as the lines are written out) take their place among them.
 */
class PlacedSink extends DiagnosticSink {
  readonly placed = new WeakMap<Diagnostic, number>();

  override report(...args: Parameters<DiagnosticSink['report']>): void {
    const n = this.list.length;
    super.report(...args);
    if (this.list.length > n) this.placed.set(this.list[n], this.position());
  }
}

/** A warning (or error) of a standard macro's call (StandardWarning), about output line `line`. */
interface LineWarning {
  readonly line: number;
  readonly severity: 'warning' | 'error';
  /** Which of the same message at the same place this is (DiagnosticSink.report's `repeat`). */
  readonly repeat: number;
  readonly code: string;
  readonly message: string;
  readonly range: SourceRange;
  readonly expansion: readonly SourceRange[];
}

export function preprocessOnly(opts: PreprocessOnlyOptions): PreprocessOnlyResult {
  const sink = new PlacedSink();
  const pp = preprocess({ ...opts, preprocessOnly: true, fileName: opts.nameOf }, sink);
  const written = new Map<string, string>();
  for (const inc of pp.includes) if (inc.resolved !== undefined && !written.has(inc.resolved)) written.set(inc.resolved, inc.target);
  const names = new Map<string, string>();
  const nameOf = (file: string): string => {
    let name = names.get(file);
    if (name === undefined) names.set(file, (name = opts.nameOf(file, written.get(file))));
    return name;
  };
  const warnings: LineWarning[] = [];
  // `incbin`'s file as nasm's `%pathsearch` names it: found in the working directory (where nasm
  // looks first) or under a `-I` directory, else as written.
  const pathOf = (name: string): string => {
    const found = searchPlaces(opts.file, opts.workingDirectory, opts.includePaths, name).find((c) => opts.readFile(c) !== undefined);
    return found === undefined ? name : opts.nameOf(found, name);
  };
  const text = renderPreprocessed(pp, nameOf, warnings, pathOf);
  // All in the order nasm reports them, then the command line's warning switches (nasm -E reads
  // no `[warning]` line: its assembler does, measured).
  const all = new DiagnosticSink();
  let w = 0;
  const putWarnings = (upTo: number): void => {
    // (Placed as of the line after theirs: before the messages given once it was passed on.)
    for (; w < warnings.length && warnings[w].line < upTo; w++) all.report(warnings[w].severity, warnings[w].code, warnings[w].message, warnings[w].range, warnings[w].expansion, undefined, warnings[w].line + 1, -1, warnings[w].repeat);
  };
  // (Each time a message was given, with the count of lines passed on by then: a later round's is another.)
  // (Entries alike but for their `repeat`, a message nasm gives twice over, stay apart: see DiagnosticSink.report.)
  const alike = new Map<string, number[]>();
  for (const t of timesByPassed(sink.list, sink.places(), (d) => sink.placed.get(d) ?? 0)) {
    putWarnings(t.passed);
    const d = t.diagnostic;
    const key = `${d.severity}\0${d.message}\0${d.range.file}\0${d.range.start.line}\0${d.range.start.col}`;
    let entries = alike.get(key);
    if (entries === undefined) alike.set(key, (entries = []));
    let repeat = entries.indexOf(t.entry);
    if (repeat < 0) repeat = entries.push(t.entry) - 1;
    all.report(d.severity, d.code, d.message, d.range, d.expansion, d.related, t.passed, -1, repeat);
  }
  putWarnings(Infinity);
  all.applySwitches(new WarningSwitches(opts.warnings ?? []));
  const placed = all.places();
  const printedMessages = timesByPassed(all.list, placed, (_, i) => placed.passed[i]).map((t) => t.diagnostic);
  return { text, diagnostics: all.list, printedMessages, errors: all.errors, pp };
}

/** Where nasm says a line is: the name and 1-based number of its `%line` markers. */
interface Where {
  name: string;
  line: number;
}

/**
 * Writes the markers as nasm.c's preprocess-only loop does (nasm 2.16.01, measured against it):
 * `linnum` is the line the reader expects next and `lineinc` the step it last announced. A line
 * one past the expected one is preceded by an empty line instead of a marker; a line the same as
 * the one before (a `%rep` round, a macro called again) turns the step to 0 (`%line 10+0`); with
 * step 0, a line one past the last turns it back to 1.
 */
/**
 * A file name as nasm 2.16.01 writes it in a `%line` marker: as it is, but quoted as nasm quotes
 * strings (quoteBytes) when it begins or ends with a blank or a quote, or holds a control character
 * or two spaces in a row (measured: `# 6 " file.c"` is written `' file.c'`, `"a'"` `"a'"`, `"b'c"`
 * `b'c`, `"a\`"` quoted, a tab in backquotes as `\t`, DEL bare; `'a b'`, `'a;b'` and `'#a'` bare,
 * `'a  b'` quoted), and an empty one `""`. (A name with other than ASCII in it is left as it is.)
 */
function markerName(name: string): string {
  if (name === '') return '""';
  if (!/^[\s'"`]|[\s'"`]$|[\x00-\x1f]| [\x00-\x20]/.test(name) || /[^\x00-\x7f]/.test(name)) return name;
  return quoteBytes(Uint8Array.from(name, (c) => c.charCodeAt(0)));
}

class MarkerWriter {
  private readonly out: string[] = [];
  private name: string | undefined;
  private linnum = 0;
  private lineinc = 0;

  put(where: Where, text: string): void {
    const out = this.out;
    if (this.name !== where.name) {
      this.name = where.name;
      this.linnum = -1;
      this.lineinc = 1;
    } else if (this.lineinc !== 0) {
      if (this.linnum + this.lineinc === where.line) {
        out.push('');
        this.linnum += this.lineinc;
      } else if (this.linnum - this.lineinc === where.line) this.lineinc = 0;
    } else if (this.linnum + 1 === where.line) this.lineinc = 1;
    // An empty line needs no place of its own when a marker comes anyway.
    if (this.linnum === -1 && text === '') return;
    if (this.linnum !== where.line) out.push(`%line ${where.line}+${this.lineinc} ${markerName(where.name)}`);
    this.linnum = where.line + this.lineinc;
    out.push(text);
  }

  text(): string {
    return this.out.length === 0 ? '' : this.out.join('\n') + '\n';
  }
}

/** The preprocessed lines of `pp` as `nasm -E` prints them. */
function renderPreprocessed(pp: PreprocessResult, nameOf: (file: string) => string, warnings: LineWarning[], pathOf: (name: string) => string): string {
  const lines = pp.lines;
  const writer = new MarkerWriter();
  const standard = new StandardExpansion(pathOf);
  // nasm's `..@N` counter before line `i`: the source's calls and `%push`es before it, and the
  // standard macros' calls on the lines before it.
  const calls = new StandardMacroCalls(undefined, pp.sectDefinitions);
  let own = 0;
  let i = 0;
  const counter = (): number => {
    while (own < pp.uniqueIdLines.length && pp.uniqueIdLines[own] <= i) own++;
    return own + calls.idsUpTo(lines, i);
  };
  // The source's definition of `__?SECT?__` at line `i`, unless a `section` line (the last at
  // `lastSection`) defined it again since (see PreprocessResult.sectDefinitions).
  let lastSection = -1;
  const userSect = (): SectDefinition | undefined => {
    let k = pp.sectDefinitions.length - 1;
    while (k >= 0 && pp.sectDefinitions[k].at > i) k--;
    return k >= 0 && pp.sectDefinitions[k].at > lastSection ? pp.sectDefinitions[k] : undefined;
  };
  // Whether `%aliases off` holds at line `i` (see PreprocessResult.aliasSwitches).
  let switched = 0, aliasesOff = false;
  const warn: StandardWarning = (code, message, t, severity = 'warning', repeat = 0) =>
    warnings.push({ line: i, severity, repeat, code, message, range: lineRange(lines.file(i), lines.line[i], t.start, t.end), expansion: lines.origin(i).expansion });
  for (; i < lines.count; i++) {
    const flags = lines.flags[i];
    if ((flags & LineFlag.Consumed) !== 0) {
      // A `%pragma` line keeps its expanded words (see the preprocessor).
      const pragma = lines.tokensOf(i);
      if (pragma.length > 0) writer.put(whereOf(pp, i, nameOf), `[pragma ${detokenized(pragma).trimStart()}]`);
      continue;
    }
    const where = whereOf(pp, i, nameOf);
    const toks = lines.tokensOf(i);
    // A line passed on as written is its assembler's to warn of an unterminated string in (the
    // preprocessor warns of the others), which nasm's preprocessor does as it reads the line.
    if (lines.tokens[i] === undefined) {
      const open = openString(toks);
      if (open !== undefined) warn('open-string', open.message, open.token);
    }
    if ((flags & LineFlag.Label) !== 0) {
      writer.put(where, labelText(lines.text[i], toks));
      continue;
    }
    // (After `%clear`, a standard macro's word calls nothing: see withoutStandardMacros.)
    const sections = standard.sectionLines;
    const expansion = toks.length > 0 && !toks.some((t) => t.unmacroed === true) ? standard.expand(toks, counter, warn, () => pp.structureContext(i), () => pp.structureText(i), userSect,
      (flags & LineFlag.StartPasted) === 0 && BLANK_START.test(lines.text[i]), (flags & LineFlag.EndsBlank) !== 0) : undefined;
    if (standard.sectionLines !== sections) lastSection = i;
    if (expansion !== undefined) {
      for (const l of expansion) writer.put(where, l);
      continue;
    }
    while (switched < pp.aliasSwitches.length && pp.aliasSwitches[switched].at <= i) aliasesOff = pp.aliasSwitches[switched++].off;
    writer.put(where, expandedLineText(lines, i, aliasesOff));
  }
  return writer.text();
}

function whereOf(pp: PreprocessResult, i: number, nameOf: (file: string) => string): Where {
  const lines = pp.lines;
  const at = lines.origin(i).reportedAt;
  const file = at !== undefined ? at.file : lines.file(i);
  const line = at !== undefined ? at.start.line : lines.line[i];
  const p = pp.reported.empty ? undefined : pp.reported.at(file, line);
  return p !== undefined ? { name: p.file ?? nameOf(file), line: p.line + 1 } : { name: nameOf(file), line: line + 1 };
}

/**
 * Line `i` written back as nasm's detoken writes it. An expansion that came to nothing leaves the
 * blanks before it (LineFlag.EndsBlank), and a line of code that came to nothing is one blank
 * (measured: `E` with `%define E` is ` `, a blank line stays empty). While `%aliases off`
 * (`aliasesOff`), nasm's `__X__` aliases of its token macros are written as they are (see spelled).
 */
export function expandedLineText(lines: PPLines, i: number, aliasesOff = false): string {
  const toks = lines.unreread?.get(i) ?? lines.tokensOf(i);
  const flags = lines.flags[i];
  if (toks.length === 0) {
    // Parameters that left nothing leave the blanks around them (measured: `%1` and `%1 ; c`
    // with %1 empty are empty lines, `  %1` and `%1 %2` a blank), so do environment variables
    // that gave nothing (measured: `%!UNSET` is an empty line, ` %!UNSET` a blank).
    // (Blanks inside a `%{...}` are its own: measured, `%{%%y:dw 2 ; c` outside a macro is an
    // empty line.)
    if ((flags & LineFlag.LeftEmpty) !== 0) return blanksBetween(lines.text[i]) ? ' ' : '';
    return (flags & LineFlag.Verbatim) === 0 && tokenizeLine(lines.text[i]).some((t) => t.kind !== 'comment') ? ' ' : '';
  }
  // (A line's first token that an expansion made keeps the blanks written before the call: ` ret`
  // with `%idefine ret retf` is ` retf`.)
  // (One whose first `%+` pasting dropped loses those blanks: see LineFlag.StartPasted.)
  const text = (flags & LineFlag.Verbatim) !== 0 ? sourceText(toks, aliasesOff)
    : detokenized(toks, (flags & LineFlag.StartPasted) === 0 && BLANK_START.test(lines.text[i]), aliasesOff);
  return (flags & LineFlag.EndsBlank) !== 0 ? text + ' ' : text;
}

/** A line's own tokens: a blank wherever the source has blanks, one for a run. */
function sourceText(toks: readonly PPToken[], aliasesOff: boolean): string {
  let s = '';
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === 'comment') break;
    if (k === 0 ? t.start > 0 : toks[k - 1].end < t.start) s += ' ';
    s += aliasesOff && t.unmacroed !== true ? t.text : spelled(t);
  }
  return s;
}

const BLANK_START = /^[ \t]/;

/** Whether line `text` has blanks before its first token or between two, its comment aside. */
function blanksBetween(text: string): boolean {
  const toks = tokenizeLine(text);
  for (let k = 0; k < toks.length && toks[k].kind !== 'comment'; k++) if (k === 0 ? toks[k].start > 0 : toks[k - 1].end < toks[k].start) return true;
  return false;
}

/**
 * Tokens an expansion made: blanks where `spaced` says nasm's tokens have them; `blankFirst`: a
 * blank before the first whatever its own gap says.
 */
function detokenized(toks: readonly PPToken[], blankFirst = false, aliasesOff = false): string {
  let s = '';
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind === 'comment') break;
    if (k === 0 ? blankFirst || (t.gap ?? t.start > 0) : spaced(toks[k - 1], t)) s += t.blanks === undefined ? ' ' : ' '.repeat(t.blanks);
    s += aliasesOff && t.unmacroed !== true ? t.text : spelled(t);
  }
  return s;
}

/**
 * The label written before a macro call, on its line of its own: nasm keeps the tokens before the
 * macro's name, blanks too, and adds a colon when there is none (`x: m` is `x: `, `y m` is `y :`).
 */
function labelText(text: string, toks: readonly PPToken[]): string {
  const synthesized = isSynthesizedLabel(toks);
  const kept = synthesized ? toks.slice(0, -1) : toks;
  const last = kept[kept.length - 1];
  const blank = last !== undefined && (text.charCodeAt(last.end) === 0x20 || text.charCodeAt(last.end) === 0x09);
  return detokenized(kept) + (blank ? ' ' : '') + (synthesized ? ':' : '');
}

/** The label line multiLineCall makes for `y m`: `y` and a colon written nowhere. */
function isSynthesizedLabel(toks: readonly PPToken[]): boolean {
  return toks.length === 2 && toks[1].text === ':' && toks[1].start === toks[1].end && toks[0].kind === 'ident';
}

/**
 * How `nasm -E` run in directory `dir` names the files (PreprocessOnlyOptions.nameOf), with
 * `main` given to it as `mainName`: an included file as its `%include` wrote it when that finds it
 * from `dir`, any other by its path relative to `dir`.
 */
export function namesFromDirectory(dir: string, main: string, mainName: string): (file: string, written: string | undefined) => string {
  return (file, written) => {
    if (file === main) return mainName;
    if (written !== undefined && joinPath(dir, written) === file) return written;
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    return file.startsWith(prefix) ? file.slice(prefix.length) : file;
  };
}
