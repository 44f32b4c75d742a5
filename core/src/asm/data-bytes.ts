// What the assembler needs of a data directive's items beyond one at a time (`db 1, ?`,
// `dd 4 dup (?)`, `dw 2 dup (1, 2)`), and the buffer their bytes are put together in.

import { isStaticExpr } from './encode-cache';
import type { DataItem } from './parser';

/**
 * Whether `items` hold nothing but `?` (`db ?, ?`, `dd 4 dup (?)`, `db 2 dup ()`): space that
 * nasm reserves as `resb` does (no bytes in a nobits section or a structure).
 */
export function onlyReserve(items: readonly DataItem[]): boolean {
  for (const d of items) {
    if (d.kind === 'reserve') continue;
    if (d.kind !== 'group' || !onlyReserve(d.items)) return false;
  }
  return true;
}

/**
 * Whether `items` are bytes the same in every pass (numbers, strings, counts of numbers), with no
 * `?` inside a `dup` (whose warning is given where the bytes are put together).
 */
export function staticItems(items: readonly DataItem[]): boolean {
  for (const d of items) {
    if (d.kind === 'expr' && !isStaticExpr(d.expr)) return false;
    if (d.kind === 'group' && (!d.counts.every(isStaticExpr) || hasReserve(d.items) || !staticItems(d.items))) return false;
  }
  return true;
}

export function hasReserve(items: readonly DataItem[]): boolean {
  return items.some((d) => d.kind === 'reserve' || (d.kind === 'group' && hasReserve(d.items)));
}

/**
 * One piece of what nasm puts out for a data directive's items (its `extop` list): a run of `?`
 * (`reserve`), a value or string (`data`), or a `dup` of several items (`list`), each `dup` times
 * over, of `unit` bytes each.
 */
export interface DataPiece {
  readonly kind: 'reserve' | 'data' | 'list';
  readonly unit: number;
  dup: number;
  /** A `reserve`'s first `?`, a `data` piece's item. */
  readonly item?: DataItem;
  readonly pieces?: readonly DataPiece[];
}

/**
 * `items` (of `unit` bytes each) as nasm 2.16 makes them into pieces (asm/parser.c parse_eops): a
 * `?` after a `?` of the same size joins its reservation (`db ?, ?` reserves once), a `dup` of one
 * item is that item `n` times over (`db 2 dup (?, ?)` reserves once), a `dup` of more is put out
 * `n` times, one reservation for each `?` run in each (`db 3 dup (?, 1, ?)` reserves six times),
 * and a `dup` of nothing, or 0 times, is nothing. `count` evaluates a `dup`'s count.
 */
export function dataPieces(items: readonly DataItem[], unit: number, count: (g: Extract<DataItem, { kind: 'group' }>) => number): DataPiece[] {
  const list: DataPiece[] = [];
  for (const d of items) {
    const p = piece(d, unit, count);
    if (p === undefined || p.dup === 0) continue;
    const prev = list[list.length - 1];
    if (p.kind === 'reserve' && prev !== undefined && prev.kind === 'reserve' && prev.unit === p.unit) prev.dup += p.dup;
    else list.push(p);
  }
  return list;
}

function piece(d: DataItem, unit: number, count: (g: Extract<DataItem, { kind: 'group' }>) => number): DataPiece | undefined {
  if (d.kind !== 'group') return { kind: d.kind === 'reserve' ? 'reserve' : 'data', unit, dup: 1, item: d };
  const n = count(d);
  const pieces = dataPieces(d.items, d.unit ?? unit, count);
  if (pieces.length === 0) return undefined;
  if (pieces.length > 1) return { kind: 'list', unit, dup: n, pieces };
  pieces[0].dup *= n;
  return pieces[0];
}

/**
 * The first `?` of each reservation nasm makes as it puts `pieces` out once, in order: at each
 * nasm warns "zeroing" in a progbits section. At most `limit` of them.
 */
export function reservations(pieces: readonly DataPiece[], limit: number, out: DataItem[] = []): DataItem[] {
  for (const p of pieces) {
    if (out.length >= limit) break;
    if (p.kind === 'reserve') out.push(p.item!);
    else if (p.kind === 'list') for (let k = 0; k < p.dup && out.length < limit; k++) reservations(p.pieces!, limit, out);
  }
  return out;
}

/**
 * A data directive's bytes as they are put together: one buffer, grown as needed and reused for
 * every statement; `take` copies out the statement's.
 */
export class DataWriter {
  private buf = new Uint8Array(256);
  length = 0;

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    const end = this.length + n;
    if (end <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(end, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  zeros(n: number): void {
    this.room(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }

  /** `value` as `size` little-endian bytes, two's complement (64-bit values via BigInt). */
  integer(value: number | bigint, size: number): void {
    this.room(size);
    const buf = this.buf;
    const at = this.length;
    this.length += size;
    if (typeof value === 'number' && (size <= 4 || (Number.isSafeInteger(value) && value >= 0 && value < 2 ** 32))) {
      let v = size <= 4 ? Math.trunc(value) >>> 0 : value;
      const low = size < 4 ? size : 4;
      for (let i = 0; i < low; i++) { buf[at + i] = v & 0xff; v = Math.floor(v / 256); }
      for (let i = low; i < size; i++) buf[at + i] = 0;
      return;
    }
    let b = BigInt.asUintN(size * 8, typeof value === 'bigint' ? value : BigInt(Math.trunc(value)));
    for (let i = 0; i < size; i++) { buf[at + i] = Number(b & 0xffn); b >>= 8n; }
  }

  /**
   * The bytes from `from` on, `count` times in all (the bytes there are the first); false when
   * `stopped` says to stop first (the time budget ran out: the bytes are then unfinished).
   */
  repeat(from: number, count: number, stopped: { expiredNow(): boolean }): boolean {
    const unit = this.length - from;
    if (count <= 1 || unit === 0) return true;
    const total = unit * count;
    this.room(total - unit);
    const buf = this.buf;
    let done = unit;
    // Doubling: the bytes put together so far, copied after themselves.
    while (done < total) {
      const n = Math.min(done, total - done);
      buf.copyWithin(from + done, from, from + n);
      done += n;
      if (n >= 1 << 20 && stopped.expiredNow()) return false;
    }
    this.length = from + total;
    return true;
  }

  /** The bytes put together since the length was last set to 0, as an array of their own. */
  take(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
