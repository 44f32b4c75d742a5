// `ringside run` as a user runs it: COM1 output compared with QEMU's serial recordings of the same
// examples (test/fixtures/examples/*.serial.txt), exit statuses mapped from QEMU's (list.json
// holds QEMU's (value << 1) | 1; ours is the value itself), and the 0 / 3 / 124 statuses.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../core/src/cli/main';
import { hasNasm } from '../support/random';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'core', 'src', 'cli', 'main.ts');
const FIX = path.join(ROOT, 'test', 'fixtures');

function ringside(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, encoding: 'latin1' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Example { name: string; source: string; includePaths: string[]; qemuExitCode: number | null }
const examples = (JSON.parse(fs.readFileSync(path.join(FIX, 'examples', 'list.json'), 'utf8')) as { examples: Example[] }).examples;

/**
 * Lines where this CPU still differs from QEMU (owned by the CPU work, reported there): LAR of the
 * kernel code segment shows the descriptor's accessed bit set (0x00C09B00) where QEMU leaves it
 * clear (0x00C09A00). The line may show either value; every other line must match exactly.
 */
const KNOWN_CPU_DIFFERENCES: Readonly<Record<string, readonly string[]>> = {
  sensitive: ['lar KERNEL_CS: 0x00C09B00 ZF=1'],
};

describe('ringside run', function () {
  this.timeout(60000);
  for (const ex of examples.filter((e) => e.qemuExitCode !== null && fs.existsSync(path.join(FIX, 'examples', `${e.name}.serial.txt`)))) {
    it(`${ex.name}: COM1 output and exit status as QEMU's`, () => {
      const r = ringside(['run', ex.source, ...ex.includePaths.flatMap((p) => ['-I', p])]);
      const expected = fs.readFileSync(path.join(FIX, 'examples', `${ex.name}.serial.txt`), 'latin1').replace(/\r/g, '').split('\n');
      const got = r.out.replace(/\r/g, '').split('\n');
      assert.equal(got.length, expected.length, r.err);
      const allowed = KNOWN_CPU_DIFFERENCES[ex.name] ?? [];
      got.forEach((line, i) => { if (!allowed.includes(line)) assert.equal(line, expected[i], `line ${i + 1}`); });
      // QEMU's isa-debug-exit status is (value << 1) | 1; ours is the value the guest wrote.
      assert.equal(r.code, ((ex.qemuExitCode ?? 0) - 1) >> 1, r.err);
    });
  }
  it('exits 0 after cli; hlt', () => {
    const r = ringside(['run', 'test/fixtures/runtime/halt.gasm']);
    assert.equal(r.out, 'halting\n');
    assert.equal(r.code, 0, r.err);
  });
  it('prints the assembly\'s messages, warnings too, as nasm prints them for the source (exit 1 only on an error)', function () {
    if (!hasNasm) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-run-messages-'));
    try {
      const halt = fs.readFileSync(path.join(FIX, 'runtime', 'halt.gasm'), 'latin1');
      // A guest that still runs (warnings alone), and one that does not (an error among them).
      fs.writeFileSync(path.join(dir, 'warns.gasm'), halt.replace('        cli\n', '        cli\nlonely\n').replace('db "halting", 10, 0', 'db "halting", 10, 0, 300'));
      fs.writeFileSync(path.join(dir, 'fails.gasm'), halt.replace('        cli\n', '        cli\nlonely\nmov eax\n'));
      // (Ringside's places have columns, nasm's not; notes aside.)
      const places = (text: string): string[] => text.split('\n').filter((l) => /: (warning|error): /.test(l)).map((l) => l.replace(/^([^:\s]+:\d+):\d+:/, '$1:'));
      for (const [file, status] of [['warns.gasm', 0], ['fails.gasm', 1]] as const) {
        const n = spawnSync('nasm', ['-f', 'bin', file, '-o', 'n.bin'], { cwd: dir, encoding: 'utf8' });
        assert.notEqual(places(n.stderr).length, 0, file);
        // (In process, from the folder, as nasm ran.)
        const cwd = process.cwd();
        let err = '', code: number;
        try {
          process.chdir(dir);
          code = main(['run', file], { out: () => undefined, err: (t) => { err += t; } });
        } finally { process.chdir(cwd); }
        assert.equal(code, status, err);
        assert.deepEqual(places(err), places(n.stderr), file);
        // The summary names the file as the command line does, as nasm's messages do.
        if (status === 1) assert.match(err, new RegExp(`\\nringside: ${file}: 1 assembly error\\(s\\)\\n$`));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('exits 3 with a message on a triple fault (pv-guest: int 0x82 without an IDT under native)', () => {
    const r = ringside(['run', 'test/fixtures/examples/pv-guest.bin']);
    assert.equal(r.code, 3);
    assert.match(r.err, /triple fault at eip 0x[0-9a-f]+ after \d+ instructions/);
    // With IDTR.limit 0 (SDM Vol. 3A §6.12.1, §6.13): INT 0x82 faults #GP(0x82*8+2), software, no EXT;
    // delivering that #GP faults #GP(13*8+2+EXT): a double fault, and delivering #DF faults #GP(8*8+2+EXT).
    assert.match(r.err, /the processor shut down \(#GP\(0x412\) -> #GP\(0x6b\) -> #DF\(0x0\) -> #GP\(0x43\)\)\n$/);
  });
  it('exits 124 when --max-instructions runs out, after the output so far', () => {
    const r = ringside(['run', 'examples/kernel/kernel.gasm', '-I', 'examples/include', '--max-instructions', '1000']);
    assert.equal(r.code, 124);
    assert.match(r.err, /instruction budget of 1000 used up/);
    assert.ok('Ringside example kernel\r\ngdt and tss loaded, tr=0x0028\r\nidt loaded: 32 exception gates, int 0x80 gate with DPL 3\r\n'.startsWith(r.out) && r.out.length > 0, r.out);
  });
  it('--trace events prints the #BP, #PF, ring transitions and TLB flushes of the kernel example', () => {
    const r = ringside(['run', 'examples/kernel/kernel.gasm', '-I', 'examples/include', '--trace', 'events', '--stats']);
    assert.equal(r.code, 42);
    // The kernel prints each exception it handles: these are the ones QEMU's recording shows.
    assert.match(r.err, /exception #BP \(vector 3, trap\).*\[int3\]/);
    assert.match(r.err, /exception #PF \(vector 14, fault\) error=0x2 cr2=0x80000000/);
    assert.match(r.err, /ring-transition 0 -> 3 .*\[iret\]/);
    assert.match(r.err, /interrupt software vector 0x80/);
    assert.match(r.err, /tlb-flush page .*\[invlpg \[eax\]\]/);
    assert.match(r.err, /ringside: instructions: \d+/);
    assert.match(r.err, /ringside: exceptions: 2,/);
  });
  it('--trace events names the faults a #DF was made of', () => {
    // QEMU's -d int log of the guest (test/fixtures/dap/gp-to-df.qemu.txt): #GP(0x1230) raised, #NP
    // (vector 0xb) raised while delivering it, #DF delivered (SDM Vol. 3A Table 6-5); its handler exits with 8.
    const qemu = fs.readFileSync(path.join(FIX, 'dap', 'gp-to-df.qemu.txt'), 'latin1');
    assert.match(qemu, /^v=0d e=1230 .*\ncheck_exception old: 0xd new 0xb\nv=08 e=0000 /m);
    const r = ringside(['run', 'test/fixtures/dap/gp-to-df.gasm', '--trace', 'events']);
    assert.equal(r.code, 8);
    assert.match(r.err, /exception #DF \(vector 8, fault\) error=0x0 after #GP\(0x1230\) -> #NP\(0x6b\) eip=/);
  });
  it('assembles a source with nasm\'s flags, as `ringside asm` reads them; refuses one that is not for an assembly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-run-flags-'));
    try {
      // Writes CODE to isa-debug-exit: the exit status is the -D value (and 1 without DEBUG).
      fs.writeFileSync(path.join(dir, 'g.asm'), [
        'bits 32', 'org 0x100000', 'hdr: dd 0x1BADB002, 1 << 16, -(0x1BADB002 + (1 << 16))', 'dd hdr, $$, end, end, start',
        'start:', '%ifdef DEBUG', 'mov al, CODE', '%else', 'mov al, 1', '%endif', 'out 0xf4, al', 'cli', 'hlt', 'end:', '',
      ].join('\n'));
      const file = path.join(dir, 'g.asm');
      assert.equal(ringside(['run', file, '-DDEBUG', '-D', 'CODE=7', '-O0']).code, 7);
      assert.equal(ringside(['run', file, '--before', '%define CODE 9', '-DDEBUG']).code, 9);
      assert.equal(ringside(['run', file, '-DDEBUG', '-DCODE=7', '-UDEBUG']).code, 1);
      const refused = ringside(['run', file, '-DDEBUG', '-DCODE=7', '-o', 'g.bin']);
      assert.equal(refused.code, 2);
      assert.match(refused.err, /`-o g\.bin': it names an output file/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('sets A in a directory entry its walk used, though the PTE it found was not present (QEMU, SDM Vol. 3A §4.8)', () => {
    // QEMU's recording (scripts/record-qemu-serial.sh) of a guest that prints PDE 1 after a #PF there.
    const SERIAL = path.join(FIX, 'qemu', 'serial');
    const r = ringside(['run', path.join(SERIAL, 'page-walk-accessed.bin')]);
    assert.equal(r.out, fs.readFileSync(path.join(SERIAL, 'page-walk-accessed.serial'), 'latin1'));
    assert.equal(r.code, (Number(fs.readFileSync(path.join(SERIAL, 'page-walk-accessed.status'), 'utf8')) - 1) >> 1);
  });
  // QEMU's recording of test/fixtures/qemu/serial/bytes.asm (scripts/record-qemu-serial.sh): a
  // guest that prints UTF-8, a Latin-1 byte its source holds raw, and 0x80-0xFF. Its COM1 bytes
  // reach standard output unchanged (they went out as UTF-8 of a character a byte: é as Ã©), from
  // the source, from nasm's image, and from files and pipes whose names say neither.
  describe('COM1 output as QEMU puts it out (test/fixtures/qemu/serial)', () => {
    const SERIAL = path.join(FIX, 'qemu', 'serial');
    const expected = fs.readFileSync(path.join(SERIAL, 'bytes.serial'), 'latin1');
    const status = (Number(fs.readFileSync(path.join(SERIAL, 'bytes.status'), 'utf8')) - 1) >> 1;
    const check = (r: { code: number | null; out: string; err: string }, what: string) => {
      assert.equal(r.err, '', what);
      assert.equal(JSON.stringify(r.out), JSON.stringify(expected), what);
      assert.equal(r.code, status, what);
    };
    it('the source and nasm\'s image put out QEMU\'s bytes', () => {
      check(ringside(['run', path.join(SERIAL, 'bytes.asm')]), 'bytes.asm');
      check(ringside(['run', path.join(SERIAL, 'bytes.bin')]), 'bytes.bin');
    });
    it('a name that says neither source nor image: the contents tell (a pipe, a file without an extension)', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-run-kind-'));
      try {
        fs.copyFileSync(path.join(SERIAL, 'bytes.asm'), path.join(dir, 'guest'));
        fs.copyFileSync(path.join(SERIAL, 'bytes.bin'), path.join(dir, 'kernel'));
        check(ringside(['run', path.join(dir, 'guest')]), 'source without an extension');
        check(ringside(['run', path.join(dir, 'kernel')]), 'image without an extension');
        for (const file of ['bytes.asm', 'bytes.bin']) {
          const piped = spawnSync('bash', ['-c', `"$0" --import tsx "$1" run <(cat "$2")`, process.execPath, MAIN, path.join(SERIAL, file)], { cwd: ROOT, encoding: 'latin1' });
          check({ code: piped.status, out: piped.stdout, err: piped.stderr }, `${file} through <(cat)`);
        }
        // A binary without a multiboot header is refused as an image, with the loader's reason.
        fs.writeFileSync(path.join(dir, 'blob'), Buffer.from([0x90, 0, 0xf4]));
        const blob = ringside(['run', path.join(dir, 'blob')]);
        assert.equal(blob.code, 1);
        assert.match(blob.err, /^ringside: not a loadable multiboot image: no multiboot header/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
  it('exits 2 on a bad option', () => {
    const usage = ringside(['run', 'examples/hello/hello.gasm', '--memory', 'lots']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /bad memory size/);
  });
  // A size the machine cannot have is bad usage too, said before the guest is assembled (it was
  // found after, and exited 1 as if the guest had an error).
  it('exits 2 on a memory size outside what the multiboot memory map holds', () => {
    for (const [size, bytes] of [['0', 0], ['1M', 1 << 20], ['4G', 2 ** 32], ['33001K', 33001 * 1024]] as const) {
      const usage = ringside(['run', 'examples/hello/no-such-guest.gasm', '--memory', size]);
      assert.equal(usage.code, 2, size);
      assert.match(usage.err, new RegExp(`^ringside: memory size must be a multiple of 4 KiB from 2 MiB to 3584 MiB \\(3\\.5 GiB\\), got ${bytes}\n`), size);
    }
  });
});
