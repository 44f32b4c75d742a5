// signatureHelp(doc, pos): the operand forms of the instruction under the cursor, with the
// operand the cursor is in as the active parameter and the form the last assembly encoded the line
// in (else the first form the written operands fit);
// on a call of a multi-line macro, its parameters (`%1`, `%2` ...) by each definition's count;
// inside the parentheses of a single-line macro's call, its parameters as its %define writes them.

import type { SymbolInfo } from '../../../core/src/asm/api';
import { MarkupKind, type Position, type SignatureHelp, type SignatureInformation } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { formSignature, instructionFor, matchForm, operandKindLabel, writtenOperand } from '../syntax/isaIndex';
import { macroArgumentIndexAt, operandIndexAt, shapeLine } from '../syntax/lineShape';
import { encodedForm } from './encodedForm';
import { wordClassifier } from './wordClassifier';

export function signatureHelp(doc: AnalyzedDocument, pos: Position): SignatureHelp | null {
  const text = doc.lines[pos.line];
  if (text === undefined) return null;
  const call = defineCallAt(doc, text, pos.character);
  if (call !== null) return call;
  const shape = shapeLine(text, wordClassifier(doc));
  if (!shape.mnemonic || (shape.comment && pos.character > shape.comment.start)) return null;
  const spec = instructionFor(shape.mnemonic.name);
  const active = spec ? operandIndexAt(text, shape, pos.character) : macroArgumentIndexAt(text, shape, pos.character);
  if (active < 0) return null;
  if (!spec) return macroSignatures(doc, shape.mnemonic.name, active);
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
  // The form the last assembly encoded the line in, when it has as many operands as the cursor is at.
  const encoded = encodedForm(doc, spec, pos.line, shape);
  const encodedAt = encoded === undefined ? -1 : forms.indexOf(encoded);
  if (encodedAt >= 0 && forms[encodedAt].operands.length > active) return { signatures, activeSignature: encodedAt, activeParameter: active };
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

/**
 * A macro call's signatures: one per definition of the name (nasm tells overloads apart by their
 * parameter counts), `%N` for each parameter, in brackets when optional, `…` after a greedy last
 * one (it takes the rest of the line, commas too). The active one is the first that takes as many
 * arguments as the cursor is at.
 */
function macroSignatures(doc: AnalyzedDocument, name: string, active: number): SignatureHelp | null {
  const defs = doc.result.symbols.filter((s) => s.kind === 'macro' && calledBy(s, name));
  if (defs.length === 0) return null;
  const signatures = defs.map(macroSignature);
  const takes = (s: SymbolInfo) => s.params === undefined || s.params.max === 'greedy' || s.params.max > active;
  const index = defs.findIndex(takes);
  const chosen = defs[Math.max(0, index)];
  // A greedy last parameter is active from its own comma on.
  const count = parameterCount(chosen);
  return { signatures, activeSignature: Math.max(0, index), activeParameter: Math.min(active, Math.max(0, count - 1)) };
}

/** Whether `name` calls the macro `s`: as spelled, or in any case for one `%imacro` or `%idefine` made. */
function calledBy(s: SymbolInfo, name: string): boolean {
  return s.shortName === name || (s.anyCase === true && s.shortName.toLowerCase() === name.toLowerCase());
}

function macroSignature(s: SymbolInfo): SignatureInformation {
  const min = s.params?.min ?? 0;
  const max = parameterCount(s);
  const greedy = s.params?.max === 'greedy';
  let label = s.shortName;
  const parameters: { label: [number, number] }[] = [];
  for (let i = 1; i <= max; i++) {
    const written = `%${i}${greedy && i === max ? '…' : ''}`;
    const text = i > min ? `[${written}]` : written;
    label += i === 1 ? ' ' : ', ';
    parameters.push({ label: [label.length, label.length + text.length] });
    label += text;
  }
  const counts = s.params === undefined ? '' : `${min}${greedy ? '+' : max !== min ? `-${max}` : ''}`;
  const doc = [`\`%macro ${s.shortName} ${counts}\``, s.doc].filter((x) => x !== undefined && x !== '').join('\n\n');
  return { label, documentation: { kind: MarkupKind.Markdown, value: doc }, parameters };
}

/** How many `%N` a signature shows: the most it takes, or for a greedy (or `N-*`) macro up to the one taking the rest. */
function parameterCount(s: SymbolInfo): number {
  if (s.params === undefined) return 0;
  return s.params.max === 'greedy' ? Math.max(s.params.min, 1) : s.params.max;
}

/**
 * Inside the parentheses of a call `NAME(...)` of a single-line macro with a parameter list, up to
 * the cursor at `character` of `text`: one signature per definition of NAME (nasm tells them
 * apart by their counts), the active parameter the one the cursor's argument fills (an unnamed
 * parameter, `f(a,,b)`, shows as `_`). Commas inside inner parentheses or braces separate nothing,
 * nor does any after a greedy last parameter.
 */
function defineCallAt(doc: AnalyzedDocument, text: string, character: number): SignatureHelp | null {
  // The groups open at the cursor, read from the line's start: `(` with its top-level commas, `{`.
  const open: { at: number; commas: number; paren: boolean }[] = [];
  for (let i = 0; i < Math.min(character, text.length); i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const end = text.indexOf(c, i + 1);
      if (end < 0 || end >= character) return null;
      i = end;
    } else if (c === ';') return null;
    else if (c === '(' || c === '{') open.push({ at: i, commas: 0, paren: c === '(' });
    else if (c === ')' || c === '}') open.pop();
    else if (c === ',' && open.length > 0) open[open.length - 1].commas++;
  }
  let k = open.length - 1;
  while (k >= 0 && !open[k].paren) k--;
  if (k < 0) return null;
  const call = open[k];
  const commas = call.commas;
  const name = /[A-Za-z_.?$@#~][\w.?$@#~]*$/.exec(text.slice(0, call.at))?.[0];
  if (name === undefined) return null;
  const defs = doc.result.symbols.filter((s) => s.kind === 'define' && s.parameters !== undefined && calledBy(s, name));
  if (defs.length === 0) return null;
  const signatures = defs.map((s): SignatureInformation => {
    let label = `${s.shortName}(`;
    const parameters = s.parameters!.map((p, k) => {
      if (k > 0) label += ', ';
      const written = p === '' ? '_' : p;
      const at: [number, number] = [label.length, label.length + written.length];
      label += written;
      return { label: at };
    });
    return { label: `${label})`, documentation: { kind: MarkupKind.Markdown, value: `\`%define ${s.body ?? s.shortName}\`` }, parameters };
  });
  const greedy = (s: SymbolInfo) => s.parameters![s.parameters!.length - 1]?.endsWith('+') === true;
  const index = defs.findIndex((s) => s.parameters!.length > commas || greedy(s));
  const chosen = defs[Math.max(0, index)];
  return { signatures, activeSignature: Math.max(0, index), activeParameter: Math.min(commas, chosen.parameters!.length - 1) };
}
