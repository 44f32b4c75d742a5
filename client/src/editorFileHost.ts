// The assembler's FileHost inside VS Code: open editor buffers first (unsaved edits count), then disk.

import * as vscode from 'vscode';
import type { FileHost, UNREADABLE_DIRECTORY } from '../../core/src/asm/api';
import { readIncbinBytes, readSourceText } from '../../core/src/host-files';

export class EditorFileHost implements FileHost {
  readFile(path: string): string | undefined {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path);
    if (open) return open.getText();
    // (As the command line reads files: a device or FIFO never holds the extension host.)
    return readSourceText(path);
  }

  readBinary(path: string): Uint8Array | typeof UNREADABLE_DIRECTORY | undefined {
    return readIncbinBytes(path);
  }
}
