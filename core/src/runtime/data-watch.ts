// Data breakpoints without cost when none are set, and little when some are: while any exists the
// CPU's dataWatch marks the linear pages and physical frames holding a watched byte, and every
// data access (operands, stack, string ops, descriptor tables, interrupt frames; instruction
// fetches are not data accesses) to a marked page that completes without a fault reaches check().
// A hit asks the machine to stop after the instruction, like a debug-register trap (SDM Vol. 3A
// §17.3.1.2); the block engine leaves a block right after the access.

import type { Machine } from '../machine/machine';
import { DataWatchPages } from '../machine/cpu/hooks';
import { dataBreakpointMatches, type DataBreakpoint } from './breakpoints';
import { linearToPhysical } from './guest-memory';

export interface DataHit {
  readonly breakpoint: DataBreakpoint;
  readonly linear: number;
  readonly physical: number | undefined;
  readonly size: number;
  readonly write: boolean;
  readonly eip: number;
}

export class DataWatch {
  private breakpoints: readonly DataBreakpoint[] = [];
  /** Hits of the instruction that just ran (cleared by the session when it consumes them). */
  readonly hits: DataHit[] = [];

  constructor(private readonly machine: Machine) {}

  get watched(): readonly DataBreakpoint[] {
    return this.breakpoints;
  }

  set(breakpoints: readonly DataBreakpoint[]): void {
    this.breakpoints = breakpoints;
    const cpu = this.machine.cpu;
    if (breakpoints.length === 0) { cpu.dataWatch = null; return; }
    const pages = new DataWatchPages((la, size, write) => this.check(la, size, write), this.machine.memory.frameCount);
    for (const bp of breakpoints) {
      if (bp.space === 'physical') pages.watchPhysical(bp.start, bp.end);
      else pages.watchLinear(bp.start, bp.end);
    }
    cpu.dataWatch = pages;
  }

  private check(la: number, size: number, write: boolean): void {
    let physical: number | undefined;
    let physicalKnown = false;
    for (const bp of this.breakpoints) {
      let address = la;
      if (bp.space === 'physical') {
        if (!physicalKnown) { physical = linearToPhysical(this.machine, la); physicalKnown = true; }
        if (physical === undefined) continue;
        address = physical;
      }
      if (!dataBreakpointMatches(bp, address, size, write)) continue;
      if (!physicalKnown) { physical = linearToPhysical(this.machine, la); physicalKnown = true; }
      this.hits.push({ breakpoint: bp, linear: la, physical, size, write, eip: this.machine.cpu.eip >>> 0 });
      this.machine.requestStop();
    }
  }
}
