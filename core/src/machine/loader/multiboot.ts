// Multiboot loader for a.out-kludge images (Multiboot 0.6.96 §3.1, header flag bit 16), doing what
// QEMU 7.2's `-kernel` does: same header search, same load/bss arithmetic and error cases, and the
// same multiboot information structure, memory map, strings and register state at the same
// physical addresses (checked against test/fixtures/qemu/multiboot-info.*.txt recorded from QEMU).
// Problems with the image are returned as values with the byte offset they concern.

import { PAGE_SIZE, type PhysicalMemory } from '../memory/physical-memory';
import type { InitialCpuState, SegmentLoad } from './initial-state';

export const MULTIBOOT_HEADER_MAGIC = 0x1badb002;
export const MULTIBOOT_BOOTLOADER_MAGIC = 0x2badb002;
/** Header flag bit 16: the a.out kludge address fields are valid. */
export const MULTIBOOT_AOUT_KLUDGE = 0x0001_0000;
/** QEMU searches the first 8192 bytes, stopping 48 bytes (a full header) before the end. */
const HEADER_SEARCH_LIMIT = 8192 - 48;

/** Where QEMU's multiboot option ROM leaves its structures (fixture: ebx=00009500, mmap at 9000). */
export const E820_MAP_ADDRESS = 0x9000;
export const MBI_ADDRESS = 0x9500;
const MBI_SIZE = 88;
const BOOTLOADER_NAME = 'qemu';
/** Flags QEMU sets: mem_*, boot_device, cmdline, mods, mmap, boot_loader_name (bits 0-3, 6, 9). */
const MBI_FLAGS = 0x1 | 0x2 | 0x4 | 0x8 | 0x40 | 0x200;
/** boot_device QEMU reports: BIOS drive 0x80, no partitions (multiboot.c "0x8000ffff"). */
const BOOT_DEVICE = 0x8000ffff;
/** SeaBIOS reserves the top 128 KiB of RAM (fixtures for -m 16, 32 and 64 all show it). */
const FIRMWARE_RESERVED_TOP = 0x20000;
/** Lowest RAM size for which the SeaBIOS map above makes sense (1 MiB + reserved top + slack). */
export const MIN_MULTIBOOT_MEMORY = 2 << 20;
/**
 * Highest RAM size the map above is built for: one RAM range below 0xE0000000 (3.5 GiB), the top
 * 512 MiB of the 32-bit space left to devices and firmware. Every launch path checks this one
 * limit (the runtime, the debug adapter, the extension's launch configuration).
 */
export const MAX_MULTIBOOT_MEMORY = 0xe000_0000;

/** QEMU's fw_cfg data port, which the option ROM's last firmware read leaves in DX. */
const FW_CFG_DATA_PORT = 0x511;

/** The flat GDT QEMU's option ROM leaves loaded (fixture gdtr_base=000CB2B8, gdtr_limit=0027). */
export const BOOT_GDT_ADDRESS = 0xcb2b8;
const BOOT_GDT: readonly [number, number][] = [
  [0x00000000, 0x00000000],
  [0x0000ffff, 0x00cf9a00], // 0x08: flat 32-bit code, DPL 0
  [0x0000ffff, 0x00cf9300], // 0x10: flat 32-bit data, DPL 0
  [0x0000ffff, 0x00009e00], // 0x18: 16-bit code (the ROM's real-mode return path)
  [0x0000ffff, 0x00009200], // 0x20: 16-bit data
];

export interface MultibootOptions {
  /**
   * The kernel's name as given to QEMU's -kernel: QEMU puts it, a space and the command line
   * into the multiboot cmdline string (fixture: "multiboot-info.bin hello world").
   */
  readonly kernelName: string;
  /** QEMU's -append (default empty, which still leaves the trailing space). */
  readonly commandLine?: string;
}

export interface MultibootHeaderInfo {
  /** Byte offset of the header in the image. */
  readonly offset: number;
  readonly flags: number;
  readonly headerAddr: number;
  readonly loadAddr: number;
  readonly loadEndAddr: number;
  readonly bssEndAddr: number;
  readonly entryAddr: number;
}

export interface MultibootLoaded {
  readonly ok: true;
  readonly header: MultibootHeaderInfo;
  readonly state: InitialCpuState;
  readonly mbiAddress: number;
  /** Physical range of the image copied from the file, then of the zeroed bss. */
  readonly loadedBytes: { readonly start: number; readonly end: number };
  readonly bssBytes: { readonly start: number; readonly end: number };
  /** Notes QEMU would print without failing (e.g. a video-mode request). */
  readonly warnings: readonly string[];
}

export interface MultibootError {
  readonly ok: false;
  readonly message: string;
  /** Byte offset in the image the problem concerns, when there is one. */
  readonly offset?: number;
}

export type MultibootResult = MultibootLoaded | MultibootError;

const u32 = (image: Uint8Array, at: number) =>
  (image[at] | (image[at + 1] << 8) | (image[at + 2] << 16) | (image[at + 3] << 24)) >>> 0;

/** Finds the header: 4-byte aligned, magic, and magic + flags + checksum = 0 (mod 2^32). */
export function findMultibootHeader(image: Uint8Array): number {
  for (let i = 0; i < HEADER_SEARCH_LIMIT && i + 12 <= image.length; i += 4) {
    if (u32(image, i) === MULTIBOOT_HEADER_MAGIC && ((MULTIBOOT_HEADER_MAGIC + u32(image, i + 4) + u32(image, i + 8)) >>> 0) === 0) {
      return i;
    }
  }
  return -1;
}

export function loadMultiboot(image: Uint8Array, memory: PhysicalMemory, options: MultibootOptions): MultibootResult {
  const fail = (message: string, offset?: number): MultibootError => ({ ok: false, message, offset });
  const ramSize = memory.sizeBytes;
  if (ramSize < MIN_MULTIBOOT_MEMORY || ramSize > MAX_MULTIBOOT_MEMORY) {
    return fail(`memory size ${ramSize} bytes is outside the ${MIN_MULTIBOOT_MEMORY >>> 20} MiB .. ${MAX_MULTIBOOT_MEMORY >>> 20} MiB (3.5 GiB) the multiboot memory map supports`);
  }
  const i = findMultibootHeader(image);
  if (i < 0) return fail('no multiboot header (magic 0x1BADB002 with a valid checksum, 4-byte aligned) in the first 8192 bytes', 0);
  const flags = u32(image, i + 4);
  if (!(flags & MULTIBOOT_AOUT_KLUDGE)) {
    return fail('multiboot header without the a.out kludge (flags bit 16): ELF kernels are not supported; use a flat binary with the address fields', i + 4);
  }
  if (i + 32 > image.length) return fail('multiboot header truncated: the a.out kludge needs 32 bytes', i);
  const header: MultibootHeaderInfo = {
    offset: i, flags,
    headerAddr: u32(image, i + 12), loadAddr: u32(image, i + 16), loadEndAddr: u32(image, i + 20),
    bssEndAddr: u32(image, i + 24), entryAddr: u32(image, i + 28),
  };
  const warnings: string[] = [];
  if (flags & 0x4) warnings.push('the header requests a video mode (flags bit 2); like QEMU, no VBE information is provided');

  // QEMU's arithmetic (hw/i386/multiboot.c): the file offset of load_addr is the header's offset
  // minus its distance from load_addr; load_end_addr = 0 means "to the end of the file";
  // bss_end_addr = 0 means no bss.
  if (header.headerAddr < header.loadAddr) return fail('invalid load_addr: it is above header_addr', i + 16);
  const textOffset = i - (header.headerAddr - header.loadAddr);
  if (textOffset < 0) return fail('invalid header_addr/load_addr: load_addr would lie before the start of the file', i + 12);
  let loadSize: number;
  if (header.loadEndAddr !== 0) {
    if (header.loadEndAddr < header.loadAddr) return fail('invalid load_end_addr: it is below load_addr', i + 20);
    loadSize = header.loadEndAddr - header.loadAddr;
  } else {
    if (image.length < textOffset) return fail('the file is shorter than the text offset the header implies', i + 12);
    loadSize = image.length - textOffset;
  }
  let kernelSize = loadSize;
  if (header.bssEndAddr !== 0) {
    if (header.bssEndAddr < header.loadAddr + loadSize) return fail('invalid bss_end_addr: it is below load_end_addr', i + 24);
    kernelSize = header.bssEndAddr - header.loadAddr;
  }
  if (textOffset + loadSize > image.length) {
    return fail(`load_end_addr asks for ${loadSize} bytes from file offset ${textOffset}, but the file has ${image.length} bytes`, i + 20);
  }

  const commandLine = `${options.kernelName} ${options.commandLine ?? ''}`;
  if (commandLine.includes('\0')) return fail('the command line contains a NUL character');
  const encoder = new TextEncoder();
  const cmdlineBytes = encoder.encode(commandLine + '\0');
  const loaderBytes = encoder.encode(BOOTLOADER_NAME + '\0');
  // QEMU's buffer: the kernel rounded up to a page, then module records (none), the command
  // line and the boot loader name.
  const stringsAddress = header.loadAddr + alignPage(kernelSize);
  const bufferEnd = header.loadAddr + alignPage(alignPage(kernelSize) + cmdlineBytes.length + loaderBytes.length);
  if (header.loadAddr < 0x100000 && header.loadAddr + kernelSize > E820_MAP_ADDRESS) {
    return fail(`the kernel at 0x${header.loadAddr.toString(16)} would overlap the boot structures at 0x9000`, i + 16);
  }
  if (bufferEnd > ramSize - FIRMWARE_RESERVED_TOP) {
    return fail(`the kernel and its boot information end at 0x${bufferEnd.toString(16)}, beyond usable RAM (0x${(ramSize - FIRMWARE_RESERVED_TOP).toString(16)})`, i + 16);
  }
  const entryEnd = header.loadAddr + kernelSize;
  if (header.entryAddr < header.loadAddr || header.entryAddr >= entryEnd) {
    warnings.push(`entry_addr 0x${header.entryAddr.toString(16)} lies outside the loaded image`);
  }

  memory.writeBytes(header.loadAddr, image.subarray(textOffset, textOffset + loadSize));
  memory.fill(header.loadAddr + loadSize, kernelSize - loadSize, 0);
  const cmdlineAddress = stringsAddress;
  const loaderAddress = cmdlineAddress + cmdlineBytes.length;
  memory.writeBytes(cmdlineAddress, cmdlineBytes);
  memory.writeBytes(loaderAddress, loaderBytes);

  const mmap = writeE820Map(memory, ramSize);
  const mbi = new Uint32Array(MBI_SIZE / 4);
  mbi[0] = MBI_FLAGS;
  mbi[1] = mmap.lowerKiB;
  mbi[2] = mmap.upperKiB;
  mbi[3] = BOOT_DEVICE;
  mbi[4] = cmdlineAddress;
  mbi[5] = 0;                    // mods_count
  mbi[6] = stringsAddress;       // mods_addr: the (empty) module table precedes the strings
  mbi[11] = mmap.length;
  mbi[12] = E820_MAP_ADDRESS;
  mbi[16] = loaderAddress;
  mbi.forEach((v, k) => memory.write32(MBI_ADDRESS + 4 * k, v));

  BOOT_GDT.forEach(([low, high], k) => {
    memory.write32(BOOT_GDT_ADDRESS + 8 * k, low);
    memory.write32(BOOT_GDT_ADDRESS + 8 * k + 4, high);
  });
  const seg = (selector: number): SegmentLoad => ({
    selector, descriptorLow: BOOT_GDT[selector >> 3][0], descriptorHigh: BOOT_GDT[selector >> 3][1],
  });
  const data = seg(0x10);
  const state: InitialCpuState = {
    eax: MULTIBOOT_BOOTLOADER_MAGIC, ebx: MBI_ADDRESS,
    // Scratch values QEMU's option ROM leaves (test/fixtures/qemu/cpu/entry-registers.json, the same
    // for every image and run): ECX holds the entry address it jumps through; EDX keeps the high
    // half of mem_upper in KiB from its memory-map scan under DX = 0x511, the fw_cfg data port of
    // its last read; EDI is 0x1000 after its fw_cfg transfers.
    ecx: header.entryAddr, edx: ((mmap.upperKiB & 0xffff_0000) | FW_CFG_DATA_PORT) >>> 0, esi: 0, edi: 0x1000, ebp: 0,
    // ESP, EFLAGS (PF left set, IF clear) and CR0 (PE|ET, paging off) as QEMU's option ROM leaves them.
    esp: 0x6f08, eip: header.entryAddr, eflags: 0x6, cr0: 0x11, cr3: 0, cr4: 0,
    cs: seg(0x08), ds: data, es: data, fs: data, gs: data, ss: data,
    gdtr: { base: BOOT_GDT_ADDRESS, limit: BOOT_GDT.length * 8 - 1 },
    idtr: { base: 0, limit: 0x3ff },
    cpl: 0,
  };
  return {
    ok: true, header, state, mbiAddress: MBI_ADDRESS, warnings,
    loadedBytes: { start: header.loadAddr, end: header.loadAddr + loadSize },
    bssBytes: { start: header.loadAddr + loadSize, end: header.loadAddr + kernelSize },
  };
}

function alignPage(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}

/**
 * The BIOS memory map SeaBIOS reports under QEMU (as int 15h/E820 entries, each prefixed by its
 * size 20 as multiboot's mmap wants): 639 KiB of base memory, the EBDA, the BIOS area, RAM above
 * 1 MiB up to the firmware's reserved top 128 KiB, and the flash at 0xFFFC0000.
 */
function writeE820Map(memory: PhysicalMemory, ramSize: number): { length: number; lowerKiB: number; upperKiB: number } {
  const entries: [number, number, number][] = [
    [0x00000, 0x9fc00, 1],
    [0x9fc00, 0x00400, 2],
    [0xf0000, 0x10000, 2],
    [0x100000, ramSize - 0x100000 - FIRMWARE_RESERVED_TOP, 1],
    [ramSize - FIRMWARE_RESERVED_TOP, FIRMWARE_RESERVED_TOP, 2],
    [0xfffc0000, 0x40000, 2],
  ];
  entries.forEach(([base, length, type], k) => {
    const at = E820_MAP_ADDRESS + 24 * k;
    memory.write32(at, 20);
    memory.write32(at + 4, base);
    memory.write32(at + 8, 0);
    memory.write32(at + 12, length);
    memory.write32(at + 16, 0);
    memory.write32(at + 20, type);
  });
  // The option ROM derives mem_lower/mem_upper from the map: the usable region at 0 and the
  // usable region starting at 1 MiB, in KiB.
  return { length: entries.length * 24, lowerKiB: 0x9fc00 / 1024, upperKiB: (ramSize - 0x100000 - FIRMWARE_RESERVED_TOP) / 1024 };
}
