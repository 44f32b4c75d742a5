// Data breakpoints without cost when none are set: while any exists, the session wraps this CPU
// instance's readLinear/writeLinear (every data access — operands, stack, string ops, descriptor
// tables and interrupt frames — goes through them; instruction fetches do not), records a hit
// when an access completes without a fault, and asks the machine to stop after the instruction,
// like a debug-register trap (SDM Vol. 3A §17.3.1.2). Removing the last one restores the methods.

import type { Machine } from '../machine/machine';
import type { Cpu } from '../machine/cpu/cpu';
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
  private installed = false;
  /** Hits of the instruction that just ran (cleared by the session when it consumes them). */
  readonly hits: DataHit[] = [];

  constructor(private readonly machine: Machine) {}

  set(breakpoints: readonly DataBreakpoint[]): void {
    this.breakpoints = breakpoints;
    if (breakpoints.length > 0 && !this.installed) this.install();
    else if (breakpoints.length === 0 && this.installed) this.uninstall();
  }

  private install(): void {
    const cpu = this.machine.cpu;
    const proto = Object.getPrototypeOf(cpu) as Cpu;
    const read = proto.readLinear;
    const write = proto.writeLinear;
    cpu.readLinear = (la: number, size: number, user: boolean): number => {
      const v = read.call(cpu, la, size, user);
      if (cpu.fault < 0) this.check(la >>> 0, size, false);
      return v;
    };
    cpu.writeLinear = (la: number, size: number, v: number, user: boolean): void => {
      write.call(cpu, la, size, v, user);
      if (cpu.fault < 0) this.check(la >>> 0, size, true);
    };
    this.installed = true;
  }

  private uninstall(): void {
    const cpu = this.machine.cpu as unknown as Record<string, unknown>;
    delete cpu.readLinear;
    delete cpu.writeLinear;
    this.installed = false;
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
