// The Page Tables view (Run and Debug container): the guest's page directory from
// `ringside/pageTables`, each directory entry expanding to its page table through the same
// request with `pdeIndex`; on top, the walk of the address last asked for ("Show Page Walk"),
// walked again at every stop. Everything is read again only when the shown session stops.

import * as vscode from 'vscode';
import { PAGE_TABLES_REQUEST, TRANSLATE_REQUEST, type TranslateArguments, type TranslateResponse } from '../../../core/src/protocol';
import { ringsideRequest, requestError } from '../debug/customRequest';
import type { GuestSessionWatcher, GuestState } from '../debug/guestSessionWatcher';
import { directoryContent, tableNodes, type PagingSpace } from './pageTablesModel';
import { walkNode } from './pageWalkModel';
import { messageNode, RUNNING_NOTICE_MS, toTreeItem } from './treeItems';
import type { ViewContent, ViewNode } from './viewNode';

export const PAGE_TABLES_VIEW = 'ringside.pageTables';

interface ChosenWalk {
  readonly origin: string;
  readonly args: TranslateArguments;
  readonly node: ViewNode | undefined;
}

export class PageTablesView implements vscode.TreeDataProvider<ViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<ViewNode>;
  private readonly subscription: vscode.Disposable;
  private content: ViewContent | undefined;
  private space: PagingSpace = 'guest';
  private walk: ChosenWalk | undefined;
  /** Page tables fetched since the last stop, by directory index. */
  private readonly tables = new Map<number, Promise<ViewNode[]>>();
  private session: vscode.DebugSession | undefined;
  private ticket = 0;
  private runningTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(watcher: GuestSessionWatcher) {
    this.view = vscode.window.createTreeView(PAGE_TABLES_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.subscription = watcher.onDidChange((s) => void this.update(s));
    void this.update(watcher.state);
  }

  private async update(s: GuestState): Promise<void> {
    const ticket = ++this.ticket;
    clearTimeout(this.runningTimer);
    if (s.kind === 'none') {
      this.session = undefined;
      this.walk = undefined;
      this.show(undefined, undefined);
      return;
    }
    if (s.kind === 'running') {
      if (this.content === undefined) this.view.message = 'Waiting for the guest to stop…';
      else this.runningTimer = setTimeout(() => { this.view.message = 'The guest is running; tables as of the last stop.'; }, RUNNING_NOTICE_MS);
      return;
    }
    if (this.session !== undefined && this.session.id !== s.session.id) this.walk = undefined;
    this.session = s.session;
    try {
      const [r, walk] = await Promise.all([
        ringsideRequest(s.session, PAGE_TABLES_REQUEST, { space: this.space }),
        this.walk !== undefined ? this.translate(s.session, this.walk.args).catch(() => undefined) : Promise.resolve(undefined),
      ]);
      if (ticket !== this.ticket) return;
      this.tables.clear();
      this.space = r.space;
      if (this.walk !== undefined) this.walk = { ...this.walk, node: walk !== undefined ? walkNode(walk, this.walk.origin) : undefined };
      this.show(directoryContent(r), undefined);
    } catch (e) {
      if (ticket !== this.ticket) return;
      this.show({ nodes: [messageNode('pageTables:error', 'Could not read the page tables', requestError(e))] }, requestError(e));
    }
  }

  private translate(session: vscode.DebugSession, args: TranslateArguments): Promise<TranslateResponse> {
    return ringsideRequest(session, TRANSLATE_REQUEST, args);
  }

  private show(content: ViewContent | undefined, error: string | undefined): void {
    this.content = content;
    this.view.description = content?.description;
    this.view.message = error ?? content?.message;
    this.changed.fire(undefined);
  }

  /** Puts a walk on top of the view (kept, and walked again, at later stops) and reveals it. */
  async showWalk(r: TranslateResponse, origin: string, args: TranslateArguments): Promise<void> {
    const node = walkNode(r, origin);
    this.walk = { origin, args, node };
    this.changed.fire(undefined);
    if (this.view.visible) await this.view.reveal(node, { expand: true, focus: false, select: false });
  }

  getTreeItem(n: ViewNode): vscode.TreeItem {
    return toTreeItem(n);
  }

  /** Only the walk is ever revealed, and it sits at the root. */
  getParent(_n: ViewNode): ViewNode | undefined {
    return undefined;
  }

  getChildren(n?: ViewNode): ViewNode[] | Promise<ViewNode[]> {
    if (n === undefined) {
      if (this.content === undefined) return [];
      return this.walk?.node !== undefined ? [this.walk.node, ...this.content.nodes] : [...this.content.nodes];
    }
    if (n.children !== undefined) return [...n.children];
    if (n.pdeIndex === undefined || this.session === undefined) return [];
    return this.table(this.session, n.pdeIndex);
  }

  private table(session: vscode.DebugSession, pdeIndex: number): Promise<ViewNode[]> {
    let pending = this.tables.get(pdeIndex);
    if (pending === undefined) {
      const space = this.space;
      pending = ringsideRequest(session, PAGE_TABLES_REQUEST, { space, pdeIndex }).then(
        (r) => (r.table !== undefined && r.table.pdeIndex === pdeIndex ? tableNodes(space, pdeIndex, r.table.entries) : []),
        (e: unknown) => [messageNode(`pageTables:${space}:error:${pdeIndex}`, 'Could not read this page table', requestError(e))],
      );
      this.tables.set(pdeIndex, pending);
    }
    return pending;
  }

  dispose(): void {
    clearTimeout(this.runningTimer);
    this.subscription.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
