/* The COM1 16550 console and the printf-like formatter that writes to it. */
#ifndef TESTOS_CONSOLE_H
#define TESTOS_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

void console_init(void);
/* Writes one character; the caller holds the console lock (kprintf and console_write take it). */
void console_putc(char c);
void console_write(const char *s);
/*
 * The console lock: held around every kprintf and console_write so lines from
 * different CPUs do not interleave; take it around several calls to keep
 * them together. Recursive on the same CPU; needs the CPU's GS base set up.
 */
void console_lock(void);
void console_unlock(void);

/*
 * Formatting supports %s %c %d %u %x %% with an optional l/ll length, an
 * optional 0 flag and field width (%08x, %lx, %lu...). Anything else is
 * printed literally so a bad format is visible rather than silently eaten.
 */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
/* Like snprintf: always NUL-terminates when size > 0, returns the untruncated length. */
size_t ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
