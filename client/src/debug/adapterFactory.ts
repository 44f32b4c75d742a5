// How VS Code starts the Ringside debug adapter: `dist/debugAdapter.js` over stdio, run by the
// extension host's own executable with ELECTRON_RUN_AS_NODE=1 (so it is plain Node). Not inline:
// DESIGN.md §1 keeps the client from importing debug-adapter code, and a separate process also
// keeps a busy guest off the extension host's event loop.

import * as vscode from 'vscode';

export class RingsideAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  /** `args`: the adapter's own, after its path (its code cache's folder: ../codeCache.ts). */
  constructor(private readonly adapterPath: string, private readonly args: readonly string[] = []) {}

  createDebugAdapterDescriptor(): vscode.DebugAdapterDescriptor {
    return new vscode.DebugAdapterExecutable(process.execPath, [this.adapterPath, ...this.args], { env: { ELECTRON_RUN_AS_NODE: '1' } });
  }
}
