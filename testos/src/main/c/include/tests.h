/* test=<name>: self-checks that end in PASS/FAIL and the matching exit. */
#ifndef TESTOS_TESTS_H
#define TESTOS_TESTS_H

#include "bootinfo.h"
#include "power.h"

/* Ends the selftest with "FAIL selftest: <message>" unless cond holds. */
#define SELFTEST_CHECK(cond, ...)                                                                                    \
    do {                                                                                                             \
        if (!(cond)) {                                                                                               \
            fail("selftest: " __VA_ARGS__);                                                                          \
        }                                                                                                            \
    } while (0)

_Noreturn void run_test(const char *name, const struct boot_info *info);

/* test=madt, test=smp and test=fwcfg (tests_platform.c). */
_Noreturn void test_madt(const struct boot_info *info);
_Noreturn void test_smp(const struct boot_info *info);
_Noreturn void test_fwcfg(const struct boot_info *info);

/* Selftest parts on synthetic boot structures (selftest_boot.c): multiboot info translation, the ACPI parser. */
void selftest_multiboot_info(void);
void selftest_acpi_parser(void);

#endif
