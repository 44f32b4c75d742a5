// A scratch folder of source files for a describe block that runs nasm: made before its tests
// (which skip when nasm is not on PATH) and removed after them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasNasm } from './random';

/** Call inside `describe`: the folder's path, holding `files` (paths relative to it) once the block's tests run. */
export function nasmWorkspace(prefix: string, files: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  before(function () {
    if (!hasNasm) this.skip();
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
