// The terminal of "Run Guest": a pseudoterminal that runs `ringside run` as a child process of the
// extension host, shows its COM1 output and diagnostics, and ends with one line saying what the exit
// status means. The terminal stays open with the output until the user closes it or presses a key,
// so a guest that exits with a status (by design, through isa-debug-exit) reads as a finished run,
// not as a failed terminal. Ctrl+C stops a guest that is still running.

import { spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { describeRunExit, toTerminalText } from './runArguments';

export interface RunTerminalOptions {
  readonly executable: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The command line shown as the first line. */
  readonly title: string;
}

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export class RunTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private child: ChildProcess | undefined;
  private finished = false;

  constructor(private readonly options: RunTerminalOptions) {}

  open(): void {
    this.writeEmitter.fire(`${DIM}> ${this.options.title}${RESET}\r\n`);
    let child: ChildProcess;
    try {
      child = spawn(this.options.executable, [...this.options.args], {
        cwd: this.options.cwd,
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      this.finish(`could not start ringside run: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.child = child;
    const write = (chunk: Buffer): void => this.writeEmitter.fire(toTerminalText(chunk.toString('utf8')));
    child.stdout?.on('data', write);
    let cliReported = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      cliReported = true;
      write(chunk);
    });
    child.on('error', (e) => this.finish(`could not start ringside run: ${e.message}`));
    child.on('close', (code, signal) => this.finish(describeRunExit(code, signal, cliReported)));
  }

  /** Ctrl+C stops a running guest; once the run is over any key closes the terminal. */
  handleInput(data: string): void {
    if (this.finished) this.closeEmitter.fire();
    else if (data === '\x03') this.child?.kill();
  }

  close(): void {
    if (!this.finished) this.child?.kill();
    this.finished = true;
  }

  private finish(summary: string): void {
    if (this.finished) return;
    this.finished = true;
    this.child = undefined;
    this.writeEmitter.fire(`\r\n${DIM}[ringside] ${summary}. Press any key to close the terminal.${RESET}\r\n`);
  }
}
