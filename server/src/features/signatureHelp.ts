// signatureHelp(doc, pos): the operand forms of the instruction under the cursor, with the
// operand the cursor is in as the active parameter and the first form the written operands fit.

import type { Position, SignatureHelp, SignatureInformation } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { formSignature, instructionFor, matchForm, operandKindLabel, writtenOperand } from '../syntax/isaIndex';
import { operandIndexAt, shapeLine } from '../syntax/lineShape';
import { wordClassifier } from './wordClassifier';

export function signatureHelp(doc: AnalyzedDocument, pos: Position): SignatureHelp | null {
  const text = doc.lines[pos.line];
  if (text === undefined) return null;
  const shape = shapeLine(text, wordClassifier(doc));
  if (!shape.mnemonic || (shape.comment && pos.character > shape.comment.start)) return null;
  const spec = instructionFor(shape.mnemonic.name);
  if (!spec) return null;
  const active = operandIndexAt(text, shape, pos.character);
  if (active < 0) return null;
  const forms = spec.forms.filter((f) => !f.encodeOnly && f.operands.length > 0);
  if (forms.length === 0) return null;
  const signatures: SignatureInformation[] = forms.map((f) => {
    const label = formSignature(spec.mnemonic, f);
    let offset = spec.mnemonic.length + 1;
    const parameters = f.operands.map((k) => {
      const l = operandKindLabel(k);
      const p = { label: [offset, offset + l.length] as [number, number] };
      offset += l.length + 2;
      return p;
    });
    return { label, documentation: spec.summary, parameters };
  });
  // Prefer the first form that every operand written so far fits (the cursor's own operand
  // counts once it has text), falling back to the first form long enough for the cursor.
  const writtenCount = Math.min(shape.operands.length, active + 1);
  const written = shape.operands.slice(0, writtenCount)
    .filter((o) => o.end > o.start)
    .map((o) => writtenOperand(text.slice(o.start, o.end)));
  let activeSignature = forms.findIndex((f) => f.operands.length > active);
  for (let i = 0; i < forms.length; i++) {
    if (forms[i].operands.length <= active) continue;
    const prefixSpec = { ...spec, forms: [{ ...forms[i], operands: forms[i].operands.slice(0, written.length) }] };
    if (matchForm(prefixSpec, written)) {
      activeSignature = i;
      break;
    }
  }
  return { signatures, activeSignature: Math.max(0, activeSignature), activeParameter: active };
}
