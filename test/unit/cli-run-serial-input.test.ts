// `ringside run`'s standard input is typed into the guest's COM1, as QEMU's `-serial stdio` takes
// it (DESIGN.md: COM1 is the guest's output and input). The references are QEMU's: the same guest
// image and input given to `qemu-system-i386 -kernel IMAGE -serial stdio -display none -monitor
// none -nodefaults -m 32 -device isa-debug-exit,iobase=0xf4,iosize=0x04` (QEMU 7.2.x, Debian),
// whose exit status is the guest's isa-debug-exit value * 2 + 1. Where qemu-system-i386 is
// installed the test runs it too.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'core', 'src', 'cli', 'main.ts');
const FIX = path.join(ROOT, 'test', 'fixtures', 'runtime');

function ringside(args: readonly string[], input: string | number) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT, encoding: 'latin1', timeout: 60_000,
    ...(typeof input === 'string' ? { input } : { stdio: [input, 'pipe', 'pipe'] }),
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const qemu = spawnSync('qemu-system-i386', ['--version']).status === 0;

/** QEMU's output and the guest's exit value for `input`, or undefined without QEMU. */
function qemuRun(guest: string, input: string): { out: string; value: number } | undefined {
  if (!qemu) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-serial-'));
  try {
    const image = path.join(dir, 'guest.bin');
    assert.equal(ringside(['asm', guest, '-o', image], '').status, 0);
    const r = spawnSync('qemu-system-i386', ['-kernel', image, '-serial', 'stdio', '-display', 'none', '-monitor', 'none', '-nodefaults', '-m', '32',
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'], { input, encoding: 'latin1', timeout: 30_000 });
    return { out: r.stdout, value: ((r.status ?? 0) - 1) / 2 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('ringside run: standard input typed into COM1', function () {
  this.timeout(120_000);

  it('a guest polling the line status register reads the bytes piped in', () => {
    const guest = path.join(FIX, 'echo-poll.gasm');
    const r = ringside(['run', guest], 'hello, guest.');
    assert.deepEqual([r.out, r.status, r.err], ['HELLO, GUEST', 12, '']);
    const q = qemuRun(guest, 'hello, guest.');
    if (q) assert.deepEqual([r.out, r.status], [q.out, q.value]);
  });

  it('a guest sleeping in hlt is woken by the receive interrupt for each byte', () => {
    const guest = path.join(FIX, 'echo-irq.gasm');
    const r = ringside(['run', guest], 'hello, irq.');
    assert.deepEqual([r.out, r.status, r.err], ['hello, irq', 10, '']);
    const q = qemuRun(guest, 'hello, irq.');
    if (q) assert.deepEqual([r.out, r.status], [q.out, q.value]);
  });

  // (Node's own child processes are given sockets for pipes; a shell's pipe is a pipe, opened again
  // without blocking.)
  it('reads a shell pipeline\'s pipe as well', () => {
    const r = spawnSync('sh', ['-c', '(printf "from "; sleep 0.3; printf "a pipe.") | "$0" --import tsx "$1" run "$2"', process.execPath, MAIN, path.join(FIX, 'echo-irq.gasm')],
      { cwd: ROOT, encoding: 'latin1', timeout: 60_000 });
    assert.deepEqual([r.stdout, r.status, r.stderr], ['from a pipe', 11, '']);
  });

  // (QEMU waits for ever there: its serial backend may yet get input. A run of ours ends, halted.)
  it('once the input has ended, a guest halted with interrupts on has nothing to wake it: the run ends', () => {
    const r = ringside(['run', path.join(FIX, 'echo-irq.gasm')], 'abc');
    assert.deepEqual([r.out, r.status, r.err], ['abc', 0, '']);
  });

  it('waits for input that comes late, sleeping meanwhile, and takes it as it comes', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', path.join(FIX, 'echo-irq.gasm')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let echoed: () => void = () => undefined;
    const firstEchoed = new Promise<void>((resolve) => { echoed = resolve; });
    child.stdout.on('data', (d: Buffer) => { out += d.toString('latin1'); if (out === 'first ') echoed(); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      child.stdin.write('first ');
      // (What the guest echoed comes out while it sleeps waiting for more.)
      await firstEchoed;
      child.stdin.end('then more.');
      assert.deepEqual([await exited, out], [15, 'first then more']);
    } finally {
      child.kill('SIGKILL');
    }
  });

  // (Its receive interrupt is off: no byte can wake it, so it is not waited for, even from an input
  // that stays open, and what it was given is not piled up.)
  it('does not wait for input a halted guest could not be woken by', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-serial-'));
    const guest = path.join(dir, 'sleeper.gasm');
    fs.writeFileSync(guest, ['bits 32', 'org 0x100000', 'dd 0x1BADB002, 1 << 16, -(0x1BADB002 + (1 << 16))', 'dd $$, $$, end, end, start',
      'start:', '  mov dx, 0x3F8', '  mov al, 0x7A', '  out dx, al', '  sti', '  hlt', 'end:'].join('\n'));
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', guest], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      child.stdin.write('typed but never read');
      assert.deepEqual([await exited, out], [0, 'z']);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes no input from an empty standard input, and a guest that wants some waits for it in vain', () => {
    const none = fs.openSync('/dev/null', 'r');
    try {
      const r = ringside(['run', path.join(FIX, 'echo-poll.gasm'), '--max-instructions', '200000'], none);
      assert.deepEqual([r.out, r.status], ['', 124]);
    } finally {
      fs.closeSync(none);
    }
  });
});
