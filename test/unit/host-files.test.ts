// What the command line and the debugger read for `%include` and `incbin` (core/src/host-files.ts):
// no file name makes them wait for ever or fill the heap. nasm 2.16.01, measured: `incbin` of a
// character device puts out nothing (its length is where a seek to the end lands, 0), `%include
// "/dev/null"` is an empty file, and `%include "/dev/zero"` or a FIFO nobody writes to never ends;
// a directory opens, is an empty file to `%include` and cannot be read by `incbin`.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../core/src/cli/main';
import { UNREADABLE_DIRECTORY } from '../../core/src/asm/api';
import { readIncbinBytes, readSourceBytes } from '../../core/src/host-files';
import { GuestSession } from '../../core/src/runtime/session';
import { OverlayFileHost } from '../../server/src/analysis/fileHost';
import { planLaunch } from '../../debug-adapter/src/launch';
import { hasNasm } from '../support/random';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'core', 'src', 'cli', 'main.ts');

describe('host files: what %include and incbin read from the disk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-host-files-'));
  const fifo = path.join(dir, 'fifo');
  before(() => {
    const made = spawnSync('mkfifo', [fifo]);
    assert.equal(made.status, 0, 'mkfifo');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file whole, a directory as nothing, and a missing file as undefined', () => {
    const file = path.join(dir, 'a.bin');
    fs.writeFileSync(file, Buffer.from([1, 2, 3, 0, 255]));
    assert.deepEqual(Array.from(readSourceBytes(file)!), [1, 2, 3, 0, 255]);
    assert.deepEqual(Array.from(readIncbinBytes(file) as Uint8Array), [1, 2, 3, 0, 255]);
    assert.equal(readSourceBytes(dir)?.length, 0);
    assert.equal(readIncbinBytes(dir), UNREADABLE_DIRECTORY);
    assert.equal(readSourceBytes(path.join(dir, 'missing')), undefined);
    assert.equal(readIncbinBytes(path.join(dir, 'missing')), undefined);
  });

  describe('a directory, a broken link and a link loop, as nasm 2.16.01 reads them', () => {
    // Each program is assembled in `where`, which holds the directory `d`, the link `broken` to
    // nothing and the links `loop1` and `loop2` to each other. The references are nasm 2.16.01's
    // output there (on ext4), from `nasm -f bin NAME.asm -o nasm.bin`.
    const where = path.join(dir, 'links');
    before(() => {
      fs.mkdirSync(path.join(where, 'd'), { recursive: true });
      fs.symlinkSync('nowhere', path.join(where, 'broken'));
      fs.symlinkSync('loop2', path.join(where, 'loop1'));
      fs.symlinkSync('loop1', path.join(where, 'loop2'));
    });
    const run = (name: string, text: string) => {
      fs.writeFileSync(path.join(where, name), text);
      let err = '';
      const home = process.cwd();
      process.chdir(where);
      try {
        const code = main(['asm', name, '-o', `${name}.bin`], { out: () => undefined, err: (t) => { err += t; } });
        // (nasm names no column.)
        return { code, err: err.replace(/^([^:\n]+:\d+):\d+:/gm, '$1:'), bytes: code === 0 ? Array.from(fs.readFileSync(path.join(where, `${name}.bin`))) : undefined };
      } finally {
        process.chdir(home);
      }
    };

    it('`%include` of a directory is an empty file, and `incbin` of one for no bytes puts out nothing', () => {
      // nasm: exit 0, no message, 01 02 03.
      const r = run('empty.asm', 'db 1\n%include "d"\ndb 2\nincbin "d", 0, 0\ntimes 0 incbin "d"\ndb 3\n');
      assert.deepEqual(r, { code: 0, err: '', bytes: [1, 2, 3] });
    });

    it('`incbin` of a directory cannot read it', () => {
      const r = run('refused.asm', 'db 1\ntimes 2 incbin "d"\nincbin "d", 2, 1\n');
      assert.deepEqual(r, {
        code: 1,
        err: [
          "refused.asm:2: error: `incbin': unexpected EOF while reading file `d'",
          "refused.asm:2: error: `incbin': error while reading file `d'",
          "refused.asm:3: error: `incbin': unexpected EOF while reading file `d'",
          "refused.asm:3: error: `incbin': error while reading file `d'",
        ].map((l) => `${l}\n`).join(''),
        bytes: undefined,
      });
    });

    it('a broken link and a link loop are no file, to `%include` and `incbin` alike', () => {
      const r = run('links.asm', 'db 1\n%include "broken"\nincbin "loop1"\n%include "loop1"\nincbin "broken"\n');
      assert.deepEqual(r, {
        code: 1,
        err: [
          "links.asm:2: error: unable to open include file `broken': No such file or directory",
          "links.asm:3: error: `incbin': unable to get length of file `loop1'",
          "links.asm:4: error: unable to open include file `loop1': No such file or directory",
          "links.asm:5: error: `incbin': unable to get length of file `broken'",
        ].map((l) => `${l}\n`).join(''),
        bytes: undefined,
      });
    });

    it('the language server reads a directory as the command line does', () => {
      const host = new OverlayFileHost();
      assert.equal(host.readFile(path.join(where, 'd')), '');
      assert.equal(host.readBinary(path.join(where, 'd')), UNREADABLE_DIRECTORY);
      assert.equal(host.readFile(path.join(where, 'broken')), undefined);
      assert.equal(host.readBinary(path.join(where, 'loop1')), undefined);
    });
  });

  it('takes a device or a FIFO as what it holds, refuses one without end as a source, and never waits', () => {
    assert.equal(readSourceBytes('/dev/null')?.length, 0);
    assert.equal(readSourceBytes('/dev/zero'), undefined);
    assert.equal(readSourceBytes('/dev/urandom'), undefined);
    // (Opened without blocking: no writer, nothing to read.)
    assert.equal(readSourceBytes(fifo)?.length, 0);
    for (const device of ['/dev/null', '/dev/zero', '/dev/urandom', fifo]) assert.equal(readIncbinBytes(device)?.length, 0, device);
  });

  it('the CLI puts out nothing for `incbin` of a device, as nasm does, and refuses `%include "/dev/zero"`', () => {
    fs.writeFileSync(path.join(dir, 'devices.asm'), 'db 1\nincbin "/dev/zero"\ndb 2\nincbin "/dev/urandom"\ndb 3\n');
    let err = '';
    const code = main(['asm', path.join(dir, 'devices.asm'), '-o', path.join(dir, 'devices.bin')], { out: () => undefined, err: (t) => { err += t; } });
    assert.equal(code, 0, err);
    assert.deepEqual(Array.from(fs.readFileSync(path.join(dir, 'devices.bin'))), [1, 2, 3]);
    if (hasNasm) {
      const nasm = spawnSync('nasm', ['-f', 'bin', 'devices.asm', '-o', 'nasm.bin'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      assert.equal(nasm.status, 0, nasm.stderr);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'nasm.bin')), fs.readFileSync(path.join(dir, 'devices.bin')));
    }
    fs.writeFileSync(path.join(dir, 'endless.asm'), 'db 1\n%include "/dev/zero"\n');
    err = '';
    assert.equal(main(['asm', path.join(dir, 'endless.asm'), '-o', path.join(dir, 'endless.bin')], { out: () => undefined, err: (t) => { err += t; } }), 1);
    assert.match(err, /endless\.asm:2:10: error: unable to open include file `\/dev\/zero'/);
  });

  it('the CLI reads a device named as its input as %include does, refusing one without end', () => {
    let err = '';
    const run = (input: string) => { err = ''; return main(['asm', input, '-o', path.join(dir, 'input.bin')], { out: () => undefined, err: (t) => { err += t; } }); };
    assert.equal(run('/dev/zero'), 1);
    assert.equal(err, "/dev/zero: error: unable to open input file `/dev/zero': it did not end within 16 MiB\n");
    assert.equal(run('/dev/null'), 0, err);
    assert.equal(fs.statSync(path.join(dir, 'input.bin')).size, 0);
  });

  // As `cat` reads it, so that `ringside asm <(generate)` assembles what `generate` writes, however
  // late it starts (it read nothing, an empty pipe being "nothing yet", and wrote an empty image).
  it('the CLI waits for a FIFO named as its input to be written and closed', () => {
    const piped = path.join(dir, 'late.asm');
    assert.equal(spawnSync('mkfifo', [piped]).status, 0);
    const writer = spawn('sh', ['-c', 'sleep 0.3; printf "db 1\\n" > "$1"; sleep 0.2; printf "db 2\\n" > "$1"', 'sh', piped], { stdio: 'ignore' });
    let err = '';
    const status = main(['asm', piped, '-o', path.join(dir, 'late.bin')], { out: () => undefined, err: (t) => { err += t; } });
    writer.kill();
    assert.equal(status, 0, err);
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'late.bin'))], [1]);
  });

  it('the CLI refuses an endless standard input at the stream limit', function () {
    this.timeout(20_000);
    const zero = fs.openSync('/dev/zero', 'r');
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'disasm', '-'], { cwd: ROOT, stdio: [zero, 'pipe', 'pipe'], encoding: 'utf8' });
      assert.deepEqual([r.status, r.stderr, r.stdout], [1, "-: error: unable to open input file `-': it did not end within 16 MiB\n", '']);
    } finally {
      fs.closeSync(zero);
    }
  });

  it('the language server reads them as the command line does, without opening a device or a FIFO', () => {
    const host = new OverlayFileHost();
    for (const device of ['/dev/null', '/dev/zero', '/dev/urandom', fifo]) {
      assert.equal(host.readBinary(device)?.length, 0, device);
      assert.equal(host.readFile(device), undefined, device);
    }
    assert.equal(host.readBinary(path.join(dir, 'missing')), undefined);
  });

  it('the debugger reads an image that is an endless device as an error, and a FIFO as empty', () => {
    const zero = path.join(dir, 'zero.bin');
    fs.symlinkSync('/dev/zero', zero);
    const refused = planLaunch({ program: zero }, dir);
    assert.ok(!refused.ok);
    assert.equal(refused.message, `cannot read the image ${zero}: not a file, or a stream that did not end within 16 MiB`);
    const piped = path.join(dir, 'piped.bin');
    assert.equal(spawnSync('mkfifo', [piped]).status, 0);
    const plan = planLaunch({ program: piped }, dir);
    assert.ok(plan.ok && plan.options.image?.length === 0);
  });

  // test/fixtures/qemu/serial/bytes.asm holds a Latin-1 byte in a string and lines that end in a
  // lone CR; nasm's image of it is bytes.bin. (The debugger read a source as UTF-8: the byte became
  // U+FFFD, three bytes in the image.)
  it('the debugger assembles a source as nasm reads its bytes, and tells a guest without an extension by its contents', () => {
    const serial = path.join(ROOT, 'test', 'fixtures', 'qemu', 'serial');
    const nasmImage = new Uint8Array(fs.readFileSync(path.join(serial, 'bytes.bin')));
    fs.copyFileSync(path.join(serial, 'bytes.asm'), path.join(dir, 'latin1-guest'));
    fs.copyFileSync(path.join(serial, 'bytes.bin'), path.join(dir, 'latin1-kernel'));
    for (const program of [path.join(serial, 'bytes.asm'), path.join(dir, 'latin1-guest')]) {
      const plan = planLaunch({ program }, dir);
      assert.ok(plan.ok && plan.options.source !== undefined, program);
      const loaded = GuestSession.load(plan.options);
      assert.ok(loaded.ok, program);
      assert.deepEqual(loaded.session.assembled?.image, nasmImage, program);
    }
    const plan = planLaunch({ program: path.join(dir, 'latin1-kernel') }, dir);
    assert.ok(plan.ok);
    assert.deepEqual(plan.options.image, nasmImage);
  });

  it('the debugger loads a guest that includes an endless device with the assembler\'s error, not a hang', () => {
    fs.writeFileSync(path.join(dir, 'guest.gasm'), 'bits 32\n%include "/dev/zero"\n');
    const loaded = GuestSession.load({ source: { file: path.join(dir, 'guest.gasm') } });
    assert.ok(!loaded.ok);
    assert.deepEqual(loaded.diagnostics?.map((d) => [d.range.start.line, d.message]), [[1, "unable to open include file `/dev/zero': No such file or directory"]]);
  });
});
