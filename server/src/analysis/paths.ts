// Document URIs and the file names the assembler works with: `file:` URIs become absolute paths,
// anything else (unsaved `untitled:` buffers) keeps its URI as its name (api.ts SourceRange.file).

import { fileURLToPath, pathToFileURL } from 'node:url';

export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}

export function pathToUri(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path)) return path;
  return pathToFileURL(path).toString();
}
