// `dist/serialTerminal.js ADDRESS`: the program the debug adapter has the client run in a terminal
// for COM1 (serial-terminal.ts). It joins this terminal to the adapter's socket: keys go to the
// guest byte for byte, unechoed and unedited (the terminal in raw mode, as QEMU puts it for
// `-serial stdio`; the guest echoes what it wants echoed), and the guest's output is written here.
// It ends when the debug session does.

import * as net from 'node:net';

function main(): void {
  const address = process.argv[2];
  if (address === undefined) {
    process.stderr.write('usage: serialTerminal.js ADDRESS (the debug adapter runs this in the COM1 terminal)\n');
    process.exit(2);
  }
  const socket = net.connect(address);
  const stdin = process.stdin;
  const restore = (): void => { if (stdin.isTTY) stdin.setRawMode(false); };
  socket.on('connect', () => {
    // (Raw mode keeps the line feed's carriage return on output: libuv leaves ONLCR on.)
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.pipe(socket);
  });
  // (A terminal slow to take the output holds the socket back, and the adapter then holds the guest.)
  socket.on('data', (d) => {
    if (!process.stdout.write(d)) {
      socket.pause();
      process.stdout.once('drain', () => socket.resume());
    }
  });
  socket.on('error', (e) => {
    restore();
    process.stderr.write(`cannot reach the debug session's COM1 (${address}): ${e.message}\n`);
    process.exit(1);
  });
  socket.on('close', () => {
    restore();
    // (Reading stdin would keep the process alive; its output still goes out before it ends.)
    stdin.unpipe(socket);
    stdin.destroy();
  });
}

main();
