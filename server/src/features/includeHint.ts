// Why a `%include` found no file, in the editor's terms: the folders the assembler looked in (the
// main file's, which the editor runs nasm from, then each -I folder) and the setting that adds one.
// The resolution itself is the assembler's (core/src/asm/paths.ts searchPlaces); this only explains it.

import { baseName, dirName, isAbsolute, joinPath, shortPath } from '../../../core/src/asm/paths';
import type { AnalyzedDocument } from '../analysis/document';

const SETTING = '`ringside.includePaths`';

/** Where a relative %include is looked for first, in words: beside the main file, or the folder an untitled buffer is assembled from. */
export function firstPlace(doc: AnalyzedDocument): string {
  return doc.home === dirName(doc.rootPath) ? `beside ${baseName(doc.rootPath)}` : `in ${doc.home}`;
}

/**
 * What to add to a missing `%include`'s message: where `target` was looked for and, when a folder
 * between the main file's and the workspace folder holds it (`%include "inc/x.inc"` from
 * `src/main.asm`, as `nasm -I.` run from the workspace folder finds it), that folder to add to
 * ringside.includePaths. Empty for an absolute name, which is looked for nowhere else.
 */
export function missingIncludeHint(doc: AnalyzedDocument, target: string): string {
  if (isAbsolute(target)) return '';
  const home = doc.home;
  const root = doc.workspaceRoot;
  const shown = (dir: string) => (root === undefined ? `${dir}/` : dir === root ? 'the workspace folder' : `${shortPath(dir, root)}/`);
  const others = doc.includePaths.length === 0 ? 'and in no -I folder' : `then in ${doc.includePaths.map(shown).join(', ')}`;
  const looked = `the editor looked in ${shown(home)}, the folder of the file assembled, ${others}`;
  const holder = root === undefined ? undefined : enclosingFolders(home, root).find((d) => !doc.includePaths.includes(d) && doc.isReadable(joinPath(d, target)));
  if (root === undefined || holder === undefined) return `${looked}; add the folder that holds it to ${SETTING}`;
  const entry = holder === root ? '.' : shortPath(holder, root);
  return `${looked}; ${shown(holder)} holds it, where \`nasm -I${entry === '.' ? '.' : `${entry}/`}\` finds it: add "${entry}" to ${SETTING}`;
}

/** The folders above `dir` up to `root` (nearest first), when `dir` is inside `root`; `root` alone otherwise. */
function enclosingFolders(dir: string, root: string): string[] {
  if (!dir.startsWith(`${root}/`)) return [root];
  const out: string[] = [];
  for (let d = dirName(dir); d.length >= root.length; d = dirName(d)) {
    out.push(d);
    if (d === root) break;
  }
  return out;
}
