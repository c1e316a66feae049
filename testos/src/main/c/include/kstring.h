/* The few freestanding string routines; gcc may also emit calls to memset/memcpy itself. */
#ifndef TESTOS_KSTRING_H
#define TESTOS_KSTRING_H

#include <stddef.h>

void *memset(void *dst, int value, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
/* Compares at most n characters, stopping at the first NUL. */
int strncmp(const char *a, const char *b, size_t n);

#endif
