// codeActions(doc, range, diagnostics): quick fixes (add an operand size keyword, create an
// undefined label) and the "paravirtualize" rewrite of privileged and sensitive instructions.

import type { Statement } from '../../../core/src/asm/api';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import { toLspRange, type AnalyzedDocument } from '../analysis/document';
import { paravirtualize, SHARED_INFO_POINTER, UPCALL_MASK_CONSTANT } from './paravirtualize';

const SIZE_KEYWORDS = ['byte', 'word', 'dword'] as const;

function statementsOnLine(doc: AnalyzedDocument, line: number): readonly Statement[] {
  return doc.index.statementsOn(line);
}

function endOfDocument(doc: AnalyzedDocument): { line: number; character: number } {
  const last = doc.lines.length - 1;
  return { line: last, character: doc.lines[last].length };
}

function addSizeFixes(doc: AnalyzedDocument, diag: Diagnostic): CodeAction[] {
  const out: CodeAction[] = [];
  for (const s of statementsOnLine(doc, diag.range.start.line)) {
    const mem = s.operands.find((o) => o.kind === 'memory' || o.text.trimStart().startsWith('['));
    if (!mem) continue;
    for (const size of SIZE_KEYWORDS) {
      out.push({
        title: `Add operand size \`${size}\``,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diag],
        isPreferred: size === 'dword',
        edit: { changes: { [doc.uri]: [{ range: { start: toLspRange(mem.range).start, end: toLspRange(mem.range).start }, newText: `${size} ` }] } },
      });
    }
  }
  return out;
}

function createLabelFix(doc: AnalyzedDocument, diag: Diagnostic): CodeAction[] {
  const r = diag.range;
  if (r.start.line !== r.end.line) return [];
  const name = doc.lines[r.start.line]?.slice(r.start.character, r.end.character) ?? '';
  if (!/^\.?[A-Za-z_?][A-Za-z0-9_$#@~.?]*$/.test(name)) return [];
  let at = endOfDocument(doc);
  let newText = `${doc.lines[at.line].length > 0 ? '\n' : ''}${name}:\n`;
  if (name.startsWith('.')) {
    // A local label must land in the same scope: before the next non-local label.
    const next = doc.result.symbols
      .filter((s) => s.kind === 'label' && s.definition.file === doc.path && s.definition.start.line > r.start.line)
      .reduce<number | undefined>((min, s) => (min === undefined || s.definition.start.line < min ? s.definition.start.line : min), undefined);
    if (next !== undefined) {
      at = { line: next, character: 0 };
      newText = `${name}:\n`;
    }
  }
  return [{
    title: `Create label \`${name}\``,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    edit: { changes: { [doc.uri]: [{ range: { start: at, end: at }, newText }] } },
  }];
}

function paravirtualizeActions(doc: AnalyzedDocument, range: Range, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  const hasSharedInfo = doc.index.symbol(SHARED_INFO_POINTER) !== undefined;
  const hasAbiConstants = doc.index.symbol(UPCALL_MASK_CONSTANT)?.kind === 'constant';
  for (let line = range.start.line; line <= range.end.line && line - range.start.line < 500; line++) {
    for (const s of statementsOnLine(doc, line)) {
      if (!s.mnemonic || s.mnemonic.isDirective || s.prefixes.length > 0) continue;
      const pv = paravirtualize(s.mnemonic.name, s.operands.map((o) => o.text), { hasAbiConstants });
      if (!pv) continue;
      const text = doc.lines[line];
      const startCol = s.mnemonic.range.start.col;
      const endCol = s.operands.length > 0 ? s.operands[s.operands.length - 1].range.end.col : s.mnemonic.range.end.col;
      const leading = text.slice(0, startCol);
      const indent = /^\s*$/.test(leading) ? leading : ' '.repeat(startCol);
      const edits: TextEdit[] = [{
        range: { start: { line, character: startCol }, end: { line, character: endCol } },
        newText: pv.lines.join(`\n${indent}`),
      }];
      if (pv.needsSharedInfo && !hasSharedInfo) {
        const end = endOfDocument(doc);
        // Storage goes in a data section, never after whatever code or nobits section ends the file
        // (a `dd` in .bss is an error; in .text the pointer would sit in the code stream).
        const declaration = `section .data\n${SHARED_INFO_POINTER}: dd 0 ; address of the shared-info page: store ESI here at boot\n`;
        edits.push({ range: { start: end, end }, newText: `${doc.lines[end.line].length > 0 ? '\n' : ''}${declaration}` });
      }
      const related = diagnostics.filter((d) => d.code === 'needs-hypercall' && d.range.start.line === line);
      out.push({
        title: pv.clobbers.length > 0 ? `${pv.title} (clobbers ${pv.clobbers.join(', ')})` : pv.title,
        kind: related.length > 0 ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
        diagnostics: related.length > 0 ? related : undefined,
        edit: { changes: { [doc.uri]: edits } },
      });
    }
  }
  return out;
}

export function codeActions(doc: AnalyzedDocument, range: Range, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.code === 'operand-size') out.push(...addSizeFixes(doc, d));
    else if (d.code === 'undefined-symbol') out.push(...createLabelFix(doc, d));
  }
  out.push(...paravirtualizeActions(doc, range, diagnostics));
  return out;
}
