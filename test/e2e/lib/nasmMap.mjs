// Symbol addresses from a map file nasm wrote (`[map symbols FILE]`), the reference the debugger
// checks compare register values, views and page walks against. Recorded in fixtures/*.nasm-map.txt.
import { readFileSync } from 'node:fs';

export class NasmMap {
  /** @param {string} file a map file written by nasm's `[map symbols FILE]` */
  constructor(file) {
    this.file = file;
    /** name → { virtual, real }: a label's run-time address and its load address (bin format). */
    this.symbols = new Map();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      // Section tables: "Real Virtual Name"; the "No Section" table of equs: "Value Name".
      const label = /^\s+([0-9A-F]+)\s+([0-9A-F]+)\s+(\S+)\s*$/.exec(line);
      if (label) { this.symbols.set(label[3], { real: parseInt(label[1], 16), virtual: parseInt(label[2], 16) }); continue; }
      const constant = /^([0-9A-F]+)\s+(\S+)\s*$/.exec(line);
      if (constant) { const v = parseInt(constant[1], 16); this.symbols.set(constant[2], { real: v, virtual: v }); }
    }
  }

  get(name) {
    const s = this.symbols.get(name);
    if (s === undefined) throw new Error(`${this.file} has no symbol ${name}`);
    return s;
  }

  /** The address code sees (a section's vstart applies) or an equ's value. */
  address(name) { return this.get(name).virtual; }

  /** Where the bytes sit in the image, i.e. in physical memory once loaded at the origin. */
  loadAddress(name) { return this.get(name).real; }
}

/** `0x001010a0`: how the adapter and the views write 32-bit values (8 hex digits). */
export function hex32(v) {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

/** `0x40000`: a page number as the TLB view writes it (20 bits, 5 hex digits). */
export function hexPageNumber(address) {
  return `0x${((address >>> 0) >>> 12).toString(16).padStart(5, '0')}`;
}
