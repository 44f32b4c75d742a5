// Addresses read from a listing nasm wrote (`nasm -f bin -l`, recorded by fixtures/record.sh): the
// reference the address tests compare the server's and the debugger's addresses with.

import { readFileSync } from 'node:fs';

/**
 * The address of 1-based source line `line` of a one-section file with `org` origin: the offset
 * nasm lists for the first line from `line` on that lists one (a label alone lists none: its
 * address is the next statement's). nasm's listing line: `%6d %08X ...`, its source line number
 * then the offset in the section.
 */
export function listedAddress(listingFile: string, line: number, org: number): number {
  for (const l of readFileSync(listingFile, 'utf8').split('\n')) {
    const m = /^\s*(\d+) ([0-9A-F]{8}) /.exec(l);
    if (m !== null && Number(m[1]) >= line) return org + parseInt(m[2], 16);
  }
  throw new Error(`${listingFile} lists no address from line ${line} on`);
}

/** A row of nasm's listing that lists an offset: its source text and whether it comes from an include or a macro (`<N>`). */
export interface ListedRow {
  readonly offset: number;
  /** The bytes as nasm lists them: hex, a relocated value in brackets (`BC[00040000]`), `-` when the row goes on. */
  readonly bytes: string;
  readonly nested: boolean;
  readonly text: string;
}

/** Every row of a listing that lists an offset, in the listing's order. */
export function listedRows(listingFile: string): ListedRow[] {
  const rows: ListedRow[] = [];
  for (const l of readFileSync(listingFile, 'utf8').split('\n')) {
    const m = /^\s*\d+ ([0-9A-F]{8}) (\S*)\s*(<\d+>)?(.*)$/.exec(l);
    if (m !== null) rows.push({ offset: parseInt(m[1], 16), bytes: m[2], nested: m[3] !== undefined, text: m[4].trim() });
  }
  return rows;
}
