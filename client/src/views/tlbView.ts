// The TLB view (Run and Debug container): entries and counters from `ringside/tlb`, read again at
// every stop of the shown session and shown with the change since the previous stop.

import * as vscode from 'vscode';
import { TLB_REQUEST, type TlbResponse } from '../../../core/src/protocol';
import { ringsideRequest, requestError } from '../debug/customRequest';
import type { GuestSessionWatcher, GuestState } from '../debug/guestSessionWatcher';
import { tlbContent } from './tlbModel';
import { messageNode, RUNNING_NOTICE_MS, toTreeItem } from './treeItems';
import type { ViewContent, ViewNode } from './viewNode';

export const TLB_VIEW = 'ringside.tlb';

export class TlbView implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<ViewNode>;
  private readonly subscription: vscode.Disposable;
  private content: ViewContent | undefined;
  private previous: { readonly sessionId: string; readonly response: TlbResponse } | undefined;
  private ticket = 0;
  private runningTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(watcher: GuestSessionWatcher) {
    this.view = vscode.window.createTreeView(TLB_VIEW, { treeDataProvider: this });
    this.subscription = watcher.onDidChange((s) => void this.update(s));
    void this.update(watcher.state);
  }

  private async update(s: GuestState): Promise<void> {
    const ticket = ++this.ticket;
    clearTimeout(this.runningTimer);
    if (s.kind === 'none') {
      this.previous = undefined;
      this.show(undefined, undefined);
      return;
    }
    if (s.kind === 'running') {
      if (this.content === undefined) this.view.message = 'Waiting for the guest to stop…';
      else this.runningTimer = setTimeout(() => { this.view.message = 'The guest is running; entries as of the last stop.'; }, RUNNING_NOTICE_MS);
      return;
    }
    try {
      const r = await ringsideRequest(s.session, TLB_REQUEST, {});
      if (ticket !== this.ticket) return;
      const before = this.previous?.sessionId === s.session.id ? this.previous.response : undefined;
      this.previous = { sessionId: s.session.id, response: r };
      this.show(tlbContent(r, before), undefined);
    } catch (e) {
      if (ticket !== this.ticket) return;
      this.show({ nodes: [messageNode('tlb:error', 'Could not read the TLB', requestError(e))] }, requestError(e));
    }
  }

  private show(content: ViewContent | undefined, error: string | undefined): void {
    this.content = content;
    this.view.description = content?.description;
    this.view.message = error ?? content?.message;
    this.changed.fire(undefined);
  }

  getTreeItem(n: ViewNode): vscode.TreeItem {
    return toTreeItem(n);
  }

  getChildren(n?: ViewNode): ViewNode[] {
    return [...(n === undefined ? this.content?.nodes ?? [] : n.children ?? [])];
  }

  dispose(): void {
    clearTimeout(this.runningTimer);
    this.subscription.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
