/*
 * test=net, test=net-ping and bench=net: a tiny IPv4 station on the virtio-net device that answers ARP requests
 * for its address, ICMP echo requests and UDP datagrams to port 7 (echoed to the sender), and can ping a peer.
 * The receive/respond loop runs in ring 3 and polls; after NET_IDLE_MS without a frame it goes back to ring 0
 * and halts until the receive queue's MSI-X interrupt, so an idle guest does not keep a host core busy.
 */
#ifndef TESTOS_NET_RESPONDER_H
#define TESTOS_NET_RESPONDER_H

#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"
#include "virtio_net.h"

/* Bytes of an IPv4 address. */
#define NET_IPV4_BYTES 4
/* The UDP port echoed (RFC 862's echo service). */
#define NET_ECHO_PORT 7

/* What the station did, for its closing line. */
struct net_stats {
    uint64_t udp_echoes;
    uint64_t icmp_replies;
    uint64_t arp_replies;
    uint64_t bad_checksums; /* IPv4, ICMP or UDP checksums that did not verify: dropped */
    uint64_t ignored;       /* frames not for this station or of a kind it does not answer */
};

struct net_station {
    struct net_device *dev;
    uint8_t ip[NET_IPV4_BYTES];
    uint64_t udp_limit; /* serving ends after this many UDP echoes; 0: never */
    struct net_stats stats;
    uint16_t ip_id;     /* identification of the next IPv4 datagram sent */
    /* The peer test=net-ping pings. */
    uint8_t peer_ip[NET_IPV4_BYTES];
    uint8_t peer_mac[NET_MAC_BYTES];
    bool peer_mac_known;
    uint16_t ping_seq;  /* sequence number of the echo request awaiting its reply */
    bool ping_answered;
    uint64_t ping_count, ping_replies;
    uint8_t frame[NET_FRAME_MAX]; /* the frame being handled */
    char error[200];
};

/* Parses dotted-quad "a.b.c.d"; false if it is not one. */
bool net_parse_ipv4(const char *text, uint8_t out[NET_IPV4_BYTES]);

/*
 * Everything up to a station ready to serve (ring 0): DMA arena, PCI enumeration, interrupt vectors, the first
 * virtio-net function, link up, the address from ip=. Prints "net: mac <mac> ip <ip> up". FAILs naming `what`.
 */
void net_bring_up(const struct boot_info *info, const char *what, struct net_station *station);
/* Serves until station->udp_limit UDP echoes (forever if 0); FAILs naming `what` on a device or ring-3 error. */
void net_serve(struct net_station *station, const char *what);

_Noreturn void test_net(const struct boot_info *info);
_Noreturn void test_net_ping(const struct boot_info *info);
/* bench=net; returns if `name` is not "net". */
void run_net_bench(const char *name, uint64_t iters, const struct boot_info *info);

#endif
