// The instruction form a line stands for: the one the encoder chose in the last assembly (what
// the bytes are), else the form the written operands pick as nasm would (a line not assembled).

import type { FormSpec, InstructionSpec } from '../../../core/src/isa/types';
import type { AnalyzedDocument } from '../analysis/document';
import { matchForm, writtenOperand } from '../syntax/isaIndex';
import type { LineShape } from '../syntax/lineShape';

/** The form the last assembly encoded the instruction of `line` in, whose mnemonic `shape` found. */
export function encodedForm(doc: AnalyzedDocument, spec: InstructionSpec, line: number, shape: LineShape): FormSpec | undefined {
  const st = statementOf(doc, line, shape);
  return st?.form === undefined ? undefined : spec.forms[st.form];
}

/** The form of the instruction of `line` (`text`, read as `shape`): as encoded, else as its operands are written. */
export function formOnLine(doc: AnalyzedDocument, spec: InstructionSpec, line: number, text: string, shape: LineShape): FormSpec | undefined {
  const st = statementOf(doc, line, shape);
  if (st?.form !== undefined) return spec.forms[st.form];
  return matchForm(spec, shape.operands.map((o) => writtenOperand(text.slice(o.start, o.end))), st?.bits ?? bitsBefore(doc, line));
}

/** The `bits` of the nearest statement assembled at or before `line` (a macro's body, a `%if 0` block has none of its own). */
function bitsBefore(doc: AnalyzedDocument, line: number): 16 | 32 | undefined {
  for (let l = line; l >= 0; l--) {
    const st = doc.index.statementsOn(l)[0];
    if (st !== undefined) return st.bits;
  }
  return undefined;
}

function statementOf(doc: AnalyzedDocument, line: number, shape: LineShape) {
  const start = shape.mnemonic?.start;
  return doc.index.statementsOn(line).find((s) => s.mnemonic !== undefined && s.mnemonic.range.start.col === start);
}
