// Format Document as the editor runs it, on a text of its own (test/unit/format-differential.test.ts,
// scripts/fuzz-nasm.mjs's format mode), and what formatting may change.

import { dirname } from 'node:path';
import { AnalysisCache } from '../../server/src/analysis/analysisCache';
import { OverlayFileHost } from '../../server/src/analysis/fileHost';
import { pathToUri } from '../../server/src/analysis/paths';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../server/src/analysis/settings';
import { format, SPACES, type Blanks } from '../../server/src/features/formatting';
import { applyEdits } from '../protocol/analyzeText';

/** The settings formatting is checked with: the defaults, lower case with no columns, and the defaults in an editor that indents with tabs. */
export const FORMAT_SETTINGS: readonly (readonly [string, ServerSettings, Blanks?])[] = [
  ['default settings', DEFAULT_SETTINGS],
  ['lower case, no columns', { ...DEFAULT_SETTINGS, format: { lowercaseMnemonics: true, mnemonicColumn: 0, mnemonicWidth: 1, commentColumn: 0 } }],
  ['tabs of 3 columns', DEFAULT_SETTINGS, { insertSpaces: false, tabSize: 3 }],
];

/**
 * `text`, as the file at `file` (its %include resolved beside it), formatted as the editor would
 * format it; `args`, nasm flags its build gives it, are the editor's `ringside.assembler.arguments`.
 */
export function formattedText(file: string, text: string, settings: ServerSettings, blanks: Blanks = SPACES, args: readonly string[] = []): string {
  const cache = new AnalysisCache(new OverlayFileHost(), args.length === 0 ? settings : { ...settings, assemblerArguments: args }, dirname(file));
  const uri = pathToUri(file);
  cache.update(uri, text);
  const doc = cache.analyze(uri);
  if (doc === undefined) throw new Error(`no analysis of ${file}`);
  return applyEdits(text, format(doc, undefined, blanks));
}

/** The text without its blanks (nasm's: space, tab, vertical tab, form feed), in lower case: what formatting may not change. */
export function blanklessLowerCase(text: string): string {
  return text.replace(/[ \t\v\f]+/g, '').toLowerCase();
}
