// What a guest has written to COM1: how many bytes, and the last of them. A guest may print for as
// long as it runs (a loop writing a line, a kernel logging every tick), so the whole transcript is
// not kept: the bytes go to the machine's serialOut as they are written, and the transcript holds
// only a count and a tail of fixed size. (Kept whole, a guest printing in a loop filled the debug
// adapter's heap at ~30 MB a second.)

/** The bytes a transcript keeps: the last 64 KiB written. */
export const SERIAL_TAIL_BYTES = 64 * 1024;

export class SerialTranscript {
  private readonly ring = new Uint8Array(SERIAL_TAIL_BYTES);
  private written = 0;
  private kept = 0;

  /** Bytes written since power-on (or since the snapshot last restored: see truncate). */
  get length(): number {
    return this.written;
  }

  push(byte: number): void {
    this.ring[this.written % SERIAL_TAIL_BYTES] = byte;
    this.written++;
    if (this.kept < SERIAL_TAIL_BYTES) this.kept++;
  }

  /** The bytes kept, oldest first: the last min(length, SERIAL_TAIL_BYTES) written, or fewer after truncate. */
  tail(): Uint8Array {
    const out = new Uint8Array(this.kept);
    for (let k = 0, at = this.written - this.kept; k < this.kept; k++, at++) out[k] = this.ring[at % SERIAL_TAIL_BYTES];
    return out;
  }

  /**
   * Back to `length` bytes written, as a machine snapshot taken then had it: the bytes written since
   * are forgotten. The tail keeps those before them it still holds.
   */
  truncate(length: number): void {
    if (length >= this.written) return;
    this.kept = Math.max(0, this.kept - (this.written - length));
    this.written = length;
  }
}
