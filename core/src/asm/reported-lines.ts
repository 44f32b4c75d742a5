// Where nasm reports a line that `%line nnn[+mmm] [filename]` renumbered (NASM manual, "%line
// Directive"): the file name and line number of its messages, `__LINE__`, `__FILE__` and listing.
//
// Ringside's ranges (diagnostics, the source map, every editor feature) stay on the real lines:
// an editor cannot show a range in a file that may not exist, and a debugger must stop on the line
// it shows. A place is turned into the one nasm reports only where nasm's text is copied: the
// CLI's messages, `__LINE__`/`__FILE__` and the listing's line numbers.
//
// Why a table by real file and line is exact: nasm reads `%line` as it reads a file's lines,
// before conditionals, `%rep` and macro definitions (measured with nasm 2.16.01: one in a skipped
// `%if` applies; one inside a `%macro` or `%rep` body renumbers the lines after it at once and is
// no line of the body), and every %include starts the file at its own name and line 1 (the
// includer's numbering resumes after it). So how a line is reported depends only on the lines of
// its file before it: every inclusion of a file is renumbered alike, and a macro body's lines keep
// the places of their definition, as nasm's `... from macro defined here` lines and `__LINE__` in
// a body show.

import type { LineDirective } from './api';
import { isFloatText } from './numbers';
import type { Token } from './lexer';
import { parseNumber, parseNumberExact } from './numbers';
import { CONTROL_IN_STRING, cutAtControl, decodeString, stringText } from './strings';

/** How nasm reports a place: the name `%line` gave (undefined: the file's own) and line. */
export interface ReportedPlace {
  readonly file: string | undefined;
  /** 0-based like SourceRange lines: nasm's number less one (-1 for nasm's line 0). */
  readonly line: number;
}

interface Renumbering {
  /** The directive's last line (its first, unless a `\` joined lines to it): lines after it are renumbered. */
  readonly after: number;
  /** The number of the line after `after`, less `step`. */
  readonly number: number;
  readonly step: number;
  readonly name: string | undefined;
}

export class ReportedLines {
  /** By real file, sorted by `after`. */
  private readonly byFile = new Map<string, Renumbering[]>();
  /** Every directive read, in order (repeats of a file read again included). */
  readonly directives: LineDirective[] = [];

  constructor(directives: readonly LineDirective[] = []) {
    for (const d of directives) this.add(d);
  }

  get empty(): boolean {
    return this.byFile.size === 0;
  }

  add(d: LineDirective): void {
    this.directives.push(d);
    let list = this.byFile.get(d.file);
    if (list === undefined) this.byFile.set(d.file, (list = []));
    // The lines a `\` joined to the directive's first are counted after it, by the step in force
    // before it (measured with nasm 2.16.01: after `%line 300+5 a.c`, a `%line 60` continued on
    // one more line makes the line after it 66; after `+0`, 61): its renumbering starts from its
    // last line.
    const joined = d.joined ?? 0;
    const after = d.line + joined;
    // A file read again reads the same directives again (see above): each is kept once.
    const k = this.indexAtOrBefore(list, after);
    if (k >= 0 && list[k].after === after) return;
    // Without a name, the lines go on in the name the file's lines before had.
    const name = d.name ?? (k >= 0 ? list[k].name : undefined);
    const stepBefore = k >= 0 ? list[k].step : 1;
    list.splice(k + 1, 0, { after, number: (d.number + Math.imul(stepBefore, joined)) | 0, step: d.step, name });
  }

  /**
   * How nasm reports line `line` (0-based) of `file`, when a `%line` renumbered it; undefined
   * when none did. nasm counts in 32 bits: `%line nnn+mmm` makes the next line nnn+mmm, each
   * line read after it mmm more (a line continued with `\` counts each line it joins).
   */
  at(file: string, line: number): ReportedPlace | undefined {
    const list = this.byFile.get(file);
    if (list === undefined) return undefined;
    const k = this.indexAtOrBefore(list, line - 1);
    if (k < 0) return undefined;
    const r = list[k];
    return { file: r.name, line: ((r.number + Math.imul(r.step, line - r.after)) | 0) - 1 };
  }

  /** The last entry of `list` whose directive is on line `line` or before, -1 when none is. */
  private indexAtOrBefore(list: readonly Renumbering[], line: number): number {
    let lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].after <= line) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }
}

/**
 * Whether a line whose `%` constructs are expanded, `first` its first token (`atStart`: nothing
 * written before it), is a `%line` or a cpp line marker: nasm 2.16.01 reads it so after a macro's
 * parameters, and ignores it in an expansion, errors too (measured: with `%macro m 1+` / `%1`,
 * `m # db 6` and `m %line x` are nothing at all, as `at r.b, # 5` is the padding alone; ` %1`,
 * indented, puts a blank before the `#`, and `m # db 6` is then "label or instruction expected at
 * start of line").
 */
export function opensLineDirective(first: Token | undefined, atStart: boolean): boolean {
  if (first === undefined) return false;
  return first.kind === 'preproc' ? first.text.toLowerCase() === '%line' : atStart && first.text === '#';
}

/**
 * The value of environment variable `name`, written from token `from` to `to` in a `%line`'s file
 * name (`%!NAME`, `%!'NAME'`): nothing when it is not set, after nasm's warning.
 */
export type LineEnvironment = (name: string, from: Token, to: Token) => string;

/**
 * `%line nnn[+mmm] [filename]` (tokens `toks`) on line `line` of file `file`, as nasm 2.16.01 reads
 * it (measured): `nnn` an integer constant in any of its forms (`12x` is 0x12, a malformed one 0, a
 * float is none), `+mmm` written against it, and the rest of the line the name: a quoted string's
 * contents (what follows it dropped), else the words with each run of blanks made one space. The
 * directive, or nasm's error message; a name cut at a control character is the directive with
 * `nameError`, nasm's error for it (see cutAtControl).
 */
export function readLineDirective(written: readonly Token[], file: string, line: number, environment?: LineEnvironment): (LineDirective & { readonly nameError?: string }) | string {
  const toks = numbersApart(written);
  const integer = (t: Token | undefined): t is Token => t !== undefined && t.kind === 'number' && !isFloatText(t.text);
  const value = (t: Token): number => {
    const v = parseNumber(t.text);
    return v === undefined ? 0 : Number(BigInt.asIntN(32, Number.isSafeInteger(v) ? BigInt(v) : parseNumberExact(t.text)));
  };
  const n = toks[1];
  // (`# nnn "file"`, cpp's line marker, is read as `%line` is, and named so in its errors.)
  const named = toks[0].text;
  if (!integer(n)) return `\`${named}' expects a line number`;
  let i = 2;
  let step = 1;
  if (toks[2]?.text === '+' && toks[2].start === n.end) {
    const m = toks[3];
    if (!integer(m) || m.start !== toks[2].end) return `\`${named}' expects a line increment`;
    step = value(m);
    i = 4;
  }
  let name: string | undefined;
  let nameError: string | undefined;
  if (i < toks.length) {
    const bytes = toks[i].kind === 'string' ? decodeString(toks[i].text) : undefined;
    // (measured with nasm 2.16.01: `%line 5 \`a\x01b\`` is this error, and names the lines after `a`.)
    const cut = bytes === undefined ? undefined : cutAtControl(bytes);
    if (cut !== undefined) nameError = CONTROL_IN_STRING;
    if (bytes !== undefined) name = new TextDecoder().decode(cut ?? bytes);
    else {
      // Its tokens written back as nasm's detoken writes them, a `%!NAME` as the variable's value
      // (measured with nasm 2.16.01: `%line 40 dn %!UNSET` names `dn `, `%line 40 %!"V"x` with V
      // set to `p q` names `p qx`).
      name = '';
      for (let k = i; k < toks.length; k++) {
        const t = toks[k];
        const spacing = k > i && t.start > toks[k - 1].end ? ' ' : '';
        const quoted = t.text === '%!' && toks[k + 1]?.kind === 'string' && toks[k + 1].start === t.end;
        if (environment === undefined || t.kind !== 'preproc' || !t.text.startsWith('%!') || (t.text.length === 2 && !quoted)) { name += spacing + t.text; continue; }
        const last = quoted ? toks[++k] : t;
        name += spacing + environment(quoted ? stringText(last.text) : t.text.slice(2), t, last);
      }
    }
  }
  return { file, line, number: value(n), step, ...(name !== undefined ? { name } : {}), ...(nameError !== undefined ? { nameError } : {}) };
}

/**
 * `toks` with a number that nasm's tokenizer ends at a `.` split there (see numberEnd; measured
 * with 2.16.01: `%line 50.c` is line 50 of `.c`, `%line 50+1.c` too, `%line 60b.c` line 0, a
 * malformed number, of `.c`; `%line 50.5 x` and `%line 6x.c` "expects a line number"). Ringside's
 * lexer reads `50.c` as one number.
 */
function numbersApart(toks: readonly Token[]): readonly Token[] {
  let out: Token[] | undefined;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    const end = t.kind === 'number' ? numberEnd(t.text) : -1;
    if (end < 0) { out?.push(t); continue; }
    out ??= toks.slice(0, k);
    const at = t.start + end;
    out.push({ kind: 'number', text: t.text.slice(0, end), start: t.start, end: at }, { kind: 'ident', text: t.text.slice(end), start: at, end: t.end });
  }
  return out ?? toks;
}

/**
 * Where nasm 2.16.01's tokenizer ends number text `text`, at a `.` (-1: it does not): one that is
 * not followed, past underscores, by a decimal digit, a hex digit in a hex number (`$`, `h`, `x`
 * before it), an `e` in another, or a `p`, any of which make the number a float (preproc.c).
 */
function numberEnd(text: string): number {
  let hex = text.charCodeAt(0) === 0x24;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === 'h' || c === 'H' || c === 'x' || c === 'X') hex = true;
    if (c !== '.') continue;
    let r = i + 1;
    while (text[r] === '_') r++;
    const next = text[r] ?? '';
    if (!/[0-9pP]/.test(next) && !(hex ? /[a-fA-F]/ : /[eE]/).test(next)) return i;
    i = r - 1;
  }
  return -1;
}
