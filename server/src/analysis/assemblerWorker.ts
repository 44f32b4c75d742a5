// Runs the assembler on a worker thread with a time budget, so no input (a `%rep` nest that
// expands to billions of lines, say) can stall the language server: the main thread waits
// synchronously with Atomics.wait, and a worker that overruns is terminated and replaced.
// Results come back without listing and source map (see WireResult).

import { readFileSync, statSync } from 'node:fs';
import { MessageChannel, Worker, parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { assemble } from '../../../core/src/asm/index';
import type { AssembleOptions, AssembleResult } from '../../../core/src/asm/api';
import { emptyResult } from './emptyResult';
import { MAX_FILE_BYTES } from './fileHost';

interface AssembleJob {
  readonly file: string;
  readonly text?: string;
  readonly includePaths: readonly string[];
  /** Open editor buffers, which win over the disk. */
  readonly buffers: readonly (readonly [string, string])[];
}

/**
 * What crosses the thread boundary: the image, and the facts the language features read as JSON
 * (about twice as fast as structured cloning for 10k statements). The listing and the source map
 * are left out: no feature uses them, and the assembler builds them lazily.
 */
type Facts = Omit<AssembleResult, 'sourceMap' | 'listing' | 'image'>;
interface WireResult {
  readonly image: Uint8Array;
  readonly facts: string;
}

function toWire(r: AssembleResult): WireResult {
  const facts: Facts = {
    origin: r.origin, diagnostics: r.diagnostics, symbols: r.symbols, references: r.references,
    statements: r.statements, files: r.files, includes: r.includes, technique: r.technique,
  };
  return { image: r.image, facts: JSON.stringify(facts) };
}

interface WorkerSetup {
  readonly flag: SharedArrayBuffer;
  readonly reply: MessagePort;
}

function readDisk(path: string): Uint8Array | undefined {
  try {
    const st = statSync(path);
    return st.isFile() && st.size <= MAX_FILE_BYTES ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** Worker side: assemble each job and signal the waiting main thread. */
export function serveAssembleJobs(): void {
  const setup = workerData as WorkerSetup;
  const flag = new Int32Array(setup.flag);
  parentPort?.on('message', (job: AssembleJob) => {
    const buffers = new Map(job.buffers);
    const host = {
      readFile: (p: string) => buffers.get(p) ?? (() => { const b = readDisk(p); return b ? Buffer.from(b).toString('utf8') : undefined; })(),
      readBinary: (p: string) => readDisk(p),
    };
    let wire: WireResult;
    try {
      wire = toWire(assemble({ file: job.file, text: job.text, host, includePaths: job.includePaths }));
    } catch (e) {
      wire = toWire(emptyResult(job.file, [{ severity: 'error', code: 'internal-error', message: `Internal assembler error: ${e instanceof Error ? e.message : String(e)}`, range: { file: job.file, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } } }]));
    }
    setup.reply.postMessage(wire);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
}

/** Main side: a synchronous assemble() that gives up after `budgetMs`. */
export class WorkerAssembler {
  private worker: Worker | undefined;
  private reply: MessagePort | undefined;
  private flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly script: string, private readonly budgetMs: number, private readonly log: (m: string) => void) {}

  private start(): Worker {
    const channel = new MessageChannel();
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    const setup: WorkerSetup = { flag: this.flag.buffer as SharedArrayBuffer, reply: channel.port2 };
    const worker = new Worker(this.script, { workerData: setup, transferList: [channel.port2] });
    worker.unref();
    worker.on('error', (e: unknown) => this.log(`assembler worker failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
    this.worker = worker;
    this.reply = channel.port1;
    return worker;
  }

  assemble(opts: AssembleOptions, buffers: ReadonlyMap<string, string>): AssembleResult {
    const worker = this.worker ?? this.start();
    Atomics.store(this.flag, 0, 0);
    const job: AssembleJob = { file: opts.file, text: opts.text, includePaths: opts.includePaths ?? [], buffers: [...buffers] };
    worker.postMessage(job);
    const deadline = Date.now() + this.budgetMs;
    let message: { message: WireResult } | undefined;
    while (!message) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(this.flag, 0, 0, left);
      message = this.reply ? (receiveMessageOnPort(this.reply) as { message: WireResult } | undefined) : undefined;
      if (!message && Atomics.load(this.flag, 0) === 1) message = this.reply ? (receiveMessageOnPort(this.reply) as { message: WireResult } | undefined) : undefined;
    }
    if (!message) {
      this.log(`assembling ${opts.file} took over ${this.budgetMs} ms; worker restarted`);
      void worker.terminate();
      this.reply?.close();
      this.worker = undefined;
      this.reply = undefined;
      return emptyResult(opts.file, [{
        severity: 'error', code: 'time-budget',
        message: `Assembly took longer than ${this.budgetMs / 1000} s and was stopped (runaway %rep or macro expansion?). Diagnostics and symbols are unavailable until the file assembles in time.`,
        range: { file: opts.file, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } },
      }]);
    }
    const empty = emptyResult(opts.file, []);
    const facts = JSON.parse(message.message.facts) as Facts;
    return { ...facts, image: message.message.image, listing: empty.listing, sourceMap: empty.sourceMap };
  }
}
