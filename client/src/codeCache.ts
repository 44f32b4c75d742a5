// Where the language server and the debug adapter keep their V8 code caches when the extension
// starts them (core/src/startup/codeCache.ts): in the extension's global storage, which VS Code
// keeps per user and removes with the extension.

import * as vscode from 'vscode';

/** The processes' argument naming the folder; none where the storage is no local folder. */
export function codeCacheArguments(context: vscode.ExtensionContext): string[] {
  const storage = context.globalStorageUri;
  return storage.scheme === 'file' ? [`--code-cache=${vscode.Uri.joinPath(storage, 'code-cache').fsPath}`] : [];
}
