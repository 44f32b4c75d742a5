// `ringside run`: run a guest headless. COM1 goes to stdout; the exit status is the value the
// guest wrote to isa-debug-exit (port 0xF4; QEMU's own status for the same write is (v << 1) | 1),
// 0 after `cli; hlt`, 3 on a triple fault and 124 when the instruction budget runs out.

import * as path from 'node:path';
import { GuestSession, memorySizeProblem } from '../runtime/session';
import { formatEvent } from '../runtime/events';
import { describeShutdown } from '../machine/cpu/exceptions';
import { readInputFile } from './file-error';
import type { AssemblerFlags } from '../asm/api';
import { AssemblerArgumentReader, describeArgumentProblems } from './assembler-arguments';
import { formatDiagnostic } from './format-diagnostic';
import { asReported, includedFiles, nasmFileNames } from './reported-places';
import { ReportedLines } from '../asm/reported-lines';
import { nasmSourceText } from '../host-files';
import { guestKindOf } from '../runtime/guest-file';
import { includeSearchPaths } from './include-paths';
import { UsageError, type Io } from './usage';

export const EXIT_TRIPLE_FAULT = 3;
export const EXIT_BUDGET = 124;
/** The status of a process a SIGPIPE ended (128 + 13): the run stops once its output's (or its trace's) reader has gone. */
export const EXIT_OUTPUT_CLOSED = 141;

interface RunArgs {
  file: string;
  memoryBytes: number;
  maxInstructions: number;
  traceEvents: boolean;
  stats: boolean;
  /** nasm's flags that shape the assembly (-I, -D, -U, -P, -O, -w...), as `ringside asm` reads them. */
  assembly: AssemblerFlags;
}

/** `32M`, `64MiB`, `4096K`, `1G` or plain bytes. */
function parseSize(text: string): number {
  const m = /^(\d+)\s*([kmg])?(i?b)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`bad memory size \`${text}' (use e.g. 32M)`);
  const unit = { k: 1 << 10, m: 1 << 20, g: 1 << 30 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  const bytes = Number(m[1]) * unit;
  const problem = memorySizeProblem(bytes);
  if (problem !== undefined) throw new UsageError(problem);
  return bytes;
}

function parseArgs(argv: readonly string[]): RunArgs {
  const args: RunArgs = { file: '', memoryBytes: 32 << 20, maxInstructions: Infinity, traceEvents: false, stats: false, assembly: {} };
  const nasmFlags = new AssemblerArgumentReader(process.cwd());
  let file: string | undefined;
  for (const at = { i: 0 }; at.i < argv.length; at.i++) {
    const a = argv[at.i];
    const value = (): string => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = argv[++at.i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const flag = a.startsWith('--') ? a.split('=')[0] : a;
    if (flag === '--memory') args.memoryBytes = parseSize(value());
    else if (flag === '--max-instructions') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--max-instructions needs a positive integer, got \`${v}'`);
      args.maxInstructions = Number(v);
    } else if (flag === '--trace') {
      const v = value();
      if (v !== 'events') throw new UsageError(`unknown trace \`${v}' (only \`events')`);
      args.traceEvents = true;
    } else if (flag === '--stats') args.stats = true;
    else if (a.startsWith('-') && a !== '-') nasmFlags.read(argv, at);
    else if (file !== undefined) throw new UsageError(`more than one guest (\`${file}' and \`${a}')`);
    else file = a;
  }
  if (nasmFlags.problems.length > 0) throw new UsageError(`run: ${describeArgumentProblems(nasmFlags.problems)}`);
  if (file === undefined) throw new UsageError('run needs a guest FILE (.gasm/.asm source or a multiboot .bin image)');
  args.file = file;
  args.assembly = nasmFlags.flags;
  return args;
}

export function runCommand(argv: readonly string[], io: Io): number {
  const args = parseArgs(argv);
  const file = path.resolve(args.file);
  const bytes = readInputFile(args.file, io.err);
  if (bytes === undefined) return 1;
  // (The source is the text read here: a pipe, `run <(generate)`, can be read once.)
  const source = guestKindOf(file, bytes) === 'source'
    ? { ...args.assembly, file, text: nasmSourceText(bytes), workingDirectory: process.cwd(), includePaths: includeSearchPaths(args.assembly.includePaths ?? [], file) }
    : undefined;
  const loaded = GuestSession.load({
    ...(source !== undefined ? { source } : { image: new Uint8Array(bytes) }),
    memoryBytes: args.memoryBytes, maxInstructions: args.maxInstructions, kernelName: path.basename(file),
  });
  // The assembly's messages, warnings too, as `ringside asm` prints them (nasm's order, places as nasm names them).
  const assembled = loaded.ok ? loaded.session.assembled : loaded.assembled;
  if (assembled != null) {
    const reported = new ReportedLines(assembled.lineDirectives);
    // (The -I directories are resolved here: an included file is named as found from the working directory, else by its path.)
    const named = includedFiles(nasmFileNames(file, args.file, [], process.cwd()), assembled.includes);
    for (const d of assembled.printedMessages) io.err(formatDiagnostic(asReported(d, reported, named)));
  }
  if (!loaded.ok) {
    if (assembled == null) for (const d of loaded.diagnostics ?? []) io.err(formatDiagnostic(d));
    // (The file named as the command line names it, as the messages above do.)
    io.err(`ringside: ${loaded.message.startsWith(`${file}: `) ? args.file + loaded.message.slice(file.length) : loaded.message}\n`);
    return 1;
  }
  const session = loaded.session;
  const counts = new Map<string, number>();
  session.onEvent((e) => {
    if (e.kind === 'output' && e.category === 'serial') {
      // (The text is COM1's bytes, a character each.)
      if (io.outBytes !== undefined) io.outBytes(Buffer.from(e.text, 'latin1'));
      else io.out(e.text);
      // (Nobody reads the guest's output any more: it stops, as a program that wrote to a closed pipe would.)
      if (io.outClosed?.() === true) session.pause();
    }
    if (e.kind === 'exception') counts.set('exceptions', (counts.get('exceptions') ?? 0) + 1);
    if (e.kind === 'interrupt') counts.set('interrupts', (counts.get('interrupts') ?? 0) + 1);
    if (e.kind === 'ring-transition') counts.set('ring transitions', (counts.get('ring transitions') ?? 0) + 1);
    if (args.traceEvents && e.kind !== 'output') {
      io.err(formatEvent(e) + '\n');
      if (io.errClosed?.() === true) session.pause();
    }
  }, { detailed: args.traceEvents || args.stats });
  const t0 = process.hrtime.bigint();
  const outcome = session.runToEnd(io.serialInput?.());
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (args.stats) printStats(session, seconds, counts, io);
  if (outcome.kind === 'exited') {
    if (outcome.how === 'debug-exit') return (outcome.value ?? 0) & 0xff;
    if (outcome.how === 'halted') return 0;
    io.err(`ringside: triple fault at eip 0x${outcome.guestEip.toString(16)} after ${outcome.instructions} instructions: the processor shut down (${describeShutdown(outcome.faults ?? [])})\n`);
    return EXIT_TRIPLE_FAULT;
  }
  if (outcome.reason === 'pause' && (io.outClosed?.() === true || io.errClosed?.() === true)) return EXIT_OUTPUT_CLOSED;
  if (outcome.reason === 'budget') {
    io.err(`ringside: instruction budget of ${args.maxInstructions} used up at eip 0x${outcome.guestEip.toString(16)}\n`);
    return EXIT_BUDGET;
  }
  io.err(`ringside: stopped: ${outcome.description}\n`);
  return 1;
}

function printStats(session: GuestSession, seconds: number, counts: ReadonlyMap<string, number>, io: Io): void {
  const n = session.machine.instructions;
  const tlb = session.tlbCounters();
  const mmu = session.mmuCounters();
  const lines = [
    `instructions: ${n}`,
    `time: ${(seconds * 1000).toFixed(1)} ms (${(n / Math.max(seconds, 1e-9) / 1e6).toFixed(1)} MIPS)`,
    `tlb: ${tlb.hits} hits, ${tlb.misses} misses, ${tlb.flushes} flushes, ${tlb.nonGlobalFlushes} non-global flushes, ${tlb.pageInvalidations} page invalidations`,
    `page walks: ${mmu.walks} (${mmu.walkReferences} memory references), page faults: ${mmu.pageFaults}`,
    `exceptions: ${counts.get('exceptions') ?? 0}, interrupts: ${counts.get('interrupts') ?? 0}, ring transitions: ${counts.get('ring transitions') ?? 0}`,
  ];
  io.err(lines.map((l) => `ringside: ${l}\n`).join(''));
}
