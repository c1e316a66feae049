/*
 * A spinlock on lock cmpxchg (never cmpxchg16b, which this host's KVM cannot
 * run at ring 0). It is recursive per CPU, so a CPU that takes an exception
 * while printing can still print the report instead of deadlocking on itself.
 * The owner token is the CPU's struct cpu address from the GS base; before
 * cpu_init_boot only the boot CPU runs, so whatever token it reads then is
 * still consistent.
 */
#ifndef TESTOS_SPINLOCK_H
#define TESTOS_SPINLOCK_H

#include <stdint.h>

#include "cpu.h"
#include "x86.h"

struct spinlock {
    uint64_t owner; /* the owning CPU's struct cpu address, 0 when free */
    uint32_t depth; /* nested acquisitions by the owner */
};

static inline void spin_lock(struct spinlock *lock) {
    uint64_t me = (uint64_t)this_cpu();
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == me) {
        lock->depth++;
        return;
    }
    for (;;) {
        uint64_t expected = 0;
        if (__atomic_compare_exchange_n(&lock->owner, &expected, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            break;
        }
        cpu_relax();
    }
    lock->depth = 1;
}

static inline void spin_unlock(struct spinlock *lock) {
    if (--lock->depth == 0) {
        __atomic_store_n(&lock->owner, 0, __ATOMIC_RELEASE);
    }
}

#endif
