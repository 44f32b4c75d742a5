// `textDocument/semanticTokens/full/delta` (LSP 3.16): remembers the last token array sent per
// document under a result id, and answers a delta request with the one edit that turns the
// client's array into the new one (common prefix and suffix kept), or the full array when the
// client's result id is not the one remembered.

import type { SemanticTokens, SemanticTokensDelta, SemanticTokensEdit } from 'vscode-languageserver-types';

/** The single edit turning `before` into `after`, or none when they are equal. Linear time. */
export function tokenEdits(before: readonly number[], after: readonly number[]): SemanticTokensEdit[] {
  const shorter = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shorter && before[prefix] === after[prefix]) prefix++;
  if (prefix === before.length && prefix === after.length) return [];
  let suffix = 0;
  while (suffix < shorter - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  // Tokens are 5-integer groups; the spec allows edits anywhere, but whole groups keep clients simple.
  prefix -= prefix % 5;
  suffix -= suffix % 5;
  return [{ start: prefix, deleteCount: before.length - prefix - suffix, data: after.slice(prefix, after.length - suffix) }];
}

export class SemanticTokensHistory {
  private readonly last = new Map<string, { readonly id: string; readonly data: readonly number[] }>();
  private counter = 0;

  /** A full response, remembered for later deltas. */
  full(uri: string, tokens: SemanticTokens): SemanticTokens {
    const id = String(++this.counter);
    this.last.set(uri, { id, data: tokens.data });
    return { resultId: id, data: tokens.data };
  }

  /** A delta against `previousResultId` when it is the remembered one, else a full response. */
  delta(uri: string, previousResultId: string, tokens: SemanticTokens): SemanticTokens | SemanticTokensDelta {
    const prev = this.last.get(uri);
    if (!prev || prev.id !== previousResultId) return this.full(uri, tokens);
    const id = String(++this.counter);
    this.last.set(uri, { id, data: tokens.data });
    return { resultId: id, edits: tokenEdits(prev.data, tokens.data) };
  }

  forget(uri: string): void {
    this.last.delete(uri);
  }
}
