// An AssembleResult with nothing in it but diagnostics, for when the assembler could not run
// (file too large, or an internal error that must not take the server down).

import type { AssembleResult, Diagnostic } from '../../../core/src/asm/api';

export function emptyResult(file: string, diagnostics: readonly Diagnostic[]): AssembleResult {
  return {
    image: new Uint8Array(0),
    origin: 0,
    diagnostics,
    printedMessages: diagnostics,
    listing: [],
    sourceMap: { entries: [], lookupAddress: () => undefined, lookupLine: () => [] },
    symbols: [],
    references: [],
    statements: [],
    files: [file],
    includes: [],
    lineDirectives: [],
    // (Nothing of the source was read.)
    stopped: true,
  };
}
