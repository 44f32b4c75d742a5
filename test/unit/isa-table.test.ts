// Invariants of the instruction table checked against their references: Intel's VM-exit numbers
// (shared/spec/x86-virtualization-facts.md), Robin & Irvine's sensitive-unprivileged list, the
// hypercall ABI (core/src/vmm/hypercalls.ts) and DESIGN.md §2's instruction list.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INSTRUCTIONS, MNEMONICS, PREFIX_MNEMONICS, findInstruction } from '../../core/src/isa/table';
import { REGISTERS, lookupRegister } from '../../core/src/isa/registers';
import { parseEncoding } from '../../core/src/isa/encode-form';
import { SHARED_INFO_HYPERCALL } from '../../core/src/isa/virt';
import { isNasmMnemonic, isOutsideDialect } from '../../core/src/isa/nasm-mnemonics';
import { isNasmRegister, isRegisterOutsideDialect } from '../../core/src/isa/nasm-registers';
import { HYPERCALLS } from '../../core/src/vmm/hypercalls';
import type { FormSpec, InstructionSpec, OperandKind, VirtBehaviour } from '../../core/src/isa/types';

const FACTS = path.resolve(__dirname, '..', '..', '..', 'shared', 'spec', 'x86-virtualization-facts.md');

const OPERAND_KINDS: ReadonlySet<OperandKind> = new Set<OperandKind>([
  'r8', 'r16', 'r32', 'rm8', 'rm16', 'rm32', 'm', 'm8', 'm16', 'm32', 'm64', 'mfar16', 'mfar32',
  'imm8', 'imm16', 'imm32', 'sbyte16', 'sbyte32', 'one', 'al', 'ax', 'eax', 'cl', 'cx', 'ecx', 'dx',
  'es', 'cs', 'ss', 'ds', 'fs', 'gs', 'sreg', 'creg', 'dreg', 'rel8', 'rel16', 'rel32',
  'ptr16:16', 'ptr16:32', 'moffs8', 'moffs16', 'moffs32',
]);

/** Every behaviour in the table, with where it comes from. */
function allVirt(): { where: string; virt: VirtBehaviour }[] {
  const out: { where: string; virt: VirtBehaviour }[] = [];
  for (const spec of INSTRUCTIONS) {
    out.push({ where: spec.mnemonic, virt: spec.virt });
    spec.forms.forEach((f, i) => { if (f.virt) out.push({ where: `${spec.mnemonic} form ${i} (${f.operands.join(',')})`, virt: f.virt }); });
  }
  return out;
}

function spec(name: string): InstructionSpec {
  const s = findInstruction(name);
  assert.ok(s, `${name} missing from the table`);
  return s;
}

describe('instruction table', () => {
  it('covers DESIGN.md §2 (IA-32 integer and system set)', () => {
    const required = `mov movzx movsx xchg push pop pusha pushad pushaw popa popad popaw lea cbw cwde cwd cdq xlatb xlat bswap
      add adc sub sbb cmp and or xor test inc dec neg not mul imul div idiv aaa aas aam aad daa das
      rol ror rcl rcr shl sal shr sar shld shrd bt bts btr btc bsf bsr xadd cmpxchg cmpxchg8b
      sete setz setb setc setnae cmove cmovz cmovnbe jz je jnae jb jc jcxz jecxz loop loope loopz loopne loopnz
      jmp call ret retn retf int int3 into int1 icebp iret iretw iretd enter leave
      pushf pushfd pushfw popf popfd popfw lahf sahf clc stc cmc cld std cli sti in out
      movsb movsw movsd cmpsb cmpsw cmpsd scasb scasw scasd lodsb lodsw lodsd stosb stosw stosd
      insb insw insd outsb outsw outsd lds les lfs lgs lss lgdt lidt sgdt sidt lldt sldt ltr str
      lmsw smsw clts invlpg invd wbinvd cpuid rdtsc rdmsr wrmsr lar lsl verr verw arpl sysenter sysexit
      vmcall ud2 pause hlt nop bound`.split(/\s+/).filter((s) => s !== '');
    const missing = required.filter((m) => findInstruction(m) === undefined);
    assert.deepEqual(missing, []);
    for (const cc of ['o', 'no', 'b', 'c', 'nae', 'ae', 'nb', 'nc', 'e', 'z', 'ne', 'nz', 'be', 'na', 'a', 'nbe', 's', 'ns', 'p', 'pe', 'np', 'po', 'l', 'nge', 'ge', 'nl', 'le', 'ng', 'g', 'nle']) {
      for (const family of ['j', 'set', 'cmov']) assert.ok(findInstruction(family + cc), `${family}${cc} missing`);
    }
    assert.equal(spec('jz'), spec('je'));
    assert.equal(spec('jnae'), spec('jc'));
    assert.equal(spec('SAL'), spec('shl'));
    assert.equal(findInstruction('fadd'), undefined, 'no FPU');
    assert.equal(findInstruction('bogus'), undefined);
  });

  it('names only instructions and prefixes nasm knows (recorded from nasm by scripts/record-nasm-mnemonics.sh)', () => {
    const names = [...MNEMONICS, ...PREFIX_MNEMONICS];
    assert.deepEqual(names.filter((m) => !isNasmMnemonic(m)), []);
    assert.deepEqual(names.filter((m) => isOutsideDialect(m)), []);
    // What the dialect leaves out (DESIGN.md §2: no FPU/SSE; 64-bit and later extensions).
    for (const m of ['lfence', 'fninit', 'movaps', 'vmxon', 'rdpmc', 'swapgs', 'popcnt', 'LFENCE']) assert.ok(isOutsideDialect(m), m);
    for (const m of ['eax', 'byte', 'section', 'db', 'times', 'start']) assert.ok(!isNasmMnemonic(m), m);
  });

  it('knows every dialect register as a nasm register, and which nasm registers it leaves out (scripts/record-nasm-registers.sh)', () => {
    assert.deepEqual(REGISTERS.filter((r) => r.cls !== 'sreg' && !isNasmRegister(r.name)).map((r) => r.name), []);
    for (const r of ['rax', 'r8d', 'R15W', 'spl', 'xmm31', 'st0', 'mm7', 'k0', 'tr6', 'cr8', 'dr15', 'bnd3']) assert.ok(isRegisterOutsideDialect(r), r);
    for (const w of ['eax', 'cr4', 'es', 'byte', 'start', 'xmm32']) assert.ok(!isRegisterOutsideDialect(w), w);
  });

  it('gives every mnemonic a summary, group, privilege class, behaviour and forms', () => {
    for (const s of INSTRUCTIONS) {
      assert.ok(s.summary.length > 10, `${s.mnemonic}: summary`);
      assert.ok(s.forms.length > 0, `${s.mnemonic}: forms`);
      assert.ok(['innocuous', 'privileged', 'iopl-sensitive', 'sensitive-unprivileged'].includes(s.privilege), `${s.mnemonic}: privilege`);
      assert.ok(['trap', 'silent', 'runs', 'reflected'].includes(s.virt.trapAndEmulate), `${s.mnemonic}: virt`);
    }
  });

  it('has no duplicate names and MNEMONICS lists every name and alias', () => {
    const names = INSTRUCTIONS.flatMap((s) => [s.mnemonic, ...(s.aliases ?? [])]);
    assert.equal(new Set(names).size, names.length, 'a mnemonic or alias is defined twice');
    assert.deepEqual([...MNEMONICS].sort(), [...names].sort());
    for (const p of ['lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'es', 'cs', 'ss', 'ds', 'fs', 'gs', 'o16', 'o32', 'a16', 'a32']) {
      assert.ok(PREFIX_MNEMONICS.includes(p), p);
    }
  });

  it('writes every form in the table vocabulary, without duplicates', () => {
    for (const s of INSTRUCTIONS) {
      const seen = new Set<string>();
      for (const f of s.forms) {
        const where = `${s.mnemonic} ${f.operands.join(',')} [${f.encoding}]`;
        const parsed = parseEncoding(f.encoding);
        assert.ok(parsed.ok, `${where}: ${parsed.ok ? '' : parsed.message}`);
        for (const k of f.operands) assert.ok(OPERAND_KINDS.has(k), `${where}: unknown operand kind ${k}`);
        assert.equal(f.roles.length, f.operands.length, `${where}: one role per operand`);
        assert.match(f.roles, /^[rmbo ijpfx]*$/, where);
        const recipe = parsed.ok ? parsed.recipe : undefined;
        if (recipe?.modrm === 'r') assert.ok(/[rb]/.test(f.roles) && /[mb]/.test(f.roles), `${where}: /r needs reg and rm operands`);
        if (recipe?.plusRegister) assert.ok(f.roles.includes('o'), `${where}: +r needs an 'o' operand`);
        const key = `${f.operands.join(',')}|${f.encoding}`;
        assert.ok(!seen.has(key), `${where}: duplicate form`);
        seen.add(key);
      }
    }
  });

  it('uses Intel exit-reason numbers and names from the facts sheet', () => {
    const text = fs.readFileSync(FACTS, 'utf8');
    const section = text.slice(text.indexOf('## VM-exit basic reasons'), text.indexOf('## Execution controls'));
    const intel = new Map<number, string>();
    for (const m of section.matchAll(/(\d+) ([A-Za-z][^·\n]*?)(?= ·|\.|\n)/g)) if (!intel.has(Number(m[1]))) intel.set(Number(m[1]), m[2].trim());
    assert.equal(intel.get(10), 'CPUID', 'facts sheet parsed');
    let checked = 0;
    for (const { where, virt } of allVirt()) {
      if (virt.hardwareAssisted === 'no-exit') continue;
      const name = intel.get(virt.hardwareAssisted.exitReason);
      assert.equal(virt.hardwareAssisted.exitName.toLowerCase(), name?.toLowerCase(), `${where}: exit ${virt.hardwareAssisted.exitReason}`);
      assert.ok(virt.hardwareAssisted.when.length > 0, `${where}: when`);
      checked++;
    }
    assert.ok(checked > 15);
    const exitOf = (m: string): number | undefined => { const h = spec(m).virt.hardwareAssisted; return h === 'no-exit' ? undefined : h.exitReason; };
    const expected: Record<string, number> = { cpuid: 10, hlt: 12, invd: 13, invlpg: 14, rdtsc: 16, vmcall: 18, lmsw: 28, clts: 28, in: 30, out: 30, insb: 30, outsd: 30, rdmsr: 31, wrmsr: 32, pause: 40, lgdt: 46, lidt: 46, sgdt: 46, sidt: 46, lldt: 47, ltr: 47, sldt: 47, str: 47, wbinvd: 54 };
    for (const [m, n] of Object.entries(expected)) assert.equal(exitOf(m), n, m);
    const movCr = spec('mov').forms.filter((f) => f.operands.includes('creg'));
    const movDr = spec('mov').forms.filter((f) => f.operands.includes('dreg'));
    for (const f of movCr) assert.equal((f.virt?.hardwareAssisted as { exitReason: number }).exitReason, 28);
    for (const f of movDr) assert.equal((f.virt?.hardwareAssisted as { exitReason: number }).exitReason, 29);
    for (const m of ['cpuid', 'vmcall', 'invd']) assert.equal((spec(m).virt.hardwareAssisted as { when: string }).when, 'always', `${m} always exits`);
  });

  it('exits on the exceptions INT3, INTO, BOUND, UD2 and INT1 raise, never on INT n itself (SDM Vol. 3C §25.2)', () => {
    // "This use of the exception bitmap applies also to exceptions generated by the instructions
    // INT3, INTO, BOUND, and UD2": basic exit reason 0 (Appendix C), selected by the vector's bit.
    const raised: Record<string, number> = { int3: 3, into: 4, bound: 5, ud2: 6, int1: 1 };
    for (const [m, vector] of Object.entries(raised)) {
      const hw = spec(m).virt.hardwareAssisted;
      assert.notEqual(hw, 'no-exit', m);
      if (hw === 'no-exit') continue;
      assert.equal(hw.exitReason, 0, m);
      assert.match(hw.when, new RegExp(`\\bbit ${vector}\\b.*exception bitmap`), m);
    }
    // INT n is a software interrupt, not an exception: the bitmap never selects it.
    assert.equal(spec('int').virt.hardwareAssisted, 'no-exit');
    assert.doesNotMatch(spec('int').virt.note ?? '', /unless the exception bitmap selects the vector/);
  });

  it('states the exit conditions of SDM Vol. 3C §25.1.3 and Table C-1', () => {
    const when = (m: string, operand?: OperandKind): string => {
      const f = operand === undefined ? undefined : spec(m).forms.find((x) => x.operands[0] === operand);
      const hw = (f?.virt ?? spec(m).virt).hardwareAssisted;
      return hw === 'no-exit' ? '' : hw.when;
    };
    // Exit reason 30: "use I/O bitmaps" 1 and a port's bit set, or "use I/O bitmaps" 0 and
    // "unconditional I/O exiting" 1 -- with the bitmaps in use, bit 24 no longer matters.
    for (const m of ['in', 'out', 'insb', 'outsd']) {
      assert.match(when(m), /bitmaps are in use.*bit of a port.*set; without the bitmaps, .*unconditional I\/O exiting/, m);
    }
    // CLTS: bit 3 set in both the CR0 guest/host mask and the CR0 read shadow.
    assert.match(when('clts'), /both the CR0 guest\/host mask and the CR0 read shadow/);
    // LMSW and MOV to CR0/CR4 compare the value written with the read shadow, not with CR0.
    assert.match(when('lmsw'), /CR0 read shadow/);
    assert.match(when('mov', 'creg'), /CR3-target values.*read shadow/);
    // RDMSR/WRMSR: bitmaps off, ECX outside both ranges, or the MSR's bit set.
    assert.match(when('rdmsr'), /MSR bitmaps are off.*outside 0-1FFFH and C0000000H-C0001FFFH.*read bitmap/);
    assert.match(when('wrmsr'), /write bitmap/);
  });

  it("classifies Robin & Irvine's instructions as sensitive but unprivileged", () => {
    for (const m of ['sgdt', 'sidt', 'sldt', 'smsw', 'pushf', 'popf', 'lar', 'lsl', 'verr', 'verw', 'int', 'retf', 'str']) {
      assert.equal(spec(m).privilege, 'sensitive-unprivileged', m);
      // A software interrupt is delivered through the real IDT, so trap-and-emulate sees it: "every
      // exception and interrupt exits" (DESIGN.md §4); the others run unseen in ring 1.
      assert.equal(spec(m).virt.trapAndEmulate, m === 'int' ? 'reflected' : 'silent', m);
    }
    for (const m of ['int3', 'into', 'int1']) assert.equal(spec(m).virt.trapAndEmulate, 'reflected', m);
    const formsWhere = (m: string, pred: (f: FormSpec) => boolean): FormSpec[] => spec(m).forms.filter(pred);
    const segmentForm = (f: FormSpec): boolean => f.operands.some((k) => ['sreg', 'es', 'cs', 'ss', 'ds', 'fs', 'gs'].includes(k));
    const farForm = (f: FormSpec): boolean => f.operands.some((k) => k.startsWith('ptr16') || k.startsWith('mfar'));
    const groups: [string, FormSpec[]][] = [
      ['push sreg', formsWhere('push', segmentForm)], ['pop sreg', formsWhere('pop', segmentForm)],
      ['mov sreg', formsWhere('mov', segmentForm)], ['call far', formsWhere('call', farForm)], ['jmp far', formsWhere('jmp', farForm)],
    ];
    for (const [what, forms] of groups) {
      assert.ok(forms.length > 0, what);
      for (const f of forms) {
        assert.equal(f.privilege, 'sensitive-unprivileged', `${what} ${f.operands.join(',')}`);
        assert.equal(f.virt?.trapAndEmulate, 'silent', `${what} ${f.operands.join(',')}`);
      }
    }
    // DESIGN.md §4 adds CPUID: unprivileged, and it shows the guest the real processor.
    assert.equal(spec('cpuid').privilege, 'sensitive-unprivileged');
    assert.equal(spec('cpuid').virt.trapAndEmulate, 'silent');
    assert.match(spec('popf').virt.note ?? '', /does not trap outside ring 0/);
    assert.match(spec('popf').flags?.note ?? '', /does not trap/);
  });

  it('classifies privileged and IOPL-sensitive instructions so they trap at ring 1', () => {
    for (const m of ['lgdt', 'lidt', 'lldt', 'ltr', 'lmsw', 'clts', 'invlpg', 'invd', 'wbinvd', 'hlt', 'rdmsr', 'wrmsr']) {
      assert.equal(spec(m).privilege, 'privileged', m);
      assert.equal(spec(m).virt.trapAndEmulate, 'trap', m);
    }
    for (const m of ['cli', 'sti', 'in', 'out', 'insb', 'outsw']) assert.equal(spec(m).privilege, 'iopl-sensitive', m);
    for (const m of ['add', 'mov', 'jmp', 'nop']) assert.deepEqual(spec(m).virt.trapAndEmulate, 'runs', m);
  });

  it('names only hypercalls (and sub-operations) that exist in the ABI', () => {
    const resolve = (name: string): boolean => {
      if (name === SHARED_INFO_HYPERCALL) return true;
      const [call, sub] = name.split('.');
      const h = HYPERCALLS.find((x) => x.name === call);
      return h !== undefined && (sub === undefined || (h.subops !== undefined && sub in h.subops));
    };
    for (const { where, virt } of allVirt()) {
      if (virt.paravirtual !== 'runs') assert.ok(resolve(virt.paravirtual.hypercall), `${where}: unknown hypercall ${virt.paravirtual.hypercall}`);
    }
    const pv = (m: string): string | undefined => { const p = spec(m).virt.paravirtual; return p === 'runs' ? undefined : p.hypercall; };
    assert.equal(pv('hlt'), 'sched_op.block');
    assert.equal(pv('lidt'), 'set_trap_table');
    assert.equal(pv('lgdt'), 'set_gdt');
    assert.equal(pv('invlpg'), 'mmuext_op.invlpg_local');
    assert.equal(pv('clts'), 'fpu_taskswitch');
    assert.equal(pv('lldt'), 'mmuext_op.set_ldt');
    assert.equal(pv('ltr'), 'stack_switch');
    assert.equal(pv('iret'), 'iret');
    assert.equal(pv('out'), 'console_io.write');
    for (const m of ['cli', 'sti', 'pushf', 'popf']) assert.equal(pv(m), SHARED_INFO_HYPERCALL, m);
    const toCr3 = spec('mov').forms.find((f) => f.operands[0] === 'creg');
    assert.deepEqual(toCr3?.virt?.paravirtual, { hypercall: 'mmuext_op.new_baseptr' });
    const toDr = spec('mov').forms.find((f) => f.operands[0] === 'dreg');
    assert.deepEqual(toDr?.virt?.paravirtual, { hypercall: 'set_debugreg' });
  });

  it('knows every register with its encoding number, in any letter case', () => {
    assert.equal(REGISTERS.length, 8 * 3 + 6 + 8 + 8);
    assert.deepEqual(lookupRegister('EBP'), { name: 'ebp', cls: 'gpr32', num: 5, bits: 32 });
    assert.equal(lookupRegister('Ds')?.num, 3);
    assert.equal(lookupRegister('bh')?.num, 7);
    assert.equal(lookupRegister('cr3')?.cls, 'creg');
    assert.equal(lookupRegister('xmm0'), undefined);
  });
});
