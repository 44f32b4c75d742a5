// The client's pure debugging helpers: launch configurations (F5 without launch.json, snippets,
// checks with the field named), what "Show Page Walk" accepts as an address (NASM's number forms,
// NASM manual §3.4.1, cross-checked by assembling the same numbers with our NASM-exact
// assembler), and the `ringside run` command line "Run Guest" starts (checked by running it).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assemble } from '../../core/src/asm/index';
import { main as cliMain } from '../../core/src/cli/main';
import { DEBUG_TYPE } from '../../core/src/protocol';
import { parseLinearAddress, translateArguments } from '../../client/src/debug/addressInput';
import { guestFileArgument, initialConfigurations, isEmptyLaunchConfig, isGuestSource, launchConfigFor, resolveLaunchConfig } from '../../client/src/debug/launchConfig';
import { describeRunExit, ringsideRunArguments } from '../../client/src/debug/runArguments';

const ROOT = path.join(__dirname, '..', '..');
const HELLO = path.join(ROOT, 'examples', 'hello', 'hello.gasm');
const NO_DEFAULTS = { includePaths: [] };

describe('client: launch configurations', () => {
  it('takes the guest a Run/Debug Guest lens or title button names, else the active editor\'s', () => {
    // The server's lens arguments are `file:` URIs (codeLens.ts); VS Code passes a title button its editor's Uri.
    assert.equal(guestFileArgument(pathToFileURL(HELLO).href), HELLO);
    assert.equal(guestFileArgument({ scheme: 'file', fsPath: HELLO, path: HELLO }), HELLO);
    for (const none of [undefined, null, 'untitled:Untitled-1', { scheme: 'untitled', fsPath: 'Untitled-1' }, 42, 'file://host%zz']) assert.equal(guestFileArgument(none), undefined, String(none));
  });

  it('makes "Debug <file>" for the active guest file when launch.json is empty (F5 just works)', () => {
    const r = resolveLaunchConfig({}, { activeGuestFile: HELLO, includePaths: [] });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.config.type, DEBUG_TYPE);
    assert.equal(r.config.request, 'launch');
    assert.equal(r.config.program, HELLO);
    assert.equal(r.config.name, 'Debug hello.gasm');
    assert.equal(r.config.stopOnEntry, true);
  });

  it('needs the active file only for F5 without launch.json: a configuration from launch.json keeps its own program', () => {
    // (The configuration provider asks the language server for the active file's program only then.)
    assert.equal(isEmptyLaunchConfig({}), true);
    for (const c of [{ ...initialConfigurations()[0] }, { type: 'ringside', request: 'launch', name: 'k', program: '/x/k.gasm' }]) {
      assert.equal(isEmptyLaunchConfig(c), false, JSON.stringify(c));
      const r = resolveLaunchConfig(c, { activeGuestFile: HELLO, includePaths: [] });
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.notEqual(r.config.program, HELLO);
    }
  });

  it('explains what to do when launch.json is empty and no guest file is active', () => {
    const r = resolveLaunchConfig({}, NO_DEFAULTS);
    assert.ok(!r.ok);
    assert.equal(r.empty, true);
    assert.match(r.message, /\.gasm/);
  });

  it('keeps a complete configuration and fills include paths from the settings only when it has none', () => {
    const c = { type: 'ringside', request: 'launch', name: 'k', program: '/x/k.gasm', memory: 64, tlb: { entries: 128, ways: 8, policy: 'fifo' } };
    const r = resolveLaunchConfig(c, { includePaths: ['/inc'] });
    assert.ok(r.ok);
    assert.deepEqual(r.config.includePaths, ['/inc']);
    assert.equal(r.config.memory, 64);
    assert.deepEqual(r.config.tlb, { entries: 128, ways: 8, policy: 'fifo' });
    const own = resolveLaunchConfig({ ...c, includePaths: ['/mine'] }, { includePaths: ['/inc'] });
    assert.ok(own.ok);
    assert.deepEqual(own.config.includePaths, ['/mine']);
  });

  it('fills assemblerArguments from ringside.assembler.arguments only when the configuration has none', () => {
    const c = { type: 'ringside', request: 'launch', name: 'k', program: '/x/k.gasm' };
    const settings = { includePaths: [], assemblerArguments: ['-DDEBUG', '-O0'] };
    const r = resolveLaunchConfig(c, settings);
    assert.ok(r.ok);
    assert.deepEqual(r.config.assemblerArguments, ['-DDEBUG', '-O0']);
    const own = resolveLaunchConfig({ ...c, assemblerArguments: [] }, settings);
    assert.ok(own.ok);
    assert.deepEqual(own.config.assemblerArguments, []);
  });

  const bad: readonly [string, Record<string, unknown>, RegExp][] = [
    ['attach', { request: 'attach', program: 'a.gasm' }, /`request`/],
    ['no program', { request: 'launch' }, /`program`/],
    ['blank program', { request: 'launch', program: '  ' }, /`program`/],
    ['memory below 2 MiB', { request: 'launch', program: 'a.gasm', memory: 1 }, /`memory`/],
    ['memory above 3.5 GiB', { request: 'launch', program: 'a.gasm', memory: 3585 }, /`memory`/],
    ['fractional memory', { request: 'launch', program: 'a.gasm', memory: 2.5 }, /`memory`/],
    ['sets not a power of two', { request: 'launch', program: 'a.gasm', tlb: { entries: 48, ways: 4 } }, /power of two/],
    ['ways not dividing entries', { request: 'launch', program: 'a.gasm', tlb: { entries: 64, ways: 3 } }, /power of two/],
    ['unknown policy', { request: 'launch', program: 'a.gasm', tlb: { policy: 'mru' } }, /`tlb.policy`/],
    ['tlb not an object', { request: 'launch', program: 'a.gasm', tlb: 64 }, /`tlb`/],
    ['stopOnEntry a string', { request: 'launch', program: 'a.gasm', stopOnEntry: 'yes' }, /`stopOnEntry`/],
    ['includePaths a string', { request: 'launch', program: 'a.gasm', includePaths: 'inc' }, /`includePaths`/],
    ['assemblerArguments a string', { request: 'launch', program: 'a.gasm', assemblerArguments: '-O0' }, /`assemblerArguments`/],
    ['assemblerArguments with a number', { request: 'launch', program: 'a.gasm', assemblerArguments: ['-O', 0] }, /`assemblerArguments`/],
    ['maxInstructions zero', { request: 'launch', program: 'a.gasm', maxInstructions: 0 }, /`maxInstructions`/],
    ['serialInput a number', { request: 'launch', program: 'a.gasm', serialInput: 13 }, /`serialInput`/],
    ['console externalTerminal', { request: 'launch', program: 'a.gasm', console: 'externalTerminal' }, /`console`/],
  ];
  for (const [what, raw, field] of bad) {
    it(`rejects ${what}, naming the field and the configuration`, () => {
      const r = resolveLaunchConfig({ type: 'ringside', name: 'cfg', ...raw }, NO_DEFAULTS);
      assert.ok(!r.ok);
      assert.equal(r.empty, false);
      assert.match(r.message, field);
      assert.match(r.message, /"cfg"/);
    });
  }

  it('accepts every TLB shape the machine accepts (entries/ways a power of two) and the runtime memory bounds', () => {
    for (const [entries, ways] of [[1, 1], [64, 4], [64, 64], [96, 3], [65536, 1]]) {
      const r = resolveLaunchConfig({ type: 'ringside', request: 'launch', name: 'n', program: 'a.gasm', tlb: { entries, ways } }, NO_DEFAULTS);
      assert.ok(r.ok, `${entries}/${ways}: ${r.ok ? '' : r.message}`);
    }
    for (const memory of [2, 32, 3584]) assert.ok(resolveLaunchConfig({ request: 'launch', name: 'n', program: 'a.gasm', memory }, NO_DEFAULTS).ok);
  });

  it('offers snippets that pass its own checks once ${file} is substituted', () => {
    const snippets = initialConfigurations();
    assert.ok(snippets.length >= 1);
    for (const s of snippets) {
      assert.equal(s.program, '${file}');
      assert.ok(resolveLaunchConfig({ ...s, program: HELLO }, NO_DEFAULTS).ok);
    }
  });

  it('recognises guest sources by extension', () => {
    assert.ok(isGuestSource('/a/b.gasm') && isGuestSource('C:\\a\\B.ASM'));
    assert.ok(!isGuestSource('/a/b.bin') && !isGuestSource('/a/gasm'));
    assert.equal(launchConfigFor('C:\\guests\\k.asm', false).name, 'Debug k.asm');
  });
});

describe('client: page-walk address input', () => {
  // The same spellings assembled by the NASM-exact assembler (`dd <text>`) give the reference value.
  function nasmValue(text: string): number {
    const r = assemble({ file: 'n.asm', text: `dd ${text}\n`, host: { readFile: () => undefined, readBinary: () => undefined } });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], text);
    return Buffer.from(r.image).readUInt32LE(0);
  }

  for (const text of ['0xC0001000', '0XC0001000', '0c0001000h', '0hC0001000', '$0C0001000', '4096', '0d4096', '0t4096', '0b1000_0000', '1000_0000b', '0o777', '777q', '0q777', '0ffffffffh']) {
    it(`reads ${text} as NASM does`, () => {
      assert.equal(parseLinearAddress(text), nasmValue(text));
    });
  }

  it('sends anything else to the adapter as an expression', () => {
    assert.deepEqual(translateArguments(' esi+4 '), { ok: true, args: { expression: 'esi+4' } });
    assert.deepEqual(translateArguments('[esp]'), { ok: true, args: { expression: '[esp]' } });
    assert.deepEqual(translateArguments('message'), { ok: true, args: { expression: 'message' } });
    assert.deepEqual(translateArguments('0x1000'), { ok: true, args: { address: 0x1000 } });
  });

  it('refuses empty input and numbers beyond 32 bits or malformed', () => {
    for (const t of ['', '   ', '0x100000000', '4294967296', '12z']) {
      const r = translateArguments(t);
      assert.ok(!r.ok, t);
    }
    assert.equal(parseLinearAddress('0xffffffff'), 0xffff_ffff);
  });
});

describe('client: Run Guest command line', () => {
  it('is `ringside run FILE -I DIR...`, which the CLI runs to the guest\'s own exit status', () => {
    const args = ringsideRunArguments('/ext/dist/cli.js', HELLO, [path.join(ROOT, 'examples', 'include')]);
    assert.deepEqual(args.slice(0, 3), ['/ext/dist/cli.js', 'run', HELLO]);
    let out = '';
    const status = cliMain(args.slice(1), { out: (t) => { out += t; }, err: () => undefined });
    // hello.gasm writes 0x10 to isa-debug-exit; QEMU reports (0x10 << 1) | 1 = 33 (examples/README.md).
    assert.equal((status << 1) | 1, 33);
    assert.match(out, /Hello from ring 0!/);
  });

  it('puts ringside.assembler.arguments before the includePaths setting\'s -I options, the language server\'s order', () => {
    const args = ringsideRunArguments('/ext/dist/cli.js', HELLO, ['/inc'], ['-DDEBUG', '-I', 'mine/']);
    assert.deepEqual(args, ['/ext/dist/cli.js', 'run', HELLO, '-DDEBUG', '-I', 'mine/', '-I', '/inc']);
  });

  /** Runs the CLI in process as the terminal does; the closing line from its status and stderr. */
  function closingLine(args: string[]): { status: number; line: string } {
    let err = '';
    const status = cliMain(args, { out: () => undefined, err: (t) => { err += t; } });
    return { status, line: describeRunExit(status, null, err !== '') };
  }

  it('ends with what the status means, telling a guest that wrote 3 from a triple fault', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-run-exit-'));
    try {
      // A multiboot guest (a.out kludge) that writes 3 to isa-debug-exit (port 0xF4).
      const guest = path.join(dir, 'exit3.gasm');
      fs.writeFileSync(guest, [
        'bits 32', 'org 0x100000',
        'mb: dd 0x1BADB002, 1 << 16, -(0x1BADB002 + (1 << 16)), mb, $$, load_end, load_end, start',
        'start: mov al, 3', 'out 0xF4, al', 'cli', 'hlt', 'load_end:', '',
      ].join('\n'));
      const wrote = closingLine(['run', guest]);
      assert.equal(wrote.status, 3);
      assert.equal(wrote.line, 'the guest wrote 3 (0x3) to isa-debug-exit: exit status 3');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // pv-guest.bin makes a hypercall (int 0x82) with no IDT when run bare: a triple fault.
    const fault = closingLine(['run', path.join(ROOT, 'test', 'fixtures', 'examples', 'pv-guest.bin')]);
    assert.equal(fault.status, 3);
    assert.equal(fault.line, 'the guest triple-faulted and the processor shut down: exit status 3');
    const budget = closingLine(['run', HELLO, '-I', path.join(ROOT, 'examples', 'include'), '--max-instructions', '10']);
    assert.equal(budget.line, 'the instruction budget ran out: exit status 124');
    assert.equal(describeRunExit(16, null, false), 'the guest wrote 16 (0x10) to isa-debug-exit: exit status 16');
    assert.equal(describeRunExit(null, 'SIGTERM', false), 'the run was stopped (SIGTERM)');
  });
});
