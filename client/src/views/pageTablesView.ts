// The Page Tables view (Run and Debug container): the guest's page directory from
// `ringside/pageTables`, each directory entry expanding to its page table through the same
// request with `pdeIndex`; on top, the walk of the address last asked for ("Show Page Walk"),
// walked again at every stop. Everything is read again only when the shown session stops.

import * as vscode from 'vscode';
import { PAGE_TABLES_REQUEST, TRANSLATE_REQUEST, type TranslateArguments, type TranslateResponse } from '../../../core/src/protocol';
import { ringsideRequest, requestError } from '../debug/customRequest';
import type { GuestSessionWatcher } from '../debug/guestSessionWatcher';
import { directoryContent, tableNodes, type PagingSpace } from './pageTablesModel';
import { walkNode } from './pageWalkModel';
import { StopView } from './stopView';
import { messageNode } from './treeItems';
import type { ViewContent, ViewNode } from './viewNode';

export const PAGE_TABLES_VIEW = 'ringside.pageTables';

interface ChosenWalk {
  readonly origin: string;
  readonly args: TranslateArguments;
  readonly node: ViewNode | undefined;
}

export class PageTablesView extends StopView {
  private space: PagingSpace = 'guest';
  private walk: ChosenWalk | undefined;
  /** Page tables fetched since the last stop, by directory index. */
  private readonly tables = new Map<number, Promise<ViewNode[]>>();
  private session: vscode.DebugSession | undefined;

  constructor(watcher: GuestSessionWatcher) {
    super(PAGE_TABLES_VIEW, { showCollapseAll: true }, { kept: 'tables', errorId: 'pageTables:error', errorLabel: 'Could not read the page tables' });
    this.follow(watcher);
  }

  protected ended(): void {
    this.session = undefined;
    this.walk = undefined;
  }

  protected async read(session: vscode.DebugSession, current: () => boolean): Promise<ViewContent> {
    if (this.session !== undefined && this.session.id !== session.id) this.walk = undefined;
    this.session = session;
    const [r, walk] = await Promise.all([
      ringsideRequest(session, PAGE_TABLES_REQUEST, { space: this.space }),
      this.walk !== undefined ? this.translate(session, this.walk.args).catch(() => undefined) : Promise.resolve(undefined),
    ]);
    if (current()) {
      this.tables.clear();
      this.space = r.space;
      if (this.walk !== undefined) this.walk = { ...this.walk, node: walk !== undefined ? walkNode(walk, this.walk.origin) : undefined };
    }
    return directoryContent(r);
  }

  private translate(session: vscode.DebugSession, args: TranslateArguments): Promise<TranslateResponse> {
    return ringsideRequest(session, TRANSLATE_REQUEST, args);
  }

  /** Puts a walk on top of the view (kept, and walked again, at later stops) and reveals it. */
  async showWalk(r: TranslateResponse, origin: string, args: TranslateArguments): Promise<void> {
    const node = walkNode(r, origin);
    this.walk = { origin, args, node };
    this.refresh();
    if (this.view.visible) await this.view.reveal(node, { expand: true, focus: false, select: false });
  }

  /** Only the walk is ever revealed, and it sits at the root. */
  getParent(_n: ViewNode): ViewNode | undefined {
    return undefined;
  }

  override getChildren(n?: ViewNode): ViewNode[] | Promise<ViewNode[]> {
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
}
