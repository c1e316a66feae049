/* Running code in ring 3, where this host's KVM executes natively instead of emulating. */
#ifndef TESTOS_USER_H
#define TESTOS_USER_H

#include <stdint.h>

#include "cpu.h"

/* run_user's result when ring 3 took an exception; run_user_last_fault() says which. */
#define RUN_USER_FAULTED INT64_MIN

/*
 * Calls fn(arg) in ring 3 with RFLAGS.IOPL=3 and a permit-all TSS I/O bitmap
 * (so in/out work) and interrupts off, on this CPU's user stack, and returns
 * fn's result. If ring 3 faults the fault is recorded and RUN_USER_FAULTED is
 * returned instead of crashing.
 */
long run_user(long (*fn)(long), long arg);
/* The fault that ended the last run_user on this CPU, or NULL if it returned normally. */
const struct user_fault *run_user_last_fault(void);

/* Called by trap_dispatch when ring 3 returns or faults; never returns to the caller. */
_Noreturn void run_user_finish(struct cpu *cpu, long result);

/* The ud2 ring 3 executes to hand its result (in %rax) back to run_user. */
extern const char run_user_return[];

/* The assembly halves in user.S. */
long run_user_enter(uint64_t *kernel_rsp_slot, long (*fn)(long), long arg, uint64_t user_rsp);
_Noreturn void run_user_resume(uint64_t kernel_rsp, long result);

#endif
