// Tokens of a source line by its text, shared between identical lines and kept across assemble()
// calls: the language server re-assembles after every edit, and most lines did not change.

import { tokenizeLine, type Token } from './lexer';

/** Distinct line texts kept; past this the cache starts over (a bound, not a tuning knob). */
const MAX_LINES = 1 << 18;
/** Lines longer than this are rare and seldom repeat: not worth keeping. */
const MAX_LENGTH = 200;

let cache = new Map<string, readonly Token[]>();

/** `tokenizeLine(text)`, shared: callers must not modify the array or its tokens. */
export function lineTokens(text: string): readonly Token[] {
  if (text.length > MAX_LENGTH) return tokenizeLine(text);
  let toks = cache.get(text);
  if (toks === undefined) {
    toks = tokenizeLine(text);
    if (cache.size >= MAX_LINES) cache = new Map();
    cache.set(text, toks);
  }
  return toks;
}
