// The bundled example guests against their references: NASM's bytes (assembled now when nasm is
// installed, else the committed fixtures), the Multiboot header rules, the COM1 output QEMU
// recorded, pv.inc against the hypercall table, and the snippets assembling with NASM.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { HYPERCALL_VECTOR, HYPERCALLS, SHARED_INFO } from '../../core/src/vmm/hypercalls';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'examples');

interface ExampleEntry {
  readonly name: string;
  readonly source: string;
  readonly files: readonly string[];
  readonly includePaths: readonly string[];
  readonly qemuExitCode: number | null;
}

const list = JSON.parse(readFileSync(join(fixtures, 'list.json'), 'utf8')) as { examples: ExampleEntry[] };
const nasmAvailable = spawnSync('nasm', ['-v'], { encoding: 'utf8' }).status === 0;

function nasm(source: string, includePaths: readonly string[], cwd = root): { bytes?: Buffer; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ringside-examples-'));
  try {
    const out = join(dir, 'out.bin');
    const r = spawnSync('nasm', ['-f', 'bin', ...includePaths.map((p) => `-I${p}`), source, '-o', out], { cwd, encoding: 'utf8' });
    return { bytes: r.status === 0 ? readFileSync(out) : undefined, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function serial(name: string): string {
  return readFileSync(join(fixtures, `${name}.serial.txt`), 'latin1');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('examples: list.json', () => {
  it('names every example source and every file it reads', () => {
    for (const e of list.examples) {
      assert.ok(e.files.includes(e.source), `${e.name}: source among files`);
      for (const f of e.files) assert.ok(existsSync(join(root, f)), `${e.name}: ${f} exists`);
      for (const p of e.includePaths) assert.ok(existsSync(join(root, p)), `${e.name}: include path ${p} exists`);
    }
    const listed = new Set(list.examples.flatMap((e) => e.files));
    const onDisk = walk(join(root, 'examples')).map((f) => relative(root, f).split('\\').join('/')).filter((f) => /\.(gasm|inc)$/.test(f));
    assert.deepEqual(onDisk.filter((f) => !listed.has(f)), []);
    assert.ok(list.examples.filter((e) => e.source.endsWith('.gasm')).length === list.examples.length);
  });
});

describe('examples: NASM bytes', () => {
  for (const e of list.examples) {
    it(`${e.name} assembles with nasm -f bin to the committed fixture`, function () {
      if (!nasmAvailable) this.skip(); // nasm is not installed: the committed .bin fixtures stand as the reference.
      const r = nasm(e.source, e.includePaths);
      assert.ok(r.bytes, `nasm failed on ${e.source}:\n${r.stderr}`);
      assert.equal(r.stderr.trim(), '', `nasm warnings on ${e.source}`);
      assert.ok(r.bytes.equals(readFileSync(join(fixtures, `${e.name}.bin`))), `${e.name}.bin differs from nasm's output: re-run scripts/record-example-fixtures.sh`);
    });
  }

  it('include paths matter: kernel.gasm does not assemble without -I (NASM 2.16 does not search the source directory)', function () {
    if (!nasmAvailable) this.skip(); // nasm is not installed.
    const r = nasm('examples/kernel/kernel.gasm', []);
    assert.equal(r.bytes, undefined);
    assert.match(r.stderr, /unable to open include file/);
  });
});

describe('examples: multiboot images', () => {
  // Multiboot Specification 0.6.96 §3.1: header in the first 8192 bytes, 32-bit aligned, with
  // magic + flags + checksum = 0 (mod 2^32); with flags bit 16 the address fields are valid.
  for (const e of list.examples) {
    it(`${e.name}.bin has a valid a.out-kludge header`, () => {
      const image = readFileSync(join(fixtures, `${e.name}.bin`));
      let at = -1;
      for (let i = 0; i + 32 <= Math.min(image.length, 8192); i += 4) {
        if (image.readUInt32LE(i) === 0x1badb002) { at = i; break; }
      }
      assert.ok(at >= 0, 'magic in the first 8 KiB at a 4-byte boundary');
      const [magic, flags, checksum, headerAddr, loadAddr, loadEndAddr, bssEndAddr, entryAddr] =
        Array.from({ length: 8 }, (_, k) => image.readUInt32LE(at + 4 * k));
      assert.equal((magic + flags + checksum) >>> 0, 0, 'checksum');
      assert.ok(flags & 0x10000, 'flags bit 16 (a.out kludge)');
      assert.equal(headerAddr - loadAddr, at, 'header_addr - load_addr = header offset in the file');
      assert.equal(loadEndAddr - loadAddr, image.length, 'load_end_addr covers exactly the file');
      assert.ok(bssEndAddr >= loadEndAddr, 'bss_end_addr >= load_end_addr');
      assert.ok(entryAddr >= loadAddr && entryAddr < loadEndAddr, 'entry inside the loaded image');
      assert.equal(loadAddr, 0x100000, 'loaded at 1 MiB');
    });
  }
});

describe('examples: COM1 output recorded from QEMU', () => {
  it('records serial output exactly for the examples that boot', () => {
    for (const e of list.examples) {
      assert.equal(existsSync(join(fixtures, `${e.name}.serial.txt`)), e.qemuExitCode !== null, e.name);
    }
  });

  it('hello prints its greeting and nothing else', () => {
    assert.equal(serial('hello'), 'Hello from ring 0!\r\n');
  });

  it('kernel: breakpoint resumes, paging works, a page is mapped on demand, ring 3 uses int 0x80', () => {
    const lines = serial('kernel').split('\r\n');
    const expected = [
      'Ringside example kernel',
      'gdt and tss loaded, tr=0x0028',
      /^exception 0x00000003 error 0x00000000 at 0x0008:0x001[0-9A-F]{5}$/,
      'back from the breakpoint handler',
      /^paging on, cr3=0x001[0-9A-F]{2}000$/,
      'read through the 0xC0000000 alias: the higher half works',
      // #PF error code 2: a write (W/R = 1) to a not-present page (P = 0), SDM Vol. 3A §4.7.
      /^exception 0x0000000E error 0x00000002 at 0x0008:0x001[0-9A-F]{5}$/,
      'page fault at 0x80000000: mapped a page on demand',
      'demand page holds 0x00C0FFEE',
      'entering ring 3',
      'Hello from ring 3 through int 0x80!',
      'user CS = 0x0000001B',
      'the kernel refused a pointer into kernel memory',
      'user program exited with status 0x0000002A',
    ];
    let i = 0;
    for (const want of expected) {
      const found = lines.findIndex((l, k) => k >= i && (typeof want === 'string' ? l === want : want.test(l)));
      assert.ok(found >= 0, `expected ${String(want)} after line ${i} in:\n${lines.join('\n')}`);
      i = found + 1;
    }
  });

  it('sensitive: nothing faults at CPL 3, and the two runs differ exactly where the CPL shows', () => {
    const text = serial('sensitive');
    assert.ok(!text.includes('unexpected exception'));
    const [cpl0, cpl3] = text.split(/^== CPL 3.*$/m);
    assert.ok(cpl0 && cpl3, 'two halves');
    const value = (half: string, probe: string): string => {
      const line = half.split('\r\n').find((l) => l.startsWith(probe));
      assert.ok(line, `${probe} line`);
      return line;
    };
    // Unprivileged reads of system state give the same answer at both CPLs (Robin & Irvine 2000).
    for (const probe of ['sgdt:', 'sidt:', 'sldt:', 'str:', 'smsw:']) assert.equal(value(cpl3, probe), value(cpl0, probe), probe);
    assert.equal(value(cpl0, 'str:'), 'str: 0x00000028');
    assert.match(value(cpl0, 'smsw:'), /^smsw: 0x0000..[13579BDF]1$/, 'PE set, ET set');
    assert.match(value(cpl0, 'popf:'), /\(IF changed\)$/);
    assert.match(value(cpl3, 'popf:'), /\(IF change silently dropped\)$/);
    assert.match(value(cpl0, 'lar KERNEL_CS:'), /ZF=1$/);
    assert.match(value(cpl3, 'lar KERNEL_CS:'), /ZF=0$/);
    assert.equal(value(cpl0, 'lsl KERNEL_DS:'), 'lsl KERNEL_DS: 0xFFFFFFFF ZF=1');
    assert.equal(value(cpl3, 'verr'), 'verr KERNEL_DS: ZF=0 verw KERNEL_DS: ZF=0');
    assert.equal(value(cpl0, 'push cs:'), 'push cs: 0x00000008 mov ax, ss: 0x00000010');
    assert.equal(value(cpl3, 'push cs:'), 'push cs: 0x0000001B mov ax, ss: 0x00000023');
    assert.equal(value(cpl3, 'call far:'), 'call far: callee saw caller CS=0x0000001B');
    assert.equal(value(cpl3, 'jmp far'), 'jmp far to RPL 0 selector: cs=0x0000001B');
    assert.match(value(cpl3, 'int 0x81:'), /^int 0x81: handler saw cs=0x0000001B eflags=/);
  });
});

describe('examples: pv.inc and the hypercall table', () => {
  const text = readFileSync(join(root, 'examples', 'pv', 'pv.inc'), 'utf8');
  const equs = new Map<string, number>();
  for (const m of text.matchAll(/^([A-Za-z_][\w]*)\s+equ\s+(0x[0-9A-Fa-f]+|\d+)\s*(?:;.*)?$/gm)) equs.set(m[1], Number(m[2]));

  it('defines every hypercall and sub-operation with the numbers of core/src/vmm/hypercalls.ts', () => {
    for (const h of HYPERCALLS) {
      assert.equal(equs.get(`HC_${h.name}`), h.number, `HC_${h.name}`);
      for (const [sub, value] of Object.entries(h.subops ?? {})) assert.equal(equs.get(`HC_${h.name}_${sub}`), value, `HC_${h.name}_${sub}`);
    }
    assert.equal(equs.get('HYPERCALL_VECTOR'), HYPERCALL_VECTOR);
    assert.equal(equs.get('SHARED_INFO_upcall_pending'), SHARED_INFO.upcallPendingOffset);
    assert.equal(equs.get('SHARED_INFO_upcall_mask'), SHARED_INFO.upcallMaskOffset);
  });

  it('defines no hypercall the table does not have', () => {
    const known = new Set(HYPERCALLS.flatMap((h) => [`HC_${h.name}`, ...Object.keys(h.subops ?? {}).map((s) => `HC_${h.name}_${s}`)]));
    assert.deepEqual([...equs.keys()].filter((k) => k.startsWith('HC_') && !known.has(k)), []);
  });

  it('the hypercall macro loads EAX and the argument registers in the table order, then int 0x82', function () {
    if (!nasmAvailable) this.skip(); // nasm is not installed.
    const dir = mkdtempSync(join(tmpdir(), 'ringside-pv-'));
    try {
      writeFileSync(join(dir, 't.asm'), 'bits 32\n%include "pv.inc"\nhypercall console_io, HC_console_io_write, 5, 0x1000\n');
      const r = nasm(join(dir, 't.asm'), [join(root, 'examples', 'pv') + '/']);
      assert.ok(r.bytes, r.stderr);
      // mov eax, 18; mov ebx, 0; mov ecx, 5; mov edx, 0x1000; int 0x82 (B8+r id, CD ib).
      assert.equal(r.bytes.toString('hex'), 'b812000000' + 'bb00000000' + 'b905000000' + 'ba00100000' + 'cd82');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('snippets', () => {
  interface Snippet { readonly prefix: string | readonly string[]; readonly body: readonly string[]; readonly description: string }
  const snippets = JSON.parse(readFileSync(join(root, 'syntaxes', 'snippets.json'), 'utf8')) as Record<string, Snippet>;

  /** What VS Code inserts when every placeholder keeps its default. */
  function expand(s: Snippet): string {
    return s.body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/(?<!\\)\$\d+/g, '').replace(/\\\$/g, '$');
  }

  it('every snippet has a prefix, a description and no unescaped $ outside placeholders', () => {
    for (const [name, s] of Object.entries(snippets)) {
      assert.ok(s.prefix.length > 0 && s.description.length > 0, name);
      for (const line of s.body) assert.doesNotMatch(line, /(?<!\\)\$(?![{\d])/, `${name}: ${line}`);
    }
  });

  it('the multiboot skeleton assembles to a valid multiboot image', function () {
    if (!nasmAvailable) this.skip(); // nasm is not installed.
    const dir = mkdtempSync(join(tmpdir(), 'ringside-snippet-'));
    try {
      writeFileSync(join(dir, 'mb.asm'), expand(snippets['Multiboot guest skeleton']));
      const r = nasm(join(dir, 'mb.asm'), []);
      assert.ok(r.bytes, r.stderr);
      assert.equal(r.bytes.readUInt32LE(0), 0x1badb002);
      assert.equal(r.bytes.readUInt32LE(20), 0x100000 + r.bytes.length, 'load_end_addr');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the GDT, IDT, handler stub, paging and macro snippets assemble together', function () {
    if (!nasmAvailable) this.skip(); // nasm is not installed.
    const parts = ['GDT descriptor macro', 'GDT table and load', 'IDT gate macro', 'Interrupt handler stub', 'Page directory with identity map', 'Multi-line macro']
      .map((k) => { assert.ok(snippets[k], k); return expand(snippets[k]); });
    const source = ['bits 32', 'org 0x100000', 'section .text', 'interrupt_handler: ret', ...parts, 'section .text',
      'idt: times 256 dq 0', 'set_idt_gate 14, isr14, 0x8E', 'isr_error 14', 'isr_no_error 0', 'name 1', ''].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'ringside-snippet-'));
    try {
      writeFileSync(join(dir, 'lib.asm'), source);
      const r = nasm(join(dir, 'lib.asm'), []);
      assert.ok(r.bytes, r.stderr);
      // The second GDT entry (ring 0 code) as Intel SDM Vol. 3A Figure 3-8 lays it out.
      const gdt = r.bytes.indexOf(Buffer.from('ffff0000009acf00', 'hex'));
      assert.ok(gdt > 0, 'flat ring 0 code descriptor');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
