// Which Ringside debug session the views show and whether its guest is stopped, learned only from
// the DAP traffic itself (a DebugAdapterTracker sees every message): `stopped` and `invalidated`
// events mean "read the state again", run requests and `continued` mean "running" — no polling
// (DESIGN.md §5, STYLE.md §9). Also keeps the `ringside.debugging` context key for viewsWelcome.

import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../../../core/src/protocol';

export type GuestState =
  | { readonly kind: 'none' }
  | { readonly kind: 'running'; readonly session: vscode.DebugSession }
  | { readonly kind: 'stopped'; readonly session: vscode.DebugSession };

/** Requests after which the guest runs until the next `stopped` event (DAP specification). */
const RUN_REQUESTS = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restart']);

interface DapMessage {
  readonly type?: string;
  readonly command?: string;
  readonly event?: string;
}

export class GuestSessionWatcher implements vscode.Disposable {
  private readonly states = new Map<string, GuestState>();
  private readonly changed = new vscode.EventEmitter<GuestState>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires with the state of the session the views show, whenever it changes. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, { createDebugAdapterTracker: (s) => this.tracker(s) }),
      vscode.debug.onDidChangeActiveDebugSession(() => this.publish()),
      vscode.debug.onDidTerminateDebugSession((s) => this.forget(s)),
    );
    void vscode.commands.executeCommand('setContext', 'ringside.debugging', false);
  }

  /** The state the views show: the active debug session's when it is a Ringside one, else the latest. */
  get state(): GuestState {
    const active = vscode.debug.activeDebugSession;
    if (active?.type === DEBUG_TYPE) return this.states.get(active.id) ?? { kind: 'none' };
    let last: GuestState = { kind: 'none' };
    for (const s of this.states.values()) last = s;
    return last;
  }

  /** The shown session when its guest is stopped (what commands that read state need). */
  get stoppedSession(): vscode.DebugSession | undefined {
    const s = this.state;
    return s.kind === 'stopped' ? s.session : undefined;
  }

  private tracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    this.states.set(session.id, { kind: 'running', session });
    this.publish();
    return {
      onWillReceiveMessage: (m: DapMessage) => {
        if (m.type === 'request' && m.command !== undefined && RUN_REQUESTS.has(m.command)) this.set(session, 'running');
      },
      onDidSendMessage: (m: DapMessage) => {
        if (m.type !== 'event') return;
        if (m.event === 'stopped') this.set(session, 'stopped');
        else if (m.event === 'continued') this.set(session, 'running');
        else if (m.event === 'invalidated' && this.states.get(session.id)?.kind === 'stopped') this.set(session, 'stopped');
        else if (m.event === 'terminated' || m.event === 'exited') this.forget(session);
      },
      onExit: () => this.forget(session),
    };
  }

  private set(session: vscode.DebugSession, kind: 'running' | 'stopped'): void {
    this.states.set(session.id, { kind, session });
    this.publish();
  }

  private forget(session: vscode.DebugSession): void {
    if (this.states.delete(session.id)) this.publish();
  }

  private publish(): void {
    const s = this.state;
    void vscode.commands.executeCommand('setContext', 'ringside.debugging', s.kind !== 'none');
    this.changed.fire(s);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
