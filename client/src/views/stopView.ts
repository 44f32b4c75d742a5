// What the Page Tables and TLB views share: a tree read again at each stop of the session shown,
// a notice (after RUNNING_NOTICE_MS) while the guest runs, and a message node when a read fails.
// Only the latest update shows: a read that a later stop, run or end overtook is dropped.

import * as vscode from 'vscode';
import { requestError } from '../debug/customRequest';
import type { GuestSessionWatcher, GuestState } from '../debug/guestSessionWatcher';
import { messageNode, RUNNING_NOTICE_MS, toTreeItem } from './treeItems';
import type { ViewContent, ViewNode } from './viewNode';

export interface StopViewWords {
  /** What the view holds while the guest runs again, e.g. "entries" ("…; entries as of the last stop."). */
  readonly kept: string;
  /** The message node's id and label when a read fails. */
  readonly errorId: string;
  readonly errorLabel: string;
}

export abstract class StopView implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  protected readonly view: vscode.TreeView<ViewNode>;
  protected content: ViewContent | undefined;
  private subscription: vscode.Disposable | undefined;
  private ticket = 0;
  private runningTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(id: string, options: { readonly showCollapseAll?: boolean }, private readonly words: StopViewWords) {
    this.view = vscode.window.createTreeView(id, { treeDataProvider: this, ...options });
  }

  /** Follows `watcher`'s session from now on: a subclass calls it once its own fields are set. */
  protected follow(watcher: GuestSessionWatcher): void {
    this.subscription = watcher.onDidChange((s) => void this.update(s));
    void this.update(watcher.state);
  }

  /** No guest session is shown any more: what the view kept of the last one goes. */
  protected abstract ended(): void;

  /**
   * The view's content at a stop of `session`. The view's own state may change only while
   * `current()` holds (check it after each await); what is returned when it no longer does is dropped.
   */
  protected abstract read(session: vscode.DebugSession, current: () => boolean): Promise<ViewContent>;

  private async update(s: GuestState): Promise<void> {
    const ticket = ++this.ticket;
    const current = (): boolean => ticket === this.ticket;
    clearTimeout(this.runningTimer);
    if (s.kind === 'none') {
      this.ended();
      this.show(undefined, undefined);
      return;
    }
    if (s.kind === 'running') {
      if (this.content === undefined) this.view.message = 'Waiting for the guest to stop…';
      else this.runningTimer = setTimeout(() => { this.view.message = `The guest is running; ${this.words.kept} as of the last stop.`; }, RUNNING_NOTICE_MS);
      return;
    }
    try {
      const content = await this.read(s.session, current);
      if (current()) this.show(content, undefined);
    } catch (e) {
      if (current()) this.show({ nodes: [messageNode(this.words.errorId, this.words.errorLabel, requestError(e))] }, requestError(e));
    }
  }

  private show(content: ViewContent | undefined, error: string | undefined): void {
    this.content = content;
    this.view.description = content?.description;
    this.view.message = error ?? content?.message;
    this.refresh();
  }

  /** Asks the tree to read its elements again. */
  protected refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(n: ViewNode): vscode.TreeItem {
    return toTreeItem(n);
  }

  getChildren(n?: ViewNode): ViewNode[] | Promise<ViewNode[]> {
    return [...(n === undefined ? this.content?.nodes ?? [] : n.children ?? [])];
  }

  dispose(): void {
    clearTimeout(this.runningTimer);
    this.subscription?.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
