/*
 * The IPv4 station behind test=net, test=net-ping and bench=net: ARP (RFC 826), IPv4 (RFC 791) without options or
 * fragments, ICMP echo (RFC 792) and UDP echo (RFC 768, RFC 862), checksums per RFC 1071. Frame handling runs in
 * ring 3; ring 0 only brings the device up, prints, and halts while the network is idle.
 */
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "dma.h"
#include "irq.h"
#include "kstring.h"
#include "net_responder.h"
#include "pci.h"
#include "power.h"
#include "user.h"
#include "x86.h"

/* Ethernet: destination, source, EtherType. */
#define ETH_DST 0
#define ETH_SRC 6
#define ETH_TYPE 12
/* Bytes of the Ethernet header. */
#define ETH_HEADER 14
/* Smallest Ethernet frame without FCS: shorter replies are padded with zeroes. */
#define ETH_MIN_FRAME 60
/* EtherType of IPv4. */
#define ETHERTYPE_IPV4 0x0800
/* EtherType of ARP. */
#define ETHERTYPE_ARP 0x0806

/* ARP packet offsets (after the Ethernet header): hardware type, protocol type, lengths, operation, addresses. */
#define ARP_HTYPE 0
#define ARP_PTYPE 2
#define ARP_HLEN 4
#define ARP_PLEN 5
#define ARP_OPER 6
#define ARP_SHA 8
#define ARP_SPA 14
#define ARP_THA 18
#define ARP_TPA 24
/* Bytes of an Ethernet/IPv4 ARP packet. */
#define ARP_BYTES 28
/* ARP hardware type of Ethernet. */
#define ARP_HTYPE_ETHERNET 1
/* ARP operation: request. */
#define ARP_REQUEST 1
/* ARP operation: reply. */
#define ARP_REPLY 2

/* IPv4 header offsets. */
#define IP_VERSION_IHL 0
#define IP_TOTAL_LENGTH 2
#define IP_ID 4
#define IP_FLAGS_FRAGMENT 6
#define IP_TTL 8
#define IP_PROTOCOL 9
#define IP_CHECKSUM 10
#define IP_SRC 12
#define IP_DST 16
/* Bytes of an IPv4 header without options (the only kind this station sends). */
#define IP_HEADER 20
/* Version 4, header of 5 words. */
#define IP_VERSION_IHL_PLAIN 0x45
/* Flags/fragment offset bits that make a datagram a fragment: MF and the offset. */
#define IP_FRAGMENT_MASK 0x3fff
/* TTL of datagrams this station sends. */
#define IP_DEFAULT_TTL 64
/* IP protocol number of ICMP. */
#define IP_PROTOCOL_ICMP 1
/* IP protocol number of UDP. */
#define IP_PROTOCOL_UDP 17

/* ICMP offsets: type, code, checksum, identifier, sequence number. */
#define ICMP_TYPE 0
#define ICMP_CODE 1
#define ICMP_CHECKSUM 2
#define ICMP_ID 4
#define ICMP_SEQ 6
/* Bytes of the ICMP echo header. */
#define ICMP_ECHO_HEADER 8
/* ICMP type: echo reply. */
#define ICMP_ECHO_REPLY 0
/* ICMP type: echo request. */
#define ICMP_ECHO_REQUEST 8

/* UDP offsets: ports, length, checksum. */
#define UDP_SRC_PORT 0
#define UDP_DST_PORT 2
#define UDP_LENGTH 4
#define UDP_CHECKSUM 6
/* Bytes of the UDP header. */
#define UDP_HEADER 8

/* Frames handled between two notifications of the device. */
#define NET_BATCH 32
/* Quiet time after which ring 3 hands back to ring 0 to halt until an interrupt (ms of the assumed TSC). */
#define NET_IDLE_MS 200
/* Local APIC timer ticks of one halt while idle (about 1 s at KVM's 1 GHz timer clock); then the ring is rechecked. */
#define NET_IDLE_WAIT_TICKS 1000000000u
/* Polls of the link status while waiting for the link to come up, NET_LINK_POLL_MS apart. */
#define NET_LINK_POLLS 50
/* Delay between two link status polls. */
#define NET_LINK_POLL_MS 100
/* ARP requests test=net-ping sends before giving up on the peer (one a second: covers a peer still booting). */
#define NET_ARP_TRIES 60
/* Time each ARP request waits for its reply. */
#define NET_ARP_WAIT_MS 1000
/* Time each echo request waits for its reply. */
#define NET_PING_WAIT_MS 1000
/*
 * How long test=net-ping keeps answering after its own last reply, so a peer pinging it at the same time can finish
 * before this VM ends.
 */
#define NET_PING_LINGER_MS 3000
/* The identifier of test=net-ping's echo requests. */
#define NET_PING_ID 0x6a6b
/* Payload bytes of test=net-ping's echo requests (ping's default). */
#define NET_PING_PAYLOAD 56
/* MSI-X entry 0 (configuration changes) vector. */
#define NET_CONFIG_VECTOR IRQ_VECTOR_FIRST
/* MSI-X entry 1 (both queues) vector. */
#define NET_QUEUE_VECTOR (IRQ_VECTOR_FIRST + 1)

/* ring-3 serve loop results. */
#define SERVE_DONE 0
#define SERVE_IDLE 1
#define SERVE_ERROR (-1)

static const uint8_t broadcast_mac[NET_MAC_BYTES] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* --- byte order and checksums --- */

static uint16_t get16(const uint8_t *p) {
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t value) {
    p[0] = (uint8_t)(value >> 8);
    p[1] = (uint8_t)value;
}

/* The one's-complement sum of big-endian 16-bit words (an odd last byte padded with zero), not yet folded. */
static uint32_t sum16(const uint8_t *p, uint32_t length, uint32_t sum) {
    for (; length >= 2; p += 2, length -= 2) {
        sum += get16(p);
    }
    if (length != 0) {
        sum += (uint32_t)p[0] << 8;
    }
    return sum;
}

static uint16_t fold(uint32_t sum) {
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* The UDP pseudo header's contribution: addresses, protocol, UDP length. */
static uint32_t pseudo_sum(const uint8_t *src, const uint8_t *dst, uint16_t udp_length) {
    uint32_t sum = sum16(src, NET_IPV4_BYTES, 0);
    sum = sum16(dst, NET_IPV4_BYTES, sum);
    return sum + IP_PROTOCOL_UDP + udp_length;
}

bool net_parse_ipv4(const char *text, uint8_t out[NET_IPV4_BYTES]) {
    for (unsigned i = 0; i < NET_IPV4_BYTES; i++) {
        unsigned value = 0, digits = 0;
        for (; *text >= '0' && *text <= '9'; text++) {
            value = value * 10 + (unsigned)(*text - '0');
            if (++digits > 3 || value > 255) {
                return false;
            }
        }
        if (digits == 0 || *text != (i + 1 < NET_IPV4_BYTES ? '.' : '\0')) {
            return false;
        }
        out[i] = (uint8_t)value;
        text += i + 1 < NET_IPV4_BYTES;
    }
    return true;
}

/* --- building frames (in the transmit slot net_tx_begin gave) --- */

static void put_ethernet(struct net_station *s, uint8_t *frame, const uint8_t *dst, uint16_t type) {
    memcpy(frame + ETH_DST, dst, NET_MAC_BYTES);
    memcpy(frame + ETH_SRC, s->dev->mac, NET_MAC_BYTES);
    put16(frame + ETH_TYPE, type);
}

/* Writes an option-less IPv4 header for `payload` bytes to `dst`. */
static void put_ipv4(struct net_station *s, uint8_t *ip, const uint8_t *dst, uint8_t protocol, uint16_t payload) {
    ip[IP_VERSION_IHL] = IP_VERSION_IHL_PLAIN;
    ip[1] = 0;
    put16(ip + IP_TOTAL_LENGTH, (uint16_t)(IP_HEADER + payload));
    put16(ip + IP_ID, s->ip_id++);
    put16(ip + IP_FLAGS_FRAGMENT, 0);
    ip[IP_TTL] = IP_DEFAULT_TTL;
    ip[IP_PROTOCOL] = protocol;
    put16(ip + IP_CHECKSUM, 0);
    memcpy(ip + IP_SRC, s->ip, NET_IPV4_BYTES);
    memcpy(ip + IP_DST, dst, NET_IPV4_BYTES);
    put16(ip + IP_CHECKSUM, fold(sum16(ip, IP_HEADER, 0)));
}

/* Queues `length` bytes built in `frame`, padded to the Ethernet minimum. */
static void send(struct net_station *s, uint8_t *frame, uint32_t length) {
    if (length < ETH_MIN_FRAME) {
        memset(frame + length, 0, ETH_MIN_FRAME - length);
        length = ETH_MIN_FRAME;
    }
    net_tx_commit(s->dev, length);
}

static bool send_arp(struct net_station *s, uint16_t operation, const uint8_t *eth_dst, const uint8_t *tha,
                     const uint8_t *tpa) {
    uint8_t *frame = net_tx_begin(s->dev);
    if (frame == NULL) {
        return false;
    }
    put_ethernet(s, frame, eth_dst, ETHERTYPE_ARP);
    uint8_t *arp = frame + ETH_HEADER;
    put16(arp + ARP_HTYPE, ARP_HTYPE_ETHERNET);
    put16(arp + ARP_PTYPE, ETHERTYPE_IPV4);
    arp[ARP_HLEN] = NET_MAC_BYTES;
    arp[ARP_PLEN] = NET_IPV4_BYTES;
    put16(arp + ARP_OPER, operation);
    memcpy(arp + ARP_SHA, s->dev->mac, NET_MAC_BYTES);
    memcpy(arp + ARP_SPA, s->ip, NET_IPV4_BYTES);
    memcpy(arp + ARP_THA, tha, NET_MAC_BYTES);
    memcpy(arp + ARP_TPA, tpa, NET_IPV4_BYTES);
    send(s, frame, ETH_HEADER + ARP_BYTES);
    return true;
}

/* Byte i of test=net-ping's echo payload for sequence number seq. */
static uint8_t ping_payload_byte(uint16_t seq, unsigned i) {
    return (uint8_t)(seq * 7 + i);
}

static bool send_echo_request(struct net_station *s) {
    uint8_t *frame = net_tx_begin(s->dev);
    if (frame == NULL) {
        return false;
    }
    put_ethernet(s, frame, s->peer_mac, ETHERTYPE_IPV4);
    uint8_t *icmp = frame + ETH_HEADER + IP_HEADER;
    icmp[ICMP_TYPE] = ICMP_ECHO_REQUEST;
    icmp[ICMP_CODE] = 0;
    put16(icmp + ICMP_CHECKSUM, 0);
    put16(icmp + ICMP_ID, NET_PING_ID);
    put16(icmp + ICMP_SEQ, s->ping_seq);
    for (unsigned i = 0; i < NET_PING_PAYLOAD; i++) {
        icmp[ICMP_ECHO_HEADER + i] = ping_payload_byte(s->ping_seq, i);
    }
    uint16_t length = ICMP_ECHO_HEADER + NET_PING_PAYLOAD;
    put16(icmp + ICMP_CHECKSUM, fold(sum16(icmp, length, 0)));
    put_ipv4(s, frame + ETH_HEADER, s->peer_ip, IP_PROTOCOL_ICMP, length);
    send(s, frame, ETH_HEADER + IP_HEADER + length);
    return true;
}

/* --- handling received frames --- */

static bool handle_arp(struct net_station *s, const uint8_t *frame, uint32_t length) {
    const uint8_t *arp = frame + ETH_HEADER;
    if (length < ETH_HEADER + ARP_BYTES || get16(arp + ARP_HTYPE) != ARP_HTYPE_ETHERNET ||
        get16(arp + ARP_PTYPE) != ETHERTYPE_IPV4 || arp[ARP_HLEN] != NET_MAC_BYTES ||
        arp[ARP_PLEN] != NET_IPV4_BYTES) {
        s->stats.ignored++;
        return true;
    }
    if (memcmp(arp + ARP_SPA, s->peer_ip, NET_IPV4_BYTES) == 0 && !s->peer_mac_known) {
        memcpy(s->peer_mac, arp + ARP_SHA, NET_MAC_BYTES);
        s->peer_mac_known = true;
    }
    if (get16(arp + ARP_OPER) != ARP_REQUEST || memcmp(arp + ARP_TPA, s->ip, NET_IPV4_BYTES) != 0) {
        s->stats.ignored++;
        return true;
    }
    s->stats.arp_replies++;
    return send_arp(s, ARP_REPLY, arp + ARP_SHA, arp + ARP_SHA, arp + ARP_SPA);
}

static bool handle_icmp(struct net_station *s, const uint8_t *frame, const uint8_t *ip, const uint8_t *icmp,
                        uint16_t length) {
    if (length < ICMP_ECHO_HEADER || fold(sum16(icmp, length, 0)) != 0) {
        s->stats.bad_checksums += length >= ICMP_ECHO_HEADER;
        s->stats.ignored += length < ICMP_ECHO_HEADER;
        return true;
    }
    if (icmp[ICMP_TYPE] == ICMP_ECHO_REPLY && icmp[ICMP_CODE] == 0 && get16(icmp + ICMP_ID) == NET_PING_ID &&
        get16(icmp + ICMP_SEQ) == s->ping_seq && length == ICMP_ECHO_HEADER + NET_PING_PAYLOAD &&
        memcmp(ip + IP_SRC, s->peer_ip, NET_IPV4_BYTES) == 0) {
        for (unsigned i = 0; i < NET_PING_PAYLOAD; i++) {
            if (icmp[ICMP_ECHO_HEADER + i] != ping_payload_byte(s->ping_seq, i)) {
                s->stats.ignored++;
                return true;
            }
        }
        s->ping_answered = true;
        return true;
    }
    if (icmp[ICMP_TYPE] != ICMP_ECHO_REQUEST || icmp[ICMP_CODE] != 0) {
        s->stats.ignored++;
        return true;
    }
    uint8_t *reply = net_tx_begin(s->dev);
    if (reply == NULL) {
        return false;
    }
    put_ethernet(s, reply, frame + ETH_SRC, ETHERTYPE_IPV4);
    uint8_t *out = reply + ETH_HEADER + IP_HEADER;
    memcpy(out, icmp, length);
    out[ICMP_TYPE] = ICMP_ECHO_REPLY;
    put16(out + ICMP_CHECKSUM, 0);
    put16(out + ICMP_CHECKSUM, fold(sum16(out, length, 0)));
    put_ipv4(s, reply + ETH_HEADER, ip + IP_SRC, IP_PROTOCOL_ICMP, length);
    send(s, reply, ETH_HEADER + IP_HEADER + length);
    s->stats.icmp_replies++;
    return true;
}

static bool handle_udp(struct net_station *s, const uint8_t *frame, const uint8_t *ip, const uint8_t *udp,
                       uint16_t length) {
    uint16_t udp_length = length >= UDP_HEADER ? get16(udp + UDP_LENGTH) : 0;
    if (udp_length < UDP_HEADER || udp_length > length || get16(udp + UDP_DST_PORT) != NET_ECHO_PORT) {
        s->stats.ignored++;
        return true;
    }
    /* A zero checksum means the sender computed none (RFC 768). */
    if (get16(udp + UDP_CHECKSUM) != 0 &&
        fold(sum16(udp, udp_length, pseudo_sum(ip + IP_SRC, ip + IP_DST, udp_length))) != 0) {
        s->stats.bad_checksums++;
        return true;
    }
    uint8_t *reply = net_tx_begin(s->dev);
    if (reply == NULL) {
        return false;
    }
    put_ethernet(s, reply, frame + ETH_SRC, ETHERTYPE_IPV4);
    uint8_t *out = reply + ETH_HEADER + IP_HEADER;
    put16(out + UDP_SRC_PORT, NET_ECHO_PORT);
    put16(out + UDP_DST_PORT, get16(udp + UDP_SRC_PORT));
    put16(out + UDP_LENGTH, udp_length);
    put16(out + UDP_CHECKSUM, 0);
    memcpy(out + UDP_HEADER, udp + UDP_HEADER, udp_length - UDP_HEADER);
    uint16_t checksum = fold(sum16(out, udp_length, pseudo_sum(s->ip, ip + IP_SRC, udp_length)));
    put16(out + UDP_CHECKSUM, checksum == 0 ? 0xffff : checksum);
    put_ipv4(s, reply + ETH_HEADER, ip + IP_SRC, IP_PROTOCOL_UDP, udp_length);
    send(s, reply, ETH_HEADER + IP_HEADER + udp_length);
    s->stats.udp_echoes++;
    return true;
}

static bool handle_ipv4(struct net_station *s, const uint8_t *frame, uint32_t length) {
    const uint8_t *ip = frame + ETH_HEADER;
    if (length < ETH_HEADER + IP_HEADER || ip[IP_VERSION_IHL] >> 4 != 4) {
        s->stats.ignored++;
        return true;
    }
    uint32_t header = (ip[IP_VERSION_IHL] & 0xf) * 4u;
    uint32_t total = get16(ip + IP_TOTAL_LENGTH);
    if (header < IP_HEADER || total < header || ETH_HEADER + total > length) {
        s->stats.ignored++;
        return true;
    }
    if (fold(sum16(ip, header, 0)) != 0) {
        s->stats.bad_checksums++;
        return true;
    }
    if (memcmp(ip + IP_DST, s->ip, NET_IPV4_BYTES) != 0 || (get16(ip + IP_FLAGS_FRAGMENT) & IP_FRAGMENT_MASK)) {
        s->stats.ignored++;
        return true;
    }
    uint16_t payload = (uint16_t)(total - header);
    switch (ip[IP_PROTOCOL]) {
    case IP_PROTOCOL_ICMP:
        return handle_icmp(s, frame, ip, ip + header, payload);
    case IP_PROTOCOL_UDP:
        return handle_udp(s, frame, ip, ip + header, payload);
    default:
        s->stats.ignored++;
        return true;
    }
}

/* Handles one frame; false (s->error) only when the device failed. */
static bool handle_frame(struct net_station *s, const uint8_t *frame, uint32_t length) {
    if (length < ETH_HEADER || (memcmp(frame + ETH_DST, s->dev->mac, NET_MAC_BYTES) != 0 &&
                                memcmp(frame + ETH_DST, broadcast_mac, NET_MAC_BYTES) != 0)) {
        s->stats.ignored++;
        return true;
    }
    switch (get16(frame + ETH_TYPE)) {
    case ETHERTYPE_ARP:
        return handle_arp(s, frame, length);
    case ETHERTYPE_IPV4:
        return handle_ipv4(s, frame, length);
    default:
        s->stats.ignored++;
        return true;
    }
}

static bool limit_reached(const struct net_station *s) {
    return s->udp_limit != 0 && s->stats.udp_echoes >= s->udp_limit;
}

/* Handles up to NET_BATCH waiting frames and notifies the device; returns how many, or -1 (s->error). */
static long poll_once(struct net_station *s) {
    long handled = 0;
    while (handled < NET_BATCH && !limit_reached(s)) {
        uint32_t length;
        enum net_receive_result r = net_receive(s->dev, s->frame, sizeof(s->frame), &length);
        if (r == NET_RX_NONE) {
            break;
        }
        handled++;
        if (r == NET_RX_BROKEN) {
            ksnprintf(s->error, sizeof(s->error), "%s", s->dev->error);
            return -1;
        }
        if (r == NET_RX_DROPPED) {
            s->stats.ignored++;
        } else if (!handle_frame(s, s->frame, length)) {
            ksnprintf(s->error, sizeof(s->error), "%s", s->dev->error);
            return -1;
        }
    }
    net_rx_kick(s->dev);
    net_tx_kick(s->dev);
    return handled;
}

/* Polls until *flag is set or `ms` pass; false (s->error) only on a device failure. */
static bool poll_until(struct net_station *s, volatile bool *flag, uint64_t ms) {
    uint64_t start = rdtsc();
    while (!*flag && rdtsc() - start < ms * TSC_TICKS_PER_MS) {
        long handled = poll_once(s);
        if (handled < 0) {
            return false;
        }
        if (handled == 0) {
            cpu_relax();
        }
    }
    return true;
}

/* --- ring 3 --- */

static long serve_user(long arg) {
    struct net_station *s = (struct net_station *)arg;
    uint64_t last_frame = rdtsc();
    for (;;) {
        long handled = poll_once(s);
        if (handled < 0) {
            return SERVE_ERROR;
        }
        if (limit_reached(s)) {
            if (!net_tx_drain(s->dev)) {
                ksnprintf(s->error, sizeof(s->error), "%s", s->dev->error);
                return SERVE_ERROR;
            }
            return SERVE_DONE;
        }
        if (handled != 0) {
            last_frame = rdtsc();
        } else if (rdtsc() - last_frame > NET_IDLE_MS * TSC_TICKS_PER_MS) {
            return SERVE_IDLE;
        } else {
            cpu_relax();
        }
    }
}

static long ping_user(long arg) {
    struct net_station *s = (struct net_station *)arg;
    static const uint8_t unknown_mac[NET_MAC_BYTES];
    for (unsigned tries = 0; !s->peer_mac_known; tries++) {
        if (tries == NET_ARP_TRIES) {
            ksnprintf(s->error, sizeof(s->error), "no ARP reply from %u.%u.%u.%u to %u requests", s->peer_ip[0],
                      s->peer_ip[1], s->peer_ip[2], s->peer_ip[3], NET_ARP_TRIES);
            return -1;
        }
        if (!send_arp(s, ARP_REQUEST, broadcast_mac, unknown_mac, s->peer_ip) ||
            !poll_until(s, &s->peer_mac_known, NET_ARP_WAIT_MS)) {
            ksnprintf(s->error, sizeof(s->error), "%s", s->dev->error);
            return -1;
        }
    }
    for (uint64_t i = 1; i <= s->ping_count; i++) {
        s->ping_seq = (uint16_t)i;
        s->ping_answered = false;
        if (!send_echo_request(s) || !poll_until(s, &s->ping_answered, NET_PING_WAIT_MS)) {
            ksnprintf(s->error, sizeof(s->error), "%s", s->dev->error);
            return -1;
        }
        s->ping_replies += s->ping_answered;
    }
    static volatile bool never;
    if (!poll_until(s, &never, NET_PING_LINGER_MS)) {
        return -1;
    }
    if (!net_tx_drain(s->dev)) {
        ksnprintf(s->error, sizeof(s->error), "%s", s->dev->error);
        return -1;
    }
    return 0;
}

/* --- ring 0 --- */

static void check_user_run(const char *what, long result, const struct net_station *s) {
    const struct user_fault *fault = run_user_last_fault();
    if (fault != NULL) {
        fail("%s: ring 3 took exception %lu err=%lx rip=%lx cr2=%lx", what, fault->vector, fault->error, fault->rip,
             fault->cr2);
    }
    if (result < 0) {
        fail("%s: %s", what, s->error);
    }
}

/* Halts until the receive queue has a frame, with its used-buffer interrupt on for the while. */
static void wait_for_frame(struct net_station *s) {
    struct virtq *rx = &s->dev->rx;
    for (;;) {
        uint64_t seen = irq_count(NET_QUEUE_VECTOR);
        virtq_interrupts(rx, true);
        /* Checked after asking for the interrupt: a frame that came before it would otherwise wait forever. */
        if (net_rx_pending(s->dev) || irq_wait(NET_QUEUE_VECTOR, seen, NET_IDLE_WAIT_TICKS) ||
            net_rx_pending(s->dev)) {
            break;
        }
    }
    virtq_interrupts(rx, false);
}

void net_serve(struct net_station *s, const char *what) {
    for (;;) {
        long result = run_user(serve_user, (long)s);
        check_user_run(what, result, s);
        if (result == SERVE_DONE) {
            return;
        }
        wait_for_frame(s);
    }
}

void net_bring_up(const struct boot_info *info, const char *what, struct net_station *s) {
    static struct pci_function functions[PCI_MAX_FUNCTIONS];
    static struct pci_ecam ecam;
    static struct net_device device;
    memset(s, 0, sizeof(*s));
    if (info->cmdline.ip == NULL || !net_parse_ipv4(info->cmdline.ip, s->ip)) {
        fail("%s: the command line must give the guest's IPv4 address (ip=a.b.c.d), got '%s'", what,
             info->cmdline.ip == NULL ? "" : info->cmdline.ip);
    }
    const char *error = dma_init(info);
    if (error == NULL) {
        error = pci_find_ecam(info, &ecam);
    }
    if (error != NULL) {
        fail("%s: %s", what, error);
    }
    pci_use_ecam(&ecam);
    unsigned count = pci_enumerate_bus0(functions, PCI_MAX_FUNCTIONS);
    irq_init();
    const struct pci_function *nic = NULL;
    for (unsigned i = 0; i < count && nic == NULL; i++) {
        if (net_is_virtio_net(&functions[i])) {
            nic = &functions[i];
        }
    }
    if (nic == NULL) {
        fail("%s: no virtio-net function on bus 0", what);
    }
    error = net_init(&device, nic, irq_apic_id(), NET_CONFIG_VECTOR, NET_QUEUE_VECTOR);
    if (error != NULL) {
        fail("%s: %02x:%02x.%x: %s", what, nic->bus, nic->slot, nic->function, error);
    }
    for (unsigned polls = 0; !net_link_up(&device); polls++) {
        if (polls == NET_LINK_POLLS) {
            fail("%s: link still down after %u ms", what, NET_LINK_POLLS * NET_LINK_POLL_MS);
        }
        tsc_delay_ms(NET_LINK_POLL_MS);
    }
    s->dev = &device;
    const uint8_t *mac = device.mac;
    char control[48] = "";
    if (device.control) {
        ksnprintf(control, sizeof(control), " (%u control commands acknowledged)", device.control_commands);
    }
    kprintf("net: mac %02x:%02x:%02x:%02x:%02x:%02x ip %u.%u.%u.%u up%s\n", mac[0], mac[1], mac[2], mac[3], mac[4],
            mac[5], s->ip[0], s->ip[1], s->ip[2], s->ip[3], control);
}

_Noreturn void test_net(const struct boot_info *info) {
    static struct net_station station;
    net_bring_up(info, "net", &station);
    station.udp_limit = info->cmdline.net_frames;
    net_serve(&station, "net");
    const struct net_stats *st = &station.stats;
    kprintf("net: %lu UDP echoes, %lu ICMP echo replies, %lu ARP replies, %lu bad checksums\n", st->udp_echoes,
            st->icmp_replies, st->arp_replies, st->bad_checksums);
    if (st->bad_checksums != 0) {
        fail("net: %lu frames with bad checksums arrived", st->bad_checksums);
    }
    kprintf("PASS net\n");
    exit_pass();
}

_Noreturn void test_net_ping(const struct boot_info *info) {
    static struct net_station station;
    if (info->cmdline.peer == NULL || !info->cmdline.count_given || info->cmdline.count == 0) {
        fail("net-ping: the command line must give peer=a.b.c.d and count=N (N > 0)");
    }
    net_bring_up(info, "net-ping", &station);
    if (!net_parse_ipv4(info->cmdline.peer, station.peer_ip)) {
        fail("net-ping: peer=%s is not an IPv4 address", info->cmdline.peer);
    }
    station.ping_count = info->cmdline.count;
    long result = run_user(ping_user, (long)&station);
    check_user_run("net-ping", result, &station);
    if (station.ping_replies != station.ping_count) {
        fail("net-ping: %lu/%lu echo replies from %s", station.ping_replies, station.ping_count,
             info->cmdline.peer);
    }
    kprintf("PASS net-ping %lu/%lu\n", station.ping_replies, station.ping_count);
    exit_pass();
}
