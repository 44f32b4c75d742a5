// Straight-line blocks: up to BLOCK_MAX consecutive cached 32-bit instructions with specialised
// handlers, ending at the first near branch, compiled into one JavaScript function that calls each
// handler directly (so the JIT can inline them) and does the per-instruction bookkeeping of
// Cpu.step() only where it can matter. Cpu.run() enters a block only when the whole block fits
// its instruction budget and the CPU is in a state step() would treat no differently.

import type { Cpu } from './cpu';
import type { Compiled } from './compiled';
import type { CodePage } from './code-cache';
import type { Tlb } from '../mmu/tlb';
import { isBranch, isSpecialised, touchesMemory } from './fast-handlers';

/** Longest block: keeps the generated function within what V8 inlines. */
const BLOCK_MAX = 16;

/**
 * Runs the block from EIP `e0`. `te` is the TLB entry of the code page (-1 without paging), `g`
 * the TLB generation and `v` the frame's code version at entry. Returns the instructions retired,
 * or ~i when instruction i raised an exception (cpu.eip is its EIP; nothing after it ran).
 */
export type BlockFn = (cpu: Cpu, e0: number, te: number, tlb: Tlb, g: number, versions: Uint32Array, v: number) => number;

export class Block {
  constructor(
    readonly run: BlockFn,
    readonly instructions: readonly Compiled[],
    /** Bytes from the first instruction's start to the last one's end. */
    readonly bytes: number,
    readonly frame: number,
    /** The frame's code version the block was built from. */
    readonly version: number,
  ) {}
}

/**
 * Builds the block starting with `first` at offset `off` of code page `page` (frame `frame`), or
 * null when `first` cannot start one.
 */
export function buildBlock(page: CodePage, off: number, frame: number, version: number): Block | null {
  const list: Compiled[] = [];
  const offsets: number[] = [];
  let at = off;
  while (list.length < BLOCK_MAX && at < 4096) {
    const c = page[at];
    if (c === undefined || c.bits !== 32 || !isSpecialised(c)) break;
    list.push(c);
    offsets.push(at - off);
    at += c.len;
    if (isBranch(c)) break;
  }
  if (list.length === 0) return null;
  const lines: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    const start = offsets[i], end = start + c.len;
    const memory = touchesMemory(c), branch = isBranch(c);
    // Fault delivery and #GP checks see the instruction's own EIP.
    if (memory || branch) lines.push(`cpu.eip = (e0 + ${start}) >>> 0;`);
    lines.push(`cpu.nextEip = (e0 + ${end}) >>> 0;`);
    // The fetch of instruction 0 was made (and counted) by the caller.
    if (i > 0) lines.push('if (te >= 0) tlb.touch(te);');
    lines.push(`h${i}(cpu, c${i});`);
    if (memory || branch) lines.push(`if (cpu.fault >= 0) return ${~i};`);
    // A fill or drop in the TLB, or a write over cached code of this frame: later instructions
    // must be fetched again the normal way.
    if (memory && i < list.length - 1) {
      lines.push(`if (tlb.generation !== g || versions[${frame}] !== v) { cpu.eip = cpu.nextEip; return ${i + 1}; }`);
    }
  }
  lines.push(`cpu.eip = cpu.nextEip;`, `return ${list.length};`);
  const names: string[] = [];
  const values: unknown[] = [];
  list.forEach((c, i) => { names.push(`h${i}`, `c${i}`); values.push(c.exec, c); });
  const body = `return function block(cpu, e0, te, tlb, g, versions, v) {\n${lines.join('\n')}\n};`;
  // The source is built only from the fixed templates above and numbers; values come in as arguments.
  const make = new Function(...names, body) as (...args: unknown[]) => BlockFn;
  return new Block(make(...values), list, at - off, frame, version);
}
