// The Rings view (Run and Debug container): a webview drawing rings 0–3 with the CPU's current
// ring, redrawn from `ringside/rings` at every stop of the shown session; what ran in each ring is
// remembered across the session's stops.

import * as vscode from 'vscode';
import { RINGS_REQUEST } from '../../../core/src/protocol';
import { ringsideRequest, requestError } from '../debug/customRequest';
import type { GuestSessionWatcher, GuestState } from '../debug/guestSessionWatcher';
import { ringsHtml, ringsMessageHtml } from './ringsHtml';
import { EMPTY_HISTORY, recordRings, ringsPicture, type RingHistory, type RingsPicture } from './ringsModel';
import { RUNNING_NOTICE_MS } from './treeItems';

export const RINGS_VIEW = 'ringside.rings';

const NO_SESSION = 'Start debugging a guest (Ringside: Debug Guest, or F5 on a .gasm file) to see which privilege ring the CPU runs in.';

export class RingsView implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private webview: vscode.Webview | undefined;
  private picture: RingsPicture | undefined;
  private note = NO_SESSION;
  private history: { readonly sessionId: string; readonly rings: RingHistory } | undefined;
  private running = false;
  private ticket = 0;
  private runningTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(watcher: GuestSessionWatcher) {
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(RINGS_VIEW, this),
      watcher.onDidChange((s) => void this.update(s)),
    );
    void this.update(watcher.state);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = { enableScripts: false, localResourceRoots: [] };
    this.webview = view.webview;
    view.onDidDispose(() => { if (this.webview === view.webview) this.webview = undefined; });
    this.render();
  }

  private async update(s: GuestState): Promise<void> {
    const ticket = ++this.ticket;
    clearTimeout(this.runningTimer);
    this.running = false;
    if (s.kind === 'none') {
      this.picture = undefined;
      this.history = undefined;
      this.note = NO_SESSION;
      this.render();
      return;
    }
    if (s.kind === 'running') {
      if (this.picture === undefined) {
        this.note = 'Waiting for the guest to stop…';
        this.render();
      } else {
        this.runningTimer = setTimeout(() => { this.running = true; this.render(); }, RUNNING_NOTICE_MS);
      }
      return;
    }
    try {
      const r = await ringsideRequest(s.session, RINGS_REQUEST, {});
      if (ticket !== this.ticket) return;
      const before = this.history?.sessionId === s.session.id ? this.history.rings : EMPTY_HISTORY;
      const rings = recordRings(before, r);
      this.history = { sessionId: s.session.id, rings };
      this.picture = ringsPicture(r, rings);
    } catch (e) {
      if (ticket !== this.ticket) return;
      this.picture = undefined;
      this.note = `Could not read the rings: ${requestError(e)}`;
    }
    this.render();
  }

  private render(): void {
    const w = this.webview;
    if (w === undefined) return;
    w.html = this.picture !== undefined ? ringsHtml(this.picture, w.cspSource, this.running ? 'The guest is running; this is the picture at the last stop.' : undefined) : ringsMessageHtml(this.note, w.cspSource);
  }

  dispose(): void {
    clearTimeout(this.runningTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
