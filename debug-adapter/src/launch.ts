// `launch` arguments (core/src/protocol.ts RingsideLaunchArguments) checked and turned into the
// runtime's LoadOptions; every problem is a message naming the attribute, never an exception.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AssemblerFlags } from '../../core/src/asm/api';
import { describeArgumentProblems, readAssemblerArguments } from '../../core/src/cli/assembler-arguments';
import { TYPED_INPUT_LIMIT, type LoadOptions } from '../../core/src/runtime/session';
import { readSourceBytes, STREAM_LIMIT } from '../../core/src/host-files';
import { DEFAULT_TLB_SHAPE, type ReplacementPolicy } from '../../core/src/machine/mmu/tlb';
import { MAX_MULTIBOOT_MEMORY, MIN_MULTIBOOT_MEMORY } from '../../core/src/machine/loader/multiboot';
import { guestKindByName, guestKindOf } from '../../core/src/runtime/guest-file';

export type LaunchPlan =
  | {
    readonly ok: true; readonly program: string; readonly options: LoadOptions; readonly stopOnEntry: boolean; readonly noDebug: boolean;
    /** Typed into COM1 as the guest starts (and again on each restart). */
    readonly serialInput: Uint8Array | undefined;
    /** Where COM1 is: the Debug Console (output events, `serial TEXT` to type) or a terminal of its own. */
    readonly console: SerialConsole;
  }
  | { readonly ok: false; readonly message: string };

export type SerialConsole = 'internalConsole' | 'integratedTerminal';
const SERIAL_CONSOLES: readonly SerialConsole[] = ['internalConsole', 'integratedTerminal'];

/**
 * How long a launch (or restart) may take to assemble its program: a program that expands without
 * end fails the launch with the assembler's 'time-budget' error, where the adapter stopped
 * answering. Far above what a real guest takes to assemble.
 */
export const LAUNCH_ASSEMBLY_BUDGET_MS = 20_000;
const POLICIES: readonly ReplacementPolicy[] = ['lru', 'fifo', 'random'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `raw` is whatever the client sent; `cwd` resolves relative paths. */
export function planLaunch(raw: unknown, cwd: string): LaunchPlan {
  if (!isRecord(raw)) return { ok: false, message: 'launch arguments must be an object' };
  // (The session gives `cwd` here when it is a string, else the adapter's own folder.)
  if (raw.cwd !== undefined && typeof raw.cwd !== 'string') return { ok: false, message: '`cwd` must be a folder (a path string)' };
  const program = raw.program;
  if (typeof program !== 'string' || program.trim() === '') return { ok: false, message: '`program` must name the guest source (.gasm/.asm) or a multiboot image (.bin)' };
  const file = path.resolve(cwd, program);
  if (!fs.existsSync(file)) return { ok: false, message: `program ${file} does not exist` };
  // (The assembler would read a folder as an empty source, and the load then find no multiboot header.)
  if (statOf(file)?.isDirectory() === true) return { ok: false, message: `program ${file} is a directory: name the guest source (.gasm/.asm) or the multiboot image (.bin) in it` };

  let memoryBytes: number | undefined;
  if (raw.memory !== undefined) {
    const [min, max] = [MIN_MULTIBOOT_MEMORY >>> 20, MAX_MULTIBOOT_MEMORY >>> 20];
    if (typeof raw.memory !== 'number' || !Number.isInteger(raw.memory) || raw.memory < min || raw.memory > max) {
      return { ok: false, message: `\`memory\` must be a whole number of MiB from ${min} to ${max} (3.5 GiB, the most the multiboot memory map holds)` };
    }
    memoryBytes = raw.memory * 1024 * 1024;
  }

  let tlbShape = undefined;
  if (raw.tlb !== undefined) {
    if (!isRecord(raw.tlb)) return { ok: false, message: '`tlb` must be an object { entries, ways, policy }' };
    const entries = raw.tlb.entries ?? DEFAULT_TLB_SHAPE.entries;
    const ways = raw.tlb.ways ?? DEFAULT_TLB_SHAPE.ways;
    const policy = raw.tlb.policy ?? DEFAULT_TLB_SHAPE.policy;
    const pow2 = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0 && n <= 65536;
    if (!pow2(entries)) return { ok: false, message: '`tlb.entries` must be a power of two (1..65536)' };
    if (typeof ways !== 'number' || !Number.isInteger(ways) || ways < 1 || entries % ways !== 0 || !pow2(entries / ways)) {
      return { ok: false, message: '`tlb.ways` must divide `tlb.entries` into a power-of-two number of sets' };
    }
    if (typeof policy !== 'string' || !(POLICIES as readonly string[]).includes(policy)) return { ok: false, message: '`tlb.policy` must be "lru", "fifo" or "random"' };
    tlbShape = { entries, ways, policy: policy as ReplacementPolicy, seed: DEFAULT_TLB_SHAPE.seed };
  }

  let includePaths: string[] | undefined;
  if (raw.includePaths !== undefined) {
    if (!Array.isArray(raw.includePaths) || !raw.includePaths.every((p) => typeof p === 'string')) return { ok: false, message: '`includePaths` must be an array of paths' };
    includePaths = (raw.includePaths as string[]).map((p) => path.resolve(cwd, p));
  }

  let assembly: AssemblerFlags = {};
  if (raw.assemblerArguments !== undefined) {
    if (!Array.isArray(raw.assemblerArguments) || !raw.assemblerArguments.every((a) => typeof a === 'string')) return { ok: false, message: '`assemblerArguments` must be an array of nasm flags (strings)' };
    const read = readAssemblerArguments(raw.assemblerArguments as string[], cwd);
    if (read.problems.length > 0) return { ok: false, message: `\`assemblerArguments\`: ${describeArgumentProblems(read.problems)}` };
    assembly = read.flags;
  }

  let maxInstructions: number | undefined;
  if (raw.maxInstructions !== undefined) {
    if (typeof raw.maxInstructions !== 'number' || !Number.isInteger(raw.maxInstructions) || raw.maxInstructions < 1) return { ok: false, message: '`maxInstructions` must be a positive whole number' };
    maxInstructions = raw.maxInstructions;
  }
  if (raw.commandLine !== undefined && typeof raw.commandLine !== 'string') return { ok: false, message: '`commandLine` must be a string' };
  // (VS Code adds `noDebug` for Run Without Debugging.)
  for (const flag of ['stopOnEntry', 'noDebug'] as const) {
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean') return { ok: false, message: `\`${flag}\` must be true or false` };
  }

  if (raw.serialInput !== undefined && typeof raw.serialInput !== 'string') return { ok: false, message: '`serialInput` must be a string (the bytes typed into COM1 as the guest starts)' };
  const serialInput = typeof raw.serialInput === 'string' && raw.serialInput !== '' ? new TextEncoder().encode(raw.serialInput) : undefined;
  if (serialInput !== undefined && serialInput.length > TYPED_INPUT_LIMIT) return { ok: false, message: `\`serialInput\` is ${serialInput.length} bytes: at most ${TYPED_INPUT_LIMIT} (1 MiB) may wait unread in COM1` };
  const console = raw.console ?? 'internalConsole';
  if (typeof console !== 'string' || !(SERIAL_CONSOLES as readonly string[]).includes(console)) return { ok: false, message: '`console` must be "internalConsole" (COM1 in the Debug Console) or "integratedTerminal" (COM1 in a terminal of its own)' };

  const common = { memoryBytes, tlbShape, maxInstructions, commandLine: raw.commandLine as string | undefined, kernelName: file, assemblyBudgetMs: LAUNCH_ASSEMBLY_BUDGET_MS };
  let options: LoadOptions;
  // An image is read as the assembler reads its files: a device or FIFO gives what it holds, and
  // not for ever; but a directory, which the assembler reads as empty, is no image. A name that
  // says neither source nor image is told by its contents when it is a regular file (a FIFO read
  // here would leave the assembler nothing), else it is a source, read by the assembler.
  const byName = guestKindByName(file);
  const stat = statOf(file);
  const bytes = (byName === 'image' && stat?.isDirectory() !== true) || (byName === undefined && stat?.isFile() === true) ? readSourceBytes(file) : undefined;
  if ((byName ?? (bytes === undefined ? 'source' : guestKindOf(file, bytes))) === 'image') {
    if (bytes === undefined) return { ok: false, message: `cannot read the image ${file}: not a file, or a stream that did not end within ${STREAM_LIMIT >> 20} MiB` };
    options = { ...common, image: new Uint8Array(bytes) };
  } else {
    options = { ...common, source: { ...assembly, file, includePaths: [path.dirname(file), ...assembly.includePaths ?? [], ...includePaths ?? []] } };
  }
  return { ok: true, program: file, options, stopOnEntry: raw.stopOnEntry === true, noDebug: raw.noDebug === true, serialInput, console: console as SerialConsole };
}

/** What `file` names, or undefined when it cannot be looked at (reading it then says why). */
function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
