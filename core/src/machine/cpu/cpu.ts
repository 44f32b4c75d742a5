// The IA-32 CPU core: architectural state (registers in typed arrays, lazily evaluated status
// flags, segment registers with their hidden descriptor parts, system registers), memory access
// through segmentation and the MMU, the per-physical-page decoded-instruction cache, and step():
// fetch, execute, deliver. Guest faults are values (`fault` holds the pending vector), never thrown.

import { decode } from '../../isa/decoder';
import type { PhysicalMemory } from '../memory/physical-memory';
import type { Mmu } from '../mmu/mmu';
import { ACCESS_READ, ACCESS_USER_READ, ACCESS_USER_WRITE, ACCESS_WRITE, CR0_PG } from '../mmu/paging-bits';
import type { PortBus } from '../io/port-bus';
import type { InitialCpuState } from '../loader/initial-state';
import { compile, Compiled } from './compiled';
import { CodeCache, type CodePage } from './code-cache';
import { AF, ARITH_FLAGS, CF, DF, EFLAGS_FIXED, IF, OF, PARITY, PF, RF, SF, TF, ZF } from './eflags';
import { GP, PF_VECTOR, SS_VECTOR, UD, DB, type ShutdownFault } from './exceptions';
import { CS, SS, descBase, descBig, descLimit, isCode, isExpandDown, isReadable, isWritableData } from './segment-bits';
import { handlerFor } from './fast-handlers';
import { buildBlock, type Block } from './blocks';
import { deliverPendingFault, deliverInterrupt } from './interrupts';
import { CodeBreakpoints, type CpuEventHooks, type DataWatchPages } from './hooks';
import { DataPages } from './data-pages';
import type { Tlb } from '../mmu/tlb';

/** Lazy flag operations: which arithmetic produced the remembered result. */
export const LF_NONE = 0, LF_ADD = 1, LF_ADC = 2, LF_SUB = 3, LF_SBB = 4, LF_LOGIC = 5, LF_INC = 6, LF_DEC = 7, LF_NEG = 8;
/** Shifts and multiplies: CF in lazyCarry, OF in lazySrc (0/1), AF clear, SF ZF PF of the (masked) result. */
export const LF_CF_OF = 9;

/** Access rights of a loaded segment register, precomputed for the access checks. */
export const SEG_READ = 1, SEG_WRITE = 2, SEG_EXPAND_DOWN = 4, SEG_BIG = 8, SEG_CODE = 16;

export const MASKS = [0, 0xff, 0xffff, 0, 0xffffffff];

/** Entries into an instruction after which Cpu.run compiles the block starting there. */
const BLOCK_HEAT = 8;
export const SIGNS = [0, 0x80, 0x8000, 0, 0x80000000];

/** Why the CPU stopped being able to execute instructions. */
export type CpuCondition = 'running' | 'halted' | 'shutdown';

export class Cpu {
  /** EAX ECX EDX EBX ESP EBP ESI EDI, in ModR/M order. */
  readonly regs = new Int32Array(8);
  eip = 0;
  /** EFLAGS; the six status flags are stale while lazyOp !== LF_NONE. */
  flags = EFLAGS_FIXED;
  lazyOp = LF_NONE;
  lazyRes = 0;
  lazyDst = 0;
  lazySrc = 0;
  lazyCarry = 0;
  lazySize = 4;

  readonly segSel = new Uint16Array(6);
  readonly segBase = new Float64Array(6);
  readonly segLimit = new Float64Array(6);
  /** The descriptor's high dword each segment was loaded from (type, DPL, D/B, G). */
  readonly segHigh = new Int32Array(6);
  readonly segRights = new Uint8Array(6);
  cpl = 0;

  cr0 = 0x11;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  readonly dr = new Uint32Array(8);
  gdtrBase = 0; gdtrLimit = 0;
  idtrBase = 0; idtrLimit = 0x3ff;
  // (LDTR and TR as reset leaves them: selector 0, base 0, limit 0FFFFH; SDM Vol. 3A Table 9-1.)
  ldtrSel = 0; ldtrBase = 0; ldtrLimit = 0xffff;
  trSel = 0; trBase = 0; trLimit = 0xffff; trHigh = 0;
  sysenterCs = 0; sysenterEsp = 0; sysenterEip = 0;
  /** Instructions retired: the time base of the machine and the TSC. */
  instret = 0;
  tscOffset = 0;

  /** Scratch: the descriptor readDescriptor() read, and the stack readTssStack() read. */
  descLow = 0;
  descHigh = 0;
  tssSs = 0;
  tssEsp = 0;

  /** Pending exception of the current instruction (vector), or -1. */
  fault = -1;
  faultCode = 0;
  /** Offset of the current instruction's memory operand. */
  ea = 0;
  /** EIP after the current instruction; handlers of control transfers set it. */
  nextEip = 0;
  /** Interrupts are held off for one instruction after MOV SS, POP SS and STI (SDM §6.8.3). */
  interruptShadow = false;
  condition: CpuCondition = 'running';
  /** While `condition` is 'shutdown': the faults that led to it, in order (describeShutdown). */
  shutdownFaults: readonly ShutdownFault[] = [];
  /**
   * While an exception is delivered (cpu.hooks.delivered): the faults raised before it and never
   * delivered, in order (a #GP whose delivery raised #NP, both become #DF: SDM Vol. 3A Table 6-5);
   * empty otherwise.
   */
  undeliveredFaults: readonly ShutdownFault[] = [];
  /** Set for one step when the last instruction was HLT or a shutdown happened. */
  lastVector = -1;

  /** Told about deliveries and CPL changes when set (a debugger's events and exception stops). */
  hooks: CpuEventHooks | null = null;
  private watch: DataWatchPages | null = null;
  /** Data accesses to watched pages reach its hook when set (data breakpoints). */
  get dataWatch(): DataWatchPages | null { return this.watch; }
  set dataWatch(w: DataWatchPages | null) {
    this.watch = w;
    // Data pages never serve watched accesses: they are only made while nothing is watched.
    this.dataPages.drop();
  }

  /** run() stops before executing an instruction at one of these EIPs (except its first). */
  readonly breakpoints = new CodeBreakpoints();

  /** Decoded instructions per physical frame, by offset in the frame. */
  private readonly code: CodeCache;
  /** Frames of recent aligned dword accesses, in front of the TLB (data-pages.ts). */
  private readonly dataPages = new DataPages();
  private readonly tlb: Tlb;
  private readonly fetchBytes = new Uint8Array(15);

  /**
   * Fetch window: the linear code page (-1: none) of the last slow fetch and its frame's cached
   * instructions, valid while CS, CPL and the TLB (generation) are unchanged; a fetch inside it
   * skips the segment and MMU work and only stamps the TLB entry (winEntry, -1 without paging)
   * as the translation would.
   */
  private winLinear = -1;
  private winPage: CodePage = [];
  private winEntry = -1;
  private winGeneration = -1;
  private winCpl = -1;
  private winBits = 32;
  private winFrame = 0;

  constructor(readonly memory: PhysicalMemory, readonly mmu: Mmu, readonly ports: PortBus) {
    this.code = new CodeCache(memory.frameCount);
    this.tlb = mmu.tlb;
    memory.onFramesChanged = () => this.dataPages.drop();
    for (let s = 0; s < 6; s++) this.loadFlatHidden(s, 0, 0xcf9300);
  }

  /** Loads the state a boot loader hands over (the loader's record is the reset state). */
  reset(state: InitialCpuState): void {
    const r = this.regs;
    r[0] = state.eax; r[1] = state.ecx; r[2] = state.edx; r[3] = state.ebx;
    r[4] = state.esp; r[5] = state.ebp; r[6] = state.esi; r[7] = state.edi;
    this.eip = state.eip >>> 0;
    this.setEflags(state.eflags);
    this.cr0 = state.cr0 >>> 0; this.cr3 = state.cr3 >>> 0; this.cr4 = state.cr4 >>> 0;
    this.mmu.loadControls(this.cr0, this.cr3, this.cr4);
    const segs = [state.es, state.cs, state.ss, state.ds, state.fs, state.gs];
    segs.forEach((s, i) => {
      this.segSel[i] = s.selector;
      this.loadHidden(i, s.descriptorLow, s.descriptorHigh);
    });
    this.gdtrBase = state.gdtr.base; this.gdtrLimit = state.gdtr.limit;
    this.idtrBase = state.idtr.base; this.idtrLimit = state.idtr.limit;
    this.cpl = state.cpl;
    this.condition = 'running';
    this.shutdownFaults = [];
    this.fault = -1;
  }

  // ---- registers -------------------------------------------------------------------------

  getReg(r: number, size: number): number {
    if (size === 4) return this.regs[r] >>> 0;
    if (size === 2) return this.regs[r] & 0xffff;
    return r < 4 ? this.regs[r] & 0xff : (this.regs[r - 4] >>> 8) & 0xff;
  }

  setReg(r: number, size: number, v: number): void {
    const regs = this.regs;
    if (size === 4) regs[r] = v;
    else if (size === 2) regs[r] = (regs[r] & ~0xffff) | (v & 0xffff);
    else if (r < 4) regs[r] = (regs[r] & ~0xff) | (v & 0xff);
    else regs[r - 4] = (regs[r - 4] & ~0xff00) | ((v & 0xff) << 8);
  }

  // ---- flags -----------------------------------------------------------------------------

  /** Remembers an arithmetic result for lazy flag evaluation. */
  setLazy(op: number, res: number, dst: number, src: number, size: number): void {
    this.lazyOp = op; this.lazyRes = res; this.lazyDst = dst; this.lazySrc = src; this.lazySize = size;
  }

  cf(): boolean {
    const res = this.lazyRes, d = this.lazyDst, s = this.lazySrc;
    switch (this.lazyOp) {
      case LF_NONE: return (this.flags & CF) !== 0;
      case LF_ADD: return res < d;
      case LF_ADC: return this.lazyCarry ? res <= d : res < d;
      case LF_SUB: return d < s;
      case LF_SBB: return this.lazyCarry ? d <= s : d < s;
      case LF_INC: case LF_DEC: return this.lazyCarry !== 0;
      case LF_NEG: return res !== 0;
      case LF_CF_OF: return this.lazyCarry !== 0;
      default: return false;
    }
  }

  of(): boolean {
    const res = this.lazyRes, d = this.lazyDst, s = this.lazySrc, sign = SIGNS[this.lazySize];
    switch (this.lazyOp) {
      case LF_NONE: return (this.flags & OF) !== 0;
      case LF_ADD: case LF_ADC: case LF_INC: return ((d ^ res) & (s ^ res) & sign) !== 0;
      case LF_SUB: case LF_SBB: case LF_DEC: case LF_NEG: return ((d ^ s) & (d ^ res) & sign) !== 0;
      case LF_CF_OF: return s !== 0;
      default: return false;
    }
  }

  zf(): boolean { return this.lazyOp === LF_NONE ? (this.flags & ZF) !== 0 : this.lazyRes === 0; }
  sf(): boolean { return this.lazyOp === LF_NONE ? (this.flags & SF) !== 0 : (this.lazyRes & SIGNS[this.lazySize]) !== 0; }
  pf(): boolean { return this.lazyOp === LF_NONE ? (this.flags & PF) !== 0 : PARITY[this.lazyRes & 0xff] !== 0; }
  af(): boolean {
    if (this.lazyOp === LF_NONE) return (this.flags & AF) !== 0;
    if (this.lazyOp === LF_LOGIC || this.lazyOp === LF_CF_OF) return false;
    return ((this.lazyDst ^ this.lazySrc ^ this.lazyRes) & 0x10) !== 0;
  }

  /** `flags` with the lazily held status flags worked out, the lazy state left as it is (tests compare it). */
  computedFlags(): number {
    if (this.lazyOp === LF_NONE) return this.flags;
    let f = this.flags & ~ARITH_FLAGS;
    if (this.cf()) f |= CF;
    if (this.pf()) f |= PF;
    if (this.af()) f |= AF;
    if (this.zf()) f |= ZF;
    if (this.sf()) f |= SF;
    if (this.of()) f |= OF;
    return f;
  }

  /** Writes the lazily held status flags into `flags`. */
  materializeFlags(): void {
    if (this.lazyOp === LF_NONE) return;
    this.flags = this.computedFlags();
    this.lazyOp = LF_NONE;
  }

  getEflags(): number {
    this.materializeFlags();
    return (this.flags | EFLAGS_FIXED) >>> 0;
  }

  /** Replaces EFLAGS wholesale (callers apply the POPF/IRET privilege rules first). */
  setEflags(v: number): void {
    this.lazyOp = LF_NONE;
    this.flags = ((v & ~0x8028) | EFLAGS_FIXED) >>> 0;
  }

  /** Sets or clears the given status flags after materializing the others. */
  putFlag(mask: number, on: boolean): void {
    this.materializeFlags();
    this.flags = on ? this.flags | mask : this.flags & ~mask;
  }

  /** Condition `cc` in opcode order: O NO B AE E NE BE A S NS P NP L GE LE G. */
  cond(cc: number): boolean {
    let r: boolean;
    switch (cc >> 1) {
      case 0: r = this.of(); break;
      case 1: r = this.cf(); break;
      case 2: r = this.zf(); break;
      case 3: r = this.cf() || this.zf(); break;
      case 4: r = this.sf(); break;
      case 5: r = this.pf(); break;
      case 6: r = this.sf() !== this.of(); break;
      default: r = this.zf() || this.sf() !== this.of(); break;
    }
    return (cc & 1) !== 0 ? !r : r;
  }

  // ---- segments --------------------------------------------------------------------------

  /** Fills a segment register's hidden part from descriptor dwords (no checks). */
  loadHidden(s: number, low: number, high: number): void {
    if (s === CS) this.winLinear = -1;
    this.dataPages.dropSegment(s);
    this.segBase[s] = descBase(low, high);
    this.segLimit[s] = descLimit(low, high);
    this.segHigh[s] = high;
    let rights = 0;
    if (isReadable(high)) rights |= SEG_READ;
    if (isWritableData(high)) rights |= SEG_WRITE;
    if (isExpandDown(high)) rights |= SEG_EXPAND_DOWN;
    if (descBig(high)) rights |= SEG_BIG;
    if (isCode(high)) rights |= SEG_CODE;
    // A null selector loads an unusable segment: every access through it is #GP(0) (§3.4.2).
    if ((high & 0x8000) === 0) rights = 0;
    this.segRights[s] = rights;
  }

  private loadFlatHidden(s: number, low: number, highBits: number): void {
    this.loadHidden(s, low | 0xffff, highBits);
  }

  /** Makes segment `s` null (unusable). */
  loadNull(s: number, selector: number): void {
    if (s === CS) this.winLinear = -1;
    this.dataPages.dropSegment(s);
    this.segSel[s] = selector;
    this.segBase[s] = 0;
    this.segLimit[s] = 0;
    this.segHigh[s] = 0;
    this.segRights[s] = 0;
  }

  /** The hidden part of segment `s` was written directly (a rolled-back load): forgets what was cached for it. */
  segmentRestored(s: number): void {
    if (s === CS) this.winLinear = -1;
    this.dataPages.dropSegment(s);
  }

  get codeBits(): 16 | 32 { return (this.segRights[CS] & SEG_BIG) !== 0 ? 32 : 16; }
  get stackMask(): number { return (this.segRights[SS] & SEG_BIG) !== 0 ? 0xffffffff : 0xffff; }

  // ---- faults ----------------------------------------------------------------------------

  /** Records exception `vector` with `code` for the current instruction; returns false for chaining. */
  raise(vector: number, code = 0): false {
    if (this.fault < 0) { this.fault = vector; this.faultCode = code; }
    return false;
  }

  private pageFault(): void {
    this.cr2 = this.mmu.faultAddress;
    this.raise(PF_VECTOR, this.mmu.faultErrorCode);
  }

  // ---- memory ----------------------------------------------------------------------------

  /**
   * Linear address of `size` bytes at `off` in segment `s`, or -1 after raising #GP(0) or #SS(0)
   * for an unusable segment, missing read/write right or a limit violation (SDM §5.3, §5.4).
   */
  segLinear(s: number, off: number, size: number, write: boolean): number {
    const rights = this.segRights[s];
    if ((rights & (write ? SEG_WRITE : SEG_READ)) === 0) {
      this.raise(s === SS ? SS_VECTOR : GP, 0);
      return -1;
    }
    const last = off + size - 1;
    if ((rights & SEG_EXPAND_DOWN) !== 0) {
      const upper = (rights & SEG_BIG) !== 0 ? 0xffffffff : 0xffff;
      if (off <= this.segLimit[s] || last > upper) { this.raise(s === SS ? SS_VECTOR : GP, 0); return -1; }
    } else if (last > this.segLimit[s]) {
      this.raise(s === SS ? SS_VECTOR : GP, 0);
      return -1;
    }
    return (this.segBase[s] + off) >>> 0;
  }

  read(s: number, off: number, size: number): number {
    const la = this.segLinear(s, off, size, false);
    return la < 0 ? 0 : this.readLinear(la, size, this.cpl === 3);
  }

  write(s: number, off: number, size: number, v: number): void {
    const la = this.segLinear(s, off, size, true);
    if (la >= 0) this.writeLinear(la, size, v, this.cpl === 3);
  }

  /**
   * read(s, off, 4), for an aligned dword on a data page first (data-pages.ts: the TLB hit counted
   * as the lookup would count it). The value comes back as a signed 32-bit number, the way a
   * register holds it: V8 keeps it a small integer where the call is not inlined, where an
   * unsigned value of 2^31 or more would be boxed in a new heap number.
   */
  read32(s: number, off: number): number {
    const d = this.dataPages, i = DataPages.index(this.cpl, s, off);
    if (d.readTag[i] === off >>> 12 && (off & 3) === 0 && d.generation[i] === this.tlb.generation) {
      const e = d.tlbEntry[i];
      if (e >= 0) this.tlb.touch(e);
      return d.words[i][(off & 0xfff) >>> 2];
    }
    return this.read32Slow(s, off);
  }

  /** read32() off the data pages: a readable expand-up segment and a dword within one page inline, the rest read()'s. */
  private read32Slow(s: number, off: number): number {
    if ((this.segRights[s] & (SEG_READ | SEG_EXPAND_DOWN)) === SEG_READ && off + 3 <= this.segLimit[s]) {
      const la = (this.segBase[s] + off) >>> 0;
      if ((la & 0xfff) <= 4092) {
        const pa = this.translate(la, false, this.cpl === 3);
        if (pa < 0) return 0;
        const v = this.memory.read32(pa) | 0;
        if (this.watch !== null) this.watched(la, pa, 4, false);
        else this.fillDataPage(s, off, la, pa, false);
        return v;
      }
    }
    return this.read(s, off, 4) | 0;
  }

  /** write(s, off, 4, v), through the data pages first as read32(). */
  write32(s: number, off: number, v: number): void {
    const d = this.dataPages, i = DataPages.index(this.cpl, s, off);
    const o = off & 0xfff;
    if (d.writeTag[i] === off >>> 12 && (off & 3) === 0 && d.generation[i] === this.tlb.generation && (o >= d.codeEnd[i] || o + 4 <= d.codeStart[i])) {
      const e = d.tlbEntry[i];
      if (e >= 0) this.tlb.touch(e);
      d.words[i][o >>> 2] = v;
      return;
    }
    this.write32Slow(s, off, v);
  }

  private write32Slow(s: number, off: number, v: number): void {
    if ((this.segRights[s] & (SEG_WRITE | SEG_EXPAND_DOWN)) === SEG_WRITE && off + 3 <= this.segLimit[s]) {
      const la = (this.segBase[s] + off) >>> 0;
      if ((la & 0xfff) <= 4092) {
        const pa = this.translate(la, true, this.cpl === 3);
        if (pa < 0) return;
        this.memory.write32(pa, v);
        // `> 0`, not `!== 0`: a frame beyond RAM (the write was dropped) reads undefined here.
        if (this.code.framesWithCode[pa >>> 12] > 0) this.code.written(pa, 4);
        if (this.watch === null) this.fillDataPage(s, off, la, pa, true);
        else this.watched(la, pa, 4, true);
        return;
      }
    }
    this.write(s, off, 4, v);
  }

  /**
   * After a dword access at `off` in `s` (linear `la`, physical `pa`) completed without a fault and
   * without a watch: caches the page when every access within it would pass the same checks — the
   * segment based on a page boundary with the whole offset page inside its limit (the caller
   * checked rights and expand-up), RAM (the TLB caches nothing else), and for stores a frame that
   * is private (no snapshot shares it); stores within the span of its cached code stay slow. With
   * paging, the TLB entry that translated it is the one later uses touch.
   */
  private fillDataPage(s: number, off: number, la: number, pa: number, write: boolean): void {
    if ((this.segBase[s] & 0xfff) !== 0 || ((off | 0xfff) >>> 0) > this.segLimit[s] || !this.memory.isRam(pa)) return;
    const frame = pa >>> 12;
    const words = write ? this.memory.writableFrameWords(frame) : this.memory.frameWords(frame);
    if (words === null) return;
    const entry = this.mmu.entryFor(la);
    if (this.mmu.pagingEnabled && entry < 0) return;
    this.dataPages.fill(DataPages.index(this.cpl, s, off), off >>> 12, words, entry, this.tlb.generation, write,
      this.code.spanStart(frame), this.code.spanEnd(frame));
  }

  /** Checks that `size` bytes at `off` in `s` may be written (for read-modify-write and pushes). */
  probeWrite(s: number, off: number, size: number): boolean {
    const la = this.segLinear(s, off, size, true);
    if (la < 0) return false;
    return this.translate(la, true, this.cpl === 3) >= 0 && this.translate((la + size - 1) >>> 0, true, this.cpl === 3) >= 0;
  }

  /** Physical address of `la`, or -1 after raising #PF. */
  translate(la: number, write: boolean, user: boolean): number {
    const pa = this.mmu.translate(la, user ? (write ? ACCESS_USER_WRITE : ACCESS_USER_READ) : write ? ACCESS_WRITE : ACCESS_READ);
    if (pa < 0) this.pageFault();
    return pa;
  }

  readLinear(la: number, size: number, user: boolean): number {
    if ((la & 0xfff) <= 4096 - size) {
      const pa = this.translate(la, false, user);
      if (pa < 0) return 0;
      const m = this.memory;
      const v = size === 4 ? m.read32(pa) : size === 2 ? m.read16(pa) : m.read8(pa);
      if (this.watch !== null) this.watched(la, pa, size, false);
      return v;
    }
    let v = 0;
    for (let i = 0; i < size; i++) {
      const pa = this.translate((la + i) >>> 0, false, user);
      if (pa < 0) return 0;
      v += this.memory.read8(pa) * 2 ** (8 * i);
    }
    if (this.watch !== null && this.fault < 0) this.watch.hook(la >>> 0, size, false);
    return v;
  }

  writeLinear(la: number, size: number, v: number, user: boolean): void {
    if ((la & 0xfff) <= 4096 - size) {
      const pa = this.translate(la, true, user);
      if (pa < 0) return;
      const m = this.memory;
      if (size === 4) m.write32(pa, v); else if (size === 2) m.write16(pa, v); else m.write8(pa, v);
      if (this.code.framesWithCode[pa >>> 12] > 0) this.code.written(pa, size);
      if (this.watch !== null) this.watched(la, pa, size, true);
      return;
    }
    // Both pages are checked before either is written, so a fault leaves memory unchanged.
    if (this.translate(la, true, user) < 0 || this.translate((la + size - 1) >>> 0, true, user) < 0) return;
    for (let i = 0; i < size; i++) {
      const pa = this.translate((la + i) >>> 0, true, user);
      this.memory.write8(pa, Math.floor(v / 2 ** (8 * i)) & 0xff);
      if (this.code.framesWithCode[pa >>> 12] > 0) this.code.written(pa, 1);
    }
    if (this.watch !== null && this.fault < 0) this.watch.hook(la >>> 0, size, true);
  }

  /**
   * A data access within one page completed at linear `la`, physical `pa`: the watch's hook
   * hears of it when the page or the frame holds a watched byte (and no earlier access of the
   * instruction faulted, which ends it).
   */
  private watched(la: number, pa: number, size: number, write: boolean): void {
    const w = this.watch as DataWatchPages;
    if ((w.linearPages[la >>> 12] | w.frames[pa >>> 12]) !== 0 && this.fault < 0) w.hook(la >>> 0, size, write);
  }

  /** Supervisor-mode access to system structures (descriptor tables, TSS) at a linear address. */
  readSystem(la: number, size: number): number { return this.readLinear(la >>> 0, size, false); }
  writeSystem(la: number, size: number, v: number): void { this.writeLinear(la >>> 0, size, v, false); }

  // ---- stack -----------------------------------------------------------------------------

  /** SS:ESP offset after pushing `size` bytes (not committed). */
  push(v: number, size: number): boolean {
    const mask = this.stackMask;
    const sp = (this.regs[4] - size) & mask;
    const la = this.segLinear(SS, sp >>> 0, size, true);
    if (la < 0) return false;
    this.writeLinear(la, size, v, this.cpl === 3);
    if (this.fault >= 0) return false;
    this.regs[4] = mask === 0xffff ? (this.regs[4] & ~0xffff) | sp : sp;
    return true;
  }

  /**
   * push(v, 4) with a 32-bit stack's case inline for blocks: SS:ESP-4 through write32, which
   * makes the checks segLinear()/writeLinear() make (SDM §6.2.3), ESP committed after the write.
   */
  push32(v: number): boolean {
    if ((this.segRights[SS] & SEG_BIG) === 0) return this.push(v, 4);
    const sp = (this.regs[4] - 4) >>> 0;
    this.write32(SS, sp, v);
    if (this.fault >= 0) return false;
    this.regs[4] = sp;
    return true;
  }

  /** peek(0, 4) with a 32-bit stack's case inline (through read32), for blocks; signed as read32(). */
  peek32(): number {
    return (this.segRights[SS] & SEG_BIG) !== 0 ? this.read32(SS, this.regs[4] >>> 0) : this.peek(0, 4) | 0;
  }

  /** Reads the value `depth` bytes above the stack top without popping. */
  peek(depth: number, size: number): number {
    return this.read(SS, ((this.regs[4] + depth) & this.stackMask) >>> 0, size);
  }

  /** Moves ESP (or SP) by `n` bytes. */
  adjustSp(n: number): void {
    if (this.stackMask === 0xffff) this.regs[4] = (this.regs[4] & ~0xffff) | ((this.regs[4] + n) & 0xffff);
    else this.regs[4] = this.regs[4] + n;
  }

  pop(size: number): number {
    const v = this.peek(0, size);
    if (this.fault < 0) this.adjustSp(size);
    return v;
  }

  // ---- ports -----------------------------------------------------------------------------

  portRead(port: number, size: number): number {
    this.runBreak = true;
    return this.ports.read(port, size as 1 | 2 | 4);
  }

  portWrite(port: number, size: number, v: number): void {
    this.runBreak = true;
    this.ports.write(port, size as 1 | 2 | 4, v);
  }

  // ---- instruction cache -----------------------------------------------------------------

  /** Drops every decoded instruction (after loading new code behind the CPU's back). */
  flushCodeCache(): void {
    this.code.flush();
    this.winLinear = -1;
  }

  /** The instruction at CS:EIP, decoded once per physical address; null after raising a fault. */
  fetch(): Compiled | null {
    const eip = this.eip;
    const la = (this.segBase[CS] + eip) >>> 0;
    if ((la & ~0xfff) === this.winLinear && this.winGeneration === this.mmu.tlb.generation && this.cpl === this.winCpl) {
      const c = this.winPage[la & 0xfff];
      if (c !== undefined && c.bits === this.winBits && eip + c.len - 1 <= this.segLimit[CS]) {
        if (this.winEntry >= 0) this.mmu.tlb.touch(this.winEntry);
        return c;
      }
    }
    return this.fetchSlow(eip, la);
  }

  private fetchSlow(eip: number, la: number): Compiled | null {
    if ((this.segRights[CS] & SEG_CODE) === 0 || eip > this.segLimit[CS]) { this.raise(GP, 0); return null; }
    const user = this.cpl === 3;
    const pa = this.translate(la, false, user);
    if (pa < 0) return null;
    if (!this.memory.isRam(pa)) return this.decodeAt(eip, la, pa, user);
    const page = this.code.page(pa >>> 12);
    this.winLinear = la & ~0xfff;
    this.winPage = page;
    this.winEntry = this.mmu.entryFor(la);
    this.winGeneration = this.mmu.tlb.generation;
    this.winCpl = this.cpl;
    this.winBits = this.codeBits;
    this.winFrame = pa >>> 12;
    const c = page[pa & 0xfff];
    if (c !== undefined && c.bits === this.winBits) {
      if (eip + c.len - 1 > this.segLimit[CS]) { this.raise(GP, 0); return null; }
      return c;
    }
    return this.decodeAt(eip, la, pa, user);
  }

  private decodeAt(eip: number, la: number, pa: number, user: boolean): Compiled | null {
    const bytes = this.fetchBytes;
    const inPage = Math.min(15, 4096 - (la & 0xfff));
    for (let i = 0; i < inPage; i++) bytes[i] = this.memory.read8(pa + i);
    const bits = this.codeBits;
    let d = decode(bytes.subarray(0, inPage), 0, { bits, address: eip });
    let crosses = false;
    if (d.invalid && d.truncated && inPage < 15) {
      // The instruction continues on the next page: fetch it (a #PF here reports that page).
      const pa2 = this.translate((la + inPage) >>> 0, false, user);
      if (pa2 < 0) return null;
      for (let i = inPage; i < 15; i++) bytes[i] = this.memory.read8(pa2 + i - inPage);
      d = decode(bytes, 0, { bits, address: eip });
      crosses = true;
    }
    if (d.invalid) { this.raise(UD); return null; }
    if (eip + d.length - 1 > this.segLimit[CS]) { this.raise(GP, 0); return null; }
    const c = compile(d);
    c.exec = handlerFor(c);
    crosses ||= (la & 0xfff) + d.length > 4096;
    if (!crosses && this.memory.isRam(pa)) {
      this.code.insert(pa, c);
      // Stores over cached code must reach the code cache: data pages recorded narrower spans.
      this.dataPages.drop();
    }
    return c;
  }

  // ---- execution -------------------------------------------------------------------------

  /**
   * Executes one instruction, or delivers the exception it raised (then EIP is the handler's
   * first instruction, as a single step on hardware and in QEMU's gdbstub shows it).
   */
  step(): void {
    if (this.condition !== 'running') return;
    const eip = this.eip, cpl = this.cpl;
    this.fault = -1;
    const tf = (this.flags & TF) !== 0;
    const c = this.fetch();
    this.lastInstruction = c;
    if (c !== null) {
      this.interruptShadowNext = false;
      this.nextEip = (this.eip + c.len) >>> 0;
      if (c.bits === 16) this.nextEip &= 0xffff;
      c.exec(this, c);
    }
    if (this.fault >= 0) {
      deliverPendingFault(this);
    } else {
      this.eip = this.nextEip;
      this.instret++;
      this.interruptShadow = this.interruptShadowNext;
      this.flags &= ~RF;
      // Single-step trap after the instruction (SDM §17.3.1.4); not after one that loaded SS.
      if (tf && !this.interruptShadow && this.condition === 'running') {
        this.dr[6] |= 0x4000;
        deliverInterrupt(this, DB, 0, false, 'exception', this.eip, 'trap', eip);
        if (this.fault >= 0) deliverPendingFault(this);
      }
    }
    if (this.cpl !== cpl && this.hooks !== null) this.hooks.cplChanged(cpl, eip, false);
  }

  /**
   * Runs instructions as consecutive step() calls would until `instret` reaches `limit` or
   * `maxSteps` steps were taken (an exception delivery is a step), and stops early after a step
   * that accessed a port (devices may raise interrupts), changed `condition`, set IF while
   * `stopOnIf`, or during which requestStop() was called. Returns the steps taken. With
   * `mayStopEarly` (the limit only paces the caller, who will call again) it also stops, after at
   * least one step, before a block that does not fit what is left: the next call enters the block
   * instead of stepping into the middle of its loop, where another copy of the loop would be built.
   */
  run(limit: number, maxSteps: number, stopOnIf: boolean, mayStopEarly = false): number {
    let n = 0;
    this.runBreak = false;
    this.stoppedShort = false;
    const tlb = this.mmu.tlb;
    const versions = this.code.versions;
    const breakpoints = this.breakpoints;
    // Blocks end before any breakpoint but their first instruction (buildBlock), so this check
    // at each block start is instruction-exact.
    const armed = breakpoints.size > 0;
    while (this.instret < limit && n < maxSteps) {
      if (armed && n > 0 && breakpoints.has(this.eip)) break;
      if (mayStopEarly && n > 0) {
        const next = this.peekBlock();
        if (next !== null && next.instructions.length > Math.min(limit - this.instret, maxSteps - n)) { this.stoppedShort = true; break; }
      }
      if ((this.flags & TF) !== 0 || this.condition !== 'running') {
        n++;
        this.step();
      } else {
        // step() without the single-step trap (TF is clear).
        this.fault = -1;
        const c = this.fetch();
        this.lastInstruction = c;
        let b: Block | null = null;
        if (c !== null) {
          b = c.block;
          if (b === null && c.heat >= 0 && ++c.heat >= BLOCK_HEAT) b = this.blockAt(c);
          if (b !== null && (b.version !== versions[b.frame] || b.epoch !== breakpoints.epoch)) { c.block = b = null; c.heat = 0; }
        }
        // A block entered at another EIP than it was built for (the same code mapped twice) may
        // hold a breakpoint: its instructions go one at a time then.
        const budget = Math.min(limit - this.instret, maxSteps - n);
        if (b !== null && b.instructions.length <= budget && (!armed || b.entry === this.eip) &&
            (!b.bigStack || (this.segRights[SS] & SEG_BIG) !== 0) &&
            this.eip + b.low >= 0 && this.eip + b.high - 1 <= this.segLimit[CS] && !(stopOnIf && (this.flags & IF) !== 0)) {
          this.interruptShadowNext = false;
          const r = b.run(this, this.eip, this.winEntry, tlb, tlb.generation, versions, b.version, budget);
          const retired = r >= 0 ? r : ~r;
          if (retired > 0) {
            this.instret += retired;
            this.interruptShadow = false;
            this.flags &= ~RF;
          }
          if (r >= 0) {
            n += r;
            this.lastInstruction = b.instructions[(r - 1) % b.instructions.length];
          } else {
            n += retired + 1;
            this.lastInstruction = b.instructions[retired % b.instructions.length];
            // cpu.eip is the faulting instruction's (the block stored it before the access).
            const eip = this.eip, cpl = this.cpl;
            deliverPendingFault(this);
            if (this.cpl !== cpl && this.hooks !== null) this.hooks.cplChanged(cpl, eip, false);
          }
          if (this.runBreak || this.condition !== 'running') break;
          continue;
        }
        n++;
        const eip = this.eip, cpl = this.cpl;
        if (c !== null) {
          this.interruptShadowNext = false;
          this.nextEip = c.bits === 16 ? (this.eip + c.len) & 0xffff : (this.eip + c.len) >>> 0;
          c.exec(this, c);
        }
        if (this.fault >= 0) {
          deliverPendingFault(this);
        } else {
          this.eip = this.nextEip;
          this.instret++;
          this.interruptShadow = this.interruptShadowNext;
          this.flags &= ~RF;
        }
        if (this.cpl !== cpl && this.hooks !== null) this.hooks.cplChanged(cpl, eip, false);
      }
      if (this.runBreak || this.condition !== 'running' || (stopOnIf && (this.flags & IF) !== 0)) break;
    }
    return n;
  }

  /** The block cached at CS:EIP when the fetch window holds it, looked up without fetch()'s side effects (TLB touch, faults). */
  private peekBlock(): Block | null {
    const la = (this.segBase[CS] + this.eip) >>> 0;
    if ((la & ~0xfff) !== this.winLinear || this.winGeneration !== this.tlb.generation || this.cpl !== this.winCpl) return null;
    const c = this.winPage[la & 0xfff];
    return c === undefined ? null : c.block;
  }

  /** The block starting at `c`, which fetch() just returned from the window page, or null. */
  private blockAt(c: Compiled): Block | null {
    const off = (this.segBase[CS] + this.eip) & 0xfff;
    if (this.winPage[off] !== c) return null;
    const b = buildBlock(this.winPage, off, this.winFrame, this.code.versions[this.winFrame], this.eip, this.breakpoints);
    if (b === null) c.heat = -1;
    c.block = b;
    return b;
  }

  /** Ends the current run() after the instruction in progress (hooks, devices, debuggers). */
  requestStop(): void {
    this.runBreak = true;
  }

  /** Set by requestStop() and port accesses: blocks leave after the memory access that set it. */
  runBreak = false;
  /** The last run() stopped before a block that did not fit (`mayStopEarly`). */
  stoppedShort = false;
  /** REP string iterations performed since Machine.run last took them (execute.ts stringOp). */
  stringIterations = 0;
  interruptShadowNext = false;
  /** The instruction the last step() executed (null when its fetch faulted): for tracers. */
  lastInstruction: Compiled | null = null;

  /** True when an external interrupt may be taken before the next instruction. */
  get interruptible(): boolean {
    return (this.flags & IF) !== 0 && !this.interruptShadow;
  }

  /** Delivers external interrupt `vector` (from the PIC) before the next instruction. */
  externalInterrupt(vector: number): void {
    const eip = this.eip, cpl = this.cpl;
    this.fault = -1;
    this.condition = this.condition === 'halted' ? 'running' : this.condition;
    deliverInterrupt(this, vector, 0, false, 'external', this.eip);
    if (this.fault >= 0) deliverPendingFault(this);
    if (this.cpl !== cpl && this.hooks !== null) this.hooks.cplChanged(cpl, eip, true);
  }

  get pagingEnabled(): boolean { return (this.cr0 & CR0_PG) !== 0; }
  get direction(): number { return (this.flags & DF) !== 0 ? -1 : 1; }
}
