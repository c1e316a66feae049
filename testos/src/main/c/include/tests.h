/* test=<name>: self-checks that end in PASS/FAIL and the matching exit. */
#ifndef TESTOS_TESTS_H
#define TESTOS_TESTS_H

#include "bootinfo.h"

_Noreturn void run_test(const char *name, const struct boot_info *info);

#endif
