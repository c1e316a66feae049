package dev.jkvm.core.machine;

import dev.jkvm.testos.TestOsImage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating and closing VMs must give back every fd, mapping and thread. */
class LifecycleLeakTest {
    private static final int WARM_UP = 30;
    private static final int MACHINES = 1000;
    /** RSS growth allowed over 1,000 VMs: a leak of one 4 MiB guest each would show as ~4 GiB. */
    private static final long RSS_SLACK_KIB = 48 * 1024;

    @Test
    void thousandMachinesLeaveNoFdsMemoryOrThreadsBehind() throws Exception {
        Kernel kernel = new Kernel("testos", TestOsImage.bytes());
        cycle(kernel, WARM_UP);
        System.gc();
        long fds = count(Path.of("/proc/self/fd"));
        long tasks = count(Path.of("/proc/self/task"));
        long rss = rssKib();
        cycle(kernel, MACHINES);
        System.gc();
        long rssAfter = rssKib();
        assertEquals(fds, count(Path.of("/proc/self/fd")), "open fds after " + MACHINES + " VMs");
        assertEquals(tasks, count(Path.of("/proc/self/task")), "threads after " + MACHINES + " VMs");
        assertTrue(rssAfter - rss < RSS_SLACK_KIB,
                "RSS grew from " + rss + " KiB to " + rssAfter + " KiB over " + MACHINES + " VMs");
    }

    /** Each machine gets 4 MiB of RAM, all written, and a running vCPU thread that is kicked and joined. */
    private static void cycle(Kernel kernel, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            try (Machine m = Machine.create(MachineConfig.builder().memoryMiB(4).kernel(kernel)
                    .cmdline("bench=pio iters=0").console(new ByteArrayOutputStream()).build())) {
                m.memory().slice(2L << 20, 2L << 20).fill((byte) i);
                m.start();
                m.stop();
                assertTrue(m.awaitStop(Duration.ofSeconds(10)).isPresent());
            }
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static long rssKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst().orElseThrow();
    }
}
