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

function hasReserve(items: readonly DataItem[]): boolean {
  return items.some((d) => d.kind === 'reserve' || (d.kind === 'group' && hasReserve(d.items)));
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
