/* printf-style formatting of our own, writing through a sink so console and buffers share it. */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"

/* Longest rendering of a 64-bit number (22 octal digits would be the worst; we only do 10 and 16). */
#define NUMBER_DIGITS_MAX 24

struct sink {
    void (*put)(struct sink *sink, char c);
    char *buf;
    size_t size;
    size_t length; /* characters produced, including any that did not fit */
};

static void put_console(struct sink *sink, char c) {
    console_putc(c);
    sink->length++;
}

static void put_buffer(struct sink *sink, char c) {
    if (sink->length + 1 < sink->size) {
        sink->buf[sink->length] = c;
    }
    sink->length++;
}

static void emit_number(struct sink *sink, uint64_t value, unsigned base, bool negative, unsigned width,
                        char pad) {
    char digits[NUMBER_DIGITS_MAX];
    unsigned n = 0;
    do {
        unsigned d = (unsigned)(value % base);
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        value /= base;
    } while (value != 0);
    unsigned total = n + (negative ? 1 : 0);
    if (negative && pad == '0') {
        sink->put(sink, '-');
    }
    for (; total < width; total++) {
        sink->put(sink, pad);
    }
    if (negative && pad != '0') {
        sink->put(sink, '-');
    }
    while (n > 0) {
        sink->put(sink, digits[--n]);
    }
}

static void format(struct sink *sink, const char *fmt, va_list ap) {
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            sink->put(sink, *p);
            continue;
        }
        const char *spec = p++;
        char pad = ' ';
        unsigned width = 0;
        unsigned longs = 0;
        if (*p == '0') {
            pad = '0';
            p++;
        }
        while (*p >= '0' && *p <= '9') {
            width = width * 10 + (unsigned)(*p++ - '0');
        }
        while (*p == 'l') {
            longs++;
            p++;
        }
        switch (*p) {
        case 'd': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            emit_number(sink, magnitude, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            emit_number(sink, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, false, width, pad);
            break;
        case 'x':
            emit_number(sink, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, false, width, pad);
            break;
        case 'c':
            sink->put(sink, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            unsigned len = 0;
            while (s[len] != '\0') {
                len++;
            }
            for (; len < width; width--) {
                sink->put(sink, ' ');
            }
            while (*s != '\0') {
                sink->put(sink, *s++);
            }
            break;
        }
        case '%':
            sink->put(sink, '%');
            break;
        default:
            /* Unknown conversion: show it as written, so the mistake is visible in the output. */
            for (const char *q = spec; q <= p && *q != '\0'; q++) {
                sink->put(sink, *q);
            }
            if (*p == '\0') {
                return;
            }
            break;
        }
    }
}

void kvprintf(const char *fmt, va_list ap) {
    struct sink sink = {.put = put_console};
    console_lock();
    format(&sink, fmt, ap);
    console_unlock();
}

void kprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

size_t ksnprintf(char *buf, size_t size, const char *fmt, ...) {
    struct sink sink = {.put = put_buffer, .buf = buf, .size = size};
    va_list ap;
    va_start(ap, fmt);
    format(&sink, fmt, ap);
    va_end(ap);
    if (size > 0) {
        buf[sink.length < size ? sink.length : size - 1] = '\0';
    }
    return sink.length;
}
