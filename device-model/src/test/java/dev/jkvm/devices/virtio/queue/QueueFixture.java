package dev.jkvm.devices.virtio.queue;

import dev.jkvm.devices.memory.TestRam;
import java.util.concurrent.atomic.AtomicInteger;

/** A queue over fresh test RAM with its driver side and an interrupt counter. */
final class QueueFixture {
    /** Test RAM size: room for a 16384-entry queue plus buffers and indirect tables. */
    static final int RAM_SIZE = 2 << 20;
    /** Descriptor table address (16-byte aligned; a 16384-entry table ends at 0x50000). */
    static final long DESC = 0x10000;
    /** Avail ring address (a 16384-entry ring ends at 0x58006). */
    static final long AVAIL = 0x50000;
    /** Used ring address (a 16384-entry ring ends at 0x80006). */
    static final long USED = 0x60000;
    /** Where indirect tables go. */
    static final long INDIRECT_TABLE = 0x90000;
    /** Where data buffers go. */
    static final long BUFFERS = 0x100000;

    final TestRam ram = TestRam.heap(RAM_SIZE);
    final AtomicInteger interrupts = new AtomicInteger();
    final SplitQueueConfig config;
    final RingDriver driver;
    final SplitVirtqueue queue;

    QueueFixture(int size, boolean eventIdx, boolean indirect) {
        config = new SplitQueueConfig(0, size, DESC, AVAIL, USED, eventIdx, indirect);
        driver = new RingDriver(ram, config);
        queue = new SplitVirtqueue(config, ram, interrupts::incrementAndGet);
    }

    static QueueFixture plain(int size) {
        return new QueueFixture(size, false, false);
    }
}
