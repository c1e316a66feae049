package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.memory.TestRam;
import dev.jkvm.devices.virtio.RecordingContext;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.GuestBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.jkvm.devices.virtio.net.VirtioNetFeature.CSUM;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.CTRL_MAC_ADDR;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.CTRL_RX;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.CTRL_VQ;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.GUEST_CSUM;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.GUEST_ECN;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.GUEST_TSO4;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.GUEST_TSO6;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.GUEST_UFO;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.HOST_TSO4;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.MAC;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.MRG_RXBUF;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.MTU;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.STATUS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtioNetTest {
    /** Features every test negotiates. */
    private static final long BASE = VirtioNetFeature.maskOf(MAC, STATUS, MTU, CTRL_VQ, CTRL_RX, CTRL_MAC_ADDR);
    private static final byte[] MAC_BYTES = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    private static final int TEST_MTU = 1500;
    /** A receive buffer the size Linux gives without MRG_RXBUF or GSO: header + 1518-byte frame. */
    private static final int RX_BUFFER = VirtioNetHeader.SIZE + 1518;
    private static final long RX_AREA = 0x10000;
    private static final long TX_AREA = 0x80000;
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** How long a test watches for something that must not happen. */
    private static final Duration QUIET = Duration.ofMillis(300);

    private final TestRam ram = TestRam.heap(1 << 20);
    private final FakeNetBackend backend = new FakeNetBackend();
    private final FakeDeviceQueue rx = new FakeDeviceQueue(VirtioNet.RECEIVEQ);
    private final FakeDeviceQueue tx = new FakeDeviceQueue(VirtioNet.TRANSMITQ);
    private final FakeDeviceQueue ctrl = new FakeDeviceQueue(VirtioNet.CONTROLQ);
    private final RecordingContext context = new RecordingContext(ram);
    private final VirtioNet net = new VirtioNet("net0", backend, MAC_BYTES, TEST_MTU);

    @AfterEach
    void closeDevice() throws Exception {
        net.close();
        assertFalse(ioThreadAlive(), "net0-io outlived close()");
    }

    private void activate(long features) {
        net.activate(features, List.of(rx, tx, ctrl), context);
    }

    /** A frame as the tap hands it: a header then {@code size - 12} bytes numbered by {@code seq}. */
    private static byte[] frame(int seq, int size, VirtioNetHeader header) {
        byte[] frame = new byte[size];
        header.write(MemorySegment.ofArray(frame));
        for (int i = VirtioNetHeader.SIZE; i < size; i++) {
            frame[i] = (byte) (seq * 31 + i);
        }
        return frame;
    }

    private static byte[] frame(int seq, int size) {
        return frame(seq, size, new VirtioNetHeader(0, VirtioNetHeader.GSO_NONE, 0, 0, 0, 0, 0));
    }

    private static boolean ioThreadAlive() {
        return threadAlive("net0-io");
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    /** Waits up to {@link #WAIT} for {@code condition}; false if it never held. */
    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Puts a {@code 12 + 60}-byte frame numbered {@code seq} into transmit chain {@code head}. */
    private void offerTx(int head, int seq) {
        byte[] packet = frame(seq, 12 + 60);
        ram.write(TX_AREA + head * 0x100L, packet);
        tx.offer(new DescriptorChain(head, List.of(new GuestBuffer(TX_AREA + head * 0x100L, packet.length)),
                List.of()));
    }

    private void kickRx() {
        rx.kickIfWanted(() -> net.queueNotified(VirtioNet.RECEIVEQ));
    }

    private FakeDeviceQueue.Completion completion(FakeDeviceQueue queue) throws InterruptedException {
        FakeDeviceQueue.Completion c = queue.nextCompletion(WAIT);
        assertNotNull(c, "no completion on queue " + queue.index() + " within " + WAIT);
        return c;
    }

    // ---- transmit ----

    @Test
    void transmitsHeaderAndFrameGatheredFromSeveralBuffers() throws Exception {
        activate(BASE);
        byte[] packet = frame(7, 12 + 60);
        ram.write(TX_AREA, Arrays.copyOfRange(packet, 0, 12));
        ram.write(TX_AREA + 0x100, Arrays.copyOfRange(packet, 12, 40));
        ram.write(TX_AREA + 0x200, Arrays.copyOfRange(packet, 40, packet.length));
        tx.offer(new DescriptorChain(3, List.of(new GuestBuffer(TX_AREA, 12), new GuestBuffer(TX_AREA + 0x100, 28),
                new GuestBuffer(TX_AREA + 0x200, packet.length - 40)), List.of()));
        net.queueNotified(VirtioNet.TRANSMITQ);

        FakeDeviceQueue.Completion done = completion(tx);
        assertEquals(3, done.chain().head());
        assertEquals(0, done.bytesWritten(), "a transmit chain has nothing written");
        assertEquals(1, backend.written().size());
        assertArrayEquals(packet, backend.written().getFirst());
        assertEquals(1, net.stats().txFrames());
    }

    @Test
    void oneDrainReturnsItsSentChainsInOnePublication() throws Exception {
        int chains = 5;
        // All in the ring before the I/O thread starts, so its first look finds them together.
        for (int i = 0; i < chains; i++) {
            offerTx(i, i);
        }
        activate(BASE);
        net.queueNotified(VirtioNet.TRANSMITQ);

        for (int i = 0; i < chains; i++) {
            assertEquals(i, completion(tx).chain().head(), "returned in ring order");
        }
        assertEquals(List.of(chains), tx.batchSizes(), "one used-ring publication (one interrupt at most) per drain");
        assertEquals(chains, backend.written().size());
        for (int i = 0; i < chains; i++) {
            assertArrayEquals(frame(i, 12 + 60), backend.written().get(i), "frame " + i + " sent in order");
        }
    }

    @Test
    void shortTransmitHeaderIsDroppedCompletedAndLogged() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            activate(BASE);
            tx.offer(new DescriptorChain(0, List.of(new GuestBuffer(TX_AREA, 8)), List.of()));
            byte[] good = frame(1, 12 + 42);
            ram.write(TX_AREA + 0x1000, good);
            tx.offer(new DescriptorChain(1, List.of(new GuestBuffer(TX_AREA + 0x1000, good.length)), List.of()));
            net.queueNotified(VirtioNet.TRANSMITQ);

            assertEquals(0, completion(tx).chain().head(), "the short chain is still returned, first");
            assertEquals(1, completion(tx).chain().head(), "and the queue goes on with the next frame");
            assertEquals(1, backend.written().size(), "only the good frame reaches the backend");
            assertArrayEquals(good, backend.written().getFirst());
            assertEquals(new NetStats(1, 1, 0, 0), net.stats());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("net0") && l.contains("8 readable bytes")
                    && l.contains("shorter than the 12-byte virtio_net_hdr")), "log: " + log.lines());
        }
    }

    @Test
    void transmitAskingForAnUnnegotiatedOffloadIsDropped() throws Exception {
        activate(BASE | CSUM.mask());
        byte[] tso = frame(2, 200, new VirtioNetHeader(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4,
                66, 1448, 34, 16, 0));
        ram.write(TX_AREA, tso);
        tx.offer(new DescriptorChain(5, List.of(new GuestBuffer(TX_AREA, tso.length)), List.of()));
        net.queueNotified(VirtioNet.TRANSMITQ);
        assertEquals(5, completion(tx).chain().head());
        assertTrue(backend.written().isEmpty(), "TSO without HOST_TSO4 must not reach the tap");

        net.reset();
        activate(BASE | CSUM.mask() | HOST_TSO4.mask());
        tx.offer(new DescriptorChain(6, List.of(new GuestBuffer(TX_AREA, tso.length)), List.of()));
        net.queueNotified(VirtioNet.TRANSMITQ);
        assertEquals(6, completion(tx).chain().head());
        assertEquals(1, backend.written().size(), "with HOST_TSO4 negotiated the same frame is sent");
    }

    @Test
    void transmitBufferOutsideRamDropsThatFrameOnly() throws Exception {
        activate(BASE);
        tx.offer(new DescriptorChain(0, List.of(new GuestBuffer(ram.size() - 4, 64)), List.of()));
        net.queueNotified(VirtioNet.TRANSMITQ);
        assertEquals(0, completion(tx).chain().head());
        assertTrue(backend.written().isEmpty());
        assertEquals(1, net.stats().txDropped());
        assertTrue(context.resetReasons().isEmpty(), "a bad transmit buffer costs a frame, not the device");
    }

    @Test
    void backendRefusingAFrameCostsThatFrameOnly() throws Exception {
        activate(BASE);
        byte[] packet = frame(3, 12 + 50);
        ram.write(TX_AREA, packet);
        backend.failNextWrite(new IllegalStateException("tap0: the kernel refused a frame (writev: EINVAL)"));
        tx.offer(new DescriptorChain(0, List.of(new GuestBuffer(TX_AREA, packet.length)), List.of()));
        tx.offer(new DescriptorChain(1, List.of(new GuestBuffer(TX_AREA, packet.length)), List.of()));
        net.queueNotified(VirtioNet.TRANSMITQ);
        assertEquals(0, completion(tx).chain().head());
        assertEquals(1, completion(tx).chain().head());
        assertEquals(1, backend.written().size());
        assertEquals(new NetStats(1, 1, 0, 0), net.stats());
    }

    // ---- one I/O thread for both directions ----

    @Test
    void transmitRunsOnTheIoThreadNotOnTheKicker() throws Exception {
        activate(BASE);
        assertTrue(eventually(VirtioNetTest::ioThreadAlive), "net0-io started");
        assertFalse(threadAlive("net0-rx"), "no separate receive thread");
        offerTx(0, 0);
        net.queueNotified(VirtioNet.TRANSMITQ);
        assertEquals(0, completion(tx).chain().head());
        assertEquals(List.of("net0-io"), backend.writerThreads(), "the kick only woke the I/O thread");
    }

    @Test
    void transmitKickWakesTheThreadWhileItWaitsForFrames() throws Exception {
        activate(BASE);
        rx.offerWritable(0, RX_AREA, RX_BUFFER);
        kickRx();
        assertTrue(eventually(() -> backend.awaitCalls() >= 1), "holding a receive buffer, it waits on the backend");
        for (int round = 0; round < 3; round++) {
            assertTrue(eventually(tx::notificationsEnabled), "idle: transmit notifications re-armed");
            offerTx(round, round);
            long start = System.nanoTime();
            tx.kickIfWanted(() -> net.queueNotified(VirtioNet.TRANSMITQ));
            assertEquals(round, completion(tx).chain().head());
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 1000, "round " + round + ": the kick took " + tookMillis
                    + " ms to reach a thread sleeping in the backend's wait");
        }
        backend.inject(frame(9, 12 + 60));
        assertEquals(0, completion(rx).chain().head(), "and receive still works");
    }

    @Test
    void aFullBackendDelaysTransmitWithoutLossOrReorderWhileReceiveGoesOn() throws Exception {
        int refusals = 500;
        backend.fullFor(refusals);
        activate(BASE);
        for (int i = 0; i < 3; i++) {
            offerTx(i, i);
        }
        net.queueNotified(VirtioNet.TRANSMITQ);
        assertTrue(eventually(() -> backend.refusedWrites() >= 5), "the thread offers the frame again");
        assertFalse(tx.notificationsEnabled(), "no kicks wanted while a frame waits for room");
        rx.offerWritable(0, RX_AREA, RX_BUFFER);
        kickRx();
        backend.inject(frame(7, 12 + 60));
        assertEquals(0, completion(rx).chain().head(), "receive is served while transmit waits for room");
        assertTrue(backend.refusedWrites() < refusals, "received before the backend had room again");

        for (int i = 0; i < 3; i++) {
            assertEquals(i, completion(tx).chain().head(), "returned in ring order once the backend took them");
        }
        assertEquals(refusals, backend.refusedWrites());
        assertEquals(3, backend.written().size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(frame(i, 12 + 60), backend.written().get(i), "frame " + i + " sent once, in order");
        }
        assertEquals(new NetStats(3, 0, 1, 0), net.stats());
        assertTrue(eventually(tx::notificationsEnabled), "idle again: transmit notifications re-armed");
    }

    // ---- receive ----

    @Test
    void receivesFrameIntoOneBuffer() throws Exception {
        activate(BASE);
        byte[] packet = frame(1, 12 + 98, new VirtioNetHeader(VirtioNetHeader.F_DATA_VALID, 0, 0, 0, 0, 0, 0));
        backend.inject(packet);
        rx.offerWritable(4, RX_AREA, RX_BUFFER);
        kickRx();

        FakeDeviceQueue.Completion done = completion(rx);
        assertEquals(4, done.chain().head());
        assertEquals(packet.length, done.bytesWritten());
        byte[] got = ram.read(RX_AREA, packet.length);
        VirtioNetHeader header = VirtioNetHeader.read(MemorySegment.ofArray(got));
        assertEquals(1, header.numBuffers(), "without MRG_RXBUF num_buffers is 1 (§5.1.6.4)");
        assertEquals(0, header.flags(), "DATA_VALID is cleared when GUEST_CSUM was not negotiated");
        assertArrayEquals(Arrays.copyOfRange(packet, 12, packet.length), Arrays.copyOfRange(got, 12, got.length));
        assertEquals(1, net.stats().rxFrames());
    }

    @Test
    void guestCsumKeepsChecksumFlags() throws Exception {
        activate(BASE | GUEST_CSUM.mask());
        backend.inject(frame(1, 80, new VirtioNetHeader(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 0, 34, 16, 0)));
        rx.offerWritable(0, RX_AREA, RX_BUFFER);
        kickRx();
        completion(rx);
        VirtioNetHeader header = VirtioNetHeader.read(MemorySegment.ofArray(ram.read(RX_AREA, 12)));
        assertEquals(new VirtioNetHeader(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 0, 34, 16, 1), header);
    }

    @Test
    void frameNeedingAnOffloadTheGuestLacksIsDroppedNotDelivered() throws Exception {
        activate(BASE);
        backend.inject(frame(1, 80, new VirtioNetHeader(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 0, 34, 16, 0)));
        backend.inject(frame(2, 80));
        rx.offerWritable(0, RX_AREA, RX_BUFFER);
        kickRx();
        FakeDeviceQueue.Completion done = completion(rx);
        assertEquals(0, done.chain().head());
        assertArrayEquals(Arrays.copyOfRange(frame(2, 80), 12, 80), ram.read(RX_AREA + 12, 68),
                "the chain carries the second frame; the partial-checksum one was dropped");
        assertEquals(1, net.stats().rxDropped());
    }

    @Test
    void withoutMergeableBuffersAFrameTooBigForTheChainIsDroppedAndTheChainKept() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            activate(BASE);
            backend.inject(frame(1, 600));
            backend.inject(frame(2, 200));
            rx.offerWritable(9, RX_AREA, 256);
            kickRx();
            FakeDeviceQueue.Completion done = completion(rx);
            assertEquals(9, done.chain().head());
            assertEquals(200, done.bytesWritten(), "the 256-byte chain got the second, fitting frame");
            assertArrayEquals(Arrays.copyOfRange(frame(2, 200), 12, 200), ram.read(RX_AREA + 12, 188));
            assertEquals(1, net.stats().rxDropped());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("600-byte frame")), "log: " + log.lines());
        }
    }

    @Test
    void mergeableFrameSpansChainsWithNumBuffersSet() throws Exception {
        activate(BASE | MRG_RXBUF.mask());
        byte[] big = frame(1, 4000);
        byte[] small = frame(2, 100);
        backend.inject(big);
        backend.inject(small);
        for (int i = 0; i < 4; i++) {
            rx.offerWritable(i, RX_AREA + i * 0x1000L, 1536);
        }
        kickRx();

        List<FakeDeviceQueue.Completion> used = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            used.add(completion(rx));
        }
        assertEquals(List.of(0, 1, 2, 3), used.stream().map(c -> c.chain().head()).toList(), "completed in order");
        assertEquals(List.of(1536, 1536, 928, 100), used.stream().map(FakeDeviceQueue.Completion::bytesWritten).toList());
        assertEquals(List.of(4), rx.batchSizes(),
                "frames already waiting in the backend are published together, whole frames only");
        VirtioNetHeader first = VirtioNetHeader.read(MemorySegment.ofArray(ram.read(RX_AREA, 12)));
        assertEquals(3, first.numBuffers(), "a 4000-byte frame fills three 1536-byte buffers");
        byte[] reassembled = new byte[4000];
        System.arraycopy(ram.read(RX_AREA, 1536), 0, reassembled, 0, 1536);
        System.arraycopy(ram.read(RX_AREA + 0x1000, 1536), 0, reassembled, 1536, 1536);
        System.arraycopy(ram.read(RX_AREA + 0x2000, 928), 0, reassembled, 3072, 928);
        assertArrayEquals(Arrays.copyOfRange(big, 12, 4000), Arrays.copyOfRange(reassembled, 12, 4000));
        assertEquals(1, VirtioNetHeader.read(MemorySegment.ofArray(ram.read(RX_AREA + 0x3000, 12))).numBuffers());
    }

    @Test
    void framesWaitingInTheBackendArePublishedInBatchesOfAtMostRxBatchFrames() throws Exception {
        activate(BASE);
        int frames = 2 * Receiver.RX_BATCH_FRAMES + 3;
        for (int i = 0; i < frames; i++) {
            backend.inject(frame(i, 12 + 60));
        }
        for (int i = 0; i < frames; i++) {
            rx.offerWritable(i, RX_AREA + i * 0x800L, RX_BUFFER);
        }
        kickRx();

        for (int i = 0; i < frames; i++) {
            FakeDeviceQueue.Completion done = completion(rx);
            assertEquals(i, done.chain().head(), "completed in ring order");
            assertArrayEquals(Arrays.copyOfRange(frame(i, 12 + 60), 12, 72), ram.read(RX_AREA + i * 0x800L + 12, 60));
        }
        assertEquals(List.of(Receiver.RX_BATCH_FRAMES, Receiver.RX_BATCH_FRAMES, 3), rx.batchSizes(),
                "full batches while frames wait, then the rest as soon as the backend runs dry");
    }

    @Test
    void aLoneFrameIsPublishedAtOnceNotHeldForABatch() throws Exception {
        activate(BASE);
        for (int i = 0; i < 4; i++) {
            rx.offerWritable(i, RX_AREA + i * 0x800L, RX_BUFFER);
        }
        kickRx();
        for (int i = 0; i < 3; i++) {
            backend.inject(frame(i, 12 + 60));
            assertEquals(i, completion(rx).chain().head(), "frame " + i + " reached the driver on its own");
        }
        assertEquals(List.of(1, 1, 1), rx.batchSizes());
    }

    @Test
    void mergeableFrameWaitsForMoreBuffersWhenTheRingRunsOutMidFrame() throws Exception {
        activate(BASE | MRG_RXBUF.mask());
        byte[] big = frame(1, 3000);
        backend.inject(big);
        rx.offerWritable(0, RX_AREA, 1536);
        kickRx();
        assertNull(rx.nextCompletion(QUIET), "half a frame must not be published");

        rx.offerWritable(1, RX_AREA + 0x1000, 1536);
        kickRx();
        FakeDeviceQueue.Completion a = completion(rx);
        FakeDeviceQueue.Completion b = completion(rx);
        assertEquals(List.of(0, 1), List.of(a.chain().head(), b.chain().head()));
        assertEquals(3000, a.bytesWritten() + b.bytesWritten());
        assertEquals(List.of(2), rx.batchSizes(), "both halves of the frame are published together");
        assertEquals(2, VirtioNetHeader.read(MemorySegment.ofArray(ram.read(RX_AREA, 12))).numBuffers());
        assertEquals(0, net.stats().rxDropped());
    }

    @Test
    void emptyRingLeavesFramesInTheBackendAndResumesInOrderOnKick() throws Exception {
        activate(BASE);
        for (int seq = 0; seq < 3; seq++) {
            backend.inject(frame(seq, 64 + seq));
        }
        Thread.sleep(QUIET.toMillis());
        assertEquals(0, backend.framesRead(), "no receive buffers: the backend is not read");
        assertEquals(0, backend.awaitCalls(), "no receive buffers: the device does not wait for frames");
        assertEquals(3, backend.pending());

        for (int i = 0; i < 3; i++) {
            rx.offerWritable(i, RX_AREA + i * 0x1000L, RX_BUFFER);
        }
        kickRx();
        for (int seq = 0; seq < 3; seq++) {
            FakeDeviceQueue.Completion done = completion(rx);
            assertEquals(seq, done.chain().head());
            assertEquals(64 + seq, done.bytesWritten());
            assertArrayEquals(Arrays.copyOfRange(frame(seq, 64 + seq), 12, 64 + seq),
                    ram.read(RX_AREA + seq * 0x1000L + 12, 52 + seq));
        }
        assertEquals(0, net.stats().rxDropped());
    }

    @Test
    void thousandFramesArriveInOrderThroughARecycledRing() throws Exception {
        activate(BASE | MRG_RXBUF.mask());
        int ring = 16;
        int frames = 1000;
        for (int i = 0; i < ring; i++) {
            rx.offerWritable(i, RX_AREA + i * 0x1000L, 2048);
        }
        kickRx();
        Thread producer = Thread.ofPlatform().start(() -> {
            for (int seq = 0; seq < frames; seq++) {
                backend.inject(frame(seq, 60 + seq % 1400));
            }
        });
        for (int seq = 0; seq < frames; seq++) {
            FakeDeviceQueue.Completion done = completion(rx);
            int head = done.chain().head();
            int size = 60 + seq % 1400;
            assertEquals(size, done.bytesWritten(), "frame " + seq);
            byte[] got = ram.read(RX_AREA + head * 0x1000L, size);
            assertArrayEquals(Arrays.copyOfRange(frame(seq, size), 12, size), Arrays.copyOfRange(got, 12, size),
                    "frame " + seq + " out of order or damaged");
            rx.offerWritable(head, RX_AREA + head * 0x1000L, 2048);
            kickRx();
        }
        producer.join();
        assertEquals(new NetStats(0, 0, frames, 0), net.stats());
    }

    @Test
    void idleDeviceSleepsInsteadOfPolling() throws Exception {
        activate(BASE);
        rx.offerWritable(0, RX_AREA, RX_BUFFER);
        kickRx();
        Thread.sleep(QUIET.toMillis());
        int pops = rx.popCalls();
        int awaits = backend.awaitCalls();
        Thread.sleep(QUIET.toMillis());
        assertEquals(pops, rx.popCalls(), "the ring was popped while idle");
        assertTrue(backend.awaitCalls() - awaits <= 1, "waits while idle: " + (backend.awaitCalls() - awaits));
        backend.inject(frame(0, 60));
        assertEquals(0, completion(rx).chain().head(), "and it wakes for the frame");
    }

    @Test
    void receiveBufferOutsideRamNeedsReset() throws Exception {
        activate(BASE);
        backend.inject(frame(0, 100));
        rx.offerWritable(0, ram.size() - 50, RX_BUFFER);
        kickRx();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (context.resetReasons().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, context.resetReasons().size(), "reasons: " + context.resetReasons());
        assertTrue(context.resetReasons().getFirst().startsWith("receiveq: "));
    }

    @Test
    void receiveChainShorterThanTheHeaderNeedsReset() throws Exception {
        activate(BASE | MRG_RXBUF.mask());
        rx.offerWritable(0, RX_AREA, 8);
        kickRx();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (context.resetReasons().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("receiveq: chain 0 has 8 writable bytes, less than the 12-byte virtio_net_hdr"),
                context.resetReasons());
    }

    // ---- offloads, config, lifecycle ----

    @Test
    void offloadsFollowTheNegotiatedGuestBits() {
        activate(BASE);
        net.reset();
        activate(BASE | VirtioNetFeature.maskOf(GUEST_CSUM, GUEST_TSO4, GUEST_ECN));
        net.reset();
        activate(BASE | VirtioNetFeature.maskOf(GUEST_CSUM, GUEST_TSO4, GUEST_TSO6, GUEST_ECN, GUEST_UFO));
        net.reset();
        activate(BASE | VirtioNetFeature.maskOf(GUEST_TSO4, GUEST_UFO));
        assertEquals(List.of(
                new FakeNetBackend.Offloads(false, false, false, false, false),
                new FakeNetBackend.Offloads(true, true, false, true, false),
                new FakeNetBackend.Offloads(true, true, true, true, true),
                new FakeNetBackend.Offloads(false, false, false, false, false)), backend.offloads(),
                "the last: segmentation without GUEST_CSUM breaks §5.1.3.1 and a tap refuses it");
    }

    @Test
    void configurationHasMacLinkPairsAndMtu() {
        assertEquals(VirtioNet.DEVICE_TYPE, net.deviceType());
        assertEquals(12, net.configSize());
        for (int i = 0; i < 6; i++) {
            assertEquals(Byte.toUnsignedLong(MAC_BYTES[i]), net.readConfig(i, 1));
        }
        assertEquals(0x3412_0054_52L, net.readConfig(0, 4) | net.readConfig(4, 1) << 32);
        assertEquals(1, net.readConfig(6, 2), "VIRTIO_NET_S_LINK_UP");
        assertEquals(1, net.readConfig(8, 2), "max_virtqueue_pairs");
        assertEquals(TEST_MTU, net.readConfig(10, 2));
        assertEquals(0x05DC_0001_0001L, net.readConfig(6, 6) & 0xFFFF_FFFF_FFFFL);

        activate(BASE);
        net.setLinkUp(false);
        assertEquals(0, net.readConfig(6, 2));
        assertEquals(1, context.configChanges(), "link down is signalled with a configuration change");
    }

    @Test
    void offersTheIssueFeatureSet() {
        long offered = net.offeredFeatures();
        for (VirtioNetFeature f : List.of(MAC, STATUS, MTU, MRG_RXBUF, CSUM, GUEST_CSUM, HOST_TSO4,
                VirtioNetFeature.HOST_TSO6, VirtioNetFeature.HOST_ECN, VirtioNetFeature.HOST_UFO, GUEST_TSO4,
                GUEST_TSO6, GUEST_ECN, GUEST_UFO, CTRL_VQ, CTRL_RX, CTRL_MAC_ADDR)) {
            assertTrue(f.in(offered), f + " offered");
        }
        assertFalse(VirtioNetFeature.MQ.in(offered));
        assertEquals(0, offered >>> 24, "no transport bits: the transport adds those");
        assertEquals(3, net.queueCount());
        assertEquals(256, net.maxQueueSize(VirtioNet.RECEIVEQ));
        assertEquals(64, net.maxQueueSize(VirtioNet.CONTROLQ));
    }

    @Test
    void resetStopsTheReceiveThreadPromptlyEveryTime() throws Exception {
        for (int round = 0; round < 5; round++) {
            activate(BASE);
            rx.offerWritable(round, RX_AREA, RX_BUFFER);
            kickRx();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (backend.awaitCalls() <= round && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(ioThreadAlive(), "round " + round + ": net0-io runs while active");
            assertTrue(net.receiving());
            long start = System.nanoTime();
            net.reset();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertFalse(ioThreadAlive(), "round " + round + ": net0-io still alive after reset");
            assertFalse(net.receiving());
            assertTrue(tookMillis < 1000, "reset waited " + tookMillis + " ms: the wakeup did not reach the thread");
        }
        assertEquals(0, backend.framesRead());
    }

    @Test
    void kicksAfterResetAreIgnored() {
        activate(BASE);
        net.reset();
        tx.offer(new DescriptorChain(0, List.of(new GuestBuffer(TX_AREA, 64)), List.of()));
        net.queueNotified(VirtioNet.TRANSMITQ);
        net.queueNotified(VirtioNet.RECEIVEQ);
        assertTrue(tx.drainCompletions().isEmpty());
        assertTrue(backend.written().isEmpty());
    }

    @Test
    void closeClosesTheBackend() throws Exception {
        activate(BASE);
        net.close();
        assertTrue(backend.closed());
        assertFalse(ioThreadAlive());
    }

    @Test
    void constructorRefusesBadMacAndMtu() {
        IllegalArgumentException mac = assertThrows(IllegalArgumentException.class,
                () -> new VirtioNet("n1", backend, new byte[5], 1500));
        assertTrue(mac.getMessage().contains("6 bytes"), mac.getMessage());
        IllegalArgumentException mtu = assertThrows(IllegalArgumentException.class,
                () -> new VirtioNet("n1", backend, MAC_BYTES, 67));
        assertEquals("n1: MTU 67 is outside 68..65535", mtu.getMessage());
    }
}
