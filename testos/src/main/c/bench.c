/*
 * Exit benchmarks. The loops run in ring 3 because this host executes ring 3
 * natively but emulates ring 0 instruction by instruction: in ring 3 the loop
 * itself costs nothing next to the exits it causes.
 */
#include <stddef.h>
#include <stdint.h>

#include "bench.h"
#include "console.h"
#include "kstring.h"
#include "power.h"
#include "user.h"

struct bench {
    const char *name;
    long (*loop)(long iters); /* runs in ring 3; iters == 0 means forever */
};

static long pio_loop(long iters) {
    if (iters == 0) {
        for (;;) {
            __asm__ volatile("outb %%al, %[port]" : : [port] "i"(BENCH_PIO_PORT), "a"(0));
        }
    }
    uint64_t n = (uint64_t)iters;
    __asm__ volatile("1: outb %%al, %[port]\n\t"
                     "dec %[n]\n\t"
                     "jnz 1b"
                     : [n] "+r"(n)
                     : [port] "i"(BENCH_PIO_PORT), "a"(0)
                     : "cc", "memory");
    return iters;
}

static long mmio_loop(long iters) {
    volatile uint32_t *target = (volatile uint32_t *)BENCH_MMIO_ADDR;
    if (iters == 0) {
        for (;;) {
            *target = 0;
        }
    }
    uint64_t n = (uint64_t)iters;
    __asm__ volatile("1: movl %%eax, (%[target])\n\t"
                     "dec %[n]\n\t"
                     "jnz 1b"
                     : [n] "+r"(n)
                     : [target] "r"(target), "a"(0)
                     : "cc", "memory");
    return iters;
}

static const struct bench benches[] = {
    {"pio", pio_loop},
    {"mmio", mmio_loop},
};

void run_bench(const char *name, uint64_t iters) {
    for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
        if (strcmp(name, benches[i].name) != 0) {
            continue;
        }
        long done = run_user(benches[i].loop, (long)iters);
        const struct user_fault *fault = run_user_last_fault();
        if (fault != NULL) {
            fail("bench %s: ring 3 took exception %lu err=%lx rip=%lx cr2=%lx", name, fault->vector, fault->error,
                 fault->rip, fault->cr2);
        }
        kprintf("bench %s done %lu\n", name, (uint64_t)done);
        power_off();
    }
    fail("bench: unknown benchmark '%s' (known: pio, mmio, blk-rand, blk-seq, net)", name);
}
