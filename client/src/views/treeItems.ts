// ViewNode → vscode.TreeItem, the one place the plain view models meet the tree API.

import * as vscode from 'vscode';
import type { ViewNode } from './viewNode';

const COLLAPSIBLE: Record<ViewNode['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function toTreeItem(n: ViewNode): vscode.TreeItem {
  const item = new vscode.TreeItem(n.label, COLLAPSIBLE[n.collapsible]);
  item.id = n.id;
  item.description = n.description;
  item.tooltip = n.tooltip;
  item.contextValue = n.contextValue;
  if (n.icon !== undefined) item.iconPath = new vscode.ThemeIcon(n.icon);
  return item;
}

/** A tree's only element when it has nothing else to say (e.g. a request failed). */
export function messageNode(id: string, label: string, tooltip?: string): ViewNode {
  return { id, label, tooltip, icon: 'warning', collapsible: 'none' };
}

/** Delay before a view says "running": single steps finish well within it, so views do not flicker. */
export const RUNNING_NOTICE_MS = 300;
