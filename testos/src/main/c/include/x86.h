/* Architectural register bits and MSRs this OS touches, with small inline accessors. */
#ifndef TESTOS_X86_H
#define TESTOS_X86_H

/* CR0.PE: protected mode. */
#define CR0_PE (1 << 0)
/* CR0.NW: not write-through; set after INIT, cleared together with CD to turn caching on. */
#define CR0_NW (1 << 29)
/* CR0.CD: cache disable; set after INIT. */
#define CR0_CD (1 << 30)
/* CR0.PG: paging. */
#define CR0_PG (1 << 31)
/* CR4.PAE: physical address extension, required for long mode. */
#define CR4_PAE (1 << 5)
/* IA32_EFER: extended feature enable register. */
#define MSR_EFER 0xc0000080
/* IA32_EFER.LME: long mode enable. */
#define EFER_LME (1 << 8)
/* IA32_GS_BASE: the GS segment base, used here to find the current CPU's struct cpu. */
#define MSR_GS_BASE 0xc0000101

/* RFLAGS bit 1, which always reads as one. */
#define RFLAGS_FIXED (1 << 1)
/* RFLAGS.IOPL = 3: in/out allowed at every privilege level. */
#define RFLAGS_IOPL3 (3 << 12)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* TSC ticks per millisecond the OS assumes (a 3 GHz TSC): only bounds waits, so another rate just scales them. */
#define TSC_TICKS_PER_MS 3000000ull

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf) {
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

static inline void wrmsr(uint32_t msr, uint64_t value) {
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

static inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void) {
    uint64_t value;
    __asm__ volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void) {
    __asm__ volatile("pause");
}

/* Spins for about ms milliseconds by the TSC (see TSC_TICKS_PER_MS). */
static inline void tsc_delay_ms(uint64_t ms) {
    uint64_t start = rdtsc();
    while (rdtsc() - start < ms * TSC_TICKS_PER_MS) {
        cpu_relax();
    }
}

/*
 * A pointer to physical address `addr`, which the identity map makes the same
 * virtual address. Passed through an empty asm so gcc does not take addresses
 * in the first 4 KiB (the BIOS data area, say) for null-pointer arithmetic.
 */
static inline void *phys_to_virt(uint64_t addr) {
    __asm__("" : "+r"(addr));
    return (void *)addr;
}

/* Keeps the compiler from moving memory accesses across this point (port I/O that starts DMA, for one). */
static inline void compiler_barrier(void) {
    __asm__ volatile("" : : : "memory");
}
#endif

#ifndef __ASSEMBLER__
/* The operand of lgdt/lidt: a table's limit and linear base. */
struct table_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));
#endif

#endif
