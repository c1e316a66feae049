package dev.jkvm.devices.virtio.net;

import java.util.concurrent.atomic.LongAdder;

/** The device's frame counters, bumped by its I/O thread and read by anyone (stats). */
final class NetCounters {
    final LongAdder txFrames = new LongAdder();
    final LongAdder txDropped = new LongAdder();
    final LongAdder rxFrames = new LongAdder();
    final LongAdder rxDropped = new LongAdder();

    NetStats snapshot() {
        return new NetStats(txFrames.sum(), txDropped.sum(), rxFrames.sum(), rxDropped.sum());
    }
}
