// `ringside run guest | head`: once the output's reader has gone, the run stops and exits with 141,
// the status of a process a SIGPIPE ends, as `yes | head` leaves `yes`. Before, a guest that prints
// for ever (test/fixtures/runtime/chatty.gasm) ran on for ever, its writes failing unseen. Any other
// failure to write (a full disk) fails the command with its reason.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../core/src/cli/main';
import { EXIT_OUTPUT_CLOSED } from '../../core/src/cli/run-command';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'core', 'src', 'cli', 'main.ts');
const CHATTY = path.join(ROOT, 'test', 'fixtures', 'runtime', 'chatty.gasm');

describe('ringside run: output whose reader has gone', () => {
  it('stops the guest when the output says it is closed, with status 141', () => {
    let writes = 0, err = '';
    const code = main(['run', CHATTY], { out: () => { writes++; }, err: (t) => { err += t; }, outClosed: () => writes >= 3 });
    assert.equal(code, EXIT_OUTPUT_CLOSED, err);
    assert.equal(EXIT_OUTPUT_CLOSED, 128 + 13);
    assert.equal(writes, 3);
    assert.equal(err, '');
  });

  it('stops as well when the reader of its trace on standard error has gone', () => {
    const storm = path.join(ROOT, 'test', 'fixtures', 'dap', 'fault-storm.gasm');
    let traced = 0;
    const code = main(['run', storm, '--trace', 'events'], { out: () => undefined, err: () => { traced++; }, errClosed: () => traced >= 3 });
    // (The storm never ends: that the run returned is the stop. Events still come to the end of
    // the batch the failed write was in.)
    assert.equal(code, EXIT_OUTPUT_CLOSED);
    assert.ok(traced >= 3, `${traced} trace lines`);
  });

  it('ends when the pipe it writes to is closed by its reader', async function () {
    this.timeout(60_000);
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', CHATTY], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '';
    child.stdout.once('data', (d: Buffer) => { first = d.toString('latin1'); child.stdout.destroy(); });
    // (Were it to run on, the test would fail at this bound rather than wait for mocha's.)
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(killer);
    assert.match(first, /^the quick brown fox/);
    assert.equal(code, EXIT_OUTPUT_CLOSED);
  });

  // Node's stream for a pipe queues, without limit, what the pipe cannot take yet: a guest printing
  // for ever into `less` grew the process by its output rate for as long as nobody read. Now a
  // write waits, as a C program's does, and a run whose reader has stopped reading stops too.
  it('waits while its reader does not read, taking no CPU and no memory meanwhile', async function () {
    // (Reads the process's CPU time from Linux's /proc.)
    if (!fs.existsSync('/proc/self/stat')) this.skip();
    this.timeout(60_000);
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'run', CHATTY], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      child.stdout.pause();
      const cpuTicks = (): number => {
        const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        return Number(fields[11]) + Number(fields[12]);
      };
      const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]);
      const sleep = (ms: number): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, ms));
      // First the pipe fills and the process finishes starting (on a loaded CI host that took
      // longer than a second once): wait for a half second in which it took under 5 ticks. A run
      // that went on writing never has one, and fails here.
      let quiet = false;
      for (let window = 0; window < 30 && !quiet; window++) {
        const before = cpuTicks();
        await sleep(500);
        quiet = cpuTicks() - before < 5;
      }
      assert.ok(quiet, 'the run never went quiet in 15 s while nobody read');
      // Then the window measured: two seconds of nobody reading.
      const [ticks, kb] = [cpuTicks(), rss()];
      await sleep(2000);
      // (Clock ticks are 1/100 s: running on, it would have taken about 200 in these 2 s.)
      assert.ok(cpuTicks() - ticks < 20, `${cpuTicks() - ticks} ticks of CPU while nobody read`);
      assert.ok(rss() - kb < 4096, `grew by ${rss() - kb} KiB while nobody read`);
      child.stdout.resume();
      const more = await new Promise<Buffer>((resolve) => child.stdout.once('data', resolve));
      assert.match(more.toString('latin1'), /the quick brown fox/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a failure to write other than a gone reader (a full disk) is the command\'s error', function () {
    // (Linux's device that is always full; other systems have none.)
    if (!fs.existsSync('/dev/full')) this.skip();
    const full = fs.openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'asm', '-E', path.join(ROOT, 'examples', 'hello', 'hello.gasm')], { cwd: ROOT, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.equal(r.stderr, 'ringside: error: unable to write standard output: No space left on device\n');
    } finally {
      fs.closeSync(full);
    }
  });
});
