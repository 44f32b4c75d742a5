// Tokens of a source line by its text, shared between identical lines and kept across assemble()
// calls (the language server re-assembles after every edit, and most lines did not change), with
// what the preprocessor needs to know about them worked out once.

import { tokenizeLine, type Token } from './lexer';

export interface LineEntry {
  /**
   * The line's text: the one string every later stage keys its caches by, so they find it by
   * identity and each file's own copy of the line can be dropped after preprocessing.
   */
  readonly text: string;
  /** Every token, the comment included. */
  readonly tokens: readonly Token[];
  /** The tokens without a trailing comment (`tokens` itself when there is none). */
  readonly code: readonly Token[];
  /**
   * No `%` construct, no `__X__` standard macro, not `bits`/`use16`/`use32`: with no macros
   * defined and no conditional or capture open, the preprocessor passes the line on as written.
   */
  readonly plain: boolean;
}

/** Distinct line texts kept; past this the cache starts over (a bound, not a tuning knob). */
const MAX_LINES = 1 << 18;
/** Lines longer than this are rare and seldom repeat: not worth keeping. */
const MAX_LENGTH = 200;

let cache = new Map<string, LineEntry>();

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

function newEntry(text: string): LineEntry {
  const tokens = tokenizeLine(text);
  const last = tokens[tokens.length - 1];
  const code = last !== undefined && last.kind === 'comment' ? tokens.slice(0, -1) : tokens;
  return { text, tokens, code, plain: isPlain(code) };
}

function isPlain(toks: readonly Token[]): boolean {
  for (const t of toks) {
    if (t.kind === 'preproc') return false;
    if (t.kind === 'op' && (t.text === '%' || t.text === '%%')) return false;
    if (t.kind === 'ident' && t.text.charCodeAt(0) === 0x5f && t.text.charCodeAt(1) === 0x5f) return false;
  }
  const first = toks[0]?.text === '[' ? toks[1] : toks[0];
  if (first !== undefined && first.kind === 'ident' && (first.text.length === 4 || first.text.length === 5)) {
    const w = first.text.toLowerCase();
    if (w === 'bits' || w === 'use16' || w === 'use32') return false;
  }
  return true;
}
