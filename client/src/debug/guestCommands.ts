// The guest commands, registered through the extension's command registry: Run Guest (the bundled
// `ringside run` in a pseudoterminal, runTerminal.ts), Debug Guest (a launch of the active file), and Show Page Walk
// (`ringside/translate` for an address the user types or an entry picked in a view).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { TRANSLATE_REQUEST } from '../../../core/src/protocol';
import type { CommandRegistry } from '../commands';
import type { Config } from '../config';
import { hex32 } from '../views/hex';
import type { PageTablesView } from '../views/pageTablesView';
import { walkLines } from '../views/pageWalkModel';
import type { ViewNode } from '../views/viewNode';
import { translateArguments } from './addressInput';
import { activeGuestFile, saveGuestSources, type ProgramOf } from './configurationProvider';
import { ringsideRequest, requestError } from './customRequest';
import type { GuestSessionWatcher } from './guestSessionWatcher';
import { guestFileArgument, launchConfigFor } from './launchConfig';
import { ringsideRunArguments } from './runArguments';
import { RunTerminal } from './runTerminal';

export interface GuestCommandContext {
  readonly registry: CommandRegistry;
  readonly config: Config;
  /** Absolute path of the bundled CLI (dist/cli.js). */
  readonly cliPath: string;
  readonly watcher: GuestSessionWatcher;
  readonly pageTables: PageTablesView;
  readonly programOf: ProgramOf;
}

/**
 * The guest a command runs (the file it was given, else the active editor's), once the guest
 * sources edited and not saved are: the guest is assembled from the disk, its %include files too.
 */
async function savedGuestFile(arg: unknown, programOf: ProgramOf): Promise<string | undefined> {
  const given = guestFileArgument(arg) ?? activeGuestFile();
  // (An include file runs as the program that reads it.)
  const file = given === undefined ? undefined : await programOf(given);
  if (file === undefined) {
    void vscode.window.showErrorMessage('Ringside: open a saved guest assembly file (.gasm or .asm) first.');
    return undefined;
  }
  return (await saveGuestSources(file)) ? file : undefined;
}

function registerRunGuest(c: GuestCommandContext): void {
  const terminals = new Map<string, vscode.Terminal>();
  c.registry.track(vscode.window.onDidCloseTerminal((t) => {
    for (const [file, term] of terminals) if (term === t) terminals.delete(file);
  }));
  c.registry.register('ringside.runGuest', async (arg?: unknown) => {
    const file = await savedGuestFile(arg, c.programOf);
    if (file === undefined) return;
    terminals.get(file)?.dispose();
    const args = ringsideRunArguments(c.cliPath, file, c.config.includePaths(vscode.Uri.file(file)), c.config.assemblerArguments);
    // (From the workspace folder, which relative -I and -P names in the settings are taken from,
    // as `make` runs nasm from the project's top; `run` looks in the file's own directory first.)
    const cwd = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath ?? path.dirname(file);
    const terminal = vscode.window.createTerminal({
      name: `Ringside: ${path.basename(file)}`,
      pty: new RunTerminal({
        executable: process.execPath, args, cwd,
        title: ['ringside', ...args.slice(1)].join(' '),
      }),
      iconPath: new vscode.ThemeIcon('run'),
    });
    terminals.set(file, terminal);
    terminal.show(true);
  });
  c.registry.track({ dispose: () => { for (const t of terminals.values()) t.dispose(); terminals.clear(); } });
}

function registerDebugGuest(c: GuestCommandContext): void {
  c.registry.register('ringside.debugGuest', async (arg?: unknown) => {
    const file = await savedGuestFile(arg, c.programOf);
    if (file === undefined) return;
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
    await vscode.debug.startDebugging(folder, { ...launchConfigFor(file) });
  });
}

function isViewNode(v: unknown): v is ViewNode {
  return typeof v === 'object' && v !== null && typeof (v as ViewNode).id === 'string';
}

function registerShowPageWalk(c: GuestCommandContext): void {
  let lastInput = '';
  c.registry.register('ringside.showPageWalk', async (arg?: unknown) => {
    const session = c.watcher.stoppedSession;
    if (session === undefined) {
      void vscode.window.showErrorMessage('Ringside: the page walk reads the guest\'s page tables, so it needs a Ringside debug session stopped at a breakpoint or step.');
      return;
    }
    let input: string | undefined;
    if (isViewNode(arg) && arg.linear !== undefined) input = hex32(arg.linear);
    else if (typeof arg === 'string') input = arg;
    else {
      input = await vscode.window.showInputBox({
        title: 'Show Page Walk',
        prompt: 'Linear address (0xC0001000, 1000h) or expression (a label, esi+4, [esp])',
        value: lastInput,
        validateInput: (t) => { const a = translateArguments(t); return a.ok ? undefined : a.message; },
      });
    }
    if (input === undefined) return;
    const parsed = translateArguments(input);
    if (!parsed.ok) {
      void vscode.window.showErrorMessage(`Ringside: ${parsed.message}`);
      return;
    }
    lastInput = input.trim();
    try {
      const r = await ringsideRequest(session, TRANSLATE_REQUEST, parsed.args);
      await c.pageTables.showWalk(r, lastInput, parsed.args);
      await vscode.window.showQuickPick(walkLines(r).map((l) => ({ ...l })), { title: `Page walk of ${lastInput}`, matchOnDescription: true, matchOnDetail: true });
    } catch (e) {
      void vscode.window.showErrorMessage(`Ringside: could not walk ${lastInput}: ${requestError(e)}`);
    }
  });
}

export function registerGuestCommands(c: GuestCommandContext): void {
  registerRunGuest(c);
  registerDebugGuest(c);
  registerShowPageWalk(c);
}
