// Typed calls of Ringside's custom DAP requests (core/src/protocol.ts): the name fixes the
// argument and response types, so a view cannot ask for one shape and read another.

import type * as vscode from 'vscode';
import type { RingsideRequest, RingsideRequests } from '../../../core/src/protocol';

export async function ringsideRequest<K extends RingsideRequest>(
  session: vscode.DebugSession, command: K, args: RingsideRequests[K]['arguments'],
): Promise<RingsideRequests[K]['response']> {
  return (await session.customRequest(command, args)) as RingsideRequests[K]['response'];
}

/** The message of a failed request (the adapter's error text, or what went wrong in transport). */
export function requestError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
