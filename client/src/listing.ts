// The read-only virtual documents (`ringside-listing:` URIs) the "Show Listing" command opens.

import * as vscode from 'vscode';

export const LISTING_SCHEME = 'ringside-listing';

export class ListingProvider implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Stores a listing for the source file and returns the URI that shows it. */
  publish(source: vscode.Uri, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: LISTING_SCHEME, path: source.path + '.lst' });
    this.contents.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}
