#!/usr/bin/env node
// Records the reference traces the CPU is checked against: every guest test/fixtures/qemu/cpu/*.asm is
// assembled with nasm, booted with qemu-system-i386 -kernel under the gdbstub, and single-stepped
// from its multiboot entry; one JSON line of registers per step goes to X.trace.jsonl.
// It also records the registers QEMU's multiboot option ROM hands over at several RAM sizes
// (entry-registers.json), which the loader must reproduce.
// Usage: node scripts/record-qemu-traces.mjs [name ...]   (needs nasm and qemu-system-i386)

import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createConnection } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'qemu', 'cpu');
/** Guests stop themselves through isa-debug-exit; this bounds a guest that does not. */
const MAX_STEPS = Number(process.env.MAX_STEPS ?? 20000);
/** i386 gdbstub 'g' layout: the first 16 registers, 4 bytes each, little endian (gdb's i386 target). */
const REGS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs'];

/** The multiboot a.out-kludge entry address: the header is 4-byte aligned in the first 8 KiB. */
function entryOf(image) {
  const u32 = (at) => image.readUInt32LE(at);
  for (let i = 0; i + 32 <= Math.min(image.length, 8192); i += 4) {
    if (u32(i) === 0x1badb002 && ((0x1badb002 + u32(i + 4) + u32(i + 8)) >>> 0) === 0) return u32(i + 28);
  }
  throw new Error('no multiboot header');
}

/** A minimal GDB remote serial protocol client: one request, one reply, acks handled. */
class Rsp {
  constructor(socket) {
    this.socket = socket;
    this.buffer = '';
    this.waiters = [];
    this.closed = false;
    socket.setEncoding('latin1');
    socket.on('data', (d) => { this.buffer += d; this.pump(); });
    socket.on('close', () => { this.closed = true; this.pump(); });
    socket.on('error', () => { this.closed = true; this.pump(); });
  }

  pump() {
    for (;;) {
      this.buffer = this.buffer.replace(/^\++/, '');
      const start = this.buffer.indexOf('$');
      const hash = start >= 0 ? this.buffer.indexOf('#', start) : -1;
      if (hash >= 0 && this.buffer.length >= hash + 3) {
        const body = this.buffer.slice(start + 1, hash);
        this.buffer = this.buffer.slice(hash + 3);
        this.socket.write('+');
        const w = this.waiters.shift();
        if (w) w(body);
        continue;
      }
      if (this.closed) while (this.waiters.length) this.waiters.shift()(null);
      return;
    }
  }

  /** Sends `body` and resolves with the reply packet, or null when QEMU went away. */
  request(body) {
    let sum = 0;
    for (const c of body) sum = (sum + c.charCodeAt(0)) & 0xff;
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (this.closed) { this.pump(); return; }
      this.socket.write(`$${body}#${sum.toString(16).padStart(2, '0')}`);
    });
  }
}

function connect(port) {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = () => {
      const s = createConnection({ port, host: '127.0.0.1' });
      s.once('connect', () => { s.setNoDelay(true); resolve(s); });
      s.once('error', () => { s.destroy(); if (++tries > 100) reject(new Error('gdbstub did not open')); else setTimeout(attempt, 50); });
    };
    attempt();
  });
}

function parseRegs(hex) {
  const out = {};
  REGS.forEach((name, i) => {
    const h = hex.slice(i * 8, i * 8 + 8);
    out[name] = parseInt(h.match(/../g).reverse().join(''), 16) >>> 0;
  });
  return out;
}

/** Starts QEMU stopped at the multiboot entry of `bin`; the caller steps or kills it. */
async function bootToEntry(bin, port, memoryMiB) {
  const entry = entryOf(readFileSync(bin));
  const qemu = spawn('qemu-system-i386', ['-kernel', bin, '-m', String(memoryMiB), '-display', 'none', '-serial', 'null',
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-no-reboot', '-gdb', `tcp:127.0.0.1:${port}`, '-S'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  const status = { exitStatus: null };
  const exited = new Promise((resolve) => qemu.on('exit', (code) => { status.exitStatus = code; resolve(); }));
  const rsp = new Rsp(await connect(port));
  await rsp.request('?');
  // A hardware breakpoint: the loader copies the kernel after reset, so nothing may be patched in.
  await rsp.request(`Z1,${entry.toString(16)},1`);
  await rsp.request('c');
  await rsp.request(`z1,${entry.toString(16)},1`);
  return { qemu, rsp, exited, status };
}

async function record(name, port) {
  const asm = join(DIR, `${name}.asm`);
  const bin = join(DIR, `${name}.bin`);
  execFileSync('nasm', ['-f', 'bin', '-I', DIR + '/', '-o', bin, asm], { stdio: 'inherit' });
  const { qemu, rsp, exited, status } = await bootToEntry(bin, port, 32);
  const lines = [];
  let end = 'step-limit';
  for (let step = 0; step < MAX_STEPS; step++) {
    const g = await rsp.request('g');
    if (g === null || !/^[0-9a-f]+$/i.test(g)) { end = 'qemu-exited'; break; }
    lines.push(JSON.stringify(parseRegs(g)));
    if (process.env.TRACE_PROGRESS && step % 500 === 0) console.log(`${name}: step ${step} eip ${g.slice(64, 72)}`);
    const stop = await rsp.request('s');
    if (stop === null || stop.startsWith('W') || stop.startsWith('X')) { end = 'qemu-exited'; break; }
  }
  if (end === 'step-limit') qemu.kill('SIGKILL');
  await exited;
  const exitStatus = status.exitStatus;
  // The last line is the state before the instruction that ended the run (the debug-exit OUT,
  // or a triple fault); the trailer says how QEMU ended.
  lines.push(JSON.stringify({ end, exitStatus }));
  // Large traces are committed gzipped (the test reads either form).
  const text = lines.join('\n') + '\n';
  const plain = join(DIR, `${name}.trace.jsonl`);
  rmSync(plain, { force: true });
  rmSync(`${plain}.gz`, { force: true });
  if (text.length > 200_000) writeFileSync(`${plain}.gz`, gzipSync(text, { level: 9 }));
  else writeFileSync(plain, text);
  console.log(`${name}: ${lines.length - 1} steps, ${end}, QEMU exit status ${exitStatus}`);
}

/** Entry registers for each RAM size (the ROM's scratch registers depend on the memory map). */
async function recordEntryRegisters(bin, port) {
  const out = [];
  for (const memoryMiB of [16, 32, 128, 512]) {
    const { qemu, rsp, exited } = await bootToEntry(bin, port++, memoryMiB);
    out.push({ memoryMiB, kernel: bin.slice(DIR.length + 1), ...parseRegs(await rsp.request('g')) });
    qemu.kill('SIGKILL');
    await exited;
  }
  writeFileSync(join(DIR, 'entry-registers.json'), JSON.stringify(out, null, 1) + '\n');
  console.log(`entry registers: ${out.length} memory sizes`);
}

const wanted = process.argv.slice(2);
const names = readdirSync(DIR).filter((f) => f.endsWith('.asm')).map((f) => f.slice(0, -4))
  .filter((n) => wanted.length === 0 || wanted.includes(n)).sort();
let port = 12340 + (process.pid % 1000);
for (const name of names) await record(name, port++);
if (wanted.length === 0 || wanted.includes('entry-registers')) await recordEntryRegisters(join(DIR, 'alu.bin'), port + 10);
writeFileSync(join(DIR, 'qemu-version.txt'), execFileSync('qemu-system-i386', ['--version']).toString().split('\n')[0] + '\n');
