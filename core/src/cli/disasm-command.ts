// `ringside disasm`: disassemble a flat binary in ndisasm's layout.

import { parseNumber } from '../asm/numbers';
import { disassembleLines, formatListing, type DisassembledLine } from '../isa/disasm';
import { readInputFile } from './file-error';
import { UsageError, type Io } from './usage';

const LINES_PER_WRITE = 4096;

export function disasmCommand(argv: readonly string[], io: Io): number {
  let file: string | undefined;
  let origin = 0;
  let bits: 16 | 32 = 32;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--org' || a === '--bits') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      if (a === '--org') {
        // Any NASM number (0x7c00, 7c00h, $7c00, 0b101 ...), as ndisasm's -o reads it.
        const n = parseNumber(v);
        if (n === undefined || n > 0xffffffff) throw new UsageError(`bad --org value \`${v}'`);
        origin = n;
      } else {
        if (v !== '16' && v !== '32') throw new UsageError(`--bits must be 16 or 32, not \`${v}'`);
        bits = v === '16' ? 16 : 32;
      }
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option \`${a}' for disasm`);
    else if (file !== undefined) throw new UsageError('disasm takes one input file');
    else file = a;
  }
  if (file === undefined) throw new UsageError('disasm needs an input FILE');
  // `-` is standard input, as for ndisasm.
  const bytes = readInputFile(file === '-' ? 0 : file, io.err);
  if (bytes === undefined) return 1;
  // Written in batches: a whole listing is some 40 times the input, past V8's string and heap
  // limits for inputs of a few MiB (ndisasm streams too).
  let batch: DisassembledLine[] = [];
  for (const line of disassembleLines(bytes, { bits, origin })) {
    batch.push(line);
    if (batch.length === LINES_PER_WRITE) { io.out(formatListing(batch)); batch = []; }
  }
  io.out(formatListing(batch));
  return 0;
}
