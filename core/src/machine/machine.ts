// A runnable PC (DESIGN.md §3): physical RAM, MMU, the IA-32 CPU, the port bus with the 16550
// UART at COM1, the 8259A pair, the 8254 PIT and isa-debug-exit, loaded like QEMU's -kernel.
// run() executes up to a budget of instructions in batches between device checks on the CPU's
// block engine (Cpu.run; instruction breakpoints included), or one step at a time when a step
// observer watches, and returns why it stopped, as a value.

import { PhysicalMemory } from './memory/physical-memory';
import { Mmu } from './mmu/mmu';
import type { TlbShape } from './mmu/tlb';
import { PortBus, type PortAccessSize } from './io/port-bus';
import { IrqLine } from './io/irq-line';
import { Uart16550, COM1_BASE, COM1_IRQ } from './devices/uart16550';
import { DualPic, PIC_MASTER_BASE, PIC_SLAVE_BASE } from './devices/pic8259';
import { Pit8254, PIT_BASE, PIT_IRQ } from './devices/pit8254';
import { DebugExit, DEBUG_EXIT_BASE, DEBUG_EXIT_PORTS } from './devices/debug-exit';
import { SerialTranscript } from './devices/serial-transcript';
import { loadMultiboot, type MultibootLoaded } from './loader/multiboot';
import type { InitialCpuState } from './loader/initial-state';
import { Cpu } from './cpu/cpu';
import { describeShutdown, VECTOR_NAMES, type ShutdownFault } from './cpu/exceptions';
import { IF as EFLAGS_IF } from './cpu/eflags';
import { REP_CHUNK } from './cpu/execute';

export const DEFAULT_MEMORY_BYTES = 32 << 20;

/** Why run() returned. */
export type StopStatus =
  | { readonly reason: 'debug-exit'; readonly value: number; readonly exitCode: number; readonly instructions: number }
  /** HLT with IF=0 (nothing can wake the CPU), or with IF=1 and no interrupt source armed. */
  | { readonly reason: 'halted'; readonly eip: number; readonly instructions: number }
  /** A fault while delivering #DF: the processor shut down (QEMU -no-reboot exits here). */
  | { readonly reason: 'triple-fault'; readonly eip: number; readonly instructions: number; readonly faults: readonly ShutdownFault[] }
  | { readonly reason: 'budget'; readonly instructions: number }
  /** The next instruction is at one of RunControl.breakpoints (it has not executed). */
  | { readonly reason: 'breakpoint'; readonly eip: number; readonly instructions: number }
  /** RunControl.observer or requestStop() asked to stop. */
  | { readonly reason: 'requested'; readonly eip: number; readonly instructions: number };

/**
 * Watches execution one step at a time (the runtime's stepping); absent, nothing is checked and
 * the CPU runs blocks. Deliveries, CPL changes and data accesses reach a debugger through
 * cpu.hooks and cpu.dataWatch instead, at no cost per instruction.
 */
export interface StepObserver {
  /**
   * After each step — an instruction retired, or the exception it raised was delivered instead —
   * and after each external interrupt the run loop delivers (`external` true). True stops the run.
   */
  afterStep(external: boolean): boolean;
}

/** What run() checks besides its budget; the empty default costs nothing per instruction. */
export interface RunControl {
  /**
   * EIP values to stop at before executing; null or empty: no check at all. Read at each run():
   * the CPU's blocks are rebuilt around them when they changed.
   */
  readonly breakpoints?: ReadonlySet<number> | null;
  /** Do not check breakpoints for the first instruction (resuming from one). */
  readonly resume?: boolean;
  /**
   * The budget only paces the caller, who calls again for the rest: the run may end a few
   * instructions short of it (status 'budget'), before a block that would not fit.
   */
  readonly paced?: boolean;
  readonly observer?: StepObserver | null;
  /**
   * A pending interrupt is not taken (it waits for a run without this) unless the CPU is halted,
   * which only an interrupt wakes: a debugger's single steps, as QEMU's gdbstub steps by default
   * (`qqemu.sstep` 0x7: NOIRQ), do not enter interrupt handlers.
   */
  readonly holdInterrupts?: boolean;
}

const NO_CONTROL: RunControl = {};

/**
 * Longest stretch of instructions between two looks at the devices. Batches also end at the PIT's
 * next IRQ 0 edge and after any port access, so interrupts are taken at the same instruction as
 * with a per-instruction check.
 */
const MAX_BATCH = 1 << 16;

/** The port bus, noting any access so the run loop can end its batch (devices may raise IRQs). */
class BatchedPortBus extends PortBus {
  accessed = false;

  override read(port: number, size: PortAccessSize): number {
    this.accessed = true;
    return super.read(port, size);
  }

  override write(port: number, size: PortAccessSize, value: number): void {
    this.accessed = true;
    super.write(port, size, value);
  }
}

export interface MachineOptions {
  readonly memoryBytes?: number;
  /** Called with every byte the guest sends to COM1. */
  readonly serialOut?: (byte: number) => void;
  readonly tlbShape?: TlbShape;
}

export class Machine {
  readonly memory: PhysicalMemory;
  readonly mmu: Mmu;
  readonly ports: PortBus;
  private readonly bus = new BatchedPortBus();
  private stopRequested = false;
  readonly pic: DualPic;
  readonly pit: Pit8254;
  readonly uart: Uart16550;
  readonly debugExit = new DebugExit();
  readonly cpu: Cpu;
  /** How much the guest wrote to COM1, and the last of it (each byte also goes to serialOut as written). */
  readonly serial = new SerialTranscript();

  constructor(options: MachineOptions = {}) {
    this.memory = new PhysicalMemory(options.memoryBytes ?? DEFAULT_MEMORY_BYTES);
    this.mmu = new Mmu(this.memory, options.tlbShape);
    this.ports = this.bus;
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

  /** Ends the current run() after the instruction in progress (callable from hooks and devices). */
  requestStop(): void {
    this.stopRequested = true;
    this.bus.accessed = true;
    this.cpu.requestStop();
  }

  /**
   * Runs until the guest exits through isa-debug-exit, halts for good, triple-faults, stops at a
   * breakpoint or on request, or `maxInstructions` more instructions retire. Time (the PIT)
   * advances with retired instructions. Exception deliveries that retire nothing, and each
   * iteration of a REP string instruction, also count against a step budget of twice the
   * instructions, so neither a fault storm nor REP with a huge ECX can hang the host.
   */
  run(maxInstructions: number, control: RunControl = NO_CONTROL): StopStatus {
    const cpu = this.cpu;
    const pic = this.pic;
    const end = cpu.instret + Math.max(0, Math.floor(maxInstructions));
    const breakpoints = control.breakpoints !== undefined && control.breakpoints !== null && control.breakpoints.size > 0 ? control.breakpoints : null;
    const observer = control.observer ?? null;
    let checkBreakpoint = control.resume !== true;
    let steps = 2 * (end - cpu.instret) + 1024;
    this.stopRequested = false;
    cpu.stringIterations = 0;
    cpu.breakpoints.sync(breakpoints);
    for (;;) {
      const req = this.debugExit.request;
      if (req !== null) return { reason: 'debug-exit', value: req.value, exitCode: req.exitCode, instructions: cpu.instret };
      if (cpu.condition === 'shutdown') return { reason: 'triple-fault', eip: cpu.eip, instructions: cpu.instret, faults: cpu.shutdownFaults };
      if (this.stopRequested) return { reason: 'requested', eip: cpu.eip, instructions: cpu.instret };
      if (cpu.instret >= end || steps <= 0) return { reason: 'budget', instructions: cpu.instret };
      const pending = pic.hasInterrupt() && (control.holdInterrupts !== true || cpu.condition === 'halted');
      if (pending && cpu.interruptible) {
        cpu.externalInterrupt(pic.acknowledge());
        if (observer !== null && observer.afterStep(true)) this.stopRequested = true;
        continue;
      }
      if (cpu.condition === 'halted') {
        // Nothing but an interrupt wakes a halted CPU: skip time to the PIT's next edge if it can.
        const wait = cpu.interruptible ? this.pit.instructionsUntilIrq0() : Infinity;
        if (wait === Infinity) return { reason: 'halted', eip: cpu.eip, instructions: cpu.instret };
        const skip = Math.min(Math.max(1, wait), end - cpu.instret);
        this.pit.advance(skip);
        cpu.instret += skip;
        continue;
      }
      if (breakpoints !== null && checkBreakpoint && breakpoints.has(cpu.eip)) {
        return { reason: 'breakpoint', eip: cpu.eip, instructions: cpu.instret };
      }
      checkBreakpoint = true;
      let limit = Math.min(end, cpu.instret + MAX_BATCH);
      const wait = this.pit.instructionsUntilIrq0();
      if (wait !== Infinity) limit = Math.min(limit, cpu.instret + Math.max(1, wait));
      // A batch may end early unless it must end exactly: at the budget (unless paced) or at IRQ 0.
      const exact = (limit === end && control.paced !== true) || (wait !== Infinity && limit === cpu.instret + Math.max(1, wait));
      // With an interrupt waiting for IF, the batch ends when IF is set (STI, POPF, IRET).
      const start = cpu.instret;
      this.bus.accessed = false;
      if (observer === null) steps -= cpu.run(limit, steps, pending, !exact);
      else steps -= this.runWatchedBatch(limit, steps, pending, breakpoints, observer);
      steps -= cpu.stringIterations;
      cpu.stringIterations = 0;
      this.pit.advance(cpu.instret - start);
      // A paced run ends before a block that does not fit the rest of its budget: the caller's next
      // run enters it whole.
      if (observer === null && cpu.stoppedShort && limit === end) return { reason: 'budget', instructions: cpu.instret };
    }
  }

  /**
   * Cpu.run's loop one step() at a time, checking breakpoints before and the observer after every
   * instruction. Returns the steps taken.
   */
  private runWatchedBatch(limit: number, steps: number, waitForIf: boolean, breakpoints: ReadonlySet<number> | null, observer: StepObserver | null): number {
    const cpu = this.cpu;
    const bus = this.bus;
    let n = 0;
    while (cpu.instret < limit && n < steps) {
      // The first instruction of a batch was checked (or skipped on resume) by run().
      if (n > 0 && breakpoints !== null && breakpoints.has(cpu.eip)) break;
      cpu.lastVector = -1;
      cpu.step();
      n++;
      if (observer !== null && observer.afterStep(false)) { this.requestStop(); break; }
      if (bus.accessed || cpu.condition !== 'running' || (waitForIf && (cpu.flags & EFLAGS_IF) !== 0) || cpu.stringIterations >= REP_CHUNK) break;
    }
    return n;
  }

  /** A short text for a stop status (CLI and test messages). */
  static describe(status: StopStatus): string {
    switch (status.reason) {
      case 'debug-exit': return `debug-exit value ${status.value} (exit code ${status.exitCode}) after ${status.instructions} instructions`;
      case 'halted': return `halted at eip 0x${status.eip.toString(16)}`;
      case 'triple-fault': return `triple fault at eip 0x${status.eip.toString(16)} (${describeShutdown(status.faults)})`;
      case 'breakpoint': return `breakpoint at eip 0x${status.eip.toString(16)}`;
      case 'requested': return `stopped at eip 0x${status.eip.toString(16)}`;
      default: return `instruction budget exhausted (${status.instructions})`;
    }
  }
}

export { VECTOR_NAMES };
