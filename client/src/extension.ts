// The Ringside extension entry point: starts the language server (dist/server.js over IPC) and
// registers the commands, the debugger and its views. Everything it registers is a tracked disposable.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { codeCacheArguments } from './codeCache';
import { CommandRegistry, preprocessDocument, registerCommands } from './commands';
import { Config } from './config';
import { registerDebugging } from './debug/registerDebugging';
import { LISTING_SCHEME, ListingProvider } from './listing';
import { PREPROCESSED_SCHEME, PreprocessedProvider } from './preprocessed';
import { WATCHED_GLOB } from '../../core/src/watched-sources';
import { PROGRAM_REQUEST } from '../../core/src/protocol';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = new Config();
  const registry = new CommandRegistry();
  context.subscriptions.push(registry);
  const listings = registry.track(new ListingProvider());
  registry.track(vscode.workspace.registerTextDocumentContentProvider(LISTING_SCHEME, listings));
  const preprocessed = registry.track(new PreprocessedProvider((doc) => preprocessDocument(doc, config)));
  registry.track(vscode.workspace.registerTextDocumentContentProvider(PREPROCESSED_SCHEME, preprocessed));
  registry.track(vscode.workspace.onDidChangeTextDocument((e) => preprocessed.sourceChanged(e.document)));
  registerCommands(registry, config, listings, preprocessed, programOf);
  // Before the language server starts, so debugging works even if the server cannot.
  registerDebugging(context, registry, config, programOf);

  const module = context.asAbsolutePath('dist/server.js');
  const args = codeCacheArguments(context);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, args },
    debug: { module, transport: TransportKind.ipc, args, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Files and unsaved editors: not the listing's and the preprocessed text's read-only views,
    // which are guest-asm too (for their colours) but no source to analyse.
    documentSelector: [{ scheme: 'file', language: 'guest-asm' }, { scheme: 'untitled', language: 'guest-asm' }],
    synchronize: {
      configurationSection: Config.section,
      // (The server asks for the other files the programs read: see core/src/watched-sources.ts.)
      fileEvents: registry.track(vscode.workspace.createFileSystemWatcher(WATCHED_GLOB)),
    },
    initializationOptions: { settings: config.serverSettings() },
    middleware: {
      // Only items with `data` (mnemonics, keywords, registers) have documentation to fetch. Any
      // other is whole as sent: asking the server again would only race the list's end (taking
      // a folder's item opens the next list, and a late answer for the old one is an error).
      resolveCompletionItem: (item, token, next) => ((item as { data?: unknown }).data === undefined ? item : next(item, token)),
    },
  };
  client = new LanguageClient('ringside', 'Ringside Language Server', serverOptions, clientOptions);
  await client.start();
}

/**
 * The program `file` is assembled in, as the language server has it (PROGRAM_REQUEST): the program
 * an include file is read in; the file itself when it is one, or when the server cannot say.
 */
async function programOf(file: string): Promise<string> {
  const c = client;
  if (c === undefined || !c.isRunning()) return file;
  try {
    const r = await c.sendRequest<{ uri: string } | null>(PROGRAM_REQUEST, { textDocument: { uri: vscode.Uri.file(file).toString() } });
    const program = r === null ? undefined : vscode.Uri.parse(r.uri);
    return program?.scheme === 'file' ? program.fsPath : file;
  } catch {
    return file;
  }
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
