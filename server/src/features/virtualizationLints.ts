// Lints that depend on the virtualization technique the guest is written for (DESIGN.md §4, §6):
// privileged instructions in user code, sensitive-but-unprivileged instructions in a kernel run
// under trap-and-emulate (Robin & Irvine 2000), and instructions a paravirtual kernel must
// replace with hypercalls, plus hypercall numbers the ABI does not define.

import type { Diagnostic, SourceRange, Statement } from '../../../core/src/asm/api';
import { parseNumber } from '../../../core/src/asm/numbers';
import type { FormSpec, InstructionSpec, VirtBehaviour } from '../../../core/src/isa/types';
import { HYPERCALL_VECTOR, HYPERCALLS } from '../../../core/src/vmm/hypercalls';
import type { AnalyzedDocument } from '../analysis/document';
import { modeAt, scanPragmas } from '../analysis/pragmas';
import { instructionFor, matchForm, privilegeOf, writtenOperand } from '../syntax/isaIndex';

const KNOWN_HYPERCALLS = new Set(HYPERCALLS.map((h) => h.number));

export interface ResolvedInstruction {
  readonly spec: InstructionSpec;
  readonly form: FormSpec | undefined;
  readonly virt: VirtBehaviour;
}

/** The table's `paravirtual` entry for state kept in the shared-info page rather than a hypercall. */
const SHARED_INFO_REPLACEMENT = 'shared-info';

/** The table entry and form a statement assembles with, judged from its written operands. */
export function resolveStatement(stmt: Statement): ResolvedInstruction | undefined {
  if (!stmt.mnemonic || stmt.mnemonic.isDirective) return undefined;
  const spec = instructionFor(stmt.mnemonic.name);
  if (!spec) return undefined;
  const form = matchForm(spec, stmt.operands.map((o) => writtenOperand(o.text)));
  return { spec, form, virt: form?.virt ?? spec.virt };
}

function lint(range: SourceRange, severity: Diagnostic['severity'], code: string, message: string): Diagnostic {
  return { severity, code, message, range };
}

export function virtualizationLints(doc: AnalyzedDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pragmas = scanPragmas(doc.text);
  // Native kernel code has nothing to lint: skip building the statements (diagnostics wait for this).
  if (doc.technique === 'native' && !pragmas.modes.some((m) => m.mode === 'user')) return out;
  const stmts = doc.result.statements;
  for (let i = 0; i < stmts.length; i++) {
    const stmt = stmts[i];
    const at = stmt.macroCall ?? stmt.range;
    if (at.file !== doc.path || !stmt.mnemonic) continue;
    const resolved = resolveStatement(stmt);
    if (!resolved) continue;
    const { spec, form, virt } = resolved;
    const name = stmt.mnemonic.name.toLowerCase();
    const where = stmt.macroCall ?? stmt.mnemonic.range;
    const privilege = privilegeOf(spec, form);
    const mode = modeAt(pragmas, at.start.line);
    if (mode === 'user') {
      if (privilege === 'privileged') {
        out.push(lint(where, 'warning', 'privileged-in-user', `\`${name}\` is privileged: in user code (CPL 3) it raises #GP(0) (Intel SDM Vol. 3A §5.9).`));
      } else if (privilege === 'iopl-sensitive') {
        out.push(lint(where, 'info', 'iopl-in-user', `\`${name}\` is IOPL-sensitive: in user code it raises #GP(0) unless EFLAGS.IOPL is 3 (or the TSS I/O bitmap allows the port).`));
      }
      continue;
    }
    if (doc.technique === 'trap-and-emulate' && virt.trapAndEmulate === 'reflected') {
      // (Not out of the VMM's sight: every interrupt and exception goes to it, DESIGN.md §4.)
      out.push(lint(where, 'info', 'sensitive-instruction',
        `\`${name}\` is sensitive, but under trap-and-emulate it still reaches the VMM: it is delivered through the real IDT the VMM installed, which reflects it to the guest's virtual IDT. Its gate DPL is checked against the real CPL, ring 1 for the guest kernel, not the guest's 0.${virt.note ? ' ' + virt.note : ''}`));
    } else if (doc.technique === 'trap-and-emulate' && (privilege === 'sensitive-unprivileged' || virt.trapAndEmulate === 'silent')) {
      out.push(lint(where, 'warning', 'sensitive-instruction',
        `\`${name}\` is sensitive but unprivileged: under trap-and-emulate the guest kernel runs in ring 1, where it does not trap, so the VMM never sees it and it silently misbehaves (it acts on the real machine state, not the virtual CPU's).${virt.note ? ' ' + virt.note : ''}`));
    }
    if (doc.technique === 'paravirtual') {
      if (typeof virt.paravirtual === 'object' && privilege !== 'innocuous') {
        out.push(lint(where, 'warning', 'needs-hypercall',
          `\`${name}\` is ${privilege === 'privileged' ? 'privileged' : 'sensitive'}: a paravirtual kernel runs in ring 1 and must ${virt.paravirtual.hypercall === SHARED_INFO_REPLACEMENT
            // Not a hypercall: the interrupt flag and CR2 live in the shared-info page (Xen's vcpu_info).
            ? 'use the shared-info page (its upcall mask, its saved CR2) instead'
            : `use the hypercall \`${virt.paravirtual.hypercall}\` instead`}.`));
      }
      if (isHypercallEntry(stmt)) {
        const number = hypercallNumberBefore(doc, i);
        if (number !== undefined && !KNOWN_HYPERCALLS.has(number.value)) {
          out.push(lint(number.range, 'warning', 'unknown-hypercall',
            `Hypercall number ${number.value} is not in the Ringside ABI (known: ${HYPERCALLS.map((h) => `${h.number} ${h.name}`).join(', ')}).`));
        }
      }
    }
  }
  return out;
}

function isHypercallEntry(stmt: Statement): boolean {
  const name = stmt.mnemonic?.name.toLowerCase();
  if (name === 'vmcall') return true;
  if (name !== 'int' || stmt.operands.length !== 1) return false;
  return parseNumber(stmt.operands[0].text.trim()) === HYPERCALL_VECTOR;
}

/** What EAX holds after `mov eax, value`: the value's low 32 bits (nasm keeps those, warning when it overflows). */
function dword(value: number): number {
  return ((value % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

/**
 * The constant last moved into EAX before the hypercall at index `at`, looking back through the
 * straight-line code above it in the same file; undefined when EAX is set some other way.
 */
function hypercallNumberBefore(doc: AnalyzedDocument, at: number): { value: number; range: SourceRange } | undefined {
  const stmts = doc.result.statements;
  for (let j = at - 1; j >= 0 && at - j <= 32; j--) {
    const s = stmts[j];
    if (s.range.file !== doc.path) return undefined;
    if (s.label && !s.label.name.startsWith('.')) return undefined;
    const m = s.mnemonic?.name.toLowerCase();
    if (!m) continue;
    const first = s.operands[0]?.text.trim().toLowerCase();
    if (first !== 'eax' && first !== 'ax' && first !== 'al') {
      if (m.startsWith('j') || m === 'call' || m === 'ret' || m === 'iret') return undefined;
      continue;
    }
    if (m !== 'mov' || s.operands.length !== 2 || first !== 'eax') return undefined;
    const src = s.operands[1];
    const text = src.text.trim();
    const negative = text.startsWith('-');
    const literal = parseNumber(negative ? text.slice(1).trim() : text);
    if (literal !== undefined) return { value: dword(negative ? -literal : literal), range: src.range };
    const sym = doc.result.symbols.find((x) => x.name === text && x.kind === 'constant');
    return sym?.value !== undefined ? { value: dword(sym.value), range: src.range } : undefined;
  }
  return undefined;
}
