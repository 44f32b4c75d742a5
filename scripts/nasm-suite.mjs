// A differential run on the tests nasm's authors wrote: nasm 2.16.01's source holds them
// (travis/test/*.json, each a configuration of a travis/test/*.asm with its options, and the
// `;Testname=...; Arguments=...` lines of test/*.asm, or none). Each `-f bin` configuration goes
// through `nasm` and through `ringside asm` (with `-X gnu`, so its messages are printed as nasm
// prints them) with the same options in the same folder, and is classed by exit status, bytes (or
// the standard output of -E) and standard error. The source is Debian's orig tarball, checked by
// the sha256 Debian's nasm_2.16.01-1.dsc gives, downloaded once into .cache/nasm-suite (or given
// with --tarball FILE). Nothing of it enters the repository. Needs nasm and tar on PATH, and
// dist/cli.js built (npm run nasm-suite builds it).
// Usage: node scripts/nasm-suite.mjs [--tarball FILE] [FILTER]   (FILTER: part of a test's name)
// Exit status 1 when a test gives other bytes, is accepted by one and refused by the other (but
// for what the guest dialect leaves out on purpose: BITS 64 and instructions outside the IA-32
// integer and system set), or makes Ringside throw; the list goes to .cache/nasm-suite/results.json.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'nasm-suite');
const TARBALL_URL = 'http://deb.debian.org/debian/pool/main/n/nasm/nasm_2.16.01.orig.tar.xz';
/** From Debian's nasm_2.16.01-1.dsc (Checksums-Sha256). */
const TARBALL_SHA256 = 'c77745f4802375efeee2ec5c0ad6b7f037ea9c87c92b149a9637ff099f162558';
const cli = join(root, 'dist', 'cli.js');
/** Ringside's refusals of what its dialect leaves out on purpose (docs: the guest dialect). */
const DIALECT = /is not supported by the IA-32 guest dialect|that Ringside's dialect leaves out/;

const args = process.argv.slice(2);
const tarballAt = args.indexOf('--tarball');
const givenTarball = tarballAt >= 0 ? args.splice(tarballAt, 2)[1] : undefined;
const filter = args[0];

async function tarball() {
  if (givenTarball !== undefined) return givenTarball;
  const file = join(cache, 'nasm_2.16.01.orig.tar.xz');
  if (!existsSync(file)) {
    mkdirSync(cache, { recursive: true });
    console.log(`nasm-suite: downloading ${TARBALL_URL}`);
    const response = await fetch(TARBALL_URL);
    if (!response.ok) throw new Error(`${TARBALL_URL}: ${response.status} ${response.statusText}`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  }
  return file;
}

async function source() {
  const file = await tarball();
  const sum = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (sum !== TARBALL_SHA256) throw new Error(`${file}: sha256 ${sum}, not Debian's ${TARBALL_SHA256}`);
  const dir = join(cache, 'nasm-2.16.01');
  if (!existsSync(join(dir, 'travis', 'test'))) {
    mkdirSync(cache, { recursive: true });
    const tar = spawnSync('tar', ['-xJf', file, '-C', cache], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar: ${tar.stderr}`);
  }
  return dir;
}

/** Options without those naming outputs (each run writes its own) and the format (bin, checked). */
function ownOptions(words) {
  const kept = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-o' || w === '-l' || w === '-f') { i++; continue; }
    if (/^-[olf]./.test(w)) continue;
    kept.push(w);
  }
  return kept;
}

function formatOf(words) {
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '-f') return words[i + 1];
    if (words[i].startsWith('-f')) return words[i].slice(2);
  }
  return 'bin';
}

/** Every `-f bin` configuration: { name, cwd, file, options }. */
function configurations(src) {
  const out = [];
  const travis = join(src, 'travis', 'test');
  for (const json of readdirSync(travis).filter((f) => f.endsWith('.json')).sort()) {
    let list;
    try { list = JSON.parse(readFileSync(join(travis, json), 'utf8')); } catch { continue; }
    const byId = new Map();
    for (const entry of Array.isArray(list) ? list : [list]) {
      const test = { ...(entry.ref !== undefined ? byId.get(entry.ref) : undefined), ...entry };
      if (entry.id !== undefined) byId.set(entry.id, test);
      if (test.source === undefined || (test.format ?? 'bin') !== 'bin') continue;
      const words = (test.option ?? '').split(/\s+/).filter(Boolean);
      if (formatOf(words) !== 'bin') continue;
      out.push({ name: `travis/${test.source.replace(/\.asm$/, '')} ${test.option ?? ''}`.trim(), cwd: src, file: join('travis', 'test', test.source), options: ownOptions(words) });
    }
  }
  const tests = join(src, 'test');
  for (const asm of readdirSync(tests).filter((f) => f.endsWith('.asm')).sort()) {
    const head = readFileSync(join(tests, asm), 'latin1').split('\n').filter((l) => l.startsWith(';Testname='));
    // (A file with no Testname line is run as it is, with nasm's default options.)
    for (const line of head.length > 0 ? head : [';Testname=default; Arguments=']) {
      const words = (/Arguments=([^;]*)/.exec(line)?.[1] ?? '').split(/\s+/).filter(Boolean);
      if (formatOf(words) !== 'bin') continue;
      out.push({ name: `test/${asm.replace(/\.asm$/, '')} ${words.join(' ')}`, cwd: tests, file: asm, options: ownOptions(words) });
    }
  }
  return filter === undefined ? out : out.filter((c) => c.name.includes(filter));
}

function run(command, argv, cwd, timeout) {
  const r = spawnSync(command, argv, { cwd, encoding: 'latin1', timeout, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: r.error?.code === 'ETIMEDOUT' };
}

function classify(c, scratch) {
  const preprocess = c.options.includes('-E') || c.options.includes('-e');
  const nasmOut = join(scratch, 'nasm.bin'), oursOut = join(scratch, 'ours.bin');
  rmSync(nasmOut, { force: true }); rmSync(oursOut, { force: true });
  const nasm = run('nasm', ['-f', 'bin', ...c.options, c.file, '-o', nasmOut], c.cwd, 20_000);
  if (nasm.timedOut) return { kind: 'nasm timed out (not compared)' };
  const ours = run(process.execPath, [cli, 'asm', '-X', 'gnu', '-f', 'bin', ...c.options, c.file, '-o', oursOut], c.cwd, 60_000);
  if (ours.timedOut) return { kind: 'Ringside timed out', ours: ours.stderr.slice(0, 500) };
  if ((ours.status !== 0 && ours.status !== 1 && ours.status !== 2) || /\n\s+at .*cli(-main)?\.js:\d+/.test(ours.stderr)) return { kind: 'Ringside threw', ours: ours.stderr.slice(0, 1000) };
  if (ours.status === 2) return { kind: 'Ringside refuses an option', ours: ours.stderr.slice(0, 300) };
  const messages = nasm.stderr === ours.stderr ? '' : ', other messages';
  const detail = { nasm: nasm.stderr.slice(0, 600), ours: ours.stderr.slice(0, 600) };
  if (nasm.status === 0 && ours.status === 0) {
    // (Some options write no output: -M and its kin, -v.)
    const bytes = (file) => (existsSync(file) ? readFileSync(file) : Buffer.alloc(0));
    const same = preprocess ? nasm.stdout === ours.stdout : Buffer.compare(bytes(nasmOut), bytes(oursOut)) === 0;
    return same ? { kind: `same${messages}`, ...(messages ? detail : {}) } : { kind: preprocess ? 'other -E output' : 'other bytes', ...detail };
  }
  if (nasm.status !== 0 && ours.status !== 0) return { kind: `both refuse${messages}`, ...(messages ? detail : {}) };
  if (nasm.status === 0 && DIALECT.test(ours.stderr)) return { kind: 'outside the dialect (refused on purpose)' };
  return { kind: nasm.status === 0 ? 'Ringside refuses, nasm accepts' : 'Ringside accepts, nasm refuses', ...detail };
}

/** Tests whose output cannot be the same twice: the source's own words say so. */
const NOT_COMPARABLE = new Map([
  ['travis/time', 'writes the date and time it is assembled at (its comment: "not automatically testable")'],
  // (The two assemblies run a moment apart: once their seconds differed, in a CI run of 2026-12-06.)
  ['test/time', 'writes the date and time it is assembled at (its comment: "not automatically testable because it is not constant")'],
]);

/** Classes that fail the run. */
const FAILING = new Set(['other bytes', 'other -E output', 'Ringside refuses, nasm accepts', 'Ringside accepts, nasm refuses', 'Ringside threw', 'Ringside timed out']);

async function main() {
  if (spawnSync('nasm', ['-v']).status !== 0) throw new Error('nasm is not on PATH (apt-get install nasm)');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const src = await source();
  const scratch = mkdtempSync(join(tmpdir(), 'ringside-nasm-suite-'));
  const results = [];
  try {
    for (const c of configurations(src)) {
      const why = NOT_COMPARABLE.get(c.name.split(' ')[0]);
      results.push({ name: c.name, ...(why === undefined ? classify(c, scratch) : { kind: `not comparable: ${why}` }) });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const counts = new Map();
  for (const r of results) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  console.log(`nasm-suite: ${results.length} configurations of nasm 2.16.01's own tests (-f bin)`);
  for (const [kind, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${kind}`);
  const failing = results.filter((r) => FAILING.has(r.kind));
  for (const r of failing) console.log(`${r.kind}: ${r.name}\n  nasm: ${(r.nasm ?? '').split('\n')[0]}\n  ours: ${(r.ours ?? '').split('\n')[0]}`);
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'results.json'), JSON.stringify(results, null, 1));
  console.log(`nasm-suite: every result in ${join(cache, 'results.json')}`);
  process.exitCode = failing.length > 0 ? 1 : 0;
}

main().catch((e) => { console.error(`nasm-suite: ${e instanceof Error ? e.message : String(e)}`); process.exitCode = 2; });
