; CPU-bound benchmark guest for test/bench/cpu-micro.mjs: a loop of arithmetic, shifts, memory
; reads and writes, calls and branches; with -DPAGING it first turns on 4 KiB paging (identity
; map of the first 8 MiB). Exits through isa-debug-exit with the low byte of the checksum.
bits 32
org 0x100000

MB_MAGIC equ 0x1BADB002
MB_FLAGS equ 0x00010000
header:
    dd MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
    dd header, 0x100000, load_end, bss_end, start

%ifndef OUTER
%define OUTER 20000
%endif

start:
    mov esp, stack_top
%ifdef PAGING
    ; Page directory: two page tables covering 0..8 MiB, identity mapped, 4 KiB pages.
    mov edi, page_dir
    mov eax, page_tables + 3
    mov [edi], eax
    add eax, 4096
    mov [edi + 4], eax
    mov edi, page_tables
    mov eax, 3
    mov ecx, 2048
.map:
    mov [edi], eax
    add eax, 4096
    add edi, 4
    dec ecx
    jnz .map
    mov eax, page_dir
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80010000
    mov cr0, eax
%endif
    xor edx, edx
    mov ecx, OUTER
outer:
    xor ebx, ebx
inner:
    mov eax, [table + ebx*4]
    add eax, ecx
    xor eax, edx
    mov esi, eax
    shr esi, 3
    lea eax, [eax + esi*2 + 7]
    mov [table + ebx*4], eax
    add edx, eax
    inc ebx
    cmp ebx, 64
    jb inner
    push ecx
    call mix
    pop ecx
    test edx, 1
    jz .even
    sub edx, ecx
.even:
    dec ecx
    jnz outer
    mov eax, edx
    out 0xf4, al
    hlt

mix:
    push ebp
    mov ebp, esp
    mov ecx, [ebp + 8]
    and ecx, 15
    movzx eax, byte [table + ecx]
    imul eax, eax, 31
    add edx, eax
    pop ebp
    ret

align 4
table: times 64 dd 0
load_end:

section .bss
alignb 4096
page_dir: resb 4096
page_tables: resb 8192
resb 16384
stack_top:
bss_end:
