// The read-only virtual documents (`ringside-preprocessed:` URIs) the "Show Preprocessed Source
// (nasm -E)" command opens: a guest file as `nasm -E` prints it, made again whenever VS Code asks
// for the content, which it does when the source or a file it includes changes (see `sourceChanged`).

import * as vscode from 'vscode';

export const PREPROCESSED_SCHEME = 'ringside-preprocessed';

export class PreprocessedProvider implements vscode.TextDocumentContentProvider {
  /** The source of each document shown, by the document's URI. */
  private readonly sources = new Map<string, vscode.Uri>();
  /** The files each document's last text was made from (its source and the files it includes), by the document's URI. */
  private readonly read = new Map<string, readonly string[]>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly render: (source: vscode.TextDocument) => { readonly text: string; readonly files: readonly string[] }) {}

  /** The URI that shows `source` preprocessed (shown again, its content is made anew). */
  publish(source: vscode.Uri): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PREPROCESSED_SCHEME, path: `${source.path}.i` });
    this.sources.set(uri.toString(), source);
    this.changed.fire(uri);
    return uri;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = this.sources.get(uri.toString());
    if (source === undefined) return '';
    const { text, files } = this.render(await vscode.workspace.openTextDocument(source));
    this.read.set(uri.toString(), files);
    return text;
  }

  /** A document was edited: the preprocessed views of it, and of the sources that include it, are made again. */
  sourceChanged(doc: vscode.TextDocument): void {
    const changed = doc.uri.toString();
    const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
    for (const [uri, source] of this.sources) {
      if (source.toString() === changed || (file !== undefined && this.read.get(uri)?.includes(file) === true)) this.changed.fire(vscode.Uri.parse(uri));
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
