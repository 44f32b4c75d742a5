// DAP address strings and memory references: `0x`-prefixed hex for 32-bit guest addresses, parsed
// back leniently (hex with or without 0x, or decimal) since clients echo what we sent.

export function formatAddress(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/** Linear and physical addresses of an IA-32 guest are below 4 GiB (32 bits). */
const ADDRESS_SPACE_BYTES = 0x1_0000_0000;

/** A guest address from a DAP memory reference / instruction reference, or undefined. */
export function parseAddress(text: string | undefined): number | undefined {
  const v = parseNumber(text);
  return v !== undefined && v < ADDRESS_SPACE_BYTES ? v : undefined;
}

/** The number an address string spells, however large, or undefined when it spells none. */
function parseNumber(text: string | undefined): number | undefined {
  const t = text?.trim() ?? '';
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^[0-9]+$/.test(t)) return parseInt(t, 10);
  return undefined;
}

/** Why `text` names no guest address when it is a number past the 32-bit space, else undefined. */
export function beyondAddressSpace(text: string | undefined): string | undefined {
  const v = parseNumber(text);
  if (v === undefined || v < ADDRESS_SPACE_BYTES) return undefined;
  return `${text?.trim()} lies beyond the 4 GiB an IA-32 guest can address (addresses are 32-bit: 0x00000000 .. 0xffffffff)`;
}
