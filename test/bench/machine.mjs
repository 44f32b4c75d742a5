// Micro benchmark of the machine's hot paths and snapshots: `node test/bench/machine.mjs`.
// Prints snapshot time and size for a 32 MiB memory with few dirty pages, restore time, and the
// rates of TLB-hit translation and physical reads. Numbers only; nothing here passes or fails.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { median } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'test', 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const bundle = join(outDir, 'machine.cjs');
await esbuild.build({
  stdin: {
    contents: `export { PhysicalMemory } from './core/src/machine/memory/physical-memory';
               export { Mmu } from './core/src/machine/mmu/mmu';
               export * from './core/src/machine/mmu/paging-bits';`,
    resolveDir: root, loader: 'ts',
  },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning',
});
const { PhysicalMemory, Mmu, ACCESS_READ, CR0_PG, CR0_WP } = createRequire(import.meta.url)(bundle);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const MiB = 1 << 20;

console.log('## Machine: copy-on-write snapshots of a 32 MiB memory');
const mem = new PhysicalMemory(32 * MiB);
for (let pa = 0x100000; pa < 0x100000 + 4 * MiB; pa += 4096) mem.write32(pa, pa); // a 4 MiB guest image
mem.snapshot();
for (const dirty of [1, 8, 64, 512]) {
  const times = [];
  const restores = [];
  let size = 0;
  for (let run = 0; run < 50; run++) {
    for (let k = 0; k < dirty; k++) mem.write32(0x100000 + ((k * 7919) % 8192) * 4096 % (28 * MiB), run);
    const t0 = now();
    const snap = mem.snapshot();
    const t1 = now();
    times.push(t1 - t0);
    size = snap.sizeBytes;
    mem.write8(0x200000, run);
    const t2 = now();
    mem.restore(snap);
    restores.push(now() - t2);
  }
  console.log(`${String(dirty).padStart(4)} dirty pages: snapshot ${(median(times) * 1000).toFixed(1)} µs, ` +
    `${(size / 1024).toFixed(1)} KiB, restore of the latest ${(median(restores) * 1000).toFixed(1)} µs`);
}

console.log('\n## Machine: hot paths');
const m2 = new PhysicalMemory(32 * MiB);
const mmu = new Mmu(m2);
m2.write32(0x10000, 0x11000 | 7);
for (let i = 0; i < 16; i++) m2.write32(0x11000 + i * 4, (0x100000 + i * 4096) | 7 | 0x60);
mmu.setCr3(0x10000);
mmu.setCr0(CR0_PG | CR0_WP);
for (let i = 0; i < 16; i++) mmu.translate(i << 12, ACCESS_READ);
const N = 20_000_000;
let sum = 0;
const rate = (body) => { // best of three rounds, so the JIT has warmed up
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = now();
    body();
    best = Math.max(best, N / (now() - t0) / 1000);
  }
  return best.toFixed(0);
};
const translateRate = rate(() => { for (let i = 0; i < N; i++) sum += mmu.translate(i & 0xffff, ACCESS_READ); });
console.log(`TLB-hit translate: ${translateRate} M/s (${mmu.tlb.counters.hits} hits, ${mmu.tlb.counters.misses} misses)`);
const readRate = rate(() => { for (let i = 0; i < N; i++) sum += m2.read32(0x100000 + ((i << 2) & 0xfffff)); });
console.log(`physical read32: ${readRate} M/s`);
if (sum === 0.5) console.log('');
