// semanticTokens(doc): every token classified from the shared lexer, the table and the last
// assembly's symbols. Mnemonics carry the custom modifiers `privileged` and `sensitive` so themes
// (through package.json semanticTokenScopes) can mark the instructions a VMM must care about.

import type { SymbolInfo } from '../../../core/src/asm/api';
import type { Range, SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { dupKeywordStarts } from '../syntax/dataDup';
import { isDirective, isSizeKeyword } from '../syntax/directives';
import { instructionFor, isPrefixMnemonic, matchForm, privilegeOf, registerFor, writtenOperand } from '../syntax/isaIndex';
import { shapeLine } from '../syntax/lineShape';
import { scopeLabelAt } from './symbolAt';
import { wordClassifier } from './wordClassifier';

/** Custom types (mnemonic, register, directive) are declared with standard super-types in package.json. */
export const TOKEN_TYPES = ['mnemonic', 'register', 'directive', 'label', 'macro', 'number', 'string', 'comment', 'variable', 'parameter', 'keyword', 'struct', 'property'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'privileged', 'sensitive'] as const;

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = typeof TOKEN_TYPES[number];
const TYPE_INDEX = new Map<TokenType, number>(TOKEN_TYPES.map((t, i) => [t, i]));
const MOD_DECLARATION = 1 << 0;
const MOD_READONLY = 1 << 1;
const MOD_PRIVILEGED = 1 << 2;
const MOD_SENSITIVE = 1 << 3;

function symbolType(s: SymbolInfo): { type: TokenType; mods: number } {
  switch (s.kind) {
    case 'label': case 'local-label': case 'section': return { type: 'label', mods: 0 };
    case 'constant': return { type: 'variable', mods: MOD_READONLY };
    case 'macro': case 'define': return { type: 'macro', mods: 0 };
    case 'struc': return { type: 'struct', mods: 0 };
    case 'struc-field': return { type: 'property', mods: MOD_READONLY };
  }
}

export function semanticTokens(doc: AnalyzedDocument, range?: Range): SemanticTokens {
  const data: number[] = [];
  const symbols = { get: (name: string) => doc.index.symbol(name) };
  const words = wordClassifier(doc);
  const first = range ? Math.max(0, range.start.line) : 0;
  const last = range ? Math.min(doc.lines.length - 1, range.end.line) : doc.lines.length - 1;
  let scope = first > 0 ? scopeLabelAt(doc, first - 1)?.name : undefined;
  let prevLine = 0;
  let prevCol = 0;
  const push = (line: number, start: number, length: number, type: TokenType, mods: number) => {
    if (length <= 0) return;
    const dl = line - prevLine;
    data.push(dl, dl === 0 ? start - prevCol : start, length, TYPE_INDEX.get(type) as number, mods);
    prevLine = line;
    prevCol = start;
  };
  for (let line = first; line <= last; line++) {
    const text = doc.lines[line];
    if (text.length === 0) continue;
    const shape = shapeLine(text, words);
    if (shape.label && !shape.label.name.startsWith('.')) scope = shape.label.name;
    // `struc name` defines `name` as a label, so the `.field:` lines after it are `name.field`.
    else if (shape.mnemonic?.name.toLowerCase() === 'struc' && shape.operands.length > 0) scope = text.slice(shape.operands[0].start, shape.operands[0].end).split(',')[0].trim();
    let mnemonicMods = 0;
    if (shape.mnemonic) {
      const spec = instructionFor(shape.mnemonic.name);
      if (spec) {
        const form = matchForm(spec, shape.operands.map((o) => writtenOperand(text.slice(o.start, o.end))));
        const p = privilegeOf(spec, form);
        if (p === 'privileged' || p === 'iopl-sensitive') mnemonicMods = MOD_PRIVILEGED;
        else if (p === 'sensitive-unprivileged') mnemonicMods = MOD_SENSITIVE;
      }
    }
    for (const t of shape.tokens) {
      const len = t.end - t.start;
      switch (t.kind) {
        case 'comment': push(line, t.start, len, 'comment', 0); continue;
        case 'string': push(line, t.start, len, 'string', 0); continue;
        case 'number': push(line, t.start, len, 'number', 0); continue;
        case 'preproc':
          push(line, t.start, len, shape.preproc?.start === t.start ? 'directive' : 'parameter', 0);
          continue;
        case 'ident': break;
        default: continue;
      }
      const word = t.text;
      if (shape.label?.start === t.start) {
        // `NAME equ 4` is written like a label but declares a constant.
        const full = word.startsWith('.') && !word.startsWith('..') && scope ? scope + word : word;
        const sym = symbols.get(full) ?? symbols.get(word);
        const { type, mods } = sym ? symbolType(sym) : { type: 'label' as const, mods: 0 };
        push(line, t.start, len, type, mods | MOD_DECLARATION);
        continue;
      }
      if (shape.mnemonic?.start === t.start) {
        if (instructionFor(word) || isPrefixMnemonic(word)) push(line, t.start, len, 'mnemonic', mnemonicMods);
        else if (isDirective(word)) push(line, t.start, len, 'directive', 0);
        else if (symbols.get(word)?.kind === 'macro') push(line, t.start, len, 'macro', 0);
        continue;
      }
      if (shape.prefixes.some((p) => p.start === t.start)) {
        push(line, t.start, len, 'mnemonic', 0);
        continue;
      }
      // `3 dup (1)` repeats; a `dup` elsewhere is a name (`dup: db 1`, `db dup`).
      if (len === 3 && word.toLowerCase() === 'dup' && dupKeywordStarts(shape).includes(t.start)) { push(line, t.start, len, 'keyword', 0); continue; }
      if (registerFor(word)) { push(line, t.start, len, 'register', 0); continue; }
      if (isSizeKeyword(word)) { push(line, t.start, len, 'keyword', 0); continue; }
      const full = word.startsWith('.') && !word.startsWith('..') && scope ? scope + word : word;
      const sym = symbols.get(full) ?? symbols.get(word);
      if (sym) {
        const { type, mods } = symbolType(sym);
        const declared = sym.definition.file === doc.path && sym.definition.start.line === line && sym.definition.start.col === t.start;
        push(line, t.start, len, type, mods | (declared ? MOD_DECLARATION : 0));
        continue;
      }
      if (isDirective(word)) push(line, t.start, len, 'directive', 0);
    }
  }
  return { data };
}
