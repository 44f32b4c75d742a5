// The page walk of one linear address (`ringside/translate`) as lines for the quick pick and as a
// node for the Page Tables view: the address split into directory index, table index and offset
// (SDM Vol. 3A §4.3, Figure 4-2 and 4-3), each entry read, and the physical address or the #PF
// error code (§4.7) a supervisor read would get.

import type { TranslateResponse, WalkStepInfo } from '../../../core/src/protocol';
import { hex32, hexShort } from './hex';
import { pagingFlags, pagingFlagsInWords } from './pagingFlags';
import type { ViewNode } from './viewNode';

export interface WalkLine {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
}

/** `dir 0x300 | table 0x001 | offset 0x234` for 4 KiB pages; `dir | offset` (22 bits) for a 4 MiB page. */
export function splitLinear(linear: number, large: boolean): string {
  const la = linear >>> 0;
  return large
    ? `directory ${hexShort(la >>> 22)} | offset ${hexShort(la & 0x3f_ffff)}`
    : `directory ${hexShort(la >>> 22)} | table ${hexShort((la >>> 12) & 0x3ff)} | offset ${hexShort(la & 0xfff)}`;
}

/** Why the walk failed, from the #PF error code bits (SDM Vol. 3A §4.7, Figure 4-12). */
export function describePageFaultCode(code: number): string {
  const parts = [
    (code & 1) !== 0 ? 'protection violation' : 'page not present',
    (code & 2) !== 0 ? 'write' : 'read',
    (code & 4) !== 0 ? 'user mode' : 'supervisor mode',
  ];
  if ((code & 8) !== 0) parts.push('reserved bit set');
  if ((code & 16) !== 0) parts.push('instruction fetch');
  return parts.join(', ');
}

function stepIndex(step: WalkStepInfo, linear: number): number {
  return step.level === 'pde' ? linear >>> 22 : (linear >>> 12) & 0x3ff;
}

function stepLine(step: WalkStepInfo, linear: number): WalkLine {
  const name = step.level === 'pde' ? 'PDE' : 'PTE';
  const flags = step.present ? pagingFlags(step.level, step) : 'not present';
  return {
    label: `${name} ${hexShort(stepIndex(step, linear))} at ${hex32(step.entryAddress)} = ${hex32(step.entry)}`,
    description: flags,
    detail: step.present ? pagingFlagsInWords(step.level, step) : 'P = 0: the walk stops here',
  };
}

function resultLine(r: TranslateResponse): WalkLine {
  if (r.ok && r.physical !== undefined) return { label: `→ physical ${hex32(r.physical)}` };
  const code = r.errorCode ?? 0;
  return { label: `→ page fault, error code ${hexShort(code)}`, detail: describePageFaultCode(code) };
}

function isLarge(r: TranslateResponse): boolean {
  return r.steps.length === 1 && r.steps[0].present && r.steps[0].large;
}

/** Every line of the walk, first the address and its split, last the result. */
export function walkLines(r: TranslateResponse): WalkLine[] {
  if (!r.pagingEnabled) {
    return [
      { label: `Linear ${hex32(r.linear)}`, description: 'paging off' },
      { label: `→ physical ${hex32(r.linear)}`, detail: 'CR0.PG = 0: linear addresses are physical addresses' },
    ];
  }
  return [
    { label: `Linear ${hex32(r.linear)}`, description: splitLinear(r.linear, isLarge(r)) },
    ...r.steps.map((s) => stepLine(s, r.linear)),
    resultLine(r),
  ];
}

export const WALK_NODE_ID = 'pageTables:walk';

/** The walk as an expanded node on top of the Page Tables view; `origin` is what the user typed. */
export function walkNode(r: TranslateResponse, origin: string): ViewNode {
  const [head, ...rest] = walkLines(r);
  const result = rest[rest.length - 1];
  const shown = origin.trim().toLowerCase() === hex32(r.linear) ? hex32(r.linear) : `${origin.trim()} = ${hex32(r.linear)}`;
  return {
    id: WALK_NODE_ID,
    label: `Walk of ${shown}`,
    description: result.label,
    tooltip: [head, ...rest].map((l) => [l.label, l.description].filter(Boolean).join('  ')).join('\n'),
    icon: r.ok ? 'debug-step-into' : 'error',
    contextValue: 'ringside.pageWalk',
    collapsible: 'expanded',
    linear: r.linear,
    children: [head, ...rest].map((l, i) => ({
      id: `${WALK_NODE_ID}:${i}`,
      label: l.label,
      description: l.description,
      tooltip: l.detail,
      collapsible: 'none',
    })),
  };
}
