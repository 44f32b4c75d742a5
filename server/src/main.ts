// The Ringside language server: connection wiring only. Each handler is one call into a pure
// feature function (features/*.ts) over the cached analysis of the document (STYLE.md §8).
// Started as `node dist/server.js --stdio`, or over IPC by the extension: that entry (entry.ts)
// loads this bundle (dist/server-main.js) and calls startServer.

import './analysis/probeWorker';
import { basename, dirname } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, FileChangeType,
  ResponseError, ErrorCodes, LSPErrorCodes, ShowMessageNotification, MessageType, CodeLensRefreshRequest, DidChangeWatchedFilesNotification, type InitializeResult, type Diagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CallHierarchyItem, CompletionItem, FormattingOptions, RenameFilesParams, SemanticTokens, SemanticTokensDelta, PrepareRenameParams, PrepareRenameResult, WorkspaceEdit, DidChangeConfigurationParams, DidChangeWatchedFilesParams, InlayHintParams, WorkspaceFolder, WorkspaceFoldersChangeEvent } from 'vscode-languageserver/node';
import { AnalysisCache } from './analysis/analysisCache';
import { WorkerAssembler, serveAssembleJobs } from './analysis/assemblerWorker';
import type { EntryBundle } from '../../core/src/startup/codeCache';
import type { DeadlineProbe } from './analysis/deadlineProbe';
import { assembleInProcess } from './analysis/inProcessAssembler';
import { holdOptimizingCompilerOnce, releaseOptimizingCompiler } from './analysis/compilerTiers';
import type { AnalyzedDocument } from './analysis/document';
import { OverlayFileHost } from './analysis/fileHost';
import { pathToUri, uriToPath } from './analysis/paths';
import { DEFAULT_SETTINGS, parseSettings } from './analysis/settings';
import { describeArgumentProblems } from '../../core/src/cli/assembler-arguments';
import { watchedFromTheStart } from '../../core/src/watched-sources';
import { PROGRAM_REQUEST } from '../../core/src/protocol';
import { incomingCalls, outgoingCalls, prepareCallHierarchy, type CallHierarchyData } from './features/callHierarchy';
import { codeActions } from './features/codeActions';
import { fileRenameEdits } from './features/fileRenames';
import { codeLenses } from './features/codeLens';
import { completion, PLAIN_CLIENT, resolveCompletion, type CompletionClient } from './features/completion';
import { validate } from './features/diagnostics';
import { documentLinks } from './features/documentLinks';
import { foldingRanges } from './features/folding';
import { format, type Blanks } from './features/formatting';
import { documentHighlights } from './features/highlight';
import { hover } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { definition, prepareRename, references, rename } from './features/navigation';
import { selectionRanges } from './features/selectionRanges';
import { LEGEND, semanticTokens } from './features/semanticTokens';
import { SemanticTokensHistory } from './features/semanticTokensDelta';
import { signatureHelp } from './features/signatureHelp';
import { documentSymbols, workspaceSymbols } from './features/symbols';
import { paramsProblem, type ParamNeed } from './requestParams';
import { analysisRound, BackgroundWarmUp } from './warmUp';

// The same bundle is the assembler worker (assemblerWorker.ts) when loaded off the main thread; the
// deadline probe's worker (probeWorker.ts) ends before it gets here.
if (!isMainThread) serveAssembleJobs();

/**
 * Serves the language server over the connection the process was started with (see entry.ts);
 * `loaded` is this bundle as the entry loaded it, through the code cache.
 */
export function startServer(probe: DeadlineProbe, loaded: Pick<EntryBundle<unknown>, 'said' | 'keep'>): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  const log = (message: string) => connection.console.error(message);
  // One assembly may take at most this long: in process the assembler stops at this deadline; on
  // the worker, the worker is replaced (see assemblerWorker.ts).
  const ASSEMBLY_BUDGET_MS = 3000;
  /** How long the first assembly waits for the deadline probe (it normally answers in a few hundred ms). */
  const FIRST_ASSEMBLY_WAIT_MS = 750;
  const worker = new WorkerAssembler(__filename, ASSEMBLY_BUDGET_MS, log);
  let inProcess = false;
  let workerUsed = false;
  function assembleInProcessFromNowOn(): void {
    if (inProcess) return;
    inProcess = true;
    worker.dispose();
    connection.console.info(`the assembler stops at its deadline${probe.kept ? ' (found by an earlier start of this build)' : ''}: assembling in process`);
    // (The verdict can come before startServer has run to its end.)
    setImmediate(warmUpWhenIdle);
    if (!workerUsed) return;
    // Facts still held by the worker (symbols, references, statements are fetched lazily) die
    // with it: analyse every open document again, in process.
    cache.setSettings(cache.currentSettings);
    scheduleValidation(documents.all().map((d) => d.uri));
  }
  probe.watch(assembleInProcessFromNowOn, log);
  const cacheLog = (message: string, severity: 'error' | 'info') => (severity === 'info' ? connection.console.info(message) : log(message));
  const cache = new AnalysisCache(new OverlayFileHost(), DEFAULT_SETTINGS, undefined, cacheLog, (opts, buffers) => {
    // The first assembly usually comes while the probe is still running: waiting a little for its
    // verdict saves starting the worker and assembling cold twice (there, then here).
    if (!inProcess && !workerUsed && probe.awaitSafe(FIRST_ASSEMBLY_WAIT_MS)) assembleInProcessFromNowOn();
    // (Until the first analysis is out: see compilerTiers.ts.)
    holdOptimizingCompilerOnce();
    if (inProcess) return assembleInProcess(opts, ASSEMBLY_BUDGET_MS);
    workerUsed = true;
    return worker.assemble(opts, buffers);
  });
  // While no document is open, the server warms up its JIT on programs of its own (warmUp.ts); only
  // in process, where the user's assemblies will run.
  const WARM_UP_DELAY_MS = 100;
  const warmUpRound = analysisRound(DEFAULT_SETTINGS, (opts) => assembleInProcess(opts, ASSEMBLY_BUDGET_MS));
  const warmUp = new BackgroundWarmUp(
    (round, blocks) => {
      // Warming up is for the optimizing compiler's code (compilerTiers.ts).
      startUpOver();
      warmUpRound(round, blocks);
    },
    (message) => connection.console.info(message),
    () => cache.currentSettings.warmUp,
  );
  /** A short while after start-up, the code cache is written (once), from what start-up compiled. */
  const KEEP_CACHE_DELAY_MS = 250;
  let cacheKept: 'not yet' | 'due' | 'done' = 'not yet';
  function keepBundleCache(): void {
    if (cacheKept !== 'due') return;
    cacheKept = 'done';
    const said = loaded.keep();
    if (said !== undefined) connection.console.info(said);
  }
  /**
   * The first analysis is out, or the warm-up begins: TurboFan compiles again (compilerTiers.ts),
   * which also sets V8's flags back to those the code cache is checked against, and the cache is
   * due (after the replies that follow the first diagnostics; at `shutdown` if that comes first).
   */
  function startUpOver(): void {
    releaseOptimizingCompiler();
    if (cacheKept !== 'not yet') return;
    cacheKept = 'due';
    setTimeout(keepBundleCache, KEEP_CACHE_DELAY_MS).unref();
  }
  function warmUpWhenIdle(): void {
    if (initialized && inProcess && !shutDown && cache.openUris().length === 0) warmUp.start(WARM_UP_DELAY_MS);
  }
  let canPullConfiguration = false;
  /** What the client takes in completion lists: item defaults (LSP 3.17), insert/replace edits, snippets, label details. */
  let completionClient: CompletionClient = PLAIN_CLIENT;
  const tokenHistory = new SemanticTokensHistory();

  /** Runs a feature; an exception is logged and answered with the empty result, never a crash. */
  function guarded<R>(name: string, empty: R, run: () => R): R {
    try {
      return run();
    } catch (e) {
      log(`${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return empty;
    }
  }

  // LSP 3.17 "Server lifetime": a request before `initialize` is answered ServerNotInitialized and a
  // notification dropped; a request after `shutdown` is answered InvalidRequest.
  let initialized = false;
  let shutDown = false;

  /** Why a request is not answered: the lifecycle, or params it cannot be answered from (InvalidParams). */
  function refusal(params: unknown, needs: readonly ParamNeed[]): ResponseError<void> | undefined {
    if (shutDown) return new ResponseError(ErrorCodes.InvalidRequest, 'The server has been shut down: only `exit` is accepted now.');
    if (!initialized) return new ResponseError(ErrorCodes.ServerNotInitialized, 'The server has not been initialized.');
    const problem = paramsProblem(params, needs);
    return problem === undefined ? undefined : new ResponseError(ErrorCodes.InvalidParams, problem);
  }

  /** A notification's work; before `initialize` notifications are dropped (the server may not publish yet). */
  function handleNotification(name: string, run: () => void): void {
    if (initialized) guarded(name, undefined, run);
  }

  function answer<R>(name: string, params: unknown, needs: readonly ParamNeed[], empty: R, run: () => R): R | ResponseError<void> {
    return refusal(params, needs) ?? guarded(name, empty, run);
  }

  function withDoc<R>(name: string, params: { textDocument: { uri: string } }, needs: readonly ParamNeed[], empty: R, feature: (doc: AnalyzedDocument) => R): R | ResponseError<void> {
    return answer(name, params, ['textDocument', ...needs], empty, () => {
      const doc = cache.analyze(params.textDocument.uri);
      return doc ? feature(doc) : empty;
    });
  }

  /**
   * A call hierarchy request: the item's routine in the assembly of the document it was prepared
   * in (its `data`), else of the document that defines it.
   */
  function withItem<R>(name: string, params: { item: CallHierarchyItem }, feature: (doc: AnalyzedDocument, data: CallHierarchyData) => R[]): R[] | ResponseError<void> {
    return answer(name, params, ['item'], [], () => {
      const item = params.item;
      const given = item.data as Partial<CallHierarchyData> | undefined;
      const data: CallHierarchyData = typeof given?.doc === 'string' && typeof given.file === 'string' && (given.name === undefined || typeof given.name === 'string')
        ? { doc: given.doc, name: given.name, file: given.file }
        : { doc: item.uri, name: item.name, file: uriToPath(item.uri) };
      const doc = cache.analyze(data.doc);
      return doc ? feature(doc, data) : [];
    });
  }

  // --- diagnostics: assembled on every change, coalesced per event-loop turn -----------------------

  const pendingRoots = new Set<string>();
  let flushScheduled = false;
  /** root path → URIs it published diagnostics to, so files that drop out get cleared. */
  const publishedBy = new Map<string, Set<string>>();

  /**
   * `others`: the assemblies change for a reason other than an edit of the documents themselves (an
   * edit of a file they include, in another tab or on disk; a setting): the editor is asked to
   * fetch again what it shows of each open document besides diagnostics (inlay hints, code lenses,
   * semantic tokens), which it otherwise asks for only as that document changes.
   */
  function scheduleValidation(uris: readonly string[], others = true): void {
    for (const u of uris) pendingRoots.add(u);
    if (others && uris.length > 0) refreshPending = true;
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      const roots = [...pendingRoots];
      pendingRoots.clear();
      for (const uri of roots) {
        guarded('validate', undefined, () => publishFor(uri));
        startUpOver();
      }
      if (refreshPending) refreshViews();
      watchFilesRead();
    });
  }

  /**
   * What the client said of watchers the server registers (LSP 3.17 didChangeWatchedFiles
   * dynamicRegistration, relativePatternSupport): 'relative' takes a folder and a name, 'glob' a
   * path as a glob; undefined, none.
   */
  let fileWatchers: 'relative' | 'glob' | undefined;
  /** The workspace's folders (several in a multi-root workspace), kept as the client adds and removes them. */
  let workspaceFolders: string[] = [];
  let foldersChange = false;
  let watchedKey = '';
  let watching: Promise<{ dispose(): void } | undefined> = Promise.resolve(undefined);
  /**
   * Asks the client to watch each file the open programs read that its own watcher does not see
   * (core/src/watched-sources.ts): an include named `defs.h`, a file in an -I folder outside the
   * workspace. An edit there on disk then re-assembles what reads it, as for any other.
   */
  /** The characters a glob reads as patterns (a relative pattern's name has them in brackets). */
  const GLOB_CHARACTERS = /[*?[\]{}]/g;
  function watchFilesRead(): void {
    if (fileWatchers === undefined) return;
    const folders = cache.workspaceFolders;
    // (A glob has no escape: a path with glob characters is no glob of itself.)
    const files = cache.filesRead().filter((f) => !folders.some((root) => watchedFromTheStart(f, root)) && (fileWatchers === 'relative' || f.search(GLOB_CHARACTERS) < 0)).sort();
    const key = files.join('\n');
    if (key === watchedKey) return;
    watchedKey = key;
    const watchers = files.map((f) => ({ globPattern: fileWatchers === 'relative' ? { baseUri: pathToUri(dirname(f)), pattern: basename(f).replace(GLOB_CHARACTERS, '[$&]') } : f }));
    // (In turn: each registration replaces the one before, once that one is made.)
    watching = watching.then((before) => {
      before?.dispose();
      return watchers.length === 0 ? undefined : connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
    }).catch((e: unknown) => {
      log(`watching the files read: ${String(e)}`);
      return undefined;
    });
  }

  /** What the client said it can fetch again when asked (LSP 3.17 `workspace/*\/refresh`). */
  let refreshable = { inlayHints: false, codeLenses: false, semanticTokens: false };
  let refreshPending = false;
  function refreshViews(): void {
    refreshPending = false;
    // (A client that fails such a request has nothing to fetch again: logged, never thrown.)
    const ask = (what: string, sent: Promise<void>) => void sent.catch((e: unknown) => log(`${what} refresh: ${String(e)}`));
    if (refreshable.inlayHints) ask('inlay hint', connection.languages.inlayHint.refresh());
    if (refreshable.codeLenses) ask('code lens', connection.sendRequest(CodeLensRefreshRequest.type));
    if (refreshable.semanticTokens) ask('semantic tokens', connection.languages.semanticTokens.refresh());
  }

  function publishFor(uri: string): void {
    const doc = cache.analyze(uri);
    if (!doc) return;
    const now = new Set<string>();
    const files = doc.result.files.length > 0 ? doc.result.files : [doc.path];
    // A closed program an open include file is analysed in: that file's diagnostics, not the program's.
    const closedProgram = cache.isClosedProgram(doc.rootPath);
    for (const file of files.slice(0, 256)) {
      // A file several open roots include gets the diagnostics of one of them only (rootFor).
      if (file !== doc.rootPath && cache.rootFor(file) !== doc.rootPath) continue;
      if (closedProgram && !cache.isOpen(pathToUri(file))) continue;
      const fileDoc = file === doc.path ? doc : cache.analyzeIn(file, doc.rootPath);
      if (!fileDoc) continue;
      const diagnostics: Diagnostic[] = validate(fileDoc);
      now.add(fileDoc.uri);
      void connection.sendDiagnostics({ uri: fileDoc.uri, version: documents.get(fileDoc.uri)?.version, diagnostics });
    }
    const before = publishedBy.get(doc.rootPath);
    // Clear files this root no longer reaches, unless they are open or another root now owns them.
    if (before) {
      // An open file this root no longer reads is analysed again where it is now (alone, or in
      // another program): nothing else would publish it before its next edit.
      const elsewhere = [...before].filter((u) => !now.has(u) && cache.isOpen(u));
      if (elsewhere.length > 0) scheduleValidation(elsewhere);
      for (const u of before) {
        if (now.has(u) || cache.isOpen(u)) continue;
        const owner = cache.rootFor(uriToPath(u));
        if (owner === doc.rootPath || !cache.isOpen(pathToUri(owner))) void connection.sendDiagnostics({ uri: u, diagnostics: [] });
      }
    }
    publishedBy.set(doc.rootPath, now);
  }

  async function refreshSettings(pushed?: unknown): Promise<void> {
    let raw = pushed;
    if (raw === undefined && canPullConfiguration) {
      try {
        raw = await connection.workspace.getConfiguration('ringside');
      } catch (e) {
        log(`could not read settings: ${String(e)}`);
      }
    }
    // (null: the client has no settings to give, LSP 3.17 workspace/configuration; those of
    // initializationOptions, or the last read, stay.)
    if (raw !== undefined && raw !== null) cache.setSettings(parseSettings(raw));
    reportArgumentProblems();
    scheduleValidation(cache.openUris());
  }

  /** The flags of `ringside.assembler.arguments` left out: one message, once for each new list of them. */
  let reportedArgumentProblems = '';
  function reportArgumentProblems(): void {
    const problems = cache.assemblerArgumentProblems;
    const text = problems.length === 0 ? '' : `Ringside: ringside.assembler.arguments: ${describeArgumentProblems(problems)}. Files are assembled without ${problems.length === 1 ? 'that flag' : 'those flags'}.`;
    if (text === reportedArgumentProblems) return;
    reportedArgumentProblems = text;
    if (text === '') return;
    log(text);
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: text });
  }

  // --- lifecycle -----------------------------------------------------------------------------------

  connection.onInitialize((params): InitializeResult | ResponseError<void> => {
    if (initialized) return new ResponseError(ErrorCodes.InvalidRequest, 'The server is already initialized: `initialize` may only be sent once.');
    initialized = true;
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    const workspaceCaps = params.capabilities.workspace;
    const watchedFiles = workspaceCaps?.didChangeWatchedFiles;
    fileWatchers = watchedFiles?.dynamicRegistration !== true ? undefined : watchedFiles.relativePatternSupport === true ? 'relative' : 'glob';
    refreshable = {
      inlayHints: workspaceCaps?.inlayHint?.refreshSupport === true,
      codeLenses: workspaceCaps?.codeLens?.refreshSupport === true,
      semanticTokens: workspaceCaps?.semanticTokens?.refreshSupport === true,
    };
    const completionCaps = params.capabilities.textDocument?.completion;
    completionClient = {
      editRange: completionCaps?.completionList?.itemDefaults?.includes('editRange') === true,
      insertReplace: completionCaps?.completionItem?.insertReplaceSupport === true,
      snippets: completionCaps?.completionItem?.snippetSupport === true,
      labelDetails: completionCaps?.completionItem?.labelDetailsSupport === true,
    };
    // (Every folder of a multi-root workspace; `rootUri` is what a client without folders sends.)
    workspaceFolders = params.workspaceFolders?.map((f: WorkspaceFolder) => uriToPath(f.uri)) ?? (params.rootUri ? [uriToPath(params.rootUri)] : []);
    foldersChange = workspaceCaps?.workspaceFolders === true;
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    cache.setSettings(init?.settings !== undefined ? parseSettings(init.settings) : DEFAULT_SETTINGS, workspaceFolders);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { resolveProvider: true, triggerCharacters: ['%', '.', '"', "'", '/'] },
        signatureHelpProvider: { triggerCharacters: [' ', ',', '('], retriggerCharacters: [','] },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: { delta: true }, range: true },
        codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.rewrite'] },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        foldingRangeProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        documentLinkProvider: { resolveProvider: false },
        selectionRangeProvider: true,
        callHierarchyProvider: true,
        // Any file may be %include'd or incbin'd: the server answers with edits only for names
        // an open assembly wrote (fileRenames.ts).
        workspace: {
          workspaceFolders: { supported: true, changeNotifications: true },
          fileOperations: { willRename: { filters: [{ pattern: { glob: '**/*' } }] } },
        },
      },
      serverInfo: { name: 'ringside-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    connection.console.info(loaded.said);
    // A folder added to or removed from the workspace: relative -I names, the programs an
    // include file is analysed in and the files watched are read from the folders now there.
    if (foldersChange) connection.workspace.onDidChangeWorkspaceFolders((e: WorkspaceFoldersChangeEvent) => handleNotification('workspace folders', () => {
      const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
      workspaceFolders = [...workspaceFolders.filter((f) => !removed.has(f)), ...e.added.map((f) => uriToPath(f.uri))];
      cache.setFolders(workspaceFolders);
      scheduleValidation(cache.openUris());
    }));
    void refreshSettings();
    warmUpWhenIdle();
  });

  connection.onShutdown(() => {
    if (shutDown) return new ResponseError(ErrorCodes.InvalidRequest, 'The server has already been shut down.');
    shutDown = true;
    warmUp.stop('the server is shutting down');
    keepBundleCache();
  });

  connection.onDidChangeConfiguration((change: DidChangeConfigurationParams | null) => handleNotification('configuration', () => {
    const pushed = (change?.settings as { ringside?: unknown } | null | undefined)?.ringside;
    void refreshSettings(canPullConfiguration ? undefined : pushed);
  }));

  documents.onDidChangeContent((e: { document: TextDocument }) => {
    warmUp.stop('a document was opened');
    handleNotification('change', () => {
      cache.update(e.document.uri, e.document.getText());
      const affected = cache.affectedRoots(e.document.uri);
      scheduleValidation(affected, affected.some((u) => u !== e.document.uri));
    });
  });

  documents.onDidClose((e: { document: TextDocument }) => {
    handleNotification('close', () => {
      const affected = cache.affectedRoots(e.document.uri).filter((u) => u !== e.document.uri);
      const published = publishedBy.get(uriToPath(e.document.uri)) ?? new Set<string>();
      cache.close(e.document.uri);
      tokenHistory.forget(e.document.uri);
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      publishedBy.delete(uriToPath(e.document.uri));
      // The files the closed root published: an open one is analysed again (in another root, or
      // alone); a closed one goes to another open root that reads it, else is cleared, as nothing
      // will publish it again (LSP 3.17 publishDiagnostics: the server clears what it published).
      for (const u of published) {
        if (u === e.document.uri) continue;
        if (cache.isOpen(u)) {
          affected.push(u);
          continue;
        }
        const owner = pathToUri(cache.rootFor(uriToPath(u)));
        if (cache.isOpen(owner)) affected.push(owner);
        else void connection.sendDiagnostics({ uri: u, diagnostics: [] });
      }
      scheduleValidation(affected.filter((u) => cache.isOpen(u)));
    });
  });

  connection.onDidChangeWatchedFiles((params: DidChangeWatchedFilesParams) => {
    handleNotification('watched files', () => {
      const roots = new Set<string>();
      for (const change of params.changes) {
        const path = uriToPath(change.uri);
        // (An open include file no program was found for looks again: this file may be one.)
        const searching = change.type === FileChangeType.Created ? cache.fileCreated(path) : cache.touch(path);
        for (const r of searching) roots.add(r);
        if (change.type === FileChangeType.Created) for (const r of cache.rootsMissingIncludes()) roots.add(r);
        for (const r of cache.affectedRoots(pathToUri(path))) roots.add(r);
      }
      scheduleValidation([...roots]);
    });
  });

  // --- language features: one line each ------------------------------------------------------------

  const AT: readonly ParamNeed[] = ['position'];
  const IN: readonly ParamNeed[] = ['range'];
  connection.onHover((p) => withDoc('hover', p, AT, null, (d) => hover(d, p.position)));
  connection.onCompletion((p) => withDoc('completion', p, AT, { isIncomplete: false, items: [] }, (d) => completion(d, p.position, completionClient, p.context?.triggerCharacter)));
  connection.onCompletionResolve((item: CompletionItem) => answer('completion resolve', item, ['label'], item, () => resolveCompletion(item)));
  connection.onSignatureHelp((p) => withDoc('signature help', p, AT, null, (d) => signatureHelp(d, p.position)));
  connection.onDefinition((p) => withDoc('definition', p, AT, [], (d) => definition(d, p.position)));
  connection.onDocumentHighlight((p) => withDoc('document highlight', p, AT, [], (d) => documentHighlights(d, p.position)));
  connection.onReferences((p) => withDoc('references', p, [...AT, 'referenceContext'], [], (d) => references(d, p.position, p.context.includeDeclaration, (file) => cache.analysesInOtherRoots(file, d.rootPath))));
  connection.onPrepareRename((p: PrepareRenameParams) => withDoc<PrepareRenameResult | ResponseError<void> | null>('prepare rename', p, AT, null, (d) => {
    const r = prepareRename(d, p.position);
    return 'error' in r ? new ResponseError(LSPErrorCodes.RequestFailed, r.error) : r;
  }));
  connection.onRenameRequest((p) => withDoc<WorkspaceEdit | ResponseError<void> | null>('rename', p, [...AT, 'newName'], null, (d) => {
    const r = rename(d, p.position, p.newName, (file) => cache.analysesInOtherRoots(file, d.rootPath));
    return 'error' in r ? new ResponseError(LSPErrorCodes.RequestFailed, r.error) : r;
  }));
  connection.onDocumentSymbol((p) => withDoc('document symbols', p, [], [], (d) => documentSymbols(d)));
  connection.onWorkspaceSymbol((p) => answer('workspace symbols', p, ['query'], [], () => workspaceSymbols(cache.allRoots(), p.query)));
  connection.languages.semanticTokens.on((p) => withDoc('semantic tokens', p, [], { data: [] }, (d) => tokenHistory.full(d.uri, semanticTokens(d))));
  connection.languages.semanticTokens.onDelta((p) => withDoc<SemanticTokens | SemanticTokensDelta>('semantic tokens delta', p, ['previousResultId'], { data: [] },
    (d) => tokenHistory.delta(d.uri, p.previousResultId, semanticTokens(d))));
  connection.languages.semanticTokens.onRange((p) => withDoc('semantic tokens', p, IN, { data: [] }, (d) => semanticTokens(d, p.range)));
  connection.onCodeAction((p) => withDoc('code actions', p, [...IN, 'codeActionContext'], [], (d) => codeActions(d, p.range, p.context.diagnostics)));
  // (A tab of 0 columns is read as 1: tab stops must advance.)
  const blanks = (o: FormattingOptions): Blanks => ({ insertSpaces: o.insertSpaces, tabSize: Math.max(1, o.tabSize) });
  connection.onDocumentFormatting((p) => withDoc('formatting', p, ['formattingOptions'], [], (d) => format(d, undefined, blanks(p.options))));
  connection.onDocumentRangeFormatting((p) => withDoc('range formatting', p, [...IN, 'formattingOptions'], [], (d) => format(d, p.range, blanks(p.options))));
  connection.onFoldingRanges((p) => withDoc('folding', p, [], [], (d) => foldingRanges(d)));
  connection.languages.inlayHint.on((p: InlayHintParams) => withDoc('inlay hints', p, IN, [], (d) => inlayHints(d, p.range)));
  connection.onCodeLens((p) => withDoc('code lens', p, [], [], (d) => codeLenses(d)));
  connection.onDocumentLinks((p) => withDoc('document links', p, [], [], (d) => documentLinks(d)));
  connection.onSelectionRanges((p) => withDoc('selection ranges', p, ['positions'], [], (d) => selectionRanges(d, p.positions)));
  connection.workspace.onWillRenameFiles((p: RenameFilesParams) => answer('file renames', p, ['files'], null, () => {
    const renames = p.files.map((f) => ({ oldPath: uriToPath(f.oldUri), newPath: uriToPath(f.newUri) }));
    return fileRenameEdits(cache.programsReadingPlaces(renames.map((r) => r.oldPath)), renames);
  }));
  connection.onRequest(PROGRAM_REQUEST, (p: { textDocument: { uri: string } }) => withDoc<{ uri: string } | null>('program', p, [], null, (d) => ({ uri: d.toUri(d.rootPath) })));
  connection.languages.callHierarchy.onPrepare((p) => withDoc('call hierarchy', p, AT, null, (d) => prepareCallHierarchy(d, p.position)));
  connection.languages.callHierarchy.onIncomingCalls((p) => withItem('incoming calls', p, (d, data) => incomingCalls(d, data, (file) => cache.analysesInOtherRoots(file, d.rootPath))));
  connection.languages.callHierarchy.onOutgoingCalls((p) => withItem('outgoing calls', p, (d, data) => outgoingCalls(d, data)));
  // Methods the server does not implement; `$/` requests too must be answered MethodNotFound (LSP 3.17).
  connection.onRequest((method: string) => refusal({}, []) ?? new ResponseError(ErrorCodes.MethodNotFound, `Unhandled method ${method}`));

  documents.listen(connection);
  connection.listen();
}
