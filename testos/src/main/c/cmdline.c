/* Command-line parsing: split into words, pick out the key=value settings this OS knows. */
#include <stddef.h>

#include "cmdline.h"
#include "kstring.h"

static int is_separator(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parses a decimal or 0x-prefixed hexadecimal number that must fill the whole string. */
static int parse_number(const char *s, uint64_t *out) {
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (*s == '\0') {
        return 0;
    }
    uint64_t value = 0;
    for (; *s != '\0'; s++) {
        unsigned digit;
        if (*s >= '0' && *s <= '9') {
            digit = (unsigned)(*s - '0');
        } else if (base == 16 && *s >= 'a' && *s <= 'f') {
            digit = (unsigned)(*s - 'a' + 10);
        } else if (base == 16 && *s >= 'A' && *s <= 'F') {
            digit = (unsigned)(*s - 'A' + 10);
        } else {
            return 0;
        }
        if (value > (UINT64_MAX - digit) / base) {
            return 0;
        }
        value = value * base + digit;
    }
    *out = value;
    return 1;
}

static const char *apply_setting(struct cmdline *out, const char *key, const char *value) {
    if (strcmp(key, "test") == 0) {
        out->test = value;
    } else if (strcmp(key, "bench") == 0) {
        out->bench = value;
    } else if (strcmp(key, "iters") == 0) {
        if (!parse_number(value, &out->iters)) {
            return "iters= needs a decimal or 0x-hex number";
        }
        out->iters_given = true;
    } else if (strcmp(key, "blk-drives") == 0) {
        if (!parse_number(value, &out->blk_drives)) {
            return "blk-drives= needs a decimal or 0x-hex number";
        }
        out->blk_drives_given = true;
    } else if (strcmp(key, "ip") == 0) {
        out->ip = value;
    } else if (strcmp(key, "peer") == 0) {
        out->peer = value;
    } else if (strcmp(key, "count") == 0) {
        if (!parse_number(value, &out->count)) {
            return "count= needs a decimal or 0x-hex number";
        }
        out->count_given = true;
    } else if (strcmp(key, "net-frames") == 0) {
        if (!parse_number(value, &out->net_frames)) {
            return "net-frames= needs a decimal or 0x-hex number";
        }
    }
    /* Unknown keys are ignored: loaders and users may pass words meant for someone else. */
    return NULL;
}

const char *cmdline_parse(struct cmdline *out, const char *src) {
    size_t length = strlen(src);
    if (length >= CMDLINE_MAX) {
        return "command line longer than 1023 bytes";
    }
    memcpy(out->text, src, length + 1);
    out->test = NULL;
    out->bench = NULL;
    out->iters = 0;
    out->iters_given = false;
    out->blk_drives = 0;
    out->blk_drives_given = false;
    out->ip = NULL;
    out->peer = NULL;
    out->count = 0;
    out->count_given = false;
    out->net_frames = 0;

    char *p = out->text;
    for (;;) {
        while (is_separator(*p)) {
            *p++ = '\0';
        }
        if (*p == '\0') {
            return NULL;
        }
        char *word = p;
        char *equals = NULL;
        while (*p != '\0' && !is_separator(*p)) {
            if (*p == '=' && equals == NULL) {
                equals = p;
            }
            p++;
        }
        if (*p != '\0') {
            *p++ = '\0';
        }
        if (equals != NULL) {
            *equals = '\0';
            const char *error = apply_setting(out, word, equals + 1);
            if (error != NULL) {
                return error;
            }
        }
    }
}
