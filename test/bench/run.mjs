// `npm run bench`: measures the assembler side by side with NASM in the same run, and the
// language server's latencies over stdio, then writes test/bench/out/report.md.
// Numbers go to the report, never to pass/fail tests (this machine is noisy).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { generateProgram } from './generate.mjs';
import { benchCpu } from './cpu.mjs';
import { benchDap } from './dap.mjs';
import { median, percentile } from './stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(root, 'test', 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');

const report = [];
const say = (line = '') => { console.log(line); report.push(line); };
const ms = (x) => `${x.toFixed(2)} ms`;
const now = () => Number(process.hrtime.bigint()) / 1e6;

function haveNasm() {
  return spawnSync('nasm', ['-v'], { encoding: 'utf8' }).status === 0;
}

/** One run of a command, in ms (its exit status must be 0). */
function timeProcess(cmd, args) {
  const t0 = now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const t1 = now();
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return t1 - t0;
}

async function loadAssembler() {
  const bundle = join(outDir, 'asm.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'core/src/asm/index.ts')], bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', outfile: bundle, logLevel: 'warning',
  });
  return require(bundle);
}

/**
 * The same program as real ones are written: a few %define/%idefine constants and a %macro at the
 * top, used on a few lines. Every line must then be checked against the macros, where the plain
 * file's lines pass through the preprocessor untouched.
 */
function benchAssemblerWithMacros(source, assemble, forgetCaches) {
  const prologue = ['%define STACK_TOP 0x90000', '%idefine Com1 0x3f8', '%define LOW(x) ((x) & 0xff)', '%macro outb 2', '    mov dx, %1', '    mov al, %2', '    out dx, al', '%endmacro', ''];
  const epilogue = ['    mov esp, STACK_TOP', '    outb COM1, LOW(0x141)', '    outb com1, 13', ''];
  const text = prologue.join('\n') + source + epilogue.join('\n');
  const file = join(outDir, 'big-macros.asm');
  writeFileSync(file, text);
  const host = { readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
  const ROUNDS = 5;
  const ours = [], theirs = [], ratios = [];
  let image;
  // As for the file without macros: two untimed rounds first, so the JIT has seen the macro paths
  // (the rounds before ran none of them) and the figure is the warm one the row names.
  for (let i = 0; i < 2; i++) { forgetCaches(); assemble({ file, host }); }
  for (let i = 0; i < ROUNDS; i++) {
    const n = timeProcess('nasm', ['-f', 'bin', file, '-o', join(outDir, 'big-macros.nasm.bin')]);
    forgetCaches();
    const t0 = now();
    const r = assemble({ file, host });
    const t = now() - t0;
    if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error('benchmark source with macros did not assemble');
    image = r.image;
    ours.push(t); theirs.push(n); ratios.push(n / t);
  }
  const same = Buffer.compare(readFileSync(join(outDir, 'big-macros.nasm.bin')), Buffer.from(image)) === 0;
  say(`With macros defined (the same file with ${prologue.length - 1} lines of %define/%idefine/%macro at the top and 3 lines using them at the end; ${ROUNDS} rounds): assemble() in process, JIT warm, caches dropped ${ms(median(ours))}, nasm ${ms(median(theirs))}: **${median(ratios).toFixed(1)}×** (rounds: ${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}×); output identical to NASM's: ${same ? 'yes' : '**NO**'}`);
  say('');
}

async function benchAssembler() {
  say('## Assembler throughput (generated 100k-line file)');
  const source = generateProgram(100_000);
  const lineCount = source.split('\n').length - 1;
  const file = join(outDir, 'big.asm');
  writeFileSync(file, source);
  // Eleven rounds, not seven: on this noisy host the median of more ratios is the steadier figure.
  const rounds = 11;
  const nasmAvailable = haveNasm();
  const cli = () => timeProcess(process.execPath, [join(root, 'dist/cli.js'), 'asm', file, '-o', join(outDir, 'big.ringside.bin')]);
  const nasm = () => timeProcess('nasm', ['-f', 'bin', file, '-o', join(outDir, 'big.nasm.bin')]);
  const { assemble, forgetCaches } = await loadAssembler();
  const host = { readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
  const timeAssemble = () => {
    const t0 = now();
    const r = assemble({ file, host });
    const t = now() - t0;
    if (r.diagnostics.some((d) => d.severity === 'error')) throw new Error('benchmark source did not assemble');
    return t;
  };
  // Throughput: the JIT warm, nothing kept from earlier assemblies (forgetCaches drops each
  // line's tokens and parse, the file's text and the encodings by shape, as a fresh process has).
  const fresh = () => { forgetCaches(); return timeAssemble(); };
  for (let i = 0; i < 2; i++) fresh();
  // The host is noisy (NASM alone takes 0.6-1.4 s for this file from one run to the next), so
  // each round runs NASM, the CLI and the in-process assembly back to back, and the speed-ups are
  // the medians of each round's own ratios: both sides of a ratio see the same load.
  const times = { nasm: [], cli: [], warm: [] };
  const ratios = { cli: [], warm: [] };
  for (let i = 0; i < rounds; i++) {
    const n = nasmAvailable ? nasm() : NaN;
    const c = cli();
    const w = fresh();
    times.nasm.push(n); times.cli.push(c); times.warm.push(w);
    ratios.cli.push(n / c); ratios.warm.push(n / w);
  }
  // The language server's case, for comparison only: the same text again, with what the last
  // assembly kept (not a throughput figure: the lines are not read again).
  const again = [];
  for (let i = 0; i < rounds; i++) again.push(timeAssemble());

  const row = (tool, t) => say(`| ${tool} | ${ms(median(t))} (${ms(Math.min(...t))}–${ms(Math.max(...t))}) | ${Math.round(lineCount / (median(t) / 1000)).toLocaleString('en')} |`);
  say(`lines: ${lineCount}, ${rounds} rounds; time: median (fastest–slowest)`);
  say('');
  say('| tool | time | lines/s |');
  say('| --- | --- | --- |');
  row('ringside CLI (process, incl. Node start-up)', times.cli);
  row('ringside assemble() in process (JIT warm, caches dropped)', times.warm);
  say(`| *not throughput:* assemble() of the same text again, caches kept | ${ms(median(again))} | — |`);
  if (nasmAvailable) {
    row('nasm -f bin (process)', times.nasm);
    const same = Buffer.compare(readFileSync(join(outDir, 'big.nasm.bin')), readFileSync(join(outDir, 'big.ringside.bin'))) === 0;
    const speedUp = (r) => `**${median(r).toFixed(1)}×** (rounds: ${Math.min(...r).toFixed(1)}–${Math.max(...r).toFixed(1)}×)`;
    say('');
    say(`speed-up over NASM (median of the rounds' ratios; goal ≥ 5×): process to process ${speedUp(ratios.cli)}; in process, JIT warm and caches dropped ${speedUp(ratios.warm)}`);
    say(`output identical to NASM's: ${same ? 'yes' : '**NO**'}`);
  } else {
    say('');
    say('nasm is not installed: no side-by-side figure (apt-get install nasm).');
  }
  say('');
  if (nasmAvailable) benchAssemblerWithMacros(source, assemble, forgetCaches);
  // What the assemblies kept (~50 MB for 100k lines) must not weigh on the parts measured next in
  // this process (the CPU and machine benches).
  forgetCaches();
  globalThis.gc?.();
}

/** The servers' code cache (server/src/codeCache.ts): the bench's own, emptied as the LSP bench starts. */
const codeCache = join(outDir, 'code-cache');
const WITH_CODE_CACHE = [`--code-cache=${codeCache}`];

function startServer(args = WITH_CODE_CACHE) {
  const child = spawn(process.execPath, [join(root, 'dist/server.js'), '--stdio', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const diagnosticWaiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    for (const w of diagnosticWaiters.splice(0)) w(p);
  });
  const logWaiters = [];
  conn.onNotification('window/logMessage', (p) => {
    for (const w of logWaiters.filter((l) => l.pattern.test(p.message))) {
      logWaiters.splice(logWaiters.indexOf(w), 1);
      w.resolve(p.message);
    }
  });
  conn.onRequest(() => null);
  conn.onNotification(() => {});
  conn.listen();
  const nextDiagnostics = () => new Promise((resolve) => diagnosticWaiters.push(resolve));
  const nextLog = (pattern) => new Promise((resolve) => logWaiters.push({ pattern, resolve }));
  return { child, conn, nextDiagnostics, nextLog };
}

/**
 * Ends a server as a client does: `shutdown`, then `exit`, which the server ends itself on (a kill
 * only if it has not within a second). The `exit` notification is written before the pipe closes:
 * killing the server while that write was pending rejected it, and ended the bench.
 */
async function stopServer({ child, conn }) {
  await conn.sendRequest('shutdown');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await conn.sendNotification('exit');
  const kill = setTimeout(() => child.kill(), 1000);
  await exited;
  clearTimeout(kill);
  conn.dispose();
}

/**
 * A fresh server left idle after start-up until its background warm-up ends (as when VS Code
 * starts it with a workspace of guest files, before one is opened), then a 10k-line file it has
 * never seen: the first diagnostics, and how long the warm-up took.
 */
async function idleServerFirstDiagnostics(round) {
  const server = startServer();
  const { conn, nextDiagnostics, nextLog } = server;
  const warmed = nextLog(/^warm/);
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(outDir).href, capabilities: {} });
  conn.sendNotification('initialized', {});
  const message = await warmed;
  const text = generateProgram(10_000, 100 + round);
  const t0 = now();
  const diag = nextDiagnostics();
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(join(outDir, `idle-${round}.gasm`)).href, languageId: 'guest-asm', version: 1, text } });
  await diag;
  const firstMs = now() - t0;
  await stopServer(server);
  return { firstMs, warmUpMs: Number(/in (\d+) ms/.exec(message)?.[1] ?? NaN), message };
}

/**
 * A fresh server given a 10k-line file it has never seen right after `initialized` (as when VS Code
 * starts it for the file the user opens): the first diagnostics from didOpen, and from the
 * server's start, and what it said of its code cache.
 */
async function coldServerFirstDiagnostics(round, args) {
  const started = now();
  const server = startServer(args);
  const { conn, nextDiagnostics, nextLog } = server;
  const cacheUse = nextLog(/^(no )?code cache/);
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(outDir).href, capabilities: {} });
  conn.sendNotification('initialized', {});
  const text = generateProgram(10_000, 200 + round);
  const t0 = now();
  const diag = nextDiagnostics();
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(join(outDir, `cold-${round}.gasm`)).href, languageId: 'guest-asm', version: 1, text } });
  await diag;
  const done = now();
  await stopServer(server);
  return { firstMs: done - t0, fromStartMs: done - started, cacheUse: await cacheUse };
}

async function benchLanguageServer() {
  say('## Language server over stdio (dist/server.js)');
  rmSync(codeCache, { recursive: true, force: true });
  // (This server writes the code cache the later ones read.)
  const server = startServer();
  const { conn, nextDiagnostics } = server;
  // The client capabilities that matter here, as VS Code's language client declares them.
  const capabilities = { textDocument: { completion: { completionItem: { snippetSupport: true, insertReplaceSupport: true }, completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] } } } };
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(outDir).href, capabilities });
  conn.sendNotification('initialized', {});

  const text = generateProgram(10_000);
  const uri = pathToFileURL(join(outDir, 'lsp10k.gasm')).href;
  const lines = text.split('\n');

  // Open and wait for the first diagnostics (a cold first assembly of the file).
  let t0 = now();
  let diag = nextDiagnostics();
  conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version: 1, text } });
  await diag;
  const openMs = now() - t0;

  // The same text sent again as a full change: what the server kept from the last assembly serves
  // every line (the case of a client that always sends the whole document).
  const full = [];
  for (let v = 2; v < 12; v++) {
    t0 = now();
    diag = nextDiagnostics();
    conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    await diag;
    full.push(now() - t0);
  }

  // One-line edits in the middle of the file (incremental sync): a space typed at column 2 and
  // deleted again, on every third line (labels too, which breaks and mends references).
  const EDITS = 200;
  const edits = [];
  const mid = Math.floor(lines.length / 2);
  for (let v = 12; v < 12 + EDITS; v++) {
    const line = mid + Math.floor((v - 12) / 2) * 3;
    t0 = now();
    diag = nextDiagnostics();
    conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [(v - 12) % 2 === 0
        ? { range: { start: { line, character: 2 }, end: { line, character: 2 } }, text: ' ' }
        : { range: { start: { line, character: 2 }, end: { line, character: 3 } }, text: '' }],
    });
    await diag;
    edits.push(now() - t0);
  }

  // The server, warm after the edits, opening 10k-line files it has not seen: other variants of
  // the program (other labels and registers, a comment tag), each under its own URI, closed after
  // its diagnostics arrive.
  const seen = new Set(lines);
  const opened = [];
  let repeated = 0, total = 0;
  const NEW_FILES = 30;
  for (let v = 1; v <= NEW_FILES; v++) {
    const other = generateProgram(10_000, v);
    const otherLines = other.split('\n');
    for (const l of otherLines) if (seen.has(l)) repeated++;
    total += otherLines.length;
    for (const l of otherLines) seen.add(l);
    const otherUri = pathToFileURL(join(outDir, `lsp10k-${v}.gasm`)).href;
    t0 = now();
    diag = nextDiagnostics();
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: otherUri, languageId: 'guest-asm', version: 1, text: other } });
    await diag;
    opened.push(now() - t0);
    conn.sendNotification('textDocument/didClose', { textDocument: { uri: otherUri } });
    await nextDiagnostics(); // the closed file's diagnostics are cleared
  }

  // Hover on a mnemonic; completion where an instruction starts (mnemonics, directives) and in an
  // operand (registers, keywords and every label of the file), repeated.
  const hoverLine = lines.findIndex((l) => l.startsWith('  mov eax,'));
  const jumpLine = lines.findIndex((l) => l.startsWith('  jmp block_'));
  const hovers = [];
  const completions = { instruction: [], operand: [] };
  const counts = {};
  for (let i = 0; i < 100; i++) {
    t0 = now();
    await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: hoverLine, character: 3 } });
    hovers.push(now() - t0);
    for (const [where, position] of [['instruction', { line: hoverLine, character: 2 }], ['operand', { line: jumpLine, character: 6 }]]) {
      t0 = now();
      const list = await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position });
      completions[where].push(now() - t0);
      counts[where] = list.items.length;
    }
  }

  await stopServer(server);

  // Fresh servers alternated: with the code cache an earlier start wrote, and with none (a first
  // start after installing or updating).
  const COLD_SERVERS = 5;
  const cold = { cached: [], uncached: [] };
  for (let i = 0; i < COLD_SERVERS; i++) {
    for (const kind of i % 2 === 0 ? ['cached', 'uncached'] : ['uncached', 'cached']) {
      cold[kind].push(await coldServerFirstDiagnostics(i, kind === 'cached' ? WITH_CODE_CACHE : ['--no-code-cache']));
    }
  }
  const coldRow = (runs, what) => {
    const first = runs.map((r) => r.firstMs);
    return `| first diagnostics after didOpen of a 10k-line file, fresh server, didOpen right after \`initialized\`, ${what} (cold; ${runs.length} servers; from the server's start ${ms(median(runs.map((r) => r.fromStartMs)))}) | ${ms(median(first))} | ${ms(Math.max(...first))} (max) | < 50 ms |`;
  };
  const coldList = (runs) => `${runs.map((r) => r.firstMs.toFixed(0)).join(', ')} ms from didOpen (${runs.map((r) => r.fromStartMs.toFixed(0)).join(', ')} ms from the start; ${[...new Set(runs.map((r) => r.cacheUse))].join(', ')})`;

  const IDLE_SERVERS = 5;
  const idle = [];
  for (let i = 0; i < IDLE_SERVERS; i++) idle.push(await idleServerFirstDiagnostics(i));
  const idleFirst = idle.map((r) => r.firstMs);

  say('| measurement | p50 | p95 | goal |');
  say('| --- | --- | --- | --- |');
  say(coldRow(cold.cached, 'code cache from an earlier start'));
  say(coldRow(cold.uncached, 'no code cache'));
  say(`| first diagnostics after didOpen of a new 10k-line file, fresh server idle until its warm-up ended (${IDLE_SERVERS} servers; warm-up ${ms(median(idle.map((r) => r.warmUpMs)))}) | ${ms(median(idleFirst))} | ${ms(Math.max(...idleFirst))} (max) | < 50 ms |`);
  say(`| first diagnostics after didOpen of a new 10k-line file, server warm after the edits (${NEW_FILES} files) | ${ms(median(opened))} | ${ms(percentile(opened, 0.95))} | < 50 ms |`);
  say(`| diagnostics after a full change to the same text, 10k lines | ${ms(median(full))} | ${ms(percentile(full, 0.95))} | — |`);
  say(`| diagnostics after a one-line edit (${EDITS} edits) | ${ms(median(edits))} | ${ms(percentile(edits, 0.95))} | < 10 ms |`);
  say(`| hover round trip | ${ms(median(hovers))} | ${ms(percentile(hovers, 0.95))} | < 5 ms |`);
  say(`| completion round trip, instruction start (${counts.instruction} items) | ${ms(median(completions.instruction))} | ${ms(percentile(completions.instruction, 0.95))} | < 5 ms |`);
  say(`| completion round trip, operand (${counts.operand} items) | ${ms(median(completions.operand))} | ${ms(percentile(completions.operand, 0.95))} | < 5 ms |`);
  say('');
  say(`New files, in order: ${opened.map((t) => t.toFixed(0)).join(", ")} ms.`);
  say(`The new files share ${Math.round((100 * repeated) / total)}% of their lines with files opened before them (the server keeps each distinct line's tokens and parse across files).`);
  say('Times are measured by the client from sending the notification/request to receiving the');
  say('response or the publishDiagnostics notification, so they include JSON-RPC framing over stdio.');
  say(`Cold fresh servers, in order: with the code cache ${coldList(cold.cached)}; with none ${coldList(cold.uncached)}. The server of the rows below, opened the same way (writing the cache): ${openMs.toFixed(0)} ms.`);
  say(`Idle fresh servers, in order: ${idleFirst.map((t) => t.toFixed(0)).join(', ')} ms (${idle.map((r) => r.message).join('; ')}).`);
  say('');
}

say('# Ringside benchmark report');
say('');
say(`${new Date().toISOString()} · Node ${process.version} · ${process.platform}/${process.arch}`);
say('');
// `--only asm|lsp|cpu|dap` runs one part (quick iterations); the report is written only for a full run.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const parts = { asm: benchAssembler, lsp: benchLanguageServer, cpu: () => benchCpu(say), dap: () => benchDap(say) };
if (only !== undefined && !(only in parts)) throw new Error(`--only takes one of ${Object.keys(parts).join(', ')}`);
for (const [name, run] of Object.entries(parts)) if (only === undefined || only === name) await run();
if (only === undefined) {
  writeFileSync(join(outDir, 'report.md'), report.join('\n') + '\n');
  console.log(`\nreport written to ${join('test', 'bench', 'out', 'report.md')}`);
}
