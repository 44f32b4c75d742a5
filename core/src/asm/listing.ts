// Renders listing lines as `nasm -l` writes them (NASM 2.16, asm/listing.c): a 6-digit line
// number, the 8-digit hex offset of the row's first piece of data, up to 18 characters of data
// (a row ending in `-` goes on in the next), the `<n>` marker of lines from macros and includes,
// then the source line; the messages reported on a line follow the row they were reported in.

import type { ListingData, ListingLine } from './api';

/** Characters of data in a row (nasm's LIST_HEXBIT): a piece that would not fit starts a new row. */
const DATA_WIDTH = 18;
/** nasm keeps this many characters of a source line (LIST_MAX_LEN - 4) and then writes `...`. */
const SOURCE_WIDTH = 1020;

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

function hexByte(b: number): string {
  return HEX_BYTE[b & 0xff];
}

/** `[..]` or `(..)`: the value's `size` low bytes, least significant first, as nasm prints an address. */
function addressText(d: Extract<ListingData, { kind: 'address' }>): string {
  let v = BigInt.asUintN(d.size * 8, BigInt(d.value));
  let s = d.relative ? '(' : '[';
  for (let i = 0; i < d.size; i++) { s += hexByte(Number(v & 0xffn)); v >>= 8n; }
  return s + (d.relative ? ')' : ']');
}

function sizeTag(tag: string, n: number): string {
  return `<${tag} ${n.toString(16).toUpperCase()}h>`;
}

/** The rows of the listing, written as nasm's listing generator writes them: row by row, piece by piece. */
class Rows {
  readonly out: string[] = [];
  private lineNo = '';
  /** The source line of the row being made, until its first row is written. */
  private source: string | undefined;
  private depth = 0;
  /**
   * The depth nasm is at when it writes a row: the line's own while its data wraps, the next
   * line's when that line is listed (0 at the end). From 10 on, nasm leaves out the blank before
   * the `<n>` marker (of the line's own depth) that it writes otherwise.
   */
  private depthNow = 0;
  private data = '';
  private offset = 0;
  private messages: string[] = [];

  line(l: ListingLine): void {
    this.depthNow = l.depth;
    this.flush();
    this.lineNo = String((l.reportedLine ?? l.line) + 1).padStart(6);
    // (Line -1: nasm's line 0, before the first it listed, whose rows show no source: see buildListing.)
    this.source = l.line < 0 ? undefined : l.source.length >= SOURCE_WIDTH ? l.source.slice(0, SOURCE_WIDTH) + '...' : l.source;
    this.depth = l.depth;
  }

  end(): void {
    this.depthNow = 0;
    this.flush();
  }

  /** One piece of data, at `offset`: on this row if it fits, else (after a `-`) on the next. */
  put(offset: number, text: string): void {
    if (this.data.length + text.length > DATA_WIDTH) {
      this.data += '-';
      this.flush();
    }
    if (this.data === '') this.offset = offset;
    this.data += text;
  }

  /** `<rep>` and `<bin>` are listed at the offset of the row they join (nasm passes its own). */
  putAtRow(text: string, offset?: number): void {
    if (offset !== undefined) this.offset = offset;
    this.put(this.offset, text);
  }

  /** Bytes at `offset`, a piece of two digits each (a row takes nine). */
  putBytes(offset: number, bytes: Uint8Array, from: number, to: number): void {
    let i = from;
    while (i < to) {
      if (this.data.length + 2 > DATA_WIDTH) { this.data += '-'; this.flush(); }
      if (this.data === '') this.offset = offset + i;
      const end = Math.min(to, i + ((DATA_WIDTH - this.data.length) >> 1));
      for (; i < end; i++) this.data += HEX_BYTE[bytes[i]];
    }
  }

  message(text: string): void {
    this.messages.push(text);
  }

  /** Writes the row made so far (the line's first row shows its source), then the messages reported. */
  flush(): void {
    const level = this.depth === 0 ? '' : `${this.depthNow < 10 ? ' ' : ''}<${this.depth}>`;
    if (this.source !== undefined || this.data !== '') {
      let row = this.lineNo + ' ';
      row += this.data !== '' ? (this.offset >>> 0).toString(16).toUpperCase().padStart(8, '0') + ' ' + this.data.padEnd(DATA_WIDTH + 1) : ' '.repeat(DATA_WIDTH + 10);
      if (this.source !== undefined) row += (this.depth === 0 ? '    ' : level) + ' ' + this.source;
      else row += level;
      this.out.push(row);
      this.source = undefined;
      this.data = '';
    }
    for (const m of this.messages) this.out.push(`${this.lineNo}          ${'*'.repeat(DATA_WIDTH)}${this.depth === 0 ? '     ' : ' ' + level}  ${m}`);
    this.messages.length = 0;
  }
}

export function renderListing(lines: readonly ListingLine[]): string {
  const rows = new Rows();
  for (const l of lines) {
    rows.line(l);
    // Messages reported while a piece was put out are listed after the row before it (see ListingMessage).
    let m = 0;
    // Where the last piece ends (the first repetition's data, when a `<rep>` marker comes).
    let end = 0;
    const due = (offset: number): void => {
      while (m < l.messages.length && l.messages[m].offset !== undefined && l.messages[m].offset! <= offset) rows.message(l.messages[m++].text);
    };
    for (const d of l.data) {
      switch (d.kind) {
        case 'bytes':
          if (m === l.messages.length) rows.putBytes(d.offset, d.bytes, 0, d.bytes.length);
          else for (let i = 0; i < d.bytes.length; i++) { due(d.offset + i); rows.putBytes(d.offset, d.bytes, i, i + 1); }
          end = d.offset + d.bytes.length;
          break;
        case 'address':
          due(d.offset);
          rows.put(d.offset, addressText(d));
          end = d.offset + d.size;
          break;
        case 'segment':
          due(d.offset);
          rows.put(d.offset, '[ssss]');
          end = d.offset + 2;
          break;
        case 'reserve':
          due(d.offset);
          if (d.size > 0) rows.put(d.offset, d.size > 8 ? sizeTag('res', d.size) : '??'.repeat(d.size));
          end = d.offset + d.size;
          break;
        case 'incbin':
          if (d.messagesBefore === undefined) due(d.offset);
          else while (m < d.messagesBefore) rows.message(l.messages[m++].text);
          rows.putAtRow(sizeTag('bin', d.size), d.offset);
          end = d.offset + d.size;
          break;
        case 'repeat':
          // (The messages of the first repetition come before its marker: measured, `times 2 jmp far 5`.)
          if (d.messagesBefore === undefined) due(end);
          else while (m < d.messagesBefore) rows.message(l.messages[m++].text);
          rows.putAtRow(sizeTag('rep', d.count));
          break;
      }
    }
    while (m < l.messages.length) rows.message(l.messages[m++].text);
  }
  rows.end();
  return rows.out.join('\n') + (rows.out.length > 0 ? '\n' : '');
}
