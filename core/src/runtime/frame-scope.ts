// Expressions evaluated in an outer stack frame (a caller, or the instruction an exception was
// raised at): the registers that frame has values for, and a clear error for the ones it has not,
// rather than the innermost frame's values under the frame's name.

import type { Machine } from '../machine/machine';
import type { EvalScope } from './expression';
import { readLinearValue } from './guest-memory';
import { readRegister } from './registers';
import type { SymbolTable } from './symbols';

/** The 32-bit registers a frame can have values of its own for. */
export type FrameRegisterName = 'eip' | 'esp' | 'ebp';

export interface FrameRegisters {
  /** How messages name the frame: `frame 1 (bump)`. */
  readonly label: string;
  /** The frame's own values (EIP always: its pc or return address). */
  readonly own: { readonly eip: number } & Readonly<Partial<Record<FrameRegisterName, number>>>;
  /** Registers whose innermost values are this frame's too (lower-case names, 32-bit ones for the general registers); every other register is not known in it. */
  readonly live: ReadonlySet<string>;
  /** Why the registers it has no values for are not known, for the message. */
  readonly why: string;
}

/** The 32-bit register a register name is part of (`al`, `ah` and `ax` are EAX's). */
const WIDE: Readonly<Record<string, string>> = {
  ax: 'eax', al: 'eax', ah: 'eax', cx: 'ecx', cl: 'ecx', ch: 'ecx', dx: 'edx', dl: 'edx', dh: 'edx', bx: 'ebx', bl: 'ebx', bh: 'ebx',
  sp: 'esp', bp: 'ebp', si: 'esi', di: 'edi',
  cf: 'eflags', pf: 'eflags', af: 'eflags', zf: 'eflags', sf: 'eflags', tf: 'eflags', if: 'eflags', df: 'eflags', of: 'eflags',
  iopl: 'eflags', nt: 'eflags', rf: 'eflags', vm: 'eflags', ac: 'eflags', id: 'eflags',
};

/** A scope reading `frame`'s registers; memory and labels as the live scope reads them (`.local` names as the frame's EIP names them). */
export function frameScope(machine: Machine, symbols: SymbolTable, frame: FrameRegisters): EvalScope {
  const cpu = machine.cpu;
  const known = (name: string): number | 'unknown' | undefined => {
    const live = readRegister(cpu, name);
    // (Not a register: a label, then.)
    if (live === undefined) return undefined;
    const wide = WIDE[name] ?? name;
    const own = frame.own[wide as FrameRegisterName];
    // (The only parts of EIP, ESP and EBP that have names are SP and BP, their low words.)
    if (own !== undefined) return wide === name ? own >>> 0 : own & 0xffff;
    return frame.live.has(wide) ? live : 'unknown';
  };
  return {
    register: (name) => {
      const v = known(name);
      return typeof v === 'number' ? v : undefined;
    },
    unavailable: (name) => (known(name) === 'unknown' ? `${name} is not known in ${frame.label}: ${frame.why}` : undefined),
    symbol: (name) => symbols.lookupAt(name, frame.own.eip),
    readMemory: (address, size) => readLinearValue(machine, (cpu.segBase[3] + address) >>> 0, size),
  };
}
