// The CPU's public surface for the machine, the hypervisor and tests.

export { Cpu, type CpuCondition } from './cpu';
export { Compiled } from './compiled';
export { VECTOR_NAMES } from './exceptions';
export { flagMask } from './eflags';
