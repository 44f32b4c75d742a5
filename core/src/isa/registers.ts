// The registers the guest dialect knows, with their ModR/M encoding numbers (Intel SDM Vol. 2
// §2.1.5, Table 2-1/2-2 and §3.1.1.1): one table read by the encoder, decoder and language server.

import { CREG, DREG, GPR16, GPR32, GPR8, SREG } from './types';
import type { RegisterClass, RegisterInfo, RegisterName } from './types';

function family(names: readonly RegisterName[], cls: RegisterClass, bits: 8 | 16 | 32): RegisterInfo[] {
  return names.map((name, num) => ({ name, cls, num, bits }));
}

/** Every register, numbered in encoding order within its class (ES=0 CS=1 SS=2 DS=3 FS=4 GS=5). */
export const REGISTERS: readonly RegisterInfo[] = [
  ...family(GPR32, 'gpr32', 32),
  ...family(GPR16, 'gpr16', 16),
  ...family(GPR8, 'gpr8', 8),
  ...family(SREG, 'sreg', 16),
  ...family(CREG, 'creg', 32),
  ...family(DREG, 'dreg', 32),
];

const BY_NAME: ReadonlyMap<string, RegisterInfo> = new Map(REGISTERS.map((r) => [r.name, r]));

/** The register called `name` (any letter case, as NASM accepts), or undefined. */
export function lookupRegister(name: string): RegisterInfo | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
}

/** The register known to be valid, for code that holds a RegisterName already. */
export function registerInfo(name: RegisterName): RegisterInfo {
  const info = BY_NAME.get(name);
  if (info === undefined) throw new Error(`host bug: ${name} missing from REGISTERS`);
  return info;
}
