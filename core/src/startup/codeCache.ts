// A bundle loaded through a V8 code cache: the bytecode of the functions a start-up ran, written
// once that start-up is over and read by the next process, which then neither parses nor compiles
// them again (VS Code keeps such a cache for its own code). The language server's and the debug
// adapter's entries (server/src/entry.ts, debug-adapter/src/entry.ts) load their bundles so. It
// lives in a folder of the user's own: V8 runs the bytecode it is given, so a cache anyone else
// could write would be their code run as this user.

import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** How a load used the cache. */
export type CacheUse =
  | 'off'        // no folder for it
  | 'accepted'   // V8 took the cached bytecode
  | 'rejected'   // V8 refused it (another Node.js, other V8 flags, a damaged file): written anew
  | 'absent';    // none yet: written once start-up is over

export interface LoadedBundle<T> {
  readonly exports: T;
  readonly cacheUse: CacheUse;
  /**
   * Writes the cache for the next start when this load had none it could use: call it once the
   * start-up's code has run and V8's flags are as at start-up (V8 refuses a cache made under other
   * flags). Never throws; says what it did, for the log.
   */
  keep(): string | undefined;
}

/** The cache folder a process's arguments and environment choose, if it can hold the cache safely. */
export interface CacheChoice {
  readonly folder: string | undefined;
  /** Why the folder chosen is not used. */
  readonly problem: string | undefined;
}

export function chooseCacheFolder(argv: readonly string[] = process.argv): CacheChoice {
  const wanted = codeCacheDirectory(argv, process.env, process.platform, homedir());
  const problem = wanted === undefined ? undefined : cacheFolderProblem(wanted);
  return { folder: problem === undefined ? wanted : undefined, problem };
}

/**
 * The cache folder arguments of the command line, which has none of its own (its arguments are
 * nasm's): `RINGSIDE_CODE_CACHE=DIR` names the folder, `RINGSIDE_CODE_CACHE=off` turns the cache
 * off, and unset or empty leaves the platform's per-user cache folder (codeCacheDirectory).
 */
export function commandLineCacheArguments(env: NodeJS.ProcessEnv): string[] {
  const given = env.RINGSIDE_CODE_CACHE;
  if (given === undefined || given === '') return [];
  return given === 'off' ? ['--no-code-cache'] : [`--code-cache=${given}`];
}

/** A bundle loaded by a process's entry, and what it did with the code cache, for the log. */
export interface EntryBundle<T> extends LoadedBundle<T> {
  readonly said: string;
}

export function loadEntryBundle<T>(file: string | BundleSource, choice: CacheChoice): EntryBundle<T> {
  const bundle = loadBundle<T>(file, choice.folder);
  return { ...bundle, said: choice.problem !== undefined ? `no code cache: ${choice.problem}` : `code cache: ${bundle.cacheUse}` };
}

/** The builds of a bundle whose files (cache, facts) are kept in the folder, its own included. */
const FILES_KEPT = 4;
const SUFFIX = '.v8-code-cache';

/**
 * The cache's folder from the command line and the environment: `--code-cache=DIR`, none with
 * `--no-code-cache`, else the platform's per-user cache folder.
 */
export function codeCacheDirectory(argv: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string | undefined {
  if (argv.includes('--no-code-cache')) return undefined;
  const given = argv.find((a) => a.startsWith('--code-cache='));
  if (given !== undefined) return given.slice('--code-cache='.length) || undefined;
  if (platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'ringside', 'Cache') : undefined;
  if (platform === 'darwin') return home ? join(home, 'Library', 'Caches', 'ringside') : undefined;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'ringside');
  return home ? join(home, '.cache', 'ringside') : undefined;
}

/**
 * Makes `dir` (mode 700) unless it exists, and says why it cannot hold the cache: it must be a
 * folder, not a link to one, and on POSIX systems owned by this user and writable by no one else.
 */
export function cacheFolderProblem(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return `${dir} is not a folder`;
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) return `${dir} belongs to another user`;
    if (uid !== undefined && (st.mode & 0o022) !== 0) return `${dir} can be written by other users`;
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** A bundle's text, read once for its load and for the facts kept about it (keptFact). */
export class BundleSource {
  private hash: string | undefined;
  readonly source: string;

  constructor(readonly file: string) {
    this.source = readFileSync(file, 'utf8');
  }

  /**
   * What its files in a cache folder are named by: a hash of the text and the runtime, so a new
   * build or another Node.js never reads an old cache or fact.
   */
  key(): string {
    return (this.hash ??= createHash('sha256').update(this.source).update(`\0${process.version}\0${process.arch}\0${process.versions.v8}`).digest('hex').slice(0, 32));
  }
}

/**
 * Loads CommonJS bundle `file` as `require` would, through the cache in `dir` (none when
 * undefined), named `name` (the bundle's file name unless given) and the bundle's key
 * (BundleSource.key). A bundle whose runs start from different code (the command line's
 * commands) keeps a cache for each under its own name, since a cache holds the functions the run
 * that wrote it compiled.
 */
export function loadBundle<T>(bundle: string | BundleSource, dir: string | undefined, name?: string): LoadedBundle<T> {
  const read = typeof bundle === 'string' ? new BundleSource(bundle) : bundle;
  const { file, source } = read;
  const cacheName = name ?? basename(file);
  const cacheFile = dir === undefined ? undefined : join(dir, `${cacheName}-${read.key()}${SUFFIX}`);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile !== undefined) cachedData = readFileSync(cacheFile);
  } catch { /* none yet */ }
  const wrapped = Module.wrap(source);
  // (The wrapper's head is on the bundle's first line: columns there are given as in the file.)
  const script = new Script(wrapped, { filename: file, columnOffset: -wrapped.indexOf(source), cachedData });
  const cacheUse: CacheUse = cacheFile === undefined ? 'off' : cachedData === undefined ? 'absent' : script.cachedDataRejected === true ? 'rejected' : 'accepted';
  const module = new Module(file);
  module.filename = file;
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  let kept = false;
  return {
    exports: module.exports as T,
    cacheUse,
    keep(): string | undefined {
      if (kept || cacheFile === undefined || cacheUse === 'accepted') return undefined;
      kept = true;
      const temporary = `${cacheFile}.${process.pid}`;
      try {
        const data = script.createCachedData();
        writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
        renameSync(temporary, cacheFile);
        pruneOthers(dirname(cacheFile), `${cacheName}-`, read.key());
        return `code cache written (${Math.round(data.length / 1024)} KiB, ${cacheFile})`;
      } catch (e) {
        // (A write cut short, or a rename refused, leaves no partial file behind.)
        try { unlinkSync(temporary); } catch { /* none was made */ }
        return `code cache not written: ${e instanceof Error ? e.message : String(e)}`;
      }
    },
  };
}

/**
 * A fact about one build of a bundle (the deadline probe's verdict), kept beside its cache as an
 * empty file `<bundle>-<key>.<name>`: it holds for that very bundle and runtime only, as the cache
 * does, and goes with the bundle's old caches (pruneOthers). None without a folder.
 */
export interface KeptFact {
  readonly held: boolean;
  /** Records it for the next start; never throws (a fact not kept is found again). */
  keep(): void;
}

export function keptFact(dir: string | undefined, bundle: BundleSource, name: string): KeptFact {
  if (dir === undefined) return { held: false, keep: () => undefined };
  const file = join(dir, `${basename(bundle.file)}-${bundle.key()}.${name}`);
  return {
    held: existsSync(file),
    keep(): void {
      try { writeFileSync(file, '', { mode: 0o600 }); } catch { /* not kept */ }
    },
  };
}

/**
 * Leaves in `dir` the files (caches and facts) of the FILES_KEPT most recently written builds of
 * one bundle, whose names start with `prefix` and go on with the build's key: `own` among them.
 * Those of other bundles sharing the folder stay.
 */
function pruneOthers(dir: string, prefix: string, own: string): void {
  const written = (name: string): number => {
    try { return statSync(join(dir, name)).mtimeMs; } catch { return 0; }
  };
  const names = readdirSync(dir).filter((name) => name.startsWith(prefix));
  const keyOf = (name: string): string => name.slice(prefix.length).split('.')[0];
  const builds = new Map<string, number>();
  for (const name of names) {
    const key = keyOf(name);
    if (key !== own) builds.set(key, Math.max(builds.get(key) ?? 0, written(name)));
  }
  const gone = new Set([...builds].sort((a, b) => b[1] - a[1]).slice(FILES_KEPT - 1).map(([key]) => key));
  // (Another server may be pruning too.)
  for (const name of names) {
    if (!gone.has(keyOf(name))) continue;
    try { unlinkSync(join(dir, name)); } catch { /* gone already */ }
  }
}
