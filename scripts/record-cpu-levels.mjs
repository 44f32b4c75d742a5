#!/usr/bin/env node
// Records, for every line of the encoder corpus (test/fixtures/nasm/forms/*.asm) that nasm
// assembles, the lowest level of nasm's `cpu` directive that accepts it, as
// test/fixtures/nasm/cpu-levels.json: per file a string with one character per line, the
// level's index in `levels` ('-' for a line nasm rejects whatever the level, or a header line).
// Re-runnable and deterministic. Run: `node scripts/record-cpu-levels.mjs` (needs nasm on PATH).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const LEVELS = ['8086', '186', '286', '386', '486', '586', '686'];
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dir = path.join(root, 'test', 'fixtures', 'nasm', 'forms');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cpu-levels-'));

/** nasm's first error on each line of `lines` (1-based line numbers). */
function errors(lines) {
  fs.writeFileSync(path.join(tmp, 'p.asm'), lines.join('\n'));
  const r = spawnSync('nasm', ['-f', 'bin', '-o', path.join(tmp, 'p.bin'), path.join(tmp, 'p.asm')], { encoding: 'utf8' });
  if (r.error) throw r.error;
  const out = new Map();
  for (const l of r.stderr.split('\n')) {
    const m = /^.*?:(\d+): error: (.*)$/.exec(l);
    if (m && !out.has(Number(m[1]))) out.set(Number(m[1]), m[2]);
  }
  return out;
}

const version = spawnSync('nasm', ['-v'], { encoding: 'utf8' }).stdout.trim();
const files = {};
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.asm')).sort()) {
  const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n');
  const header = lines.indexOf('base_label:') + 1;
  // Lines nasm rejects anyway are left out until it accepts the rest: an error in an early pass
  // stops nasm before the final pass, where it reports the cpu level.
  const dropped = new Set(Array.from({ length: header }, (_, i) => i));
  for (;;) {
    const e = errors(lines.map((l, i) => (dropped.has(i) && i >= header ? '' : l)));
    if (e.size === 0) break;
    for (const n of e.keys()) dropped.add(n - 1);
  }
  const kept = lines.map((l, i) => (dropped.has(i) && i >= header ? '' : l));
  const lowest = lines.map(() => 0);
  for (let li = LEVELS.length - 1; li > 0; li--) {
    // `cpu` goes after the `bits` line: nasm refuses `bits 32` below a 386.
    const e = errors([kept[0], `cpu ${LEVELS[li - 1]}`, ...kept.slice(1)]);
    for (const [n, message] of e) {
      if (message !== 'no instruction for this cpu level') throw new Error(`${f}:${n - 1}: unexpected error at cpu ${LEVELS[li - 1]}: ${message}`);
      lowest[n - 2] = Math.max(lowest[n - 2], li);
    }
  }
  files[f] = lowest.map((v, i) => (dropped.has(i) ? '-' : String(v))).join('');
}
fs.writeFileSync(path.join(root, 'test', 'fixtures', 'nasm', 'cpu-levels.json'), JSON.stringify({ nasm: version, levels: LEVELS, files }, null, 1) + '\n');
fs.rmSync(tmp, { recursive: true });
console.log(`record-cpu-levels: ${Object.keys(files).length} files (${version})`);
