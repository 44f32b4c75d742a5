// Path arithmetic for %include and incbin without node:path, so the assembler also runs where only
// a FileHost exists (the language server's unsaved buffers use URI-like names).

export function dirName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? '' : file.slice(0, i);
}

/** The file's own name, without its directory. */
export function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/** `path` from `dir` when it is inside it (an -I directory beside the main file reads as it was written), else whole. */
export function shortPath(path: string, dir: string): string {
  return dir !== '' && path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
}

export function joinPath(dir: string, name: string): string {
  if (isAbsolute(name) || dir === '') return normalize(name);
  return normalize(dir.endsWith('/') || dir.endsWith('\\') ? dir + name : `${dir}/${name}`);
}

/**
 * Where `%include`, `incbin` and `%pathsearch` look for `name`, in order, as nasm does: in its
 * working directory (`workingDirectory`; absent, the main file's, which `cd dir && nasm file.asm`
 * makes it), then under each `-I` directory.
 */
export function searchPlaces(mainFile: string, workingDirectory: string | undefined, includePaths: readonly string[], name: string): string[] {
  return [joinPath(workingDirectory ?? dirName(mainFile), name), ...includePaths.map((p) => joinPath(p, name))];
}

export function isAbsolute(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || /^[a-z][a-z0-9+.-]*:\/\//.test(name);
}

/** Removes `.` and `dir/..` segments so one file always has one name. */
export function normalize(path: string): string {
  const schemeMatch = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/.exec(path);
  const prefix = schemeMatch ? schemeMatch[0] : '';
  const rest = path.slice(prefix.length);
  const absolute = rest.startsWith('/');
  const out: string[] = [];
  for (const seg of rest.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return prefix + (absolute ? '/' : '') + out.join('/');
}
