// Assembles open documents on demand and remembers the results, so every request after an edit
// reuses one assembly. Tracks which files each assembly read, so an edit to an included file
// re-validates its includers, and an included file is analysed in its includer's context: an open
// one's, else one of the workspace's (includers.ts).

import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { assemble, forgetFile } from '../../../core/src/asm/index';
import { dirName } from '../../../core/src/asm/paths';
import type { AssembleOptions, AssembleResult } from '../../../core/src/asm/api';
import { readAssemblerArguments, type AssemblerArguments } from '../../../core/src/cli/assembler-arguments';
import { withLineFeeds } from '../../../core/src/asm/source-encoding';
import { splitLines, type AnalyzedDocument } from './document';
import { DocumentIndex } from './documentIndex';
import { emptyResult } from './emptyResult';
import type { OverlayFileHost } from './fileHost';
import { includers, isInside } from './includers';
import { pathToUri, uriToPath } from './paths';
import { scanPragmas } from './pragmas';
import type { ServerSettings } from './settings';

/** Buffers longer than this are not assembled (one diagnostic says so). */
export const MAX_DOCUMENT_CHARS = 4 * 1024 * 1024;

/** Extensions of files that are programs of their own, not include files (for wantsProgram). */
const PROGRAM_EXTENSIONS: readonly string[] = ['.asm', '.gasm', '.s'];
/** The programs found for an include file whose assemblies are tried (includers.ts orders them). */
const MAX_PROGRAMS_TRIED = 3;
/** The closed programs a rename or a search for references in a shared file takes in, at most. */
const MAX_CLOSED_PROGRAMS = 50;

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
  /** The workspace folders, as the client names them (several in a multi-root workspace). */
  private folders: readonly string[];
  /**
   * `ringside.assembler.arguments` read for each workspace folder, its relative -I and -P names
   * from that folder ('' for files in none: from the first folder, or as written).
   */
  private readonly argumentsByFolder = new Map<string, AssemblerArguments>();
  /**
   * Open files no open document reads, analysed in a program of the workspace that %includes
   * them: path → that program (closed), or null when the search found none that reads it.
   */
  private readonly programs = new Map<string, string | null>();

  constructor(
    private readonly host: OverlayFileHost,
    private settings: ServerSettings,
    folders: string | readonly string[] | undefined,
    private readonly log: (message: string, severity: 'error' | 'info') => void = () => undefined,
    private readonly runAssembler: AssembleRunner = inProcess,
  ) {
    this.folders = folders === undefined ? [] : typeof folders === 'string' ? [folders] : [...folders];
  }

  get currentSettings(): ServerSettings {
    return this.settings;
  }

  setSettings(settings: ServerSettings, folders?: readonly string[]): void {
    this.settings = settings;
    if (folders !== undefined) this.folders = [...folders];
    this.argumentsByFolder.clear();
    this.settingsGeneration++;
    // (Include paths may have changed: the programs are looked for again.)
    this.programs.clear();
  }

  /** The workspace folders changed (workspace/didChangeWorkspaceFolders): relative paths are read from the new ones. */
  setFolders(folders: readonly string[]): void {
    this.setSettings(this.settings, folders);
  }

  /** The flags of `ringside.assembler.arguments` left out, and why (the server shows them). */
  get assemblerArgumentProblems(): AssemblerArguments['problems'] {
    return this.argumentsFor(undefined).problems;
  }

  /**
   * The workspace folder `path` is in: the innermost, where folders nest; for an untitled buffer
   * (named by its URI), the first. Undefined outside every folder.
   */
  folderOf(path: string): string | undefined {
    if (!isAbsolute(path)) return this.folders[0];
    let best: string | undefined;
    for (const f of this.folders) if (isInside(path, f) && (best === undefined || f.length > best.length)) best = f;
    return best;
  }

  /** `ringside.assembler.arguments` as read for files of `folder` (undefined: in none). */
  private argumentsFor(folder: string | undefined): AssemblerArguments {
    const key = folder ?? '';
    let args = this.argumentsByFolder.get(key);
    if (args === undefined) this.argumentsByFolder.set(key, (args = readAssemblerArguments(this.settings.assemblerArguments, folder ?? this.folders[0])));
    return args;
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
    const program = this.programs.get(path);
    this.programs.delete(path);
    if (program && this.users(program).length === 0) this.forgetProgram(program);
    this.open.delete(path);
    this.host.dropBuffer(path);
    this.assemblies.delete(path);
    // The assembler in this thread need not keep the file's lines (a no-op when it runs on the worker).
    forgetFile(path);
    for (const key of this.documents.keys()) if (key.startsWith(`${path}\n`) || key.endsWith(`\n${path}`)) this.documents.delete(key);
    this.bump(path);
  }

  /**
   * A watched file changed or was deleted on disk: the URIs of the open files whose program is
   * looked for again (their diagnostics may change though no assembly read the file).
   */
  touch(path: string): string[] {
    this.bump(path);
    return includers.changed(path, false) ? this.searchAgain() : [];
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
    // A file on disk that no open document reads (or has yet to read) affects none; a closed
    // program affects the open files analysed in it.
    return [...roots].flatMap((r) => this.open.get(r)?.uri ?? this.users(r));
  }

  /** Every file the last assemblies of the open documents read (their own files included). */
  filesRead(): string[] {
    return [...this.readBy].flatMap(([file, roots]) => ([...roots].some((r) => this.open.has(r) || this.users(r).length > 0) ? [file] : []));
  }

  /** Drops the assembly of a closed program no open file is analysed in any longer. */
  private forgetProgram(program: string): void {
    // (Nor is it a reader of its files any longer: a rename or search may assemble many such programs.)
    for (const f of this.assemblies.get(program)?.result.files ?? []) this.readBy.get(f)?.delete(program);
    this.assemblies.delete(program);
    for (const key of this.documents.keys()) if (key.endsWith(`\n${program}`)) this.documents.delete(key);
  }

  /** The open files analysed in closed program `root` (none when it is not such a program). */
  private users(root: string): string[] {
    const out: string[] = [];
    for (const [path, program] of this.programs) if (program === root && this.rootFor(path) === root) out.push(this.open.get(path)?.uri ?? pathToUri(path));
    return out;
  }

  /** Whether `path` is a closed program open files are analysed in (their diagnostics alone are published). */
  isClosedProgram(path: string): boolean {
    return !this.open.has(path) && this.users(path).length > 0;
  }

  /** The workspace folders, if any. */
  get workspaceFolders(): readonly string[] {
    return this.folders;
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
      // (The program it was analysed in no longer reads it: another is looked for.)
      if (this.programs.get(path) === root) this.programs.delete(path);
      root = path;
      result = this.assembly(root);
    }
    if (root === path && !this.programs.has(path) && this.wantsProgram(path, result)) {
      const program = this.findProgram(path);
      if (program !== undefined) {
        root = program;
        result = this.assembly(program);
      }
    }
    return this.documentIn(path, root, result);
  }

  /**
   * Whether a file no open document reads is looked for in the workspace's programs: when it has
   * errors alone, or is named as an include file is (not .asm, .gasm or .s), whose addresses and
   * symbols are the program's.
   */
  private wantsProgram(path: string, alone: AssembleResult): boolean {
    // (An untitled buffer, named by its URI, is in no folder to search.)
    if (!isAbsolute(path)) return false;
    return !PROGRAM_EXTENSIONS.includes(extname(path).toLowerCase()) || alone.diagnostics.some((d) => d.severity === 'error');
  }

  /**
   * The first of the workspace's programs that %include `path` whose assembly reads it (the
   * search reads %include lines; an %if may leave one out), kept until the disk or the settings
   * change. Outside a workspace folder, the search takes the file's folder and the one above it.
   */
  private findProgram(path: string): string | undefined {
    for (const program of this.programsOnDisk(path).slice(0, MAX_PROGRAMS_TRIED)) {
      if (this.open.has(program)) continue;
      if (this.assembly(program).files.includes(path)) {
        this.programs.set(path, program);
        this.log(`${path} is read by no open file: analysed as ${program} includes it`, 'info');
        return program;
      }
      if (this.users(program).length === 0) this.forgetProgram(program);
    }
    this.programs.set(path, null);
    return undefined;
  }

  /**
   * The programs on disk whose %include lines reach `path` (includers.ts), best first: those of
   * its workspace folder, then those of the other folders (a folder of shared include files in a
   * multi-root workspace, which the others' programs name by `../` or an -I directory), each
   * folder's programs with that folder's include paths; outside every folder, those of the file's
   * folder and the one above it.
   */
  private programsOnDisk(path: string): string[] {
    const workspaceFolder = this.folderOf(path);
    if (workspaceFolder === undefined) return includers.programsReachingInto(path, dirname(dirname(path)), this.includePaths(path), 2);
    const out = new Set(includers.programsReachingInto(path, workspaceFolder, this.includePaths(path)));
    for (const folder of this.folders) {
      if (folder === workspaceFolder) continue;
      // (A program of a folder nested in another is that folder's: the search of each finds it.)
      for (const program of includers.programsReachingInto(path, folder, this.folderIncludePaths(folder))) if (this.folderOf(program) === folder) out.add(program);
    }
    return [...out];
  }

  /**
   * For files or folders on disk being renamed (`places`): the analyses of the files each program
   * that may read them reads, the program's own first. These are the open roots, then the closed
   * programs of the workspace whose %include lines reach a file at or under a place, each
   * assembled for the request and forgotten after unless open files are analysed in it.
   */
  programsReadingPlaces(places: readonly string[]): AnalyzedDocument[][] {
    const out: AnalyzedDocument[][] = [];
    const done = new Set<string>();
    const add = (root: string, result: AssembleResult) => {
      done.add(root);
      const files = [root, ...result.files.filter((f) => f !== root)];
      out.push(files.map((f) => this.documentIn(f, root, result)).filter((d): d is AnalyzedDocument => d !== undefined));
    };
    for (const doc of this.allRoots()) if (!done.has(doc.rootPath)) add(doc.rootPath, doc.result);
    for (const place of places.filter(isAbsolute)) {
      for (const program of this.programsOnDisk(place).slice(0, MAX_CLOSED_PROGRAMS)) {
        if (done.has(program)) continue;
        add(program, this.assembly(program));
        if (this.users(program).length === 0) this.forgetProgram(program);
      }
    }
    return out;
  }

  /** The analysis of a file read by root's assembly (open or not), for publishing its diagnostics. */
  analyzeIn(path: string, root: string): AnalyzedDocument | undefined {
    if (!this.open.has(root) && !this.isClosedProgram(root)) return undefined;
    return this.documentIn(path, root, this.assembly(root));
  }

  /** Analyses of every open root (for workspace symbols). */
  allRoots(): AnalyzedDocument[] {
    const out: AnalyzedDocument[] = [];
    for (const [path, doc] of this.open) {
      const root = this.rootFor(path);
      if (root !== path && this.open.has(root)) continue;
      const a = this.analyze(doc.uri);
      if (a) out.push(a);
    }
    return out;
  }

  /**
   * The analyses of file `path` in the assembly of each program but `except` that reads it: the
   * other programs a rename or a search for references in a shared %include file must take in.
   * These are the open roots, then the closed programs of the workspace whose %include lines reach
   * the file (as a rename in a C header edits every source file that includes it). A closed
   * program is assembled for the request and forgotten after, unless open files are analysed in it.
   */
  analysesInOtherRoots(path: string, except: string): AnalyzedDocument[] {
    const out: AnalyzedDocument[] = [];
    const inRoot = (root: string): AnalyzedDocument | undefined => {
      const result = this.assembly(root);
      return result.files.includes(path) ? this.documentIn(path, root, result) : undefined;
    };
    for (const root of this.open.keys()) {
      if (root === except || this.rootFor(root) !== root) continue;
      const doc = inRoot(root);
      if (doc !== undefined) out.push(doc);
    }
    // (An untitled buffer, named by its URI, is in no folder: no program on disk reads it.)
    if (!isAbsolute(path)) return out;
    for (const program of this.programsOnDisk(path).slice(0, MAX_CLOSED_PROGRAMS)) {
      if (program === except || this.open.has(program)) continue;
      const doc = inRoot(program);
      if (doc !== undefined) out.push(doc);
      if (this.users(program).length === 0) this.forgetProgram(program);
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
    const rootText = this.open.get(root)?.text ?? this.host.readFile(root) ?? '';
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
      workspaceRoot: this.folderOf(root),
      home: this.workingDirectory(root) ?? dirName(root),
      includePaths: this.includePaths(root),
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
    return best ?? (this.open.has(path) ? this.programs.get(path) : undefined) ?? path;
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

  /** A file appeared on disk: the URIs of the open files whose program is looked for again (see touch). */
  fileCreated(path: string): string[] {
    this.missingGeneration++;
    this.bump(path);
    return includers.changed(path, true) ? this.searchAgain() : [];
  }

  /**
   * The workspace's %include lines changed: files no program was found for are looked for again.
   * (A file keeps its program while that program's assembly reads it: see analyze.)
   */
  private searchAgain(): string[] {
    const again: string[] = [];
    for (const [path, program] of this.programs) {
      if (program !== null) continue;
      this.programs.delete(path);
      const doc = this.open.get(path);
      if (doc !== undefined) again.push(doc.uri);
    }
    return again;
  }

  /**
   * Where %include looks after the file's directory: the -I directories of
   * `ringside.assembler.arguments` in their order (nasm's), then the `includePaths` setting's, as
   * -I options after them would be; relative ones are taken from the workspace folder of `file`
   * (outside every folder, from the first).
   */
  private includePaths(file: string): string[] {
    return this.folderIncludePaths(this.folderOf(file));
  }

  /** includePaths for the files of workspace folder `folder` (undefined: in none). */
  private folderIncludePaths(folder: string | undefined): string[] {
    const base = folder ?? this.folders[0];
    const settingDirs = this.settings.includePaths.map((p) => (isAbsolute(p) || base === undefined ? p : resolve(base, p)));
    return [...this.argumentsFor(folder).flags.includePaths ?? [], ...settingDirs];
  }

  /**
   * Where the assembly of `root` looks for a relative %include first, when not beside it: an
   * untitled buffer is in no folder, so it is assembled from the workspace folder (without one,
   * the home folder), where VS Code starts a terminal; before, its includes were looked for
   * relative to wherever the server had been started.
   */
  private workingDirectory(root: string): string | undefined {
    return isAbsolute(root) ? undefined : this.folders[0] ?? homedir();
  }

  private run(root: string): AssembleResult {
    const text = this.open.get(root)?.text ?? this.host.readFile(root) ?? '';
    if (text.length > MAX_DOCUMENT_CHARS) {
      return emptyResult(root, [{
        severity: 'info', code: 'file-too-large',
        message: `File has ${text.length} characters; Ringside does not assemble buffers over ${MAX_DOCUMENT_CHARS} in the editor.`,
        range: { file: root, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } },
      }]);
    }
    const includePaths = this.includePaths(root);
    try {
      const buffers = new Map<string, string>();
      for (const [path, doc] of this.open) buffers.set(path, doc.text);
      return this.runAssembler({ ...this.argumentsFor(this.folderOf(root)).flags, file: root, text, host: this.host, includePaths, workingDirectory: this.workingDirectory(root) }, buffers);
    } catch (e) {
      // A host bug in the assembler must not take the editor's language features down.
      this.log(`assembler threw on ${root}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, 'error');
      return emptyResult(root, [{
        severity: 'error', code: 'internal-error',
        message: `Internal assembler error: ${e instanceof Error ? e.message : String(e)}`,
        range: { file: root, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } },
      }]);
    }
  }
}
