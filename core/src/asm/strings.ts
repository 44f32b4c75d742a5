// String and character constants (manual §3.4.2): '...' and "..." are taken literally, `...` takes
// C-style escapes. Bytes are UTF-8, like nasm reading a UTF-8 source file, and a byte of a file in
// another encoding is that byte (see source-encoding.ts).

import { standardName } from './macros';
import { byteOf, encodeSource, isByteChar, readUtf8 } from './source-encoding';

const SIMPLE_ESCAPES: Record<string, number> = {
  "'": 0x27, '"': 0x22, '`': 0x60, '\\': 0x5c, '?': 0x3f, a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, e: 27,
};

const encoder = new TextEncoder();

/** The bytes of a string token including its quotes, or undefined when an escape is malformed. */
export function decodeString(token: string): Uint8Array | undefined {
  const quote = token[0];
  const body = token.slice(1, -1);
  if (quote !== '`') return encodeSource(body);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      const code = body.charCodeAt(i);
      if (code < 0x80) out.push(code);
      else if (isByteChar(code)) out.push(byteOf(code));
      else {
        const cp = body.codePointAt(i) ?? code;
        if (cp > 0xffff) i++;
        for (const b of encoder.encode(String.fromCodePoint(cp))) out.push(b);
      }
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (SIMPLE_ESCAPES[e] !== undefined) { out.push(SIMPLE_ESCAPES[e]); continue; }
    if (e >= '0' && e <= '7') {
      let v = 0, k = 0;
      while (k < 3 && body[i] >= '0' && body[i] <= '7') { v = v * 8 + (body.charCodeAt(i) - 48); i++; k++; }
      i--;
      out.push(v & 0xff);
      continue;
    }
    // `\x` takes up to two hex digits, `\u` four, `\U` eight, and with none is the letter itself
    // (measured: `\x` is 'x', `\u12` is U+0012, `\X41` is 'A').
    const hexDigits = e === 'x' || e === 'X' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexDigits > 0) {
      let v = 0, k = 0;
      while (k < hexDigits && isHexDigit(body.charCodeAt(i + 1))) { v = v * 16 + parseInt(body[i + 1], 16); i++; k++; }
      if (k === 0) out.push(body.charCodeAt(i));
      else if (hexDigits === 2) out.push(v);
      else pushUtf8(out, v);
      continue;
    }
    // nasm keeps an unknown escape's character as is (its UTF-8 bytes: `\é` is C3 A9; a byte of a file in another encoding, that byte).
    const cp = body.codePointAt(i)!;
    if (isByteChar(cp)) { out.push(byteOf(cp)); continue; }
    if (cp > 0xffff) i++;
    pushUtf8(out, cp);
  }
  return Uint8Array.from(out);
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/**
 * Code point `v` (up to 2^32-1) in UTF-8 as nasm writes it: surrogates as any other value, and
 * past U+10FFFF the old five- and six-byte forms, the six-byte lead taking two bits (measured:
 * `\U00110000` is F4 90 80 80, `\UFFFFFFFF` is FF BF BF BF BF BF).
 */
function pushUtf8(out: number[], v: number): void {
  if (v < 0x80) { out.push(v); return; }
  const n = v < 0x800 ? 2 : v < 0x10000 ? 3 : v < 0x200000 ? 4 : v < 0x4000000 ? 5 : 6;
  const lead = [0, 0, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc][n];
  out.push(lead | Math.floor(v / 2 ** (6 * (n - 1))));
  for (let k = n - 2; k >= 0; k--) out.push(0x80 | (Math.floor(v / 2 ** (6 * k)) & 0x3f));
}

/** nasm's message for a control character in a string it reads as a C string (see cutAtControl). */
export const CONTROL_IN_STRING = 'control character in string not allowed here';

/**
 * `bytes` up to the first control character nasm 2.16.01 refuses in a string it reads as a C
 * string (`%deftok`, `%tok()`: measured, every one below 0x20 but BEL, BS, TAB and ESC), which
 * ends it with its error (`%deftok T \`ab\ncd\`` is `ab`); undefined when there is none.
 */
export function cutAtControl(bytes: Uint8Array): Uint8Array | undefined {
  const k = bytes.findIndex((b) => b < 0x20 && b !== 0x07 && b !== 0x08 && b !== 0x09 && b !== 0x1b);
  return k < 0 ? undefined : bytes.subarray(0, k);
}

/** The text a string token stands for (its bytes read as UTF-8; empty when the token is no string nasm reads). */
export function stringText(token: string): string {
  return new TextDecoder().decode(decodeString(token) ?? new Uint8Array());
}

/** A character constant's value: up to 8 bytes, little-endian (manual §3.4.3). */
export function stringValue(bytes: Uint8Array): number {
  let v = 0;
  const n = Math.min(bytes.length, 8);
  for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[i];
  return v;
}

/** `stringValue` exactly, as NASM's 64-bit integer (a bigint): 8-byte constants do not round. */
export function stringValueExact(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = Math.min(bytes.length, 8) - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/**
 * A string token whose bytes are `bytes`, quoted as nasm 2.16 quotes the strings its preprocessor
 * makes (quote.c nasm_quote: `%defstr`, `%strcat`, `__FILE__`, ...): in single quotes when none is
 * in it and every byte is printable, else in double quotes when none of those is in it, else in
 * backquotes with C escapes, a byte with no letter of its own in octal (3 digits before a digit).
 */
export function quoteBytes(bytes: Uint8Array): string {
  let single = true, double = true;
  for (const b of bytes) {
    if (b === 0x27) single = false;
    else if (b === 0x22) double = false;
    else if (b < 0x20 || b > 0x7e) single = double = false;
  }
  if (single || double) {
    const q = single ? "'" : '"';
    return q + String.fromCharCode(...bytes) + q;
  }
  let s = '`';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const letter = ESCAPE_LETTERS.get(b);
    if (b === 0x60 || b === 0x5c) s += '\\' + String.fromCharCode(b);
    else if (letter !== undefined) s += '\\' + letter;
    else if (b >= 0x20 && b <= 0x7e) s += String.fromCharCode(b);
    else {
      const next = bytes[i + 1];
      const full = next !== undefined && next >= 0x30 && next <= 0x37;
      s += '\\' + b.toString(8).padStart(full ? 3 : 1, '0');
    }
  }
  return s + '`';
}

/** The bytes nasm_quote writes as a letter escape. */
const ESCAPE_LETTERS: ReadonlyMap<number, string> = new Map([[7, 'a'], [8, 'b'], [9, 't'], [10, 'n'], [11, 'v'], [12, 'f'], [13, 'r'], [27, 'e']]);

/**
 * The string functions (manual §3.4.5): `__?utf16?__('...')` and the like, also spelt
 * `__utf16__`: their string's UTF-8 as UTF-16 or UTF-32 code units, little-endian unless `be`.
 */
const UTF_FUNCTIONS: Readonly<Record<string, { readonly unit: 2 | 4; readonly bigEndian: boolean }>> = {
  utf16: { unit: 2, bigEndian: false }, utf16le: { unit: 2, bigEndian: false }, utf16be: { unit: 2, bigEndian: true },
  utf32: { unit: 4, bigEndian: false }, utf32le: { unit: 4, bigEndian: false }, utf32be: { unit: 4, bigEndian: true },
};

export type UtfFunction = (typeof UTF_FUNCTIONS)[string];

/** The string function a word names (`__?utf16?__`, `__utf32be__`), if it names one. */
export function utfFunction(word: string): UtfFunction | undefined {
  // Any case, as nasm's keywords (measured: `__UTF16__` is __utf16__).
  const inner = standardName(word)?.toLowerCase();
  return inner !== undefined && Object.hasOwn(UTF_FUNCTIONS, inner) ? UTF_FUNCTIONS[inner] : undefined;
}

/**
 * `bytes` (UTF-8) converted by `fn`, or undefined when nasm finds them invalid: a malformed or
 * overlong sequence, a surrogate, and for UTF-16 a value past U+10FFFF. nasm reads the old five-
 * and six-byte forms (measured: `__utf32__(\`\U7FFFFFFF\`)` is 0x7FFFFFFF).
 */
export function utfConvert(fn: UtfFunction, bytes: Uint8Array): Uint8Array | undefined {
  const units: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) { units.push(b); i++; continue; }
    const seq = readUtf8(bytes, i, true);
    if (seq === undefined) return undefined;
    const cp = seq.cp;
    i = seq.next;
    if (fn.unit === 4 || cp < 0x10000) units.push(cp);
    else if (cp > 0x10ffff) return undefined;
    // nasm 2.16.01 writes a big-endian surrogate pair low half first (measured: `__utf16be__`
    // of U+1F600 is DE 00 D8 3D, where `__utf16le__` gives 3D D8 00 DE).
    else if (fn.bigEndian) units.push(0xdc00 + ((cp - 0x10000) & 0x3ff), 0xd800 + ((cp - 0x10000) >> 10));
    else units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
  }
  const out = new Uint8Array(units.length * fn.unit);
  units.forEach((u, i) => {
    for (let k = 0; k < fn.unit; k++) out[i * fn.unit + (fn.bigEndian ? fn.unit - 1 - k : k)] = (u >>> (8 * k)) & 0xff;
  });
  return out;
}
