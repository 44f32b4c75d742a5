// The data column of a statement's listing, piece by piece as nasm lists what it puts out (see
// ListingData), and which values nasm leaves to the output format's relocation: those it lists
// in brackets (NASM 2.16, asm/assemble.c `out` and asm/listing.c; measured with `nasm -f bin -l`).

import type { ListingData } from './api';

/** Where the piece of an operand or data item starts. */
export interface Anchor {
  readonly offset: number;
  /** A ModR/M displacement: nasm checks its range twice, and warns twice (measured). */
  readonly twice: boolean;
  /** Where the further copies of a data item in a `dup` start (nasm warns of each copy's value there). */
  later?: number[];
}

/** A value of an external name put out (see ListedStatement.externals): where it ends, and the columns of its expression, `from` up to `to`. */
export interface ExternalPiece {
  readonly from: number;
  readonly to: number;
  readonly end: number;
}

/**
 * What the listing shows of one statement. nasm puts a statement out in calls to its output
 * routine, and some warnings come once per call: `outs` are where the calls of the first
 * repetition that put out data end (Infinity: in a repetition the listing leaves out),
 * `reserves` where those that reserve space end; `repeats` is the statement's `times` count.
 */
export interface ListedStatement {
  readonly data: readonly ListingData[];
  /** By the column an operand or data item is written at. Like `outs` and `reserves`, only for a statement warned about. */
  readonly anchors: ReadonlyMap<number, Anchor>;
  readonly outs: readonly number[];
  readonly reserves: readonly number[];
  /**
   * By the column of an item nasm puts out as nothing (an integer wider than 64 bits, its error
   * given each time), where each time falls in the first repetition. Only for a statement warned about.
   */
  readonly nothings?: ReadonlyMap<number, readonly number[]>;
  readonly repeats: number;
  /** Where an instruction's ModR/M byte is put out, when it has one (warnings of its address come there). Only for a statement warned about. */
  readonly modrm?: number;
  /**
   * Where each value of an external name put out ends, in order, with the columns its expression
   * is written at (the bin format refuses each as it is put out). Only for a statement warned about.
   */
  readonly externals?: readonly ExternalPiece[];
}

/**
 * A statement's pieces, made in the order nasm puts them out, from `offset` on; `detailed`: with
 * the anchors and output calls its warnings are placed by (see ListedStatement), else without.
 */
export class DataBuilder {
  readonly data: ListingData[] = [];
  readonly anchors = new Map<number, Anchor>();
  readonly outs: number[] = [];
  readonly reserves: number[] = [];
  nothings?: Map<number, number[]>;
  repeats = 1;
  externals?: ExternalPiece[];
  modrm?: number;

  constructor(public offset: number, readonly detailed: boolean) {}

  /** Bytes put out in one call, or in calls that end at `calls` (counted from the first of them). */
  bytes(bytes: Uint8Array, calls?: readonly number[]): void {
    if (bytes.length === 0) return;
    this.data.push({ kind: 'bytes', offset: this.offset, bytes });
    if (this.detailed) {
      if (calls === undefined) this.outs.push(this.offset + bytes.length);
      else for (const end of calls) this.outs.push(this.offset + end);
    }
    this.offset += bytes.length;
  }

  /** The instruction's ModR/M byte is put out `at` bytes from here (see ListedStatement.modrm). */
  modrmAt(at: number): void {
    if (this.detailed) this.modrm = this.offset + at;
  }

  /** A value the output format relocates; by an external name's segment, that of expression `external` (its columns). */
  address(size: number, value: number, relative: boolean, external?: { readonly start: number; readonly end: number }): void {
    this.data.push({ kind: 'address', offset: this.offset, size, value, relative });
    this.offset += size;
    if (!this.detailed) return;
    this.outs.push(this.offset);
    if (external !== undefined) (this.externals ??= []).push({ from: external.start, to: external.end, end: this.offset });
  }

  /** A segment for the output format to give: two bytes. */
  segment(): void {
    this.data.push({ kind: 'segment', offset: this.offset });
    this.offset += 2;
    if (this.detailed) this.outs.push(this.offset);
  }

  reserve(size: number): void {
    if (size <= 0) return;
    this.data.push({ kind: 'reserve', offset: this.offset, size });
    this.offset += size;
    if (this.detailed) this.reserves.push(this.offset);
  }

  incbin(size: number): void {
    this.data.push({ kind: 'incbin', offset: this.offset, size });
    this.offset += size;
    if (this.detailed) this.outs.push(this.offset);
  }

  /** `times n`: nasm lists the first repetition, then `<rep n>`, when there is more than one. */
  repeat(n: number): void {
    this.repeats = n;
    if (n > 1) this.data.push({ kind: 'repeat', count: n });
  }

  /**
   * A piece of the statement put out `n` times (`align`'s `times n db ...` after `%use
   * smartalign`): `<rep n>` after the first copy (of `size` bytes, in `calls` calls), as `times`.
   */
  copies(n: number, size: number, calls: number): void {
    this.data.push({ kind: 'repeat', count: n });
    this.offset += size * (n - 1);
    // (The calls of the copies after the first come before the piece after them.)
    if (this.detailed) for (let k = calls * (n - 1); k > 0; k--) this.outs.push(this.offset);
  }

  /** The piece of the operand or item written at `column` starts here (again, for a copy of a `dup`). */
  anchor(column: number, twice = false): void {
    if (!this.detailed) return;
    const first = this.anchors.get(column);
    if (first === undefined) this.anchors.set(column, { offset: this.offset, twice });
    else (first.later ??= []).push(this.offset);
  }

  /** The item written at `column` is put out as nothing here. */
  nothing(column: number): void {
    if (!this.detailed) return;
    const at = (this.nothings ??= new Map()).get(column);
    if (at === undefined) this.nothings.set(column, [this.offset]); else at.push(this.offset);
  }

  /** `n` zero bytes as nasm's `times n db 0` puts them out (istruc's `at` and `iend`). */
  zeros(n: number): void {
    if (n <= 0) return;
    this.data.push({ kind: 'bytes', offset: this.offset, bytes: Uint8Array.of(0) });
    if (this.detailed) {
      this.outs.push(this.offset + 1);
      for (let i = 1; i < n; i++) this.outs.push(Infinity);
    }
    if (n > 1) this.data.push({ kind: 'repeat', count: n });
    this.offset += n;
  }

  done(): ListedStatement | undefined {
    return this.data.length === 0 && this.nothings === undefined ? undefined : this;
  }
}

/**
 * How nasm lists a value that is a sum of labels: `terms` is its sum with every label's section
 * address in, and how many times each section's address was added; `here` the section the value
 * is put in (-1 in absolute space); `address(s)` section s's address. nasm keeps in the value only
 * the labels' offsets in their sections, and relocates it (measured):
 * - subtracting a label of the section it is put in once (`-lab`, `dat - $`, `lab2 - 2*lab`): a
 *   relative value, `(..)`;
 * - else adding the address of a section once (`lab`, `dat + 4`, `2*lab2 + dlab`): an address, `[..]`;
 * - else (numbers, `2*lab`, `lab + lab2`, `a - b` in one section) the plain bytes: undefined.
 * A branch's displacement is relative to its own section: a target there (in absolute space, `here`
 * -1, a number) is plain bytes, any other (another section, a number) is listed `(target)`.
 */
export function relocation(terms: { readonly sum: number; readonly sections: ReadonlyMap<number, number> }, here: number,
  address: (sec: number) => number, branch: boolean): { readonly value: number; readonly relative: boolean } | undefined {
  let value = terms.sum;
  let added = -1;
  let selfRelative = false;
  for (const [sec, n] of terms.sections) {
    if (n === 0) continue;
    value -= n * address(sec);
    if (n === 1 && added < 0) added = sec;
    if (n === -1 && sec === here) selfRelative = true;
  }
  if (branch) return added === here ? undefined : { value, relative: true };
  if (selfRelative) return { value, relative: true };
  return added >= 0 ? { value, relative: false } : undefined;
}
