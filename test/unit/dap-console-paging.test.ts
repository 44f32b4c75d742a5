// The Debug Console's `info pt` and `translate` over a directory entry that points to a page table
// and has bits 6 and 8 set: SDM Vol. 3A Table 4-5 has those bits ignored in such an entry (no
// dirty, no global flag there), while in the PTE of Table 4-6 bit 8 is G. The guest sets them so.
import * as assert from 'node:assert/strict';
import { GuestSession } from '../../core/src/runtime/session';
import { runCommand } from '../../debug-adapter/src/console';

const GUEST = `bits 32
org 0x100000
header:
    dd 0x1BADB002, 0x00010000, -(0x1BADB002 + 0x00010000)
    dd header, 0x100000, load_end, bss_end, start
start:
    mov edi, pt
    mov eax, 0x107                  ; P RW US, G (bit 8): a global 4 KiB page
    mov ecx, 1024
.fill:
    stosd
    add eax, 0x1000
    loop .fill
    mov dword [pd], pt + 0x147      ; P RW US, bit 6 and bit 8 set: both ignored here
    mov eax, pd
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    mov eax, [0x100000]
paged:
    mov al, 0
    out 0xf4, al
load_end:
absolute load_end
alignb 4096
pd: resb 4096
pt: resb 4096
bss_end:
`;

describe('Debug Console: paging entries (SDM Vol. 3A Tables 4-5, 4-6)', () => {
  it('shows no D or G for a directory entry that points to a page table, and G for the PTE', async () => {
    const r = GuestSession.load({ source: { file: '/virtual/paging.asm', text: GUEST } });
    assert.ok(r.ok, r.ok ? '' : r.message);
    const s = r.session;
    s.setBreakpoints([{ address: s.symbols.lookup('paged')! }]);
    assert.equal((await s.continue()).kind, 'stopped');
    const dir = runCommand(s, 'info pt');
    assert.ok(dir.ok);
    // The PDE has A (the walk set it) but shows neither D nor G.
    assert.match(dir.text, /^ {2}PDE {4}0 {2}0x00000000 -> table 0x[0-9a-f]+ {2}UWA--$/m);
    const table = runCommand(s, 'info pt 0x100000');
    assert.ok(table.ok);
    assert.match(table.text, /^ {2}PTE {2}256 {2}0x00100000 -> 0x00100000 {2}UWA-G$/m);
    const walk = runCommand(s, 'translate 0x100000');
    assert.ok(walk.ok);
    assert.match(walk.text, /^ {2}PDE at 0x[0-9a-f]+ = 0x[0-9a-f]+167 UWA--$/m);
    assert.match(walk.text, /^ {2}PTE at 0x[0-9a-f]+ = 0x00100127 UWA-G$/m);
  });
});
