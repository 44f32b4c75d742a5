// Renders listing lines in `nasm -l` format: 6-digit line number, 8-digit hex section offset,
// up to 9 bytes of hex per row (longer data continues on rows ending in `-`), a `<n>` marker for
// lines from macros and includes, then the source line.

import type { ListingLine } from './api';

const HEX_BYTES_PER_ROW = 9;

function hex(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16).toUpperCase();
  return s;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function lineNo(n: number): string {
  const s = String(n + 1);
  return s.length >= 6 ? s : ' '.repeat(6 - s.length) + s;
}

function addr(v: number): string {
  return (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** The source text as nasm echoes it: lines from macros have their leading blanks collapsed. */
function sourceText(l: ListingLine): string {
  return l.depth > 0 ? l.source.replace(/^[ \t]+/, ' ') : l.source;
}

export function renderListing(lines: readonly ListingLine[]): string {
  const out: string[] = [];
  for (const l of lines) {
    const marker = l.depth > 0 ? pad(`<${l.depth}>`, 4) : '    ';
    const offset = l.sectionOffset ?? l.address;
    // (`resb 0` reserves nothing: listed without an address, as nasm does.)
    if (offset === undefined || l.reserved === 0) {
      out.push(`${lineNo(l.line)} ${' '.repeat(8)} ${' '.repeat(20)}${marker}${sourceText(l)}`);
      continue;
    }
    let field: string;
    let rest = '';
    let bytes = l.bytes;
    // Reserved space: `??` per byte up to 8 bytes, else `<res Nh>` (nasm 2.16, measured).
    if (l.reserved !== undefined) { field = l.reserved > 8 ? `<res ${l.reserved.toString(16).toUpperCase()}h>` : '?'.repeat(l.reserved * 2); bytes = new Uint8Array(0); }
    else if (l.repeat !== undefined && l.repeat > 1) {
      const unit = l.firstRepeat ?? bytes.length / l.repeat;
      field = `${hex(bytes, 0, unit)}<rep ${l.repeat.toString(16).toUpperCase()}h>`;
      bytes = new Uint8Array(0);
    } else {
      field = hex(bytes, 0, Math.min(bytes.length, HEX_BYTES_PER_ROW));
      if (bytes.length > HEX_BYTES_PER_ROW) rest = '-';
    }
    out.push(`${lineNo(l.line)} ${addr(offset)} ${pad(pad(field, 18) + rest, 20)}${marker}${sourceText(l)}`);
    for (let i = HEX_BYTES_PER_ROW; i < bytes.length; i += HEX_BYTES_PER_ROW) {
      const end = Math.min(bytes.length, i + HEX_BYTES_PER_ROW);
      out.push(`${lineNo(l.line)} ${addr(offset + i)} ${pad(hex(bytes, i, end), 18)}${end < bytes.length ? '-' : ' '}`);
    }
  }
  return out.join('\n') + (out.length > 0 ? '\n' : '');
}
