/* bench=<name>: exit-heavy loops run in ring 3, for timing a VMM's exit path. */
#ifndef TESTOS_BENCH_H
#define TESTOS_BENCH_H

#include <stdint.h>

/* Port written by bench=pio: the POST diagnostic port, which every PC VMM ignores cheaply. */
#define BENCH_PIO_PORT 0x80
/* Guest-physical address stored to by bench=mmio: in the PCI hole, no RAM and no device in QEMU's pc machine. */
#define BENCH_MMIO_ADDR 0xd0000000ull

_Noreturn void run_bench(const char *name, uint64_t iters);

#endif
