// The paravirtual hypercall ABI a Ringside guest kernel uses (DESIGN.md §4): one place for the
// numbers, argument registers and sub-operations, read by the instruction table, the language
// server's "paravirtualize" code action, the shipped include file and, later, the VMM.
//
// The calling convention and the numbers of the calls we share follow Xen's 32-bit PV ABI
// (xen/include/public/xen.h): EAX holds the hypercall number, EBX, ECX, EDX, ESI, EDI hold
// arguments 1-5, the result comes back in EAX, and the guest enters with `int 0x82`
// (Xen's HYPERCALL_VECTOR for x86-32). `vmcall` is accepted as an alternative entry.

export const HYPERCALL_VECTOR = 0x82;

/** Argument registers in order (Xen x86-32). */
export const HYPERCALL_ARG_REGISTERS = ['ebx', 'ecx', 'edx', 'esi', 'edi'] as const;

export interface HypercallSpec {
  readonly name: string;
  /** Hypercall number placed in EAX. */
  readonly number: number;
  readonly summary: string;
  /** Argument names, in register order (EBX, ECX, ...). */
  readonly args: readonly string[];
  /** Named sub-operations passed in the first argument, where the call has them. */
  readonly subops?: Readonly<Record<string, number>>;
}

export const HYPERCALLS: readonly HypercallSpec[] = [
  { name: 'set_trap_table', number: 0, summary: 'Register the guest trap table (replaces LIDT).', args: ['table'] },
  { name: 'mmu_update', number: 1, summary: 'Validated batch of page-table entry writes.', args: ['requests', 'count'] },
  { name: 'set_gdt', number: 2, summary: 'Install a guest GDT (replaces LGDT).', args: ['frames', 'entries'] },
  { name: 'stack_switch', number: 3, summary: 'Set the kernel stack used on ring transitions (replaces writing TSS.ESP0 + LTR).', args: ['ss', 'esp'] },
  { name: 'fpu_taskswitch', number: 5, summary: 'Set or clear CR0.TS (replaces CLTS / MOV CR0).', args: ['set'] },
  { name: 'set_debugreg', number: 8, summary: 'Write a debug register (replaces MOV DRn, r32).', args: ['reg', 'value'] },
  { name: 'get_debugreg', number: 9, summary: 'Read a debug register (replaces MOV r32, DRn).', args: ['reg'] },
  { name: 'memory_op', number: 12, summary: 'Balloon: give pages back to the VMM or take them back.', args: ['cmd', 'frames', 'count'], subops: { increase_reservation: 0, decrease_reservation: 1 } },
  { name: 'update_va_mapping', number: 14, summary: 'Write one page-table entry for a virtual address, with optional TLB flush.', args: ['va', 'pte', 'flags'] },
  { name: 'set_timer_op', number: 15, summary: 'Arm the one-shot guest timer (deadline in instructions).', args: ['deadline'] },
  { name: 'console_io', number: 18, summary: 'Write bytes to the guest console (replaces OUT to COM1).', args: ['cmd', 'count', 'buffer'], subops: { write: 0, read: 1 } },
  { name: 'iret', number: 23, summary: 'Return from a guest exception or interrupt (replaces IRET from ring 1).', args: [] },
  { name: 'mmuext_op', number: 26, summary: 'Extended MMU operations: base-pointer switch, TLB flush, INVLPG, LDT.', args: ['cmd', 'arg'], subops: { new_baseptr: 5, tlb_flush_local: 6, invlpg_local: 7, set_ldt: 13 } },
  { name: 'sched_op', number: 29, summary: 'Scheduling: yield the vCPU, block until an event, or shut down.', args: ['cmd', 'arg'], subops: { yield: 0, block: 1, shutdown: 2 } },
];

export function findHypercall(name: string): HypercallSpec | undefined {
  return HYPERCALLS.find((h) => h.name === name);
}

/**
 * The shared-info page replaces the interrupt flag under paravirtualization: the guest sets
 * `evtchn_upcall_mask` instead of executing CLI and clears it instead of STI (Xen's vcpu_info).
 * Its guest-physical address is passed to the kernel in ESI at boot.
 */
export const SHARED_INFO = {
  /** Byte offset of vcpu_info[0].evtchn_upcall_pending. */
  upcallPendingOffset: 0,
  /** Byte offset of vcpu_info[0].evtchn_upcall_mask. */
  upcallMaskOffset: 1,
} as const;
