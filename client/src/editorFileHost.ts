// The assembler's FileHost inside VS Code: open editor buffers first (unsaved edits count), then disk.

import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { FileHost } from '../../core/src/asm/api';

export class EditorFileHost implements FileHost {
  readFile(path: string): string | undefined {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
    if (open) return open.getText();
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  readBinary(path: string): Uint8Array | undefined {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  }
}
