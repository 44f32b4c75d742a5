// The bin format's map file (`[map all boot.map]`, NASM manual §8.1.4): what `[map]` asks for,
// the sections and symbols it reports, and the text nasm 2.16 writes for them (output/outbin.c,
// bin_cleanup's step 7, whose layout this copies line for line).

import type { SectionPlacement } from './sections';

/** The parts of the map (`brief` = origin + summary, `sections` adds the details, `all` everything). */
export const enum MapPart { Origin = 1, Summary = 2, Sections = 4, Symbols = 8 }

/** What the `[map]` lines asked for: the parts, and where to (`stdout`, `stderr` or a file name, as written). */
export interface MapRequest {
  readonly parts: number;
  readonly target: string;
}

/** A section as the map reports it. */
export interface MapSection {
  readonly name: string;
  readonly progbits: boolean;
  readonly length: number;
  readonly placement: SectionPlacement;
}

/** A symbol: its name and value, an offset from its section's start when it has one. */
export interface MapSymbol {
  readonly name: string;
  readonly value: number | bigint;
}

/** Everything a map file says, for `renderMapFile`. */
export interface MapFile {
  readonly request: MapRequest;
  readonly origin: number;
  /** In nasm's final order: progbits sections by position, then nobits ones by declaration. */
  readonly sections: readonly MapSection[];
  /** Symbols with no section (constants, `absolute` and `struc` labels), in definition order. */
  readonly absolute: readonly MapSymbol[];
  /** Each section's symbols in definition order, by section name. */
  readonly bySection: ReadonlyMap<string, readonly MapSymbol[]>;
}

/**
 * Reads the words of one `[map ...]` line into `request` (undefined: none yet), as nasm does:
 * `all`, `brief`, `sections`, `segments` and `symbols` choose parts (any case), the first other
 * word is where to write (`stdout`, `stderr` or a file name) and any later one is ignored (nasm
 * 2.16 prints no warning for it, measured); a line choosing no part asks for `brief`.
 */
export function readMapDirective(words: readonly string[], request: MapRequest | undefined): MapRequest {
  let parts = request?.parts ?? 0;
  let target = request?.target;
  for (const w of words) {
    const lower = w.toLowerCase();
    if (lower === 'all') parts |= MapPart.Origin | MapPart.Summary | MapPart.Sections | MapPart.Symbols;
    else if (lower === 'brief') parts |= MapPart.Origin | MapPart.Summary;
    else if (lower === 'sections' || lower === 'segments') parts |= MapPart.Origin | MapPart.Summary | MapPart.Sections;
    else if (lower === 'symbols') parts |= MapPart.Symbols;
    else target ??= lower === 'stdout' || lower === 'stderr' ? lower : w;
  }
  if (parts === 0) parts = MapPart.Origin | MapPart.Summary;
  return { parts, target: target ?? 'stdout' };
}

/** A value as nasm's printf of a 64-bit unsigned number in upper-case hex shows it. */
function hex(v: number | bigint): string {
  return BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(v)).toString(16).toUpperCase();
}

const right = (v: number | bigint, width: number): string => hex(v).padStart(width, ' ');

/** A heading: its title and dashes out to nasm's width. */
function heading(title: string, dashes: number): string {
  return `${title} ${'-'.repeat(Math.max(0, dashes))}\n`;
}

/** The text of the map file, as nasm writes it for `sourceFile` assembled to `outputFile` (both as given). */
export function renderMapFile(map: MapFile, sourceFile: string, outputFile: string): string {
  const parts = map.request.parts;
  let out = `\n${heading('- NASM Map file', 63)}\nSource file:  ${sourceFile}\nOutput file:  ${outputFile}\n\n`;
  if (parts & MapPart.Origin) out += `${heading('-- Program origin', 61)}\n${hex(map.origin).padStart(8, '0')}\n\n`;
  if (parts & MapPart.Summary) {
    out += `${heading('-- Sections (summary)', 57)}\nVstart            Start             Stop              Length    Class     Name\n`;
    for (const s of map.sections) {
      const p = s.placement;
      out += `${right(p.vstart, 16)}  ${right(p.start, 16)}  ${right(p.start + s.length, 16)}  ${hex(s.length).padStart(8, '0')}  ${s.progbits ? 'progbits  ' : 'nobits    '}${s.name}\n`;
    }
    out += '\n';
  }
  if (parts & MapPart.Sections) {
    out += `${heading('-- Sections (detailed)', 56)}\n`;
    const or = (v: number | string | undefined, hexValue: boolean): string => (v === undefined ? 'not defined' : hexValue ? right(v as number, 16) : String(v));
    for (const s of map.sections) {
      const p = s.placement;
      out += `${heading(`---- Section ${s.name}`, 65 - s.name.length)}\nclass:     ${s.progbits ? 'progbits' : 'nobits'}\n`;
      out += `length:    ${right(s.length, 16)}\nstart:     ${right(p.start, 16)}\nalign:     ${or(p.align, true)}\nfollows:   ${or(p.follows, false)}\n`;
      out += `vstart:    ${right(p.vstart, 16)}\nvalign:    ${or(p.valign, true)}\nvfollows:  ${or(p.vfollows, false)}\n\n`;
    }
  }
  if (parts & MapPart.Symbols) {
    out += `${heading('-- Symbols', 68)}\n`;
    if (map.absolute.length > 0) {
      out += `${heading('---- No Section', 63)}\nValue     Name\n`;
      for (const sym of map.absolute) out += `${hex(sym.value).padStart(8, '0')}  ${sym.name}\n`;
      out += '\n\n';
    }
    for (const s of map.sections) {
      const symbols = map.bySection.get(s.name);
      if (symbols === undefined || symbols.length === 0) continue;
      out += `${heading(`---- Section ${s.name}`, 65 - s.name.length)}\nReal              Virtual           Name\n`;
      for (const sym of symbols) {
        const offset = typeof sym.value === 'bigint' ? sym.value : BigInt(sym.value);
        out += `${right(BigInt(s.placement.start) + offset, 16)}  ${right(BigInt(s.placement.vstart) + offset, 16)}  ${sym.name}\n`;
      }
      out += '\n';
    }
  }
  return out;
}
