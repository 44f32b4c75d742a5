// Markdown reference for one instruction, written from the table (STYLE.md §3): summary, operand
// forms, flags, privilege class and what happens under each virtualization technique.

import type { FlagEffects, FormSpec, InstructionSpec, PrivilegeClass, RegisterInfo, VirtBehaviour } from '../../../core/src/isa/types';
import { formSignature } from '../syntax/isaIndex';

const PRIVILEGE_TEXT: Record<PrivilegeClass, string> = {
  innocuous: '**innocuous** — behaves the same at every CPL and touches no state a VMM must control.',
  privileged: '**privileged** — raises #GP(0) unless CPL = 0, so a deprivileged guest kernel traps to the VMM.',
  'iopl-sensitive': '**IOPL-sensitive** — raises #GP(0) unless CPL ≤ EFLAGS.IOPL (I/O may also be allowed by the TSS I/O bitmap).',
  'sensitive-unprivileged': '**sensitive but unprivileged** — it does not trap outside ring 0: at CPL 1–3 it executes without a fault while reading or changing state the VMM must control, so trap-and-emulate never sees it (Robin & Irvine 2000).',
};

/** A software interrupt's class: sensitive, but not out of the VMM's sight (see VirtBehaviour.trapAndEmulate). */
const REFLECTED_TEXT = '**sensitive but unprivileged** — it runs at any CPL the gate\'s DPL allows, checked against the real CPL (Robin & Irvine 2000); being an interrupt, it still reaches a trap-and-emulate VMM through the IDT.';

function flagsText(f: FlagEffects | undefined): string | undefined {
  if (!f) return undefined;
  const parts: string[] = [];
  if (f.tested?.length) parts.push(`tests ${f.tested.join(' ')}`);
  if (f.modified?.length) parts.push(`modifies ${f.modified.join(' ')}`);
  if (f.set?.length) parts.push(`sets ${f.set.join(' ')}`);
  if (f.cleared?.length) parts.push(`clears ${f.cleared.join(' ')}`);
  if (f.undefined?.length) parts.push(`leaves ${f.undefined.join(' ')} undefined`);
  if (f.note) parts.push(f.note);
  return parts.length ? parts.join('; ') : 'none';
}

function techniqueRows(v: VirtBehaviour, privilege: PrivilegeClass): string[] {
  const tae = v.trapAndEmulate === 'trap'
    ? 'traps (#GP in ring 1) → the VMM emulates it on the virtual CPU'
    : v.trapAndEmulate === 'silent'
      ? '**does not trap** in ring 1: runs on the real machine and silently misbehaves'
      : v.trapAndEmulate === 'reflected'
        ? 'reaches the VMM, as every interrupt does, through the real IDT it installed; the VMM reflects it to the guest\'s virtual IDT (the gate DPL is checked against the real CPL, 1)'
        : 'runs directly';
  const bt = v.binaryTranslation === 'callout' ? 'translated into a VMM callout (no trap, correct semantics)' : 'copied unchanged into the translation cache';
  const pv = v.paravirtual === 'runs' ? 'runs unchanged'
    // `shared-info` names no hypercall: IF and CR2 live in the shared-info page (Xen's vcpu_info).
    : v.paravirtual.hypercall === 'shared-info' ? 'replaced by a read or write of the shared-info page (no hypercall)'
      : `replaced by the hypercall \`${v.paravirtual.hypercall}\``;
  const hw = v.hardwareAssisted === 'no-exit'
    ? 'no VM exit'
    : `VM exit ${v.hardwareAssisted.exitReason} (${v.hardwareAssisted.exitName}) when ${v.hardwareAssisted.when}`;
  const native = privilege === 'privileged' ? 'runs (the kernel is in ring 0)' : 'runs';
  return [
    '| technique | guest kernel executes it |',
    '|---|---|',
    `| native | ${native} |`,
    `| trap-and-emulate | ${tae} |`,
    `| binary translation | ${bt} |`,
    `| paravirtual | ${pv} |`,
    `| hardware-assisted | ${hw} |`,
  ];
}

/** The full reference; `form` (the one the written operands select) refines privilege and behaviour. */
export function instructionMarkdown(spec: InstructionSpec, form?: FormSpec): string {
  const privilege = form?.privilege ?? spec.privilege;
  const virt = form?.virt ?? spec.virt;
  const lines: string[] = [`**${spec.mnemonic}** — ${spec.summary}`, ''];
  if (spec.aliases?.length) lines.push(`Also written: ${spec.aliases.map((a) => `\`${a}\``).join(', ')}`, '');
  lines.push('```nasm', ...spec.forms.filter((f) => !f.encodeOnly || spec.forms.length === 1).map((f) => formSignature(spec.mnemonic, f)), '```', '');
  const flags = flagsText(spec.flags);
  if (flags) lines.push(`Flags: ${flags}`, '');
  if (form) lines.push(`This form: \`${formSignature(spec.mnemonic, form)}\``, '');
  lines.push(`Privilege: ${virt.trapAndEmulate === 'reflected' ? REFLECTED_TEXT : PRIVILEGE_TEXT[privilege]}`, '');
  lines.push(...techniqueRows(virt, privilege), '');
  if (virt.note) lines.push(virt.note, '');
  if (spec.exceptions?.length) lines.push(`Exceptions: ${spec.exceptions.join(' ')}`);
  return lines.join('\n').trimEnd();
}

const CLASS_TEXT: Record<RegisterInfo['cls'], string> = {
  gpr8: '8-bit general register',
  gpr16: '16-bit general register',
  gpr32: '32-bit general register',
  sreg: 'segment register',
  creg: 'control register (moves to and from it are privileged)',
  dreg: 'debug register (moves to and from it are privileged)',
};

export function registerMarkdown(r: RegisterInfo): string {
  return `**${r.name}** — ${CLASS_TEXT[r.cls]}, ${r.bits} bits, encoding number ${r.num}`;
}
