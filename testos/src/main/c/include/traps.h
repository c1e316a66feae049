/* Exception entry: the frame trap.S builds, and the expected-trap mechanism tests use. */
#ifndef TESTOS_TRAPS_H
#define TESTOS_TRAPS_H

/* #BP, breakpoint (int3). */
#define VEC_BP 3
/* #UD, invalid opcode. */
#define VEC_UD 6
/* #DF, double fault. */
#define VEC_DF 8
/* #GP, general protection. */
#define VEC_GP 13
/* #PF, page fault. */
#define VEC_PF 14
/* Exception vectors reserved by the architecture. */
#define NR_EXCEPTIONS 32
/* #PF error code: the access came from ring 3. */
#define PF_ERR_USER (1 << 2)
/* #PF error code: the page was present (a protection fault). */
#define PF_ERR_PRESENT (1 << 0)

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

/* Layout of what trap.S pushes below the hardware frame, lowest address first. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Entry stubs in trap.S, one per exception vector. */
extern const uint64_t trap_stubs[NR_EXCEPTIONS];

void trap_dispatch(struct trap_frame *frame);

/*
 * Arms this CPU for one deliberate trap: when `vector` is raised at `insn`
 * (a fault) or just after it (a trap such as #BP), the handler records it and
 * continues at `resume` instead of reporting failure.
 */
void trap_expect(uint64_t vector, const void *insn, const void *resume);
/* Disarms and returns what the handler saw; record.hit is false if nothing was caught. */
struct trap_record trap_expect_take(void);

/* Probes in probes.S: one instruction that traps, then a label to resume at. */
void probe_ud2(void);
extern const char probe_ud2_insn[], probe_ud2_resume[];
void probe_int3(void);
extern const char probe_int3_insn[], probe_int3_resume[];
#endif

#endif
