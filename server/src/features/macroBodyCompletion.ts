// Inside a `%macro` body, a `%` being typed is completed with what the body can name: its
// parameters `%1`..`%N` (by the header's count), `%0` (how many arguments the call gave), `%00`
// (the label before the call), `%?` and `%??` (the name it was called by, as called and as
// defined), and the `%%local` labels the body defines (NASM manual §4.3).

import { CompletionItemKind } from 'vscode-languageserver-types';
import type { CompletionItem } from 'vscode-languageserver-types';
import { readParamCount } from '../../../core/src/asm/param-counts';

/** The macro whose body holds a line: its name and parameter counts from its header. */
export interface MacroBody {
  readonly name: string;
  readonly min: number;
  /** Undefined: unbounded (`N-*`). */
  readonly max: number | undefined;
  /** `+`: the last parameter takes the rest of the arguments, commas too. */
  readonly greedy: boolean;
  /** Lines of the body (after the header, before `%endmacro` or the end of the file). */
  readonly first: number;
  readonly last: number;
}

/** The most parameters the completion lists. */
const LISTED_PARAMETERS = 99;

const HEADER = /^\s*%i?macro\s+([^\s;]+)\s+(\d+)(?:\s*-\s*(\d+|\*))?(\+)?/i;
const END = /^\s*%(?:endmacro|endm)\b/i;

/** The macro body `line` is in, if any (the nearest `%macro` above with no `%endmacro` between). */
export function macroBodyAt(lines: readonly string[], line: number): MacroBody | undefined {
  for (let l = line - 1; l >= 0; l--) {
    if (END.test(lines[l])) return undefined;
    const m = HEADER.exec(lines[l]);
    if (!m) continue;
    let last = line;
    while (last + 1 < lines.length && !END.test(lines[last + 1])) last++;
    // (Counts as the assembler reads them, cut to 32 bits: see readParamCount.)
    const min = readParamCount(m[2], []);
    const max = m[3] === '*' ? undefined : m[3] !== undefined ? readParamCount(m[3], []) : min;
    return { name: m[1], min, max, greedy: m[4] !== undefined, first: l + 1, last };
  }
  return undefined;
}

/** The items for a `%` word in `body` (the caller sets their edits); `typing`: where that word starts, not itself a label to offer. */
export function macroBodyItems(lines: readonly string[], body: MacroBody, typing: { readonly line: number; readonly start: number }): CompletionItem[] {
  const items: CompletionItem[] = [];
  // An unbounded macro shows one past its least count, standing for the ones after it; a list
  // of thousands would help no one (nasm allows 2^31-1), so it stops at LISTED_PARAMETERS.
  const count = Math.min(body.max ?? body.min + 1, LISTED_PARAMETERS);
  for (let i = 1; i <= count; i++) {
    const rest = i < count ? '' : body.max === undefined ? ' (and any after it)' : body.greedy ? ' (and the rest of the arguments, commas too)' : '';
    const optional = i > body.min ? ' (optional)' : '';
    items.push({ label: `%${i}`, kind: CompletionItemKind.Variable, detail: `parameter ${i} of ${body.name}${optional}${rest}`, sortText: `0${String(i).padStart(3, '0')}` });
  }
  const own: readonly (readonly [string, string])[] = [
    ['%0', `the number of arguments the call of ${body.name} gave`],
    ['%00', 'the label written before the call, if any'],
    ['%?', 'the macro\'s name as the call wrote it'],
    ['%??', 'the macro\'s name as its definition wrote it'],
  ];
  for (const [label, detail] of own) items.push({ label, kind: CompletionItemKind.Variable, detail, sortText: `1${label}` });
  const seen = new Set<string>();
  for (let l = body.first; l <= body.last; l++) {
    for (const m of lines[l].matchAll(/%%[A-Za-z_.?$#@~][\w.?$#@~]*/g)) {
      if (seen.has(m[0]) || (l === typing.line && m.index === typing.start)) continue;
      seen.add(m[0]);
      items.push({ label: m[0], kind: CompletionItemKind.Reference, detail: `label local to each call of ${body.name}`, sortText: `2${m[0]}` });
    }
  }
  return items;
}
