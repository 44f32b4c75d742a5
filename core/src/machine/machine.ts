// A runnable PC (DESIGN.md §3): physical RAM, MMU, the IA-32 CPU, the port bus with the 16550
// UART at COM1, the 8259A pair, the 8254 PIT and isa-debug-exit, loaded like QEMU's -kernel.
// run() executes up to a budget of instructions and returns why it stopped, as a value.

import { PhysicalMemory } from './memory/physical-memory';
import { Mmu } from './mmu/mmu';
import { PortBus } from './io/port-bus';
import { IrqLine } from './io/irq-line';
import { Uart16550, COM1_BASE, COM1_IRQ } from './devices/uart16550';
import { DualPic, PIC_MASTER_BASE, PIC_SLAVE_BASE } from './devices/pic8259';
import { Pit8254, PIT_BASE, PIT_IRQ } from './devices/pit8254';
import { DebugExit, DEBUG_EXIT_BASE, DEBUG_EXIT_PORTS } from './devices/debug-exit';
import { loadMultiboot, type MultibootLoaded } from './loader/multiboot';
import type { InitialCpuState } from './loader/initial-state';
import { Cpu } from './cpu/cpu';
import { VECTOR_NAMES } from './cpu/exceptions';

export const DEFAULT_MEMORY_BYTES = 32 << 20;

/** Why run() returned. */
export type StopStatus =
  | { readonly reason: 'debug-exit'; readonly value: number; readonly exitCode: number; readonly instructions: number }
  /** HLT with IF=0 (nothing can wake the CPU), or with IF=1 and no interrupt source armed. */
  | { readonly reason: 'halted'; readonly eip: number; readonly instructions: number }
  /** A fault while delivering #DF: the processor shut down (QEMU -no-reboot exits here). */
  | { readonly reason: 'triple-fault'; readonly eip: number; readonly instructions: number }
  | { readonly reason: 'budget'; readonly instructions: number };

export interface MachineOptions {
  readonly memoryBytes?: number;
  /** Called with every byte the guest sends to COM1. */
  readonly serialOut?: (byte: number) => void;
}

export class Machine {
  readonly memory: PhysicalMemory;
  readonly mmu: Mmu;
  readonly ports = new PortBus();
  readonly pic: DualPic;
  readonly pit: Pit8254;
  readonly uart: Uart16550;
  readonly debugExit = new DebugExit();
  readonly cpu: Cpu;
  /** Bytes the guest wrote to COM1 (also passed to serialOut). */
  readonly serial: number[] = [];

  constructor(options: MachineOptions = {}) {
    this.memory = new PhysicalMemory(options.memoryBytes ?? DEFAULT_MEMORY_BYTES);
    this.mmu = new Mmu(this.memory);
    this.pic = new DualPic();
    this.pit = new Pit8254(new IrqLine(this.pic, PIT_IRQ));
    const out = options.serialOut;
    this.uart = new Uart16550(COM1_BASE, new IrqLine(this.pic, COM1_IRQ), (b) => { this.serial.push(b); out?.(b); });
    this.ports.register(PIC_MASTER_BASE, 2, this.pic);
    this.ports.register(PIC_SLAVE_BASE, 2, this.pic);
    this.ports.register(PIT_BASE, 4, this.pit);
    this.ports.register(COM1_BASE, 8, this.uart);
    this.ports.register(DEBUG_EXIT_BASE, DEBUG_EXIT_PORTS, this.debugExit);
    this.cpu = new Cpu(this.memory, this.mmu, this.ports);
  }

  /** A machine with a multiboot (a.out kludge) image loaded as QEMU's -kernel would, or the loader's error. */
  static fromMultiboot(image: Uint8Array, options: MachineOptions & { kernelName?: string; commandLine?: string } = {}):
    { ok: true; machine: Machine; loaded: MultibootLoaded } | { ok: false; message: string; offset?: number } {
    const machine = new Machine(options);
    const loaded = loadMultiboot(image, machine.memory, { kernelName: options.kernelName ?? 'kernel', commandLine: options.commandLine });
    if (!loaded.ok) return { ok: false, message: loaded.message, offset: loaded.offset };
    machine.cpu.reset(loaded.state);
    return { ok: true, machine, loaded };
  }

  /** A machine with raw bytes at physical `address` and the CPU in `state`. */
  static fromImage(image: Uint8Array, address: number, state: InitialCpuState, options: MachineOptions = {}): Machine {
    const machine = new Machine(options);
    machine.memory.writeBytes(address, image);
    machine.cpu.reset(state);
    return machine;
  }

  get instructions(): number {
    return this.cpu.instret;
  }

  /**
   * Runs until the guest exits through isa-debug-exit, halts for good, triple-faults, or
   * `maxInstructions` more instructions retire. Time (the PIT) advances with instructions.
   */
  run(maxInstructions: number): StopStatus {
    const cpu = this.cpu;
    const end = cpu.instret + maxInstructions;
    while (cpu.instret < end) {
      if (this.debugExit.request !== null) break;
      if (cpu.condition === 'shutdown') return { reason: 'triple-fault', eip: cpu.eip, instructions: cpu.instret };
      if (cpu.interruptible && this.pic.hasInterrupt()) cpu.externalInterrupt(this.pic.acknowledge());
      if (cpu.condition === 'halted') {
        // Nothing but an interrupt wakes a halted CPU: skip time to the PIT's next edge if it can.
        const wait = cpu.interruptible ? this.pit.instructionsUntilIrq0() : Infinity;
        if (wait === Infinity || cpu.instret + wait > end) {
          if (wait === Infinity) return { reason: 'halted', eip: cpu.eip, instructions: cpu.instret };
          this.pit.advance(end - cpu.instret);
          cpu.instret = end;
          break;
        }
        this.pit.advance(Math.max(1, wait));
        cpu.instret += Math.max(1, wait);
        continue;
      }
      const before = cpu.instret;
      cpu.step();
      this.pit.advance(cpu.instret - before);
    }
    const req = this.debugExit.request;
    if (req !== null) return { reason: 'debug-exit', value: req.value, exitCode: req.exitCode, instructions: cpu.instret };
    if (cpu.condition === 'shutdown') return { reason: 'triple-fault', eip: cpu.eip, instructions: cpu.instret };
    return { reason: 'budget', instructions: cpu.instret };
  }

  /** A short text for a stop status (CLI and test messages). */
  static describe(status: StopStatus): string {
    switch (status.reason) {
      case 'debug-exit': return `debug-exit value ${status.value} (exit code ${status.exitCode}) after ${status.instructions} instructions`;
      case 'halted': return `halted at eip 0x${status.eip.toString(16)}`;
      case 'triple-fault': return `triple fault at eip 0x${status.eip.toString(16)}`;
      default: return `instruction budget exhausted (${status.instructions})`;
    }
  }
}

export { VECTOR_NAMES };
