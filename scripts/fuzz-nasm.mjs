// A differential campaign against nasm on programs a typo away from working ones: each nasm
// fixture that assembles is mutated (lines deleted, repeated, moved or taken from another fixture,
// a character put in or taken out) and given to `nasm -f bin` and to `ringside asm`, the latter in
// this one process as the language server runs it (what it keeps from one file to the next is
// then exercised too). Reports where one accepts what the other refuses, different bytes, and a
// throw. Needs nasm on PATH.
// Usage: node scripts/fuzz-nasm.mjs [SEED] [PROGRAMS]   (npm run fuzz:nasm -- SEED PROGRAMS)
// Exit status 1 when it found anything; the findings, with the programs, go to a JSON file.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = Number(process.argv[2] ?? Date.now() % 100000);
const PROGRAMS = Number(process.argv[3] ?? 300);

if (spawnSync('nasm', ['-v']).status !== 0) {
  console.error('fuzz-nasm: nasm is not on PATH (apt-get install nasm)');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'ringside-fuzz-nasm-'));
const bundle = join(work, 'cli.cjs');
await build({ stdin: { contents: "export { main } from './core/src/cli/main';", resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
const { main } = createRequire(import.meta.url)(bundle);

let state = SEED >>> 0 || 1;
function rand(n) {
  state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
  return state % Math.max(1, n);
}
const pick = (a) => a[rand(a.length)];

// Fixtures nasm assembles, read as nasm reads them (bytes), without extra nasm arguments.
const fixtures = join(root, 'test/fixtures/nasm/asm');
const corpus = readdirSync(fixtures)
  .filter((f) => f.endsWith('.asm') && existsSync(join(fixtures, f.replace(/\.asm$/, '.bin'))) && !existsSync(join(fixtures, f.replace(/\.asm$/, '.args'))))
  .map((f) => readFileSync(join(fixtures, f), 'latin1'));
const CHARS = ' \t,:[]()+-*$.0123456789abcdefxyzAX_';

function mutate(text) {
  const lines = text.split('\n');
  for (let k = 1 + rand(2); k > 0; k--) {
    const i = rand(lines.length), l = lines[i] ?? '', c = rand(l.length + 1);
    switch (rand(6)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, ...lines.slice(rand(lines.length), rand(lines.length) + 1).slice(0, 3)); break;
      case 2: { const other = pick(corpus).split('\n'); const j = rand(other.length); lines.splice(i, 0, ...other.slice(j, j + 1 + rand(6))); break; }
      case 3: lines[i] = l.slice(0, c) + pick(CHARS) + l.slice(c); break;
      case 4: lines[i] = l.slice(0, c) + l.slice(c + 1 + rand(3)); break;
      default: { const j = rand(lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; }
    }
  }
  return lines.join('\n');
}

const findings = [];
const counts = { same: 0, bothRefuse: 0, nasmPanics: 0 };
for (let n = 0; n < PROGRAMS; n++) {
  const text = mutate(pick(corpus));
  writeFileSync(join(work, 'm.asm'), text, 'latin1');
  for (const f of ['n.bin', 'o.bin']) if (existsSync(join(work, f))) unlinkSync(join(work, f));
  const nasm = spawnSync('nasm', ['-f', 'bin', 'm.asm', '-o', 'n.bin'], { cwd: work, encoding: 'latin1', timeout: 20_000 });
  let ours = '';
  let status;
  const cwd = process.cwd();
  process.chdir(work);
  try {
    status = main(['asm', 'm.asm', '-o', 'o.bin'], { out: () => undefined, err: (t) => { ours += t; } });
  } catch (e) {
    status = `threw: ${e instanceof Error ? e.stack : String(e)}`;
  } finally {
    process.chdir(cwd);
  }
  let kind;
  if (typeof status === 'string') kind = 'throw';
  // nasm's own assertion failures (`panic: ... assertion ... failed`) give no reference to compare with.
  else if (nasm.stderr.includes('panic: ')) kind = 'nasmPanics';
  else if (nasm.status === 0 && status === 0) kind = Buffer.compare(readFileSync(join(work, 'n.bin')), readFileSync(join(work, 'o.bin'))) === 0 ? 'same' : 'bytes';
  else if (nasm.status !== 0 && status !== 0) kind = 'bothRefuse';
  else kind = nasm.status === 0 ? 'ringside refuses' : 'nasm refuses';
  if (kind === 'same' || kind === 'bothRefuse' || kind === 'nasmPanics') counts[kind]++;
  else findings.push({ kind, program: text, nasm: nasm.stderr.slice(0, 2000), ringside: (typeof status === 'string' ? status : ours).slice(0, 2000) });
}

const report = join(work, 'findings.json');
writeFileSync(report, JSON.stringify(findings, null, 1));
const byKind = new Map();
for (const f of findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
console.log(`seed ${SEED}, ${PROGRAMS} programs: ${counts.same} the same, ${counts.bothRefuse} refused by both, ${counts.nasmPanics} where nasm panicked; ${findings.length === 0 ? 'nothing else' : `${[...byKind].map(([k, v]) => `${v} ${k}`).join(', ')} (${report})`}`);
process.exit(findings.length === 0 ? 0 : 1);
