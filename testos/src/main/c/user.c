/* The C half of run_user; see user.S for the privilege switch itself. */
#include <stddef.h>

#include "user.h"

long run_user(long (*fn)(long), long arg) {
    struct cpu *cpu = this_cpu();
    cpu->user_faulted = false;
    return run_user_enter(&cpu->user_kernel_rsp, fn, arg, cpu->user_stack_top);
}

const struct user_fault *run_user_last_fault(void) {
    struct cpu *cpu = this_cpu();
    return cpu->user_faulted ? &cpu->user_fault : NULL;
}

void run_user_finish(struct cpu *cpu, long result) {
    uint64_t kernel_rsp = cpu->user_kernel_rsp;
    cpu->user_kernel_rsp = 0;
    run_user_resume(kernel_rsp, result);
}
