// Background warm-up of a fresh server. V8 runs a new process's code in its interpreter until the
// code has run often enough to be compiled, so the first 10k-line file a server analyses takes
// several times as long as the next ones (docs/benchmarks.md). While the server is idle after
// start-up (VS Code starts it with a workspace that holds guest files, before any is open), it
// analyses programs of its own, one per event-loop turn, so the user's first file meets compiled
// code. Any document event stops it at once: one round is the most it delays a request by. What
// it leaves in the assembler's caches is dropped when it ends.

import { forgetCaches } from '../../core/src/asm/index';
import { AnalysisCache, type AssembleRunner } from './analysis/analysisCache';
import { OverlayFileHost } from './analysis/fileHost';
import type { ServerSettings } from './analysis/settings';
import { validate } from './features/diagnostics';
import { documentSymbols } from './features/symbols';
import { foldingRanges } from './features/folding';
import { semanticTokens } from './features/semanticTokens';

/** Lines per block of warmUpProgram: a label, 23 instructions, a local label and a jump. */
export const BLOCK_LINES = 26;

const GPR = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi'] as const;
const LOW = { eax: 'al', ebx: 'bl', ecx: 'cl', edx: 'dl', esi: 'al', edi: 'bl' } as const;
const WORD = { eax: 'ax', ebx: 'bx', ecx: 'cx', edx: 'dx', esi: 'si', edi: 'di' } as const;

/**
 * Instruction lines of the kinds kernel code is made of (moves with every operand kind, ALU,
 * shifts, string and port I/O, control and system registers, calls through tables, jumps to the
 * block's local label and to the next block), each a function of two registers, a number and the
 * round's prefix. A block takes 23 of them in turn, so the rounds meet every kind.
 */
const KINDS: readonly ((x: typeof GPR[number], y: typeof GPR[number], k: number, r: string) => string)[] = [
  (x, _, k) => `mov ${x}, [ebp+${8 + (k % 4) * 4}]`,
  (x, y, k) => `mov [${y}+${k}], ${x}`,
  (x, _, k) => `mov ${x}, 0x${(k * 0x1011).toString(16)}`,
  (x, y, k) => `mov dword [${x}+${y}*4+${k}], ${k}`,
  (x, _, k, r) => `mov ${x}, [${r}_data+${k * 4}]`,
  (x, y) => `mov ${x}, ${y}`,
  (x, y, k) => `lea ${x}, [${y}+${x}*2+${k}]`,
  (x, y) => `add ${x}, ${y}`,
  (x, _, k) => `sub ${x}, ${k}`,
  (x, y, k) => `and ${x}, [${y}-${k + 4}]`,
  (x, _, k) => `or ${x}, 0x${(1 << (k % 31)).toString(16)}`,
  (x, y) => `xor ${x}, ${y}`,
  (x, _, k) => `cmp ${x}, ${k * 3}`,
  (x, y) => `test ${x}, ${y}`,
  (x, _, k) => `shl ${x}, ${(k % 7) + 1}`,
  (x) => `sar ${x}, cl`,
  (x, y, k) => `imul ${x}, ${y}, ${k + 2}`,
  (x, y) => `movzx ${x}, byte [${y}]`,
  (x, y, k) => `movsx ${x}, word [${y}+${k * 2}]`,
  (x) => `inc ${x}`,
  (x) => `neg ${x}`,
  (x, y) => `xchg ${x}, ${y}`,
  (x) => `push ${x}`,
  (x) => `pop ${x}`,
  (x, y) => `cmovne ${x}, ${y}`,
  (x) => `setz ${LOW[x]}`,
  (x, _, k) => `bt ${x}, ${k % 32}`,
  (x, y) => `lock cmpxchg [${y}], ${x}`,
  (x, y, k) => `mov ${WORD[x]}, [${y}+${k}]`,
  (x, _, k) => `mov byte [${x}+${k}], ${k}`,
  () => 'cld',
  () => 'rep movsd',
  () => 'rep stosb',
  () => 'in al, dx',
  (_, __, k) => `out 0x${(0x80 + (k % 16)).toString(16)}, al`,
  () => 'pushfd',
  () => 'popfd',
  () => 'cli',
  () => 'sti',
  (x) => `mov ${x}, cr0`,
  (x) => `mov cr3, ${x}`,
  (x) => `invlpg [${x}]`,
  (_, __, ___, r) => `lgdt [${r}_gdtr]`,
  () => 'mov ax, 0x10',
  () => 'mov ds, ax',
  (x, _, __, r) => `call [${r}_table+${x}*4]`,
  (x) => `jmp ${x === 'eax' ? 'ebx' : 'eax'}`,
  () => 'jne .next',
  () => 'loop .next',
  (_, __, k) => `int 0x${(0x20 + (k % 16)).toString(16)}`,
  () => 'cpuid',
  () => 'rdtsc',
];

/**
 * One round's program: ordinary guest code (blocks of instructions with a label, a local label
 * and jumps, then data, a macro call, a structure, a define), with names unique to the round so
 * each round parses its lines afresh, as a new file does.
 */
export function warmUpProgram(round: number, blocks: number): string {
  const r = `w${round}`;
  const out = [
    `; Ringside language-server warm-up, round ${round}`,
    'bits 32',
    'org 0x100000',
    `%define ${r}_PORT 0x3f8`,
    `%macro ${r}_out 2`,
    '    mov dx, %1',
    '    mov al, %2',
    '    out dx, al',
    '%endmacro',
    `struc ${r}_rec`,
    '    .id:    resd 1',
    '    .flags: resw 1',
    '    .name:  resb 16',
    'endstruc',
    'section .text',
  ];
  let kind = round;
  for (let b = 0; b < blocks; b++) {
    out.push(`${r}_f${b}:`);
    for (let i = 0; i < BLOCK_LINES - 3; i++, kind++) {
      // Two different registers: y is 1 to 5 places after x.
      const x = GPR[(b + i) % GPR.length], y = GPR[(b + i + 1 + (i % 5)) % GPR.length];
      out.push(`    ${KINDS[kind % KINDS.length](x, y, (b * 7 + i) % 97, r)}`);
      if (i === 10) out.push('.next:');
    }
    out.push(`    jmp ${r}_f${(b + 1) % blocks}`);
  }
  out.push(
    `    ${r}_out ${r}_PORT, ${round % 256}`,
    `    mov eax, [esi+${r}_rec.flags]`,
    'section .data',
    'align 4',
    `${r}_gdtr: dw 23`,
    `    dd ${r}_table`,
    `${r}_data: times ${blocks} dd 0`,
    `${r}_msg: db "warm-up ${round}", 13, 10, 0`,
    `${r}_table: dd ${r}_f0, ${r}_msg, $ - ${r}_msg`,
    '',
  );
  return out.join('\n');
}

/** One warm-up round: analyse warmUpProgram(round, blocks) as a newly opened document. */
export type WarmUpRound = (round: number, blocks: number) => void;

/**
 * A round that does what VS Code asks of a newly opened document — diagnostics, semantic tokens,
 * symbols, folding — on an analysis cache of its own, so no open document's state is touched.
 */
export function analysisRound(settings: ServerSettings, runner: AssembleRunner): WarmUpRound {
  const cache = new AnalysisCache(new OverlayFileHost(), settings, undefined, undefined, runner);
  return (round, blocks) => {
    const uri = `file:///ringside-warm-up/round-${round}.gasm`;
    cache.update(uri, warmUpProgram(round, blocks));
    const doc = cache.analyze(uri);
    if (doc !== undefined) {
      validate(doc);
      semanticTokens(doc);
      documentSymbols(doc);
      foldingRanges(doc);
    }
    cache.close(uri);
  };
}

/**
 * How much warm-up, in what rounds. V8 compiles a function for what it has seen, so code warmed
 * on small programs alone still meets new sizes in a user's large file (longer arrays, bigger
 * maps) and falls back to the interpreter there: the programs grow round by round, as far as a
 * round stays short. The amount is what brought a fresh server's first diagnostics for a
 * 10k-line file from ~300 ms to ~50-100 ms (docs/benchmarks.md); more did not measurably help.
 */
export interface WarmUpPlan {
  /** Blocks (of BLOCK_LINES lines) in the first round's program. */
  readonly firstBlocks: number;
  /** The most blocks a round may have. */
  readonly maxBlocks: number;
  /** How long a round may take: a request that arrives during one waits for it. */
  readonly roundMs: number;
  /** Lines analysed in all before the warm-up ends. */
  readonly lines: number;
  /** Whatever happens, the warm-up ends after this long (a slow or busy machine). */
  readonly maxMs: number;
}

export const WARM_UP: WarmUpPlan = { firstBlocks: 12, maxBlocks: 400, roundMs: 25, lines: 100_000, maxMs: 5000 };

/**
 * Runs `round` once per event-loop turn from `start()` until the plan's lines are done, or until
 * `stop()` is called (a document arrived) or `allowed()` turns false, then reports how it ended.
 */
export class BackgroundWarmUp {
  private rounds = 0;
  private blocks: number;
  private lines = 0;
  private started = -1;
  private state: 'idle' | 'running' | 'done' = 'idle';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly round: WarmUpRound,
    private readonly report: (message: string) => void,
    private readonly allowed: () => boolean = () => true,
    private readonly plan: WarmUpPlan = WARM_UP,
  ) {
    this.blocks = plan.firstBlocks;
  }

  /** Starts after `delayMs` of quiet (a client opens its documents right after `initialized`). */
  start(delayMs: number): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.timer = setTimeout(() => this.step(), delayMs);
  }

  /** Stops for good (a document needs the thread): the next request is not kept waiting. */
  stop(why: string): void {
    if (this.state === 'done') return;
    const ran = this.rounds > 0;
    this.finish();
    if (ran) this.report(`warm-up stopped after ${this.rounds} rounds (${this.elapsed()} ms): ${why}`);
  }

  private step(): void {
    if (this.state !== 'running') return;
    if (!this.allowed()) {
      this.stop('turned off');
      return;
    }
    const t0 = performance.now();
    if (this.started < 0) this.started = t0;
    const blocks = this.blocks;
    try {
      this.round(this.rounds, blocks);
    } catch (e) {
      this.finish();
      this.report(`warm-up failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.rounds++;
    this.lines += blocks * BLOCK_LINES;
    this.blocks = this.nextBlocks(performance.now() - t0);
    if (this.lines < this.plan.lines && this.elapsed() < this.plan.maxMs) {
      // A timer runs after the event loop has polled for I/O: a message that came in during the
      // round is handled (and stops the warm-up) before the next round starts.
      this.timer = setTimeout(() => this.step(), 0);
      return;
    }
    this.finish();
    // Nothing a document needs was cached by the rounds (none was open): start clean.
    forgetCaches();
    this.report(`warmed up in ${this.elapsed()} ms (${this.rounds} rounds, ${this.lines} lines, the last round ${blocks * BLOCK_LINES} lines)`);
  }

  /** The next round's size from how long this one took: at most twice as big, within the plan. */
  private nextBlocks(ms: number): number {
    const fits = Math.floor(this.blocks * this.plan.roundMs / Math.max(ms, 1));
    return Math.max(this.plan.firstBlocks, Math.min(this.plan.maxBlocks, fits, this.blocks * 2));
  }

  private finish(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.state = 'done';
  }

  private elapsed(): number {
    return this.started < 0 ? 0 : Math.round(performance.now() - this.started);
  }
}
