// Disassembly of guest memory for the debugger: instructions at CS-relative addresses (EIP
// values), read through the MMU without side effects, each with its source location from the
// assembler's source map when the address came from the loaded source.

import { decode } from '../isa/decoder';
import { formatInstruction } from '../isa/disasm';
import type { SourceMap } from '../asm/api';
import type { Machine } from '../machine/machine';
import { readLinear } from './guest-memory';

export interface SourceLocation {
  readonly file: string;
  /** 0-based line and column. */
  readonly line: number;
  readonly column: number;
}

export interface DisassembledInstruction {
  readonly address: number;
  readonly bytes: Uint8Array;
  readonly text: string;
  /** False for bytes that do not decode (shown as `db`) or that are not mapped (`??`). */
  readonly valid: boolean;
  readonly source?: SourceLocation;
  /** Symbol + offset naming the address (`start`, `serial_puts+4`), when symbols are known. */
  readonly symbol?: string;
}

export type Symbolizer = (address: number) => string | undefined;

function sourceAt(map: SourceMap | null, address: number): SourceLocation | undefined {
  const e = map?.lookupAddress(address);
  return e !== undefined && e.address === address ? { file: e.range.file, line: e.range.start.line, column: e.range.start.col } : undefined;
}

/** One instruction at `eip` (CS-relative), or a placeholder when its bytes are not mapped. */
export function disassembleOne(machine: Machine, eip: number, map: SourceMap | null, symbolize?: Symbolizer): DisassembledInstruction {
  const cpu = machine.cpu;
  const bits = cpu.codeBits;
  const la = (cpu.segBase[1] + eip) >>> 0;
  const r = readLinear(machine, la, 15);
  const address = eip >>> 0;
  if (r.bytes.length === 0) return { address, bytes: r.bytes, text: '??', valid: false, source: sourceAt(map, address), symbol: symbolize?.(address) };
  // LOCK is shown with the instruction it prefixes (`lock nop`), as ndisasm and gdb show it: the
  // guest faults on that instruction, not on a lone prefix.
  const d = decode(r.bytes, 0, { bits, address, anyLock: true });
  const valid = !d.invalid;
  const length = valid ? d.length : 1;
  return {
    address, bytes: r.bytes.slice(0, length), valid,
    text: formatInstruction(d, { bits, bytes: r.bytes, offset: 0 }),
    source: sourceAt(map, address), symbol: symbolize?.(address),
  };
}

/**
 * How many instructions away from `eip` a window is found by decoding; past that (a client may ask
 * for an offset of -2^31), each instruction counts as one byte, as when nothing decodes to `eip`.
 */
const MAX_SEEK_INSTRUCTIONS = 0x10000;
/** How many instructions the backward search may decode in all before it settles for that estimate. */
const MAX_BACKWARD_DECODES = 0x40000;

/**
 * `count` instructions starting `offset` instructions from `eip` (negative: before it). Going
 * backwards uses the source map's statement starts when it covers the address; otherwise it
 * decodes forward from earlier bytes and keeps a start that lands exactly on `eip`.
 */
export function disassembleAround(machine: Machine, eip: number, offset: number, count: number, map: SourceMap | null, symbolize?: Symbolizer): DisassembledInstruction[] {
  let at = eip >>> 0;
  if (offset < 0) at = -offset > MAX_SEEK_INSTRUCTIONS ? (at + offset) >>> 0 : backwards(machine, at, -offset, map);
  else if (offset > MAX_SEEK_INSTRUCTIONS) at = (at + offset) >>> 0;
  else for (let i = 0; i < offset; i++) at = (at + Math.max(1, disassembleOne(machine, at, null).bytes.length)) >>> 0;
  const out: DisassembledInstruction[] = [];
  for (let i = 0; i < count; i++) {
    const ins = disassembleOne(machine, at, map, symbolize);
    out.push(ins);
    at = (at + Math.max(1, ins.bytes.length)) >>> 0;
  }
  return out;
}

function backwards(machine: Machine, eip: number, n: number, map: SourceMap | null): number {
  if (map !== null) {
    const starts = map.entries.filter((e) => e.size > 0 && e.address < eip).map((e) => e.address);
    const covering = map.lookupAddress(eip);
    if (covering !== undefined && starts.length >= n) {
      const unique = [...new Set(starts)].sort((a, b) => a - b);
      if (unique.length >= n) return unique[unique.length - n];
    }
  }
  // Decode forward from progressively earlier bytes until n instructions end exactly at eip
  // (never from below address 0: the linear space does not wrap for this).
  let budget = MAX_BACKWARD_DECODES;
  for (let back = n; back <= Math.min(n * 15, eip) && budget > 0; back++) {
    let at = eip - back;
    const starts: number[] = [];
    while (at < eip && budget-- > 0) {
      starts.push(at);
      at += Math.max(1, disassembleOne(machine, at, null).bytes.length);
    }
    if (at === eip && starts.length >= n) return starts[starts.length - n];
  }
  return (eip - n) >>> 0;
}
