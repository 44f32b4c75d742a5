// Every `ringside.*` setting the extension reads, typed, in one place (STYLE.md §10).

import * as vscode from 'vscode';
import type { AssemblerFlags } from '../../core/src/asm/api';
import { readAssemblerArguments } from '../../core/src/cli/assembler-arguments';
import { TECHNIQUES, type Technique } from '../../core/src/isa/types';

export class Config {
  static readonly section = 'ringside';

  private get raw(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(Config.section);
  }

  get technique(): Technique {
    const t = this.raw.get<string>('technique', 'native');
    return (TECHNIQUES as readonly string[]).includes(t) ? (t as Technique) : 'native';
  }

  /**
   * The folder relative paths of the settings are taken from for `resource`: its own workspace
   * folder (one of several in a multi-root workspace), else the first.
   */
  private baseFor(resource?: vscode.Uri): string | undefined {
    return (resource !== undefined ? vscode.workspace.getWorkspaceFolder(resource) : undefined)?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  /** `-I` directories, resolved against the workspace folder of `resource` (see baseFor). */
  includePaths(resource?: vscode.Uri): string[] {
    const base = this.baseFor(resource);
    return this.raw.get<string[]>('includePaths', []).map((p) => (base && !p.startsWith('/') && !/^[a-z]:[\\/]/i.test(p) ? vscode.Uri.joinPath(vscode.Uri.file(base), p).fsPath : p));
  }

  /** `ringside.assembler.arguments`: nasm flags as on its command line (relative -I/-P names: from the workspace folder). */
  get assemblerArguments(): string[] {
    const v = this.raw.get<unknown>('assembler.arguments', []);
    return Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string') : [];
  }

  /**
   * What the client's own assemblies (Assemble, Show Listing, Show Preprocessed) of `resource` are
   * run with: `ringside.assembler.arguments` read as `ringside asm` reads them, relative -I/-P
   * names from its workspace folder (see baseFor), its -I directories before `includePaths`' (the
   * language server's order). Flags left out are the language server's to report.
   */
  assembly(resource?: vscode.Uri): AssemblerFlags {
    const { flags } = readAssemblerArguments(this.assemblerArguments, this.baseFor(resource));
    return { ...flags, includePaths: [...flags.includePaths ?? [], ...this.includePaths(resource)] };
  }

  get inlayHintAddresses(): boolean {
    return this.raw.get<boolean>('inlayHints.addresses', true);
  }

  get lowercaseMnemonics(): boolean {
    return this.raw.get<boolean>('format.lowercaseMnemonics', false);
  }

  get traceServer(): 'off' | 'messages' | 'verbose' {
    return this.raw.get<'off' | 'messages' | 'verbose'>('trace.server', 'off');
  }

  /** The whole section, as the language server's initializationOptions.settings expects it. */
  serverSettings(): unknown {
    return this.raw;
  }

  affects(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration(Config.section);
  }
}
