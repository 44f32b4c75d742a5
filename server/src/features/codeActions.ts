// codeActions(doc, range, diagnostics): quick fixes (a misspelt name changed to the nearest one,
// add an operand size keyword, create an undefined label, switch a warning off) and the
// "paravirtualize" rewrite of privileged and sensitive instructions.

import { isNameText } from '../../../core/src/asm/lexer';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import { toLspRange, type AnalyzedDocument } from '../analysis/document';
import { scanBlocks } from '../syntax/blocks';
import { DIRECTIVES } from '../syntax/directives';
import { allMnemonics, allRegisters, instructionFor, kindAccepts, writtenOperand } from '../syntax/isaIndex';
import { paravirtualize, SHARED_INFO_POINTER, UPCALL_MASK_CONSTANT } from './paravirtualize';
import { spellingFixes } from './spellingFixes';
import { warningSwitchActions } from './warningSwitchActions';
import { wordClassifier } from './wordClassifier';

const SIZES = [
  { keyword: 'byte', kinds: ['rm8', 'm8'] },
  { keyword: 'word', kinds: ['rm16', 'm16'] },
  { keyword: 'dword', kinds: ['rm32', 'm32'] },
] as const;

const SIZE_WRITTEN = /^\s*(?:byte|word|dword|qword|tword|oword|yword|zword|far|near|short)\b/i;

function endOfDocument(doc: AnalyzedDocument): { line: number; character: number } {
  const last = doc.lines.length - 1;
  return { line: last, character: doc.lines[last].length };
}

/**
 * What goes before lines appended at the end of the document: a line break when the last line has
 * text, and a blank line after a line ending in `\`, which would otherwise continue into the first
 * appended one (NASM manual §3.1: `db 1 ; c\` then `x:` is one comment line).
 */
function breakBeforeAppended(doc: AnalyzedDocument): string {
  const last = doc.lines.length - 1;
  const text = doc.lines[last];
  const lineBreak = text.length > 0 ? '\n' : '';
  const continued = text.length > 0 ? text.endsWith('\\') : last > 0 && doc.lines[last - 1].endsWith('\\');
  return continued ? `${lineBreak}\n` : lineBreak;
}

/**
 * The size keywords that give the unsized memory operand a form in the table: `push` and `bt`
 * have no byte form, `movzx eax, [x]` no dword one (NASM rejects those combinations).
 */
function sizesFor(mnemonic: string, operands: readonly string[], memIndex: number): (typeof SIZES)[number][] {
  const spec = instructionFor(mnemonic);
  if (!spec) return [...SIZES];
  const written = operands.map(writtenOperand);
  return SIZES.filter((size) => spec.forms.some((form) => form.operands.length === written.length
    && (size.kinds as readonly string[]).includes(form.operands[memIndex])
    && written.every((w, i) => i === memIndex || kindAccepts(form.operands[i], w))));
}

function addSizeFixes(doc: AnalyzedDocument, diag: Diagnostic): CodeAction[] {
  // "mismatch in operand sizes" has the same code; a second size keyword would not fix it.
  if (typeof diag.message !== 'string' || !/size not specified/i.test(diag.message)) return [];
  const line = diag.range.start.line;
  // The statement whose operand the diagnostic marks; in a macro body, its first expansion.
  const statement = doc.result.statements.find((s) => s.range.file === doc.path && s.range.start.line === line
    && s.operands.some((o) => o.range.start.line === line && o.range.start.col <= diag.range.start.character && diag.range.start.character < Math.max(o.range.end.col, o.range.start.col + 1)))
    ?? doc.result.statements.find((s) => s.range.file === doc.path && s.range.start.line === line && s.operands.length > 0);
  if (!statement?.mnemonic) return [];
  const memIndex = statement.operands.findIndex((o) => o.text.includes('[') && !SIZE_WRITTEN.test(o.text));
  if (memIndex < 0) return [];
  const mem = statement.operands[memIndex];
  const sizes = sizesFor(statement.mnemonic.name, statement.operands.map((o) => o.text), memIndex);
  const natural = statement.bits === 16 ? 'word' : 'dword';
  const at = toLspRange(mem.range).start;
  return sizes.map((size) => ({
    title: `Add operand size \`${size.keyword}\``,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: sizes.length === 1 || size.keyword === natural,
    edit: { changes: { [doc.uri]: [{ range: { start: at, end: at }, newText: `${size.keyword} ` }] } },
  }));
}

function createLabelFix(doc: AnalyzedDocument, diag: Diagnostic): CodeAction[] {
  const r = diag.range;
  if (r.start.line !== r.end.line) return [];
  const name = doc.lines[r.start.line]?.slice(r.start.character, r.end.character) ?? '';
  // A name as nasm reads one, non-ASCII characters too (`fö`, `x😀`); not `..@x` and the like.
  if (!isNameText(name) || name.startsWith('..')) return [];
  // Only for nasm's "symbol `x' not defined" naming the word marked (a local label by its full
  // name): "not defined before use" (a %if, `sectalign`, a critical expression) wants the symbol
  // above the use, where a label at the end does not help, and "expression syntax error" marks a
  // keyword (`far`, `strict`) no label can be named (measured with nasm 2.16.01).
  const named = /^symbol `(.*)' not defined$/.exec(typeof diag.message === 'string' ? diag.message : '')?.[1];
  if (named === undefined || (named !== name && !(name.startsWith('.') && named.endsWith(name)))) return [];
  // A directive's, instruction's or register's name is read as such at the start of a line
  // (`bits:` is the directive `bits` with operand `:`), never as a label.
  const lower = name.toLowerCase();
  if (allMnemonics().includes(lower) || DIRECTIVES.some((d) => d.name === lower) || allRegisters().some((x) => x.name === lower)) return [];
  // A symbol the assembly defines (later, or in a way this use cannot see): a second definition
  // would be "label `x' inconsistently redefined".
  if (doc.result.symbols.some((s) => s.name === named)) return [];
  let at = endOfDocument(doc);
  let newText = `${breakBeforeAppended(doc)}${name}:\n`;
  if (name.startsWith('.')) {
    // A local label must land in the same scope: before the next line that opens another, a
    // non-local label's or a structure's (its fields are `.x` labels under it, nasm's struc macro).
    // A label a macro's body defines opens it where the macro is called, not in the body, which is
    // no place for the new label either. (`..@` labels, a macro's `%%x`, open none: NASM manual §3.9.)
    const bodies = scanBlocks(doc.lines, wordClassifier(doc)).filter((b) => b.kind === 'macro');
    const inBody = (line: number) => bodies.some((b) => b.startLine <= line && line <= b.endLine);
    const opens = (s: { name: string; kind: string }) => (s.kind === 'label' || s.kind === 'struc') && !s.name.startsWith('..');
    const lines = [
      ...doc.result.symbols.filter((s) => opens(s) && s.definition.file === doc.path).map((s) => s.definition.start.line),
      ...doc.result.statements.flatMap((st) => (st.label !== undefined && st.outerCall?.file === doc.path && opens({ name: st.label.name, kind: 'label' }) && !st.label.name.startsWith('.') ? [st.outerCall.start.line] : [])),
    ].filter((line) => line > r.start.line && !inBody(line));
    const next = lines.reduce<number | undefined>((min, line) => (min === undefined || line < min ? line : min), undefined);
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
    // A `%rep` body line is a statement per repetition: one action for the line.
    const done = new Set<number>();
    for (const s of doc.index.statementsOn(line)) {
      // The hypercall ABI is 32-bit (EAX, EBX, ... in a protected-mode kernel): in 16-bit code
      // (nasm's bin format before any `bits 32`) the sequence means something else, and below
      // `cpu 386` nasm refuses its registers ("no instruction for this cpu level", measured with
      // nasm 2.16.01 on `cpu 286` / `clts`).
      if (s.bits === 16) continue;
      if (!s.mnemonic || s.mnemonic.isDirective || s.prefixes.length > 0 || done.has(s.mnemonic.range.start.col)) continue;
      done.add(s.mnemonic.range.start.col);
      const pv = paravirtualize(s.mnemonic.name, s.operands.map((o) => o.text), { hasAbiConstants });
      if (!pv) continue;
      const text = doc.lines[line];
      const startCol = s.mnemonic.range.start.col;
      // `times 2 hlt` repeats one instruction; its replacement is several, which times would not repeat.
      if (/\btimes\b/i.test(text.slice(0, startCol))) continue;
      // A line `\` continues (or continues from): its columns count in the joined text.
      if (text.endsWith('\\') || (line > 0 && doc.lines[line - 1].endsWith('\\'))) continue;
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
        // (a `dd` in .bss is an error; in .text the pointer would sit in the code stream). A file
        // another one %includes goes back to its includer's section after it: the primitive
        // `[section]` leaves `__?SECT?__` as the last `section` line set it (NASM manual §7.3),
        // so the includer's lines after the %include stay where they were (measured with nasm 2.16.01).
        const pointer = `${SHARED_INFO_POINTER}: dd 0 ; address of the shared-info page: store ESI here at boot\n`;
        const declaration = doc.rootPath === doc.path ? `section .data\n${pointer}` : `[section .data]\n${pointer}__?SECT?__\n`;
        edits.push({ range: { start: end, end }, newText: `${breakBeforeAppended(doc)}${declaration}` });
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
    out.push(...spellingFixes(doc, d));
    if (d.code === 'operand-size') out.push(...addSizeFixes(doc, d));
    else if (d.code === 'undefined-symbol') out.push(...createLabelFix(doc, d));
    else out.push(...warningSwitchActions(doc, d));
  }
  out.push(...paravirtualizeActions(doc, range, diagnostics));
  return out;
}
