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
import * as esbuild from 'esbuild';

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

// A terminal on standard input gives its keys as typed, as QEMU's -serial stdio puts it in raw
// mode. The terminal here is a pseudo-terminal util-linux's script(1) makes for the run, its keys
// the bytes written to script's input; the terminal's mode is read with stty(1) on that pty.
describe('ringside run: a terminal on standard input', function () {
  this.timeout(60_000);
  const script = spawnSync('script', ['--version']).status === 0 && fs.existsSync('/proc/self/stat');
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

  // The command line bundled as dist/cli-main.js is (tsx, which the other tests run it with, answers
  // the terminal's signals itself).
  let cli = '';
  before(async function () {
    if (!script) this.skip(); // (util-linux's script and Linux's /proc are needed; Debian has both.)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-tty-'));
    cli = path.join(dir, 'cli.cjs');
    await esbuild.build({ entryPoints: [MAIN], bundle: true, platform: 'node', format: 'cjs', outfile: cli, logLevel: 'warning' });
  });
  after(() => { if (cli !== '') fs.rmSync(path.dirname(cli), { recursive: true, force: true }); });

  /** The run of `command` (a shell command) in a fresh pty: what it wrote there, its status, and the pty's mode when asked. */
  function inTerminal(command: string) {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    void exited.then(() => clearTimeout(killer));
    /** The pty: standard input of the processes script started. */
    const pty = (): string | undefined => {
      const below = (pid: number): number[] => {
        try {
          const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
          return children.flatMap((c) => [c, ...below(c)]);
        } catch {
          return [];
        }
      };
      for (const pid of below(child.pid!)) {
        try {
          const target = fs.readlinkSync(`/proc/${pid}/fd/0`);
          if (/^\/dev\/pts\/\d+$/.test(target)) return target;
        } catch { /* gone */ }
      }
      return undefined;
    };
    /** Waits until the pty is in the run's raw mode (stty's -icanon, with isig: the run has set it up, keys typed now are the guest's), or with `line`, in line mode. */
    const raw = async (line = false): Promise<void> => {
      for (;;) {
        const tty = pty();
        if (tty !== undefined) {
          const fd = fs.openSync(tty, 'r');
          try {
            // (Raw mode is whole once the run has turned the terminal's signals back on, after
            // setRawMode turned them off: a Ctrl-Z typed between the two reached the guest as a key,
            // and the run went on until the test's bound, on a loaded CI host.)
            const modes = spawnSync('stty', ['-a'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' }).stdout;
            if ((/(^|\s)-icanon(\s|$)/.test(modes) && /(^|\s)isig(\s|$)/.test(modes)) !== line) return;
          } finally {
            fs.closeSync(fd);
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    /** Waits until what the pty shows matches `pattern`. */
    const shows = async (pattern: RegExp): Promise<void> => {
      for (let i = 0; !pattern.test(out); i++) {
        if (i === 1500) assert.fail(`the terminal never showed ${pattern}: ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    return { type: (text: string) => child.stdin.write(text), output: () => out, exited, raw, shows, kill: () => child.kill('SIGKILL') };
  }

  const ringsideRun = (guest: string): string => `${quote(process.execPath)} ${quote(cli)} run ${quote(guest)}`;
  const run = (guest: string, after = ''): string => `${ringsideRun(guest)}; echo " status $?"${after}`;
  /** The terminal's mode once the shell has it back. */
  const mode = '; stty -a | grep -o -- "-\\?icanon"';

  /** What the terminal shows once `command` has ended, `keys` typed 200 ms apart once the run has the terminal in raw mode. */
  async function session(command: string, keys: readonly string[] = []): Promise<string> {
    const t = inTerminal(command);
    try {
      if (keys.length > 0) await t.raw();
      for (const [i, k] of keys.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, 200));
        t.type(k);
      }
      assert.equal(await t.exited, 0);
      return t.output();
    } finally {
      t.kill();
    }
  }

  it('each key typed reaches the guest as typed: no line editing, no echo but the guest\'s (QEMU\'s output and exit value)', async () => {
    // No line feed: a terminal still in line mode would hold the keys (and echo them itself).
    assert.equal(await session(run(path.join(FIX, 'echo-irq.gasm')), ['hello, irq.']), 'hello, irq status 10\r\n');
  });

  it('Ctrl-C ends the run with status 130, and the terminal is put back in line mode', async () => {
    // (Keys the guest never reads come first: the terminal's signal does not wait for them. The run
    // dies of the SIGINT, with the terminal put back by Node as it does; the shell, which a shell
    // would leave at that too, ignores the signal here to say what it saw.)
    const out = await session(`sh -mc ${quote(`trap '' INT; ${run(path.join(ROOT, 'test', 'fixtures', 'dap', 'spin.gasm'), mode)}`)}`, ['x'.repeat(100), '\x03']);
    assert.equal(out, ' status 130\r\nicanon\r\n');
  });

  it('Ctrl-Z stops the run, as the terminal\'s SIGTSTP would, with the terminal back in line mode', async () => {
    // (An interactive shell goes on when its job stops, `$?` 128 + SIGTSTP's 20, and has the
    // terminal back in its own mode, as after any job it stops.)
    const out = await session(`bash --norc -ic ${quote(`${run(path.join(FIX, 'echo-irq.gasm'), mode)}; kill -9 %1`)}`, ['\x1a']);
    assert.match(out, /Stopped[^\n]*echo-irq\.gasm'?\r\n status 148\r\nicanon\r\n$/);
  });

  it('a run whose output goes to a pipe leaves the terminal\'s keys alone (`ringside run guest | less`)', async () => {
    const out = await session(`{ ${ringsideRun(path.join(FIX, 'echo-irq.gasm'))}; echo " status $?" >&2; } | cat${mode}`);
    assert.equal(out, ' status 0\r\nicanon\r\n');
  });

  it('a run in the background does not read its terminal (nor stop for it): the halted guest ends the run', async () => {
    // (With job control on, `&` gives the run a process group of its own, out of the terminal's
    // foreground; its standard input is the terminal, explicitly.)
    const out = await session(`sh -mc ${quote(`${ringsideRun(path.join(FIX, 'echo-irq.gasm'))} < /dev/tty & wait $!; echo " status $?"`)}`);
    assert.equal(out, ' status 0\r\n');
  });
});
