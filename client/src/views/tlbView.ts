// The TLB view (Run and Debug container): entries and counters from `ringside/tlb`, read again at
// every stop of the shown session and shown with the change since the previous stop.

import type * as vscode from 'vscode';
import { TLB_REQUEST, type TlbResponse } from '../../../core/src/protocol';
import { ringsideRequest } from '../debug/customRequest';
import type { GuestSessionWatcher } from '../debug/guestSessionWatcher';
import { StopView } from './stopView';
import { tlbContent } from './tlbModel';
import type { ViewContent } from './viewNode';

export const TLB_VIEW = 'ringside.tlb';

export class TlbView extends StopView {
  private previous: { readonly sessionId: string; readonly response: TlbResponse } | undefined;

  constructor(watcher: GuestSessionWatcher) {
    super(TLB_VIEW, {}, { kept: 'entries', errorId: 'tlb:error', errorLabel: 'Could not read the TLB' });
    this.follow(watcher);
  }

  protected ended(): void {
    this.previous = undefined;
  }

  protected async read(session: vscode.DebugSession, current: () => boolean): Promise<ViewContent> {
    const r = await ringsideRequest(session, TLB_REQUEST, {});
    const before = this.previous?.sessionId === session.id ? this.previous.response : undefined;
    if (current()) this.previous = { sessionId: session.id, response: r };
    return tlbContent(r, before);
  }
}
