// Intel 8254 programmable interval timer at 0x40-0x43 (82C54 datasheet): three counters with
// control words, lobyte/hibyte/both access, counter latch and read-back commands, binary or BCD
// counting, and modes 0-5; counter 0's OUT drives IRQ 0. Emulated time is counted in guest
// instructions: one CLK pulse every INSTRUCTIONS_PER_PIT_TICK instructions, so runs are
// deterministic. Counter values are computed from the tick at which a count was loaded rather
// than decremented one tick at a time, so advancing time costs O(1).
//
// Gates are tied high, as counters 0 and 1 are on the PC (counter 2's gate, port 0x61 bit 0, is not
// modelled), so the gate-triggered modes 1 and 5 never start counting and their OUT stays high.

import type { PortHandler } from '../io/port-bus';
import type { IrqLine } from '../io/irq-line';

/**
 * Instructions per PIT input clock. The PIT's clock is 1.193182 MHz; at 84 instructions a tick,
 * emulated time keeps pace with wall time when the interpreter runs at its 100 MIPS goal
 * (1,193,182 x 84 = 100.2 M instructions per emulated second), so a 100 Hz timer fires every
 * 1,002,288 instructions (divisor 11932).
 */
export const INSTRUCTIONS_PER_PIT_TICK = 84;
export const PIT_BASE = 0x40;
export const PIT_IRQ = 0;

interface CounterState {
  mode: number;
  bcd: boolean;
  /** 1 = low byte only, 2 = high byte only, 3 = low then high. */
  access: number;
  /** Count register as written (0 means the maximum count). */
  count: number;
  /** Tick at which the counting element was loaded with `count`; -1 when not counting. */
  loadTick: number;
  /** Mode 3: ticks into the cycle at which counting (re)started (a reload at a half-cycle end). */
  phase: number;
  /** A count written while counting in mode 2/3 loads at the end of the current (half) cycle. */
  pendingCount: number;
  pendingTick: number;
  pendingPhase: number;
  writeHigh: boolean;
  lowByte: number;
  readHigh: boolean;
  latched: boolean;
  latchValue: number;
  latchReadHigh: boolean;
  statusLatched: boolean;
  statusValue: number;
  nullCount: boolean;
  /** OUT before counting starts (after a control word). */
  idleOut: boolean;
}

function newCounter(): CounterState {
  return {
    mode: 0, bcd: false, access: 3, count: 0, loadTick: -1, phase: 0, pendingCount: -1, pendingTick: 0,
    pendingPhase: 0, writeHigh: false, lowByte: 0, readHigh: false, latched: false, latchValue: 0,
    latchReadHigh: false, statusLatched: false, statusValue: 0, nullCount: true, idleOut: false,
  };
}

const toBcd = (n: number) => ((n / 1000) % 10 << 12) | ((n / 100) % 10 << 8) | ((n / 10) % 10 << 4) | (n % 10);
const fromBcd = (v: number) => ((v >> 12) & 0xf) * 1000 + ((v >> 8) & 0xf) * 100 + ((v >> 4) & 0xf) * 10 + (v & 0xf);

export class Pit8254 implements PortHandler {
  readonly name = 'pit8254';
  private counters: CounterState[] = [newCounter(), newCounter(), newCounter()];
  private instructions = 0;

  constructor(private readonly irq0: IrqLine, readonly instructionsPerTick = INSTRUCTIONS_PER_PIT_TICK) {
    if (!Number.isInteger(instructionsPerTick) || instructionsPerTick < 1) throw new RangeError('instructionsPerTick must be a positive integer');
  }

  /** Current emulated time in PIT clock ticks. */
  get tick(): number {
    return Math.floor(this.instructions / this.instructionsPerTick);
  }

  /** Moves emulated time forward; counter 0's rising OUT edges become IRQ 0 edges. */
  advance(instructions: number): void {
    const before = this.tick;
    this.instructions += instructions;
    const after = this.tick;
    if (after === before) return;
    const c = this.counters[0];
    let edges = 0;
    let from = before;
    if (c.pendingCount >= 0 && c.pendingTick <= after) {
      edges += this.edgesBetween(c, from, c.pendingTick);
      from = c.pendingTick;
      this.commitPending(c);
    }
    edges += this.edgesBetween(c, from, after);
    if (edges > 0) this.irq0.pulse();
    this.irq0.set(this.outAt(c, after));
  }

  /** Instructions until counter 0's next rising OUT edge, or Infinity (lets the run loop batch). */
  instructionsUntilIrq0(): number {
    const c = this.counters[0];
    const now = this.tick;
    this.sync(c, now);
    // A pending reload changes the schedule, so report its tick too (the caller asks again then).
    const next = Math.min(this.nextEdge(c, now), c.pendingCount >= 0 ? c.pendingTick : Infinity);
    return next === Infinity ? Infinity : next * this.instructionsPerTick - this.instructions;
  }

  /** OUT pin of counter `n` now. */
  out(n: number): boolean {
    const c = this.counters[n];
    this.sync(c, this.tick);
    return this.outAt(c, this.tick);
  }

  saveState(): unknown {
    return structuredClone({ counters: this.counters, instructions: this.instructions });
  }

  loadState(saved: unknown): void {
    const s = structuredClone(saved as { counters: CounterState[]; instructions: number });
    this.counters = s.counters;
    this.instructions = s.instructions;
    this.irq0.set(this.out(0));
  }

  read8(port: number): number {
    const n = port & 3;
    if (n === 3) return 0; // the control register is write-only; QEMU's i8254 reads it as 0
    const c = this.counters[n];
    this.sync(c, this.tick);
    if (c.statusLatched) {
      c.statusLatched = false;
      return c.statusValue;
    }
    let value: number;
    let high: boolean;
    if (c.latched) {
      value = c.latchValue;
      high = c.access === 2 || (c.access === 3 && c.latchReadHigh);
      if (c.access === 3 && !c.latchReadHigh) c.latchReadHigh = true;
      else c.latched = false;
    } else {
      value = this.valueAt(c, this.tick);
      high = c.access === 2 || (c.access === 3 && c.readHigh);
      if (c.access === 3) c.readHigh = !c.readHigh;
    }
    return high ? (value >>> 8) & 0xff : value & 0xff;
  }

  write8(port: number, value: number): void {
    value &= 0xff;
    const n = port & 3;
    if (n === 3) { this.writeControl(value); return; }
    const c = this.counters[n];
    const now = this.tick;
    this.sync(c, now);
    let count: number;
    if (c.access === 1) count = value;
    else if (c.access === 2) count = value << 8;
    else if (!c.writeHigh) {
      c.lowByte = value;
      c.writeHigh = true;
      // Mode 0: writing the first byte stops counting and drives OUT low (datasheet).
      if (c.mode === 0) { c.loadTick = -1; c.idleOut = false; c.pendingCount = -1; }
      return;
    } else {
      count = c.lowByte | (value << 8);
      c.writeHigh = false;
    }
    this.loadCount(n, c, count, now);
  }

  private writeControl(value: number): void {
    const select = value >>> 6;
    const now = this.tick;
    if (select === 3) { this.readBack(value, now); return; }
    const c = this.counters[select];
    this.sync(c, now);
    const access = (value >>> 4) & 3;
    if (access === 0) { // counter latch command; a second latch before the read is ignored
      if (!c.latched) {
        c.latched = true;
        c.latchValue = this.valueAt(c, now);
        c.latchReadHigh = c.access === 2;
      }
      return;
    }
    let mode = (value >>> 1) & 7;
    if (mode > 5) mode -= 4; // modes 6 and 7 are modes 2 and 3 (datasheet)
    Object.assign(c, newCounter(), { mode, bcd: (value & 1) !== 0, access, idleOut: mode !== 0 });
    if (select === 0) this.irq0.set(c.idleOut); // a control word sets OUT: low in mode 0, else high
  }

  /** Read-back command: bit 5 = 0 latches counts, bit 4 = 0 latches status, bits 3:1 select. */
  private readBack(value: number, now: number): void {
    for (let n = 0; n < 3; n++) {
      if (!(value & (2 << n))) continue;
      const c = this.counters[n];
      this.sync(c, now);
      if (!(value & 0x20) && !c.latched) {
        c.latched = true;
        c.latchValue = this.valueAt(c, now);
        c.latchReadHigh = c.access === 2;
      }
      if (!(value & 0x10) && !c.statusLatched) {
        c.statusLatched = true;
        c.statusValue = (this.outAt(c, now) ? 0x80 : 0) | (c.nullCount ? 0x40 : 0) | (c.access << 4) | (c.mode << 1) | (c.bcd ? 1 : 0);
      }
    }
  }

  private loadCount(n: number, c: CounterState, count: number, now: number): void {
    const written = c.bcd ? fromBcd(count) : count;
    c.nullCount = true;
    const counting = c.loadTick >= 0 && now >= c.loadTick;
    if (counting && (c.mode === 2 || c.mode === 3)) {
      // Periodic modes keep the current cycle and load the new count when it ends.
      const period = this.period(c);
      const e = now - c.loadTick + c.phase;
      const p = e % period;
      const highEnd = c.mode === 3 ? Math.ceil(period / 2) : period;
      const ticksLeft = c.mode === 3 && p < highEnd ? highEnd - p : period - p;
      c.pendingCount = written;
      c.pendingTick = now + ticksLeft;
      c.pendingPhase = c.mode === 3 && p < highEnd ? -1 : 0; // -1: start the new count's low half
      return;
    }
    c.count = written;
    if (c.mode === 1 || c.mode === 5) return; // waits for a gate trigger that never comes
    c.loadTick = now + 1; // loaded on the next CLK pulse
    c.phase = 0;
    c.pendingCount = -1;
    if (n === 0) this.irq0.set(this.outAt(c, now));
  }

  private sync(c: CounterState, now: number): void {
    if (c.pendingCount >= 0 && now >= c.pendingTick) this.commitPending(c);
    if (c.loadTick >= 0 && now >= c.loadTick && c.pendingCount < 0) c.nullCount = false;
  }

  private commitPending(c: CounterState): void {
    c.loadTick = c.pendingTick;
    c.count = c.pendingCount;
    c.pendingCount = -1;
    c.phase = c.pendingPhase < 0 ? Math.ceil(this.period(c) / 2) : 0;
  }

  /** Full count N: a written 0 means 65536 (binary) or 10000 (BCD). */
  private period(c: CounterState): number {
    return c.count === 0 ? (c.bcd ? 10000 : 0x10000) : c.count;
  }

  private valueAt(c: CounterState, now: number): number {
    if (c.loadTick < 0 || now < c.loadTick) return c.bcd ? toBcd(c.count % 10000) : c.count & 0xffff;
    const n = this.period(c);
    const modulus = c.bcd ? 10000 : 0x10000;
    const e = now - c.loadTick;
    let v: number;
    switch (c.mode) {
      case 2: v = n - (e % n); break;
      case 3: {
        // Even N: load N, count down by two each half. Odd N: load N-1, count down by two; the
        // high half lasts (N+1)/2 clocks, the low half (N-1)/2 (82C54 datasheet, mode 3).
        const p = (e + c.phase) % n;
        const high = Math.ceil(n / 2);
        const start = n % 2 === 0 ? n : n - 1;
        v = start - 2 * (p < high ? p : p - high);
        break;
      }
      default: v = ((n - e) % modulus + modulus) % modulus; // modes 0 and 4 wrap and keep counting
    }
    v %= modulus;
    return c.bcd ? toBcd(v) : v & 0xffff;
  }

  private outAt(c: CounterState, now: number): boolean {
    if (c.loadTick < 0 || now < c.loadTick) return c.idleOut;
    const n = this.period(c);
    const e = now - c.loadTick;
    switch (c.mode) {
      case 0: return e >= n;
      case 2: return e % n !== n - 1;
      case 3: return (e + c.phase) % n < Math.ceil(n / 2);
      case 4: return e !== n;
      default: return true;
    }
  }

  /** Tick of the first rising edge strictly after `after`, with the current count (no pending). */
  private nextEdge(c: CounterState, after: number): number {
    if (c.loadTick < 0) return Infinity;
    const first = this.firstEdgeOffset(c);
    if (first === Infinity) return Infinity;
    const e = after - c.loadTick;
    if (e < first) return c.loadTick + first;
    if (c.mode === 0 || c.mode === 4) return Infinity;
    const n = this.period(c);
    return c.loadTick + first + (Math.floor((e - first) / n) + 1) * n;
  }

  /** Rising edges in ticks (from, to]. */
  private edgesBetween(c: CounterState, from: number, to: number): number {
    if (c.loadTick < 0) return 0;
    const first = this.firstEdgeOffset(c);
    if (first === Infinity) return 0;
    const periodic = c.mode === 2 || c.mode === 3;
    const n = this.period(c);
    const upTo = (t: number) => {
      const e = t - c.loadTick;
      if (e < first) return 0;
      return periodic ? Math.floor((e - first) / n) + 1 : 1;
    };
    return upTo(to) - upTo(from);
  }

  /** Ticks after loading of the first rising OUT edge. */
  private firstEdgeOffset(c: CounterState): number {
    const n = this.period(c);
    switch (c.mode) {
      case 0: return n;
      case 2: return n;
      case 3: { const r = (n - c.phase) % n; return r === 0 ? n : r; }
      case 4: return n + 1;
      default: return Infinity;
    }
  }
}
