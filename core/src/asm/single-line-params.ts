// The parameter lists of single-line macros (manual §4.1.1): unnamed parameters and the modifiers
// `=`, `&`, `&&`, `!` and `+`, read as nasm 2.16.01 reads them, and a call's arguments split as they say.

import { gapped, spaced, type PPToken } from './source';

/** What a parameter's modifiers ask of its argument (none: the argument as written, its braces and outer blanks dropped). */
export interface ParamModifiers {
  /** `=`: the argument's value as an expression, in decimal. */
  readonly evaluate?: true;
  /** `&`: the argument as a quoted string; `&&` (`unless-string`): a string argument stays as written. */
  readonly quote?: 'always' | 'unless-string';
  /** `!`: the argument's blanks and braces are kept. */
  readonly keepBlanks?: true;
  /** `+`: the argument is the rest of the call, commas and all. */
  readonly greedy?: true;
}

/** A `%define`'s parameter list (see readSingleLineParams). */
export interface SingleLineParams {
  /** The parameters' names, '' for an unnamed one; undefined when the list makes none (the body then starts at its `(`). */
  readonly names: string[] | undefined;
  /** Each parameter's modifiers; undefined when none has any. */
  readonly modifiers: ParamModifiers[] | undefined;
  /** Where the body starts in the line's tokens. */
  readonly bodyStart: number;
  /** nasm's errors, in its order. */
  readonly errors: string[];
}

/**
 * The parameter list opening at `toks[open]`, as nasm 2.16.01's parse_smacro_template reads it:
 * one parameter per comma and one for the `)`, each a name or none, with its modifiers anywhere
 * around it. nasm reads the list twice, first to count, so each error comes twice, except where
 * the count is 0: then the list is no list and the body starts at the `(` (measured: `%define P(a`
 * makes `P` as `(a`, "`)' expected to terminate macro template" once; `%define f(a b) a` takes 1
 * parameter, "garbage `b' in macro parameter list" twice).
 */
export function readSingleLineParams(toks: readonly PPToken[], open: number): SingleLineParams {
  const errors: string[] = [];
  const counted = readList(toks, open, errors);
  if (counted.names.length === 0) return { names: undefined, modifiers: undefined, bodyStart: open, errors };
  const { names, modifiers, end } = readList(toks, open, errors);
  return { names, modifiers: modifiers.some((m) => m !== PLAIN) ? modifiers : undefined, bodyStart: end, errors };
}

const PLAIN: ParamModifiers = {};

/** One reading of the list (see readSingleLineParams). */
function readList(toks: readonly PPToken[], open: number, errors: string[]): { names: string[]; modifiers: ParamModifiers[]; end: number } {
  const names: string[] = [];
  const modifiers: ParamModifiers[] = [];
  let name: string | undefined;
  let m: { -readonly [K in keyof ParamModifiers]: ParamModifiers[K] } = {};
  let modified = false;
  let greedy = false;
  let garbage = false;
  let i = open + 1;
  for (;; i++) {
    const t = toks[i];
    if (t === undefined) {
      errors.push(name !== undefined || modified ? "`)' expected to terminate macro template" : 'parameter identifier expected');
      break;
    }
    const op = t.kind === 'op' ? t.text : '';
    if (t.kind === 'ident' && name === undefined) name = t.text;
    else if (op === '=') { m.evaluate = true; modified = true; }
    // (`&` after `&&` asks for no more than `&&`, as nasm's flags: measured, `&&&a` quotes `x`.)
    else if (op === '&') { m.quote = 'always'; modified = true; }
    else if (op === '&&') { m.quote ??= 'unless-string'; modified = true; }
    else if (op === '!') { m.keepBlanks = true; modified = true; }
    else if (op === '+') { m.greedy = true; greedy = modified = true; }
    else if (op === ',' || op === ')') {
      if (op === ',' && greedy) errors.push('greedy parameter must be last');
      names.push(name ?? '');
      modifiers.push(modified ? m : PLAIN);
      name = undefined;
      m = {};
      modified = false;
      if (op === ')') return { names, modifiers, end: i + 1 };
    } else if (!garbage) {
      errors.push(`garbage \`${t.text}' in macro parameter list`);
      garbage = true;
    }
  }
  return { names, modifiers, end: toks.length };
}

/** A parameter as written in its list (`=a`, `&&b`, `c+`). */
export function paramText(name: string, m: ParamModifiers | undefined): string {
  if (m === undefined) return name;
  return `${m.evaluate ? '=' : ''}${m.quote === 'always' ? '&' : m.quote ? '&&' : ''}${m.keepBlanks ? '!' : ''}${name}${m.greedy ? '+' : ''}`;
}

/** Whether a macro of these parameters takes a call of `count` arguments (a greedy last one may be left out). */
export function takesCount(params: readonly string[] | undefined, modifiers: readonly ParamModifiers[] | undefined, count: number): boolean {
  if (params === undefined) return false;
  if (params.length === count) return true;
  return modifiers?.[modifiers.length - 1].greedy === true && count >= params.length - 1;
}

/**
 * A call's arguments for parameters with modifiers, `inside` the parentheses after `open`, as
 * nasm 2.16.01's expand_one_smacro splits them: a greedy parameter takes the rest; blanks kept
 * only inside an argument (the first token's `gap` says whether one is before it, including one
 * left before the comma ahead of it) or, for `!`, all (`tails`: blanks end it); braces dropped
 * around an argument's start to their match, not for `!` (measured: `G(1,2,{3})` gives `2,{3}`
 * to a greedy second parameter, `H( { x } )` gives ` x`, `N( {x} )` ` {x} ` for `!`).
 */
export function splitModifiedArguments(inside: readonly PPToken[], open: PPToken, close: PPToken, modifiers: readonly ParamModifiers[]): { args: PPToken[][]; tails: boolean[] } {
  const args: PPToken[][] = [[]];
  const tails = [false];
  let k = 0;
  let white = false, raw = false;
  let braces = 0, parens = 0;
  let bracketed = false;
  let prev = open;
  for (const t of inside) {
    const m = modifiers[k];
    const cur = args[k];
    if (spaced(prev, t)) {
      if (m.keepBlanks === true) raw = true;
      else if (braces > 0 || cur.length > 0) white = true;
    }
    prev = t;
    const op = t.kind === 'op' ? t.text : '';
    let skip = false;
    if (op === ',' && braces === 0 && parens === 0 && m.greedy !== true && k < modifiers.length - 1) {
      tails[k] = raw;
      raw = bracketed = false;
      args.push([]);
      tails.push(false);
      k++;
      continue;
    }
    if (op === '{') {
      if (!bracketed) skip = bracketed = cur.length === 0 && m.keepBlanks !== true;
      braces++;
    } else if (op === '}') {
      if (braces > 0 && --braces === 0) skip = bracketed;
    } else if (op === '(' && braces === 0) parens++;
    else if (op === ')' && braces === 0) parens--;
    if (skip) continue;
    cur.push(gapped(t, white || raw));
    white = raw = false;
  }
  tails[k] = raw || (modifiers[k].keepBlanks === true && spaced(prev, close));
  while (args.length < modifiers.length) { args.push([]); tails.push(false); }
  return { args, tails };
}
