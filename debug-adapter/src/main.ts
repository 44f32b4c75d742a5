// The debug adapter's bundle (dist/debugAdapter-main.js, loaded by entry.ts as dist/debugAdapter.js):
// the Ringside debug adapter speaking DAP over stdin/stdout.

import { DebugSession } from '@vscode/debugadapter';
import { RingsideDebugSession } from './session';

export { RingsideDebugSession };

DebugSession.run(RingsideDebugSession);
