// The `ringside` command as installed (dist/cli.js, its entry core/src/cli/entry.ts): it loads the
// command line's bundle through a V8 code cache kept for each subcommand. Each run is a fresh
// process, as a user's is: the first writes the command's cache, for this user alone, and a later
// run of the same command gives the same output without writing it again (V8 took it: a cache V8
// refuses is written anew, see code-cache.test.ts); RINGSIDE_CODE_CACHE=off keeps none.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLineCacheArguments } from '../../core/src/startup/codeCache';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const hello = join(root, 'examples', 'hello', 'hello.gasm');
const include = join(root, 'examples', 'include') + '/';

describe('the command line: its code cache', () => {
  let scratch: string;
  beforeEach(() => { scratch = mkdtempSync(join(tmpdir(), 'ringside-cli-cache-')); });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** `ringside ARGS` with RINGSIDE_CODE_CACHE=`cache` (unset when undefined) and the per-user cache folder under `xdg`. */
  const ringside = (args: readonly string[], cache: string | undefined, xdg = join(scratch, 'xdg')) => {
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: xdg, RINGSIDE_CODE_CACHE: cache };
    if (cache === undefined) delete env.RINGSIDE_CODE_CACHE;
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: scratch, encoding: 'utf8', env });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const caches = (folder: string) => readdirSync(folder).filter((n) => n.endsWith('.v8-code-cache')).sort();
  /** The file's identity and time: a cache written anew is another file (written aside, then renamed). */
  const stamp = (file: string) => { const st = statSync(file); return `${st.ino}:${st.mtimeMs}`; };

  it('is written by the first run of a command and taken by the next, which gives the same output', () => {
    const folder = join(scratch, 'cache');
    const args = ['asm', hello, '-I', include, '-o', 'out.bin', '-l', 'out.lst'];
    const first = ringside(args, folder);
    assert.equal(first.code, 0, first.err);
    const image = readFileSync(join(scratch, 'out.bin'));
    const listing = readFileSync(join(scratch, 'out.lst'), 'utf8');
    const [file, ...more] = caches(folder);
    assert.match(file ?? '', /^cli-main\.js@asm-[0-9a-f]{32}\.v8-code-cache$/);
    assert.deepEqual(more, []);
    if (process.platform !== 'win32') assert.equal(statSync(join(folder, file)).mode & 0o777, 0o600);
    const written = stamp(join(folder, file));
    rmSync(join(scratch, 'out.bin'));
    const second = ringside(args, folder);
    assert.deepEqual(second, first);
    assert.deepEqual(readFileSync(join(scratch, 'out.bin')), image);
    assert.equal(readFileSync(join(scratch, 'out.lst'), 'utf8'), listing);
    assert.equal(stamp(join(folder, file)), written, 'V8 took the cache, so it was not written again');
  });

  it('is kept for each command apart, in the per-user cache folder unless told otherwise', function () {
    if (process.platform !== 'linux') this.skip(); // (XDG_CACHE_HOME names that folder on Linux alone.)
    const xdg = join(scratch, 'xdg');
    const own = join(xdg, 'ringside');
    assert.equal(ringside(['asm', hello, '-I', include, '-o', 'out.bin'], undefined, xdg).code, 0);
    const disasm = ringside(['disasm', 'out.bin', '--org', '0x100000'], undefined, xdg);
    assert.equal(disasm.code, 0, disasm.err);
    const command = (n: string) => n.slice('cli-main.js@'.length, n.indexOf('-', 'cli-main.js@'.length));
    assert.deepEqual(caches(own).map(command), ['asm', 'disasm']);
    // None with RINGSIDE_CODE_CACHE=off, and none for a run with no command (help, a version, a typo).
    rmSync(xdg, { recursive: true });
    assert.equal(ringside(['asm', hello, '-I', include, '-o', 'again.bin'], 'off', xdg).code, 0);
    assert.deepEqual(readFileSync(join(scratch, 'again.bin')), readFileSync(join(scratch, 'out.bin')));
    assert.equal(ringside(['--version'], undefined, xdg).code, 0);
    assert.equal(ringside(['frob'], undefined, xdg).code, 2);
    assert.throws(() => readdirSync(xdg), /ENOENT/);
  });

  it('lives where RINGSIDE_CODE_CACHE says, else in the per-user cache folder', () => {
    assert.deepEqual(commandLineCacheArguments({}), []);
    assert.deepEqual(commandLineCacheArguments({ RINGSIDE_CODE_CACHE: '' }), []);
    assert.deepEqual(commandLineCacheArguments({ RINGSIDE_CODE_CACHE: 'off' }), ['--no-code-cache']);
    assert.deepEqual(commandLineCacheArguments({ RINGSIDE_CODE_CACHE: '/var/tmp/rc' }), ['--code-cache=/var/tmp/rc']);
  });
});
