// Multiboot (a.out kludge) loader against QEMU 7.2's -kernel: the fixture guest printed, under
// QEMU, its registers, descriptor tables, multiboot information, memory map and strings; loading
// the same image here must put the same values at the same addresses. Error cases follow the
// checks QEMU's hw/i386/multiboot.c makes and the Multiboot 0.6.96 header rules.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PhysicalMemory } from '../../core/src/machine/memory/physical-memory';
import { loadMultiboot, findMultibootHeader, type MultibootLoaded } from '../../core/src/machine/loader/multiboot';

const dir = join(__dirname, '../fixtures/qemu');
const image = new Uint8Array(readFileSync(join(dir, 'multiboot-info.bin')));

interface Recorded { fields: Map<string, number>; mbi: number[]; mmap: number[][]; gdt: [number, number][]; cmdline: string; loader: string }

function parseRecording(file: string): Recorded {
  const r: Recorded = { fields: new Map(), mbi: [], mmap: [], gdt: [], cmdline: '', loader: '' };
  for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
    if (line.startsWith('mmap ')) r.mmap.push(line.slice(5).trim().split(' ').map((h) => parseInt(h, 16)));
    else if (line.startsWith('gdt ')) r.gdt.push([parseInt(line.slice(12, 20), 16), parseInt(line.slice(4, 12), 16)]);
    else if (line.startsWith('cmdline=')) r.cmdline = line.slice(8);
    else if (line.startsWith('loader=')) r.loader = line.slice(7);
    else if (line.startsWith('mbi')) r.mbi[parseInt(line.slice(3, 5), 16)] = parseInt(line.slice(6), 16);
    else if (line.includes('=')) r.fields.set(line.slice(0, line.indexOf('=')), parseInt(line.slice(line.indexOf('=') + 1), 16));
  }
  return r;
}

function readString(mem: PhysicalMemory, at: number): string {
  const bytes: number[] = [];
  for (let b = mem.read8(at); b !== 0 && bytes.length < 4096; b = mem.read8(at + bytes.length)) bytes.push(b);
  return Buffer.from(bytes).toString('latin1');
}

const recordings: [string, number, string | undefined][] = [
  ['multiboot-info.m32.txt', 32, 'hello world'],
  ['multiboot-info.m64.txt', 64, undefined],
  ['multiboot-info.m16.txt', 16, 'a'],
];

describe('machine: multiboot loader vs QEMU -kernel', () => {
  for (const [file, mib, append] of recordings) {
    it(`hands over what QEMU does with -m ${mib}${append ? ` -append "${append}"` : ''}`, () => {
      const q = parseRecording(file);
      const mem = new PhysicalMemory(mib << 20);
      const result = loadMultiboot(image, mem, { kernelName: 'multiboot-info.bin', commandLine: append });
      assert.ok(result.ok, JSON.stringify(result));
      const { state } = result as MultibootLoaded;
      const f = (k: string) => q.fields.get(k);
      assert.equal(state.eax, f('eax'));
      assert.equal(state.ebx, f('ebx'));
      assert.equal(state.eflags, f('eflags'));
      assert.equal(state.cr0, f('cr0'));
      assert.equal(state.esp, f('esp'));
      for (const s of ['cs', 'ds', 'es', 'fs', 'gs', 'ss'] as const) assert.equal(state[s].selector, f(s), s);
      assert.equal(state.gdtr.base, f('gdtr_base'));
      assert.equal(state.gdtr.limit, f('gdtr_limit'));
      assert.equal(state.idtr.base, f('idtr_base'));
      assert.equal(state.idtr.limit, f('idtr_limit'));
      q.gdt.forEach(([low, high], k) => {
        assert.deepEqual([mem.read32(state.gdtr.base + 8 * k), mem.read32(state.gdtr.base + 8 * k + 4)], [low, high], `GDT entry ${k}`);
      });
      assert.deepEqual([state.cs.descriptorLow, state.cs.descriptorHigh], q.gdt[state.cs.selector >> 3]);
      assert.deepEqual([state.ss.descriptorLow, state.ss.descriptorHigh], q.gdt[state.ss.selector >> 3]);
      assert.equal(state.cpl, 0);

      const mbi = Array.from({ length: 22 }, (_, k) => mem.read32(state.ebx + 4 * k));
      assert.deepEqual(mbi, q.mbi, 'the 88-byte multiboot information structure');
      const mmap: number[][] = [];
      for (let at = mbi[12]; at < mbi[12] + mbi[11]; at += mem.read32(at) + 4) {
        mmap.push(Array.from({ length: 6 }, (_, k) => mem.read32(at + 4 * k)));
      }
      assert.deepEqual(mmap, q.mmap, 'memory map');
      assert.equal(readString(mem, mbi[4]), q.cmdline);
      assert.equal(readString(mem, mbi[16]), q.loader);
    });
  }

  it('loads the file from the header-derived offset, zeroes bss and enters at entry_addr', () => {
    const mem = new PhysicalMemory(32 << 20);
    mem.fill(0x100000, 0x8000, 0xcc);
    const r = loadMultiboot(image, mem, { kernelName: 'k' }) as MultibootLoaded;
    assert.equal(r.header.offset, 0);
    assert.deepEqual(mem.readBytes(0x100000, 64), image.subarray(0, 64));
    assert.equal(r.state.eip, r.header.entryAddr);
    for (let a = r.bssBytes.start; a < r.bssBytes.end; a += 97) assert.equal(mem.read8(a), 0);
    assert.equal(r.bssBytes.end, r.header.bssEndAddr);
    assert.equal(readString(mem, mem.read32(0x9500 + 16)), 'k ', 'QEMU leaves a trailing space without -append');
  });
});

describe('machine: multiboot header rules', () => {
  // A synthetic flat kernel: `pad` bytes, then the header, then code.
  function kernel(o: { pad?: number; flags?: number; checksum?: number; headerAddr?: number; loadAddr?: number; loadEnd?: number; bssEnd?: number; entry?: number; size?: number }) {
    const pad = o.pad ?? 0;
    const size = o.size ?? pad + 64;
    const b = Buffer.alloc(size);
    const flags = o.flags ?? 0x10000;
    const load = o.loadAddr ?? 0x200000;
    b.writeUInt32LE(0x1badb002, pad);
    b.writeUInt32LE(flags, pad + 4);
    b.writeUInt32LE(o.checksum ?? ((-(0x1badb002 + flags)) >>> 0), pad + 8);
    b.writeUInt32LE(o.headerAddr ?? load + pad, pad + 12);
    b.writeUInt32LE(load, pad + 16);
    b.writeUInt32LE(o.loadEnd ?? 0, pad + 20);
    b.writeUInt32LE(o.bssEnd ?? 0, pad + 24);
    b.writeUInt32LE(o.entry ?? load + pad + 32, pad + 28);
    for (let i = pad + 32; i < size; i++) b[i] = 0x90;
    return new Uint8Array(b);
  }
  const load = (img: Uint8Array) => loadMultiboot(img, new PhysicalMemory(16 << 20), { kernelName: 'k' });

  it('finds a 4-byte-aligned header with a valid checksum in the search window QEMU uses', () => {
    assert.equal(findMultibootHeader(kernel({ pad: 8000, size: 8100 })), 8000);
    assert.equal(findMultibootHeader(kernel({ pad: 8140, size: 8200 })), 8140, 'last offset QEMU checks: 8192 - 48 - 4');
    assert.equal(findMultibootHeader(kernel({ pad: 8144, size: 8200 })), -1, 'QEMU stops before 8192 - 48');
    assert.equal(findMultibootHeader(kernel({ pad: 8192, size: 8300 })), -1);
    assert.equal(findMultibootHeader(kernel({ checksum: 1 })), -1, 'bad checksum');
    const unaligned = new Uint8Array(70);
    unaligned.set(kernel({}).subarray(0, 64), 2);
    assert.equal(findMultibootHeader(unaligned), -1, 'not 4-byte aligned');
  });

  it('load_end_addr = 0 loads to the end of the file; bss_end_addr = 0 means no bss', () => {
    const img = kernel({ pad: 16, size: 300 });
    const mem = new PhysicalMemory(16 << 20);
    const r = loadMultiboot(img, mem, { kernelName: 'k' }) as MultibootLoaded;
    assert.ok(r.ok);
    assert.deepEqual(r.loadedBytes, { start: 0x200000, end: 0x200000 + 300 });
    assert.deepEqual(r.bssBytes, { start: 0x200000 + 300, end: 0x200000 + 300 });
    assert.equal(mem.read8(0x200000 + 299), 0x90);
  });

  it('header_addr - load_addr selects where in the file load_addr starts', () => {
    // The header sits at file offset 64 but claims to be 32 bytes after load_addr: the first 32
    // file bytes are skipped, and load_end_addr limits the copy to 96 bytes.
    const img = kernel({ pad: 64, size: 256, headerAddr: 0x200020, loadEnd: 0x200060, bssEnd: 0x200100 });
    img[32] = 0xab;
    img[31] = 0xcd;
    const mem = new PhysicalMemory(16 << 20);
    mem.fill(0x200000, 0x200, 0xee);
    const r = loadMultiboot(img, mem, { kernelName: 'k' }) as MultibootLoaded;
    assert.ok(r.ok);
    assert.equal(mem.read8(0x200000), 0xab);
    assert.equal(mem.read32(0x200020), 0x1badb002);
    assert.equal(mem.read8(0x200060), 0, 'bss zeroed from load_end_addr');
    assert.equal(mem.read8(0x2000ff), 0);
    assert.equal(mem.read8(0x200100), 0xee, 'nothing written past bss_end_addr');
  });

  it('reports bad images as values with the offending offset', () => {
    const cases: [Uint8Array, RegExp, number | undefined][] = [
      [new Uint8Array(100), /no multiboot header/, 0],
      [kernel({ flags: 0 }), /ELF kernels are not supported/, 4],
      [kernel({ headerAddr: 0x1fff00 }), /invalid load_addr/, 16],
      [kernel({ loadEnd: 0x100000 }), /invalid load_end_addr/, 20],
      [kernel({ loadEnd: 0x200040, bssEnd: 0x200020 }), /invalid bss_end_addr/, 24],
      [kernel({ loadEnd: 0x201000 }), /but the file has 64 bytes/, 20],
      [kernel({ pad: 8, headerAddr: 0x200100 }), /before the start of the file/, 12],
      [kernel({ loadAddr: 0xff0000 }), /beyond usable RAM/, 16],
    ];
    for (const [img, message, offset] of cases) {
      const r = load(img);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.message, message);
        if (offset !== undefined) assert.equal(r.offset, (findMultibootHeader(img) < 0 ? 0 : findMultibootHeader(img)) + offset, r.message);
      }
    }
  });

  it('never throws on arbitrary bytes', () => {
    let seed = 12345;
    for (let n = 0; n < 200; n++) {
      const img = new Uint8Array(64 + (n % 50));
      for (let i = 0; i < img.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; img[i] = seed >>> 24; }
      if (n % 2 === 0) img.set(kernel({ loadEnd: seed, bssEnd: seed >>> 3 }).subarray(0, 32));
      const r = load(img);
      assert.equal(typeof r.ok, 'boolean');
    }
  });
});
