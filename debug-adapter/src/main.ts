// Entry of `dist/debugAdapter.js`: the Ringside debug adapter speaking DAP over stdin/stdout.
// The extension runs the same session inline by importing RingsideDebugSession from ./session.

import { DebugSession } from '@vscode/debugadapter';
import { RingsideDebugSession } from './session';

export { RingsideDebugSession };

DebugSession.run(RingsideDebugSession);
