// The hypercall sequences that replace privileged and sensitive instructions in a paravirtual
// guest kernel, built from the ABI in core/src/vmm/hypercalls.ts (Xen x86-32 convention: EAX =
// number, EBX, ECX, ... = arguments, `int 0x82`). The interrupt flag becomes the shared-info
// page's upcall mask (Xen's vcpu_info.evtchn_upcall_mask).

import { HYPERCALL_VECTOR, SHARED_INFO, findHypercall } from '../../../core/src/vmm/hypercalls';

export interface Paravirtualization {
  readonly title: string;
  /** Replacement instructions, one per line, without indentation. */
  readonly lines: readonly string[];
  /** Registers the sequence overwrites (the caller's code must not rely on them). */
  readonly clobbers: readonly string[];
  /** A data label the sequence reads, which must exist (`shared_info`, a dd holding the page address). */
  readonly needsSharedInfo?: boolean;
}

/** Name of the dword variable holding the shared-info page's address (ESI at boot). */
export const SHARED_INFO_POINTER = 'shared_info';

/** The ABI include's name for the mask offset (examples/pv/pv.inc), used when the file defines it. */
export const UPCALL_MASK_CONSTANT = 'SHARED_INFO_upcall_mask';

export interface ParavirtualizeContext {
  /** True when the assembly defines UPCALL_MASK_CONSTANT (the ABI include is in use). */
  readonly hasAbiConstants?: boolean;
}

const INT = `int 0x${HYPERCALL_VECTOR.toString(16)}`;

function call(name: string, subop?: string): { number: number; sub?: number } {
  const h = findHypercall(name);
  if (!h) throw new Error(`hypercall ${name} missing from the ABI`);
  const sub = subop !== undefined ? h.subops?.[subop] : undefined;
  if (subop !== undefined && sub === undefined) throw new Error(`hypercall ${name} has no sub-operation ${subop}`);
  return { number: h.number, sub };
}

function stripSize(memory: string): string {
  const at = memory.indexOf('[');
  return at >= 0 ? memory.slice(at) : memory;
}

function maskWrite(value: 0 | 1, mnemonic: string, ctx: ParavirtualizeContext): Paravirtualization {
  const offset = ctx.hasAbiConstants ? UPCALL_MASK_CONSTANT : String(SHARED_INFO.upcallMaskOffset);
  return {
    title: `Paravirtualize \`${mnemonic}\`: ${value ? 'set' : 'clear'} the shared-info upcall mask`,
    lines: ['push eax', `mov eax, [${SHARED_INFO_POINTER}]`, `mov byte [eax + ${offset}], ${value}`, 'pop eax'],
    clobbers: [],
    needsSharedInfo: true,
  };
}

/** The hypercall sequence for an instruction written with these operands, or undefined. */
export function paravirtualize(mnemonic: string, operands: readonly string[], ctx: ParavirtualizeContext = {}): Paravirtualization | undefined {
  const m = mnemonic.toLowerCase();
  const ops = operands.map((o) => o.trim());
  const lower = ops.map((o) => o.toLowerCase());
  switch (m) {
    case 'hlt': {
      const c = call('sched_op', 'block');
      return { title: 'Paravirtualize `hlt`: hypercall sched_op(block)', lines: [`mov eax, ${c.number}`, `mov ebx, ${c.sub}`, INT], clobbers: ['eax', 'ebx'] };
    }
    case 'cli': return ops.length === 0 ? maskWrite(1, m, ctx) : undefined;
    case 'sti': return ops.length === 0 ? maskWrite(0, m, ctx) : undefined;
    case 'clts': {
      const c = call('fpu_taskswitch');
      return { title: 'Paravirtualize `clts`: hypercall fpu_taskswitch(0)', lines: [`mov eax, ${c.number}`, 'mov ebx, 0', INT], clobbers: ['eax', 'ebx'] };
    }
    case 'iret': case 'iretd': {
      const c = call('iret');
      return { title: `Paravirtualize \`${m}\`: hypercall iret`, lines: [`mov eax, ${c.number}`, INT], clobbers: ['eax'] };
    }
    case 'lidt': {
      if (ops.length !== 1 || !ops[0].includes('[')) return undefined;
      const c = call('set_trap_table');
      return { title: 'Paravirtualize `lidt`: hypercall set_trap_table', lines: [`lea ebx, ${stripSize(ops[0])}`, `mov eax, ${c.number}`, INT], clobbers: ['eax', 'ebx'] };
    }
    case 'invlpg': {
      if (ops.length !== 1 || !ops[0].includes('[')) return undefined;
      const c = call('mmuext_op', 'invlpg_local');
      return { title: 'Paravirtualize `invlpg`: hypercall mmuext_op(invlpg_local)', lines: [`lea ecx, ${stripSize(ops[0])}`, `mov ebx, ${c.sub}`, `mov eax, ${c.number}`, INT], clobbers: ['eax', 'ebx', 'ecx'] };
    }
    case 'mov': {
      if (ops.length !== 2) return undefined;
      if (lower[0] === 'cr3' && /^e[a-ds][xip]$/.test(lower[1])) {
        const c = call('mmuext_op', 'new_baseptr');
        return { title: 'Paravirtualize `mov cr3`: hypercall mmuext_op(new_baseptr)', lines: [`mov ecx, ${lower[1]}`, `mov ebx, ${c.sub}`, `mov eax, ${c.number}`, INT].filter((l) => l !== 'mov ecx, ecx'), clobbers: ['eax', 'ebx', 'ecx'] };
      }
      const dst = /^dr([0-7])$/.exec(lower[0]);
      if (dst && /^e[a-ds][xip]$/.test(lower[1])) {
        const c = call('set_debugreg');
        return { title: `Paravirtualize \`mov ${lower[0]}\`: hypercall set_debugreg`, lines: [`mov ecx, ${lower[1]}`, `mov ebx, ${dst[1]}`, `mov eax, ${c.number}`, INT].filter((l) => l !== 'mov ecx, ecx'), clobbers: ['eax', 'ebx', 'ecx'] };
      }
      const src = /^dr([0-7])$/.exec(lower[1]);
      if (src && /^e[a-ds][xip]$/.test(lower[0])) {
        const c = call('get_debugreg');
        const lines = [`mov ebx, ${src[1]}`, `mov eax, ${c.number}`, INT];
        if (lower[0] !== 'eax') lines.push(`mov ${lower[0]}, eax`);
        return { title: `Paravirtualize \`mov ${lower[0]}, ${lower[1]}\`: hypercall get_debugreg`, lines, clobbers: ['eax', 'ebx'] };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
