// System instructions: descriptor tables, task register, MSW/CR0, TLB and cache control, MSRs,
// CPUID/RDTSC, SYSENTER/SYSEXIT, VMCALL and HLT, with their VT-x exit reasons (Intel SDM Vol. 3C
// §25.1, Appendix C) and the PV hypercalls that replace them (core/src/vmm/hypercalls.ts).

import type { InstructionSpec, VirtBehaviour } from '../types';
import { DESCRIPTOR_TABLE_EXITING, HW, INNOCUOUS, MSR_EXITING, exceptionBitmap, exitsOnly, privileged, silent } from '../virt';
import { atLevel, form } from './form';

const PRIV_EXC = ['#GP', '#UD'];
const MEM_EXC = ['#GP', '#SS', '#PF', '#UD'];

function descriptorStore(mnemonic: string, ext: number, table: string, key: 'gdtrIdtr' | 'ldtrTr', sized: boolean): InstructionSpec {
  const virt = silent(undefined, HW.when(key, DESCRIPTOR_TABLE_EXITING),
    `${mnemonic.toUpperCase()} runs at any CPL and returns the real (host) ${table}, not the guest's (Robin & Irvine 2000).`);
  const op = key === 'gdtrIdtr' ? '0F 01' : '0F 00';
  return {
    mnemonic, summary: `Store the ${table}.`, group: 'system', cpu: '286', privilege: 'sensitive-unprivileged', virt, exceptions: MEM_EXC,
    forms: sized
      ? [form('m16', 'm', `${op} /${ext}`), form('r16', 'm', `o16 ${op} /${ext}`), form('r32', 'm', `o32 ${op} /${ext}`)]
      : [form('m', 'm', `${op} /${ext}`)],
  };
}

function simple(mnemonic: string, enc: string, summary: string, privilege: InstructionSpec['privilege'], virt: VirtBehaviour, exceptions: string[]): InstructionSpec {
  return { mnemonic, summary, group: 'system', privilege, virt, exceptions, forms: [form('', '', enc)] };
}

/**
 * The reserved NOPs 0F 18-0F 1F (Intel SDM Vol. 2B "NOP" and Table A-3's "Reserved-NOP"): P6 and
 * later execute them as NOPs whose ModR/M only sets the length, touching no memory (QEMU's i386
 * target too). nasm assembles `hint_nop0`..`hint_nop63` as 0F 18+N/8 with reg N%8, at `cpu 686`
 * (measured: `hint_nop57 eax` is 0F 1F C8, `hint_nop0 eax` 0F 18 C0, `hint_nop56 eax` 0F 1F C0,
 * `hint_nop64` is no instruction, `cpu 586` rejects them), and ndisasm prints them so. The decoder
 * leaves out 0F 1F /0, which is `nop`, and 0F 18 (hint_nop0..7), which ndisasm and QEMU read
 * mostly as the prefetches: those stay undecodable.
 */
const HINT_NOPS: readonly InstructionSpec[] = Array.from({ length: 64 }, (_, n) => n)
  .map((n) => {
    const enc = `0F ${(0x18 + (n >> 3)).toString(16).toUpperCase()} /${n & 7}`;
    const encodeOnly = n < 8 || n === 56 ? { encodeOnly: true } : {};
    return {
      mnemonic: `hint_nop${n}`, summary: `Reserved NOP (${enc}, P6): no operation; the operand is never accessed.`,
      group: 'misc', privilege: 'innocuous', virt: INNOCUOUS,
      forms: [form('rm16', 'm', `o16 ${enc}`, { cpu: '686', sizes: 's', ...encodeOnly }), form('rm32', 'm', `o32 ${enc}`, { cpu: '686', sizes: 's', ...encodeOnly })],
    } satisfies InstructionSpec;
  });

export const SYSTEM: readonly InstructionSpec[] = [
  {
    mnemonic: 'lgdt', cpu: '286', summary: 'Load the GDTR (limit and base) from a 6-byte memory operand.', group: 'system', privilege: 'privileged',
    virt: privileged('set_gdt', HW.when('gdtrIdtr', DESCRIPTOR_TABLE_EXITING), 'The VMM owns the real GDT; a PV kernel registers its descriptor frames with set_gdt.'),
    exceptions: MEM_EXC, forms: [form('m', 'm', '0F 01 /2')],
  },
  {
    mnemonic: 'lidt', cpu: '286', summary: 'Load the IDTR (limit and base) from a 6-byte memory operand.', group: 'system', privilege: 'privileged',
    virt: privileged('set_trap_table', HW.when('gdtrIdtr', DESCRIPTOR_TABLE_EXITING), 'The VMM owns the real IDT; a PV kernel registers its handlers with set_trap_table.'),
    exceptions: MEM_EXC, forms: [form('m', 'm', '0F 01 /3')],
  },
  descriptorStore('sgdt', 0, 'GDTR', 'gdtrIdtr', false),
  descriptorStore('sidt', 1, 'IDTR', 'gdtrIdtr', false),
  descriptorStore('sldt', 0, 'LDTR selector', 'ldtrTr', true),
  descriptorStore('str', 1, 'task register selector', 'ldtrTr', true),
  {
    mnemonic: 'lldt', cpu: '286', summary: 'Load the LDTR from a selector that names an LDT descriptor in the GDT.', group: 'system', privilege: 'privileged',
    virt: privileged('mmuext_op.set_ldt', HW.when('ldtrTr', DESCRIPTOR_TABLE_EXITING), 'A PV kernel installs its LDT with mmuext_op(set_ldt).'),
    exceptions: MEM_EXC, forms: [form('rm16', 'm', '0F 00 /2')],
  },
  {
    mnemonic: 'ltr', cpu: '286', summary: 'Load the task register from a selector that names an available TSS.', group: 'system', privilege: 'privileged',
    virt: privileged('stack_switch', HW.when('ldtrTr', DESCRIPTOR_TABLE_EXITING), 'The VMM owns the TSS; a PV kernel only tells it the ring-1 stack with stack_switch.'),
    exceptions: MEM_EXC, forms: [form('rm16', 'm', '0F 00 /3')],
  },
  {
    mnemonic: 'lmsw', cpu: '286', summary: 'Load the low four bits of CR0 (PE MP EM TS); cannot clear PE.', group: 'system', privilege: 'privileged',
    virt: privileged('fpu_taskswitch', HW.when('crAccess', 'for a bit of PE MP EM TS set in the CR0 guest/host mask, it would write a value other than the CR0 read shadow\'s (it never clears PE)'), 'A PV kernel only ever changes CR0.TS, with fpu_taskswitch.'),
    exceptions: MEM_EXC, forms: [form('rm16', 'm', '0F 01 /6')],
  },
  {
    mnemonic: 'smsw', cpu: '286', summary: 'Store the machine status word (low bits of CR0).', group: 'system', privilege: 'sensitive-unprivileged',
    virt: silent(undefined, HW.none, 'SMSW runs at any CPL and shows the real CR0 bits (PE, TS...), not the guest\'s (Robin & Irvine 2000).'),
    exceptions: MEM_EXC,
    forms: [form('m16', 'm', '0F 01 /4'), form('r16', 'm', 'o16 0F 01 /4'), form('r32', 'm', 'o32 0F 01 /4')],
  },
  atLevel('286', simple('clts', '0F 06', 'Clear CR0.TS (task switched).', 'privileged',
    privileged('fpu_taskswitch', HW.when('crAccess', 'bit 3 (TS) is set in both the CR0 guest/host mask and the CR0 read shadow'), 'A PV kernel clears TS with fpu_taskswitch(0).'), PRIV_EXC)),
  {
    mnemonic: 'invlpg', cpu: '486', summary: 'Invalidate the TLB entry for the page containing the memory operand.', group: 'system', privilege: 'privileged',
    virt: privileged('mmuext_op.invlpg_local', HW.when('invlpg', 'INVLPG exiting (primary control bit 9) is set'), 'The VMM must also drop its shadow entry; a PV kernel asks with mmuext_op(invlpg_local).'),
    exceptions: PRIV_EXC, forms: [form('m', 'm', '0F 01 /7')],
  },
  atLevel('486', simple('invd', '0F 08', 'Invalidate the caches without writing them back.', 'privileged',
    privileged(undefined, HW.always('invd'), 'Always exits under VT-x; at ring 1 it traps and the VMM emulates it (no PV hypercall needed).'), PRIV_EXC)),
  atLevel('486', simple('wbinvd', '0F 09', 'Write back and invalidate the caches.', 'privileged',
    privileged(undefined, HW.when('wbinvd', 'WBINVD exiting (secondary control bit 6) is set'), 'At ring 1 it traps and the VMM emulates it (no PV hypercall needed).'), PRIV_EXC)),
  atLevel('586', simple('rdmsr', '0F 32', 'Read the model-specific register ECX into EDX:EAX.', 'privileged',
    privileged(undefined, HW.when('rdmsr', MSR_EXITING('read')), 'At ring 1 it traps and the VMM emulates the MSR.'), PRIV_EXC)),
  atLevel('586', simple('wrmsr', '0F 30', 'Write EDX:EAX to the model-specific register ECX.', 'privileged',
    privileged(undefined, HW.when('wrmsr', MSR_EXITING('write')), 'At ring 1 it traps and the VMM emulates the MSR.'), PRIV_EXC)),
  // DESIGN.md §4 lists CPUID with the sensitive-but-unprivileged instructions: it is not on Robin &
  // Irvine's list, but it runs at any CPL and shows the guest the real processor.
  atLevel('586', simple('cpuid', '0F A2', 'Processor identification: leaf EAX (sub-leaf ECX) into EAX EBX ECX EDX.', 'sensitive-unprivileged',
    silent(undefined, HW.always('cpuid'), 'Unprivileged, so without VT-x it returns the real processor\'s identity (a binary translator calls out to filter it); VT-x always exits so the VMM can filter it.'), [])),
  atLevel('586', simple('rdtsc', '0F 31', 'Read the time-stamp counter into EDX:EAX.', 'innocuous',
    exitsOnly('rdtsc', 'RDTSC exiting (primary control bit 12) is set', 'Unprivileged unless CR4.TSD is set; VMMs offset or trap it to hide the time spent outside the guest.'), ['#GP'])),
  atLevel('686', simple('sysenter', '0F 34', 'Fast system call to ring 0 at SYSENTER_CS_MSR:SYSENTER_EIP_MSR.', 'innocuous', INNOCUOUS, ['#GP', '#UD'])),
  atLevel('686', simple('sysexit', '0F 35', 'Fast return to ring 3 at CS = SYSENTER_CS_MSR+16, EIP = EDX, ESP = ECX.', 'privileged',
    privileged(undefined, HW.none, 'Requires CPL 0, so a ring-1 kernel traps and the VMM completes the return.'), ['#GP', '#UD'])),
  simple('vmcall', '0F 01 C1', 'Call the VMM (VT-x): always a VM exit in non-root mode; #UD outside VMX operation.', 'innocuous',
    { trapAndEmulate: 'trap', binaryTranslation: 'callout', paravirtual: 'runs', hardwareAssisted: HW.always('vmcall'), note: 'The hypercall entry under hardware assistance (Ringside also accepts it as a hypercall gate).' }, ['#UD']),
  simple('hlt', 'F4', 'Halt until the next interrupt.', 'privileged',
    privileged('sched_op.block', HW.when('hlt', 'HLT exiting (primary control bit 7) is set'), 'A PV kernel blocks its vCPU with sched_op(block) until an event arrives.'), ['#GP']),
  {
    mnemonic: 'bound', cpu: '186', summary: 'Raise #BR unless the signed index register lies within the pair of bounds in memory.', group: 'misc',
    privilege: 'innocuous', virt: { ...INNOCUOUS, hardwareAssisted: exceptionBitmap(5, '#BR') }, exceptions: ['#BR', '#UD', '#GP', '#SS', '#PF', '#AC'],
    forms: [form('r16,m', 'rm', 'o16 62 /r'), form('r32,m', 'rm', 'o32 62 /r')],
  },
  // The multi-byte NOP (0F 1F /0, P6 and later; Intel SDM Vol. 2B "NOP"): the ModR/M only sets its
  // length, no memory is accessed. nasm wants `cpu 686` for it (measured: `cpu 586` rejects `nop eax`).
  {
    mnemonic: 'nop', summary: 'No operation. `nop r/m16`/`nop r/m32` (0F 1F /0, P6) is the multi-byte form compilers pad with: its operand is never accessed.',
    group: 'misc', privilege: 'innocuous', virt: INNOCUOUS,
    // (nasm's templates name the size: measured, `nop byte [eax]` is an invalid combination.)
    forms: [form('', '', '90'), form('rm16', 'm', 'o16 0F 1F /0', { cpu: '686', sizes: 's' }), form('rm32', 'm', 'o32 0F 1F /0', { cpu: '686', sizes: 's' })],
  },
  ...HINT_NOPS,
  simple('pause', 'F3 90', 'Spin-loop hint (a NOP with a REP prefix on older processors).', 'innocuous',
    exitsOnly('pause', 'PAUSE exiting (primary control bit 30) or PAUSE-loop exiting is set', 'Lets a VMM deschedule a vCPU spinning on a lock held by a preempted one.'), []),
  { mnemonic: 'ud2', cpu: '186', summary: 'Raise #UD (invalid opcode) on purpose.', group: 'misc', privilege: 'innocuous', virt: { ...INNOCUOUS, hardwareAssisted: exceptionBitmap(6, '#UD') }, exceptions: ['#UD'], forms: [form('', '', '0F 0B')] },
];


