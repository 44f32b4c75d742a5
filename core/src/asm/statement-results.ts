// Where every statement landed, as parallel typed arrays (one record per statement, no object per
// statement): rewritten by each pass, read afterwards by the listing, source map and statements.

import type { FormSpec } from '../isa/types';

/** NaN marks "none" in the number columns. */
export class StatementResults {
  /** Address of the statement (NaN: none). */
  readonly address: Float64Array;
  /** Offset in its section (NaN: in absolute space). */
  readonly sectionOffset: Float64Array;
  readonly size: Float64Array;
  /** Section index, -1 in absolute space. */
  readonly section: Int32Array;
  /** Bytes of the final pass (all repetitions); undefined when nothing was stored. */
  readonly bytes: (Uint8Array | undefined)[];
  /**
   * The size of the first repetition, for the rare `times N jmp x` whose copies differ in size
   * (see Assembler.emitBranches); the others repeat units of size / `times` count bytes.
   */
  readonly firstRepeat = new Map<number, number>();
  /**
   * The table form an instruction was last encoded in (undefined: none matched, or no
   * instruction). Kept across passes: a statement whose encoding a pass reuses keeps its form.
   */
  readonly form: (FormSpec | undefined)[];
  /** The padding of an `at` followed by a line other than data (`at f, times 4 db 7`): the line's bytes follow it. */
  readonly atPadding = new Map<number, number>();

  /**
   * Every record is written by `reset` in the first pass; `clearFrom` marks the records of
   * statements a stopped run never reached (filling up front would cost more than a pass).
   */
  constructor(readonly count: number) {
    // One buffer for every number column: allocating buffers costs more than filling them.
    const buffer = new ArrayBuffer(count * (3 * 8 + 4));
    this.address = new Float64Array(buffer, 0, count);
    this.sectionOffset = new Float64Array(buffer, count * 8, count);
    this.size = new Float64Array(buffer, count * 16, count);
    this.section = new Int32Array(buffer, count * 24, count);
    this.bytes = new Array<Uint8Array | undefined>(count);
    this.form = new Array<FormSpec | undefined>(count);
  }

  /** Records from `first` on: never reached (the run stopped in its first pass). */
  clearFrom(first: number): void {
    for (let i = first; i < this.count; i++) { this.reset(i, -1, NaN, NaN); this.form[i] = undefined; }
  }

  /** Records `from` to `to` (not included): not assembled in this pass (a branch of a %if not taken). */
  clearRange(from: number, to: number): void {
    for (let i = from; i < to; i++) { this.reset(i, -1, NaN, NaN); this.form[i] = undefined; }
  }

  /** The start of a statement's record in a pass. */
  reset(i: number, section: number, sectionOffset: number, address: number): void {
    this.size[i] = 0;
    this.bytes[i] = undefined;
    if (this.firstRepeat.size !== 0) this.firstRepeat.delete(i);
    this.section[i] = section;
    this.sectionOffset[i] = sectionOffset;
    this.address[i] = address;
  }
}

/** A number column's value, undefined for NaN. */
export function present(v: number): number | undefined {
  return v === v ? v : undefined;
}
