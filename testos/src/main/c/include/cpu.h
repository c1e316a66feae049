/*
 * Per-CPU state: descriptor tables, the TSS, and the bookkeeping that lets
 * ring-3 calls and expected traps come back to their caller. Each CPU finds
 * its own struct cpu through the GS base; an application processor sets up
 * its own slot with cpu_init_ap.
 */
#ifndef TESTOS_CPU_H
#define TESTOS_CPU_H

#include "segments.h"

/* CPUs this OS keeps state and stacks for. */
#define MAX_CPUS 8
/* Bytes of each CPU's kernel stack, the one its boot or AP entry code switches to. */
#define KERNEL_STACK_SIZE 16384
/* Bytes of each CPU's ring-0 stack for entries from ring 3 (TSS.RSP0). */
#define TRAP_STACK_SIZE 16384
/* Bytes of each CPU's stack for double faults (IST1), independent of a broken kernel stack. */
#define IST_STACK_SIZE 4096
/* Bytes of each CPU's ring-3 stack used by run_user. */
#define USER_STACK_SIZE 65536
/* IST slot (1-based, as the IDT gate encodes it) used by the double-fault gate. */
#define IST_DOUBLE_FAULT 1
/* Bytes of an I/O permission bitmap covering all 65536 ports, one bit each. */
#define IO_BITMAP_BYTES 8192

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* 64-bit TSS (Intel SDM vol. 3, "64-Bit Task State Segment"). */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iopb_offset;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "the 64-bit TSS is 104 bytes");

/* What ring 3 did when it took an exception inside run_user. */
struct user_fault {
    uint64_t vector;
    uint64_t error;
    uint64_t rip;
    uint64_t cr2;
};

/* A ring-0 trap a test deliberately provokes: the instruction, and where to resume after it. */
struct trap_expect {
    bool armed;
    uint64_t vector;
    uint64_t insn;
    uint64_t resume;
};

/* The expected trap as the handler saw it. */
struct trap_record {
    bool hit;
    uint64_t vector;
    uint64_t error;
    uint64_t rip;
};

struct cpu {
    struct cpu *self;         /* first field: %gs:0 reads it */
    uint32_t index;
    uint64_t user_kernel_rsp; /* ring-0 stack pointer saved by run_user_enter; 0 while not in ring 3 */
    uint64_t user_stack_top;
    bool user_faulted;
    struct user_fault user_fault;
    struct trap_expect expect;
    struct trap_record caught;
    uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
    struct tss tss __attribute__((aligned(16)));
    /*
     * The TSS I/O permission bitmap, all zero (every port allowed) plus the
     * all-ones byte the architecture wants after it. IOPL=3 alone would do,
     * but kvm-pvm clears IOPL whenever ring 3 runs and then checks port
     * access against this bitmap instead.
     */
    uint8_t io_bitmap[IO_BITMAP_BYTES + 1];
};
_Static_assert(__builtin_offsetof(struct cpu, io_bitmap) ==
                   __builtin_offsetof(struct cpu, tss) + sizeof(struct tss),
               "the I/O bitmap must directly follow the TSS it belongs to");

static inline struct cpu *this_cpu(void) {
    struct cpu *cpu;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(cpu));
    return cpu;
}

/* Sets up the boot CPU: shared IDT, its GDT, TSS and GS base. */
void cpu_init_boot(void);
/* Sets up CPU `index` (an AP, running on its own kernel stack): its GDT, TSS and GS base, and the shared IDT. */
void cpu_init_ap(unsigned index);
/* The top of CPU `index`'s kernel stack. */
uint64_t cpu_kernel_stack_top(unsigned index);

/* Logical processors per the CPUID topology leaves (see cpu.c for the exact rule). */
unsigned cpu_count(void);
#endif

#endif
