/*
 * test=<name>. Each test prints its findings, then "PASS <name>" and exits
 * pass, or "FAIL <name>: <what>" and exits fail.
 */
#include <stddef.h>
#include <stdint.h>

#include "bench.h"
#include "blk_tests.h"
#include "bootinfo.h"
#include "console.h"
#include "image.h"
#include "io.h"
#include "kstring.h"
#include "net_responder.h"
#include "power.h"
#include "tests.h"
#include "traps.h"
#include "user.h"
#include "x86.h"

/* Port the selftest touches from ring 3: the POST diagnostic port, harmless to read and write. */
#define SELFTEST_PORT 0x80
/* An address outside the 4 GiB identity map, so a ring-3 read of it must page-fault. */
#define UNMAPPED_ADDR 0x100000000ul
/* Ports no device claims in QEMU's pc machine or in jkvm: between the floppy's and COM2's ranges. */
#define UNCLAIMED_PORT_BYTE 0x2f0
/* Unclaimed port read as a word. */
#define UNCLAIMED_PORT_WORD 0x2f2
/* Unclaimed port read as a dword. */
#define UNCLAIMED_PORT_DWORD 0x2f4

/* --- ring-3 helpers for the selftest --- */

static long user_add_one(long x) {
    return x + 1;
}

/*
 * Returns the CPL ring 3 runs at. (Not IOPL: under kvm-pvm ring 3 runs on
 * the real CPU with IOPL 0 and pushf shows that, while in/out are still
 * honoured per the guest's IOPL; user_port_io checks what matters.)
 */
static long user_cpl(long unused) {
    (void)unused;
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs & 3;
}

static long user_port_io(long value) {
    outb(SELFTEST_PORT, (uint8_t)value);
    (void)inb(SELFTEST_PORT);
    return value * 2;
}

static long user_read(long address) {
    return *(volatile long *)address;
}

static long user_hlt(long unused) {
    (void)unused;
    __asm__ volatile("hlt");
    return 0;
}

/* --- selftest --- */

#define CHECK SELFTEST_CHECK

static void check_formatter(void) {
    char buf[96];
    static const char expected[] = "-42 42 beef 123456789abcdef0 z ok % 0000001f|    7|  ab";
    size_t n = ksnprintf(buf, sizeof(buf), "%d %u %x %lx %c %s %% %08x|%5d|%4s", -42, 42u, 0xbeefu,
                         0x123456789abcdef0ul, 'z', "ok", 0x1fu, 7, "ab");
    CHECK(n == sizeof(expected) - 1 && strcmp(buf, expected) == 0, "formatter produced '%s'", buf);
    char small[4];
    n = ksnprintf(small, sizeof(small), "%s", "abcdef");
    CHECK(n == 6 && strcmp(small, "abc") == 0, "formatter truncation gave '%s' (length %lu)", small, (uint64_t)n);
}

static void check_cmdline(const struct boot_info *info) {
    static struct cmdline scratch;
    const char *error = cmdline_parse(&scratch, "  demo test=alpha\tbench=pio  iters=0x10 color=blue x=");
    CHECK(error == NULL, "cmdline parser rejected a valid line: %s", error);
    CHECK(scratch.test != NULL && strcmp(scratch.test, "alpha") == 0, "cmdline parser lost test=alpha");
    CHECK(scratch.bench != NULL && strcmp(scratch.bench, "pio") == 0, "cmdline parser lost bench=pio");
    CHECK(scratch.iters_given && scratch.iters == 16, "cmdline parser read iters=0x10 as %lu", scratch.iters);
    CHECK(cmdline_parse(&scratch, "iters=12z") != NULL, "cmdline parser accepted iters=12z");
    CHECK(info->cmdline.test != NULL && strcmp(info->cmdline.test, "selftest") == 0,
          "boot cmdline was not parsed to test=selftest");
}

static void check_memmap(const struct boot_info *info) {
    CHECK(info->memmap_entries > 0, "%s carries no memory map", info->source);
    CHECK(info->ram_bytes >= MIB, "memory map holds only %lu bytes of RAM", info->ram_bytes);
    uint64_t start = (uint64_t)__image_start;
    uint64_t size = (uint64_t)(__image_end - __image_start);
    CHECK(boot_info_is_ram(info, start, size), "memory map does not cover the image at %lx..%lx with RAM", start,
          start + size);
}

/* jkvm's map leaves out the EBDA, the VGA/ROM hole and the BIOS area; the banner must still say 128. */
static void check_ram_rounding(void) {
    static const struct hvm_memmap_table_entry jkvm_128mib[] = {
        {.addr = 0, .size = 0x9fc00, .type = XEN_HVM_MEMMAP_TYPE_RAM},
        {.addr = 0x9fc00, .size = 0x400, .type = XEN_HVM_MEMMAP_TYPE_RESERVED},
        {.addr = 0xf0000, .size = 0x10000, .type = XEN_HVM_MEMMAP_TYPE_RESERVED},
        {.addr = MIB, .size = 127 * MIB, .type = XEN_HVM_MEMMAP_TYPE_RAM},
    };
    uint64_t bytes = memmap_ram_bytes(jkvm_128mib, sizeof(jkvm_128mib) / sizeof(jkvm_128mib[0]));
    CHECK(bytes == 128 * MIB - 0x60400 && ram_mib_rounded_up(bytes) == 128,
          "a jkvm-style 128 MiB memory map sums to %lu bytes = %lu MiB", bytes, ram_mib_rounded_up(bytes));
    CHECK(ram_mib_rounded_up(MIB) == 1 && ram_mib_rounded_up(MIB + 1) == 2, "MiB rounding is not upwards");
}

static void check_ring3(void) {
    long result = run_user(user_add_one, 41);
    const struct user_fault *fault = run_user_last_fault();
    CHECK(fault == NULL, "run_user(add_one, 41) faulted: exception %lu err=%lx rip=%lx cr2=%lx", fault->vector,
          fault->error, fault->rip, fault->cr2);
    CHECK(result == 42, "run_user(add_one, 41) returned %ld", result);

    result = run_user(user_cpl, 0);
    CHECK(result == RPL_USER, "run_user ran its function at CPL %ld, expected 3", result);

    result = run_user(user_port_io, 21);
    fault = run_user_last_fault();
    CHECK(fault == NULL, "ring-3 in/out on port 0x%x raised exception %lu err=%lx", SELFTEST_PORT,
          fault ? fault->vector : 0, fault ? fault->error : 0);
    CHECK(result == 42, "ring-3 in/out helper returned %ld", result);

    result = run_user(user_read, (long)UNMAPPED_ADDR);
    fault = run_user_last_fault();
    CHECK(result == RUN_USER_FAULTED && fault != NULL, "ring-3 read of unmapped %lx did not fault", UNMAPPED_ADDR);
    CHECK(fault->vector == VEC_PF && (fault->error & PF_ERR_USER) && !(fault->error & PF_ERR_PRESENT) &&
              fault->cr2 == UNMAPPED_ADDR,
          "ring-3 read of %lx gave vector %lu err=%lx cr2=%lx, expected #PF (14) with U set at that address",
          UNMAPPED_ADDR, fault->vector, fault->error, fault->cr2);

    result = run_user(user_hlt, 0);
    fault = run_user_last_fault();
    CHECK(result == RUN_USER_FAULTED && fault != NULL, "ring-3 hlt did not fault");
    CHECK(fault->vector == VEC_GP && fault->error == 0, "ring-3 hlt gave vector %lu err=%lx, expected #GP (13) err=0",
          fault->vector, fault->error);

    result = run_user(user_add_one, 41);
    CHECK(run_user_last_fault() == NULL && result == 42, "run_user after ring-3 faults returned %ld", result);
}

static void check_ring0_recovery(void) {
    trap_expect(VEC_UD, probe_ud2_insn, probe_ud2_resume);
    probe_ud2();
    struct trap_record record = trap_expect_take();
    CHECK(record.hit && record.vector == VEC_UD && record.rip == (uint64_t)probe_ud2_insn,
          "ring-0 ud2 at %lx was not caught by the #UD handler (hit %d vector %lu rip %lx)", (uint64_t)probe_ud2_insn,
          record.hit, record.vector, record.rip);
    CHECK(this_cpu()->self == this_cpu() && this_cpu()->index == 0, "per-CPU pointer (GS base) is corrupted");
}

static _Noreturn void selftest(const struct boot_info *info) {
    check_formatter();
    check_cmdline(info);
    check_memmap(info);
    check_ram_rounding();
    selftest_multiboot_info();
    selftest_acpi_parser();
    check_ring3();
    check_ring0_recovery();
    kprintf("PASS selftest\n");
    exit_pass();
}

/* --- unclaimed --- */

static _Noreturn void unclaimed(void) {
    uint8_t byte = inb(UNCLAIMED_PORT_BYTE);
    uint16_t word = inw(UNCLAIMED_PORT_WORD);
    uint32_t dword = inl(UNCLAIMED_PORT_DWORD);
    kprintf("unclaimed: %x %x %x\n", byte, word, dword);
    if (byte != 0xff || word != 0xffff || dword != 0xffffffffu) {
        fail("unclaimed: ports 0x%x/0x%x/0x%x did not read as all ones", UNCLAIMED_PORT_BYTE, UNCLAIMED_PORT_WORD,
             UNCLAIMED_PORT_DWORD);
    }
    kprintf("PASS unclaimed\n");
    exit_pass();
}

/* --- int3 --- */

static _Noreturn void int3(void) {
    trap_expect(VEC_BP, probe_int3_insn, probe_int3_resume);
    probe_int3();
    struct trap_record record = trap_expect_take();
    if (!record.hit || record.vector != VEC_BP || record.rip != (uint64_t)probe_int3_resume) {
        fail("int3: #BP was not delivered after the int3 at %lx (hit %d vector %lu rip %lx)",
             (uint64_t)probe_int3_insn, record.hit, record.vector, record.rip);
    }
    kprintf("breakpoint handled\n");
    kprintf("PASS int3\n");
    exit_pass();
}

/* --- exec-mmio --- */

/*
 * Jumps to code at an address with no RAM behind it. No CPU can fetch instructions from an MMIO hole, so KVM
 * reports an emulation failure on every kind of host: the way to test that a VMM reports one and stops.
 */
static _Noreturn void exec_mmio(void) {
    kprintf("exec-mmio: jumping to %lx\n", (uint64_t)BENCH_MMIO_ADDR);
    void (*nowhere)(void) = (void (*)(void))BENCH_MMIO_ADDR;
    nowhere();
    fail("exec-mmio: returned from code at %lx", (uint64_t)BENCH_MMIO_ADDR);
}

/* --- reset and triple-fault --- */

/* Port and command of the i8042's "pulse output line 0": the PC's classic reset. */
#define I8042_COMMAND_PORT 0x64
#define I8042_PULSE_RESET 0xfe

/* Asks for a system reset the way Linux's reboot=k does; a VMM under -no-reboot then ends with status 0. */
static _Noreturn void reset(void) {
    kprintf("reset: pulsing the i8042 reset line\n");
    outb(I8042_COMMAND_PORT, I8042_PULSE_RESET);
    fail("reset: still running after the i8042 reset command");
}

/* Loads an empty IDT and faults: the #UD cannot be delivered, nor the #DF after it, so the CPU shuts down. */
static _Noreturn void triple_fault(void) {
    kprintf("triple-fault: empty IDT, then ud2\n");
    struct table_pointer empty = {.limit = 0, .base = 0};
    __asm__ volatile("lidt %0\n\tud2" : : "m"(empty));
    fail("triple-fault: survived ud2 with an empty IDT");
}

void run_test(const char *name, const struct boot_info *info) {
    if (strcmp(name, "selftest") == 0) {
        selftest(info);
    }
    if (strcmp(name, "unclaimed") == 0) {
        unclaimed();
    }
    if (strcmp(name, "int3") == 0) {
        int3();
    }
    if (strcmp(name, "exec-mmio") == 0) {
        exec_mmio();
    }
    if (strcmp(name, "madt") == 0) {
        test_madt(info);
    }
    if (strcmp(name, "smp") == 0) {
        test_smp(info);
    }
    if (strcmp(name, "fwcfg") == 0) {
        test_fwcfg(info);
    }
    if (strcmp(name, "pci") == 0) {
        test_pci(info);
    }
    if (strcmp(name, "blk") == 0) {
        test_blk(info);
    }
    if (strcmp(name, "blk-crash") == 0) {
        test_blk_crash(info);
    }
    if (strcmp(name, "net") == 0) {
        test_net(info);
    }
    if (strcmp(name, "net-ping") == 0) {
        test_net_ping(info);
    }
    if (strcmp(name, "reset") == 0) {
        reset();
    }
    if (strcmp(name, "triple-fault") == 0) {
        triple_fault();
    }
    fail("test: unknown test '%s' (known: selftest, unclaimed, int3, exec-mmio, madt, smp, fwcfg, reset, "
         "triple-fault, pci, blk, blk-crash, net, net-ping)", name);
}
