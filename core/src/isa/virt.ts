// Named virtualization behaviours shared by the instruction table: VT-x exit reasons (Intel SDM
// Vol. 3C Appendix C), Robin & Irvine's (2000) sensitive-but-unprivileged behaviour under
// trap-and-emulate, and the Xen-style hypercalls (core/src/vmm/hypercalls.ts) a PV kernel uses.

import type { VirtBehaviour } from './types';

/** The basic VM-exit reasons the table refers to, by their Intel numbers. */
export const EXIT = {
  cpuid: { exitReason: 10, exitName: 'CPUID' },
  hlt: { exitReason: 12, exitName: 'HLT' },
  invd: { exitReason: 13, exitName: 'INVD' },
  invlpg: { exitReason: 14, exitName: 'INVLPG' },
  rdtsc: { exitReason: 16, exitName: 'RDTSC' },
  vmcall: { exitReason: 18, exitName: 'VMCALL' },
  crAccess: { exitReason: 28, exitName: 'control-register access' },
  movDr: { exitReason: 29, exitName: 'MOV DR' },
  io: { exitReason: 30, exitName: 'I/O instruction' },
  rdmsr: { exitReason: 31, exitName: 'RDMSR' },
  wrmsr: { exitReason: 32, exitName: 'WRMSR' },
  pause: { exitReason: 40, exitName: 'PAUSE' },
  gdtrIdtr: { exitReason: 46, exitName: 'GDTR/IDTR access' },
  ldtrTr: { exitReason: 47, exitName: 'LDTR/TR access' },
  wbinvd: { exitReason: 54, exitName: 'WBINVD' },
} as const;

type ExitKey = keyof typeof EXIT;

function exit(key: ExitKey, when: string): VirtBehaviour['hardwareAssisted'] {
  return { ...EXIT[key], when };
}

/** The upcall mask in the shared-info page stands in for EFLAGS.IF under paravirtualization. */
export const SHARED_INFO_HYPERCALL = 'shared-info';

/** Runs unchanged under every technique. */
export const INNOCUOUS: VirtBehaviour = {
  trapAndEmulate: 'runs',
  binaryTranslation: 'copied',
  paravirtual: 'runs',
  hardwareAssisted: 'no-exit',
};

/**
 * A privileged instruction: #GP at ring 1 so trap-and-emulate works, the translator calls out,
 * a PV kernel uses `hypercall` instead ('runs' when it keeps the instruction and lets the VMM
 * emulate the trap), and VT-x exits when `exitKey` applies.
 */
export function privileged(hypercall: string | undefined, hw: VirtBehaviour['hardwareAssisted'], note: string): VirtBehaviour {
  return {
    trapAndEmulate: 'trap',
    binaryTranslation: 'callout',
    paravirtual: hypercall === undefined ? 'runs' : { hypercall },
    hardwareAssisted: hw,
    note,
  };
}

/** Sensitive but unprivileged (Robin & Irvine): misbehaves silently at ring 1. */
export function silent(hypercall: string | undefined, hw: VirtBehaviour['hardwareAssisted'], note: string): VirtBehaviour {
  return {
    trapAndEmulate: 'silent',
    binaryTranslation: 'callout',
    paravirtual: hypercall === undefined ? 'runs' : { hypercall },
    hardwareAssisted: hw,
    note,
  };
}

/** Innocuous at ring 1 but VT-x exits on it (CPUID always; PAUSE and RDTSC when enabled). */
export function exitsOnly(key: ExitKey, when: string, note: string): VirtBehaviour {
  return { ...INNOCUOUS, hardwareAssisted: exit(key, when), note };
}

export const HW = {
  always: (key: ExitKey): VirtBehaviour['hardwareAssisted'] => exit(key, 'always'),
  when: exit,
  none: 'no-exit' as const,
};

export const DESCRIPTOR_TABLE_EXITING = 'descriptor-table exiting (secondary control bit 2) is set';
export const IO_EXITING = 'unconditional I/O exiting (bit 24) is set, or the port is set in the I/O bitmaps (bit 25)';

/** Segment and far-transfer instructions from Robin & Irvine's protection-system list. */
export const PROTECTION_CHECK: VirtBehaviour = silent(undefined, 'no-exit',
  'Checks selectors against the real CPL/RPL, so a guest kernel at ring 1 sees ring 1, not ring 0 (Robin & Irvine 2000).');
