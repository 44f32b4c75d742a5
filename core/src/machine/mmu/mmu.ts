// The CPU's view of linear-to-physical translation: paging controls from CR0/CR3/CR4, the TLB
// consulted first, the page walk on a miss, and #PF reported as a value (address and error code),
// never thrown. TLB invalidation follows SDM Vol. 3A §4.10.4.1.

import type { PhysicalAccess } from '../memory/physical-memory';
import { CR0_PG, CR0_WP, CR4_PGE, CR4_PSE, PF_P, accessErrorBits, permittedAccesses, ACCESS_READ } from './paging-bits';
import { WalkResult, walkPageTables, type PagingControls } from './page-walker';
import { Tlb, DEFAULT_TLB_SHAPE, type TlbShape } from './tlb';

/** translate() result meaning "page fault": details in faultAddress / faultErrorCode. */
export const TRANSLATION_FAULT = -1;

export interface MmuCounters {
  walks: number;
  /** Memory references made by page walks (entry reads and A/D write-backs). */
  walkReferences: number;
  pageFaults: number;
}

export class Mmu {
  readonly tlb: Tlb;
  readonly counters: MmuCounters = { walks: 0, walkReferences: 0, pageFaults: 0 };
  /** Linear address of the last #PF; the CPU loads it into CR2 when delivering the fault. */
  faultAddress = 0;
  /** Error code of the last #PF, pushed by the CPU (SDM §4.7). */
  faultErrorCode = 0;
  private readonly controls: PagingControls = { cr3: 0, wp: false, pse: false, pge: false };
  private paging = false;
  private cr0 = 0;
  private cr4 = 0;
  private readonly walk = new WalkResult();

  constructor(private readonly memory: PhysicalAccess, tlbShape: TlbShape = DEFAULT_TLB_SHAPE) {
    this.tlb = new Tlb(tlbShape);
  }

  get pagingEnabled(): boolean {
    return this.paging;
  }

  get cr3(): number {
    return this.controls.cr3;
  }

  /** MOV to CR0 (and LMSW/CLTS results): PG 1→0 flushes everything; WP only changes checks. */
  setCr0(value: number): void {
    const old = this.cr0;
    this.cr0 = value >>> 0;
    this.paging = (value & CR0_PG) !== 0;
    const wp = (value & CR0_WP) !== 0;
    if ((old & CR0_PG) !== 0 && !this.paging) this.tlb.flushVpid();
    // Caches in front of the TLB hold identity translations while paging is off.
    this.tlb.generation++;
    if (wp !== this.controls.wp) {
      this.controls.wp = wp;
      this.tlb.applyWriteProtect(wp);
    }
  }

  /**
   * MOV to CR3 (and task switches that change it): drops all non-global entries. Without CR4.PGE
   * no page is global (SDM Vol. 3A §4.10.2.4), so that is every entry: counted as a full flush.
   */
  setCr3(value: number): void {
    this.controls.cr3 = value >>> 0;
    if (this.controls.pge) this.tlb.flushNonGlobal();
    else this.tlb.flushVpid();
  }

  /** MOV to CR4: a change of PGE drops every entry, global ones included. */
  setCr4(value: number): void {
    const old = this.cr4;
    this.cr4 = value >>> 0;
    this.controls.pse = (value & CR4_PSE) !== 0;
    this.controls.pge = (value & CR4_PGE) !== 0;
    if (((old ^ value) & CR4_PGE) !== 0) this.tlb.flushVpid();
    this.tlb.generation++;
  }

  /**
   * Loads CR0, CR3 and CR4 as a boot loader or a snapshot restore does: the TLB starts empty and no
   * flush is counted or reported, since no guest operation of SDM Vol. 3A §4.10.4.1 ran.
   */
  loadControls(cr0: number, cr3: number, cr4: number): void {
    this.cr0 = cr0 >>> 0;
    this.cr4 = cr4 >>> 0;
    this.paging = (cr0 & CR0_PG) !== 0;
    this.controls.cr3 = cr3 >>> 0;
    this.controls.wp = (cr0 & CR0_WP) !== 0;
    this.controls.pse = (cr4 & CR4_PSE) !== 0;
    this.controls.pge = (cr4 & CR4_PGE) !== 0;
    this.tlb.clear();
  }

  /**
   * After a successful translate() of `la` to RAM: the TLB entry now holding its page (-1 with
   * paging off), which a cache in front of the TLB may use while tlb.generation is unchanged.
   */
  entryFor(la: number): number {
    return this.paging ? this.tlb.find(la) : -1;
  }

  /** INVLPG m: drops the entries for the page holding `la` (global ones too). */
  invlpg(la: number): void {
    this.tlb.invalidatePage(la);
  }

  /**
   * Physical address for linear address `la` and one ACCESS_* kind, or TRANSLATION_FAULT with
   * faultAddress/faultErrorCode set. The TLB hit is the whole fast path.
   */
  translate(la: number, access: number): number {
    if (!this.paging) return la >>> 0;
    const pa = this.tlb.lookup(la, access);
    return pa >= 0 ? pa : this.translateSlow(la, access);
  }

  /** Walk without side effects (no A/D writes, no TLB fill, no counters): for debugger views. */
  probe(la: number, access: number = ACCESS_READ): WalkResult {
    return walkPageTables(this.memory, { ...this.controls }, la >>> 0, access, new WalkResult(), false);
  }

  resetCounters(): void {
    this.counters.walks = this.counters.walkReferences = this.counters.pageFaults = 0;
    this.tlb.resetCounters();
  }

  private translateSlow(la: number, access: number): number {
    const tlb = this.tlb;
    const index = tlb.find(la);
    if (index >= 0) {
      tlb.countHit(index);
      // A stale entry's rights still apply: the access faults on what the TLB holds (§4.10.4.3);
      // the only case that walks is the first write through a clean entry, to set D (§4.8).
      if ((permittedAccesses(tlb.entryUser(index), tlb.entryWritable(index), this.controls.wp) & access) === 0) {
        return this.pageFault(la, accessErrorBits(access) | PF_P);
      }
    } else {
      tlb.countMiss();
    }
    const r = walkPageTables(this.memory, this.controls, la >>> 0, access, this.walk);
    this.counters.walks++;
    this.counters.walkReferences += r.references;
    if (!r.ok) return this.pageFault(la, r.errorCode);
    // Device memory is never cached: every access to it must reach the device model.
    if (this.memory.isRam(r.frameBase)) {
      tlb.fill(la, r.frameBase, r.user, r.writable, r.dirty, r.global, r.large, this.controls.wp);
    }
    return r.pa;
  }

  /** A #PF also drops the TLB entries for the faulting page (§4.10.4.1), so a retry walks. */
  private pageFault(la: number, errorCode: number): number {
    this.tlb.invalidateFaultingPage(la);
    this.faultAddress = la >>> 0;
    this.faultErrorCode = errorCode;
    this.counters.pageFaults++;
    return TRANSLATION_FAULT;
  }
}
