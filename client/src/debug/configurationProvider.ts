// The `ringside` debug configuration provider: snippets for a new launch.json, "Debug <file>" in
// the Run and Debug dropdown, and F5 without launch.json debugging the active guest file. Field
// checks live in launchConfig.ts; this file only adds what needs the editor (the active file, the
// settings, whether `program` exists after variable substitution).

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Config } from '../config';
import { initialConfigurations, isEmptyLaunchConfig, isGuestSource, launchConfigFor, resolveLaunchConfig } from './launchConfig';

/** The active editor's file when it is a saved guest source. */
export function activeGuestFile(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc === undefined || doc.uri.scheme !== 'file') return undefined;
  return doc.languageId === 'guest-asm' || isGuestSource(doc.uri.fsPath) ? doc.uri.fsPath : undefined;
}

/**
 * Saves the edited guest sources and `program`: a launch or a run assembles the text on disk, the
 * program's %include files too. False when a save failed (nothing is run then).
 */
export async function saveGuestSources(program: string): Promise<boolean> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isDirty && doc.uri.scheme === 'file' && (doc.languageId === 'guest-asm' || doc.uri.fsPath === program) && !(await doc.save())) return false;
  }
  return true;
}

/** The program a guest source is assembled in (the language server's answer): an include file's includer, else the file. */
export type ProgramOf = (file: string) => Promise<string>;

export class RingsideConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly config: Config, private readonly programOf: ProgramOf) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return initialConfigurations().map((c) => ({ ...c }));
  }

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, raw: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | null | undefined> {
    // (F5 without launch.json in an include file debugs the program that reads it; a launch.json
    // configuration names its program, and does not wait for the language server's answer.)
    const active = isEmptyLaunchConfig(raw) ? activeGuestFile() : undefined;
    const program = active === undefined ? undefined : await this.programOf(active);
    // (The settings' relative paths from the folder of the program debugged, or of launch.json.)
    const includePaths = this.config.includePaths(program !== undefined ? vscode.Uri.file(program) : folder?.uri);
    const r = resolveLaunchConfig(raw, { activeGuestFile: program, includePaths, assemblerArguments: this.config.assemblerArguments });
    if (!r.ok) {
      void vscode.window.showErrorMessage(`Ringside: ${r.message}`);
      // undefined aborts the launch; null aborts it and opens launch.json, so a configuration
      // with a mistake is shown where it can be fixed.
      return r.empty ? undefined : null;
    }
    return { ...r.config };
  }

  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, c: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const base = folder?.uri.fsPath ?? (c.program !== undefined ? path.dirname(String(c.program)) : undefined);
    const program = path.isAbsolute(String(c.program)) || base === undefined ? String(c.program) : path.join(base, String(c.program));
    if (!existsSync(program)) {
      void vscode.window.showErrorMessage(`Ringside: the guest program ${program} does not exist.`);
      return undefined;
    }
    if (!(await saveGuestSources(program))) return undefined;
    // Relative paths (`includePaths`, -I and -P in `assemblerArguments`) are taken from `cwd`: the
    // workspace folder unless the configuration names one, as the settings' are.
    const cwd = c.cwd ?? folder?.uri.fsPath;
    return { ...c, program, ...(cwd === undefined ? {} : { cwd }) };
  }
}

/** Offers "Debug <active file>" in the Run and Debug dropdown (a dynamic configuration). */
export class ActiveFileConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly programOf: ProgramOf) {}

  async provideDebugConfigurations(): Promise<vscode.DebugConfiguration[]> {
    const file = activeGuestFile();
    return file === undefined ? [] : [{ ...launchConfigFor(await this.programOf(file)) }];
  }
}
