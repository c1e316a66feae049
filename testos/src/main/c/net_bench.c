/*
 * bench=net: the station of test=net echoing UDP as fast as the VMM delivers it, with its loop in ring 3. The
 * guest only serves; the host's sender (dev.jkvm.testos.net.UdpEchoClient) times the echoes. Ends after `iters`
 * UDP echoes (0: never) with "bench net done <N>" and a power-off, like the other benches.
 */
#include <stdint.h>

#include "console.h"
#include "kstring.h"
#include "net_responder.h"
#include "power.h"

void run_net_bench(const char *name, uint64_t iters, const struct boot_info *info) {
    if (strcmp(name, "net") != 0) {
        return;
    }
    static struct net_station station;
    net_bring_up(info, "bench net", &station);
    station.udp_limit = iters;
    net_serve(&station, "bench net");
    kprintf("bench net done %lu\n", station.stats.udp_echoes);
    power_off();
}
