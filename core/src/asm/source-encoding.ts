// Source files as nasm reads them: bytes. A file is text in UTF-8 as a rule, but nasm copies
// whatever bytes a string holds into the output (a Latin-1 or CP437 `db 'é'` is one byte, E9 or
// 82), so a byte that is no part of a UTF-8 sequence is kept as a character of its own, U+DC80 +
// the byte's low bits (a lone low surrogate, which no UTF-8 text decodes to), and written back
// as that byte: in strings (strings.ts), in the preprocessed text and in messages.

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** The first and last of the characters that stand for a byte (0x80..0xFF). */
const FIRST_BYTE_CHAR = 0xdc80;
const LAST_BYTE_CHAR = 0xdcff;

/** Whether character code `c` stands for a byte of a file that was no UTF-8 (see decodeSource). */
export function isByteChar(c: number): boolean {
  return c >= FIRST_BYTE_CHAR && c <= LAST_BYTE_CHAR;
}

/** The byte character code `c` stands for (see isByteChar). */
export function byteOf(c: number): number {
  return c - 0xdc00;
}

/** A file's text: its UTF-8, each byte that is none as a character of its own (see isByteChar). */
export function decodeSource(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeLoosely(bytes);
  }
}

function decodeLoosely(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) { out += String.fromCharCode(b); i++; continue; }
    const seq = readUtf8(bytes, i, false);
    // (A value past U+10FFFF is no UTF-8 either.)
    if (seq !== undefined && seq.cp <= 0x10ffff) { out += String.fromCodePoint(seq.cp); i = seq.next; continue; }
    out += String.fromCharCode(0xdc00 + b);
    i++;
  }
  return out;
}

/**
 * The UTF-8 sequence at `bytes[i]` (a byte past ASCII): its value and where the next begins, or
 * undefined when it is malformed, overlong or a surrogate. `longForms`: the old five- and
 * six-byte forms are read too (nasm's string functions read them; a source file's text does not).
 */
export function readUtf8(bytes: Uint8Array, i: number, longForms: boolean): { readonly cp: number; readonly next: number } | undefined {
  const b = bytes[i++];
  let n: number, cp: number, min: number;
  if (b < 0xc0 || b >= (longForms ? 0xfe : 0xf8)) return undefined;
  if (b < 0xe0) { n = 1; cp = b & 0x1f; min = 0x80; }
  else if (b < 0xf0) { n = 2; cp = b & 0x0f; min = 0x800; }
  else if (b < 0xf8) { n = 3; cp = b & 0x07; min = 0x10000; }
  else if (b < 0xfc) { n = 4; cp = b & 0x03; min = 0x200000; }
  else { n = 5; cp = b & 0x01; min = 0x4000000; }
  for (; n > 0; n--) {
    const c = bytes[i++];
    if (c === undefined || (c & 0xc0) !== 0x80) return undefined;
    cp = cp * 64 + (c & 0x3f);
  }
  return cp < min || (cp >= 0xd800 && cp <= 0xdfff) ? undefined : { cp, next: i };
}

/** `text` as the bytes of a file: UTF-8, a byte character (see isByteChar) as its byte. */
export function encodeSource(text: string): Uint8Array {
  let plain = true;
  for (let i = 0; i < text.length && plain; i++) if (isByteChar(text.charCodeAt(i))) plain = false;
  if (plain) return encoder.encode(text);
  const out: number[] = [];
  let run = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !isByteChar(text.charCodeAt(i))) continue;
    for (const b of encoder.encode(text.slice(run, i))) out.push(b);
    if (i < text.length) out.push(byteOf(text.charCodeAt(i)));
    run = i + 1;
  }
  return Uint8Array.from(out);
}

/**
 * The text with each lone `\r` turned into `\n`. A line ends at `\n`, `\r\n` or `\r` for LSP
 * (3.17 "Text Documents": EOL) and for NASM alike (measured: a file of classic Mac line ends
 * assembles line by line), but the assembler splits at `\n` only. The length is unchanged, so
 * every line/character position stays where the client has it.
 */
export function withLineFeeds(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}
