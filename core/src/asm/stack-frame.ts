// The stack frame that nasm's `%stacksize`, `%arg` and `%local` describe (manual §4.8): the frame
// register, the slot size, and where the next argument and local variable lie.

import { NOWHERE, spaced, type PPToken } from './source';
import { wordTable } from '../word-table';

/** A stack frame as `%stacksize` sets it up: its frame register, slot size, and the next `%arg` and `%local` offsets. */
export interface StackFrame {
  readonly pointer: string;
  readonly slot: number;
  argOffset: number;
  localOffset: number;
}

/**
 * `%stacksize`'s frames as nasm 2.16 sets them (measured with `nasm -E`): `small` starts the
 * arguments at bp+6 and `large` at bp+4, the other way round from the manual's description.
 */
const STACK_FRAMES: Readonly<Record<string, StackFrame>> = wordTable({
  flat: { pointer: 'ebp', slot: 4, argOffset: 8, localOffset: 0 },
  flat64: { pointer: 'rbp', slot: 8, argOffset: 16, localOffset: 0 },
  large: { pointer: 'bp', slot: 2, argOffset: 4, localOffset: 0 },
  small: { pointer: 'bp', slot: 2, argOffset: 6, localOffset: 0 },
});

/** The sizes `%arg` and `%local` take, in bytes. */
const FRAME_SIZES: Readonly<Record<string, number>> = wordTable({ byte: 1, word: 2, dword: 4, qword: 8, tword: 10, oword: 16, yword: 32 });

/** A new frame of `%stacksize WORD` (`flat`, `flat64`, `large`, `small`, in any case); undefined for another word. */
export function stackFrameOf(word: string): StackFrame | undefined {
  const frame = STACK_FRAMES[word.toLowerCase()];
  return frame === undefined ? undefined : { ...frame };
}

/** A variable of a `%arg` or `%local` list: its name, and its size rounded up to the frame's slot. */
export interface FrameVariable {
  readonly name: PPToken;
  readonly slot: number;
}

/**
 * The list of `%arg name:size, ...` or `%local name:size, ...` (`d`, tokens `toks`) in a frame of
 * slot size `slot`: its variables up to the first error, which ends the list as in nasm, and that
 * error's message and token (nasm's wording).
 */
export function readFrameVariables(toks: readonly PPToken[], d: string, slot: number): { variables: FrameVariable[]; error?: { message: string; at: PPToken } } {
  const variables: FrameVariable[] = [];
  const fail = (message: string, at: PPToken): { variables: FrameVariable[]; error: { message: string; at: PPToken } } => ({ variables, error: { message, at } });
  // name : size , name : size ... (a `%local` list may end `= NAME`, which nasm ignores as TASM's)
  for (let i = 1; ; i += 4) {
    const name = toks[i];
    if (name === undefined || name.kind !== 'ident') return fail(`\`${d}' missing argument parameter`, name ?? toks[i - 1]);
    // (The `:` and the size right after what they follow, as nasm reads its tokens, blanks among
    // them: measured with nasm 2.16.01, `%arg a :dword` is the syntax error, `a: dword` and `a:5`
    // the missing size type.)
    if (toks[i + 1]?.text !== ':' || spaced(name, toks[i + 1])) return fail(`syntax error processing \`${d}' directive`, name);
    const size = toks[i + 2];
    if (size === undefined || size.kind !== 'ident' || spaced(toks[i + 1], size)) return fail(`\`${d}' missing size type parameter`, toks[i + 1]);
    const bytes = FRAME_SIZES[size.text.toLowerCase()];
    if (bytes === undefined) return fail(`invalid size type for \`${d}' missing directive`, size);
    variables.push({ name, slot: Math.ceil(bytes / slot) * slot });
    if (toks[i + 3]?.text !== ',') return { variables };
  }
}

/** What a variable's name stands for: `(ebp+8)`, `(ebp-4)`, with the columns of its name `name`. */
export function frameAddress(frame: StackFrame, sign: '+' | '-', offset: number, name: PPToken): PPToken[] {
  return [
    { kind: 'op', text: '(', start: name.start, end: name.end, at: NOWHERE },
    { kind: 'ident', text: frame.pointer, start: name.start, end: name.end, at: NOWHERE },
    { kind: 'op', text: sign, start: name.start, end: name.end, at: NOWHERE },
    { kind: 'number', text: String(offset), start: name.start, end: name.end, at: NOWHERE },
    { kind: 'op', text: ')', start: name.start, end: name.end, at: NOWHERE },
  ];
}
