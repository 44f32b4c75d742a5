// The runtime's typed event stream (DESIGN.md §4, §5): every stop, output, exception, interrupt,
// ring transition and TLB flush as one plain record carrying the context fields the hypervisor's
// events reuse (VM, vCPU, technique, guest EIP, virtual and real CPL, instruction text, cost).

import type { Technique } from '../isa/types';
import { describeShutdown, type ShutdownFault } from '../machine/cpu/exceptions';

/** Fields every event carries. Native runs have one VM (0) and one vCPU (0). */
export interface EventContext {
  readonly vm: number;
  readonly vcpu: number;
  readonly technique: Technique;
  /** EIP of the instruction the event is about (for stops: the next instruction). */
  readonly guestEip: number;
  /** CPL the guest believes it runs at, and the CPL the real CPU runs it at (equal when native). */
  readonly virtualCpl: number;
  readonly realCpl: number;
  /** The instruction in NASM syntax, when the event is about one. */
  readonly instruction?: string;
  /** Cycles the cost model charges; only set by a VMM that models costs, never for native runs. */
  readonly costCycles?: number;
  /** Instructions retired so far: the machine's clock. */
  readonly instructions: number;
}

export type StopReason =
  | 'entry' | 'step' | 'breakpoint' | 'data-breakpoint' | 'exception' | 'ring-transition'
  | 'triple-fault' | 'pause' | 'goto' | 'budget' | 'halted' | 'exited';

export interface StoppedEvent extends EventContext {
  readonly kind: 'stopped';
  readonly reason: StopReason;
  /** Human-readable detail ("#PF error 0x2 at cr2 0x80000000", "write to 0x1000 (4 bytes)"). */
  readonly description: string;
  /** Breakpoint ids that caused the stop (address or data breakpoints). */
  readonly breakpointIds?: readonly number[];
  /** Exception vector for 'exception' stops. */
  readonly vector?: number;
  /**
   * Why the condition of what stopped could not be evaluated there, when it could not: such a
   * condition stops (gdb: "Error in testing breakpoint condition", and it stops), and says why.
   */
  readonly conditionError?: string;
  /** Exit value for 'exited' (the value the guest wrote to isa-debug-exit). */
  readonly exitValue?: number;
}

/**
 * Bytes the guest wrote to COM1 (category 'serial'), a log point's message ('log'), or a word from
 * the runtime to whoever watches ('note': the guest sleeps until COM1 input comes).
 */
export interface OutputEvent extends EventContext {
  readonly kind: 'output';
  readonly category: 'serial' | 'log' | 'note';
  readonly text: string;
}

/** A CPU exception delivered through the IDT (SDM Vol. 3A §6.3, Table 6-1). */
export interface ExceptionEvent extends EventContext {
  readonly kind: 'exception';
  /** The Intel vector number and its mnemonic (#GP, #PF, ...). */
  readonly vector: number;
  readonly name: string;
  /** Error code pushed with the exception, when the vector has one. */
  readonly errorCode?: number;
  /** Exit qualification-like detail: the faulting linear address (CR2) for #PF. */
  readonly qualification?: number;
  /** 'fault': the instruction did not complete; 'trap': reported after it (int3, into, single step). */
  readonly type: 'fault' | 'trap';
  /** EIP of the handler the CPU entered. */
  readonly handlerEip: number;
  /** Faults raised before it and never delivered, whose delivery raised this one (Table 6-5); absent when none. */
  readonly undelivered?: readonly ShutdownFault[];
}

/** A software interrupt (INT n) or an external interrupt from the PIC delivered through the IDT. */
export interface InterruptEvent extends EventContext {
  readonly kind: 'interrupt';
  readonly vector: number;
  readonly source: 'software' | 'external';
  readonly handlerEip: number;
}

/** CPL changed (interrupt, IRET, far call/return, SYSENTER/SYSEXIT). */
export interface RingTransitionEvent extends EventContext {
  readonly kind: 'ring-transition';
  readonly fromCpl: number;
  readonly toCpl: number;
}

/** TLB entries dropped: a full flush, a CR3 write keeping globals, or INVLPG / #PF on one page. */
export interface TlbFlushEvent extends EventContext {
  readonly kind: 'tlb-flush';
  readonly scope: 'all' | 'non-global' | 'page';
}

/** The processor shut down after a fault while delivering #DF (SDM Vol. 3A §6.15). */
export interface TripleFaultEvent extends EventContext {
  readonly kind: 'triple-fault';
  /** The faults that led to the shutdown, in the order they arose (describeShutdown). */
  readonly faults: readonly ShutdownFault[];
}

/** The guest ended the run (isa-debug-exit), halted for good, or used up its budget. */
export interface ExitedEvent extends EventContext {
  readonly kind: 'exited';
  readonly how: 'debug-exit' | 'halted' | 'triple-fault';
  /** The value written to isa-debug-exit ('debug-exit'). */
  readonly value?: number;
  /** 'triple-fault': the faults that shut the processor down, as in TripleFaultEvent. */
  readonly faults?: readonly ShutdownFault[];
}

export type RuntimeEvent =
  | StoppedEvent | OutputEvent | ExceptionEvent | InterruptEvent | RingTransitionEvent | TlbFlushEvent
  | TripleFaultEvent | ExitedEvent;

export type RuntimeEventKind = RuntimeEvent['kind'];

export type EventListener = (event: RuntimeEvent) => void;

/** One line of text per event (the CLI's `--trace events`). */
export function formatEvent(e: RuntimeEvent): string {
  const at = `eip=0x${e.guestEip.toString(16).padStart(8, '0')} cpl=${e.realCpl}`;
  const ins = e.instruction !== undefined ? ` [${e.instruction}]` : '';
  const n = `#${e.instructions}`;
  switch (e.kind) {
    case 'stopped': return `${n} stopped ${e.reason}: ${e.description} ${at}`;
    case 'output': return `${n} output ${e.category} ${JSON.stringify(e.text)}`;
    case 'exception': {
      const code = e.errorCode !== undefined ? ` error=0x${e.errorCode.toString(16)}` : '';
      const cr2 = e.qualification !== undefined ? ` cr2=0x${e.qualification.toString(16)}` : '';
      const after = e.undelivered !== undefined ? ` after ${describeShutdown(e.undelivered)}` : '';
      return `${n} exception ${e.name} (vector ${e.vector}, ${e.type})${code}${cr2}${after} ${at}${ins} -> 0x${e.handlerEip.toString(16)}`;
    }
    case 'interrupt': return `${n} interrupt ${e.source} vector 0x${e.vector.toString(16)} ${at}${ins} -> 0x${e.handlerEip.toString(16)}`;
    case 'ring-transition': return `${n} ring-transition ${e.fromCpl} -> ${e.toCpl} ${at}${ins}`;
    case 'tlb-flush': return `${n} tlb-flush ${e.scope} ${at}${ins}`;
    case 'triple-fault': return `${n} triple-fault ${describeShutdown(e.faults)} ${at}${ins}`;
    case 'exited': return `${n} exited ${e.how}${e.value !== undefined ? ` value=${e.value}` : ''} ${at}`;
  }
}
