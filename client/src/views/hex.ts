// Fixed-width hexadecimal for guest values in the views: addresses and entries as 8 digits (the
// width of a 32-bit linear or physical address), page numbers as 5 (20 bits, SDM Vol. 3A §4.3).

export function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

export function hexPageNumber(address: number): string {
  return `0x${((address >>> 0) >>> 12).toString(16).padStart(5, '0')}`;
}

/** Minimal-width hexadecimal for indices and small values. */
export function hexShort(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}
