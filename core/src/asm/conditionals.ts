// The conditional-assembly model of nasm 2.16's preprocessor (manual §4.4): the states of a
// `%if` group, which directives open, continue or close one, and the tests that read only tokens.

import type { SourceRange } from './api';
import type { OpenCheck } from './deferred-if';
import type { MultiLineMacro } from './macros';
import { readCountRange, type CountProblem } from './param-counts';
import { isIdentifier, spaced, type PPToken } from './source';
import { decodeString } from './strings';

/**
 * Where a conditional group is (nasm 2.16's preproc.c states, measured): a branch being assembled,
 * still looking for its branch, its branch past, or never to assemble anything. `Never` is
 * COND_NEVER: a group inside a skipped one, one whose test nasm failed (`%ifdef 5`, a label in
 * `%if`), one with an `%else` or `%elif` after its `%else`. `Unread` is the state -1 that nasm
 * stores when its evaluator could not read an `%if`/`%elif` expression (empty, `1+`, `1/0`): no
 * `%else` or `%elif` changes it, as COND_NEVER, but unlike COND_NEVER it does not silence the
 * group's `%else`/`%endif` warnings. `sawElse` tells COND_IF_* from COND_ELSE_*.
 */
export const enum Cond { Active, Looking, Done, Never, Unread }

/** What a conditional's test gave (the preprocessor's testCondition): its truth, or a failure and which (see Cond). */
export const enum Test { False, True, Failed, Unread, Deferred }

/**
 * An open conditional group. nasm keeps one stack of them per file, which the lines of a macro or
 * %rep body read in it share (see the preprocessor's Frame.condBase).
 */
export interface CondEntry {
  state: Cond;
  sawElse: boolean;
  readonly range: SourceRange;
  readonly expansion: readonly SourceRange[];
  /** A group the assembler decides (state Active: every branch is preprocessed). */
  check?: OpenCheck;
  /** The serial of the innermost macro call its `%if` was read in (0: none; see Frame.serial). */
  readonly call: number;
}

/** The state a conditional group is in after its `%if` or a tested `%elif` gave `test`. */
export function stateAfter(test: Test): Cond {
  switch (test) {
    case Test.True: return Cond.Active;
    case Test.False: return Cond.Looking;
    case Test.Unread: return Cond.Unread;
    default: return Cond.Never;
  }
}

/** What nasm 2.16.01 tests after `%if`/`%elif` (and after `%ifn`/`%elifn`); `%ifdirective` and `%iffile` came later. */
const CONDITION_KINDS: ReadonlySet<string> = new Set(['', 'ctx', 'def', 'defalias', 'empty', 'env', 'id', 'idn', 'idni', 'macro', 'num', 'str', 'token', 'usable', 'using']);

/**
 * Whether `d` (a directive word in lower case) opens, continues or closes a conditional group in
 * nasm 2.16.01: any other `%if...` or `%elif...` is no directive (measured: `%elifxyz` in a
 * skipped group is skipped, and an active one goes to the assembler).
 */
export function isConditional(d: string): boolean {
  if (d === '%else' || d === '%endif') return true;
  const kind = d.startsWith('%if') ? d.slice(3) : d.startsWith('%elif') ? d.slice(5) : undefined;
  return kind !== undefined && (CONDITION_KINDS.has(kind) || (kind.startsWith('n') && CONDITION_KINDS.has(kind.slice(1))));
}

/** Codes of the errors a tested `%elif` reports although nasm would not (see the preprocessor's conditional). */
export const KEPT_IN_SKIPPED_GROUP: ReadonlySet<string> = new Set(['undecidable-condition', 'unsupported-directive', 'unknown-directive']);

/** The parameter range `%ifmacro` asks about, and what nasm says of how it is written. */
export interface MacroRange {
  readonly min: number;
  readonly max: number;
  readonly plus: boolean;
  /** nasm's messages on the counts, in order; it still tests the range read so far. */
  readonly problems: readonly CountProblem[];
  /** Whether tokens are left after the range (nasm's trailing-garbage warning). */
  readonly trailing: boolean;
}

/**
 * The range of `%ifmacro NAME [min[-max|-*]][+]`, read from the tokens after NAME (`written`,
 * single-line macros expanded) as nasm 2.16.01's preproc.c reads them (measured): the `-`, the
 * maximum and the `+` only when written right after what they follow (`m 1 - 2` asks for 1
 * parameter, with the trailing-garbage warning); a count that is no number is its error and
 * leaves the range open. `d` names the directive in the messages.
 */
export function macroRange(written: readonly PPToken[], d: string): MacroRange {
  if (written.length === 0) return { min: 0, max: Infinity, plus: false, problems: [], trailing: false };
  const r = readCountRange(written, d, true);
  return { min: r.first ?? 0, max: r.last ?? r.first ?? Infinity, plus: r.plus, problems: r.problems, trailing: r.at < r.seq.length && r.seq[r.at + 1] !== undefined };
}

/** Whether one of the macros `named` (as NAME's definitions spell it) takes a count in `range` (nasm 2.16's test). */
export function takesRange(named: readonly Pick<MultiLineMacro, 'min' | 'max' | 'greedy'>[], range: MacroRange): boolean {
  return named.some((m) => (m.min <= range.max || range.plus) && (range.min <= m.max || m.greedy));
}

/**
 * `%ifidn A, B` (`%ifidni` when `insensitive`) on its expanded arguments, as nasm 2.16.01's
 * preproc.c compares them (measured): token by token, strings by their contents (`'ab'` is
 * `"ab"`), blanks skipped, until the left side's comma or the right side's end; the sides are the
 * same when both are reached together. So a blank before the comma makes them differ (`%ifidn a
 * ,a` is false: the left side is not at its comma when the right one ends), and so does the blank
 * after the directive when A is empty (`%ifidn ,` is false, `%isidn(,)` true: a function's
 * argument has none: `leadingBlank`). Undefined when there is no comma, 'commas' for nasm's "more
 * than one comma on line" (a comma met on the right before the left side's end).
 */
export function identical(expanded: readonly PPToken[], insensitive: boolean, leadingBlank: boolean): boolean | undefined | 'commas' {
  const comma = expanded.findIndex((t) => t.text === ',');
  if (comma < 0) return undefined;
  // nasm's tokens, a blank as null.
  const seq: (PPToken | null)[] = leadingBlank ? [null] : [];
  for (let k = 0; k < expanded.length; k++) {
    if (k > 0 && spaced(expanded[k - 1], expanded[k])) seq.push(null);
    seq.push(expanded[k]);
  }
  const isComma = (x: PPToken | null | undefined): boolean => x?.text === ',';
  let t = 0;
  let tt = seq.indexOf(expanded[comma]) + 1;
  while (!isComma(seq[t]) && tt < seq.length) {
    const a = seq[t], b = seq[tt];
    if (isComma(b)) return 'commas';
    if (a === null) { t++; continue; }
    if (b === null) { tt++; continue; }
    if (a.kind !== b.kind) return false;
    let x = a.kind === 'string' ? quoteFree(a.text) : a.text;
    let y = b.kind === 'string' ? quoteFree(b.text) : b.text;
    if (insensitive) { x = x.toLowerCase(); y = y.toLowerCase(); }
    if (x !== y) return false;
    t++;
    tt++;
  }
  return isComma(seq[t]) && tt >= seq.length;
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
export function firstTokenIs(toks: readonly PPToken[], kind: string): boolean {
  let i = 0;
  if (kind === 'num') while (i < toks.length && toks[i].kind === 'op' && (toks[i].text === '-' || toks[i].text === '+')) i++;
  const t = toks[i];
  if (t === undefined) return false;
  if (kind === 'str') return t.kind === 'string';
  if (kind === 'id') return isIdentifier(t);
  if (t.kind !== 'number') return false;
  const dot = t.text.indexOf('.');
  return dot < 0 ? !tokenizedAsFloat(t.text) : !/[0-9eEpP]/.test(t.text.charAt(dot + 1));
}

/**
 * Whether nasm's preprocessor reads a number without a `.` as a floating-point one: a `p` in it
 * anywhere, or an `e` that no radix letter (`h`, `x`) or `$` comes before and none after
 * (measured, `%ifnum`: `1p`, `12ph`, `0t5p`, `1e`, `0t5e` are floats; `1e3h`, `1ex`, `0x1e3`,
 * `$1e3` numbers). The assembler reads such a text otherwise (see isFloatText).
 */
function tokenizedAsFloat(text: string): boolean {
  let radix = text.charCodeAt(0) === 0x24;
  let exponent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (c === 0x70) return true;
    if (c === 0x68 || c === 0x78) radix = true;
    else if (c === 0x65 && !radix) exponent = true;
  }
  return exponent && !radix;
}
