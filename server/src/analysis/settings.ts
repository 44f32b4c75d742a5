// The server's settings (the `ringside.*` configuration the client sends), with defaults.

import { TECHNIQUES, type Technique } from '../../../core/src/isa/types';

export interface FormatSettings {
  /** Lower-case instruction mnemonics and directives when formatting. */
  readonly lowercaseMnemonics: boolean;
  /** Column (0-based) of the mnemonic on instruction lines. */
  readonly mnemonicColumn: number;
  /** Width of the mnemonic field: operands start at mnemonicColumn + this. */
  readonly mnemonicWidth: number;
  /** Column of trailing comments after code. */
  readonly commentColumn: number;
}

export interface ServerSettings {
  readonly technique: Technique;
  readonly includePaths: readonly string[];
  /** `ringside.assembler.arguments`: nasm flags as on its command line (read by analysisCache.ts). */
  readonly assemblerArguments: readonly string[];
  readonly inlayHintAddresses: boolean;
  readonly format: FormatSettings;
  /** Warm the server up on programs of its own while no document is open (warmUp.ts). */
  readonly warmUp: boolean;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  technique: 'native',
  includePaths: [],
  assemblerArguments: [],
  inlayHintAddresses: true,
  format: { lowercaseMnemonics: false, mnemonicColumn: 8, mnemonicWidth: 8, commentColumn: 40 },
  warmUp: true,
};

function num(v: unknown, fallback: number, max: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : fallback;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
}

/** Reads the `ringside` configuration section, ignoring values of the wrong type. */
export function parseSettings(raw: unknown): ServerSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const technique = (TECHNIQUES as readonly string[]).includes(r.technique as string) ? (r.technique as Technique) : DEFAULT_SETTINGS.technique;
  const includePaths = strings(r.includePaths);
  const assembler = (r.assembler && typeof r.assembler === 'object' ? r.assembler : {}) as Record<string, unknown>;
  const hints = r.inlayHints as Record<string, unknown> | undefined;
  const fmt = (r.format && typeof r.format === 'object' ? r.format : {}) as Record<string, unknown>;
  const server = (r.server && typeof r.server === 'object' ? r.server : {}) as Record<string, unknown>;
  const d = DEFAULT_SETTINGS.format;
  return {
    technique,
    includePaths,
    assemblerArguments: strings(assembler.arguments),
    inlayHintAddresses: typeof hints?.addresses === 'boolean' ? hints.addresses : true,
    format: {
      lowercaseMnemonics: typeof fmt.lowercaseMnemonics === 'boolean' ? fmt.lowercaseMnemonics : d.lowercaseMnemonics,
      mnemonicColumn: num(fmt.mnemonicColumn, d.mnemonicColumn, 80),
      mnemonicWidth: num(fmt.mnemonicWidth, d.mnemonicWidth, 40),
      commentColumn: num(fmt.commentColumn, d.commentColumn, 200),
    },
    warmUp: typeof server.warmUp === 'boolean' ? server.warmUp : DEFAULT_SETTINGS.warmUp,
  };
}
