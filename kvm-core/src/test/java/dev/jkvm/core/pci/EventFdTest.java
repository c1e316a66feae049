package dev.jkvm.core.pci;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The eventfd wrapper MSI vectors fire through and the notify thread drains. */
class EventFdTest {
    /** Signals per measured round. */
    private static final int ROUND = 20_000;

    @Test
    void signalsAddUpAndDrainResetsTheCounter() {
        try (EventFd fd = EventFd.create()) {
            assertEquals(0, fd.drain(), "nothing pending: EAGAIN reads as 0");
            fd.signal();
            fd.signal();
            fd.signal();
            assertEquals(3, fd.drain());
            assertEquals(0, fd.drain());
            fd.close();
            fd.signal();
            assertEquals(0, fd.drain(), "closed: signals and drains do nothing");
        }
    }

    /** An interrupt is one signal; at thousands per second a per-signal allocation would feed the GC for nothing. */
    @Test
    void signallingAllocatesNothingOnceCompiled() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot measure per-thread allocation");
        try (EventFd fd = EventFd.create()) {
            long fewest = Long.MAX_VALUE;
            for (int round = 0; round < 10; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < ROUND; i++) {
                    fd.signal();
                }
                fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
                assertEquals(ROUND, fd.drain());
            }
            assertTrue(fewest < ROUND, "the least-allocating round of " + ROUND + " signals allocated " + fewest
                    + " bytes");
        }
    }
}
