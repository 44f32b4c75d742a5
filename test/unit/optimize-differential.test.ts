// `ringside asm -O0` and `-O1` against nasm 2.16.01 run now with the same command lines: output
// bytes, listing (-l), messages (-X gnu) and exit code, at -O0, -O1 and -Ox, over hand-written
// programs (branches, immediates, forward references, `times`, cpu levels, smartalign) and random
// ones made of the same pieces. Skips without nasm.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../core/src/cli/main';
import { hasNasm, rng, seedsForThisRun } from '../support/random';

const LEVELS = ['-O0', '-O1', '-Ox'] as const;

const PROGRAMS: Readonly<Record<string, string>> = {
  // A JMP relaxed only at -Ox, a Jcc also at -O0; out of reach, the near forms at every level.
  'branches32.asm': 'bits 32\ns: jmp s\njmp f\njne s\njne f\njz near s\njmp short s\njne strict s\nloop s\njecxz s\ncall s\n' +
    'times 2 jmp s\ntimes 130 nop\njne s\njmp s\nf:\n',
  'branches16.asm': 'bits 16\ns: jmp s\njne f\njcxz s\no32 jmp s\no32 call s\no16 jmp s\ntimes 200 nop\nf: jne s\ncpu 286\njne f\njne s\n' +
    'cpu 8086\njne g\njz s\ng:\n',
  // Sign-extended byte immediates: written `byte`, `strict`, known, defined further on, unknown for good.
  'immediates.asm': 'bits 32\nadd eax, 1\nadd eax, byte 1\nadd ebx, 1\nadd ebx, -128\nadd ebx, 128\nadd ebx, strict byte 1\nadd ebx, strict dword 1\n' +
    'push 5\npush dword 5\npush byte 5\npush k\nimul eax, ebx, 3\nimul eax, 3\nadd dword [eax], 1\nadd word [eax], k\nand eax, 0xffffffff\n' +
    'shl eax, 1\nshl eax, one\nshl eax, (1<=>2)\npush (1 <=> 2)\nadd eax, (1<=>2)\nbits 16\npush 5\nadd bx, 0xffff\ncpu 186\npush 5\n' +
    'k equ 3\none equ 1\n',
  // Displacements stay minimised; `mov sreg, reg` takes its register's prefix below -Ox.
  'operands.asm': 'bits 32\nmov eax, [ebx+4]\nmov eax, [ebp]\nmov eax, [ebx+d]\nmov ds, ax\nmov ds, eax\nmov ds, [ebx]\nmov ax, ds\n' +
    'bits 16\nmov ds, eax\nmov ds, ax\no32 mov ds, ax\nmov es, [bx+d]\nd equ 4\n',
  // `times`, `$`-relative values, label differences before their labels, equ constants defined later.
  'values.asm': 'bits 32\ns: times 3 jmp s\nmov eax, e - s\nadd ebx, e - s\nsub esp, $ - s\npush c\ntimes c db 0\njmp e\nadd eax, c * 50\nc equ 2\ne:\n',
  // smartalign's jump over its NOPs is a plain `jmp`.
  'smartalign.asm': 'bits 32\n%use smartalign\nalignmode generic, 0\ndb 1\nalign 4\ndb 1, 1\nalign 4\ndb 1, 1, 1\nalign 4\ndb 1\nalign 256\n' +
    'bits 16\ndb 1\nalign 4\nalignmode p6\ndb 1\nalign 32\n',
  // Messages and exit status: a short jump out of reach at -O0 (a JCXZ/LOOP or one written `short`).
  'short-range.asm': 'bits 16\ns: times 130 nop\nloop s\njmp short s\njne s\njcxz f\ntimes 200 nop\nf:\n',
};

/** A random program of the pieces above, each value known in the end and no size feeding back into a value it depends on. */
function randomProgram(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const bits = pick([16, 32] as const);
  const regs = bits === 16 ? ['ax', 'bx', 'cx', 'dx', 'si', 'di', 'bp'] : ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp'];
  const sized = bits === 16 ? 'word ' : 'dword ';
  const labels = ['l0', 'l1', 'l2', 'l3'];
  const imm = (): string => pick(['0', '1', '-1', '127', '128', '-128', '-129', '200', '0x7fff', '0xff80', 'ka', 'kb', '(1<=>2)', String(Math.floor(r() * 600) - 300)]);
  const size = (): string => pick(['', '', '', 'byte ', 'strict ', 'strict byte ', sized, `strict ${sized}`]);
  const lines = [`bits ${bits}`];
  if (bits === 16 && r() < 0.3) lines.push(pick(['cpu 8086', 'cpu 186', 'cpu 286']));
  const placed = new Set<string>();
  for (let n = 8 + Math.floor(r() * 20); n > 0; n--) {
    const c = r();
    const free = labels.filter((l) => !placed.has(l));
    if (c < 0.12 && free.length > 0) { const l = pick(free); placed.add(l); lines.push(`${l}:`); }
    else if (c < 0.35) {
      const op = pick(['jmp', 'jne', 'jz', 'jc', 'call', 'loop', bits === 16 ? 'jcxz' : 'jecxz']);
      const kw = op === 'call' || op === 'loop' || op.endsWith('cxz') ? '' : pick(['', '', '', 'near ', 'strict ']);
      lines.push(`${r() < 0.1 ? 'times 2 ' : ''}${op} ${kw}${pick(labels)}`);
    } else if (c < 0.6) lines.push(`${pick(['add', 'sub', 'cmp', 'and', 'or', 'xor', 'adc', 'sbb'])} ${pick(regs)}, ${size()}${imm()}`);
    else if (c < 0.67) lines.push(`push ${size()}${imm()}`);
    else if (c < 0.72) lines.push(`imul ${pick(regs)}, ${pick(regs)}, ${size()}${imm()}`);
    else if (c < 0.76) lines.push(`shl ${pick(regs)}, ${pick(['1', 'kc', '(1<=>2)', '3'])}`);
    else if (c < 0.8) lines.push(`mov ${pick(regs)}, [${bits === 16 ? 'bx' : 'ebx'}+${pick(['4', '300', 'ka', 'kb'])}]`);
    else if (c < 0.85) lines.push(`times ${1 + Math.floor(r() * 90)} nop`);
    else if (c < 0.9) lines.push(`mov ds, ${pick(bits === 16 ? ['ax', 'eax'] : ['ax', 'eax'])}`);
    else lines.push(`add ${sized}[${bits === 16 ? 'bx' : 'ebx'}], ${imm()}`);
  }
  for (const l of labels) if (!placed.has(l)) lines.push(`${l}: nop`);
  lines.push(`ka equ ${pick(['1', '5', '200', '-3', '0x80'])}`, `kb equ ${pick(['2', '-128', '1000'])}`, 'kc equ 1');
  return `${lines.join('\n')}\n`;
}

interface Run { code: number | null; err: string; bin?: Buffer; list?: string }

describe('ringside asm -O0 and -O1 give nasm\'s bytes, listing and messages (nasm 2.16.01 run now)', function () {
  this.timeout(120000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-optimize-'));
  before(function () {
    if (!hasNasm) this.skip();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** nasm and Ringside (in process, messages as nasm's `-X gnu`) on `file` at `level`, in `dir`. */
  function both(file: string, level: string): { nasm: Run; ours: Run } {
    const read = (f: string): Buffer | undefined => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f)) : undefined);
    for (const f of ['n.bin', 'o.bin', 'n.lst', 'o.lst']) fs.rmSync(path.join(dir, f), { force: true });
    const n = spawnSync('nasm', [level, '-f', 'bin', file, '-o', 'n.bin', '-l', 'n.lst'], { cwd: dir, encoding: 'utf8' });
    const cwd = process.cwd();
    let err = '';
    let code: number;
    try {
      process.chdir(dir);
      code = main(['asm', level, '-X', 'gnu', file, '-o', 'o.bin', '-l', 'o.lst'], { out: () => undefined, err: (t) => { err += t; } });
    } finally { process.chdir(cwd); }
    return {
      nasm: { code: n.status, err: n.stderr, bin: read('n.bin'), list: read('n.lst')?.toString('latin1') },
      ours: { code, err, bin: read('o.bin'), list: read('o.lst')?.toString('latin1') },
    };
  }

  /** Compares at every level; true when nasm assembled the file at -Ox. */
  function check(file: string, text: string): boolean {
    fs.writeFileSync(path.join(dir, file), text);
    let assembled = false;
    for (const level of LEVELS) {
      const { nasm, ours } = both(file, level);
      const what = `${file} at ${level}:\n${text}`;
      assert.equal(ours.code, nasm.code, `${what}\nnasm: ${nasm.err}\nours: ${ours.err}`);
      assert.equal(ours.err, nasm.err, what);
      assert.deepEqual(ours.bin, nasm.bin, what);
      assert.equal(ours.list, nasm.list, what);
      assembled = nasm.code === 0;
    }
    return assembled;
  }

  for (const [file, text] of Object.entries(PROGRAMS)) it(`${file}`, () => { check(file, text); });

  it('random programs of the same pieces', () => {
    for (const seed of seedsForThisRun([1, 2, 3])) {
      let assembled = 0;
      for (let k = 0; k < 25; k++) if (check(`random-${seed}-${k}.asm`, randomProgram(seed * 1000 + k))) assembled++;
      // (Most are accepted: the comparison is of bytes and listings more than of messages.)
      assert.ok(assembled >= 15, `seed ${seed}: nasm assembled only ${assembled} of 25`);
    }
  });

  it('the levels do give other bytes (the programs test something)', () => {
    fs.writeFileSync(path.join(dir, 'branches32.asm'), PROGRAMS['branches32.asm']);
    const bins = LEVELS.map((level) => both('branches32.asm', level).nasm.bin!.toString('hex'));
    assert.equal(new Set(bins).size, 3);
  });
});
