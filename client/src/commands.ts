// The extension's commands, registered through one registry whose disposables the extension
// context owns (STYLE.md §10): assemble the active file to a `.bin`, show its listing, or show it
// preprocessed as `nasm -E` prints it. Commands that act on the active guest file also take that
// file's URI (code lenses, explorer menus).

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { namesFromDirectory, renderListing } from '../../core/src/asm/index';
import type { AssembleResult, Diagnostic as AsmDiagnostic } from '../../core/src/asm/api';
import { warningClass } from '../../core/src/asm/warning-switches';
import { resolveLimits } from '../../core/src/asm/limits';
import type { Config } from './config';
import { assembleForCommand, preprocessForCommand } from './commandRuns';
import { EditorFileHost } from './editorFileHost';
import type { ListingProvider } from './listing';
import type { PreprocessedProvider } from './preprocessed';
import type { ProgramOf } from './debug/configurationProvider';

/**
 * Commands that work on the active guest file. Given a file URI as their first argument — the
 * language server's "▶ Run guest | ⚙ Debug guest" lenses pass the document's URI as a string — the
 * registry brings that file to the front first, so the handler acts on it and not on whichever
 * editor happened to be active.
 */
const FILE_COMMANDS: ReadonlySet<string> = new Set(['ringside.assemble', 'ringside.showListing', 'ringside.showPreprocessed', 'ringside.runGuest', 'ringside.debugGuest']);

/** A URI passed as a command argument: a vscode.Uri, or its string form (`file:///…`). */
export function fileArgument(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg !== 'string' || !/^[a-z][a-z0-9+.-]+:\/\//i.test(arg)) return undefined;
  try {
    return vscode.Uri.parse(arg, true);
  } catch {
    return undefined;
  }
}

/** Shows `uri` in an editor unless it is already the active one; false when it cannot be opened. */
async function bringToFront(uri: vscode.Uri): Promise<boolean> {
  if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()) return true;
  try {
    await vscode.window.showTextDocument(uri, { preview: false });
    return true;
  } catch (e) {
    void vscode.window.showErrorMessage(`Ringside: cannot open ${uri.fsPath || uri.toString()}: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}

export class CommandRegistry implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  register(id: string, handler: (...args: unknown[]) => unknown): void {
    const run = FILE_COMMANDS.has(id)
      ? async (...args: unknown[]): Promise<unknown> => {
        const uri = fileArgument(args[0]);
        if (uri !== undefined && !(await bringToFront(uri))) return undefined;
        return handler(...args);
      }
      : handler;
    this.disposables.push(vscode.commands.registerCommand(id, run));
  }

  track<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

const SEVERITY: Record<AsmDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/**
 * The program the active editor's guest source is assembled in: the source itself, or for an
 * include file the program that reads it (the language server's answer), opened as a document.
 */
async function activeSource(programOf: ProgramOf): Promise<vscode.TextDocument | undefined> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'guest-asm') {
    void vscode.window.showErrorMessage('Ringside: open a guest assembly file first.');
    return undefined;
  }
  if (doc.uri.scheme !== 'file') return doc;
  const program = await programOf(doc.uri.fsPath);
  return program === doc.uri.fsPath ? doc : vscode.workspace.openTextDocument(vscode.Uri.file(program));
}

function documentFile(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
}

function assembleDocument(doc: vscode.TextDocument, config: Config): AssembleResult {
  return assembleForCommand({ ...config.assembly(doc.uri), file: documentFile(doc), text: doc.getText(), host: new EditorFileHost() });
}

/**
 * `doc` as `nasm -E` prints it, run in the file's directory: the text the "Show Preprocessed
 * Source" document shows, and the files it read (the source and what it includes).
 */
export function preprocessDocument(doc: vscode.TextDocument, config: Config): { readonly text: string; readonly files: readonly string[] } {
  const file = documentFile(doc);
  const host = new EditorFileHost();
  const dir = path.dirname(file);
  const flags = config.assembly(doc.uri);
  const result = preprocessForCommand({
    file, text: doc.getText(), readFile: (p) => host.readFile(p), includePaths: flags.includePaths ?? [], defines: flags.defines ?? {},
    prelude: flags.prelude, noLine: flags.noLine, warnings: flags.warnings, limits: resolveLimits(flags.limits),
    nameOf: namesFromDirectory(dir, file, path.basename(file)),
  });
  return { text: result.text, files: result.pp.files };
}

function showProblems(result: AssembleResult, problems: vscode.DiagnosticCollection): number {
  problems.clear();
  const byFile = new Map<string, vscode.Diagnostic[]>();
  let errors = 0;
  for (const d of result.diagnostics) {
    const range = new vscode.Range(d.range.start.line, d.range.start.col, d.range.end.line, d.range.end.col);
    const diag = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
    // A warning by its nasm class, the name `[warning -CLASS]` takes (as the language server's Problems show it).
    diag.code = d.severity === 'warning' ? warningClass(d.code, d.message) : d.code;
    diag.source = 'ringside assemble';
    if (d.severity === 'error') errors++;
    const list = byFile.get(d.range.file) ?? [];
    list.push(diag);
    byFile.set(d.range.file, list);
  }
  for (const [file, list] of byFile) problems.set(/^[a-z][a-z0-9+.-]+:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(file), list);
  return errors;
}

export function registerCommands(registry: CommandRegistry, config: Config, listings: ListingProvider, preprocessed: PreprocessedProvider, programOf: ProgramOf): void {
  const problems = registry.track(vscode.languages.createDiagnosticCollection('ringside-assemble'));

  registry.register('ringside.assemble', async () => {
    const doc = await activeSource(programOf);
    if (!doc) return;
    const result = assembleDocument(doc, config);
    const errors = showProblems(result, problems);
    if (errors > 0) {
      void vscode.window.showErrorMessage(`Ringside: ${errors} error${errors === 1 ? '' : 's'}; see the Problems view.`);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      return;
    }
    if (doc.uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Ringside: save the file first; the binary is written next to it.');
      return;
    }
    const out = doc.uri.fsPath.replace(/\.[^./\\]*$/, '') + '.bin';
    writeFileSync(out, result.image);
    void vscode.window.showInformationMessage(`Ringside: wrote ${result.image.length} bytes to ${vscode.workspace.asRelativePath(out)}.`);
  });

  registry.register('ringside.showListing', async () => {
    const doc = await activeSource(programOf);
    if (!doc) return;
    const result = assembleDocument(doc, config);
    showProblems(result, problems);
    const uri = listings.publish(doc.uri, renderListing(result.listing));
    const listing = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(listing, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  });

  registry.register('ringside.showPreprocessed', async () => {
    const doc = await activeSource(programOf);
    if (!doc) return;
    const shown = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(preprocessed.publish(doc.uri)), 'guest-asm');
    await vscode.window.showTextDocument(shown, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  });
}
