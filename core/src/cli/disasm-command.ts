// `ringside disasm`: disassemble a flat binary in ndisasm's layout.

import * as fs from 'node:fs';
import { disassemble, formatListing } from '../isa/disasm';
import { UsageError, type Io } from './usage';

export function disasmCommand(argv: readonly string[], io: Io): number {
  let file: string | undefined;
  let origin = 0;
  let bits: 16 | 32 = 32;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--org' || a === '--bits') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      const n = Number(v.replace(/_/g, ''));
      if (a === '--org') {
        if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new UsageError(`bad --org value \`${v}'`);
        origin = n;
      } else {
        if (n !== 16 && n !== 32) throw new UsageError(`--bits must be 16 or 32, not \`${v}'`);
        bits = n;
      }
    } else if (a.startsWith('-')) throw new UsageError(`unknown option \`${a}' for disasm`);
    else if (file !== undefined) throw new UsageError('disasm takes one input file');
    else file = a;
  }
  if (file === undefined) throw new UsageError('disasm needs an input FILE');
  let bytes: Uint8Array;
  try { bytes = fs.readFileSync(file); } catch {
    io.err(`${file}: error: unable to read file\n`);
    return 1;
  }
  io.out(formatListing(disassemble(bytes, { bits, origin })));
  return 0;
}
