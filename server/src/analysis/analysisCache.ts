// Assembles open documents on demand and remembers the results, so every request after an edit
// reuses one assembly. Tracks which files each assembly read, so an edit to an included file
// re-validates its includers, and an included file is analysed in its includer's context.

import { isAbsolute, resolve } from 'node:path';
import { assemble, forgetFile } from '../../../core/src/asm/index';
import type { AssembleOptions, AssembleResult } from '../../../core/src/asm/api';
import { readAssemblerArguments, type AssemblerArguments } from '../../../core/src/cli/assembler-arguments';
import { withLineFeeds } from '../../../core/src/asm/source-encoding';
import { splitLines, type AnalyzedDocument } from './document';
import { DocumentIndex } from './documentIndex';
import { emptyResult } from './emptyResult';
import type { OverlayFileHost } from './fileHost';
import { pathToUri, uriToPath } from './paths';
import { scanPragmas } from './pragmas';
import type { ServerSettings } from './settings';

/** Buffers longer than this are not assembled (one diagnostic says so). */
export const MAX_DOCUMENT_CHARS = 4 * 1024 * 1024;

/** How to run the assembler: in-process (tests) or on a worker with a time budget (the server). */
export type AssembleRunner = (opts: AssembleOptions, buffers: ReadonlyMap<string, string>) => AssembleResult;

const inProcess: AssembleRunner = (opts) => assemble(opts);

interface OpenDoc {
  readonly uri: string;
  readonly text: string;
}

interface CachedAssembly {
  readonly result: AssembleResult;
  /** Generation of every file read, when it was read. */
  readonly generations: ReadonlyMap<string, number>;
  readonly settingsGeneration: number;
  /** Set when some %include was not found: any new file on disk makes the assembly stale. */
  readonly missingGeneration?: number;
}

export class AnalysisCache {
  private readonly open = new Map<string, OpenDoc>();
  private readonly generations = new Map<string, number>();
  private readonly assemblies = new Map<string, CachedAssembly>();
  /** file path → root paths whose last assembly read it. */
  private readonly readBy = new Map<string, Set<string>>();
  /** `path\nroot` → the last analysis handed out, reused while nothing it depends on changed. */
  private readonly documents = new Map<string, AnalyzedDocument>();
  private settingsGeneration = 0;
  /** Bumped when any file appears on disk, so assemblies with unresolved includes retry. */
  private missingGeneration = 0;
  /** `ringside.assembler.arguments` read, relative -I and -P names from the workspace folder. */
  private assemblerArguments: AssemblerArguments;

  constructor(
    private readonly host: OverlayFileHost,
    private settings: ServerSettings,
    private workspaceRoot: string | undefined,
    private readonly log: (message: string) => void = () => undefined,
    private readonly runAssembler: AssembleRunner = inProcess,
  ) {
    this.assemblerArguments = readAssemblerArguments(settings.assemblerArguments, workspaceRoot);
  }

  get currentSettings(): ServerSettings {
    return this.settings;
  }

  setSettings(settings: ServerSettings, workspaceRoot?: string): void {
    this.settings = settings;
    if (workspaceRoot !== undefined) this.workspaceRoot = workspaceRoot;
    this.assemblerArguments = readAssemblerArguments(settings.assemblerArguments, this.workspaceRoot);
    this.settingsGeneration++;
  }

  /** The flags of `ringside.assembler.arguments` left out, and why (the server shows them). */
  get assemblerArgumentProblems(): AssemblerArguments['problems'] {
    return this.assemblerArguments.problems;
  }

  /** didOpen / didChange: the buffer's new text. */
  update(uri: string, clientText: string): void {
    const path = uriToPath(uri);
    const text = withLineFeeds(clientText);
    this.open.set(path, { uri, text });
    this.host.setBuffer(path, text);
    this.bump(path);
  }

  close(uri: string): void {
    const path = uriToPath(uri);
    this.open.delete(path);
    this.host.dropBuffer(path);
    this.assemblies.delete(path);
    // The assembler in this thread need not keep the file's lines (a no-op when it runs on the worker).
    forgetFile(path);
    for (const key of this.documents.keys()) if (key.startsWith(`${path}\n`) || key.endsWith(`\n${path}`)) this.documents.delete(key);
    this.bump(path);
  }

  /** A watched file changed on disk. */
  touch(path: string): void {
    this.bump(path);
  }

  isOpen(uri: string): boolean {
    return this.open.has(uriToPath(uri));
  }

  openUris(): string[] {
    return [...this.open.values()].map((d) => d.uri);
  }

  /** Open documents whose diagnostics can change when `uri` changes: their roots and includers. */
  affectedRoots(uri: string): string[] {
    const path = uriToPath(uri);
    const roots = new Set<string>([this.rootFor(path), ...(this.readBy.get(path) ?? [])]);
    // A file on disk that no open document reads (or has yet to read) affects none.
    return [...roots].flatMap((r) => this.open.get(r)?.uri ?? []);
  }

  /** Every file the last assemblies of the open documents read (their own files included). */
  filesRead(): string[] {
    return [...this.readBy].flatMap(([file, roots]) => ([...roots].some((r) => this.open.has(r)) ? [file] : []));
  }

  /** The workspace folder the server was started in, if any. */
  get workspaceFolder(): string | undefined {
    return this.workspaceRoot;
  }

  /** Open roots whose last assembly had an unresolved %include (a new file on disk may resolve it). */
  rootsMissingIncludes(): string[] {
    return [...this.open].flatMap(([path, doc]) => (this.assemblies.get(path)?.missingGeneration !== undefined ? [doc.uri] : []));
  }

  /** The analysis of an open document, assembling its root when stale. */
  analyze(uri: string): AnalyzedDocument | undefined {
    const path = uriToPath(uri);
    if (!this.open.has(path)) return undefined;
    let root = this.rootFor(path);
    let result = this.assembly(root);
    if (root !== path && !result.files.includes(path)) {
      root = path;
      result = this.assembly(root);
    }
    return this.documentIn(path, root, result);
  }

  /** The analysis of a file read by root's assembly (open or not), for publishing its diagnostics. */
  analyzeIn(path: string, root: string): AnalyzedDocument | undefined {
    if (!this.open.has(root)) return undefined;
    return this.documentIn(path, root, this.assembly(root));
  }

  /** Analyses of every open root (for workspace symbols). */
  allRoots(): AnalyzedDocument[] {
    const out: AnalyzedDocument[] = [];
    for (const [path, doc] of this.open) {
      if (this.rootFor(path) !== path) continue;
      const a = this.analyze(doc.uri);
      if (a) out.push(a);
    }
    return out;
  }

  /**
   * The analyses of file `path` in the assembly of each open root but `except` that reads it: the
   * other programs a rename or a search for references in a shared %include file must take in.
   */
  analysesInOtherRoots(path: string, except: string): AnalyzedDocument[] {
    const out: AnalyzedDocument[] = [];
    for (const root of this.open.keys()) {
      if (root === except || this.rootFor(root) !== root) continue;
      const result = this.assembly(root);
      const doc = result.files.includes(path) ? this.documentIn(path, root, result) : undefined;
      if (doc !== undefined) out.push(doc);
    }
    return out;
  }

  private documentIn(path: string, root: string, result: AssembleResult): AnalyzedDocument | undefined {
    const text = this.open.get(path)?.text ?? this.host.readFile(path);
    if (text === undefined) return undefined;
    // The same analysis object serves every request until the text, the assembly or the settings
    // change, so its lines and indexes are built once per version.
    const key = `${path}\n${root}`;
    const known = this.documents.get(key);
    if (known && known.text === text && known.result === result && known.settings === this.settings) return known;
    const rootText = this.open.get(root)?.text ?? '';
    const technique = result.technique ?? scanPragmas(rootText).technique ?? this.settings.technique;
    const openDocs = this.open;
    const host = this.host;
    let lines: string[] | undefined;
    let index: DocumentIndex | undefined;
    const doc: AnalyzedDocument = {
      uri: openDocs.get(path)?.uri ?? pathToUri(path),
      path,
      text,
      get lines() { return (lines ??= splitLines(text)); },
      result,
      rootPath: root,
      technique,
      settings: this.settings,
      get index() { return (index ??= new DocumentIndex(result, path)); },
      toUri: (p) => openDocs.get(p)?.uri ?? pathToUri(p),
      readText: (p) => host.readFile(p),
      workspaceRoot: this.workspaceRoot,
      includePaths: this.includePaths(),
      isReadable: (p) => host.isReadable(p),
      listDirectory: (p) => host.listDirectory(p),
    };
    this.documents.set(key, doc);
    return doc;
  }

  /**
   * The root whose assembly a file is analysed and published in. A file no open file %includes is
   * its own root. Otherwise it is analysed in an includer's context (an include file alone rarely
   * assembles): when several open files include it, the one with the smallest path, so features
   * and diagnostics agree and do not depend on which root happened to assemble last.
   */
  rootFor(path: string): string {
    let best: string | undefined;
    for (const r of this.readBy.get(path) ?? []) {
      if (r !== path && this.open.has(r) && (best === undefined || r < best)) best = r;
    }
    return best ?? path;
  }

  private bump(path: string): void {
    this.generations.set(path, (this.generations.get(path) ?? 0) + 1);
  }

  private assembly(root: string): AssembleResult {
    const cached = this.assemblies.get(root);
    if (cached && cached.settingsGeneration === this.settingsGeneration && this.fresh(cached)) return cached.result;
    const result = this.run(root);
    const generations = new Map<string, number>();
    for (const f of result.files) generations.set(f, this.generations.get(f) ?? 0);
    generations.set(root, this.generations.get(root) ?? 0);
    if (cached) for (const f of cached.result.files) this.readBy.get(f)?.delete(root);
    for (const f of result.files) {
      let s = this.readBy.get(f);
      if (!s) this.readBy.set(f, (s = new Set()));
      s.add(root);
    }
    const missing = result.includes.some((inc) => !inc.resolved);
    this.assemblies.set(root, { result, generations, settingsGeneration: this.settingsGeneration, missingGeneration: missing ? this.missingGeneration : undefined });
    return result;
  }

  private fresh(cached: CachedAssembly): boolean {
    if (cached.missingGeneration !== undefined && cached.missingGeneration !== this.missingGeneration) return false;
    for (const [f, g] of cached.generations) {
      if ((this.generations.get(f) ?? 0) !== g) return false;
    }
    return true;
  }

  fileCreated(path: string): void {
    this.missingGeneration++;
    this.bump(path);
  }

  /**
   * Where %include looks after the file's directory: the -I directories of
   * `ringside.assembler.arguments` in their order (nasm's), then the `includePaths` setting's, as
   * -I options after them would be; relative ones are taken from the workspace folder.
   */
  private includePaths(): string[] {
    const settingDirs = this.settings.includePaths.map((p) => (isAbsolute(p) || !this.workspaceRoot ? p : resolve(this.workspaceRoot, p)));
    return [...this.assemblerArguments.flags.includePaths ?? [], ...settingDirs];
  }

  private run(root: string): AssembleResult {
    const text = this.open.get(root)?.text ?? '';
    if (text.length > MAX_DOCUMENT_CHARS) {
      return emptyResult(root, [{
        severity: 'info', code: 'file-too-large',
        message: `File has ${text.length} characters; Ringside does not assemble buffers over ${MAX_DOCUMENT_CHARS} in the editor.`,
        range: { file: root, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } },
      }]);
    }
    const includePaths = this.includePaths();
    try {
      const buffers = new Map<string, string>();
      for (const [path, doc] of this.open) buffers.set(path, doc.text);
      return this.runAssembler({ ...this.assemblerArguments.flags, file: root, text, host: this.host, includePaths }, buffers);
    } catch (e) {
      // A host bug in the assembler must not take the editor's language features down.
      this.log(`assembler threw on ${root}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return emptyResult(root, [{
        severity: 'error', code: 'internal-error',
        message: `Internal assembler error: ${e instanceof Error ? e.message : String(e)}`,
        range: { file: root, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } },
      }]);
    }
  }
}
