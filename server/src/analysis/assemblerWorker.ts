// Runs the assembler on a worker thread with a time budget, so no input (a `%rep` nest that
// expands to billions of lines, say) can stall the language server: the main thread waits
// synchronously with Atomics.wait, and a worker that overruns is terminated and replaced.
// Used while the assembler itself cannot stop at a deadline (see inProcessAssembler.ts).

import { MessageChannel, Worker, parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { assemble } from '../../../core/src/asm/index';
import type { AssembleOptions, AssembleResult, AssemblerFlags, SourceMap } from '../../../core/src/asm/api';
import { emptyResult } from './emptyResult';
import { readDiskBinary, readDiskSource } from './fileHost';

/** The facts a feature may ask for after assembly; each crosses the thread boundary on first use. */
type FactName = 'statements' | 'references' | 'symbols';

interface AssembleJob {
  readonly kind: 'assemble';
  readonly id: number;
  readonly file: string;
  readonly text?: string;
  readonly includePaths: readonly string[];
  readonly workingDirectory?: string;
  /** The rest of the nasm flags (`ringside.assembler.arguments`): defines, -O, -w, limits... */
  readonly flags: Omit<AssemblerFlags, 'includePaths'>;
  /** Open editor buffers that changed since the worker last saw them (undefined text: closed). */
  readonly buffers: readonly (readonly [string, string | undefined])[];
}

interface FactsJob {
  readonly kind: 'facts';
  readonly id: number;
  readonly fact: FactName;
}

/** The eager part of a result: what diagnostics need. The facts stay on the worker until asked for. */
type Eager = Pick<AssembleResult, 'image' | 'origin' | 'diagnostics' | 'files' | 'includes' | 'technique' | 'lineDirectives' | 'stopped' | 'inactive'>;

interface WorkerSetup {
  readonly flag: SharedArrayBuffer;
  readonly reply: MessagePort;
}

/** Results the worker keeps for fact requests: one per root is plenty (older ones are stale). */
const KEPT_RESULTS = 16;

function internalError(file: string, e: unknown): AssembleResult {
  return emptyResult(file, [{ severity: 'error', code: 'internal-error', message: `Internal assembler error: ${e instanceof Error ? e.message : String(e)}`, range: { file, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } } }]);
}

/** Worker side: assemble each job, keep the result for fact requests, and signal the waiting main thread. */
export function serveAssembleJobs(): void {
  const setup = workerData as WorkerSetup;
  const flag = new Int32Array(setup.flag);
  const buffers = new Map<string, string>();
  const kept = new Map<number, AssembleResult>();
  const host = {
    readFile: (p: string) => {
      const open = buffers.get(p);
      if (open !== undefined) return open;
      return readDiskSource(p);
    },
    readBinary: readDiskBinary,
  };
  const answer = (message: unknown) => {
    setup.reply.postMessage(message);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  parentPort?.on('message', (job: AssembleJob | FactsJob) => {
    if (job.kind === 'facts') {
      const r = kept.get(job.id);
      let facts: string;
      try {
        facts = JSON.stringify(r ? r[job.fact] : []);
      } catch (e) {
        facts = '[]';
        setup.reply.postMessage({ log: `building ${job.fact} failed: ${e instanceof Error ? e.message : String(e)}` });
      }
      answer({ id: job.id, facts });
      return;
    }
    for (const [path, text] of job.buffers) {
      if (text === undefined) buffers.delete(path);
      else buffers.set(path, text);
    }
    let r: AssembleResult;
    try {
      r = assemble({ ...job.flags, file: job.file, text: job.text, host, includePaths: job.includePaths, workingDirectory: job.workingDirectory });
    } catch (e) {
      r = internalError(job.file, e);
    }
    kept.set(job.id, r);
    if (kept.size > KEPT_RESULTS) kept.delete(kept.keys().next().value as number);
    const eager: Eager = { image: r.image, origin: r.origin, diagnostics: r.diagnostics, files: r.files, includes: r.includes, technique: r.technique, lineDirectives: r.lineDirectives, stopped: r.stopped, inactive: r.inactive };
    answer({ id: job.id, eager: JSON.stringify({ ...eager, image: undefined }), image: r.image });
  });
}

interface Reply {
  readonly id: number;
  readonly eager?: string;
  readonly image?: Uint8Array;
  readonly facts?: string;
}

/** Main side: a synchronous assemble() that gives up after `budgetMs`; facts are fetched on first access. */
export class WorkerAssembler {
  private worker: Worker | undefined;
  private reply: MessagePort | undefined;
  private flag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  /** Buffer texts the current worker holds, so each job sends only what changed. */
  private sent = new Map<string, string>();

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
    this.sent = new Map();
    return worker;
  }

  /** Ends the worker (it is restarted by the next job, if any). */
  dispose(): void {
    this.stop();
  }

  private stop(): void {
    void this.worker?.terminate();
    this.reply?.close();
    this.worker = undefined;
    this.reply = undefined;
  }

  /** Posts a job and waits for the answer with this id; undefined when the budget ran out (the worker is replaced). */
  private exchange(job: AssembleJob | FactsJob): Reply | undefined {
    const worker = this.worker ?? this.start();
    Atomics.store(this.flag, 0, 0);
    worker.postMessage(job);
    const deadline = Date.now() + this.budgetMs;
    for (;;) {
      const got = this.reply ? (receiveMessageOnPort(this.reply) as { message: Reply & { log?: string } } | undefined) : undefined;
      if (got) {
        if (got.message.log) this.log(got.message.log);
        if (got.message.id === job.id) return got.message;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      Atomics.wait(this.flag, 0, 0, left);
      Atomics.store(this.flag, 0, 0);
    }
    this.log(`${job.kind === 'facts' ? `building ${job.fact} for` : 'assembling'} job ${job.id} took over ${this.budgetMs} ms; worker restarted`);
    this.stop();
    return undefined;
  }

  assemble(opts: AssembleOptions, buffers: ReadonlyMap<string, string>): AssembleResult {
    if (!this.worker) this.start();
    const changed: [string, string | undefined][] = [];
    for (const [path, text] of buffers) if (this.sent.get(path) !== text) changed.push([path, text]);
    for (const path of this.sent.keys()) if (!buffers.has(path)) changed.push([path, undefined]);
    const id = this.nextId++;
    const flags = { defines: opts.defines, prelude: opts.prelude, noLine: opts.noLine, warnings: opts.warnings, limits: opts.limits, optimization: opts.optimization };
    const reply = this.exchange({ kind: 'assemble', id, file: opts.file, text: opts.text, includePaths: opts.includePaths ?? [], workingDirectory: opts.workingDirectory, flags, buffers: changed });
    if (!reply?.eager) {
      return emptyResult(opts.file, [{
        severity: 'error', code: 'time-budget',
        message: `Assembly took longer than ${this.budgetMs / 1000} s and was stopped (runaway %rep or macro expansion?). Diagnostics and symbols are unavailable until the file assembles in time.`,
        range: { file: opts.file, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } },
      }]);
    }
    for (const [path, text] of changed) {
      if (text === undefined) this.sent.delete(path);
      else this.sent.set(path, text);
    }
    const eager = JSON.parse(reply.eager) as Omit<Eager, 'image'>;
    return this.lazyFacts({ ...eager, image: reply.image ?? new Uint8Array(0) }, id, this.worker);
  }

  /** A result whose facts are fetched from the worker on first access (empty if that worker is gone). */
  private lazyFacts(eager: Eager, id: number, owner: Worker | undefined): AssembleResult {
    const cache = new Map<FactName, unknown>();
    const fetch = <T>(fact: FactName): readonly T[] => {
      let v = cache.get(fact) as T[] | undefined;
      if (v) return v;
      const reply = this.worker === owner && owner ? this.exchange({ kind: 'facts', id, fact }) : undefined;
      v = reply?.facts ? (JSON.parse(reply.facts) as T[]) : [];
      cache.set(fact, v);
      return v;
    };
    const empty = emptyResult(eager.files[0] ?? '', []);
    const sourceMap: SourceMap = empty.sourceMap;
    return {
      ...eager,
      // (The editor shows one diagnostic per place: the command line's repetitions stay in the worker.)
      printedMessages: eager.diagnostics,
      listing: [],
      sourceMap,
      get statements() { return fetch('statements'); },
      get references() { return fetch('references'); },
      get symbols() { return fetch('symbols'); },
    } as AssembleResult;
  }
}
