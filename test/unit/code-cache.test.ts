// A bundle loaded through a V8 code cache (core/src/startup/codeCache.ts), as the language server's
// and the debug adapter's entries load theirs: where the cache lives, which folders it refuses,
// and, each load in a fresh process as a server or adapter start is,
// that V8 takes a cache written after a run, refuses a damaged one or one made under other flags
// (and the cache is then written anew), and that the bundle behaves the same either way.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BundleSource, cacheFolderProblem, codeCacheDirectory, keptFact } from '../../core/src/startup/codeCache';

const root = join(__dirname, '..', '..');
const posix = process.platform !== 'win32';

describe('code cache: its folder', () => {
  it('is the one given with --code-cache=, none with --no-code-cache', () => {
    assert.equal(codeCacheDirectory(['node', 's', '--stdio', '--code-cache=/x/y'], {}, 'linux', '/home/u'), '/x/y');
    assert.equal(codeCacheDirectory(['node', 's', '--no-code-cache', '--code-cache=/x/y'], {}, 'linux', '/home/u'), undefined);
  });

  it("is otherwise the platform's per-user cache folder", () => {
    assert.equal(codeCacheDirectory([], {}, 'linux', '/home/u'), '/home/u/.cache/ringside');
    assert.equal(codeCacheDirectory([], { XDG_CACHE_HOME: '/var/cache/u' }, 'linux', '/home/u'), '/var/cache/u/ringside');
    // (The XDG base directory specification: a relative path is invalid and ignored.)
    assert.equal(codeCacheDirectory([], { XDG_CACHE_HOME: 'rel' }, 'linux', '/home/u'), '/home/u/.cache/ringside');
    assert.equal(codeCacheDirectory([], {}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/ringside');
    assert.equal(codeCacheDirectory([], { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'), join('C:\\Users\\u\\AppData\\Local', 'ringside', 'Cache'));
    assert.equal(codeCacheDirectory([], {}, 'win32', ''), undefined);
    assert.equal(codeCacheDirectory([], {}, 'linux', ''), undefined);
  });

  describe('on this machine', () => {
    let scratch: string;
    beforeEach(() => { scratch = mkdtempSync(join(tmpdir(), 'ringside-cache-folder-')); });
    afterEach(() => rmSync(scratch, { recursive: true, force: true }));

    it('is made, readable and writable by this user alone', function () {
      if (!posix) this.skip();
      const folder = join(scratch, 'a', 'b');
      assert.equal(cacheFolderProblem(folder), undefined);
      assert.equal(statSync(folder).mode & 0o777, 0o700);
    });

    it('is refused when others can write to it, when it is a link, or not a folder', function () {
      if (!posix) this.skip();
      const open = join(scratch, 'open');
      mkdirSync(open);
      chmodSync(open, 0o777);
      assert.match(cacheFolderProblem(open) ?? '', /can be written by other users/);
      const mine = join(scratch, 'mine');
      mkdirSync(mine, { mode: 0o700 });
      symlinkSync(mine, join(scratch, 'link'));
      assert.match(cacheFolderProblem(join(scratch, 'link')) ?? '', /is not a folder/);
      writeFileSync(join(scratch, 'file'), '');
      assert.ok(cacheFolderProblem(join(scratch, 'file')) !== undefined);
    });
  });
});

/** A bundle of many functions, most compiled only when called, as esbuild's bundles are. */
function bundleSource(variant: number): string {
  const parts = ['"use strict";', "const { basename } = require('node:path');"];
  for (let i = 0; i < 400; i++) parts.push(`function f${i}(x) { let s = x; for (let k = 0; k < ${i % 7 + 1}; k++) s = (s * 31 + ${i}) % 1000003; return s; }`);
  const all = Array.from({ length: 400 }, (_, i) => `f${i}`).join(', ');
  parts.push(`module.exports = { variant: ${variant}, answer() { let s = 0; for (const f of [${all}]) s = f(s); return s; }, file: basename(__filename), fail() { throw new Error('from the bundle'); } };`);
  return parts.join('\n');
}

interface Load { use: string; answer: number; file: string; variant: number; failedAt: string; kept?: string }

/** Loads `bundle` in a fresh process through the cache in `folder`, then keeps the cache if `keep`. */
function load(bundle: string, folder: string, { keep = true, nodeFlags = [] as string[] } = {}): Load {
  const script = `
    const { loadBundle } = require(${JSON.stringify(join(root, 'core/src/startup/codeCache.ts'))});
    const b = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(folder)});
    let failedAt = '';
    try { b.exports.fail(); } catch (e) { failedAt = e.stack.split('\\n')[1].trim(); }
    const out = { use: b.cacheUse, answer: b.exports.answer(), file: b.exports.file, variant: b.exports.variant, failedAt };
    if (${keep}) out.kept = b.keep();
    console.log(JSON.stringify(out));`;
  const run = spawnSync(process.execPath, [...nodeFlags, '-r', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Load;
}

/** What `require` makes of the same bundle, for comparison. */
function required(bundle: string): Omit<Load, 'use' | 'kept'> {
  const m = createRequire(__filename)(bundle) as { answer(): number; file: string; variant: number; fail(): never };
  let failedAt = '';
  try { m.fail(); } catch (e) { failedAt = (e as Error).stack!.split('\n')[1].trim(); }
  return { answer: m.answer(), file: m.file, variant: m.variant, failedAt };
}

const caches = (folder: string) => readdirSync(folder).filter((n) => n.endsWith('.v8-code-cache'));
const behaviour = ({ answer, file, variant, failedAt }: Load) => ({ answer, file, variant, failedAt });

describe('code cache: a bundle loaded through it', () => {
  let scratch: string;
  let folder: string;
  let bundle: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ringside-code-cache-'));
    folder = join(scratch, 'cache');
    mkdirSync(folder, { mode: 0o700 });
    bundle = join(scratch, 'bundle.js');
    writeFileSync(bundle, bundleSource(1));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('runs as `require` runs it, with or without a cache', () => {
    const first = load(bundle, folder);
    assert.equal(first.use, 'absent');
    const second = load(bundle, folder);
    assert.equal(second.use, 'accepted');
    assert.deepEqual(behaviour(first), required(bundle));
    assert.deepEqual(behaviour(second), required(bundle));
    // (Stack traces point into the file: the first line's columns are the file's.)
    assert.match(first.failedAt, /bundle\.js:\d+:\d+\)$/);
  });

  it('writes the cache once start-up ran, for this user alone, and V8 takes it at the next start', () => {
    const first = load(bundle, folder);
    assert.match(first.kept ?? '', /^code cache written/);
    const [file] = caches(folder);
    assert.ok(file !== undefined);
    if (posix) assert.equal(statSync(join(folder, file)).mode & 0o777, 0o600);
    const second = load(bundle, folder);
    assert.equal(second.use, 'accepted');
    assert.equal(second.kept, undefined, 'a cache V8 took is not written again');
    assert.deepEqual(caches(folder), [file]);
  });

  it('a cache that cannot be written is said so, and leaves no partial file behind', () => {
    load(bundle, folder);
    const [file] = caches(folder);
    // (A folder where the cache file goes: it reads as none, and the rename onto it fails.)
    rmSync(join(folder, file));
    mkdirSync(join(folder, file));
    const blocked = load(bundle, folder);
    assert.equal(blocked.use, 'absent');
    assert.deepEqual(behaviour(blocked), required(bundle));
    assert.match(blocked.kept ?? '', /^code cache not written: /);
    assert.deepEqual(readdirSync(folder), [file]);
  });

  it('a damaged cache is refused by V8, changes nothing, and is written anew', () => {
    load(bundle, folder);
    const [file] = caches(folder);
    writeFileSync(join(folder, file), Buffer.alloc(4096, 0x5a));
    const damaged = load(bundle, folder);
    assert.equal(damaged.use, 'rejected');
    assert.deepEqual(behaviour(damaged), required(bundle));
    assert.match(damaged.kept ?? '', /^code cache written/);
    assert.equal(load(bundle, folder).use, 'accepted');
  });

  it('a cache made under other V8 flags is refused (why the server writes it with its flags as at start-up)', () => {
    load(bundle, folder, { nodeFlags: ['--no-turbofan'] });
    assert.equal(load(bundle, folder, { keep: false }).use, 'rejected');
  });

  it("a changed bundle never reads the old bundle's cache; the oldest of its others go", () => {
    load(bundle, folder);
    const old = caches(folder)[0];
    // Five caches of other versions, older than the first.
    for (let i = 0; i < 5; i++) {
      const stale = join(folder, `bundle.js-${'0'.repeat(31)}${i}.v8-code-cache`);
      writeFileSync(stale, 'x');
      utimesSync(stale, 1000 + i, 1000 + i);
    }
    // And one of another bundle sharing the folder (the server's and the adapter's do), older still.
    const neighbour = join(folder, `other.js-${'0'.repeat(32)}.v8-code-cache`);
    writeFileSync(neighbour, 'x');
    utimesSync(neighbour, 10, 10);
    // Facts of two of those builds: the oldest's goes with its cache, the newest's stays.
    for (const i of [0, 4]) {
      const fact = join(folder, `bundle.js-${'0'.repeat(31)}${i}.probe-safe`);
      writeFileSync(fact, '');
      utimesSync(fact, 1000 + i, 1000 + i);
    }
    writeFileSync(bundle, bundleSource(2));
    const changed = load(bundle, folder);
    assert.equal(changed.use, 'absent');
    assert.equal(changed.variant, 2);
    const left = caches(folder).filter((n) => n.startsWith('bundle.js-'));
    assert.equal(left.length, 4);
    assert.ok(caches(folder).includes(basename(neighbour)), "another bundle's cache stays");
    assert.ok(left.includes(old), 'the newest of the others is kept');
    assert.ok(left.includes(`bundle.js-${'0'.repeat(31)}4.v8-code-cache`));
    assert.ok(!left.includes(`bundle.js-${'0'.repeat(31)}0.v8-code-cache`));
    assert.ok(readdirSync(folder).includes(`bundle.js-${'0'.repeat(31)}4.probe-safe`));
    assert.ok(!readdirSync(folder).includes(`bundle.js-${'0'.repeat(31)}0.probe-safe`));
  });
});

describe('code cache: facts kept about one build of a bundle', () => {
  let scratch: string;
  let bundle: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ringside-kept-fact-'));
    bundle = join(scratch, 'bundle.js');
    writeFileSync(bundle, bundleSource(1));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('holds once kept, for this user alone, and for that very bundle only', () => {
    const fact = keptFact(scratch, new BundleSource(bundle), 'probe-safe');
    assert.equal(fact.held, false);
    fact.keep();
    assert.equal(keptFact(scratch, new BundleSource(bundle), 'probe-safe').held, true);
    assert.equal(keptFact(scratch, new BundleSource(bundle), 'other-fact').held, false);
    const [file] = readdirSync(scratch).filter((n) => n.endsWith('.probe-safe'));
    assert.equal(file, `bundle.js-${new BundleSource(bundle).key()}.probe-safe`);
    if (posix) assert.equal(statSync(join(scratch, file)).mode & 0o777, 0o600);
    // A new build of the bundle is another: what was found for the old one is not taken for it.
    writeFileSync(bundle, bundleSource(2));
    assert.equal(keptFact(scratch, new BundleSource(bundle), 'probe-safe').held, false);
  });

  it('is never held without a folder, and keeping it there does nothing', () => {
    const fact = keptFact(undefined, new BundleSource(bundle), 'probe-safe');
    fact.keep();
    assert.equal(fact.held, false);
    assert.equal(keptFact(undefined, new BundleSource(bundle), 'probe-safe').held, false);
  });

  it('is not kept where it cannot be written, and that does not throw', () => {
    const fact = keptFact(join(scratch, 'no', 'such', 'folder'), new BundleSource(bundle), 'probe-safe');
    assert.doesNotThrow(() => fact.keep());
    assert.equal(keptFact(join(scratch, 'no', 'such', 'folder'), new BundleSource(bundle), 'probe-safe').held, false);
  });
});
