// The `..@N` numbers nasm's standard macros take. In nasm 2.16.01 the directives `section`,
// `align`, `struc`, `global`, `bits`, ... are multi-line macros around bracketed primitives (its
// macros/standard.mac, and `org` of the bin format); Ringside assembles those directives itself,
// and copies of the macros only this: each call takes a number from the counter that numbers `%%`
// labels and `%push` contexts (manual §4.3.4, §4.7), and a `%push` or macro call inside one more.
// Measured with nasm 2.16.01 (fixture unique-ids-standard): the numbers of a `%%` label before and
// after each directive written without brackets.

import { blankFirst, splitArguments, UNCLOSED_BRACE } from './macros';
import { SMARTALIGN_DIRECTIVE } from './smart-align';
import { isIdentifier, LineFlag, spaced, type PPLines, type PPToken } from './source';

interface StandardMacro {
  /** The parameter counts it takes: a call with another count is no call (nasm warns, and the line goes on as written). */
  readonly min: number;
  readonly max: number;
  /** The numbers a call takes: its own, and one for each `%push` or macro call in its body. */
  readonly ids: number;
  /** Whether its body opens a context (`%push`), closes the innermost one (`%pop`), or reads it (`%$strucname` ...). */
  readonly context?: ContextUse;
}

/**
 * What a standard macro's body does with the context stack: opens a context (`%push`), closes the
 * innermost (`%pop`), reads it (`%$strucname` ...), or opens one for its own labels and closes it
 * again (`push-pop`: smartalign's `align`).
 */
export type ContextUse = 'push' | 'pop' | 'read' | 'push-pop';

const ONE_OR_MORE = { min: 1, max: Infinity, ids: 1 };
const NONE = { min: 0, max: 0, ids: 1 };

const STANDARD_MACROS: ReadonlyMap<string, StandardMacro> = new Map<string, StandardMacro>([
  ['section', ONE_OR_MORE], ['segment', ONE_OR_MORE], ['absolute', ONE_OR_MORE],
  // %push in the body.
  ['struc', { min: 1, max: 2, ids: 2, context: 'push' }], ['endstruc', { ...NONE, context: 'pop' }], ['istruc', { min: 1, max: 1, ids: 2, context: 'push' }],
  ['at', { ...ONE_OR_MORE, context: 'read' }], ['iend', { ...NONE, context: 'pop' }],
  // `sectalign %1` in the body, unless `sectalign off` said not to (see StandardMacroCalls).
  ['align', { min: 1, max: Infinity, ids: 2 }], ['alignb', { min: 1, max: Infinity, ids: 2 }], ['sectalign', ONE_OR_MORE],
  ['bits', ONE_OR_MORE], ['use16', NONE], ['use32', NONE], ['use64', NONE], ['userel', NONE], ['useabs', NONE], ['usebnd', NONE], ['usenobnd', NONE],
  ['extern', ONE_OR_MORE], ['static', ONE_OR_MORE], ['global', ONE_OR_MORE], ['required', ONE_OR_MORE], ['common', ONE_OR_MORE],
  ['cpu', ONE_OR_MORE], ['float', ONE_OR_MORE], ['default', ONE_OR_MORE], ['org', ONE_OR_MORE],
  // %push in the body, and %pop: its `%$dep` is `..@N.dep` (see Assembler.incbinWithoutName).
  ['incbin', { min: 1, max: Infinity, ids: 2, context: 'push-pop' }],
]);

/** First letters of the names above (either case), so most words need no lookup. */
const INITIALS = new Uint8Array(128);
for (const name of STANDARD_MACROS.keys()) INITIALS[name.charCodeAt(0)] = INITIALS[name.charCodeAt(0) & ~0x20] = 1;

/**
 * The numbers the standard macros called on the lines passed on so far took, counted when a number
 * is needed (a macro call whose body has a `%%` label, a `%push`) from the lines not read yet: no
 * work as lines pass. A line counts as nasm would expand it: its first word, or the word after a
 * label (`x: align 4`, `x align 4`), names a standard macro and the line gives a count it takes.
 * Not copied: a line of a `%if` block handed on to the assembler counts in every branch (nasm
 * expands the taken one only), and a multi-line macro the source defines with a standard macro's
 * name leaves the standard one in place here (nasm drops it when the counts overlap).
 */
export class StandardMacroCalls {
  ids = 0;
  private read = 0;
  /** `align`/`alignb` call `sectalign`: until `sectalign off`, and again after `sectalign on`. */
  private alignCallsSectalign = true;
  /**
   * After `%use smartalign`, whose `align` always calls `sectalign` and without a fill also opens
   * a context (`%push`): its `%use` line is the first `[__?smartalign?__ ...]` line (see
   * smart-align.ts).
   */
  private smartAlign = false;

  /** The last line read that called the `section`, `segment` or `absolute` macro, which defines `__?SECT?__` (-1: none). */
  private sectLine = -1;

  /** After `%clear` there are no standard macros to call (see withoutStandardMacros). */
  private cleared = false;

  /**
   * `contexts`: told of each call whose body opens a context (`struc`, `istruc`, smartalign's
   * `align`), closes one (`endstruc`, `iend`) or reads it (`at`), as the lines are read: the
   * call's line, the numbers the standard macros took before it (and in its body before its
   * `%push`), and its first argument (the structure's name).
   */
  constructor(
    private readonly contexts?: (what: ContextUse, line: number, idsBefore: number, name: readonly PPToken[]) => void,
    private readonly sectDefinitions: readonly { readonly at: number; readonly body: readonly PPToken[] | undefined }[] = [],
  ) {}

  /** `ids`, once the lines of `lines` not read yet, up to line `end`, are read. */
  idsUpTo(lines: PPLines, end = lines.count): number {
    if (this.cleared) return this.ids;
    for (; this.read < end; this.read++) {
      if ((lines.flags[this.read] & LineFlag.ListOnly) !== 0) continue;
      const toks = lines.tokensOf(this.read);
      if (toks.length > 0) this.ids += this.idsOf(toks, (lines.flags[this.read] & LineFlag.EndsBlank) !== 0);
    }
    return this.ids;
  }

  /** `%clear`, after the lines of `lines` so far: the lines after it call no standard macro. */
  clear(lines: PPLines): void {
    this.idsUpTo(lines);
    this.cleared = true;
  }

  private idsOf(toks: readonly PPToken[], endsBlank: boolean): number {
    // (The package's own `alignmode generic` call; the source's calls are numbered as expanded.)
    if (!this.smartAlign && toks[0].text === '[' && toks[1]?.text === SMARTALIGN_DIRECTIVE) { this.smartAlign = true; return 1; }
    const call = standardCall(toks, endsBlank);
    if (call === undefined) return 0;
    const { at, m, args } = call;
    // (Called with no parameter, the structure's name is empty: measured, `_size equ ($-)`.)
    if (m.context !== undefined) this.contexts?.(m.context, this.read, this.ids, args[0] ?? []);
    const name = toks[at].text.toLowerCase();
    const callsSectalign = this.alignCallsSectalign;
    // (`align`'s own `sectalign %1` call, when it makes one, reads `off` and `on` as well, its
    // parameter without the blanks braces kept.)
    const aligns = (name === 'align' || name === 'alignb') && (callsSectalign || (name === 'align' && this.smartAlign));
    if ((name === 'sectalign' && args.length === 1 && args[0].length === 1 && args[0][0].blankAfter !== true) || (aligns && args[0]?.length === 1)) {
      // `%ifidni %1,off` / `%elifidni %1,on` in nasm's macro.
      const word = args[0][0].text.toLowerCase();
      if (word === 'off') this.alignCallsSectalign = false;
      else if (word === 'on') this.alignCallsSectalign = true;
    }
    // smartalign's `align` calls `sectalign` even after `sectalign off` (measured), and without a
    // fill opens a context for its label `%$end`, numbered after that call (measured with nasm
    // 2.16.01, fixture smartalign-jump: `..@N.end` after each such `align`, N its own number + 2).
    // (`align 4,`: nasm drops the empty fill, with its warning; measured, its `..@N.end`.)
    if (name === 'align' && this.smartAlign) {
      if (args.length > 1 && args[1].length > 0) return 2;
      this.contexts?.('push-pop', this.read, this.ids + 1, args[0]);
      return 3;
    }
    if (name === 'section' || name === 'segment' || name === 'absolute') this.sectLine = this.read;
    if (name === 'endstruc') return m.ids + this.sectCallIds();
    return (name === 'align' || name === 'alignb') && !callsSectalign ? 1 : m.ids;
  }

  /**
   * The numbers the standard macro called by `__?SECT?__` takes, which `endstruc`'s body ends
   * with: one only the source's definition calls, the definitions of the `section`, `segment` and
   * `absolute` macros being the raw directive line (measured with nasm 2.16.01: after `%define
   * __SECT__ segment .data`, the `..@N` of the next `istruc` is one more; after a second
   * `endstruc`, whose `segment` call defined it so, or after a `section` line, none).
   */
  private sectCallIds(): number {
    let def: { readonly at: number; readonly body: readonly PPToken[] | undefined } | undefined;
    for (const d of this.sectDefinitions) {
      if (d.at > this.read) break;
      def = d;
    }
    if (def?.body === undefined || def.body.length === 0 || def.at <= this.sectLine) return 0;
    const call = standardCall(def.body);
    if (call === undefined) return 0;
    const name = def.body[call.at].text.toLowerCase();
    if (name === 'section' || name === 'segment' || name === 'absolute') this.sectLine = this.read;
    return call.m.ids;
  }
}

/**
 * `toks` as nasm reads them once `%clear` has removed the standard macros (measured with nasm
 * 2.16.01, fixture clear-standard-macros): a line that called one names no macro, so its word is
 * a label (`use16` alone, with nasm's orphan warning) or, after a label or before operands, no
 * instruction ("parser: instruction expected"). The word is written `$word`, which makes it a
 * name to the assembler as to nasm; `incbin` keeps its spelling (it is also the parser's own
 * word). Each such word is marked (PPToken.unmacroed), for `nasm -E`'s text.
 */
export function withoutStandardMacros(toks: PPToken[]): PPToken[] {
  if (toks.length === 0) return toks;
  const call = standardCall(toks);
  let at = call?.at;
  // A name given arguments its macro does not take calls nothing either, but the parser warns of it
  // as of a call nasm's macro does not take (see parametersNotTaken): after `%clear` there is none.
  if (at === undefined && standardMacro(toks[0]) !== undefined) at = 0;
  else if (at === undefined && toks[0].kind === 'ident' && toks.length > 1) {
    const k = toks[1].text === ':' ? 2 : 1;
    if (k < toks.length && standardMacro(toks[k]) !== undefined) at = k;
  }
  if (at === undefined) return toks;
  const m = standardMacro(toks[at]);
  const copy = toks.slice();
  copy[at] = { ...toks[at], text: m === STANDARD_MACROS.get('incbin') ? toks[at].text : `$${toks[at].text}`, unmacroed: true };
  return copy;
}

/**
 * The call a line's tokens `toks` make of a macro: its first word, or else the word after a label
 * (nasm reads a word that is no call as a label, `x:` or `x`, and the next word as the call),
 * named by `find` and called with arguments `take` accepts (from the name's index on).
 */
export function callAfterLabel<M, A>(toks: readonly PPToken[], find: (t: PPToken) => M | undefined, take: (toks: readonly PPToken[], at: number, m: M) => A | undefined):
  { readonly at: number; readonly m: M; readonly args: A } | undefined {
  let at = 0;
  let m = find(toks[0]);
  let args = m !== undefined ? take(toks, 0, m) : undefined;
  // (A `?` alone is no name to nasm's preprocessor: measured, `? align 8` calls nothing.)
  if (args === undefined && isIdentifier(toks[0]) && toks.length > 1) {
    at = toks[1].text === ':' ? 2 : 1;
    m = at < toks.length ? find(toks[at]) : undefined;
    args = m !== undefined ? take(toks, at, m) : undefined;
  }
  return args === undefined ? undefined : { at, m: m!, args };
}

/**
 * An `at` call's line `toks` (`at` its first word, or the word after a label) cut before the
 * comma that ends its first parameter, and the data after it (its braces dropped, see
 * unbracedArguments): nasm's `at` macro writes that second parameter on a line of its own, where a
 * multi-line macro's call in it expands (measured with nasm 2.16.01, fixture at-data-macro).
 * `word`: the index of `at`; the data's first token has no blank before it, as the macro's `%2`
 * line. Undefined when there is no data.
 */
export function atLineParts(toks: readonly PPToken[]): { readonly at: PPToken[]; readonly word: number; readonly data: PPToken[] } | undefined {
  const at = STANDARD_MACROS.get('at')!;
  const call = callAfterLabel(toks, (t) => (t.kind === 'ident' && t.text.toLowerCase() === 'at' ? at : undefined), (t, k, m) => takenArguments(t, k + 1, m));
  if (call === undefined || call.args.length < 2) return undefined;
  const own = unbracedArguments(toks, call.at + 1, 'at')?.toks ?? toks;
  let depth = 0;
  for (let k = call.at + 1; k < own.length; k++) {
    const op = own[k].kind === 'op' ? own[k].text : '';
    if (op === '{') depth++;
    else if (op === '}') depth--;
    else if (op === ',' && depth <= 0) return k + 1 < own.length ? { at: own.slice(0, k), word: call.at, data: [{ ...own[k + 1], gap: false }, ...own.slice(k + 2)] } : undefined;
  }
  return undefined;
}

/** `endsBlank`: the line ends with the blank an empty expansion left (see CALLED_EMPTY). */
function standardCall(toks: readonly PPToken[], endsBlank = false): { readonly at: number; readonly m: StandardMacro; readonly args: PPToken[][] } | undefined {
  return callAfterLabel(toks, standardMacro, (t, at, m) => (endsBlank && at + 1 === t.length && CALLED_EMPTY.has(t[at].text.toLowerCase()) ? [] : takenArguments(t, at + 1, m)));
}

/**
 * The standard macros nasm 2.16.01 calls with no parameter when only the blank an empty expansion
 * left follows the name (`%define E` / `bits E`), warning (pp-macro-params-legacy; measured for
 * each): the parser's calledEmpty, and `nasm -E`'s (standard-expansion.ts). `incbin`, whose body
 * does more with its empty `%1`, is left a label as before.
 */
export const CALLED_EMPTY: ReadonlySet<string> = new Set([
  'align', 'alignb', 'sectalign', 'org', 'bits', 'section', 'segment', 'absolute', 'global', 'extern', 'static', 'required', 'common', 'cpu', 'float', 'default',
  'struc', 'istruc', 'at',
]);

/** The standard macros' names, for the preprocessor to look for after `%clear` (see withoutStandardMacros). */
export const STANDARD_MACRO_NAMES: ReadonlyMap<string, unknown> = STANDARD_MACROS;

/**
 * The parameter counts standard macro `name` takes, spelled as nasm's standard.mac defines it (in
 * lower case: `%ifmacro align` holds, `%ifmacro ALIGN` not; measured), for `%ifmacro`.
 */
export function standardMacroCounts(name: string): { readonly min: number; readonly max: number } | undefined {
  return name === name.toLowerCase() ? STANDARD_MACROS.get(name) : undefined;
}

/**
 * Whether `toks[at]` calls a standard macro with the arguments after it, as nasm finds a call
 * after a word it then takes for a label (see callAfterLabel): true; when it names one that does
 * not take them, the count of arguments given (nasm's warning says it); else false.
 */
export function callsStandardMacro(toks: readonly PPToken[], at: number): boolean | number {
  const m = standardMacro(toks[at]);
  if (m === undefined) return false;
  return takenArguments(toks, at + 1, m) !== undefined || splitArguments(toks, at + 1, Infinity, undefined, false).length;
}

function standardMacro(t: PPToken): StandardMacro | undefined {
  if (t.kind !== 'ident' || t.text.length < 2 || t.text.length > 9) return undefined;
  const c = t.text.charCodeAt(0);
  if (c >= 128 || INITIALS[c] === 0) return undefined;
  return STANDARD_MACROS.get(t.text.toLowerCase());
}

/**
 * The arguments of a call of `m` from `toks[start]` on, when it takes their count: nasm also takes
 * a count one less when the last is empty after a comma (pp-macro-params-legacy).
 */
function takenArguments(toks: readonly PPToken[], start: number, m: StandardMacro): PPToken[][] | undefined {
  const args = splitArguments(toks, start, Infinity, undefined, false);
  const n = args.length;
  if (n >= m.min && n <= m.max) return args;
  if (n > 1 && toks[toks.length - 1].text === ',' && n - 1 >= m.min && n - 1 <= m.max) return args.slice(0, -1);
  return undefined;
}

/**
 * The parameter of each standard macro that takes the rest of the line (`1+`, `1-2+` in
 * standard.mac): `section .a, b` is one parameter, `align 4, db 1` two.
 */
const GREEDY_PARAMETER: ReadonlyMap<string, number> = new Map([
  ['section', 0], ['segment', 0], ['absolute', 0], ['bits', 0], ['cpu', 0], ['default', 0], ['org', 0],
  ['align', 1], ['alignb', 1], ['at', 1], ['incbin', 1],
]);

/** Whether standard macro `name`'s first parameter takes the rest of the line (`cpu`, `section`; see GREEDY_PARAMETER). */
export function firstTakesRest(name: string): boolean {
  return GREEDY_PARAMETER.get(name) === 0;
}

/**
 * The tokens of a standard macro's call `toks` (name `name`, arguments from `toks[from]`) with the
 * braces around its arguments dropped, as nasm substitutes a braced parameter (measured with nasm
 * 2.16.01: `align {4}` is `align 4`, `bits {16}` `[bits 16]`, `istruc {s}` `istruc s`), the
 * blanks inside the braces marked (see bracedText in standard-expansion.ts); undefined when no
 * argument starts with a brace. A braced parameter ends at its `}`: what follows it, up to
 * the next comma, is dropped with nasm's error (`align {4}x`), and in the parameter that takes the
 * rest of the line, the rest too (`bits {16},x` is `[bits 16]`). A `{` not closed takes the rest
 * with its error (`align {4` is `align 4`).
 */
export function unbracedArguments(toks: readonly PPToken[], from: number, name: string): { toks: PPToken[]; problem?: { message: string; at: PPToken } } | undefined {
  let i = from;
  while (i < toks.length && !(toks[i].kind === 'op' && toks[i].text === '{')) i++;
  if (i === toks.length) return undefined;
  const greedy = GREEDY_PARAMETER.get(name) ?? -1;
  const out = toks.slice(0, from);
  let problem: { message: string; at: PPToken } | undefined;
  // (The index of the first token after the argument starting at `k`: its comma, or the end.)
  const argumentEnd = (k: number): number => {
    let depth = 0;
    for (; k < toks.length; k++) {
      const op = toks[k].kind === 'op' ? toks[k].text : '';
      if (op === '{') depth++;
      else if (op === '}') depth--;
      else if (op === ',' && depth <= 0) break;
    }
    return k;
  };
  for (let arg = 0, k = from; k < toks.length; arg++) {
    if (!(toks[k].kind === 'op' && toks[k].text === '{')) {
      const end = arg === greedy ? toks.length : argumentEnd(k);
      for (let j = k; j < end; j++) out.push(toks[j]);
      if (end < toks.length) out.push(toks[end]);
      k = end + 1;
      continue;
    }
    let close = k + 1;
    for (let depth = 1; close < toks.length; close++) {
      const op = toks[close].kind === 'op' ? toks[close].text : '';
      if (op === '{') depth++;
      else if (op === '}' && --depth === 0) break;
    }
    // (The blanks inside the braces stay the argument's, marked on its first and last tokens as
    // a call's are: see startsBlank and PPToken.blankAfter in macros.ts.)
    for (let j = k + 1; j < close && j < toks.length; j++) {
      let t = toks[j];
      if (j === close - 1 && close < toks.length && spaced(t, toks[close])) t = { ...t, blankAfter: true };
      out.push(j === k + 1 && spaced(toks[k], t) ? blankFirst(t) : t);
    }
    if (close >= toks.length) { problem ??= { message: UNCLOSED_BRACE, at: toks[k] }; break; }
    const end = argumentEnd(close + 1);
    if (end > close + 1) problem ??= { message: 'braces do not enclose all of macro parameter', at: toks[close + 1] };
    if (arg === greedy || end >= toks.length) break;
    out.push(toks[end]);
    k = end + 1;
  }
  return problem !== undefined ? { toks: out, problem } : { toks: out };
}

/**
 * Whether the `%ifidni %1,off` of nasm's `sectalign` macro, `param` its %1, stops at a comma in
 * the tokens it compares %1's with, those after the line's first comma: nasm compares token by
 * token, blanks skipped, until %1's first comma or a difference, and refuses such a comma on the
 * other side, even before %1's first token (preproc.c's PP_IFIDN; measured with nasm 2.16.01:
 * `sectalign ,` and `sectalign 4,,` fail, `sectalign 4, 8,,` does not).
 */
export function ifidniCommaTooMany(param: readonly PPToken[]): boolean {
  const first = param.findIndex((t) => t.text === ',');
  if (first < 0) return false;
  // (The line's tokens: %1's, then `,off`.)
  const text = (k: number): string | undefined => k < param.length ? param[k].text.toLowerCase() : k === param.length ? ',' : k === param.length + 1 ? 'off' : undefined;
  // (The blank after `%ifidni` is the first token compared: a comma right after the first is refused.)
  if (text(first + 1) === ',') return true;
  for (let t = 0, tt = first + 1; t < first; t++, tt++) {
    if (text(tt) === ',') return true;
    if (text(tt) === undefined || text(t) !== text(tt)) return false;
  }
  return false;
}
