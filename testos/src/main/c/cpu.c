/*
 * CPU setup: the IDT (shared), and per CPU a GDT with user segments and a
 * TSS whose RSP0 is the stack ring 3 traps land on. Also the CPU count from
 * the CPUID topology leaves.
 */
#include <stdint.h>

#include "cpu.h"
#include "traps.h"
#include "x86.h"

/* Entries in the IDT: all vectors, so later drivers can install interrupt handlers. */
#define IDT_ENTRIES 256
/* IDT gate type/attributes: present, DPL 0, 64-bit interrupt gate (IF cleared on entry). */
#define GATE_INTERRUPT 0x8e
/* System descriptor type of an available 64-bit TSS. */
#define DESC_TSS_AVAILABLE 0x9
/* Descriptor present bit. */
#define DESC_PRESENT (1ull << 47)
/* CPUID leaf 1 EDX: HTT, EBX[23:16] holds the logical processor count. */
#define CPUID_1_EDX_HTT (1u << 28)
/* CPUID leaf of the extended topology enumeration. */
#define CPUID_LEAF_TOPOLOGY 0xb
/* Leaf 0xB subleaf describing the core level (logical processors per package). */
#define TOPOLOGY_SUBLEAF_CORE 1

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gates are 16 bytes");

extern uint8_t kernel_stacks[MAX_CPUS][KERNEL_STACK_SIZE];
extern uint8_t trap_stacks[MAX_CPUS][TRAP_STACK_SIZE];
extern uint8_t ist_stacks[MAX_CPUS][IST_STACK_SIZE];
extern uint8_t user_stacks[MAX_CPUS][USER_STACK_SIZE];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));
static struct cpu cpus[MAX_CPUS];

static void set_gate(unsigned vector, uint64_t handler, uint8_t type_attr, uint8_t ist) {
    idt[vector] = (struct idt_gate){
        .offset_low = (uint16_t)handler,
        .selector = KERNEL_CS,
        .ist = ist,
        .type_attr = type_attr,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_high = (uint32_t)(handler >> 32),
    };
}

static void idt_build(void) {
    for (unsigned v = 0; v < NR_EXCEPTIONS; v++) {
        set_gate(v, trap_stubs[v], GATE_INTERRUPT, v == VEC_DF ? IST_DOUBLE_FAULT : 0);
    }
}

static void gdt_build(struct cpu *cpu) {
    uint64_t base = (uint64_t)&cpu->tss;
    uint64_t limit = sizeof(cpu->tss) + sizeof(cpu->io_bitmap) - 1;
    cpu->gdt[0] = 0;
    cpu->gdt[KERNEL_CS / 8] = GDT_KERNEL_CODE64;
    cpu->gdt[KERNEL_DS / 8] = GDT_KERNEL_DATA;
    cpu->gdt[USER_CS32 / 8] = GDT_USER_CODE32;
    cpu->gdt[USER_DS / 8] = GDT_USER_DATA;
    cpu->gdt[USER_CS / 8] = GDT_USER_CODE64;
    cpu->gdt[TSS_SEL / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | ((uint64_t)DESC_TSS_AVAILABLE << 40) |
                            DESC_PRESENT | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    cpu->gdt[TSS_SEL / 8 + 1] = base >> 32;
}

static void load_tables(struct cpu *cpu) {
    struct table_pointer gdtr = {.limit = sizeof(cpu->gdt) - 1, .base = (uint64_t)cpu->gdt};
    struct table_pointer idtr = {.limit = sizeof(idt) - 1, .base = (uint64_t)idt};
    __asm__ volatile("lgdt %0" : : "m"(gdtr));
    /* Reload CS and the data segments from the new table (a far return is the 64-bit way to set CS). */
    __asm__ volatile("pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %[ds], %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     :
                     : [cs] "i"(KERNEL_CS), [ds] "i"(KERNEL_DS)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"(TSS_SEL));
    __asm__ volatile("lidt %0" : : "m"(idtr));
    wrmsr(MSR_GS_BASE, (uint64_t)cpu);
}

static void cpu_setup(unsigned index) {
    struct cpu *cpu = &cpus[index];
    cpu->self = cpu;
    cpu->index = index;
    cpu->user_stack_top = (uint64_t)&user_stacks[index][USER_STACK_SIZE];
    cpu->tss.rsp[0] = (uint64_t)&trap_stacks[index][TRAP_STACK_SIZE];
    cpu->tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)&ist_stacks[index][IST_STACK_SIZE];
    cpu->tss.iopb_offset = sizeof(cpu->tss);
    /* The bitmap itself is zero from .bss: every port allowed. */
    cpu->io_bitmap[IO_BITMAP_BYTES] = 0xff;
    gdt_build(cpu);
    load_tables(cpu);
}

void cpu_init_boot(void) {
    idt_build();
    cpu_setup(0);
}

void cpu_init_ap(unsigned index) {
    cpu_setup(index);
}

uint64_t cpu_kernel_stack_top(unsigned index) {
    return (uint64_t)&kernel_stacks[index][KERNEL_STACK_SIZE];
}

unsigned cpu_count(void) {
    uint32_t max_leaf = cpuid(0, 0).eax;
    if (max_leaf >= CPUID_LEAF_TOPOLOGY) {
        /* Subleaf 0 with EBX[15:0] = 0 means the leaf is not implemented. */
        uint32_t smt = cpuid(CPUID_LEAF_TOPOLOGY, 0).ebx & 0xffff;
        uint32_t core = cpuid(CPUID_LEAF_TOPOLOGY, TOPOLOGY_SUBLEAF_CORE).ebx & 0xffff;
        if (smt != 0 && core != 0) {
            return core;
        }
    }
    struct cpuid_regs leaf1 = cpuid(1, 0);
    if (leaf1.edx & CPUID_1_EDX_HTT) {
        uint32_t logical = (leaf1.ebx >> 16) & 0xff;
        if (logical != 0) {
            return logical;
        }
    }
    return 1;
}
