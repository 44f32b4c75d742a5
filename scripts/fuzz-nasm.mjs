// A differential campaign against nasm on programs a typo away from working ones: each nasm
// fixture that assembles is mutated (lines deleted, repeated, moved or taken from another fixture,
// a character put in or taken out, a rarer one put in, a word's case changed, blanks put in or
// changed, a run of lines put in a %rep (nested, or left by %exitrep), a context, a %if, a section
// with vstart or follows, or `times` put on its lines) and given to `nasm -f bin` and to
// `ringside asm`, the latter in this one process as the language server runs it (what it keeps
// from one file to the next is then exercised too). Reports where one accepts what the other refuses, different bytes, and a
// throw; a program Ringside refuses for its own limit (RINGSIDE_LIMIT) is counted as known, in the
// rename mode too, and one it refuses for an instruction, register or data directive its dialect
// leaves out (DIALECT) is counted apart, as scripts/nasm-suite.mjs counts it. Needs nasm on PATH.
// MODE (third argument) says what is compared:
//   bytes       (the default) accept/refuse and the bytes, as above;
//   listing     that too, and for a program both accept the `-l` listings, row for row as
//               test/unit/listing-differential.test.ts compares them, but for the classes of rows
//               its KNOWN_DIFFERENCES allow (counted as known; see knownListingRows);
//   preprocess  `nasm -E` against `ringside asm -E` (no assembly): standard output byte for byte
//               and the exit status, as test/unit/preprocess-differential.test.ts compares them,
//               but for its known class (counted as known): after `%use smartalign`, nasm -E
//               numbers `..@N` labels otherwise than its assembly, which Ringside follows; and
//               a `%{...}` whose contents begin with a blank, which nasm -E writes `% 4`, `% ; c`
//               where Ringside writes the tokens its assembler reads, `%4`, `%`;
//   format      Format Document (the language server's, with test/support/formatting.ts's
//               settings): the text may change in blanks and letter case only, formatting it
//               again changes nothing, and nasm accepts or refuses it as it did the program,
//               with the same bytes;
//   rename      Rename (the language server's) of each symbol a program nasm accepts defines: the
//               renamed program is nasm's same bytes, or Rename refuses with its reason. A program
//               that writes names into its bytes (`%?`, `%str`, `%defstr`, `%deftok`) is counted as
//               known.
//   expressions programs written, not mutated: a random expression over labels and constants
//               behind and ahead of it, `$`, `$$` and nasm's operators, put where nasm's passes
//               read it differently (a `times`, `dup` or `resb` count, an `equ`, data, a
//               displacement, an immediate); accept/refuse, the bytes, and the messages (their
//               lines and words, in order) compared;
//   expressions2 the same, with a wider generator: registers, strings and character constants,
//               nasm's functions (`__?ilog2e?__`, `__?float32?__`, `__?utf16?__` ...), `seg` and
//               `wrt`, put in more of the places nasm reads one (`%assign`, `%if`/`%elif`,
//               `align`, `times`, `resb`, a `jmp`/`call` target, `imul`'s immediate, `enter`, a
//               shift count, `equ`, data with `?`), in 16- or 32-bit code.
// Usage: node scripts/fuzz-nasm.mjs [SEED] [PROGRAMS] [MODE]   (npm run fuzz:nasm -- SEED PROGRAMS MODE)
// Exit status 1 when it found anything; the findings, with the programs (and for listing and
// preprocess the first rows where the two outputs part), go to a JSON file.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = Number(process.argv[2] ?? Date.now() % 100000);
const PROGRAMS = Number(process.argv[3] ?? 300);
const MODE = process.argv[4] ?? 'bytes';
if (!['bytes', 'listing', 'preprocess', 'format', 'rename', 'expressions', 'expressions2'].includes(MODE)) {
  console.error(`fuzz-nasm: unknown mode ${MODE} (bytes, listing, preprocess, format, rename, expressions or expressions2)`);
  process.exit(2);
}

if (spawnSync('nasm', ['-v']).status !== 0) {
  console.error('fuzz-nasm: nasm is not on PATH (apt-get install nasm)');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'ringside-fuzz-nasm-'));
const bundle = join(work, 'cli.cjs');
await build({ stdin: { contents: "export { main } from './core/src/cli/main'; export { encodeSource } from './core/src/asm/source-encoding'; export { blanklessLowerCase, FORMAT_SETTINGS, formattedText } from './test/support/formatting'; export { renamings } from './test/support/renaming';", resolveDir: root, loader: 'ts' }, bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
const { main, encodeSource, blanklessLowerCase, FORMAT_SETTINGS, formattedText, renamings } = createRequire(import.meta.url)(bundle);

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
// Characters the programs hold less often: a comment's start, a preprocessor's `%`, a line's
// continuation, quotes, braces and the other operators.
const RARE_CHARS = ';%\\"\'`{}<>=!&|^~/@#?';

/** `word` in another case: upper, lower, or its first letter alone changed. */
function recased(word) {
  switch (rand(3)) {
    case 0: return word.toUpperCase();
    case 1: return word.toLowerCase();
    default: return word[0] === word[0].toUpperCase() ? word[0].toLowerCase() + word.slice(1) : word[0].toUpperCase() + word.slice(1);
  }
}

/** `run` (lines) inside one of the constructs mutate's case 9 puts lines in. */
function wrapped(run) {
  switch (rand(7)) {
    case 0: return [`%rep ${rand(4)}`, ...run, '%endrep'];
    case 1: return ['%assign n 0', `%rep ${1 + rand(5)}`, '%assign n n+1', `%if n > ${rand(3)}`, '%exitrep', '%endif', ...run, '%endrep'];
    case 2: return ['%push fz', ...run, '%pop'];
    case 3: return [`%if ${pick(['1', '0', '($-$$) > 4', '__?BITS?__ = 16'])}`, ...run, rand(2) === 0 ? '%else' : '%elif 1', ...run.slice(0, 1), '%endif'];
    case 4: return run.map((l) => (rand(2) === 0 && /^\s+\w/.test(l) ? `times ${pick(['2', '(2+1)/3', '$-$$ < 3', '1<<1'])} ${l.trim()}` : l));
    case 5: return [pick(['section .fz vstart=0x100', 'section .fz follows=.text', 'section .fz align=16', 'section .fz nobits']), ...run, 'section .text'];
    default: return ['%rep 2', '%rep 2', ...run, '%endrep', '%endrep'];
  }
}

function mutate(text) {
  const lines = text.split('\n');
  for (let k = 1 + rand(2); k > 0; k--) {
    const i = rand(lines.length), l = lines[i] ?? '', c = rand(l.length + 1);
    switch (rand(10)) {
      // A run of lines put in a construct the fixtures seldom nest: a %rep (with a %exitrep on a
      // condition), a context, a %if, a `times` on the line, a section with vstart or follows.
      case 9: lines.splice(i, Math.min(1 + rand(4), lines.length - i), ...wrapped(lines.slice(i, i + 1 + rand(4)))); break;
      // A word in another case (mnemonics, registers and directives are any case to nasm, names not).
      case 6: { const words = [...l.matchAll(/[A-Za-z_.?$][\w.?$@#~]*/g)]; if (words.length > 0) { const w = pick(words); lines[i] = l.slice(0, w.index) + recased(w[0]) + l.slice(w.index + w[0].length); } break; }
      // Blanks put in or a run of them changed (tabs, spaces, none), where Format works.
      case 7: { const runs = [...l.matchAll(/[ \t]+/g)]; const blanks = pick(['', ' ', '  ', '\t', ' \t ', '\t\t']); if (runs.length > 0 && rand(2) === 0) { const r = pick(runs); lines[i] = l.slice(0, r.index) + blanks + l.slice(r.index + r[0].length); } else lines[i] = l.slice(0, c) + (blanks || ' ') + l.slice(c); break; }
      case 8: lines[i] = l.slice(0, c) + pick(RARE_CHARS) + l.slice(c); break;
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

// The expressions mode's words: labels and constants defined before the line (`lab`, `k`) and
// after it (`fwd`, `x`, `y`), differences whose names cancel, `$`, `$$` and numbers.
const TERMS = ['x', 'y', 'k', 'lab', 'fwd', '0', '1', '2', '3', '4', '8', '$', '$$', '(fwd-lab)', '(x-x)', '(fwd-fwd)', '(lab-lab)'];
const BINARY = ['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '//', '%%', '==', '!=', '<', '>', '<=', '<=>', '&&', '||', '^^'];
const UNARY = ['-', '~', '!', '+'];

/** A random expression of up to `depth` levels of operators (see TERMS). */
function expression(depth) {
  if (depth <= 0 || rand(10) < 3) return pick(TERMS);
  const r = rand(20);
  if (r < 3) return pick(UNARY) + expression(depth - 1);
  if (r < 5) return `(${expression(depth - 1)})`;
  if (r < 6) return `${expression(depth - 1)} ? ${expression(depth - 1)} : ${expression(depth - 1)}`;
  return `${expression(depth - 1)} ${pick(BINARY)} ${expression(depth - 1)}`;
}

/** A program for the expressions mode: one expression where nasm's passes read one. */
function expressionProgram() {
  const e = expression(1 + rand(4));
  const line = pick([`times ${e} db 1`, `db ${e} dup (1)`, `section .bss\nresb ${e}\nsection .text`, `z equ ${e}\ndd z`, `dd ${e}`, `lea eax, [ebx+${e}]`, `mov eax, ${e}`, `push ${e}`]);
  return `bits 32\nk equ 5\nlab: db 9\n${line}\nfwd: db 2\nx equ 4\ny equ 3\n`;
}

// The expressions2 mode's words, besides TERMS: registers, strings and character constants,
// nasm's functions over a number, a float or a string, and `seg`/`wrt` of a label.
const WIDE_TERMS = [
  ...TERMS, 'eax', 'bx', 'al', 'cs', 'es', "'a'", "'ab'", '"abcd"', '`\\n`', "''", "'abcde'",
  '0x7fffffffffffffff', '-1', '10000h', '0b101', '1.5',
];
const FUNCTIONS = ['__?ilog2e?__', '__?ilog2w?__', '__?ilog2f?__', '__?ilog2c?__'];
const FLOATS = ['__?float8?__', '__?float16?__', '__?float32?__', '__?float64?__', '__?float80m?__', '__?float80e?__', '__?float128l?__', '__?float128h?__', '__?bfloat16?__'];
const FLOAT_ARGUMENTS = ['1.5', '-2.0', '0.1', '1e10', '3', 'x', '__?Infinity?__', '__?QNaN?__', "'a'", '1.0e-40'];

/** A random expression for expressions2 (see WIDE_TERMS). */
function wideExpression(depth) {
  if (depth <= 0 || rand(10) < 3) {
    const r = rand(30);
    // (With parentheses or without: an ilog2 function is a unary operator to nasm.)
    if (r === 0) return `${pick(FUNCTIONS)}${pick(['(', ' '])}${pick(['0', '1', '8', '9', '7', 'x', 'k', '-4', '0x100000000', 'fwd', 'lab'])}`.replace(/\((.*)$/, '($1)');
    if (r === 1) return `${pick(FLOATS)}(${pick(FLOAT_ARGUMENTS)})`;
    if (r === 2) return `${pick(['seg ', 'seg '])}${pick(['lab', 'fwd', 'k', '$'])}`;
    if (r === 3) return `${pick(['lab', 'fwd', '$', '5'])} wrt ${pick(['lab', 'fwd', 'k', '.text', 'cs'])}`;
    if (r === 4) return `${pick(['__?utf16?__', '__?utf32?__', '__?utf16le?__', '__?utf32be?__'])}(${pick(["'a'", '"ab"', "''", 'x'])})`;
    return pick(WIDE_TERMS);
  }
  const r = rand(20);
  if (r < 3) return pick(UNARY) + wideExpression(depth - 1);
  if (r < 5) return `(${wideExpression(depth - 1)})`;
  if (r < 6) return `${wideExpression(depth - 1)} ? ${wideExpression(depth - 1)} : ${wideExpression(depth - 1)}`;
  return `${wideExpression(depth - 1)} ${pick(BINARY)} ${wideExpression(depth - 1)}`;
}

/** A program for the expressions2 mode: one wider expression in one of more places nasm reads one. */
function wideExpressionProgram() {
  const e = wideExpression(1 + rand(3));
  const f = wideExpression(rand(2));
  const line = pick([
    `times ${e} db 1`, `db ${e} dup (1)`, `section .bss\nresb ${e}\nsection .text`, `z equ ${e}\ndd z`, `dd ${e}`,
    `dw ${e}, ?`, `db ?, ${e}`, `dq ${e}`, `lea eax, [ebx+${e}]`, `mov eax, ${e}`, `push ${e}`, `mov al, ${e}`,
    `%assign v ${e}\ndd v`, `%if ${e}\ndb 1\n%elif ${f}\ndb 2\n%else\ndb 3\n%endif`, `%if 0\n%elif ${e}\ndb 2\n%endif`,
    `align ${e}`, `alignb ${e}`, `jmp ${e}`, `call ${e}`, `jmp short ${e}`, `jz ${e}`, `jmp ${f}:${e}`, `call far [${e}]`,
    `imul eax, ebx, ${e}`, `imul ax, ${e}`, `enter ${e}, ${f}`, `shl eax, ${e}`, `ror byte [bx], ${e}`, `ret ${e}`,
    `int ${e}`, `in al, ${e}`, `mov ax, seg ${pick(['lab', 'fwd'])} + ${e}`, `dw ${e} wrt ${pick(['lab', '.text'])}`,
    `%assign v ${e}\n%if v\ndb v\n%endif`, `mov [${e}], eax`, `mov eax, [${e}]`, `dd ${e}, ${f}`,
  ]);
  return `bits ${pick(['16', '32'])}\nk equ 5\nlab: db 9\n${line}\nfwd: db 2\nx equ 4\ny equ 3\n`;
}

/** A command line's messages, errors and warnings, as `LINE: error: words` (nasm names no column, Ringside's notes are its own). */
function messagesOf(stderr) {
  return stderr.split('\n').filter((l) => / (error|warning): /.test(l)).map((l) => l.replace(/^[^:]*:(\d+):(\d+:)? /, '$1: '));
}

/** `ringside asm ARGS` in this process, run in the scratch folder: its exit status (a string when it threw) and standard output and error. */
function ringside(args) {
  let out = '', err = '';
  let status;
  const cwd = process.cwd();
  process.chdir(work);
  try {
    status = main(['asm', ...args], { out: (t) => { out += t; }, err: (t) => { err += t; } });
  } catch (e) {
    status = `threw: ${e instanceof Error ? e.stack : String(e)}`;
  } finally {
    process.chdir(cwd);
  }
  return { status, out, err };
}

/** Where two texts first part (undefined when they do not), with a few rows of each from there. */
function firstDifference(nasm, ours) {
  if (nasm === ours) return undefined;
  const a = nasm.split('\n'), b = ours.split('\n');
  let k = 0;
  while (k < a.length && a[k] === b[k]) k++;
  return { line: k + 1, nasm: a.slice(k, k + 3), ringside: b.slice(k, k + 3) };
}

/**
 * The listing differential's known differences (test/unit/listing-differential.test.ts), as
 * classes of rows: Ringside adds `(it takes N)` to the warning of a macro called with a count it
 * does not take, and warns twice of a ModR/M displacement out of a byte's bounds that nasm warns
 * of once (an extra row of ours). `ours` with the first taken out; undefined when the listings
 * differ elsewhere.
 */
function knownListingRows(nasm, ours) {
  const a = nasm.split('\n');
  const b = ours.split('\n').map((r) => r.replace(/ \(it takes [^)]*\)(?= \[-w\+pp-macro-params-multi\]$)/, ''));
  const extra = /^ *\d+ {10}\*{18} {7}warning: byte data exceeds bounds \[-w\+number-overflow\]$/;
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (a[i] === b[j]) { i++; j++; } else if (extra.test(b[j] ?? '')) j++; else return undefined;
  }
  return true;
}

/**
 * Ringside's own limits: a `%if` on `$`, `$$` or a label whose branches define macros or leave a
 * macro's number to the assembler (or the label `.local` names are under) is its error
 * (deferred-if.ts), as it preprocesses every branch once, where nasm runs only the branch each
 * pass takes; and it writes no output past 2 GiB (sections.ts MAX_SECTION_BYTES), where nasm
 * writes a 4 GiB file for `section .b follows=.text align=0x100000000`. A refusal for one is
 * counted as known.
 */
const RINGSIDE_LIMIT = /needs `\$', `\$\$' or a label|a number only the assembler knows|Ringside cannot tell it before assembling|bytes Ringside writes|more than Ringside keeps|past the ±2\^52 Ringside places labels at/;

/** What Ringside's IA-32 dialect leaves out on purpose (SSE, x87, 64-bit ...): a mutation that makes `static` `stac` names it. As scripts/nasm-suite.mjs reads it. */
const DIALECT = /is not supported by the IA-32 guest dialect|that Ringside's dialect leaves out/;

/**
 * How nasm is run: in the scratch folder, for at most 20 s, its output kept however long (a
 * program's 65536 warnings are 6 MB: past spawnSync's 1 MB nasm was cut off, a refusal to it).
 */
const NASM_RUN = { cwd: work, encoding: 'latin1', timeout: 20_000, maxBuffer: 1 << 28 };

/**
 * Whether nasm ran past the 20 s it is given (a program that grows without bound, `%xdefine R
 * 1+(R)` in a %rep in a %rep: nasm and Ringside both take hours): nothing to compare, and Ringside,
 * run here without a deadline, is not run on it.
 */
const timedOut = (nasm) => nasm.error?.code === 'ETIMEDOUT';

const read = (f) => (existsSync(join(work, f)) ? readFileSync(join(work, f), 'latin1') : undefined);

/**
 * Bytes with the numbers of their `..@N` names (a `%defstr` of a `%%label`) taken out: Ringside
 * preprocesses every branch of a `%if` on `$` or a label, so the macro calls of the branches nasm
 * does not take use numbers too (its known limit, deferred-if.ts); the bytes are otherwise the same.
 */
const unnumbered = (t) => t.replace(/\.\.@\d+\./g, '..@N.');

/** Assembles with both (with `-l` in listing mode, comparing messages in expressions mode): what kind of result, and a finding's details. */
function assembleBoth() {
  const list = MODE === 'listing';
  const nasm = spawnSync('nasm', ['-f', 'bin', 'm.asm', '-o', 'n.bin', ...(list ? ['-l', 'n.lst'] : [])], NASM_RUN);
  if (timedOut(nasm)) return { kind: 'nasmTimesOut' };
  const ours = ringside(['m.asm', '-o', 'o.bin', ...(list ? ['-l', 'o.lst'] : [])]);
  const details = { nasm: nasm.stderr.slice(0, 2000), ringside: (typeof ours.status === 'string' ? ours.status : ours.err).slice(0, 2000) };
  if (typeof ours.status === 'string') return { kind: 'throw', details };
  // nasm's own assertion failures (`panic: ... assertion ... failed`, or `assertion ... failed at
  // FILE` alone) give no reference to compare with.
  if (nasm.stderr.includes('panic: ') || /: assertion .+ failed at /.test(nasm.stderr)) return { kind: 'nasmPanics' };
  if (MODE.startsWith('expressions') && messagesOf(nasm.stderr).join('\n') !== messagesOf(ours.err).join('\n') && !RINGSIDE_LIMIT.test(ours.err)) {
    return { kind: 'messages', details: { nasm: messagesOf(nasm.stderr), ringside: messagesOf(ours.err) } };
  }
  if (nasm.status !== 0 && ours.status !== 0) return { kind: 'bothRefuse' };
  if (nasm.status === 0 && RINGSIDE_LIMIT.test(ours.err)) return { kind: 'known' };
  if (nasm.status === 0 && DIALECT.test(ours.err)) return { kind: 'outsideDialect' };
  if (nasm.status !== 0 || ours.status !== 0) return { kind: nasm.status === 0 ? 'ringside refuses' : 'nasm refuses', details };
  const nasmBin = readFileSync(join(work, 'n.bin')), ourBin = readFileSync(join(work, 'o.bin'));
  if (Buffer.compare(nasmBin, ourBin) !== 0) return { kind: unnumbered(nasmBin.toString('latin1')) === unnumbered(ourBin.toString('latin1')) ? 'known' : 'bytes', details };
  const nasmListing = read('n.lst') ?? '', ourListing = read('o.lst') ?? '';
  const listing = list ? firstDifference(nasmListing, ourListing) : undefined;
  if (listing === undefined) return { kind: 'same' };
  return knownListingRows(nasmListing, ourListing) ? { kind: 'known' } : { kind: 'listing', details: { listing } };
}

/** `-E` with both: the same standard output and exit status, or a finding. */
function preprocessBoth(text) {
  const nasm = spawnSync('nasm', ['-E', 'm.asm'], NASM_RUN);
  if (timedOut(nasm)) return { kind: 'nasmTimesOut' };
  const ours = ringside(['-E', 'm.asm']);
  const details = { nasm: nasm.stderr.slice(0, 2000), ringside: (typeof ours.status === 'string' ? ours.status : ours.err).slice(0, 2000) };
  if (typeof ours.status === 'string') return { kind: 'throw', details };
  if (/panic: |assertion/.test(nasm.stderr)) return { kind: 'nasmPanics' };
  // (ours.out is text, written out by the CLI as encodeSource encodes it; nasm's is bytes read as latin1.)
  const ourText = Buffer.from(encodeSource(ours.out)).toString('latin1');
  const output = firstDifference(nasm.stdout, ourText);
  if (output !== undefined && /smartalign/i.test(text) && unnumbered(nasm.stdout) === unnumbered(ourText)) return { kind: 'known' };
  // (nasm -E writes a `%{...}` whose contents begin with a blank as `%` and the contents as
  // written, `% 4` and `% ; c`, where Ringside writes `%4` and `%`: see brace-comment.asm.)
  const unbraced = (t) => t.replace(/% +;.*$/gm, '%').replace(/% +/g, '%');
  if (output !== undefined && /%\{[ \t]/.test(text) && unbraced(nasm.stdout) === unbraced(ourText)) return { kind: 'known' };
  if (output !== undefined) return { kind: 'output', details: { ...details, output } };
  if (nasm.status !== ours.status) return { kind: 'status', details: { ...details, status: { nasm: nasm.status, ringside: ours.status } } };
  return { kind: nasm.status === 0 ? 'same' : 'bothRefuse' };
}

/**
 * An output's bytes in hex; one past MAX_COMPARED_BYTES by its size alone, as nasm writes a
 * section placed at 4 GiB (`align=0x100000000`) as a sparse file that no Buffer holds.
 */
function binOf(file) {
  const size = statSync(file).size;
  return size > MAX_COMPARED_BYTES ? `${size} bytes` : readFileSync(file).toString('hex');
}
const MAX_COMPARED_BYTES = 64 << 20;

/** nasm on m.asm: its exit status and bytes, or undefined when nasm panicked or ran out of time. */
function nasmVerdict() {
  const nasm = spawnSync('nasm', ['-f', 'bin', 'm.asm', '-o', 'n.bin'], NASM_RUN);
  if (nasm.stderr.includes('panic: ') || timedOut(nasm)) return undefined;
  const bin = nasm.status === 0 && existsSync(join(work, 'n.bin')) ? binOf(join(work, 'n.bin')) : '';
  return { status: nasm.status, bin, stderr: nasm.stderr.slice(0, 2000) };
}

/** The program formatted with each of FORMAT_SETTINGS: a finding when formatting changed more than blanks, or what nasm makes of it. */
function formatBoth(text) {
  const file = join(work, 'm.asm');
  const original = nasmVerdict();
  if (original === undefined) return { kind: 'nasmPanics' };
  for (const [label, settings, blanks] of FORMAT_SETTINGS) {
    let out;
    try {
      out = formattedText(file, text, settings, blanks);
      if (formattedText(file, out, settings, blanks) !== out) return { kind: 'not idempotent', details: { settings: label, formatted: out } };
    } catch (e) {
      return { kind: 'throw', details: { settings: label, ringside: e instanceof Error ? e.stack : String(e) } };
    }
    if (blanklessLowerCase(out) !== blanklessLowerCase(text)) return { kind: 'text changed', details: { settings: label, formatted: out } };
    if (out === text) continue;
    writeFileSync(file, out, 'latin1');
    const after = nasmVerdict();
    writeFileSync(file, text, 'latin1');
    if (after === undefined) continue;
    if (after.status !== original.status) return { kind: 'acceptance changed', details: { settings: label, formatted: out, nasm: after.stderr } };
    if (after.bin !== original.bin) return { kind: 'bytes changed', details: { settings: label, formatted: out } };
  }
  return { kind: original.status === 0 ? 'same' : 'bothRefuse' };
}

/** Each symbol of a program nasm accepts renamed: a finding where nasm makes other bytes of it, or refuses it. */
function renameBoth(text) {
  const file = join(work, 'm.asm');
  const original = nasmVerdict();
  if (original === undefined) return { kind: 'nasmPanics' };
  if (original.status !== 0) return { kind: 'bothRefuse' };
  // (Where Ringside refuses the program for its own limit, what it knows of the names is partial.)
  if (RINGSIDE_LIMIT.test(ringside(['m.asm', '-o', 'o.bin']).err)) return { kind: 'known' };
  let all;
  try {
    all = renamings(file, text);
  } catch (e) {
    return { kind: 'throw', details: { ringside: e instanceof Error ? e.stack : String(e) } };
  }
  for (const r of all) {
    if (r.renamed === undefined) continue;
    writeFileSync(file, r.renamed, 'latin1');
    const after = nasmVerdict();
    writeFileSync(file, text, 'latin1');
    if (after === undefined || (after.status === 0 && after.bin === original.bin)) continue;
    if (/%\?|%str\b|%defstr|%deftok/i.test(text)) return { kind: 'known' };
    return { kind: after.status === 0 ? 'rename changed bytes' : 'rename refused by nasm', details: { symbol: r.name, renamed: r.renamed, nasm: after.stderr } };
  }
  return { kind: 'same' };
}

const findings = [];
const counts = { same: 0, known: 0, bothRefuse: 0, nasmPanics: 0, nasmTimesOut: 0, outsideDialect: 0 };
for (let n = 0; n < PROGRAMS; n++) {
  const text = MODE === 'expressions' ? expressionProgram() : MODE === 'expressions2' ? wideExpressionProgram() : mutate(pick(corpus));
  writeFileSync(join(work, 'm.asm'), text, 'latin1');
  for (const f of ['n.bin', 'o.bin', 'n.lst', 'o.lst']) if (existsSync(join(work, f))) unlinkSync(join(work, f));
  const { kind, details } = MODE === 'preprocess' ? preprocessBoth(text) : MODE === 'format' ? formatBoth(text) : MODE === 'rename' ? renameBoth(text) : assembleBoth();
  if (kind in counts) counts[kind]++;
  else findings.push({ kind, program: text, ...details });
}

const report = join(work, 'findings.json');
writeFileSync(report, JSON.stringify(findings, null, 1));
const byKind = new Map();
for (const f of findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
console.log(`${MODE}, seed ${SEED}, ${PROGRAMS} programs: ${counts.same} the same, ${MODE !== 'format' ? `${counts.known} but for known differences, ` : ''}${counts.bothRefuse} refused by both, ${counts.nasmPanics} where nasm panicked${counts.nasmTimesOut > 0 ? `, ${counts.nasmTimesOut} it did not finish in 20 s` : ''}${counts.outsideDialect > 0 ? `, ${counts.outsideDialect} outside the dialect` : ''}; ${findings.length === 0 ? 'nothing else' : `${[...byKind].map(([k, v]) => `${v} ${k}`).join(', ')} (${report})`}`);
process.exit(findings.length === 0 ? 0 : 1);
