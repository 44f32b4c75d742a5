// Whole-machine snapshots for restart (and later reverse debugging): CPU registers copied field by
// field, RAM as a copy-on-write MemorySnapshot (cost ∝ frames written since the last snapshot),
// device states as the devices' own records, and how much COM1 output existed.

import type { Machine } from '../machine/machine';
import type { MemorySnapshot } from '../machine/memory/snapshot';
import type { DebugExitRequest } from '../machine/devices/debug-exit';
import type { TlbCounters } from '../machine/mmu/tlb';
import type { MmuCounters } from '../machine/mmu/mmu';

type CpuValue = number | boolean | string | Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

export interface MachineSnapshot {
  readonly memory: MemorySnapshot;
  /** The CPU's scalar and typed-array fields (registers, flags, segments, system registers, clock). */
  readonly cpu: ReadonlyMap<string, CpuValue>;
  readonly pic: unknown;
  readonly pit: unknown;
  readonly uart: unknown;
  readonly debugExit: DebugExitRequest | null;
  readonly serialLength: number;
  /** The TLB's and page walker's counters, so a restore shows them as they were (the TLB itself is emptied). */
  readonly tlbCounters: TlbCounters;
  readonly mmuCounters: MmuCounters;
}

function isTypedArray(v: unknown): v is Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array {
  return v instanceof Int32Array || v instanceof Uint32Array || v instanceof Uint16Array || v instanceof Uint8Array || v instanceof Float64Array;
}

/**
 * The CPU's architectural state is every own field holding a number, boolean, string or a small
 * typed array (registers); object fields (memory, MMU, ports, the decoded-instruction cache) are
 * wiring or caches. Reading the fields generically keeps snapshots right as the CPU gains state.
 */
const CPU_CACHES = new Set(['codeFrames', 'fetchBytes']);

export function takeSnapshot(machine: Machine): MachineSnapshot {
  const cpu = new Map<string, CpuValue>();
  for (const [key, value] of Object.entries(machine.cpu)) {
    if (CPU_CACHES.has(key)) continue;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') cpu.set(key, value);
    else if (isTypedArray(value)) cpu.set(key, value.slice());
  }
  return {
    memory: machine.memory.snapshot(),
    cpu,
    pic: machine.pic.saveState(),
    pit: machine.pit.saveState(),
    uart: machine.uart.saveState(),
    debugExit: machine.debugExit.request,
    serialLength: machine.serial.length,
    tlbCounters: { ...machine.mmu.tlb.counters },
    mmuCounters: { ...machine.mmu.counters },
  };
}

export function restoreSnapshot(machine: Machine, snap: MachineSnapshot): void {
  machine.memory.restore(snap.memory);
  const target = machine.cpu as unknown as Record<string, CpuValue>;
  for (const [key, value] of snap.cpu) {
    const current = target[key];
    if (isTypedArray(current) && isTypedArray(value)) current.set(value);
    else target[key] = value;
  }
  const cpu = machine.cpu;
  // RAM changed behind the CPU's back: decoded code and translations may be stale (a TLB flush
  // is something hardware may do at any time, so it is always a correct restore). The guest did
  // not flush it, so the counters come back as they were, with no flush counted or reported.
  cpu.flushCodeCache();
  machine.mmu.loadControls(cpu.cr0, cpu.cr3, cpu.cr4);
  Object.assign(machine.mmu.tlb.counters, snap.tlbCounters);
  Object.assign(machine.mmu.counters, snap.mmuCounters);
  machine.pic.loadState(snap.pic);
  machine.pit.loadState(snap.pit);
  machine.uart.loadState(snap.uart);
  machine.debugExit.request = snap.debugExit;
  machine.serial.truncate(snap.serialLength);
}
