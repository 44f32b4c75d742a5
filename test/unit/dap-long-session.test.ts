// A debug session keeps no memory per request: the adapter, driven in process over streams as VS
// Code drives it, answers thousands of requests and its heap ends where it began. (It once kept every
// message it sent: the library's LoggingDebugSession queues each, written out as JSON, for a logger
// nobody sets up.)
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RingsideDebugSession } from '../../debug-adapter/src/session';
import { dapFrame, DapFrameReader } from '../support/dap-frames';

const SPIN = path.join(__dirname, '..', 'fixtures', 'dap', 'spin.gasm');

/** A client on the session's streams: requests by command, their responses, and events by name. */
class InProcessClient {
  private readonly toAdapter = new PassThrough();
  private readonly fromAdapter = new PassThrough();
  private readonly reader = new DapFrameReader((m) => this.message(m as DebugProtocol.ProtocolMessage));
  private seq = 1;
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  private readonly waiting = new Map<string, () => void>();

  constructor(session: RingsideDebugSession) {
    session.start(this.toAdapter, this.fromAdapter);
    this.fromAdapter.on('data', (chunk: Buffer) => this.reader.push(chunk));
  }

  request(command: string, args: object = {}): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    const body = JSON.stringify({ seq, type: 'request', command, arguments: args });
    // (Set first: the session may answer within the write.)
    const answered = new Promise<DebugProtocol.Response>((resolve) => this.pending.set(seq, resolve));
    this.toAdapter.write(dapFrame(body));
    return answered;
  }

  async ok(command: string, args: object = {}): Promise<DebugProtocol.Response> {
    const r = await this.request(command, args);
    assert.ok(r.success, `${command}: ${r.message}`);
    return r;
  }

  event(name: string): Promise<void> {
    return new Promise((resolve) => this.waiting.set(name, resolve));
  }

  private message(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === 'response') {
      const r = message as DebugProtocol.Response;
      this.pending.get(r.request_seq)?.(r);
      this.pending.delete(r.request_seq);
    } else if (message.type === 'event') {
      const name = (message as DebugProtocol.Event).event;
      this.waiting.get(name)?.();
      this.waiting.delete(name);
    }
  }
}

describe('debug adapter: a long session', () => {
  it('keeps no memory per request answered', async function () {
    this.timeout(60_000);
    // (A collection on demand: the heap's size before and after is the measure.)
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const session = new RingsideDebugSession();
    // (As a server's sessions are: its end leaves the process, mocha's here, running.)
    session.setRunAsServer(true);
    const client = new InProcessClient(session);
    await client.ok('initialize', { adapterID: 'ringside', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const initialized = client.event('initialized');
    await client.ok('launch', { program: SPIN, stopOnEntry: true });
    await initialized;
    const stopped = client.event('stopped');
    await client.ok('configurationDone');
    await stopped;
    const inspect = async (): Promise<void> => {
      const trace = await client.ok('stackTrace', { threadId: 1 }) as DebugProtocol.StackTraceResponse;
      const scopes = await client.ok('scopes', { frameId: trace.body.stackFrames[0].id }) as DebugProtocol.ScopesResponse;
      for (const s of scopes.body.scopes) await client.ok('variables', { variablesReference: s.variablesReference });
      // 64 KiB of guest memory: ~87 KB of base64 in the response.
      await client.ok('readMemory', { memoryReference: '0x100000', count: 0x10000 });
    };
    await inspect();
    collect();
    const before = process.memoryUsage().heapUsed;
    const rounds = 300;
    for (let i = 0; i < rounds; i++) {
      const next = client.event('stopped');
      await client.ok('next', { threadId: 1 });
      await next;
      await inspect();
    }
    collect();
    const grown = process.memoryUsage().heapUsed - before;
    // Kept, the responses alone would be over 26 MB (300 × 87 KB).
    assert.ok(grown < 8e6, `the heap grew by ${(grown / 1e6).toFixed(1)} MB over ${rounds} stops`);
    await client.ok('disconnect', { terminateDebuggee: true });
  });
});
