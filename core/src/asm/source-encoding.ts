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
    const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    let cp = n === 1 ? b & 0x1f : n === 2 ? b & 0x0f : b & 0x07;
    let ok = n > 0 && i + n < bytes.length;
    for (let k = 1; ok && k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    // (Overlong forms, surrogates and values past U+10FFFF are no UTF-8 either.)
    const min = n === 1 ? 0x80 : n === 2 ? 0x800 : 0x10000;
    if (ok && cp >= min && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff)) { out += String.fromCodePoint(cp); i += n + 1; continue; }
    out += String.fromCharCode(0xdc00 + b);
    i++;
  }
  return out;
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
