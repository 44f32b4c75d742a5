// Ringside's custom debug-protocol messages, declared once and typed (DESIGN.md §1, §5, §7): the
// launch configuration, the requests the views send to the debug adapter and the events it sends.
// Plain JSON shapes only — numbers are unsigned 32-bit guest values in the runtime's units.

import type { ExceptionEvent, InterruptEvent, RingTransitionEvent, TlbFlushEvent, TripleFaultEvent } from './runtime/events';
import type { DescriptorInfo, DescriptorTables, GateTarget, IdtGateInfo, TssInfo } from './runtime/descriptor-tables';
import type { ReplacementPolicy, TlbEntryView } from './machine/mmu/tlb';
import type { PagingEntryView, Translation, WalkStep } from './runtime/guest-memory';
import type { Technique } from './isa/types';

/**
 * The language server's request for the program a document is assembled in: params a
 * TextDocumentIdentifier (`{ textDocument: { uri } }`), result `{ uri }` (the document's own for a
 * program, else the program's that %includes it: server/src/analysis/includers.ts) or null when
 * the server does not have the document open. Run Guest, Debug Guest and F5 in an include file
 * run that program.
 */
export const PROGRAM_REQUEST = 'ringside/program';

/** The debug type registered in package.json (`contributes.debuggers`). */
export const DEBUG_TYPE = 'ringside';

/** `launch` arguments of a `type: "ringside"` configuration (besides DAP's own fields). */
export interface RingsideLaunchArguments {
  /** The guest: a NASM-syntax source (.gasm/.asm, assembled on launch) or a multiboot image (.bin). */
  readonly program: string;
  /** Stop at the guest's first instruction (default false). */
  readonly stopOnEntry?: boolean;
  /** Guest RAM in MiB (default 32). */
  readonly memory?: number;
  /** TLB shape (default 64 entries, 4 ways, LRU). */
  readonly tlb?: { readonly entries?: number; readonly ways?: number; readonly policy?: ReplacementPolicy };
  /** `%include` / `incbin` search paths for the source. */
  readonly includePaths?: readonly string[];
  /**
   * nasm flags the source is assembled with, as on nasm's command line (`-DDEBUG`, `-O0`, `-I`,
   * `inc/`): those that shape the assembly; any other refuses the launch. Their -I directories
   * come before `includePaths`.
   */
  readonly assemblerArguments?: readonly string[];
  /** Stop with reason "budget" once this many instructions have retired. */
  readonly maxInstructions?: number;
  /** Multiboot command line passed to the guest. */
  readonly commandLine?: string;
  /** Text typed into COM1 (as UTF-8) as the guest starts, and again on each restart. */
  readonly serialInput?: string;
  /**
   * Where COM1 is: in the Debug Console ('internalConsole', the default: its output there, input
   * typed with the `serial TEXT` command) or in a terminal of its own ('integratedTerminal', through
   * the client's runInTerminal: keys typed there go to the guest).
   */
  readonly console?: 'internalConsole' | 'integratedTerminal';
}

// ---- requests --------------------------------------------------------------------------------

/** Which VM and vCPU a request is about; a bare-metal session has VM 0 with vCPU 0 only. */
export interface VcpuSelector {
  readonly vm?: number;
  readonly vcpu?: number;
}

/** `ringside/rings`: where each piece of software runs (the Rings view). */
export const RINGS_REQUEST = 'ringside/rings';
export type RingsArguments = VcpuSelector;
export interface RingsResponse {
  readonly technique: Technique;
  readonly vcpus: readonly RingsVcpu[];
}
export interface RingsVcpu {
  readonly vm: number;
  readonly vcpu: number;
  /** CPL the CPU really runs the guest at, and the CPL the guest believes it has (equal when native). */
  readonly realCpl: number;
  readonly virtualCpl: number;
  /** VMX operation for hardware-assisted guests; absent otherwise. */
  readonly vmxMode?: 'root' | 'non-root';
  readonly eip: number;
  /** The instruction at EIP in NASM syntax. */
  readonly instruction: string;
  /** Source location of EIP (0-based line and column), when the guest came from source. */
  readonly source?: { readonly file: string; readonly line: number; readonly column: number };
  /** Label naming EIP (`serial_puts+0x4`). */
  readonly symbol?: string;
  readonly protectedMode: boolean;
  readonly pagingEnabled: boolean;
  /** Privilege levels of the descriptors in use: CS and SS DPL, IOPL. */
  readonly csDpl: number;
  readonly ssDpl: number;
  readonly iopl: number;
  /** Instructions retired so far. */
  readonly instructions: number;
  /**
   * The GDT, the loaded LDT, the IDT's present gates and the TSS's ring stacks as guest memory holds
   * them (optional: absent from adapters that do not read them). Gate targets carry the label they
   * enter and the ring the handler runs in; code segments the labels within their limit.
   */
  readonly descriptorTables?: RingsDescriptorTables;
}
/** Runtime records as is (core/src/runtime/descriptor-tables.ts): plain JSON, unsigned 32-bit values. */
export type RingsDescriptorTables = DescriptorTables;
export type RingsDescriptor = DescriptorInfo;
export type RingsGateTarget = GateTarget;
export type RingsIdtGate = IdtGateInfo;
export type RingsTss = TssInfo;

/** `ringside/pageTables`: the paging structures (the Page Tables view). */
export const PAGE_TABLES_REQUEST = 'ringside/pageTables';
export interface PageTablesArguments extends VcpuSelector {
  /** Which structure: the guest's own tables (the only one on bare metal), the VMM's shadow tables, or EPT. */
  readonly space?: 'guest' | 'shadow' | 'ept';
  /** Also return the page table this page-directory entry points to. */
  readonly pdeIndex?: number;
}
export type PagingEntry = PagingEntryView;
export interface PageTablesResponse {
  readonly space: 'guest' | 'shadow' | 'ept';
  readonly pagingEnabled: boolean;
  readonly cr3: number;
  /** CR4.PSE: 4 MiB pages allowed. */
  readonly pse: boolean;
  /** Present page-directory entries. */
  readonly directory: readonly PagingEntry[];
  /** Present entries of the table `pdeIndex` selects, when asked and it is a 4 KiB-page table. */
  readonly table?: { readonly pdeIndex: number; readonly entries: readonly PagingEntry[] };
}

/** `ringside/tlb`: the TLB's entries and counters (the TLB view). */
export const TLB_REQUEST = 'ringside/tlb';
export type TlbArguments = VcpuSelector;
export type TlbEntryInfo = TlbEntryView;
export interface TlbResponse {
  readonly shape: { readonly entries: number; readonly ways: number; readonly policy: ReplacementPolicy };
  readonly entries: readonly TlbEntryInfo[];
  readonly counters: {
    readonly hits: number; readonly misses: number; readonly pageInvalidations: number;
    readonly flushes: number; readonly nonGlobalFlushes: number; readonly evictions: number;
    /** Page walks, the memory references they made, and page faults (from the MMU). */
    readonly walks: number; readonly walkReferences: number; readonly pageFaults: number;
  };
}

/** `ringside/translate`: the page walk of one linear address (the "show page walk" command). */
export const TRANSLATE_REQUEST = 'ringside/translate';
export interface TranslateArguments extends VcpuSelector {
  /** A linear address, or an expression for one (`message`, `esi+4`, `[esp]`); one of the two. */
  readonly address?: number;
  readonly expression?: string;
}
export type WalkStepInfo = WalkStep;
export type TranslateResponse = Translation;

/** `ringside/setTrace`: turn the `ringside/trace` event stream on or off (off by default: it costs guest speed). */
export const SET_TRACE_REQUEST = 'ringside/setTrace';
export interface SetTraceArguments {
  readonly enabled: boolean;
}
export interface SetTraceResponse {
  readonly enabled: boolean;
}

// ---- events ----------------------------------------------------------------------------------

/** One traced machine event: exception, interrupt, ring transition, TLB flush, triple fault (runtime records as is). */
export type TraceRecord = ExceptionEvent | InterruptEvent | RingTransitionEvent | TlbFlushEvent | TripleFaultEvent;

/**
 * `ringside/trace`: traced events since the last one, in order (the VM Exits view's live log).
 * Sent in batches — at most one event per run batch and one before each stop — never per instruction.
 */
export const TRACE_EVENT = 'ringside/trace';
export interface TraceEventBody {
  readonly records: readonly TraceRecord[];
  /** Records left out because the buffer limit was reached (the count only). */
  readonly dropped: number;
}

/** Every custom request name with its argument and response types. */
export interface RingsideRequests {
  [RINGS_REQUEST]: { arguments: RingsArguments; response: RingsResponse };
  [PAGE_TABLES_REQUEST]: { arguments: PageTablesArguments; response: PageTablesResponse };
  [TLB_REQUEST]: { arguments: TlbArguments; response: TlbResponse };
  [TRANSLATE_REQUEST]: { arguments: TranslateArguments; response: TranslateResponse };
  [SET_TRACE_REQUEST]: { arguments: SetTraceArguments; response: SetTraceResponse };
}
export type RingsideRequest = keyof RingsideRequests;

/** Every custom event name with its body type. */
export interface RingsideEvents {
  [TRACE_EVENT]: TraceEventBody;
}
