// What the adapter says about a guest exception it stopped on: the error code decoded field by
// field — selector error codes (SDM Vol. 3A §6.13, Figure 6-7: EXT, IDT, TI, index) and page-fault
// codes (§4.7, Figure 4-12: P, W/R, U/S, RSVD, I/D) — CR2, and the faulting instruction.

import type { ExceptionEvent } from '../../core/src/runtime/events';
import { formatAddress } from './addresses';
import { filterForVector } from './exception-filters';

/** Vectors whose error code is a selector error code (#TS, #NP, #SS, #GP). #DF and #AC push 0. */
const SELECTOR_CODES = new Set([10, 11, 12, 13]);

export interface ErrorCodeField {
  readonly name: string;
  readonly value: number;
  readonly meaning: string;
}

/** The error code's fields, or [] for vectors whose code carries no fields (#DF, #AC). */
export function errorCodeFields(vector: number, code: number): ErrorCodeField[] {
  if (vector === 14) {
    const bit = (n: number): number => (code >>> n) & 1;
    return [
      { name: 'P', value: bit(0), meaning: bit(0) !== 0 ? 'protection violation' : 'page not present' },
      { name: 'W/R', value: bit(1), meaning: bit(1) !== 0 ? 'write' : 'read' },
      { name: 'U/S', value: bit(2), meaning: bit(2) !== 0 ? 'user-mode access' : 'supervisor-mode access' },
      { name: 'RSVD', value: bit(3), meaning: bit(3) !== 0 ? 'reserved bit set in a paging entry' : 'no reserved bit set' },
      { name: 'I/D', value: bit(4), meaning: bit(4) !== 0 ? 'instruction fetch' : 'data access' },
    ];
  }
  if (!SELECTOR_CODES.has(vector)) return [];
  const ext = code & 1;
  const idt = (code >>> 1) & 1;
  const ti = (code >>> 2) & 1;
  const index = (code >>> 3) & 0x1fff;
  return [
    { name: 'EXT', value: ext, meaning: ext !== 0 ? 'raised while delivering an external event' : 'raised by the program' },
    { name: 'IDT', value: idt, meaning: idt !== 0 ? 'the index names an IDT gate' : 'the index names a GDT/LDT descriptor' },
    // TI only means something when IDT = 0.
    { name: 'TI', value: ti, meaning: idt !== 0 ? '(ignored: IDT = 1)' : ti !== 0 ? 'LDT' : 'GDT' },
    { name: 'index', value: index, meaning: idt !== 0 ? `vector 0x${index.toString(16)}` : `selector 0x${((index << 3) | (ti << 2)).toString(16).padStart(4, '0')}` },
  ];
}

/** One line: `P=0 (page not present), W/R=1 (write), ...`; for selector codes 0 reads "not selector-related". */
export function describeErrorCode(vector: number, code: number): string {
  if (SELECTOR_CODES.has(vector) && code === 0) return 'not related to a particular segment';
  const fields = errorCodeFields(vector, code);
  return fields.map((f) => `${f.name}=${f.name === 'index' ? `0x${f.value.toString(16)}` : f.value} (${f.meaning})`).join(', ');
}

/** The title part of a filter label (`General protection`), when the vector has one. */
export function exceptionTitle(vector: number): string | undefined {
  const f = filterForVector(vector);
  return f === undefined ? undefined : f.label.slice(f.label.indexOf(' ') + 1);
}

/** Lines for exceptionInfo: what, where, the error code decoded, CR2. `where` names the faulting instruction's place. */
export function exceptionLines(e: ExceptionEvent, where: string): string[] {
  const title = exceptionTitle(e.vector);
  const lines = [`${e.name}${title !== undefined ? ` ${title}` : ''} (vector ${e.vector}, a ${e.type}) at ${where}${e.instruction !== undefined ? `: ${e.instruction}` : ''}`];
  if (e.errorCode !== undefined) {
    const decoded = describeErrorCode(e.vector, e.errorCode);
    lines.push(`error code 0x${e.errorCode.toString(16)}${decoded !== '' ? `: ${decoded}` : ''}`);
  }
  if (e.vector === 14 && e.qualification !== undefined) lines.push(`CR2 ${formatAddress(e.qualification)} (the linear address that faulted)`);
  lines.push(`${e.type === 'trap' ? 'reported after the instruction' : 'the instruction did not complete'}; the CPU entered the handler at ${formatAddress(e.handlerEip)}`);
  return lines;
}
