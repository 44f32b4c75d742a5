// Debug adapter speed (`node test/bench/dap.mjs`, or benchDap(say) from `npm run bench`; needs
// `node scripts/build.mjs`): guest MIPS with 100 breakpoints and every exception filter armed
// against the plain interpreter in the same run, DAP step round trips over stdio, and the time
// from `pause` to the stopped event while a guest runs. Prints a markdown section; numbers only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { median, percentile } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'test', 'bench', 'out');
const adapter = join(root, 'dist', 'debugAdapter.js');
const cpuGuest = join(root, 'test', 'fixtures', 'runtime', 'cpu-bound.gasm');
const spinGuest = join(root, 'test', 'fixtures', 'dap', 'spin.gasm');
const stormGuest = join(root, 'test', 'fixtures', 'dap', 'fault-storm.gasm');
const helloGuest = join(root, 'examples', 'hello', 'hello.gasm');
/** The adapters' code cache (core/src/startup/codeCache.ts): the bench's own, emptied as it starts. */
const codeCache = join(outDir, 'adapter-code-cache');
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** A DAP client over the adapter's stdio: request() → response, waitEvent() → next matching event. */
function startAdapter(args = []) {
  const child = spawn(process.execPath, [adapter, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = Buffer.alloc(0);
  let seq = 1;
  const pending = new Map();
  let waiters = [];
  child.stdout.on('data', (d) => {
    buffer = Buffer.concat([buffer, d]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
      if (buffer.length < end + 4 + len) return;
      const m = JSON.parse(buffer.subarray(end + 4, end + 4 + len).toString());
      buffer = buffer.subarray(end + 4 + len);
      if (m.type === 'response') { pending.get(m.request_seq)?.(m); pending.delete(m.request_seq); }
      else if (m.type === 'event') {
        const w = waiters.find((x) => x.name === m.event);
        if (w) { waiters = waiters.filter((x) => x !== w); w.resolve(m); }
      }
    }
  });
  return {
    request(command, args) {
      const s = seq++;
      const text = JSON.stringify({ seq: s, type: 'request', command, arguments: args });
      return new Promise((resolve, reject) => {
        pending.set(s, (r) => (r.success ? resolve(r) : reject(new Error(`${command}: ${r.message}`))));
        child.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      });
    },
    waitEvent(name) { return new Promise((resolve) => waiters.push({ name, resolve })); },
    child,
    close() { child.kill(); },
  };
}

async function launch(client, program, configure = async () => {}, stopOnEntry = true) {
  await client.request('initialize', { adapterID: 'ringside', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const initialized = client.waitEvent('initialized');
  await client.request('launch', { program, stopOnEntry });
  await initialized;
  await configure(client);
  const first = stopOnEntry ? client.waitEvent('stopped') : null;
  await client.request('configurationDone');
  if (first) await first;
}

const ALL_FILTERS = ['de', 'db', 'bp', 'of', 'br', 'ud', 'nm', 'df', 'ts', 'np', 'ss', 'gp', 'pf', 'ac', 'ring-transition', 'triple-fault'];
// 100 instruction breakpoints on addresses the guest never executes (past its image, 16 bytes apart).
const NEVER_HIT = Array.from({ length: 100 }, (_, i) => 0x00300000 + i * 16);

/**
 * The plain interpreter in a fresh process, as `ringside run` runs it (runToEnd, nothing armed):
 * the same cold start — JIT warm-up included — as a fresh adapter process has.
 */
function plainColdRun(bundle) {
  const script = `const { GuestSession } = require(${JSON.stringify(bundle)});
const r = GuestSession.load({ source: { file: ${JSON.stringify(cpuGuest)} } });
if (!r.ok) throw new Error(r.message);
const t0 = process.hrtime.bigint();
r.session.runToEnd();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, instructions: r.session.machine.cpu.instret }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`plain run failed: ${r.stderr}`);
  const { ms, instructions } = JSON.parse(r.stdout);
  return { mips: instructions / (ms * 1000), instructions };
}

/** The same guest through a fresh adapter process over stdio, with or without breakpoints and every filter armed. */
async function dapColdRun(instructions, armed) {
  const client = startAdapter();
  try {
    await launch(client, cpuGuest, async (c) => {
      if (!armed) return;
      await c.request('setInstructionBreakpoints', { breakpoints: NEVER_HIT.map((a) => ({ instructionReference: `0x${a.toString(16)}` })) });
      await c.request('setExceptionBreakpoints', { filters: ALL_FILTERS });
    });
    const exited = client.waitEvent('exited');
    const t0 = now();
    await client.request('continue', { threadId: 1 });
    await exited;
    return instructions / ((now() - t0) * 1000);
  } finally {
    client.close();
  }
}

/**
 * F5's wait: from starting a fresh adapter process to the stopped event on hello.gasm's entry
 * (initialize, launch, which assembles, configurationDone), with `args`; the adapter then ended
 * with `disconnect`, as VS Code ends it (a cache is written as it exits).
 */
async function launchToStop(args) {
  const t0 = now();
  const client = startAdapter(args);
  try {
    await launch(client, helloGuest);
    const ms = now() - t0;
    const exited = new Promise((resolve) => client.child.once('exit', resolve));
    await client.request('disconnect', {});
    await exited;
    return ms;
  } finally {
    client.close();
  }
}

/**
 * Steady state in this process: the runtime driven as the adapter drives it (continue(), batches
 * between event-loop turns), plain and armed alternately after two warm-up runs of each.
 */
async function warmRuns(GuestSession, rounds) {
  const run = async (armed) => {
    const r = GuestSession.load({ source: { file: cpuGuest } });
    if (!r.ok) throw new Error(r.message);
    if (armed) {
      r.session.setBreakpoints(NEVER_HIT.map((address) => ({ address })));
      r.session.setExceptionStops({ exceptions: Array.from({ length: 32 }, (_, vector) => ({ vector })), ringTransition: true });
    }
    const t0 = now();
    await r.session.continue();
    return r.session.machine.cpu.instret / ((now() - t0) * 1000);
  };
  for (let i = 0; i < 2; i++) { await run(false); await run(true); }
  const plain = [], armed = [];
  for (let i = 0; i < rounds; i++) { plain.push(await run(false)); armed.push(await run(true)); }
  return { plain: median(plain), armed: median(armed) };
}

async function stepRoundTrips(count) {
  const client = startAdapter();
  const times = { instruction: [], line: [] };
  try {
    await launch(client, cpuGuest);
    for (const granularity of ['instruction', 'line']) {
      for (let i = 0; i < count; i++) {
        const stopped = client.waitEvent('stopped');
        const t0 = now();
        await client.request(granularity === 'line' ? 'next' : 'stepIn', { threadId: 1, granularity });
        await stopped;
        times[granularity].push(now() - t0);
      }
    }
  } finally {
    client.close();
  }
  return times;
}

/**
 * Pause → stopped for `count` pauses while `guest` runs, `configure` arming what it arms first
 * (a fault storm with an exception filter armed makes every fault an event to the adapter).
 */
async function pauseLatencies(count, guest = spinGuest, configure = undefined) {
  const client = startAdapter();
  const times = [];
  try {
    await launch(client, guest, configure);
    for (let i = 0; i < count; i++) {
      await client.request('continue', { threadId: 1 });
      await new Promise((r) => setTimeout(r, 50));
      const stopped = client.waitEvent('stopped');
      const t0 = now();
      await client.request('pause', { threadId: 1 });
      await stopped;
      times.push(now() - t0);
    }
  } finally {
    client.close();
  }
  return times;
}

export async function benchDap(say) {
  if (!existsSync(adapter)) throw new Error('build first: node scripts/build.mjs');
  mkdirSync(outDir, { recursive: true });
  const bundle = join(outDir, 'dap-runtime.cjs');
  await esbuild.build({
    stdin: { contents: `export { GuestSession } from './core/src/runtime/session';`, resolveDir: root, loader: 'ts' },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning',
  });
  const { GuestSession } = createRequire(import.meta.url)(bundle);

  say('## Debug adapter');
  say('');
  // Like against like, twice: cold (each run a fresh process, as F5 or `ringside run` starts one)
  // and warm (one process, steady state). Runs alternate so load changes hit every kind alike.
  const ROUNDS = 5;
  const cold = { plain: [], unarmed: [], armed: [] };
  let instructions = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const p = plainColdRun(bundle);
    instructions = p.instructions;
    cold.plain.push(p.mips);
    cold.unarmed.push(await dapColdRun(instructions, false));
    cold.armed.push(await dapColdRun(instructions, true));
  }
  const warm = await warmRuns(GuestSession, 7);
  const c = { plain: median(cold.plain), unarmed: median(cold.unarmed), armed: median(cold.armed) };
  const pct = (a, b) => `${((a / b) * 100).toFixed(0)}%`;
  say(`Guest: test/fixtures/runtime/cpu-bound.gasm, ${instructions.toLocaleString('en-US')} instructions. Armed: 100 instruction breakpoints the guest never reaches, all ${ALL_FILTERS.length} exception filters over DAP (${ALL_FILTERS.length - 2} CPU exceptions, ring transitions, triple fault); in the warm runs, stops on all 32 exception vectors and ring transitions.`);
  say('');
  say(`| run | MIPS | / plain |`);
  say('| --- | ---: | ---: |');
  say(`| cold: plain interpreter, fresh process (runToEnd, as \`ringside run\`), median of ${ROUNDS} | ${c.plain.toFixed(1)} | 100% |`);
  say(`| cold: fresh adapter over DAP, nothing armed, median of ${ROUNDS} | ${c.unarmed.toFixed(1)} | ${pct(c.unarmed, c.plain)} |`);
  say(`| cold: fresh adapter over DAP, armed, median of ${ROUNDS} | ${c.armed.toFixed(1)} | **${pct(c.armed, c.plain)}** |`);
  say(`| warm: runtime in one process, plain (continue()), median of 7 | ${warm.plain.toFixed(1)} | 100% |`);
  say(`| warm: runtime in one process, armed (continue()), median of 7 | ${warm.armed.toFixed(1)} | **${pct(warm.armed, warm.plain)}** |`);
  say('');
  say(`Goal: armed ≥ 90% of plain. Cold ${pct(c.armed, c.plain)}, warm ${pct(warm.armed, warm.plain)}.`);
  say('');
  const steps = await stepRoundTrips(200);
  say('| DAP step round trip over stdio (request → stopped event) | p50 | p95 |');
  say('| --- | ---: | ---: |');
  say(`| stepIn, instruction granularity (200) | ${percentile(steps.instruction, 0.5).toFixed(2)} ms | ${percentile(steps.instruction, 0.95).toFixed(2)} ms |`);
  say(`| next, line granularity (200) | ${percentile(steps.line, 0.5).toFixed(2)} ms | ${percentile(steps.line, 0.95).toFixed(2)} ms |`);
  say('');
  const pauses = await pauseLatencies(20);
  say(`Pause → stopped while a guest runs (20 pauses): p50 ${percentile(pauses, 0.5).toFixed(2)} ms, max ${Math.max(...pauses).toFixed(2)} ms (goal < 50 ms).`);
  say('');
  const storm = await pauseLatencies(20, stormGuest, (c) => c.request('setExceptionBreakpoints', { filters: ['gp'] }));
  say(`Pause → stopped during a fault storm (test/fixtures/dap/fault-storm.gasm: a #UD and a COM1 byte per loop, the #GP filter armed so the adapter hears every fault; 20 pauses): p50 ${percentile(storm, 0.5).toFixed(2)} ms, max ${Math.max(...storm).toFixed(2)} ms (goal < 50 ms).`);
  say('');

  // Fresh adapters alternated, with the code cache an earlier adapter wrote and with none (a first
  // F5 after installing or updating).
  rmSync(codeCache, { recursive: true, force: true });
  await launchToStop([`--code-cache=${codeCache}`]);
  const f5 = { cached: [], uncached: [] };
  for (let i = 0; i < 5; i++) {
    for (const kind of i % 2 === 0 ? ['cached', 'uncached'] : ['uncached', 'cached']) {
      f5[kind].push(await launchToStop(kind === 'cached' ? [`--code-cache=${codeCache}`] : ['--no-code-cache']));
    }
  }
  const list = (r) => r.map((t) => t.toFixed(0)).join(', ');
  say(`F5 → stopped on entry (examples/hello/hello.gasm; from starting a fresh adapter process to the stopped event, 5 each, alternated): with the code cache of an earlier adapter p50 ${median(f5.cached).toFixed(1)} ms (${list(f5.cached)}), with none p50 ${median(f5.uncached).toFixed(1)} ms (${list(f5.uncached)}).`);
  say('');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchDap((line = '') => console.log(line));
}
