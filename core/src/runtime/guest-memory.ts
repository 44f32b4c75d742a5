// Debugger access to guest memory without side effects: linear (virtual) addresses go through
// mmu.probe() — no TLB fill, no A/D writes, no counters — and physical addresses straight to RAM.
// Also the page walk of one address step by step and the present entries of the paging structures.

import type { Machine } from '../machine/machine';
import { ACCESS_READ, PDE_PS, PTE_A, PTE_D, PTE_G, PTE_P, PTE_RW, PTE_US, CR4_PSE } from '../machine/mmu/paging-bits';

/** Bytes read; `length` < requested when a page is not mapped (the rest is missing, not zero). */
export interface MemoryRead {
  readonly address: number;
  readonly bytes: Uint8Array;
  /** First linear address that could not be translated, when the read stopped early. */
  readonly unmappedAt?: number;
}

export interface WalkStep {
  readonly level: 'pde' | 'pte';
  /** Physical address of the entry and its value. */
  readonly entryAddress: number;
  readonly entry: number;
  readonly present: boolean;
  readonly writable: boolean;
  readonly user: boolean;
  readonly accessed: boolean;
  readonly dirty: boolean;
  /** PDE with PS=1 and CR4.PSE=1: a 4 MiB page. */
  readonly large: boolean;
  readonly global: boolean;
}

export interface Translation {
  readonly linear: number;
  readonly pagingEnabled: boolean;
  readonly ok: boolean;
  /** Physical address when ok. */
  readonly physical?: number;
  /** #PF error code a supervisor read would get, when !ok. */
  readonly errorCode?: number;
  readonly steps: readonly WalkStep[];
}

export interface PagingEntryView {
  readonly index: number;
  /** Raw entry value and the physical address it was read from. */
  readonly entry: number;
  readonly address: number;
  /** Frame (4 KiB) or large-page base the entry points to. */
  readonly frame: number;
  readonly writable: boolean;
  readonly user: boolean;
  readonly accessed: boolean;
  readonly dirty: boolean;
  readonly global: boolean;
  readonly large: boolean;
  /** First linear address the entry maps. */
  readonly linear: number;
}

function step(level: 'pde' | 'pte', entryAddress: number, entry: number, pse: boolean): WalkStep {
  return {
    level, entryAddress, entry: entry >>> 0, present: (entry & PTE_P) !== 0, writable: (entry & PTE_RW) !== 0,
    user: (entry & PTE_US) !== 0, accessed: (entry & PTE_A) !== 0, dirty: (entry & PTE_D) !== 0,
    large: level === 'pde' && pse && (entry & PDE_PS) !== 0, global: (entry & PTE_G) !== 0,
  };
}

/** The page walk for `la` as a supervisor read would do it, without changing anything. */
export function translateLinear(machine: Machine, la: number): Translation {
  const linear = la >>> 0;
  if (!machine.mmu.pagingEnabled) return { linear, pagingEnabled: false, ok: true, physical: linear, steps: [] };
  const r = machine.mmu.probe(linear, ACCESS_READ);
  const pse = (machine.cpu.cr4 & CR4_PSE) !== 0;
  const steps = [step('pde', r.pdeAddress, r.pde, pse)];
  if (r.pteAddress >= 0) steps.push(step('pte', r.pteAddress, r.pte, pse));
  return r.ok
    ? { linear, pagingEnabled: true, ok: true, physical: r.pa, steps }
    : { linear, pagingEnabled: true, ok: false, errorCode: r.errorCode, steps };
}

/** Physical address of `la` or undefined when unmapped (no side effects). */
export function linearToPhysical(machine: Machine, la: number): number | undefined {
  if (!machine.mmu.pagingEnabled) return la >>> 0;
  const r = machine.mmu.probe(la >>> 0, ACCESS_READ);
  return r.ok ? r.pa : undefined;
}

export function readPhysical(machine: Machine, pa: number, length: number): MemoryRead {
  return { address: pa >>> 0, bytes: machine.memory.readBytes(pa >>> 0, Math.max(0, length)) };
}

export function readLinear(machine: Machine, la: number, length: number): MemoryRead {
  const out = new Uint8Array(Math.max(0, length));
  let done = 0;
  while (done < out.length) {
    const at = (la + done) >>> 0;
    const pa = linearToPhysical(machine, at);
    if (pa === undefined) return { address: la >>> 0, bytes: out.subarray(0, done), unmappedAt: at };
    const chunk = Math.min(4096 - (at & 0xfff), out.length - done);
    out.set(machine.memory.readBytes(pa, chunk), done);
    done += chunk;
  }
  return { address: la >>> 0, bytes: out };
}

/** Little-endian value of `size` bytes at linear `la`, or undefined when unmapped. */
export function readLinearValue(machine: Machine, la: number, size: 1 | 2 | 4): number | undefined {
  const r = readLinear(machine, la, size);
  if (r.bytes.length < size) return undefined;
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + r.bytes[i];
  return v;
}

export type MemoryWrite = { readonly ok: true; readonly written: number } | { readonly ok: false; readonly written: number; readonly message: string };

/**
 * Writes bytes as the debugger (not the guest): no permission checks, no A/D bits. The CPU's
 * decoded-instruction cache is dropped, since the bytes may be code.
 */
export function writeLinear(machine: Machine, la: number, data: Uint8Array): MemoryWrite {
  let done = 0;
  while (done < data.length) {
    const at = (la + done) >>> 0;
    const pa = linearToPhysical(machine, at);
    if (pa === undefined) {
      if (done > 0) machine.cpu.flushCodeCache();
      return { ok: false, written: done, message: `linear address 0x${at.toString(16)} is not mapped` };
    }
    const chunk = Math.min(4096 - (at & 0xfff), data.length - done);
    const room = Math.max(0, Math.min(chunk, machine.memory.sizeBytes - pa));
    machine.memory.writeBytes(pa, data.subarray(done, done + room));
    done += room;
    if (room < chunk) {
      machine.cpu.flushCodeCache();
      const where = machine.mmu.pagingEnabled ? `linear address 0x${((la + done) >>> 0).toString(16)} maps to physical 0x${(pa + room).toString(16)}, beyond` : `address 0x${(pa + room).toString(16)} is beyond`;
      return { ok: false, written: done, message: `${where} the end of physical memory (0x${machine.memory.sizeBytes.toString(16)})` };
    }
  }
  machine.cpu.flushCodeCache();
  return { ok: true, written: done };
}

export function writePhysical(machine: Machine, pa: number, data: Uint8Array): MemoryWrite {
  const room = Math.max(0, Math.min(data.length, machine.memory.sizeBytes - (pa >>> 0)));
  machine.memory.writeBytes(pa >>> 0, data.subarray(0, room));
  machine.cpu.flushCodeCache();
  return room === data.length ? { ok: true, written: room } : { ok: false, written: room, message: `physical memory ends at 0x${machine.memory.sizeBytes.toString(16)}` };
}

function entryView(index: number, address: number, entry: number, linear: number, large: boolean): PagingEntryView {
  return {
    index, entry: entry >>> 0, address, frame: (large ? entry & 0xffc0_0000 : entry & 0xffff_f000) >>> 0,
    writable: (entry & PTE_RW) !== 0, user: (entry & PTE_US) !== 0, accessed: (entry & PTE_A) !== 0,
    dirty: (entry & PTE_D) !== 0, global: (entry & PTE_G) !== 0, large, linear: linear >>> 0,
  };
}

/** Present entries of the page directory CR3 points to. */
export function pageDirectory(machine: Machine): PagingEntryView[] {
  const base = machine.cpu.cr3 & 0xffff_f000;
  const pse = (machine.cpu.cr4 & CR4_PSE) !== 0;
  const out: PagingEntryView[] = [];
  for (let i = 0; i < 1024; i++) {
    const address = (base + i * 4) >>> 0;
    const e = machine.memory.read32(address);
    if ((e & PTE_P) !== 0) out.push(entryView(i, address, e, i * 0x40_0000, pse && (e & PDE_PS) !== 0));
  }
  return out;
}

/** Present entries of the page table that directory entry `pdeIndex` points to (empty for a 4 MiB page). */
export function pageTable(machine: Machine, pdeIndex: number): PagingEntryView[] {
  const pde = machine.memory.read32(((machine.cpu.cr3 & 0xffff_f000) + (pdeIndex & 0x3ff) * 4) >>> 0);
  if ((pde & PTE_P) === 0 || ((machine.cpu.cr4 & CR4_PSE) !== 0 && (pde & PDE_PS) !== 0)) return [];
  const base = pde & 0xffff_f000;
  const out: PagingEntryView[] = [];
  for (let i = 0; i < 1024; i++) {
    const address = (base + i * 4) >>> 0;
    const e = machine.memory.read32(address);
    if ((e & PTE_P) !== 0) out.push(entryView(i, address, e, (pdeIndex & 0x3ff) * 0x40_0000 + i * 4096, false));
  }
  return out;
}
