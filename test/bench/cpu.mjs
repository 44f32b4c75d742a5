// CPU benchmark: the interpreter's guest MIPS on a CPU-bound guest side by side with
// qemu-system-i386 (TCG) on the same image in the same run, memory use of a 32 MiB guest, and the
// cost of a whole-machine snapshot. `node test/bench/cpu.mjs` alone, or benchCpu(say) from run.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { median } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'test', 'bench', 'out');
const GUEST = join(root, 'test', 'fixtures', 'runtime', 'cpu-bound.gasm');
const ITERATIONS = 3_000_000; // 14 instructions per iteration: 42 M instructions
const QEMU_SCALE = 40;
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function loadCore() {
  mkdirSync(outDir, { recursive: true });
  const bundle = join(outDir, 'cpu-bench.cjs');
  await esbuild.build({
    stdin: {
      contents: `export { Machine } from './core/src/machine/machine';
                 export { assemble } from './core/src/asm/index';
                 export { takeSnapshot, restoreSnapshot } from './core/src/runtime/machine-snapshot';`,
      resolveDir: root, loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning',
  });
  return createRequire(import.meta.url)(bundle);
}

function build(core, iterations) {
  const host = { readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
  const r = core.assemble({ file: GUEST, host, defines: { ITERATIONS: String(iterations) } });
  if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error('benchmark guest did not assemble');
  return r.image;
}

function qemuSeconds(image, runs) {
  const file = join(outDir, `cpu-bound-${image.length}-${runs}.bin`);
  const fs = createRequire(import.meta.url)('node:fs');
  fs.writeFileSync(file, image);
  const times = [];
  let status = null;
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    const r = spawnSync('qemu-system-i386', ['-accel', 'tcg', '-kernel', file, '-display', 'none', '-serial', 'null', '-nodefaults',
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-no-reboot'], { encoding: 'utf8' });
    times.push(now() - t0);
    status = r.status;
    if (r.error) return null;
  }
  return { ms: median(times), status };
}

export async function benchCpu(say) {
  const core = await loadCore();
  say('## CPU: interpreter MIPS side by side with QEMU (TCG)');
  const image = build(core, ITERATIONS);
  const empty = build(core, 0);
  const runs = [];
  let result;
  for (let i = 0; i < 3; i++) {
    const r = core.Machine.fromMultiboot(image);
    const t0 = now();
    result = r.machine.run(1e10);
    runs.push(now() - t0);
  }
  const ms = median(runs);
  const n = result.instructions;
  const mips = n / ms / 1000;
  say(`guest: test/fixtures/runtime/cpu-bound.gasm, ${ITERATIONS.toLocaleString('en')} iterations = ${n.toLocaleString('en')} instructions, exit value ${result.value}`);
  say('');
  say('| engine | time | guest MIPS |');
  say('| --- | --- | --- |');
  say(`| ringside interpreter (Machine.run, warm, median of 3) | ${ms.toFixed(0)} ms | ${mips.toFixed(1)} |`);
  const q = qemuSeconds(image, 3);
  if (q === null) say('| qemu-system-i386 -accel tcg | not installed | |');
  else {
    // QEMU runs the same image in less time than its own start-up varies, so its rate comes from
    // the same guest built with QEMU_SCALE times the iterations (instructions scale exactly).
    const base = qemuSeconds(empty, 3);
    const big = qemuSeconds(build(core, ITERATIONS * QEMU_SCALE), 3);
    const guestMs = Math.max(1, big.ms - base.ms);
    const qmips = (n - 10) * QEMU_SCALE / guestMs / 1000;
    say(`| qemu-system-i386 -accel tcg, same guest ×${QEMU_SCALE} iterations (wall ${big.ms.toFixed(0)} ms minus empty-guest ${base.ms.toFixed(0)} ms) | ${guestMs.toFixed(0)} ms | ${qmips.toFixed(0)} |`);
    say(`| qemu-system-i386 -accel tcg, same image (wall, incl. start-up) | ${q.ms.toFixed(0)} ms | |`);
    say('');
    say(`QEMU exit status ${q.status} = (value << 1) | 1 with value ${(q.status - 1) >> 1}; ringside's value ${result.value} (${(q.status - 1) >> 1 === result.value ? 'same checksum' : 'DIFFERENT checksum'}).`);
    say(`ringside / QEMU: ${(mips / qmips).toFixed(3)}; goal ≥ 100 MIPS (2.5× Bochs' ~40 MIPS): ${mips >= 100 ? 'met' : 'not met'}.`);
  }

  say('');
  say('## Machine: memory and snapshots of a 32 MiB guest');
  if (globalThis.gc) globalThis.gc();
  const before = process.memoryUsage();
  const r = core.Machine.fromMultiboot(build(core, 100_000), { memoryBytes: 32 << 20 });
  const m = r.machine;
  m.run(500_000);
  if (globalThis.gc) globalThis.gc();
  const after = process.memoryUsage();
  const mib = (bytes) => `${bytes < 0 ? '−' : '+'}${(Math.abs(bytes) / 1048576).toFixed(1)} MiB`;
  say(`after booting and running it: heap ${mib(after.heapUsed - before.heapUsed)}, ` +
    `array buffers ${mib(after.arrayBuffers - before.arrayBuffers)}, RSS ${(after.rss / 1048576).toFixed(0)} MiB (whole process)` +
    `${globalThis.gc ? '' : ' (run node --expose-gc for exact numbers)'}; RAM frames are allocated on first write.`);
  core.takeSnapshot(m);
  const times = [];
  let size = 0;
  for (let i = 0; i < 50; i++) {
    m.run(1000); // a little guest work dirties a few frames (stack, table)
    const t0 = now();
    const s = core.takeSnapshot(m);
    times.push(now() - t0);
    size = s.memory.sizeBytes;
  }
  say(`whole-machine snapshot after 1,000 instructions: ${(median(times) * 1000).toFixed(1)} µs median, ${(size / 1024).toFixed(1)} KiB of RAM frames (goal: well under 1 ms, a few KiB).`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchCpu((line = '') => console.log(line));
}
