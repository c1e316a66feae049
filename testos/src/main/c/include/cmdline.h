/* The kernel command line: space-separated words, the ones of the form key=value are settings. */
#ifndef TESTOS_CMDLINE_H
#define TESTOS_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

/* Longest command line accepted, including the terminating NUL. */
#define CMDLINE_MAX 1024

struct cmdline {
    char text[CMDLINE_MAX]; /* a private copy, split into NUL-terminated words */
    const char *test;       /* test=<name>, or NULL */
    const char *bench;      /* bench=<name>, or NULL */
    uint64_t iters;         /* iters=<n> (decimal or 0x hex), 0 if absent */
    bool iters_given;
    uint64_t blk_drives;    /* blk-drives=<n>: virtio-blk functions test=blk must find */
    bool blk_drives_given;
    const char *ip;         /* ip=<a.b.c.d>: the address test=net/net-ping and bench=net answer on */
    const char *peer;       /* peer=<a.b.c.d>: the address test=net-ping pings */
    uint64_t count;         /* count=<n>: echo requests test=net-ping sends */
    bool count_given;
    uint64_t net_frames;    /* net-frames=<n>: UDP echoes after which test=net ends (0 or absent: never) */
};

/* Parses src into out; returns NULL, or a description of what was wrong. */
const char *cmdline_parse(struct cmdline *out, const char *src);

#endif
