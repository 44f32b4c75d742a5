// Assembler throughput benchmark: CPU time of nasm and of `ringside asm` on a generated file, and
// in-process warm assemble() on 100k and 10k lines plus a one-line edit (medians of several runs).
// Usage: node test/bench/asm-profile.mjs [runs]   (builds the assembler bundle with esbuild first)

import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateProgram } from './generate.mjs';
import { median } from './stats.mjs';

const runs = Number(process.argv[2] ?? 5);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asm-bench-'));
const bundle = path.join(dir, 'asm.mjs');
await build({ entryPoints: ['core/src/asm/index.ts'], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'error' });
const { assemble } = await import(bundle);

const big = path.join(dir, 'big.asm');
fs.writeFileSync(big, generateProgram(100000));
const lines = fs.readFileSync(big, 'utf8').split('\n').length;

/** CPU seconds (user+sys) and wall seconds of one child process. */
function timed(cmd, args) {
  const out = spawnSync('/usr/bin/time', ['-f', '%U %S %e', cmd, ...args], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${cmd} failed: ${out.stderr}`);
  const [u, s, e] = out.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { cpu: u + s, wall: e };
}

const nasm = [], ours = [];
for (let i = 0; i < runs; i++) {
  nasm.push(timed('nasm', ['-f', 'bin', big, '-o', path.join(dir, 'n.bin')]));
  ours.push(timed(process.execPath, ['dist/cli.js', 'asm', big, '-o', path.join(dir, 'r.bin')]));
}
const same = execFileSync('cmp', [path.join(dir, 'n.bin'), path.join(dir, 'r.bin')]).length === 0;
const nc = median(nasm.map((r) => r.cpu)), oc = median(ours.map((r) => r.cpu));
console.log(`${lines} lines; outputs identical: ${same}`);
console.log(`nasm      cpu ${nc.toFixed(2)} s wall ${median(nasm.map((r) => r.wall)).toFixed(2)} s  ${(lines / nc / 1000).toFixed(0)}k lines/s`);
console.log(`ringside  cpu ${oc.toFixed(2)} s wall ${median(ours.map((r) => r.wall)).toFixed(2)} s  ${(lines / oc / 1000).toFixed(0)}k lines/s  (${(nc / oc).toFixed(2)}x nasm)`);

const host = { readFile: () => undefined };
function inProcess(text, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = process.cpuUsage();
    const r = assemble({ file: '/b.asm', text, host });
    if (r.image.length === 0) throw new Error('no image');
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  return median(times);
}
const text100k = fs.readFileSync(big, 'utf8');
const text10k = generateProgram(10000);
inProcess(text100k, 1);
const warm100 = inProcess(text100k, runs);
inProcess(text10k, 2);
const warm10 = inProcess(text10k, runs);
const edits = [];
for (let i = 0; i < runs; i++) {
  const at = text10k.indexOf('\n', Math.floor(text10k.length / 2));
  const edited = text10k.slice(0, at) + `\n    mov eax, ${1000 + i}` + text10k.slice(at);
  edits.push(inProcess(edited, 1));
}
console.log(`in-process warm: 100k ${warm100.toFixed(0)} ms (${(lines / warm100).toFixed(0)}k lines/s, ${(lines / warm100 / (lines / nc / 1000)).toFixed(2)}x nasm)  10k ${warm10.toFixed(1)} ms  one-line edit of 10k ${median(edits).toFixed(1)} ms`);
fs.rmSync(dir, { recursive: true, force: true });
