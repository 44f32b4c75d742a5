// DAP address strings and memory references: `0x`-prefixed hex for 32-bit guest addresses, parsed
// back leniently (hex with or without 0x, or decimal) since clients echo what we sent.

export function formatAddress(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/** A guest address from a DAP memory reference / instruction reference, or undefined. */
export function parseAddress(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  let v: number;
  if (/^0x[0-9a-f]+$/i.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^[0-9]+$/.test(t)) v = parseInt(t, 10);
  else return undefined;
  return Number.isSafeInteger(v) && v <= 0xffff_ffff ? v : undefined;
}
