// The programs of the workspace that %include a file. An include file opened alone rarely
// assembles: its constants and macros come from the program that includes it (serial.inc's
// `COM1` from pc.inc, through kernel.gasm). When no open document reads such a file, the server
// analyses it in a program found here, as clangd takes a header's compile command from a source
// file that includes it. The search reads the %include lines of the guest sources in the folder;
// the assembly of the program chosen then shows whether it reads the file (analysisCache.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { dirName, searchPlaces } from '../../../core/src/asm/paths';
import { isFile } from './fileHost';
import { WATCHED_EXTENSIONS } from '../../../core/src/watched-sources';

/** How much of a folder one search reads: its first files, breadth first, and their first characters. */
export const SCAN_LIMITS = { files: 2000, depth: 12, chars: 1 << 20 };
/** The longest chain of %include steps followed from a program to the file. */
const MAX_CHAIN = 50;

/**
 * A %include written at a line's start with its name in quotes, as nasm 2.16.01 takes it: the
 * directive in any case, the name in "", '' or `` (`%include <a.inc>` is its error "expects a file name").
 */
const INCLUDE_LINE = /^[ \t]*%include[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`\n]*)`)/gim;

/** A program that reads the file, and the number of %include steps from it to the file. */
interface Reach {
  readonly program: string;
  readonly steps: number;
  /** Whether another file of the folder %includes the program (a part of a bigger one). */
  readonly included: boolean;
}

/** A folder's guest sources and what their %include lines reach, for one list of include paths. */
interface FolderGraph {
  readonly folder: string;
  readonly files: readonly string[];
  readonly includePaths: readonly string[];
  /** `directory\nname` → the file nasm's search finds (undefined: none). */
  readonly resolved: Map<string, string | undefined>;
  /** Files some file of the folder %includes (resolved from its own directory). */
  included?: ReadonlySet<string>;
  /** program → each file its %include lines reach, with the number of steps to it. */
  readonly reach: Map<string, ReadonlyMap<string, number>>;
}

/**
 * What the workspace's files on disk %include (open buffers are programs of their own: see
 * analysisCache.ts). One for the process, as the files are: a search made for one analysis serves
 * the next, until the disk changes (`changed`).
 */
export class IncluderIndex {
  /** `folder\ndepth\nincludePaths` → its graph, as found by the last search. */
  private readonly graphs = new Map<string, FolderGraph>();
  /** file → the names its %include lines write (undefined: not read yet). */
  private readonly names = new Map<string, readonly string[]>();

  /**
   * A file was created, changed or deleted on disk: true when that changes what any search could
   * find (its %include lines, or the files of a folder searched), false for other edits.
   */
  changed(path: string, created: boolean): boolean {
    const known = this.names.get(path);
    this.names.delete(path);
    let moved = false;
    for (const [key, graph] of this.graphs) {
      if (isInside(path, graph.folder) && (created || !graph.files.includes(path) || !isFile(path))) {
        this.graphs.delete(key);
        moved = true;
      }
    }
    if (!moved && (known === undefined || sameNames(known, this.namesOf(path)))) return false;
    // (What a program reaches may go through the file: every search starts again.)
    this.graphs.clear();
    return true;
  }

  /**
   * The files of `folder` whose %include lines reach `file` (nasm's search: each name in the
   * program's directory, then in `includePaths`), best first: programs no other file includes
   * before the parts of a program, then the shortest chain of includes, then by path.
   */
  programsReading(file: string, folder: string, includePaths: readonly string[], depth = SCAN_LIMITS.depth): string[] {
    return this.programsReachingInto(file, folder, includePaths, depth);
  }

  /**
   * The files of `folder` whose %include lines reach `place`, a file or any file under a folder
   * (a folder being moved), other than those under it, in programsReading's order.
   */
  programsReachingInto(place: string, folder: string, includePaths: readonly string[], depth = SCAN_LIMITS.depth): string[] {
    const graph = this.graphOf(folder, includePaths, depth);
    const included = graph.included ??= this.includedIn(graph);
    const under = (f: string) => f === place || f.startsWith(`${place}/`);
    const reaches: Reach[] = [];
    for (const program of graph.files) {
      if (under(program)) continue;
      let steps: number | undefined;
      for (const [f, n] of this.reachOf(graph, program)) if (under(f) && (steps === undefined || n < steps)) steps = n;
      if (steps !== undefined) reaches.push({ program, steps, included: included.has(program) });
    }
    reaches.sort((a, b) => Number(a.included) - Number(b.included) || a.steps - b.steps || (a.program < b.program ? -1 : a.program > b.program ? 1 : 0));
    return reaches.map((r) => r.program);
  }

  private graphOf(folder: string, includePaths: readonly string[], depth: number): FolderGraph {
    const key = `${folder}\n${depth}\n${includePaths.join('\n')}`;
    let graph = this.graphs.get(key);
    if (graph === undefined) {
      graph = { folder, files: listSources(folder, depth), includePaths, resolved: new Map(), reach: new Map() };
      this.graphs.set(key, graph);
    }
    return graph;
  }

  /** The file `name` is taken from when `program` is assembled (nasm's search, see searchPlaces). */
  private resolve(graph: FolderGraph, program: string, name: string): string | undefined {
    const key = `${dirName(program)}\n${name}`;
    if (!graph.resolved.has(key)) graph.resolved.set(key, searchPlaces(program, undefined, graph.includePaths, name).find(isFile));
    return graph.resolved.get(key);
  }

  private includedIn(graph: FolderGraph): Set<string> {
    const out = new Set<string>();
    for (const f of graph.files) {
      for (const name of this.namesOf(f)) {
        const target = this.resolve(graph, f, name);
        if (target !== undefined) out.add(target);
      }
    }
    return out;
  }

  /** Every file `program`'s %include lines reach, breadth first, with the steps to it. */
  private reachOf(graph: FolderGraph, program: string): ReadonlyMap<string, number> {
    let reach = graph.reach.get(program);
    if (reach !== undefined) return reach;
    const steps = new Map<string, number>();
    let level = [program];
    for (let step = 1; step <= MAX_CHAIN && level.length > 0; step++) {
      const next: string[] = [];
      for (const at of level) {
        for (const name of this.namesOf(at)) {
          const target = this.resolve(graph, program, name);
          if (target === undefined || target === program || steps.has(target)) continue;
          steps.set(target, step);
          next.push(target);
        }
      }
      level = next;
    }
    reach = steps;
    graph.reach.set(program, reach);
    return reach;
  }

  private namesOf(path: string): readonly string[] {
    let names = this.names.get(path);
    if (names === undefined) {
      names = includeNames(diskText(path));
      this.names.set(path, names);
    }
    return names;
  }
}

/** The names of a text's %include lines, in order (the first SCAN_LIMITS.chars characters). */
export function includeNames(text: string): string[] {
  const head = text.length > SCAN_LIMITS.chars ? text.slice(0, SCAN_LIMITS.chars) : text;
  if (!/%include/i.test(head)) return [];
  const out: string[] = [];
  for (const m of head.matchAll(INCLUDE_LINE)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (name !== undefined && name !== '') out.push(name);
  }
  return out;
}

/**
 * A file's text from the disk for its %include lines: its first SCAN_LIMITS.chars bytes, read as
 * UTF-8 only when they write `%include` (most files of a folder do not); empty when unreadable.
 */
function diskText(path: string): string {
  let bytes: Buffer;
  try {
    if (!isFile(path)) return '';
    bytes = readFileSync(path);
  } catch {
    return '';
  }
  const head = bytes.length > SCAN_LIMITS.chars ? bytes.subarray(0, SCAN_LIMITS.chars) : bytes;
  return /%include/i.test(head.toString('latin1')) ? head.toString('utf8') : '';
}

/**
 * The guest sources and include files under `folder` (the extensions the editor watches), breadth
 * first, at most SCAN_LIMITS.files of them and `depth` folders down; folders whose names start
 * with a dot and node_modules are skipped, as is any folder that cannot be read.
 */
function listSources(folder: string, depth: number): string[] {
  const out: string[] = [];
  let level = [folder];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) {
          if (!e.name.startsWith('.') && e.name !== 'node_modules') next.push(path);
        } else if (WATCHED_EXTENSIONS.includes(extname(e.name).slice(1).toLowerCase())) {
          out.push(path);
          if (out.length >= SCAN_LIMITS.files) return out;
        }
      }
    }
    level = next;
  }
  return out;
}

/** Whether `path` is below `folder`. */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith('/');
}


function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** The process's index (every AnalysisCache reads the same disk). */
export const includers = new IncluderIndex();
