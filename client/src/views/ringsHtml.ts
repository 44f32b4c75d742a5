// The Rings view's page: the four privilege rings drawn as concentric circles (ring 0 innermost,
// as in SDM Vol. 3A Figure 5-3), the current one filled, plus what ran in each ring. Static HTML
// and SVG under a strict Content-Security-Policy: no scripts, theme colours only.

import type { RingPicture, RingsPicture, VcpuPicture } from './ringsModel';
import { RING_NAMES } from './ringsModel';

const SIZE = 220;
const CENTER = SIZE / 2;
const INNER = 28;
const BAND = 24;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function ringSvg(r: RingPicture): string {
  const radius = INNER + BAND * r.level;
  const cls = ['ring', r.current ? 'current' : '', r.virtual ? 'virtual' : ''].filter(Boolean).join(' ');
  const labelY = CENTER - radius + 15;
  return `<circle class="${cls}" cx="${CENTER}" cy="${CENTER}" r="${radius}"/>`
    + `<text class="ring-label${r.current ? ' current' : ''}" x="${CENTER}" y="${r.level === 0 ? CENTER + 4 : labelY}" text-anchor="middle">${r.level}</text>`;
}

function ringsSvg(v: VcpuPicture): string {
  const circles = [...v.rings].sort((a, b) => b.level - a.level).map(ringSvg).join('');
  const current = v.rings.find((r) => r.current);
  const label = current !== undefined ? `Privilege rings 0 to 3, the CPU at ring ${current.level}` : 'Privilege rings 0 to 3';
  return `<svg role="img" aria-label="${escapeHtml(label)}" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">${circles}</svg>`;
}

function ringRow(r: RingPicture): string {
  const marks: string[] = [];
  if (r.current) marks.push('<span class="badge current">CPU here</span>');
  if (r.virtual) marks.push('<span class="badge virtual">guest believes here</span>');
  if (r.ioAllowed) marks.push('<span class="badge" title="CPL ≤ IOPL: IN, OUT, CLI and STI do not fault">I/O</span>');
  const seen = r.seen.length > 0 ? r.seen.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ') : '<span class="dim">nothing seen yet</span>';
  const list = (title: string, items: readonly string[]): string => (items.length === 0 ? ''
    : `<div class="dim">${title}</div><ul class="descriptors">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);
  const stack = r.stack !== undefined ? `<div class="dim">Stack on entry from an outer ring</div><ul class="descriptors"><li>${escapeHtml(r.stack)}</li></ul>` : '';
  return `<tr${r.current ? ' class="current"' : ''}><th>Ring ${r.level}<div class="dim">${escapeHtml(RING_NAMES[r.level])}</div></th>`
    + `<td>${marks.join(' ')}<div class="dim">Seen at stops</div><div>${seen}</div>${list('Segments (DPL ' + r.level + ')', r.segments)}${list('Handlers entered through gates', r.entries)}${stack}</td></tr>`;
}

function vcpuSection(v: VcpuPicture, several: boolean): string {
  const heading = several ? `<h3>${escapeHtml(v.title)}</h3>` : '';
  const facts = v.facts.map((f) => `<li>${escapeHtml(f)}</li>`).join('');
  if (!v.protectedMode) return `<section>${heading}<ul class="facts">${facts}</ul></section>`;
  const rows = [...v.rings].sort((a, b) => a.level - b.level).map(ringRow).join('');
  const tables = v.tableFacts.length > 0 ? `<h4>Descriptor tables</h4><ul class="facts">${v.tableFacts.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : '';
  return `<section>${heading}<div class="picture">${ringsSvg(v)}</div><ul class="facts">${facts}</ul>`
    + `<table class="rings"><caption class="dim">What runs in each ring: code seen at stops of this session, and the guest's descriptors</caption>${rows}</table>${tables}</section>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 4px 8px; }
.note { padding: 4px 6px; background: var(--vscode-inputValidation-infoBackground); border: 1px solid var(--vscode-inputValidation-infoBorder); }
.dim { opacity: 0.7; font-size: 0.9em; }
.picture { text-align: center; }
.ring { fill: var(--vscode-editor-background); stroke: var(--vscode-foreground); stroke-opacity: 0.5; stroke-width: 1; }
.ring.current { fill: var(--vscode-charts-orange); fill-opacity: 0.55; stroke-opacity: 1; stroke-width: 2; }
.ring.virtual { stroke: var(--vscode-charts-blue); stroke-dasharray: 4 3; stroke-width: 2; stroke-opacity: 1; }
.ring-label { fill: var(--vscode-foreground); font-size: 11px; }
.ring-label.current { font-weight: bold; }
ul.facts { padding-left: 1.2em; margin: 6px 0; }
ul.descriptors { padding-left: 1.2em; margin: 2px 0 4px; font-family: var(--vscode-editor-font-family); font-size: 0.9em; }
h4 { margin: 10px 0 2px; font-weight: normal; }
table.rings { border-collapse: collapse; width: 100%; }
table.rings caption { text-align: left; }
table.rings th { text-align: left; vertical-align: top; white-space: nowrap; padding: 3px 8px 3px 0; font-weight: normal; }
table.rings td { padding: 3px 0; vertical-align: top; }
table.rings tr.current th { font-weight: bold; }
.badge { display: inline-block; padding: 0 4px; border-radius: 3px; font-size: 0.85em; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.badge.current { background: var(--vscode-charts-orange); color: var(--vscode-editor-background); }
.badge.virtual { background: var(--vscode-charts-blue); color: var(--vscode-editor-background); }
`;

function page(cspSource: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">`
    + `<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>Rings</title><style>${STYLE}</style></head>`
    + `<body>${body}</body></html>`;
}

/** The page for a stopped guest. */
export function ringsHtml(p: RingsPicture, cspSource: string, note?: string): string {
  const several = p.vcpus.length > 1;
  const technique = p.technique === 'native' ? 'Bare metal: the guest owns the machine.' : `Technique: ${p.technique}.`;
  const banner = note !== undefined ? `<p class="note">${escapeHtml(note)}</p>` : '';
  return page(cspSource, `${banner}<p class="dim">${escapeHtml(technique)}</p>${p.vcpus.map((v) => vcpuSection(v, several)).join('')}`);
}

/** The page when there is nothing to draw (no session, or the guest is running). */
export function ringsMessageHtml(message: string, cspSource: string): string {
  return page(cspSource, `<p>${escapeHtml(message)}</p>`);
}
