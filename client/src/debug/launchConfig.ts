// Launch configurations of type `ringside`: the one F5 makes for the active guest file when
// launch.json has none, the snippets offered for launch.json, and the checks made before the
// adapter starts (so a typo is reported with its field, not as a failed launch). Pure: no vscode.

import { fileURLToPath } from 'node:url';
import { DEBUG_TYPE, type RingsideLaunchArguments } from '../../../core/src/protocol';
import { MAX_MULTIBOOT_MEMORY, MIN_MULTIBOOT_MEMORY } from '../../../core/src/machine/loader/multiboot';

/** A debug configuration as VS Code hands it over: the DAP fields plus ours, unchecked. */
export type RawLaunchConfig = Readonly<Record<string, unknown>>;

export interface LaunchConfig extends RingsideLaunchArguments {
  readonly type: typeof DEBUG_TYPE;
  readonly request: 'launch';
  readonly name: string;
}

export interface LaunchDefaults {
  /** The active editor's guest file, when it is one. */
  readonly activeGuestFile?: string;
  /** `ringside.includePaths`, resolved; used when the configuration has none. */
  readonly includePaths: readonly string[];
  /** `ringside.assembler.arguments`; used when the configuration has no `assemblerArguments`. */
  readonly assemblerArguments?: readonly string[];
}

export type LaunchCheck =
  | { readonly ok: true; readonly config: LaunchConfig }
  /** `empty`: there was no configuration at all (F5 without launch.json), so none to show. */
  | { readonly ok: false; readonly message: string; readonly empty: boolean };

const GUEST_SOURCE = /\.(gasm|asm)$/i;
/** The loader's limits (2 MiB .. 3.5 GiB), which package.json's launch schema repeats for the editor. */
const RAM_MIB_MIN = MIN_MULTIBOOT_MEMORY >>> 20;
const RAM_MIB_MAX = MAX_MULTIBOOT_MEMORY >>> 20;
const POLICIES = ['lru', 'fifo', 'random'] as const;

export function isGuestSource(file: string): boolean {
  return GUEST_SOURCE.test(file);
}

/**
 * The guest file a Run Guest or Debug Guest command was given: a code lens's `file:` URI (in an
 * include file, the program that reads it), an editor title button's Uri; undefined for none or
 * anything else (the command palette's call: the active editor's file is taken).
 */
export function guestFileArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    if (!arg.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(arg);
    } catch {
      return undefined;
    }
  }
  const uri = arg as { scheme?: unknown; fsPath?: unknown } | null | undefined;
  return typeof uri === 'object' && uri !== null && uri.scheme === 'file' && typeof uri.fsPath === 'string' ? uri.fsPath : undefined;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** The configuration "Debug <file>" for a guest file (what F5 runs with an empty launch.json). */
export function launchConfigFor(file: string, stopOnEntry = true): LaunchConfig {
  return { type: DEBUG_TYPE, request: 'launch', name: `Debug ${baseName(file)}`, program: file, stopOnEntry };
}

/** Snippets for a new launch.json (`${file}` is substituted by VS Code at launch). */
export function initialConfigurations(): LaunchConfig[] {
  return [
    { type: DEBUG_TYPE, request: 'launch', name: 'Debug the active guest file', program: '${file}', stopOnEntry: true },
    { type: DEBUG_TYPE, request: 'launch', name: 'Run the active guest file to the first breakpoint', program: '${file}', stopOnEntry: false, memory: 32, tlb: { entries: 64, ways: 4, policy: 'lru' } },
  ];
}

/** Whether `c` is F5's empty configuration (no launch.json), the one that debugs the active file's program. */
export const isEmptyLaunchConfig = (c: RawLaunchConfig): boolean => c.type === undefined && c.request === undefined && c.name === undefined;
const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

function checkTlb(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return '`tlb` must be an object { entries, ways, policy }';
  const t = v as Record<string, unknown>;
  const entries = t.entries ?? 64;
  const ways = t.ways ?? 4;
  if (!isPositiveInteger(entries) || entries > 65536) return '`tlb.entries` must be an integer from 1 to 65536';
  if (!isPositiveInteger(ways)) return '`tlb.ways` must be a positive integer';
  const sets = entries / ways;
  if (!Number.isInteger(sets) || (sets & (sets - 1)) !== 0) return `\`tlb.entries\` / \`tlb.ways\` must be a power of two (the number of sets), got ${entries} / ${ways}`;
  if (t.policy !== undefined && !(POLICIES as readonly unknown[]).includes(t.policy)) return `\`tlb.policy\` must be one of ${POLICIES.join(', ')}`;
  return undefined;
}

function checkFields(c: RawLaunchConfig): string | undefined {
  if (c.request !== 'launch') return `\`request\` must be "launch" (attaching to a running guest is not supported), got ${JSON.stringify(c.request)}`;
  if (typeof c.program !== 'string' || c.program.trim() === '') return '`program` must name the guest: a .gasm/.asm source or a multiboot .bin image';
  if (c.stopOnEntry !== undefined && typeof c.stopOnEntry !== 'boolean') return '`stopOnEntry` must be true or false';
  if (c.memory !== undefined && (!isPositiveInteger(c.memory) || c.memory < RAM_MIB_MIN || c.memory > RAM_MIB_MAX)) return `\`memory\` is in MiB: an integer from ${RAM_MIB_MIN} to ${RAM_MIB_MAX}`;
  if (c.tlb !== undefined) {
    const bad = checkTlb(c.tlb);
    if (bad !== undefined) return bad;
  }
  if (c.includePaths !== undefined && (!Array.isArray(c.includePaths) || c.includePaths.some((p) => typeof p !== 'string'))) return '`includePaths` must be a list of directories';
  if (c.assemblerArguments !== undefined && (!Array.isArray(c.assemblerArguments) || c.assemblerArguments.some((a) => typeof a !== 'string'))) return '`assemblerArguments` must be a list of nasm flags (strings), as on nasm\'s command line';
  if (c.maxInstructions !== undefined && !isPositiveInteger(c.maxInstructions)) return '`maxInstructions` must be a positive integer';
  if (c.commandLine !== undefined && typeof c.commandLine !== 'string') return '`commandLine` must be a string';
  if (c.serialInput !== undefined && typeof c.serialInput !== 'string') return '`serialInput` must be a string: the text typed into COM1 as the guest starts';
  if (c.console !== undefined && c.console !== 'internalConsole' && c.console !== 'integratedTerminal') return '`console` must be "internalConsole" (COM1 in the Debug Console) or "integratedTerminal" (COM1 in a terminal of its own)';
  return undefined;
}

/**
 * Completes and checks a configuration before variables are substituted: an empty one (F5
 * without launch.json) becomes "Debug <active file>"; include paths and assembler arguments
 * default to the settings.
 */
export function resolveLaunchConfig(raw: RawLaunchConfig, defaults: LaunchDefaults): LaunchCheck {
  let c: RawLaunchConfig = raw;
  if (isEmptyLaunchConfig(raw)) {
    if (defaults.activeGuestFile === undefined) return { ok: false, empty: true, message: 'Open a guest assembly file (.gasm or .asm) to debug it, or add a "ringside" configuration to launch.json.' };
    c = { ...launchConfigFor(defaults.activeGuestFile), ...raw };
  }
  if (c.type !== undefined && c.type !== DEBUG_TYPE) return { ok: false, empty: false, message: `not a Ringside configuration (type ${JSON.stringify(c.type)})` };
  const name = typeof c.name === 'string' && c.name !== '' ? c.name : 'Ringside';
  const bad = checkFields(c);
  if (bad !== undefined) return { ok: false, empty: false, message: `Launch configuration "${name}": ${bad}.` };
  const includePaths = c.includePaths === undefined && defaults.includePaths.length > 0 ? { includePaths: [...defaults.includePaths] } : {};
  const fromSettings = defaults.assemblerArguments ?? [];
  const assemblerArguments = c.assemblerArguments === undefined && fromSettings.length > 0 ? { assemblerArguments: [...fromSettings] } : {};
  return { ok: true, config: { ...(c as unknown as LaunchConfig), ...includePaths, ...assemblerArguments, type: DEBUG_TYPE, name } };
}
