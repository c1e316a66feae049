package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.memory.TestRam;
import dev.jkvm.devices.virtio.RecordingContext;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.SplitQueueConfig;
import dev.jkvm.devices.virtio.queue.SplitVirtqueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** virtio-net over the real split virtqueue, the rings laid out in guest memory as a driver would. */
class VirtioNetOverSplitQueueTest {
    private static final long FEATURES = VirtioNetFeature.maskOf(VirtioNetFeature.MAC, VirtioNetFeature.STATUS,
            VirtioNetFeature.MRG_RXBUF, VirtioNetFeature.CTRL_VQ);
    private static final int QUEUE_SIZE = 16;
    private static final long BUFFERS = 0x10000;
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** How long a test watches for an interrupt that must not come. */
    private static final Duration QUIET = Duration.ofMillis(100);

    private final TestRam ram = TestRam.heap(1 << 20);
    private final FakeNetBackend backend = new FakeNetBackend();
    private final RecordingContext context = new RecordingContext(ram);
    private final VirtioNet net = new VirtioNet("net0", backend, new byte[]{0x52, 0x54, 0, 1, 2, 3}, 1500);
    private final AtomicInteger rxInterrupts = new AtomicInteger();
    private final List<SplitQueueConfig> configs = new ArrayList<>();
    private final List<DeviceQueue> queues = new ArrayList<>();

    VirtioNetOverSplitQueueTest() {
        for (int q = 0; q < VirtioNet.QUEUE_COUNT; q++) {
            long base = 0x1000L * (q + 1);
            SplitQueueConfig config = new SplitQueueConfig(q, QUEUE_SIZE, base, base + 0x100, base + 0x200,
                    false, false);
            configs.add(config);
            queues.add(new SplitVirtqueue(config, ram, q == VirtioNet.RECEIVEQ ? rxInterrupts::incrementAndGet : () -> {
            }));
        }
    }

    @AfterEach
    void closeDevice() throws Exception {
        net.close();
    }

    private static SplitRingDriver.Used awaitUsed(SplitRingDriver driver) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        SplitRingDriver.Used used;
        while ((used = driver.nextUsed()) == null) {
            assertTrue(System.nanoTime() < deadline, "nothing in the used ring within " + WAIT);
            Thread.sleep(1);
        }
        return used;
    }

    @Test
    void mergeableReceiveFillsTwoRingBuffersAndPublishesThemInOrder() throws Exception {
        net.activate(FEATURES, queues, context);
        SplitRingDriver rx = new SplitRingDriver(ram, configs.get(VirtioNet.RECEIVEQ));
        int first = rx.add(List.of(new SplitRingDriver.Buffer(BUFFERS, 1536, true)));
        int second = rx.add(List.of(new SplitRingDriver.Buffer(BUFFERS + 0x1000, 1536, true)));
        if (rx.deviceWantsKick()) {
            net.queueNotified(VirtioNet.RECEIVEQ);
        }
        byte[] frame = new byte[2500];
        for (int i = VirtioNetHeader.SIZE; i < frame.length; i++) {
            frame[i] = (byte) (i * 7);
        }
        backend.inject(frame);

        SplitRingDriver.Used a = awaitUsed(rx);
        SplitRingDriver.Used b = awaitUsed(rx);
        assertEquals(new SplitRingDriver.Used(first, 1536), a);
        assertEquals(new SplitRingDriver.Used(second, 2500 - 1536), b);
        assertEquals(2, VirtioNetHeader.read(MemorySegment.ofArray(ram.read(BUFFERS, 12))).numBuffers());
        byte[] got = new byte[2500];
        System.arraycopy(ram.read(BUFFERS, 1536), 0, got, 0, 1536);
        System.arraycopy(ram.read(BUFFERS + 0x1000, 2500 - 1536), 0, got, 1536, 2500 - 1536);
        assertArrayEquals(Arrays.copyOfRange(frame, 12, 2500), Arrays.copyOfRange(got, 12, 2500));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (rxInterrupts.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        Thread.sleep(QUIET.toMillis());
        assertEquals(1, rxInterrupts.get(), "one interrupt for the frame's two buffers, published as one batch");
        assertTrue(context.resetReasons().isEmpty(), "reasons: " + context.resetReasons());
    }

    @Test
    void transmitThroughTheRingReachesTheBackend() throws Exception {
        net.activate(FEATURES, queues, context);
        SplitRingDriver tx = new SplitRingDriver(ram, configs.get(VirtioNet.TRANSMITQ));
        byte[] header = new byte[VirtioNetHeader.SIZE];
        byte[] payload = new byte[60];
        Arrays.fill(payload, (byte) 0xEE);
        ram.write(BUFFERS, header);
        ram.write(BUFFERS + 0x100, payload);
        int head = tx.add(List.of(new SplitRingDriver.Buffer(BUFFERS, header.length, false),
                new SplitRingDriver.Buffer(BUFFERS + 0x100, payload.length, false)));
        net.queueNotified(VirtioNet.TRANSMITQ);

        assertEquals(new SplitRingDriver.Used(head, 0), awaitUsed(tx));
        byte[] expected = new byte[header.length + payload.length];
        System.arraycopy(payload, 0, expected, header.length, payload.length);
        assertEquals(1, backend.written().size());
        assertArrayEquals(expected, backend.written().getFirst());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!tx.deviceWantsKick() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(tx.deviceWantsKick(), "notifications re-armed once the I/O thread is idle");
    }
}
