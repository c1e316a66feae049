/* kmain: bring the CPU up, read the boot information, run what the command line asks for. */
#include <stdint.h>

#include "bench.h"
#include "blk_tests.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "net_responder.h"
#include "power.h"
#include "tests.h"

static struct boot_info boot_info;

static _Noreturn void demo(const struct boot_info *info) {
    if (info->memmap_entries == 0) {
        fail("demo: %s carries no memory map", info->source);
    }
    kprintf("jkvm test OS: %u CPU(s), %lu MiB RAM\n", cpu_count(), ram_mib_rounded_up(info->ram_bytes));
    power_off();
}

/* Called by start.S with the boot protocol, the loader's %ebx and its %eax (see bootinfo.h). */
_Noreturn void kmain(uint32_t protocol, uint64_t info_paddr, uint32_t entry_eax);

void kmain(uint32_t protocol, uint64_t info_paddr, uint32_t entry_eax) {
    console_init();
    cpu_init_boot();
    const char *error = boot_info_parse(&boot_info, protocol, info_paddr, entry_eax);
    if (error != NULL) {
        fail("boot: %s", error);
    }
    if (boot_info.cmdline.test != NULL) {
        run_test(boot_info.cmdline.test, &boot_info);
    }
    if (boot_info.cmdline.bench != NULL) {
        run_blk_bench(boot_info.cmdline.bench, boot_info.cmdline.iters, &boot_info);
        run_net_bench(boot_info.cmdline.bench, boot_info.cmdline.iters, &boot_info);
        run_bench(boot_info.cmdline.bench, boot_info.cmdline.iters);
    }
    demo(&boot_info);
}
