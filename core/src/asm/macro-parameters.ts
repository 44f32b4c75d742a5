// The arguments of a multi-line macro call (manual §4.3): the definition a call's count of them
// picks, and the parameters in its body's lines: `%1`, `%{a:b}`, `%0`, `%00`, `%?`, `%%name`,
// `%+1`/`%-1` as condition codes, with nasm's errors for them outside a call.

import type { SourceRange } from './api';
import type { DiagnosticSink } from './diagnostics';
import { BLANK_ARGUMENTS, BRACED_ARGUMENTS, findMacroTaking, UNCLOSED_BRACE, macroArgument, splitArguments, startsBlank, writtenBeforeLastComma, type MacroInvocation, type MultiLineMacro } from './macros';
import { follow, gapped, lineRange, NOWHERE, spaced, type PPToken } from './source';
import { pasted, pastes, rereadRuns } from './token-paste';
import { isNameText, tokenizeLine } from './lexer';

/**
 * Whether a line's substitution (substituteParams, macroLocalsOutside) left blanks at its end: an
 * empty parameter after blanks, or an argument that ends with them (LineFlag.EndsBlank; `nasm -E`
 * keeps them: `nop %1` with nothing for %1 is `nop `).
 */
export interface SubstitutionEnd { endsBlank: boolean }

/** The definition a macro call picks and its arguments, defaults added; `given`: how many the call wrote. */
export interface MacroCall {
  readonly def: MultiLineMacro;
  readonly args: PPToken[][];
  readonly given: number;
}

/**
 * Which of `defs` (the macros named by `toks[at]`) the call `toks` on line `line` of `file` calls,
 * and with what arguments, as nasm 2.16.01 picks it by the count of arguments, with its warnings
 * (at `callSite`) and errors; undefined when none takes the count given (nasm then assembles the
 * line as written). `endsBlank`: the line ends with blanks an expansion left (`m E` with `E`
 * empty). `saneEmptyExpansion`: nasm's legacy ways with a trailing comma and those blanks are off
 * (`%pragma preproc sane_empty_expansion`: measured, `%macro k 1-2 7` / `k 1,` has %0 2 and %2
 * empty, `m E` of `%macro m 1` calls nothing, with no legacy warning).
 */
export function matchCall(defs: readonly MultiLineMacro[], toks: readonly PPToken[], at: number, file: string, line: number, callSite: SourceRange, expansion: readonly SourceRange[], sink: DiagnosticSink, endsBlank = false,
  saneEmptyExpansion = false): MacroCall | undefined {
  // A `{` never closed takes the rest of the line, a last comma too (see splitArguments).
  let unclosed = false;
  let argsAll = splitArguments(toks, at + 1, Infinity, (message, t) => {
    unclosed ||= message === UNCLOSED_BRACE;
    sink.error('macro-args', message, lineRange(file, line, t.start, t.end), expansion);
  }, false);
  let count = argsAll.length;
  let def = findMacroTaking(defs, count);
  // `m a,`: nasm drops a trailing empty argument for compatibility with its versions before
  // 2.15, and warns (-w+pp-macro-params-legacy; preproc.c is_mmacro, measured).
  let called: readonly PPToken[] = toks;
  // The count nasm's trailing-comma cut set, which no default then adds to.
  let cut = false;
  const last = toks[toks.length - 1];
  if (count > 1 && last.kind === 'op' && last.text === ',' && !unclosed && !saneEmptyExpansion) {
    const raw = count;
    if (def === undefined) {
      def = findMacroTaking(defs, raw - 1);
      if (def !== undefined) sink.warning('macro-args', `improperly calling multi-line macro \`${def.name}' with ${raw} parameters`, callSite, expansion);
    } else sink.warning('macro-args', `dropping trailing empty parameter in call to multi-line macro \`${def.name}'`, callSite, expansion);
    if (def !== undefined) {
      // nasm cuts the line there: before the comma when the argument it ends has a token of its
      // own, after it otherwise, so an argument that runs on to the end of the line (a greedy
      // last one, one after a `}` without its `{`) keeps the comma then (measured: `%macro p 1+`
      // / `p ,` has %1 `,`, `p a,` `a`; `m a}, b,` has %1 `a}, b`, `m a}, {b},` `a}, {b},`).
      if (writtenBeforeLastComma(toks, at + 1)) called = toks.slice(0, -1);
      // A greedy last parameter keeps its arguments; otherwise the empty argument goes, its
      // default taking its place, or, when it has none or is one the macro needs, with no
      // default after it: nasm then sets the count to the arguments written, less that one
      // (preproc.c is_mmacro; measured: `%macro u 2 7` / `u a,` has %0 1, `%macro w 2-3+ 7` /
      // `w a, ,` %0 3 and %3 7).
      if (!(def.greedy && raw > def.max)) {
        argsAll.pop();
        count--;
        cut = !(raw > def.min && raw <= def.min + def.defaults.length);
        if (called !== toks) argsAll = splitArguments(called, at + 1, Infinity, undefined, false);
      }
    }
  }
  if (!def && count === 0 && endsBlank && !saneEmptyExpansion) {
    // Nothing but the blanks an expansion left after the name: nasm 2.16.01 calls a macro that
    // takes one parameter with none (%0 is 0, no default), and warns (measured: `%define E` /
    // `m E`); a blank written there is no parameter (`m ` is "not taking 0 parameters").
    const one = findMacroTaking(defs, 1);
    if (one !== undefined) {
      sink.warning('macro-args', `improperly calling multi-line macro \`${one.name}' with 0 parameters`, callSite, expansion);
      return { def: one, args: [], given: 0 };
    }
  }
  if (!def) {
    // nasm 2.16 warns (-w+pp-macro-params-multi) and assembles the line as written: `name:`
    // is then a label, and `name 1` an error of the parser.
    const ranges = defs.map((d) => (d.max === Infinity ? `${d.min}+` : d.min === d.max ? `${d.min}` : `${d.min}-${d.max}`)).join(' or ');
    sink.warning('macro-args', `multi-line macro \`${toks[at].text}' exists, but not taking ${count} parameter${count === 1 ? '' : 's'} (it takes ${ranges})`, callSite, expansion);
    return undefined;
  }
  // A greedy macro's parameter numbered by its count, when the call writes it, takes the rest of
  // the line: nasm's expand_mmacro ends no parameter at a comma from there on, a comma the
  // trailing-comma cut left too (measured: `%macro g 1-2+` / `g ,` has %0 1 and %1 `,`, `%macro k
  // 1-3+` / `k a, ,` %0 2 and %2 `,`, `%macro x 1-2+ 5,6,7` / `x a, b, c` %2 `b, c`).
  const runsOn = cut ? count : Math.min(def.max, Math.max(count, def.min + def.defaults.length));
  const args = def.greedy && runsOn <= count ? splitArguments(called, at + 1, runsOn - 1, undefined, false) : argsAll;
  // A macro taking none has none, `0+` too: nasm cuts a greedy call's count to the most it takes (measured: `%macro m 0+` / `m 1, 2` gives %0 0, %1 empty).
  if (def.max === 0) args.length = 0;
  const given = args.length;
  // Every default is a parameter, those past the most it takes too (nasm warns of them at the
  // `%macro` line; measured: `%macro h 1-2 5,6,7` / `h 9` has %0 4, %4 7).
  for (let k = given; !cut && k - def.min < def.defaults.length; k++) {
    const dflt = def.defaults[k - def.min];
    if (dflt) args.push(dflt as PPToken[]);
  }
  // A greedy macro's count is cut to the most it takes after that (measured: `%macro g 0+ 5` / `g` has %0 0).
  if (def.greedy && args.length > def.max) args.length = def.max;
  // Its last parameter, when a default gives it, is the rest of the defaults as written, commas
  // and all, as nasm 2.16.01 reads a greedy parameter to the end of its list, a last one short of
  // the most it takes too (measured: `%macro m 1-2+ a, b,{c,d}` / `m one` has %2 `a, b,{c,d}`;
  // `%macro m 1-3+ ,` / `m 1` has %2 `,`, `1-3+ 5,,` %3 `,`), but a default in braces, which
  // ends at its `}`.
  const lastDefault = args.length - 1 - def.min;
  if (def.greedy && args.length > given && lastDefault >= 0 && def.defaultTokens !== undefined) args[args.length - 1] = splitArguments(def.defaultTokens, 0, lastDefault, undefined, false)[lastDefault];
  return { def, args, given: Math.min(given, args.length) };
}

/**
 * `toks` without its `%%name`, `%1`, `%{1}`, `%-1`, `%+1`, `%0`, `%00`, which a line outside any
 * macro call cannot have, a directive's line too (a `%macro` line's defaults, a `%define` body):
 * nasm reports each and drops it, keeping the blanks before it (`db %1` is then `db`, `db %1, 1`
 * `db , 1`; measured).
 */
export function macroLocalsOutside(toks: PPToken[], file: string, line: number, expansion: readonly SourceRange[], sink: DiagnosticSink, end?: SubstitutionEnd): PPToken[] {
  let kept: PPToken[] | undefined;
  let endsBlank = false;
  // Blanks before the tokens dropped since the last one kept.
  let droppedBlank = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    // A token dropped at the end leaves the blanks before it, or before the run of dropped
    // tokens it ends (measured: `db %1%2` is `db `).
    endsBlank = spaced(toks[i - 1], t) || endsBlank;
    if (t.kind === 'preproc' && t.text.length > 1 && (MACRO_PARAMETER.test(t.text) || (t.text.length > 2 && t.text.startsWith('%%')))) {
      // nasm names `%{1}` as `%1` and `%{1:2}` as `%1:2`.
      const name = t.text.startsWith('%{') ? `%${t.text.slice(2, -1)}` : t.text;
      sink.error('syntax', `\`${name}': not in a macro call`, lineRange(file, line, t.start, t.end), expansion);
      kept ??= toks.slice(0, i);
      // (A run of them at the end leaves the blanks before the run: `db %1%0` is `db `.)
      endsBlank = droppedBlank ||= endsBlank;
    } else if (t.kind === 'preproc' && t.text === '%+' && toks[i + 1]?.kind === 'number' && toks[i + 1].start === t.end) {
      // `%+2` is a parameter as a condition code to nasm (`%+` then a blank pastes); its number is
      // the decimal digits, the rest of a number written there a word of its own (measured:
      // `db lab-lab%+0x300` is "`%+0': not in a macro call" and `db lab-labx300`).
      const n = toks[++i];
      const digits = /^\d*/.exec(n.text)![0];
      sink.error('syntax', `\`%+${digits}': not in a macro call`, lineRange(file, line, t.start, n.start + digits.length), expansion);
      kept ??= toks.slice(0, i - 1);
      if (digits.length < n.text.length) {
        const rest = n.text.slice(digits.length);
        const word: PPToken = { ...n, kind: /^[0-9]/.test(rest) ? 'number' : 'ident', text: rest, start: n.start + digits.length };
        kept.push(gapped(word, droppedBlank || spaced(toks[i - 2], t)));
        endsBlank = droppedBlank = false;
        continue;
      }
      endsBlank = droppedBlank ||= endsBlank;
    } else {
      endsBlank = false;
      if (kept !== undefined) {
        if (droppedBlank) kept.push(gapped(t, true)); else follow(kept, t, toks[i - 1]);
      }
      droppedBlank = false;
    }
  }
  if (end !== undefined) end.endsBlank = endsBlank;
  return kept ?? toks;
}

/**
 * `%{a:b}`: parameters a to b separated by commas, backwards when a > b, negative ones counted
 * from the last (nasm 2.16, manual §4.3.4); both must be within %0, else nasm's error and nothing.
 */
function parameterRange(inv: MacroInvocation, text: string, range: SourceRange, expansion: readonly SourceRange[], gap: boolean, sink: DiagnosticSink): PPToken[] {
  const [, a, b] = PARAMETER_RANGE.exec(text)!.map(Number);
  const n = inv.count;
  if (a === 0 || b === 0 || Math.abs(a) > n || Math.abs(b) > n) {
    sink.error('macro-args', `\`${text}': macro parameters out of range`, range, expansion);
    return [];
  }
  const from = a < 0 ? a + n + 1 : a, to = b < 0 ? b + n + 1 : b;
  const out: PPToken[] = [];
  for (let i = from; ; i += from <= to ? 1 : -1) {
    const arg = macroArgument(inv, i) ?? [];
    // (An argument in braces with blanks after its `{` keeps them: `%{1:2}` of `{ 1 },{ 2 }` is ` 1 , 2 `.)
    arg.forEach((t, q) => out.push({ ...t, start: range.start.col, end: range.end.col, gap: q > 0 ? spaced(arg[q - 1], t) : (out.length === 0 && gap) || startsBlank(arg) }));
    if (i === to) break;
    // (After the blanks an argument in braces ends with: `%{1:2}` of `{1 },2` is `1 ,2`.)
    out.push({ kind: 'op', text: ',', start: range.start.col, end: range.end.col, gap: out.length === 0 ? gap : out[out.length - 1].blankAfter === true });
  }
  return out;
}

/** Replaces `%n`, `%0`, `%00`, `%?`, `%??`, `%{n}`, `%{a:b}`, `%%name` in a macro body line, pasting tokens written adjacent to them. */
export function substituteParams(inv: MacroInvocation, toks: readonly PPToken[], file: string, line: number, expansion: readonly SourceRange[], sink: DiagnosticSink, end?: SubstitutionEnd): PPToken[] {
  const out: PPToken[] = [];
  let prevEnd = -1;
  let prevSubst = false;
  let endsBlank = false;
  // The argument just put in ends with blanks (PPToken.blankAfter): the next token has them before it.
  let blankAfter = false, gapNext = false;
  // The argument just put in begins with blanks (see startsBlank): nothing is pasted to it.
  let leadBlank = false;
  // Whether blanks go before the token after parameters that came to nothing (undefined: none did).
  let emptyGap: boolean | undefined;
  // Whether a parameter put something in the line (see rereadRuns).
  let substituted = false;
  // The parameter just read is an argument of blanks alone (see BLANK_ARGUMENTS).
  let blankArgument = false;
  for (let ti = 0; ti < toks.length; ti++) {
    let t = toks[ti];
    // (The token before `t`, as written: `%+1` reads two tokens.)
    const before = toks[ti - 1];
    let repl: PPToken[] | undefined;
    if (t.kind === 'preproc') {
      const s = t.text;
      // The blanks before the parameter go before what replaces it; those inside an argument stay.
      const gap = ti === 0 ? t.gap ?? t.start > 0 : spaced(toks[ti - 1], t);
      let n: number | undefined;
      // `%-n` / `%+n`: parameter n as a condition code, inverted or as is (manual §4.3.8);
      // `%+n` arrives as the `%+` token touching a number.
      // In braces too: nasm 2.16 reads `%{-1}` as `%-1`, not as the last parameter, and blanks
      // between the sign and the number as its strtoul() does (measured: `%{+ 2}` is `%+2`).
      const next = toks[ti + 1];
      // (Its decimal digits only: the rest of the number is text after it, measured with nasm
      // 2.16.01: `1%+0x300` is "macro parameter `%+0' is not a condition code", then `1x300`.)
      const digits = s === '%+' && next !== undefined && next.kind === 'number' && next.start === t.end ? /^\d+/.exec(next.text)?.[0] : undefined;
      const ccPlus = digits !== undefined;
      const braced = /^%\{[+-]\s*\d+\}$/.test(s);
      if (ccPlus || braced || /^%-\d+$/.test(s)) {
        const invert = ccPlus ? false : braced ? s[2] === '-' : true;
        const arg = macroArgument(inv, Number(ccPlus ? digits : s.slice(braced ? 3 : 2, braced ? -1 : undefined).trim()));
        // (An argument in braces is none, measured: `m {e}` with `j%-1` is "not a condition code".)
        const cc = arg?.length === 1 && !BRACED_ARGUMENTS.has(arg) ? arg[0].text.toLowerCase() : '';
        const end = ccPlus ? next.start + digits.length : t.end;
        if (ccPlus) ti++;
        const written = braced ? `%${s.slice(2, -1)}` : `${s}${digits ?? ''}`;
        if (!CONDITION_CODES.has(cc)) sink.error('macro-args', `macro parameter \`${written}' is not a condition code`, lineRange(file, line, t.start, end), expansion);
        else repl = [{ ...arg![0], kind: 'ident', text: invert ? invertCondition(cc) : cc, start: t.start, end, gap }];
        repl ??= [];
        // (After a parameter in error, the blanks before it go before the rest.)
        if (ccPlus && end < next.end) repl = [...repl, ...numberRest(next, digits.length, repl.length === 0 && gap)];
      } else if (s === '%00') repl = inv.label !== undefined ? [{ ...inv.label, start: t.start, end: t.end, gap }] : [];
      else if (s === '%?' || s === '%??') repl = [{ kind: 'ident', text: s === '%?' ? inv.name : inv.macro.name, start: t.start, end: t.end, at: NOWHERE, gap }];
      else if (/^%\d+$/.test(s)) {
        // A number with a leading 0 is none (but `%00`): nasm's error, and nothing (measured: `%02`, `%000`).
        if (s.length > 2 && s.charCodeAt(1) === 0x30) {
          sink.error('macro-args', `invalid macro parameter: \`${s}'`, lineRange(file, line, t.start, t.end), expansion);
          repl = [];
        } else n = Number(s.slice(1));
      } else if (/^%\{(?:0|[1-9]\d*)\}$/.test(s)) n = Number(s.slice(2, -1));
      else if (s === '%{00}') repl = inv.label !== undefined ? [{ ...inv.label, start: t.start, end: t.end, gap }] : [];
      else if (PARAMETER_RANGE.test(s)) {
        repl = parameterRange(inv, s, lineRange(file, line, t.start, t.end), expansion, gap, sink);
        const firstArg = macroArgument(inv, Number(PARAMETER_RANGE.exec(s)![1]));
        leadBlank = repl.length > 0 && firstArg !== undefined && startsBlank(firstArg);
        // (The blanks the last argument ends with too: `%{1:1}` of `{ 3 }` is `3 `.)
        blankAfter = repl.length > 0 && repl[repl.length - 1].blankAfter === true;
      } else if (s.startsWith('%{')) {
        // Any other `%{...}` the lexer left braced is a parameter to nasm, which it cannot read
        // (measured: `%{2 }`, `%{1x}`, `%{01}` are "invalid macro parameter: `%2 '" and the like).
        sink.error('macro-args', `invalid macro parameter: \`%${s.slice(2, -1)}'`, lineRange(file, line, t.start, t.end), expansion);
        repl = [];
      }
      if (n === 0) repl = [{ kind: 'number', text: String(inv.count), start: t.start, end: t.end, gap }];
      else if (n !== undefined) {
        const arg = macroArgument(inv, n) ?? [];
        leadBlank = startsBlank(arg);
        blankArgument = BLANK_ARGUMENTS.has(arg);
        repl = arg.map((a, q) => ({ ...a, start: t.start, end: t.end, gap: q > 0 ? spaced(arg[q - 1], a) : gap || leadBlank }));
        blankAfter = arg.length > 0 && arg[arg.length - 1].blankAfter === true;
      } else if (s.startsWith('%%')) repl = macroLocalTokens(`..@${inv.id}.${s.slice(2)}`, t, gap);
    }
    // (Blanks an argument ended with keep it from what follows, and those it began with from what
    // goes before: nasm pastes nothing there.)
    // (Nor across parameters that came to nothing after blanks: `ab %2cd` is `ab cd` then.)
    const glue = prevEnd === t.start && out.length > 0 && !gapNext && !leadBlank && emptyGap !== true;
    leadBlank = false;
    // An empty replacement after blanks leaves them, at the line's end too (see SubstitutionEnd), as
    // does an argument that ends with them.
    if (repl !== undefined && repl.length === 0) endsBlank ||= spaced(before, t) || blankArgument;
    else endsBlank = repl !== undefined && blankAfter;
    // After an empty replacement the blanks are those before and after it, none written there
    // (measured, nasm -E: `db 1,%1,2` is `db 1,,2`, `%1: db 3` is `: db 3`).
    if (emptyGap !== undefined && repl === undefined) t = gapped(t, emptyGap || spaced(before, t));
    else if (emptyGap === true && repl !== undefined && repl.length > 0) repl[0] = gapped(repl[0], true);
    if (repl !== undefined && repl.length === 0) emptyGap = (emptyGap ?? (ti === 0 ? t.gap ?? t.start > 0 : spaced(toks[ti - 1], t))) || (emptyGap !== undefined && spaced(before, t)) || blankArgument;
    else emptyGap = undefined;
    blankArgument = false;
    if (gapNext && repl === undefined) t = gapped(t, true);
    else if (gapNext && repl !== undefined && repl.length > 0) repl[0] = gapped(repl[0], true);
    if (repl === undefined || repl.length > 0) gapNext = repl !== undefined && blankAfter;
    blankAfter = false;
    if (repl) {
      substituted ||= repl.length > 0;
      if (glue && repl.length > 0 && pastes(out[out.length - 1], repl[0])) {
        out.push(...pasted(out.pop()!, repl[0], file, line));
        for (let k = 1; k < repl.length; k++) out.push(repl[k]);
      } else for (const r of repl) out.push(r);
      prevSubst = true;
    } else {
      if (glue && prevSubst && pastes(out[out.length - 1], t)) out.push(...pasted(out.pop()!, t, file, line));
      else out.push(t);
      prevSubst = false;
    }
    prevEnd = toks[ti].end;
  }
  if (end !== undefined) end.endsBlank = endsBlank;
  return substituted ? rereadRuns(out, file, line) : out;
}

/**
 * A multi-line macro's parameter: `%1`, `%-1`, `%0`, `%00`, and any `%{...}` the lexer leaves braced
 * (`%{1}`, `%{-1}`, `%{1:2}`, `%{1x}`: see bracedToken), as nasm's tokenizer classes them.
 */
const MACRO_PARAMETER = /^%(?:\d+|-\d+|\{[\s\S]*\})$/;

/**
 * `%{a:b}` as nasm 2.16.01 reads a range, with sscanf's "%d:%d": blanks before each number, what
 * follows the second ignored (measured: in a macro, `%{1:1 , 7}` is parameter 1).
 */
const PARAMETER_RANGE = /^%\{\s*([+-]?\d+):\s*([+-]?\d+)/;

/** Condition-code suffixes (Intel SDM Vol. 2 Jcc), for `%+n` / `%-n`. */
const CONDITION_CODES: ReadonlySet<string> = new Set([
  'o', 'no', 'b', 'c', 'nae', 'nb', 'nc', 'ae', 'e', 'z', 'ne', 'nz', 'be', 'na', 'nbe', 'a',
  's', 'ns', 'p', 'pe', 'np', 'po', 'l', 'nge', 'nl', 'ge', 'le', 'ng', 'nle', 'g',
]);

/** The opposite condition: `e` ↔ `ne`, `pe` ↔ `po`, ... */
function invertCondition(cc: string): string {
  if (cc === 'pe') return 'po';
  if (cc === 'po') return 'pe';
  return cc.startsWith('n') && CONDITION_CODES.has(cc.slice(1)) ? cc.slice(1) : `n${cc}`;
}

/** The tokens of number token `t` past its first `from` characters, the first with blanks before it when `gap`. */
function numberRest(t: PPToken, from: number, gap: boolean): PPToken[] {
  const at = t.start + from;
  return tokenizeLine(t.text.slice(from)).map((x, k, all) => ({ kind: x.kind, text: x.text, start: at + x.start, end: at + x.end, at: t.at, src: t.src, gap: k === 0 ? gap : x.start > all[k - 1].end }));
}

/**
 * The tokens of a `%%` name's replacement `text`: one name, or, for one an unterminated `%{`
 * made of the rest of the line (`%{%x: db 1`), what that text reads as, since nasm's assembler
 * reads the line's text again (measured with nasm 2.16.01: that line in a macro is the label
 * `..@N.x` and a byte).
 */
function macroLocalTokens(text: string, t: PPToken, gap: boolean | undefined): PPToken[] {
  if (isNameText(text)) return [{ kind: 'ident', text, start: t.start, end: t.end, gap }];
  // (Not one with a comment, which the tokens would lose from nasm -E's text: that stays one
  // token, which nasm's assembler reads as text again, as the `%` constructs left in a line (see
  // reread.ts): measured, `%{%%y:dw 2 ; c` in a macro is the label and `dw 2`.)
  if (text.includes(';')) return [{ kind: 'preproc', text, start: t.start, end: t.end, gap }];
  const read = tokenizeLine(text);
  return read.map((r, k) => ({ kind: r.kind, text: r.text, start: t.start, end: t.end, gap: k === 0 ? gap : r.start > read[k - 1].end }));
}
