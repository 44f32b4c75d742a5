// CPU interpreter speed: `node test/bench/cpu-micro.mjs [--only run|step|cpu.run] [--outer N]`.
// Assembles guests/cpu-loop.asm with nasm (paging off, and 4 KiB paging on), runs each through
// Machine.run (devices and breakpoints around Cpu.run), a bare Cpu.step() loop and Cpu.run (blocks) alone, and prints
// guest MIPS per CPU second of this process (best of three). Numbers only.
import { mkdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'test', 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const bundle = join(outDir, 'cpu-micro.cjs');
await esbuild.build({
  stdin: { contents: `export { Machine } from './core/src/machine/machine';`, resolveDir: root, loader: 'ts' },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning',
});
const { Machine } = createRequire(import.meta.url)(bundle);

const args = process.argv.slice(2);
const outer = args.includes('--outer') ? Number(args[args.indexOf('--outer') + 1]) : 20000;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const source = join(root, 'test', 'bench', 'guests', 'cpu-loop.asm');
const image = (defines) => {
  const out = join(outDir, `cpu-loop${defines.join('')}.bin`);
  execFileSync('nasm', ['-f', 'bin', `-DOUTER=${outer}`, ...defines, '-o', out, source]);
  return new Uint8Array(readFileSync(out));
};
// CPU time of this process, not wall time: the machine is shared, and other load should not count.
const now = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

function boot(bytes) {
  const r = Machine.fromMultiboot(bytes);
  if (!r.ok) throw new Error(r.message);
  return r.machine;
}

/** Machine.run to the guest's exit; returns [MIPS, instructions, exit value]. */
function viaRun(bytes) {
  const m = boot(bytes);
  const t0 = now();
  const status = m.run(1e10);
  const ms = now() - t0;
  if (status.reason !== 'debug-exit') throw new Error(`guest stopped: ${Machine.describe(status)}`);
  return [status.instructions / ms / 1000, status.instructions, status.value];
}

/** A bare Cpu.step() loop to the guest's OUT. */
function viaStep(bytes) {
  const m = boot(bytes);
  const cpu = m.cpu;
  const t0 = now();
  while (m.debugExit.request === null && cpu.condition === 'running') cpu.step();
  const ms = now() - t0;
  return [cpu.instret / ms / 1000, cpu.instret, m.debugExit.request?.value];
}

/** Cpu.run, the batched loop a run loop can use, in batches of 65536 instructions. */
function viaCpuRun(bytes) {
  const m = boot(bytes);
  const cpu = m.cpu;
  const t0 = now();
  while (m.debugExit.request === null && cpu.condition === 'running') cpu.run(cpu.instret + 65536, 1 << 20, false);
  const ms = now() - t0;
  return [cpu.instret / ms / 1000, cpu.instret, m.debugExit.request?.value];
}

const best = (f, bytes) => {
  let top = null;
  for (let i = 0; i < 3; i++) {
    const r = f(bytes);
    if (top === null || r[0] > top[0]) top = r;
  }
  return top;
};

for (const [name, defines] of [['paging off', []], ['paging on (4 KiB pages)', ['-DPAGING']]]) {
  const bytes = image(defines);
  for (const [how, f] of [['Machine.run', viaRun], ['Cpu.step loop', viaStep], ['Cpu.run', viaCpuRun]]) {
    if (only !== null && !how.toLowerCase().includes(only)) continue;
    const [mips, n, value] = best(f, bytes);
    console.log(`${name.padEnd(24)} ${how.padEnd(14)} ${mips.toFixed(1).padStart(7)} MIPS  (${n} instructions, exit value ${value})`);
  }
}
