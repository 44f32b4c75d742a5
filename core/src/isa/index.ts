// The ISA layer's public surface: the instruction table, registers, virtualization presets and
// the NASM-exact encoder.

export * from './types';
export * from './operands';
export { REGISTERS, lookupRegister, registerInfo } from './registers';
export { INSTRUCTIONS, MNEMONICS, PREFIX_MNEMONICS, findInstruction } from './table';
export { EXIT, INNOCUOUS, SHARED_INFO_HYPERCALL } from './virt';
export { encode } from './encoder';
export { parseEncoding, recipeOf } from './encode-form';
export type { FormRecipe, ImmediateField } from './encode-form';
