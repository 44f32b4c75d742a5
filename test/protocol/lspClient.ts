// A minimal LSP client for the protocol tests: spawns `node dist/server.js --stdio`, speaks JSON-RPC
// through vscode-jsonrpc, and lets tests wait for publishDiagnostics notifications (no sleeps).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-types';

export const SERVER = join(__dirname, '..', '..', 'dist', 'server.js');
/** The server's bundle, which entry `SERVER` loads: the script of its worker threads (the probe's, the assembler's). */
export const SERVER_BUNDLE = join(__dirname, '..', '..', 'dist', 'server-main.js');

let testCodeCache: string | undefined;
/**
 * The code cache folder of this test run's servers (core/src/startup/codeCache.ts): one of its own, not
 * the user's, made on first use (mode 700, as mkdtemp makes it) and removed when the run ends.
 */
export function testCodeCacheFolder(): string {
  if (testCodeCache === undefined) {
    const folder = mkdtempSync(join(tmpdir(), 'ringside-test-code-cache-'));
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    testCodeCache = folder;
  }
  return testCodeCache;
}

export interface PublishedDiagnostics {
  readonly uri: string;
  readonly version?: number;
  readonly diagnostics: Diagnostic[];
}

export class LspClient {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  readonly stderr: string[] = [];
  private exitCode: number | null | undefined;
  private readonly latest = new Map<string, PublishedDiagnostics>();
  private waiters: { uri: string; accept: (p: PublishedDiagnostics) => boolean; resolve: (p: PublishedDiagnostics) => void }[] = [];
  private readonly logMessages: string[] = [];
  private logWaiters: { pattern: RegExp; resolve: (message: string) => void }[] = [];
  private readonly shownMessages: string[] = [];
  /** The requests the server sent (but workspace/configuration), in order. */
  readonly requestsFromServer: { readonly method: string; readonly params: unknown }[] = [];
  private shownWaiters: { pattern: RegExp; resolve: (message: string) => void }[] = [];

  /** `args`: the server's arguments besides `--stdio`; by default, the test run's code cache. */
  constructor(args: readonly string[] = [`--code-cache=${testCodeCacheFolder()}`]) {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`node scripts/build.mjs\` first (npm test does)`);
    this.process = spawn(process.execPath, [SERVER, '--stdio', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr?.on('data', (b: Buffer) => this.stderr.push(b.toString()));
    this.process.on('exit', (code) => { this.exitCode = code; });
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      this.latest.set(p.uri, p);
      const ready = this.waiters.filter((w) => w.uri === p.uri && w.accept(p));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(p);
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logMessages.push(p.message);
      const ready = this.logWaiters.filter((w) => w.pattern.test(p.message));
      this.logWaiters = this.logWaiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(p.message);
    });
    this.connection.onNotification('window/showMessage', (p: { message: string }) => {
      this.shownMessages.push(p.message);
      const ready = this.shownWaiters.filter((w) => w.pattern.test(p.message));
      this.shownWaiters = this.shownWaiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(p.message);
    });
    this.connection.onNotification(() => undefined);
    this.connection.onRequest('workspace/configuration', () => [null]);
    this.connection.onRequest((method: string, params: unknown) => {
      this.requestsFromServer.push({ method, params });
      return null;
    });
    this.connection.listen();
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  get exitStatus(): number | null | undefined {
    return this.exitCode;
  }

  /** Every window/logMessage received so far. */
  get logs(): readonly string[] {
    return this.logMessages;
  }

  /** Resolves with the next (or already received) diagnostics for uri that satisfy accept. */
  diagnostics(uri: string, accept: (p: PublishedDiagnostics) => boolean = () => true, fromNowOn = true): Promise<PublishedDiagnostics> {
    const have = this.latest.get(uri);
    if (!fromNowOn && have && accept(have)) return Promise.resolve(have);
    return new Promise((resolve) => this.waiters.push({ uri, accept, resolve }));
  }

  /** The last diagnostics published for uri (undefined: none were). */
  latestFor(uri: string): PublishedDiagnostics | undefined {
    return this.latest.get(uri);
  }

  /** Resolves with the first (already received or future) window/logMessage matching pattern. */
  logMessage(pattern: RegExp): Promise<string> {
    const seen = this.logMessages.find((m) => pattern.test(m));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.logWaiters.push({ pattern, resolve }));
  }

  /** Every window/showMessage received so far. */
  get shown(): readonly string[] {
    return this.shownMessages;
  }

  /** Resolves with the first (already received or future) window/showMessage matching pattern. */
  shownMessage(pattern: RegExp): Promise<string> {
    const seen = this.shownMessages.find((m) => pattern.test(m));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.shownWaiters.push({ pattern, resolve }));
  }

  /** didOpen of `text` as a guest-asm document, version 1: resolves with its first diagnostics. */
  async open(uri: string, text: string): Promise<PublishedDiagnostics> {
    const published = this.diagnostics(uri, (p) => p.version === 1);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version: 1, text } });
    return published;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
      try {
        await this.request('shutdown', null);
        await this.notify('exit', null);
      } catch {
        this.process.kill();
      }
      await exited;
    }
    this.connection.dispose();
  }
}
