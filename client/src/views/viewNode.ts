// The views' tree elements as plain records (no VS Code types), so the models that build them
// from protocol responses are pure functions testable without an editor (STYLE.md §9).

export interface ViewNode {
  /** Stable across refreshes (TreeItem.id): VS Code keeps expansion and selection by it. */
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  /** A codicon name (`symbol-number`, `arrow-right`...). */
  readonly icon?: string;
  /** Drives `view/item/context` menus (`viewItem == ...`). */
  readonly contextValue?: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  /** Children known now; absent with `collapsible` set means they are fetched on expansion. */
  readonly children?: readonly ViewNode[];
  /** For entries that map memory: the first linear address, so "Show Page Walk" can start from it. */
  readonly linear?: number;
  /** For page-directory entries: the index to ask the adapter for, on expansion. */
  readonly pdeIndex?: number;
}

/** What a tree view shows besides its elements: a line under the title and a message above the tree. */
export interface ViewContent {
  readonly nodes: readonly ViewNode[];
  readonly description?: string;
  readonly message?: string;
}
