// The Rings view's "what runs where" (client/src/views/ringsTablesModel.ts via ringsModel.ts and
// ringsHtml.ts), fed with the descriptor tables the runtime reads from the example kernel at
// user_entry. Expected values come from the kernel's source (examples/include/gdt.inc, pc.inc,
// kernel.gasm's install_idt) and the SDM's rules for where a gate's handler runs (Vol. 3A §6.12.1).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { RingsResponse } from '../../core/src/protocol';
import { readDescriptorTables } from '../../core/src/runtime/descriptor-tables';
import { GuestSession } from '../../core/src/runtime/session';
import { ringsHtml } from '../../client/src/views/ringsHtml';
import { EMPTY_HISTORY, recordRings, ringsPicture } from '../../client/src/views/ringsModel';
import { ringTables } from '../../client/src/views/ringsTablesModel';

const ROOT = path.join(__dirname, '..', '..');
const KERNEL = path.join(ROOT, 'examples', 'kernel', 'kernel.gasm');
const INCLUDE = [path.join(ROOT, 'examples', 'include'), path.join(ROOT, 'examples', 'kernel')];

async function kernelAtUserEntry(): Promise<GuestSession> {
  const r = GuestSession.load({ source: { file: KERNEL, includePaths: INCLUDE } });
  assert.ok(r.ok, r.ok ? '' : r.message);
  const s = r.session;
  const at = s.symbols.lookup('user_entry');
  assert.ok(at !== undefined);
  s.setBreakpoints([{ address: at }]);
  assert.equal((await s.continue()).kind, 'stopped');
  return s;
}

function response(s: GuestSession): RingsResponse {
  const regs = s.registers();
  const sys = s.systemRegisters();
  const segs = s.segments();
  return {
    technique: s.technique,
    vcpus: [{
      vm: 0, vcpu: 0, realCpl: sys.cpl, virtualCpl: sys.cpl, eip: regs.eip, instruction: s.disassemble(regs.eip, 0, 1)[0]?.text ?? '??',
      source: s.sourceLocation(regs.eip), symbol: s.symbols.symbolize(regs.eip), protectedMode: true, pagingEnabled: (sys.cr0 >>> 31) !== 0,
      csDpl: segs[1].dpl, ssDpl: segs[2].dpl, iopl: s.eflags().iopl, instructions: s.machine.cpu.instret,
      descriptorTables: readDescriptorTables(s.machine, s.symbols),
    }],
  };
}

describe('client views: what runs in each ring of the example kernel', function () {
  this.timeout(20000);

  it('puts the kernel segments, the exception and INT 0x80 handlers and the SS0:ESP0 stack in ring 0, the user segments in ring 3', async () => {
    const s = await kernelAtUserEntry();
    const r = response(s);
    const t = ringTables(r.vcpus[0].descriptorTables!);
    // KERNEL_CS 0x08 / KERNEL_DS 0x10 at DPL 0, USER_CS 0x18 / USER_DS 0x20 at DPL 3 (pc.inc ACC_*), all flat.
    assert.deepEqual(t.segments.map((ring) => ring.map((line) => line.split(' ')[0] + ' ' + line.split(' ')[1].replace(',', ''))), [['0x08 code', '0x10 data'], [], [], ['0x18 code', '0x20 data']]);
    assert.ok(t.segments[0][0].includes('flat 4 GiB, 32-bit'));
    assert.match(t.segments[0][0], / — \d+ labels: /);
    // install_idt: 32 DPL 0 interrupt gates to exception_0..31 and the DPL 3 gate 0x80 to syscall_entry, all into KERNEL_CS (ring 0).
    assert.deepEqual(t.entries, [[
      'INT 0x00–0x1f: 32 interrupt gates, DPL 0 → exception_0 … exception_31',
      'INT 0x80: interrupt gate, DPL 3: INT n allowed from ring 3 → syscall_entry',
    ], [], [], []]);
    // tss32.ss0 = KERNEL_DS, esp0 = kernel_stack_top; SS1/SS2 null: no stacks for rings 1 and 2.
    const esp0 = s.symbols.lookup('kernel_stack_top')!;
    assert.deepEqual(t.stacks, [`SS0:ESP0 = 0x0010:0x${esp0.toString(16).padStart(8, '0')}`, undefined, undefined, undefined]);
    assert.ok(t.facts.some((f) => /^GDT at 0x[0-9a-f]{8}: 6 slots, 5 in use$/.test(f)), t.facts.join('\n'));
    assert.ok(t.facts.some((f) => /^TR 0x28: 32-bit TSS at 0x[0-9a-f]{8} \(busy\)$/.test(f)), t.facts.join('\n'));
    assert.ok(t.facts.includes('IDT at 0x' + s.symbols.lookup('idt')!.toString(16).padStart(8, '0') + ': 33 present gates'));

    const v = ringsPicture(r, recordRings(EMPTY_HISTORY, r)).vcpus[0];
    assert.deepEqual(v.rings.map((x) => x.entries.length), [2, 0, 0, 0]);
    assert.equal(v.rings[0].stack, t.stacks[0]);
    assert.deepEqual(v.rings[3].seen, ['user_entry']);
    const html = ringsHtml(ringsPicture(r, recordRings(EMPTY_HISTORY, r)), 'vscode-resource:');
    assert.ok(html.includes('INT 0x80: interrupt gate, DPL 3: INT n allowed from ring 3 → syscall_entry'));
    assert.ok(html.includes('<h4>Descriptor tables</h4>'));
    assert.ok(!/<script/i.test(html));
  });

  it('draws the old picture when the response has no tables, and escapes label names', () => {
    const base: RingsResponse = {
      technique: 'native',
      vcpus: [{ vm: 0, vcpu: 0, realCpl: 0, virtualCpl: 0, eip: 0x100000, instruction: 'nop', protectedMode: true, pagingEnabled: false, csDpl: 0, ssDpl: 0, iopl: 0, instructions: 1 }],
    };
    const v = ringsPicture(base, EMPTY_HISTORY).vcpus[0];
    assert.deepEqual(v.rings.map((x) => [x.segments, x.entries, x.stack]), [[[], [], undefined], [[], [], undefined], [[], [], undefined], [[], [], undefined]]);
    assert.deepEqual(v.tableFacts, []);
    const withTables: RingsResponse = {
      ...base,
      vcpus: [{
        ...base.vcpus[0],
        descriptorTables: {
          gdt: { base: 0x1000, limit: 15, entries: [] },
          idt: { base: 0x2000, limit: 7, gates: [{ vector: 0, kind: 'trap-gate', bits: 32, dpl: 0, present: true, target: { selector: 8, offset: 0x100000, symbol: '<evil>', ring: 0 } }] },
        },
      }],
    };
    const html = ringsHtml(ringsPicture(withTables, EMPTY_HISTORY), 'x');
    assert.ok(html.includes('INT 0x00: trap gate, DPL 0 → &lt;evil&gt;'));
    assert.ok(!html.includes('<evil>'));
  });
});
