// What a debugger can hang on the CPU without slowing it: nullable hooks called only where the
// event happens (interrupt delivery, a CPL change, a watched data access), and the instruction
// breakpoints the block engine stops before. Nothing here runs per instruction.

/**
 * How a delivered event came about (SDM Vol. 3A §6.5): a fault (the instruction did not
 * complete; the return address is its own), a trap (INT3, INTO, INT1, INT 3, the single-step
 * trap: reported after the instruction), a software interrupt (INT n), or an external interrupt.
 */
export type DeliveryKind = 'fault' | 'trap' | 'software' | 'external';

export interface CpuEventHooks {
  /**
   * `vector` was delivered through the IDT: the CPU is at the handler's first instruction (cpu.eip)
   * at its new CPL. `errorCode` is the one pushed, -1 when the vector pushes none;
   * `instructionEip` the instruction the event is about (for external interrupts, the next one).
   */
  delivered(vector: number, kind: DeliveryKind, errorCode: number, instructionEip: number, cplBefore: number): void;
  /**
   * CPL changed from `fromCpl` to cpu.cpl over one step (interrupt delivery, IRET, far CALL/JMP/RET,
   * SYSENTER/SYSEXIT) or the delivery of an external interrupt (`external`); `instructionEip` is
   * the instruction's EIP (the next one's for an external interrupt). Called after delivered().
   */
  cplChanged(fromCpl: number, instructionEip: number, external: boolean): void;
}

/** Called after a data access completed without a fault (instruction fetches are not data accesses). */
export type DataAccessHook = (linear: number, size: number, write: boolean) => void;

/**
 * Watched data: the hook, and which 4 KiB linear pages and physical frames hold a watched byte.
 * Accesses within one page reach the hook only when their page or frame is marked; an access
 * crossing a page boundary always does (the hook matches ranges exactly).
 */
export class DataWatchPages {
  readonly linearPages = new Uint8Array(1 << 20);
  readonly frames: Uint8Array;

  constructor(readonly hook: DataAccessHook, frameCount: number) {
    this.frames = new Uint8Array(frameCount);
  }

  /** Marks the linear range [start, end) (end ≤ 2^32 + length: it may wrap). */
  watchLinear(start: number, end: number): void {
    // Linear addresses wrap at 4 GiB like the accesses that reach them.
    const last = Math.min(end - 1, start + 0xffffffff);
    for (let p = Math.floor(start / 4096); p <= Math.floor(last / 4096); p++) this.linearPages[p & 0xfffff] = 1;
  }

  /** Marks the physical range [start, end); frames beyond RAM hold nothing to watch. */
  watchPhysical(start: number, end: number): void {
    const last = Math.min(Math.floor((end - 1) / 4096), this.frames.length - 1);
    for (let p = Math.floor(start / 4096); p <= last; p++) this.frames[p] = 1;
  }
}

/**
 * Instruction breakpoints (EIPs) as the run loop sees them: a byte per 4 KiB page of EIP says
 * whether any breakpoint lies there, so code without breakpoints pays one byte load per block.
 */
export class CodeBreakpoints {
  private readonly addresses = new Set<number>();
  private readonly pages = new Uint8Array(1 << 20);
  /** Bumped on every change: a block built under another epoch is rebuilt before it runs. */
  epoch = 0;

  get size(): number {
    return this.addresses.size;
  }

  has(eip: number): boolean {
    return this.pages[eip >>> 12] !== 0 && this.addresses.has(eip);
  }

  /** Makes the set equal to `eips` (null: empty); cheap when nothing changed. */
  sync(eips: ReadonlySet<number> | null): void {
    const size = eips === null ? 0 : eips.size;
    if (size === this.addresses.size) {
      let same = true;
      if (eips !== null) for (const e of eips) if (!this.addresses.has(e >>> 0)) { same = false; break; }
      if (same) return;
    }
    for (const e of this.addresses) this.pages[e >>> 12] = 0;
    this.addresses.clear();
    if (eips !== null) {
      for (const e of eips) {
        this.addresses.add(e >>> 0);
        this.pages[(e >>> 0) >>> 12] = 1;
      }
    }
    this.epoch++;
  }
}
