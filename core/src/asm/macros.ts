// Macro definitions (NASM manual §4.1, §4.3): single-line macros with optional parameters, and
// multi-line macros with parameter ranges, defaults, greedy last parameter and `%%` local labels.

import type { ParamModifiers } from './single-line-params';
import type { SourceRange } from './api';
import type { CheckCondition } from './deferred-check';
import type { Token } from './lexer';
import { readCountRange, type CountProblem } from './param-counts';
import { follow, gapped, spaced, type PPToken } from './source';
import { decodeString } from './strings';

export interface SingleLineMacro {
  readonly name: string;
  /** The parameters' names ('' for one without), or undefined for a macro without a parameter list. */
  readonly params: readonly string[] | undefined;
  /** The parameters' modifiers (manual §4.1.1), when one has any. */
  readonly modifiers?: readonly ParamModifiers[];
  readonly body: readonly PPToken[];
  /** Only the body's first tokens are kept (a record of SingleLineMacros.all). */
  readonly bodyCut?: true;
  readonly range: SourceRange;
  /** Defined by `%idefine` (or `%ixdefine`, `%iassign`, ...): called in any case. */
  readonly caseInsensitive?: true;
  /** Made by `%defalias` (`%idefalias`): the body is the one name it stands for. */
  readonly alias?: true;
  /**
   * Not a definition: the branches of a block the assembler decides left the name differently
   * (see BranchStates), so what it is depends on the branch taken.
   */
  readonly undecided?: Undecided;
}

/**
 * A name the ways through the block at `condition` leave differently; `inEveryWay`: all define
 * it; `constant`: each leaves a number or nothing, which the assembler holds (see DeferredConstant).
 */
export interface Undecided {
  readonly condition: CheckCondition;
  readonly inEveryWay: boolean;
  readonly constant: boolean;
  /** Made by an `%assign` the assembler evaluates (see CheckAssign), `condition` its expression. */
  readonly assigned?: true;
  /** Whether every way defines it with parameters (true) or every way without (false); undefined when they differ or it is not known. */
  readonly withParameters?: boolean;
  /**
   * Each way's definitions of the name, oldest first, as the definitions made since left them:
   * what a call finds in each way (see SingleLineMacros.define); undefined when not known.
   */
  readonly ways?: readonly (readonly SingleLineMacro[])[];
}

/** A line of a macro or %rep body, tokenized once at definition. */
export interface BodyLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly tokens: readonly Token[];
  /** The last line of the file a `\` joined to this one, where there is one. */
  readonly last?: number;
}

export interface MultiLineMacro {
  readonly name: string;
  readonly caseInsensitive: boolean;
  readonly min: number;
  /** Infinity for `N-*`. */
  readonly max: number;
  readonly greedy: boolean;
  /** Defaults for parameters min+1..max, in order. */
  readonly defaults: readonly (readonly PPToken[])[];
  /** The defaults as written, commas and all (a greedy last parameter a default gives is the rest of them). */
  readonly defaultTokens?: readonly PPToken[];
  readonly body: BodyLine[];
  readonly range: SourceRange;
  readonly doc?: string;
  /** `%rmacro`: may expand inside its own expansion (up to the macro-levels limit). */
  readonly recursive?: boolean;
  /** `.nolist`: the listing leaves out the lines of its expansions. */
  readonly nolist: boolean;
  /** The body uses `%00`: a label before the call goes there, not on a line of its own (found at the first call). */
  capturesLabel?: boolean;
  /** The body has `%%` labels (found at the first call, see usesLocalLabels). */
  localLabels?: boolean;
}

/** One running expansion of a multi-line macro. */
export interface MacroInvocation {
  readonly macro: MultiLineMacro;
  /** Arguments (defaults filled in); rotated in place by %rotate. */
  args: PPToken[][];
  /** The count %0 reports: arguments actually given, plus defaults. */
  readonly count: number;
  /** Unique number for `%%name` labels (`..@N.name`); -1 when the body has none (see usesLocalLabels). */
  readonly id: number;
  readonly callSite: SourceRange;
  /** The call written outside any macro's body that this one comes from (its own site, when it is). */
  readonly outerCall: SourceRange;
  /** The name as the call wrote it (`%?`; `%??` is the macro's own name). */
  readonly name: string;
  /** The label written before the call, for `%00` (manual §4.3.12). */
  readonly label: PPToken | undefined;
}

/** Whether a macro's body uses `%00`, the label before the call. */
export function usesCallLabel(macro: MultiLineMacro): boolean {
  return (macro.capturesLabel ??= macro.body.some((l) => l.tokens.some((t) => t.kind === 'preproc' && t.text === '%00')));
}

/** Whether a macro's body has `%%` labels, which its calls number (`..@N.x`). */
export function usesLocalLabels(macro: MultiLineMacro): boolean {
  return (macro.localLabels ??= macro.body.some((l) => l.tokens.some((t) => t.kind === 'preproc' && t.text.startsWith('%%'))));
}

/**
 * For each of `args`, which splitArguments made of `tokens` (a call's, between its parentheses),
 * whether it begins with a blank in nasm 2.16.01's reading (measured with `%strcat`): the blank
 * before the comma ahead of it (or before the `}` of a braced argument there: `%strcat({b }, c)`
 * is 'b c'), unless that blank follows the comma before (where it begins no argument), and but
 * for a last argument of nothing else (`%strcat(a ,)` is 'a').
 */
export function blanksBeforeSeparators(tokens: readonly PPToken[], args: readonly (readonly PPToken[])[]): boolean[] {
  const inArgument = new Set(args.flat());
  const out = [false];
  let separator = -1;
  // (The `}` that closed braces last: a stray one is the argument's text, its blank none of
  // these: measured, `G({b} }, c)` is `<b }|c>`.)
  let depth = 0, closed = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].text === '{') depth++;
    else if (tokens[i].text === '}' && depth > 0 && --depth === 0) closed = i;
    if (tokens[i].text !== ',' || inArgument.has(tokens[i])) continue;
    const before = tokens[i - 1];
    const closing = before !== undefined && closed === i - 1 && !inArgument.has(before) && i - 2 > separator && spaced(tokens[i - 2], before);
    // (An argument of nothing but braces takes that blank for its own first, which nasm skips:
    // `G({} , b)` is `<|b>`, `G({ } , b)` `<| b>`.)
    const bare = args[out.length - 1]?.length === 0;
    out.push(i - 1 > separator && (closing || (spaced(before, tokens[i]) && !bare)));
    separator = i;
  }
  if (args.length > 1 && args[args.length - 1].length === 0) out[args.length - 1] = false;
  return out;
}

/** The arguments splitArguments found written in braces (`{e}`): no condition code for `%-1`, to nasm. */
export const BRACED_ARGUMENTS = new WeakSet<readonly PPToken[]>();

/**
 * The first tokens of the arguments of a call written `{ e...`, with blanks after the brace: nasm
 * keeps them, before the argument (measured: `F({ b })` with `%define F(x) <x>` is `< b>`,
 * `%strcat({ b })` `' b'`; a multi-line macro's `x%1` of `{ 1 }` is `x 1 `, pasting nothing), where
 * the blanks before an argument written without braces go. (Copies made for the argument: see
 * startsBlank.)
 */
const BLANK_AFTER_BRACE = new WeakSet<PPToken>();

/** Whether argument `arg` of a call begins with a blank (see BLANK_AFTER_BRACE). */
export function startsBlank(arg: readonly PPToken[]): boolean {
  return arg.length > 0 && BLANK_AFTER_BRACE.has(arg[0]);
}

/** A copy of `t`, the first token of an argument that begins with a blank (see BLANK_AFTER_BRACE). */
export function blankFirst(t: PPToken): PPToken {
  const first = { ...t };
  BLANK_AFTER_BRACE.add(first);
  return first;
}

/**
 * A multi-line macro's arguments written as braces around blanks alone (`m 1, { }`): nasm keeps a
 * blank for them, which parts the tokens either side of the parameter (measured with nasm 2.16.01:
 * `ab%2cd` is `ab cd`, where `{}` leaves `abcd`).
 */
export const BLANK_ARGUMENTS = new WeakSet<readonly PPToken[]>();

/** `copy`, a copy of argument `arg` token for token, marked as `arg` is (BRACED_ARGUMENTS, BLANK_ARGUMENTS, startsBlank). */
export function markedAs(copy: PPToken[], arg: readonly PPToken[]): PPToken[] {
  if (BRACED_ARGUMENTS.has(arg)) BRACED_ARGUMENTS.add(copy);
  if (BLANK_ARGUMENTS.has(arg)) BLANK_ARGUMENTS.add(copy);
  if (startsBlank(arg)) BLANK_AFTER_BRACE.add(copy[0]);
  return copy;
}

/** nasm's error for a multi-line macro's argument (or `%macro` default) begun with a `{` never closed. */
export const UNCLOSED_BRACE = 'expecting closing brace in macro parameter';

/**
 * Splits macro-call arguments at top-level commas; `{...}` groups an argument with commas in it.
 * An argument written as a `{...}` group is the group's contents: nasm 2.16 drops what follows it
 * up to the next comma, telling `problem` its error, and a greedy last argument ends there. In a
 * multi-line macro's arguments a `{` never closed takes the rest of the line, commas and all, for
 * one argument, which nasm reads on after its error (preproc.c count_mmac_params; measured with
 * 2.16.01: `m {1, 2` is one argument `1, 2`).
 * Parentheses group too in a single-line macro's or a function's call; not in a multi-line
 * macro's (`parentheses` false; nasm 2.16.01, measured: `m (1, 2)` is two arguments, `(1` and `2)`,
 * and so are the defaults of `%macro m 0-2 (1,2)`).
 */
export function splitArguments(tokens: readonly PPToken[], start: number, greedyAfter: number, problem?: (message: string, t: PPToken) => void, parentheses = true): PPToken[][] {
  const args: PPToken[][] = [];
  if (start >= tokens.length) return args;
  let cur: PPToken[] = [];
  let depth = 0;
  // The `{` a braced argument of a call opened, until its first token (see BLANK_AFTER_BRACE).
  let opened: PPToken | undefined;
  // Braces open: in a call's arguments (`parentheses`) nasm counts no parenthesis inside braces
  // and no `}` without its `{` (nasm 2.16.01, measured: `Q({)}, b)` is `)` and `b`, `Q(a}(, b), c)`
  // `a}(, b)` and `c`).
  let braces = 0;
  let braced = false;
  let openBrace: PPToken | undefined;
  let closed = false;
  let reported = false;
  // A multi-line macro's argument not written in braces with a brace in it: where it starts (by
  // argument number), to be read on past its end (see runOn).
  let loose: Map<number, number> | undefined;
  let from = start;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i];
    const op = t.kind === 'op' ? t.text : '';
    if (op === ',' && depth <= 0 && args.length < greedyAfter) {
      if (braced) BRACED_ARGUMENTS.add(cur);
      args.push(cur);
      cur = [];
      braced = closed = reported = false;
      opened = undefined;
      from = i + 1;
      continue;
    }
    if (!parentheses && !braced && (op === '}' || (op === '{' && cur.length > 0))) {
      (loose ??= new Map()).set(args.length, from);
      cur.push(t);
      continue;
    }
    if (closed) {
      // In a single-line macro's or a function's call the argument goes on after its braces, and a
      // later `}` back to the top is dropped too (nasm 2.16.01, measured: `F({b} d)` is `b d`,
      // `G({b} (1,2), e)` `b (1,2)` and `e`, `G({b} {c}, e)` `b {c` and `e`).
      if (parentheses) closed = false;
      else {
        if (op === ',') break;
        if (!reported) problem?.('braces do not enclose all of macro parameter', t);
        reported = true;
        continue;
      }
    }
    if (op === '{') { braces++; if (depth++ === 0 && cur.length === 0) { braced = true; opened = openBrace = t; continue; } }
    else if (op === '}' && !(parentheses && braces === 0)) {
      braces--;
      if (--depth === 0 && braced) {
        closed = true;
        // (Braces of blanks alone leave them to the token after them: `{ }x` is ` x`, measured;
        // or are a blank, when nothing follows in a multi-line macro's call: see BLANK_ARGUMENTS.)
        if (cur.length === 0 && !parentheses && spaced(opened, t)) BLANK_ARGUMENTS.add(cur);
        if (cur.length > 0 || !spaced(opened, t)) opened = undefined;
        // nasm keeps the blanks before the closing brace (`{1, 2 }` is `1, 2 `), not those after the opening one.
        const last = cur[cur.length - 1];
        if (last !== undefined && spaced(last, t)) {
          const marked = { ...last, blankAfter: true };
          if (BLANK_AFTER_BRACE.has(last)) BLANK_AFTER_BRACE.add(marked);
          cur[cur.length - 1] = marked;
        }
        continue;
      }
    }
    else if (op === '(' && parentheses && braces === 0) depth++;
    else if (op === ')' && parentheses && braces === 0) depth--;
    // (After a `}` dropped, the blanks before the token are those before and after the brace:
    // `{b}d` is `bd`, `{b }d` `b d`, measured with nasm 2.16.01.)
    if (parentheses && cur.length > 0) {
      if (cur[cur.length - 1].blankAfter === true) cur.push(gapped(t, true));
      else follow(cur, t, tokens[i - 1]);
    }
    else if (opened !== undefined && spaced(opened, t)) cur.push(blankFirst(t));
    else cur.push(t);
    opened = undefined;
  }
  if (braced) BRACED_ARGUMENTS.add(cur);
  if (braced && !closed && !parentheses) problem?.(UNCLOSED_BRACE, openBrace!);
  args.push(cur);
  if (loose !== undefined) for (const [k, at] of loose) if (k < greedyAfter) args[k] = runOn(tokens, at);
  return args;
}

/**
 * A multi-line macro's argument not written in braces, from `tokens[from]`, as nasm 2.16.01 reads
 * it: to the first comma outside the braces written in it, or to the end after a `}` without its
 * `{`, while the next argument still starts at the comma after `from` (measured: `m a{b, c}, d`
 * has %0 3, %1 `a{b, c}`, %2 `c}, d`, %3 `d`).
 */
function runOn(tokens: readonly PPToken[], from: number): PPToken[] {
  const out: PPToken[] = [];
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const op = tokens[i].kind === 'op' ? tokens[i].text : '';
    if (op === ',' && depth === 0) break;
    if (op === '{') depth++;
    else if (op === '}') depth--;
    out.push(tokens[i]);
  }
  return out;
}

/** The invocation's `%n` argument (1-based), or undefined when out of range. */
export function macroArgument(inv: MacroInvocation, n: number): PPToken[] | undefined {
  if (n === 0) return undefined;
  const count = inv.args.length;
  if (count === 0) return undefined;
  const index = n > 0 ? n - 1 : count + n;
  return index >= 0 && index < count ? inv.args[index] : undefined;
}

/** Rotates arguments left by n (right when negative), manual §4.3.7. */
export function rotateArguments(inv: MacroInvocation, n: number): void {
  const count = inv.args.length;
  if (count === 0) return;
  const k = ((n % count) + count) % count;
  inv.args = inv.args.slice(k).concat(inv.args.slice(0, k));
}

/** What a `%macro` line says of the parameters (see readMacroParameters). */
export interface MacroParameters {
  readonly min: number;
  readonly max: number;
  readonly greedy: boolean;
  readonly nolist: boolean;
  readonly defaults: PPToken[][];
  /** The defaults as written (see MultiLineMacro.defaultTokens). */
  readonly defaultTokens: readonly PPToken[];
  /** nasm's messages on how the counts are written, in order: the macro is defined all the same, with what was read. */
  readonly problems: readonly CountProblem[];
  /** The defaults ended with a comma: the empty one after it was dropped, of which nasm warns. */
  readonly droppedEmpty?: boolean;
  /** nasm's errors on the braces of the defaults, after `error` (see splitArguments). */
  readonly braceErrors?: readonly string[];
}

/**
 * The parameters of `%macro NAME min[-max|-*][+][.nolist] [defaults...]` (`toks`, NAME second), as
 * nasm 2.16.01's parse_mmacro_spec reads them (measured): a count in any of nasm's number forms;
 * the `-`, what follows it, the `+` and `.nolist` only when written right after the part before
 * them, any other token after that part starting the defaults (`1 - 5` takes one parameter and
 * the default `- 5`, `1-2 +` the default `+`). A count not written is nasm's error, and the
 * macro takes what was read: 0 parameters for `%macro m x`, 1 for `1-x` and `1- 5` (then with the
 * default `5`), 2 for `2-1`. `saneEmptyExpansion`: a trailing comma names an empty default (see
 * Preprocessor.saneEmptyExpansion).
 */
export function readMacroParameters(toks: readonly PPToken[], saneEmptyExpansion = false): MacroParameters {
  // (The directive as written: measured, `%MACRO m x` is "`%MACRO' expects a parameter count".)
  const range = readCountRange(toks.slice(2), toks[0].text, false);
  const { seq, problems, plus: greedy } = range;
  let t = range.at;
  const min = range.first ?? 0;
  const max = range.last ?? min;
  const next = seq[t + 1];
  const nolist = t < seq.length && next?.kind === 'ident' && next.text.toLowerCase() === '.nolist';
  if (nolist) t++;
  const rest = seq.slice(t + 1).filter((x): x is PPToken => x !== null);
  // nasm reads the defaults as a call's arguments, with the same errors for braces (measured:
  // `%macro m 0-1 {5} 6`, `%macro m 0-1 {5`).
  const braceErrors: string[] = [];
  const defaults = rest.length > 0 ? splitArguments(rest, 0, Infinity, (message) => braceErrors.push(message), false) : [];
  // A trailing comma names no last default (measured: `%macro d 1-3 7,` / `d 5` has %0 2, `, ,` one
  // empty default less; a lone `,` leaves one empty default), unless a `{` never closed took it.
  const droppedEmpty = !saneEmptyExpansion && defaults.length > 1 && rest[rest.length - 1].kind === 'op' && rest[rest.length - 1].text === ',' && !braceErrors.includes(UNCLOSED_BRACE);
  if (droppedEmpty) defaults.pop();
  // nasm cuts the list at that comma only when the default before it has a token of its own (as a
  // call's arguments, see writtenBeforeLastComma): `5,` is `5`, but `5,,` keeps its last comma,
  // which a greedy last parameter then reads (measured: `%macro m 1-3+ 5,,` / `m 1` has %3 `,`).
  const defaultTokens = droppedEmpty && writtenBeforeLastComma(rest, 0) ? rest.slice(0, -1) : rest;
  return { min, max, greedy, nolist, defaults, defaultTokens, problems, ...(droppedEmpty ? { droppedEmpty } : {}), ...(braceErrors.length > 0 ? { braceErrors } : {}) };
}

/**
 * Whether the argument a call's (or a `%macro`'s defaults') last comma ends (its arguments `toks[from..]`) has a token of its
 * own before that comma, after its braces when it starts with them, as nasm 2.16.01's
 * count_mmac_params walks them: an argument starts a `{...}` group or not, and runs to the next
 * comma whatever braces are in it.
 */
export function writtenBeforeLastComma(toks: readonly PPToken[], from: number): boolean {
  const comma = (t: PPToken | undefined): boolean => t?.kind === 'op' && t.text === ',';
  let written = false;
  for (let i = from; i < toks.length; i++) {
    written = false;
    if (toks[i].kind === 'op' && toks[i].text === '{') {
      for (let depth = 1; depth > 0 && ++i < toks.length;) if (toks[i].kind === 'op') depth += toks[i].text === '{' ? 1 : toks[i].text === '}' ? -1 : 0;
      i++;
    }
    for (; i < toks.length && !comma(toks[i]); i++) written = true;
  }
  return written;
}

/**
 * The definition among `defs` (one name's, oldest first) that takes `count` arguments, a greedy
 * one taking more: the newest such, as nasm 2.16 looks them up (a redefinition shadows).
 */
export function findMacroTaking(defs: readonly MultiLineMacro[], count: number): MultiLineMacro | undefined {
  for (let i = defs.length - 1; i >= 0; i--) if (count >= defs[i].min && (count <= defs[i].max || defs[i].greedy)) return defs[i];
  return undefined;
}

/** `X` of a standard macro's name written `__?X?__` (nasm 2.16) or `__X__` (the older spelling). */
export function standardName(word: string): string | undefined {
  if (word.startsWith('__?') && word.endsWith('?__')) return word.slice(3, -3);
  return word.startsWith('__') && word.endsWith('__') ? word.slice(2, -2) : undefined;
}

/**
 * The text nasm's preprocessor makes of `tokens` for `%defstr`, `%str()` and `%error`: as
 * tokensText, with each context-local name no macro replaced as written (measured, nasm 2.16.01:
 * in a context, `%defstr P %$x` is '%$x', where a line of code names `..@0.x`).
 */
export function textAsWritten(tokens: readonly PPToken[]): string {
  return tokensText(tokens.some((t) => t.contextLocal !== undefined) ? tokens.map((t) => (t.contextLocal !== undefined ? { ...t, text: t.contextLocal } : t)) : tokens);
}

/**
 * A raw directive's value as nasm's messages on it quote it (`sectalign`'s "segment alignment
 * `...' is not power of two"): as tokensText up to its first string, whose contents, without
 * their quotes, end it (measured with nasm 2.16.01: `align 'ab' ^^ 'a'` is quoted `ab',
 * `align (!8 / 'ab')` `(!8 / ab', `align \`a\` + 2` `a').
 */
export function directiveValueText(tokens: readonly PPToken[]): string {
  const k = tokens.findIndex((t) => t.kind === 'string');
  if (k < 0) return tokensText(tokens);
  const t = tokens[k].text;
  const closed = t.length > 1 && t[t.length - 1] === t[0];
  const bytes = t[0] === '`' && closed ? decodeString(t) : undefined;
  const contents = bytes !== undefined ? new TextDecoder().decode(bytes) : t.slice(1, closed ? -1 : undefined);
  return (k > 0 ? tokensText(tokens.slice(0, k)) + (spaced(tokens[k - 1], tokens[k]) ? ' ' : '') : '') + contents;
}

/**
 * Tokens as text, with one space wherever nasm's tokens of the line have blanks between them (see
 * `spaced`), as nasm writes a line back to text (`%defstr`; a run of blanks is one space).
 */
export function tokensText(tokens: readonly PPToken[]): string {
  let text = '';
  for (let k = 0; k < tokens.length; k++) text += (k > 0 && spaced(tokens[k - 1], tokens[k]) ? ' ' : '') + tokens[k].text;
  return text;
}
