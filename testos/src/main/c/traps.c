/*
 * Where every exception lands. Three outcomes: ring 3 inside run_user
 * (return or fault) goes back to the run_user caller; a trap a test armed for
 * resumes after the probe; anything else is reported and ends the run as FAIL.
 */
#include "console.h"
#include "power.h"
#include "traps.h"
#include "user.h"
#include "x86.h"

void trap_expect(uint64_t vector, const void *insn, const void *resume) {
    struct cpu *cpu = this_cpu();
    cpu->caught = (struct trap_record){0};
    cpu->expect = (struct trap_expect){
        .armed = true, .vector = vector, .insn = (uint64_t)insn, .resume = (uint64_t)resume};
}

struct trap_record trap_expect_take(void) {
    struct cpu *cpu = this_cpu();
    cpu->expect.armed = false;
    struct trap_record record = cpu->caught;
    cpu->caught = (struct trap_record){0};
    return record;
}

static int matches_expectation(const struct cpu *cpu, const struct trap_frame *frame) {
    /* A fault reports the trapping instruction, a trap (#BP) the one after it: accept both. */
    return cpu->expect.armed && frame->vector == cpu->expect.vector &&
           (frame->rip == cpu->expect.insn || frame->rip == cpu->expect.resume);
}

void trap_dispatch(struct trap_frame *frame) {
    struct cpu *cpu = this_cpu();
    int from_user = (frame->cs & 3) == RPL_USER;

    if (from_user && cpu->user_kernel_rsp != 0) {
        if (frame->vector == VEC_UD && frame->rip == (uint64_t)run_user_return) {
            run_user_finish(cpu, (long)frame->rax);
        }
        cpu->user_fault = (struct user_fault){
            .vector = frame->vector,
            .error = frame->error,
            .rip = frame->rip,
            .cr2 = frame->vector == VEC_PF ? read_cr2() : 0,
        };
        cpu->user_faulted = true;
        run_user_finish(cpu, RUN_USER_FAULTED);
    }

    if (!from_user && matches_expectation(cpu, frame)) {
        cpu->caught = (struct trap_record){
            .hit = true, .vector = frame->vector, .error = frame->error, .rip = frame->rip};
        cpu->expect.armed = false;
        frame->rip = cpu->expect.resume;
        return;
    }

    kprintf("EXCEPTION %lu err=%lx rip=%lx\n", frame->vector, frame->error, frame->rip);
    if (frame->vector == VEC_PF) {
        kprintf("cr2=%lx\n", read_cr2());
    }
    fail("unexpected exception %lu in ring %lu", frame->vector, frame->cs & 3);
}
