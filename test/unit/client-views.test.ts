// The client views' pure models (client/src/views/*Model.ts, ringsHtml.ts) fed with protocol
// responses read from the real runtime running the example kernel (examples/kernel): its page
// directory, page tables, TLB and rings at known points. Expected values come from the kernel's
// source (what it maps where, with which PG_* bits) and the SDM (A bit set on first access,
// §4.8; #PF error-code bits, §4.7; INVLPG counted; CPL 3 after IRET to a ring 3 CS), not from our
// own output.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GuestSession } from '../../core/src/runtime/session';
import type { PageTablesResponse, RingsResponse, TlbResponse, TranslateResponse } from '../../core/src/protocol';
import { directoryContent, directoryEntryId, tableNodes } from '../../client/src/views/pageTablesModel';
import { describePageFaultCode, splitLinear, walkLines, walkNode, WALK_NODE_ID } from '../../client/src/views/pageWalkModel';
import { pagingFlags } from '../../client/src/views/pagingFlags';
import { tlbContent } from '../../client/src/views/tlbModel';
import { EMPTY_HISTORY, recordRings, ringsPicture } from '../../client/src/views/ringsModel';
import { escapeHtml, ringsHtml } from '../../client/src/views/ringsHtml';
import { hex32 } from '../../client/src/views/hex';
import type { ViewNode } from '../../client/src/views/viewNode';

const ROOT = path.join(__dirname, '..', '..');
const KERNEL = path.join(ROOT, 'examples', 'kernel', 'kernel.gasm');
const INCLUDE = [path.join(ROOT, 'examples', 'include'), path.join(ROOT, 'examples', 'kernel')];

// From examples/kernel/kernel.inc and examples/include/pc.inc.
const USER_BASE = 0x4000_0000;
const HIGHER_BASE = 0xc000_0000;
const DEMAND_BASE = 0x8000_0000;
const PG_PRESENT = 1, PG_USER = 4;

// ---- protocol responses from the runtime, field for field as core/src/protocol.ts declares them ----

function ringsResponse(s: GuestSession): RingsResponse {
  const regs = s.registers();
  const sys = s.systemRegisters();
  const segs = s.segments();
  return {
    technique: s.technique,
    vcpus: [{
      vm: 0, vcpu: 0, realCpl: sys.cpl, virtualCpl: sys.cpl, eip: regs.eip,
      instruction: s.disassemble(regs.eip, 0, 1)[0]?.text ?? '??',
      source: s.sourceLocation(regs.eip), symbol: s.symbols.symbolize(regs.eip),
      protectedMode: (sys.cr0 & 1) !== 0, pagingEnabled: (sys.cr0 >>> 31) !== 0,
      csDpl: segs.find((g) => g.name === 'cs')!.dpl, ssDpl: segs.find((g) => g.name === 'ss')!.dpl,
      iopl: s.eflags().iopl, instructions: s.machine.cpu.instret,
    }],
  };
}

function pageTablesResponse(s: GuestSession, pdeIndex?: number): PageTablesResponse {
  const sys = s.systemRegisters();
  const pagingEnabled = (sys.cr0 >>> 31) !== 0;
  const base: PageTablesResponse = { space: 'guest', pagingEnabled, cr3: sys.cr3, pse: (sys.cr4 & 0x10) !== 0, directory: pagingEnabled ? s.pageDirectory() : [] };
  return pdeIndex === undefined ? base : { ...base, table: { pdeIndex, entries: s.pageTable(pdeIndex) } };
}

function tlbResponse(s: GuestSession): TlbResponse {
  const shape = s.machine.mmu.tlb.shape;
  return { shape: { entries: shape.entries, ways: shape.ways, policy: shape.policy }, entries: s.tlbEntries(), counters: { ...s.tlbCounters(), ...s.mmuCounters() } };
}

const translateResponse = (s: GuestSession, linear: number): TranslateResponse => s.translate(linear);

// ---- the guest ----

function load(): GuestSession {
  const r = GuestSession.load({ source: { file: KERNEL, includePaths: INCLUDE } });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.session;
}
const sym = (s: GuestSession, name: string): number => {
  const v = s.symbols.lookup(name);
  assert.ok(v !== undefined, name);
  return v;
};
/** A guest dword straight from physical memory (what the kernel wrote into its tables). */
const physDword = (s: GuestSession, pa: number): number => Buffer.from(s.readMemory(pa, 4, 'physical').bytes).readUInt32LE(0);

async function runTo(s: GuestSession, label: string): Promise<void> {
  s.setBreakpoints([{ address: sym(s, label) }]);
  const o = await s.continue();
  assert.equal(o.kind, 'stopped', JSON.stringify(o));
  assert.equal(s.registers().eip, sym(s, label));
}

const byId = (nodes: readonly ViewNode[], id: string): ViewNode => {
  const n = nodes.find((x) => x.id === id);
  assert.ok(n, `no node ${id} in ${nodes.map((x) => x.id).join(', ')}`);
  return n;
};

describe('client views: page tables of the example kernel', function () {
  this.timeout(20000);
  let s: GuestSession;
  before(async () => {
    s = load();
    await runTo(s, 'user_entry');
  });

  it('says paging is off before the kernel sets CR0.PG, and lists nothing', () => {
    const fresh = load();
    const c = directoryContent(pageTablesResponse(fresh));
    assert.deepEqual(c.nodes, []);
    assert.match(c.message ?? '', /CR0\.PG = 0/);
  });

  it('lists exactly the four directory entries setup_paging writes, with CR3 = page_directory', () => {
    const c = directoryContent(pageTablesResponse(s));
    assert.deepEqual(c.nodes.map((n) => n.id), [0, USER_BASE >>> 22, DEMAND_BASE >>> 22, HIGHER_BASE >>> 22].map((i) => directoryEntryId('guest', i)));
    assert.match(c.description ?? '', new RegExp(`CR3 ${hex32(sym(s, 'page_directory'))}`));
    const low = byId(c.nodes, directoryEntryId('guest', 0));
    const alias = byId(c.nodes, directoryEntryId('guest', HIGHER_BASE >>> 22));
    // PDE 0 and PDE 768 both point at pt_low (the higher-half alias).
    for (const n of [low, alias]) assert.match(n.description ?? '', new RegExp(`table ${hex32(sym(s, 'pt_low'))}`));
    assert.match(alias.description ?? '', new RegExp(`^${hex32(HIGHER_BASE)} → `));
    assert.equal(alias.linear, HIGHER_BASE);
    // The user PDE has PG_USER; kernel PDEs do not. Directory entries pointing to tables never show D/G/PS.
    assert.match(byId(c.nodes, directoryEntryId('guest', USER_BASE >>> 22)).description ?? '', / · P RW US( A)?$/);
    assert.match(low.description ?? '', / · P RW( A)?$/);
    for (const n of c.nodes) {
      assert.equal(n.collapsible, 'collapsed');
      assert.equal(n.pdeIndex, Number(n.id.split(':').pop()));
    }
  });

  it('expands the identity-map table to 1024 supervisor, writable pages with frame = linear address', () => {
    const r = pageTablesResponse(s, 0);
    const nodes = tableNodes('guest', 0, r.table!.entries);
    assert.equal(nodes.length, 1024);
    nodes.forEach((n, i) => {
      assert.equal(n.id, `pageTables:guest:pte:0:${i}`);
      assert.equal(n.linear, i * 4096);
      assert.ok(n.description!.startsWith(`${hex32(i * 4096)} → ${hex32(i * 4096)} · P RW`), n.description);
      assert.ok(!/\bUS\b/.test(n.description!), n.description);
    });
  });

  it('shows the user table as the kernel wrote it: code read-only user, stack writable user', () => {
    const nodes = tableNodes('guest', USER_BASE >>> 22, pageTablesResponse(s, USER_BASE >>> 22).table!.entries);
    assert.deepEqual(nodes.map((n) => n.linear), [USER_BASE, USER_BASE + 4096]);
    const codePte = physDword(s, sym(s, 'pt_user'));
    assert.equal(codePte & 0xfff & ~0x60, PG_PRESENT | PG_USER); // the kernel's `mov dword [pt_user], ... + (PG_PRESENT | PG_USER)`
    assert.match(nodes[0].description!, new RegExp(`^${hex32(USER_BASE)} → ${hex32(codePte & ~0xfff)} · P US( A)?$`));
    assert.match(nodes[1].description!, new RegExp(`^${hex32(USER_BASE + 4096)} → ${hex32(sym(s, 'user_stack'))} · P RW US`));
  });

  it('marks the demand page the #PF handler mapped as accessed and dirty (the guest wrote 0x00C0FFEE there)', () => {
    const [pte] = tableNodes('guest', DEMAND_BASE >>> 22, pageTablesResponse(s, DEMAND_BASE >>> 22).table!.entries);
    // SDM Vol. 3A §4.8: the processor sets A on the first access and D on the first write.
    assert.equal(pte.description, `${hex32(DEMAND_BASE)} → ${hex32(sym(s, 'demand_page'))} · P RW A D`);
  });

  it('walks the higher-half alias of alias_message to its physical address through PDE 0x300', () => {
    const la = HIGHER_BASE + sym(s, 'alias_message');
    const r = translateResponse(s, la);
    const lines = walkLines(r);
    assert.equal(lines[0].label, `Linear ${hex32(la)}`);
    assert.equal(lines[0].description, `directory 0x300 | table ${'0x' + ((la >>> 12) & 0x3ff).toString(16)} | offset 0x${(la & 0xfff).toString(16)}`);
    assert.equal(lines[1].label, `PDE 0x300 at ${hex32(sym(s, 'page_directory') + 0x300 * 4)} = ${hex32(physDword(s, sym(s, 'page_directory') + 0x300 * 4))}`);
    assert.match(lines[2].label, new RegExp(`^PTE 0x${((la >>> 12) & 0x3ff).toString(16)} at ${hex32(sym(s, 'pt_low') + ((la >>> 12) & 0x3ff) * 4)}`));
    assert.equal(lines[3].label, `→ physical ${hex32(sym(s, 'alias_message'))}`);
    const node = walkNode(r, 'alias_message + 0xC0000000');
    assert.equal(node.id, WALK_NODE_ID);
    assert.equal(node.label, `Walk of alias_message + 0xC0000000 = ${hex32(la)}`);
    assert.equal(node.children?.length, 4);
    assert.equal(walkNode(r, hex32(la)).label, `Walk of ${hex32(la)}`);
  });

  it('stops a walk at the first not-present entry and explains the #PF error code', () => {
    // DEMAND_BASE + 4 KiB: PDE 512 present, PTE 1 never written.
    const r = translateResponse(s, DEMAND_BASE + 0x1000);
    assert.equal(r.ok, false);
    const lines = walkLines(r);
    assert.equal(lines.length, 4);
    assert.equal(lines[2].description, 'not present');
    assert.equal(lines[3].label, '→ page fault, error code 0x0');
    assert.equal(lines[3].detail, 'page not present, read, supervisor mode');
    // 0x12345678: PDE 0x48 is not present, so the walk has one step.
    const far = walkLines(translateResponse(s, 0x1234_5678));
    assert.equal(far.length, 3);
    assert.match(far[1].label, /^PDE 0x48 at /);
  });

  it('decodes #PF error codes bit by bit (SDM Vol. 3A §4.7)', () => {
    assert.equal(describePageFaultCode(0b00111), 'protection violation, write, user mode');
    assert.equal(describePageFaultCode(0b11000), 'page not present, read, supervisor mode, reserved bit set, instruction fetch');
  });

  it('splits a linear address 10/10/12, or 10/22 for a 4 MiB page (SDM Vol. 3A Figures 4-2, 4-3)', () => {
    assert.equal(splitLinear(0xc0001234, false), 'directory 0x300 | table 0x1 | offset 0x234');
    assert.equal(splitLinear(0xc0401234, true), 'directory 0x301 | offset 0x1234');
  });

  it('shows D, G only for entries that map pages, PS only for 4 MiB directory entries (SDM Tables 4-5, 4-6)', () => {
    const all = { writable: true, user: true, accessed: true, dirty: true, global: true };
    assert.equal(pagingFlags('pde', { ...all, large: false }), 'P RW US A');
    assert.equal(pagingFlags('pde', { ...all, large: true }), 'P RW US A D G PS');
    assert.equal(pagingFlags('pte', { ...all, large: false }), 'P RW US A D G');
  });
});

describe('client views: TLB of the example kernel', function () {
  this.timeout(20000);

  it('shows the user code page cached read-only for user mode after the first ring 3 fetch', async () => {
    const s = load();
    await runTo(s, 'user_entry');
    const before = tlbResponse(s);
    const o = await s.stepInstruction();
    assert.equal(o.kind, 'stopped');
    const c = tlbContent(tlbResponse(s), before);
    const entries = byId(c.nodes, 'tlb:entries').children!;
    const code = entries.find((n) => n.linear === USER_BASE);
    assert.ok(code, entries.map((n) => n.label).join('; '));
    const frame = physDword(s, sym(s, 'pt_user')) & ~0xfff;
    assert.equal(code.label, `0x40000 → 0x${(frame >>> 12).toString(16).padStart(5, '0')}`);
    assert.match(code.description!, /^RO user · set \d+ way \d+$/);
    // Entries listed in linear-page order, ids by (set, way).
    const linears = entries.map((n) => n.linear!);
    assert.deepEqual(linears, [...linears].sort((a, b) => a - b));
    for (const n of entries) assert.match(n.id, /^tlb:entry:\d+:\d+$/);
    assert.equal(c.description, '64 entries, 4-way, LRU');
  });

  it('counts what the kernel did: one #PF (the demand page), its INVLPG, and hits growing between stops', async () => {
    const s = load();
    await runTo(s, 'user_entry');
    const first = tlbResponse(s);
    const counters = byId(tlbContent(first).nodes, 'tlb:counters').children!;
    assert.equal(byId(counters, 'tlb:counter:pageFaults').description, '1');
    assert.equal(byId(counters, 'tlb:counter:pageInvalidations').description?.startsWith('1'), true);
    assert.ok(first.counters.hits > 0 && first.counters.misses > 0);
    const rate = byId(counters, 'tlb:counter:hitRate').description!;
    assert.equal(rate, `${((100 * first.counters.hits) / (first.counters.hits + first.counters.misses)).toFixed(2)} %`);
    await s.stepInstruction();
    await s.stepInstruction();
    const second = tlbResponse(s);
    const after = byId(tlbContent(second, first).nodes, 'tlb:counters').children!;
    const hits = byId(after, 'tlb:counter:hits').description!;
    assert.equal(hits, `${second.counters.hits} (+${second.counters.hits - first.counters.hits})`);
    assert.ok(second.counters.hits > first.counters.hits);
    assert.equal(byId(after, 'tlb:counter:pageFaults').description, '1');
  });

  it('keeps node ids stable from one stop to the next', async () => {
    const s = load();
    await runTo(s, 'user_entry');
    const ids = (c: ReturnType<typeof tlbContent>): string[] => c.nodes.flatMap((n) => [n.id, ...(n.children ?? []).filter((k) => k.id.startsWith('tlb:counter')).map((k) => k.id)]);
    const a = ids(tlbContent(tlbResponse(s)));
    await s.stepInstruction();
    assert.deepEqual(ids(tlbContent(tlbResponse(s))), a);
  });
});

describe('client views: rings of the example kernel', function () {
  this.timeout(20000);

  it('shows ring 0 at entry and ring 3 at user_entry, remembering what ran in each', async () => {
    const s = load();
    await runTo(s, 'start');
    const atStart = ringsResponse(s);
    let history = recordRings(EMPTY_HISTORY, atStart);
    const p0 = ringsPicture(atStart, history);
    const v0 = p0.vcpus[0];
    assert.ok(v0.protectedMode); // the multiboot loader enters in protected mode, CPL 0
    assert.deepEqual(v0.rings.map((r) => r.current), [true, false, false, false]);
    assert.deepEqual(v0.rings[0].seen, ['start']);
    assert.deepEqual(v0.rings.map((r) => r.ioAllowed), [true, false, false, false]); // IOPL 0
    assert.match(v0.facts[0], new RegExp(`^EIP start \\(${hex32(sym(s, 'start'))}\\) — kernel\\.gasm:\\d+: mov esp,`));

    await runTo(s, 'user_entry');
    const atUser = ringsResponse(s);
    history = recordRings(history, atUser);
    const v3 = ringsPicture(atUser, history).vcpus[0];
    assert.deepEqual(v3.rings.map((r) => r.current), [false, false, false, true]);
    assert.deepEqual(v3.rings[3].seen, ['user_entry']);
    assert.deepEqual(v3.rings[0].seen, ['start']);
    assert.match(v3.facts[1], /^CPL 3 · CS DPL 3 · SS DPL 3 · IOPL 0$/);
    assert.equal(recordRings(history, atUser), history, 'the same place twice changes nothing');

    const html = ringsHtml(ringsPicture(atUser, history), 'vscode-resource:');
    assert.match(html, /aria-label="Privilege rings 0 to 3, the CPU at ring 3"/);
    assert.match(html, /<circle class="ring current" [^>]*r="100"\/>/); // ring 3: the outermost circle
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.ok(!/<script/i.test(html));
  });

  it('draws no rings in real mode', () => {
    const s = load();
    const r = ringsResponse(s);
    const real: RingsResponse = { ...r, vcpus: r.vcpus.map((v) => ({ ...v, protectedMode: false })) };
    const v = ringsPicture(real, recordRings(EMPTY_HISTORY, real)).vcpus[0];
    assert.deepEqual(v.rings, []);
    assert.match(v.facts[v.facts.length - 1], /Real mode/);
    assert.ok(!ringsHtml(ringsPicture(real, EMPTY_HISTORY), 'x').includes('<svg'));
  });

  it('escapes guest-controlled text (labels, instructions) in the page', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
