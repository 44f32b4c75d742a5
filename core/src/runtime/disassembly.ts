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
  /** Below 0 or above 0xffffffff for a place outside the linear space (padding: no bytes, no text). */
  readonly address: number;
  readonly bytes: Uint8Array;
  readonly text: string;
  /** False for bytes that do not decode (shown as `db`), that are not mapped (`??`), or outside the linear space. */
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
 * The statements' start addresses of a source map, sorted and without repeats: the debugger cuts a
 * decoded instruction that would run over one (see unitAt), so code after data (the multiboot
 * header, a string) is shown from its first byte, as nasm assembled it.
 */
const statementStarts = new WeakMap<SourceMap, readonly number[]>();

function startsOf(map: SourceMap | null): readonly number[] {
  if (map === null) return [];
  let starts = statementStarts.get(map);
  if (starts === undefined) {
    starts = [...new Set(map.entries.filter((e) => e.size > 0).map((e) => e.address))].sort((a, b) => a - b);
    statementStarts.set(map, starts);
  }
  return starts;
}

/** Index of the first of `starts` at or above `address`. */
function firstAtOrAbove(starts: readonly number[], address: number): number {
  let lo = 0, hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] < address) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * The instruction at `eip`, or, when its bytes run over the start of the next statement (data
 * decoded as code), the bytes up to that start as `db`: the statement after it begins where nasm
 * put it.
 */
function unitAt(machine: Machine, eip: number, map: SourceMap | null, starts: readonly number[], symbolize?: Symbolizer): DisassembledInstruction {
  const ins = disassembleOne(machine, eip, map, symbolize);
  const next = starts[firstAtOrAbove(starts, eip + 1)];
  if (next === undefined || eip + ins.bytes.length <= next) return ins;
  const bytes = ins.bytes.slice(0, next - eip);
  return { ...ins, bytes, text: `db ${[...bytes].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(',')}`, valid: false };
}

/** The top of the 32-bit linear space, past which there is nothing to decode. */
const LINEAR_END = 0x1_0000_0000;

/**
 * `count` instructions starting `offset` instructions from `eip` (negative: before it; `eip` may
 * be below 0 or past 0xffffffff). Going
 * backwards uses the source map's statement starts when it covers the address; otherwise it
 * decodes forward from earlier bytes and keeps a start that lands exactly on `eip`. The linear
 * space does not wrap: places before address 0 (or past its top) are padding, one unit each, so
 * the count stays exact and the instruction at `eip` stays `-offset` units in.
 */
export function disassembleAround(machine: Machine, eip: number, offset: number, count: number, map: SourceMap | null, symbolize?: Symbolizer): DisassembledInstruction[] {
  const starts = startsOf(map);
  // (`eip` itself may be outside the space: a byte offset took it there. Units out there are one byte each.)
  const outside = (a: number): boolean => a < 0 || a >= LINEAR_END;
  let at = eip;
  if (offset < 0) {
    if (-offset > MAX_SEEK_INSTRUCTIONS || outside(at)) at += offset;
    else {
      const b = backwards(machine, at, -offset, map, starts);
      at = b.at - b.missing;
    }
  } else if (offset > MAX_SEEK_INSTRUCTIONS) at += offset;
  else for (let i = 0; i < offset && at < LINEAR_END; i++) at += outside(at) ? 1 : Math.max(1, unitAt(machine, at, null, starts).bytes.length);
  const out: DisassembledInstruction[] = [];
  for (let i = 0; i < count; i++) {
    if (outside(at)) {
      out.push({ address: at, bytes: new Uint8Array(0), text: '', valid: false });
      // (Padding below 0 runs up to 0, where the instructions begin.)
      at++;
      continue;
    }
    const ins = unitAt(machine, at, map, starts, symbolize);
    out.push(ins);
    at += Math.max(1, ins.bytes.length);
  }
  return out;
}

/** Where the instruction `n` before `eip` starts, or the first one there is and how many are missing before it (address 0 is the bottom). */
function backwards(machine: Machine, eip: number, n: number, map: SourceMap | null, starts: readonly number[]): { at: number; missing: number } {
  const before = firstAtOrAbove(starts, eip);
  if (map !== null && before > 0 && map.lookupAddress(eip) !== undefined) {
    // The units (unitAt) from a statement start up to eip: each statement gives at least one, so the
    // n-th statement start back gives n or more; with fewer statements before eip, bytes before
    // the first are decoded for the rest.
    const from = starts[Math.max(0, before - n)];
    const units: number[] = [];
    let at = from;
    while (at < eip) {
      units.push(at);
      at += Math.max(1, unitAt(machine, at, null, starts).bytes.length);
    }
    if (at === eip) return units.length >= n ? { at: units[units.length - n], missing: 0 } : backwards(machine, from, n - units.length, null, []);
  }
  // Decode forward from progressively earlier bytes until n instructions end exactly at eip
  // (never from below address 0: the linear space does not wrap). Near 0 there may be fewer than
  // n: the most found then, the rest missing.
  let budget = MAX_BACKWARD_DECODES;
  let most: number[] = [];
  for (let back = Math.min(n, eip); back <= Math.min(n * 15, eip) && budget > 0; back++) {
    let at = eip - back;
    const found: number[] = [];
    while (at < eip && budget-- > 0) {
      found.push(at);
      at += Math.max(1, disassembleOne(machine, at, null).bytes.length);
    }
    if (at === eip && found.length >= n) return { at: found[found.length - n], missing: 0 };
    if (at === eip && found.length > most.length) most = found;
  }
  if (n * 15 > eip && most.length > 0) return { at: most[0], missing: n - most.length };
  // Nothing decodes to eip: each byte counts as one instruction.
  return eip >= n ? { at: eip - n, missing: 0 } : { at: 0, missing: n - eip };
}
