package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.memory.TestRam;
import dev.jkvm.devices.virtio.RateLimitedLog;
import dev.jkvm.devices.block.CacheMode;
import dev.jkvm.devices.block.ImageDirectories;
import dev.jkvm.devices.block.RawImage;
import dev.jkvm.devices.virtio.RecordingContext;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.GuestBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class VirtioBlkTest {

    /** Test RAM size: 1 MiB. */
    private static final int RAM_SIZE = 1 << 20;
    /** Test disk: 64 KiB = 128 sectors. */
    private static final int DISK_SIZE = 64 * 1024;
    private static final long ALL_FEATURES = -1L;

    private final TestRam ram = TestRam.heap(RAM_SIZE);
    private final FakeQueue queue = new FakeQueue();
    private final RecordingContext context = new RecordingContext(ram);
    private final List<String> logLines = new ArrayList<>();
    /** The log's clock: a test moves it on to open the next one-line window. */
    private final AtomicLong clock = new AtomicLong();
    private long next = 0x1000;
    private int heads;
    private VirtioBlk device;
    private MemoryBackend backend;

    @AfterEach
    void closeDevice() {
        if (device != null) {
            device.close();
        }
    }

    private VirtioBlk start(boolean readOnly, int ioThreads) {
        backend = new MemoryBackend(DISK_SIZE, readOnly);
        device = new VirtioBlk("vd0", backend, "jkvm-serial-1", ioThreads, line -> {
            synchronized (logLines) {
                logLines.add(line);
            }
        }, clock::get);
        device.activate(ALL_FEATURES, List.of(queue), context);
        return device;
    }

    @Test
    void offersTheBlockFeaturesAndTheSpecConfigLayout() {
        VirtioBlk blk = start(false, 1);
        assertEquals(2, blk.deviceType());
        long features = blk.offeredFeatures();
        for (int bit : new int[] {1, 2, 6, 9, 13, 14}) {
            assertTrue((features & (1L << bit)) != 0, "feature bit " + bit + " offered");
        }
        assertEquals(0, features & (1L << 5), "RO not offered on a writable drive");
        assertEquals(1, blk.queueCount());
        assertEquals(256, blk.maxQueueSize(0));
        assertEquals(60, blk.configSize());
        assertEquals(DISK_SIZE / 512, blk.readConfig(0, 8), "capacity in sectors");
        assertEquals(DISK_SIZE / 512, blk.readConfig(0, 4), "low half of capacity");
        assertEquals(1 << 20, blk.readConfig(8, 4), "size_max");
        assertEquals(254, blk.readConfig(12, 4), "seg_max");
        assertEquals(0, blk.readConfig(16, 4), "geometry not offered");
        assertEquals(512, blk.readConfig(20, 4), "blk_size");
        assertEquals(1, blk.readConfig(32, 1), "writeback");
        assertEquals(1, blk.readConfig(34, 2), "num_queues");
        assertEquals(1 << 21, blk.readConfig(36, 4), "max_discard_sectors");
        assertEquals(16, blk.readConfig(40, 4), "max_discard_seg");
        assertEquals(1, blk.readConfig(44, 4), "discard_sector_alignment");
        assertEquals(1 << 21, blk.readConfig(48, 4), "max_write_zeroes_sectors");
        assertEquals(16, blk.readConfig(52, 4), "max_write_zeroes_seg");
        assertEquals(1, blk.readConfig(56, 1), "write_zeroes_may_unmap");
        blk.writeConfig(32, 1, 0);
        assertEquals(1, blk.readConfig(32, 1), "writeback is read-only without CONFIG_WCE");
    }

    @Test
    void readOnlyDriveOffersRoAndNoDiscard() {
        VirtioBlk blk = start(true, 1);
        long features = blk.offeredFeatures();
        assertTrue((features & (1L << 5)) != 0, "RO offered");
        assertEquals(0, features & ((1L << 13) | (1L << 14)), "no DISCARD/WRITE_ZEROES on a read-only drive");
    }

    @Test
    void writeThenReadRoundTripsAcrossSplitDescriptors() throws Exception {
        start(false, 2);
        byte[] data = pattern(1536, 7);
        // Header split 10 + 6 over two descriptors, data over two, status alone.
        GuestBuffer header = header(VirtioBlk.T_OUT, 5);
        GuestBuffer firstPart = new GuestBuffer(header.address(), 10);
        GuestBuffer secondPart = copyOf(header.address() + 10, 6);
        GuestBuffer status = status();
        DescriptorChain write = chain(List.of(firstPart, secondPart, buffer(Arrays.copyOfRange(data, 0, 1024)),
                buffer(Arrays.copyOfRange(data, 1024, 1536))), List.of(status));
        assertEquals(new FakeQueue.Completion(write, 1), submit(write));
        assertEquals(VirtioBlk.S_OK, statusOf(status));
        assertArrayEquals(data, Arrays.copyOfRange(backend.disk, 5 * 512, 5 * 512 + 1536));

        GuestBuffer in1 = empty(512);
        GuestBuffer in2 = empty(1024);
        GuestBuffer readStatus = status();
        DescriptorChain read = chain(List.of(header(VirtioBlk.T_IN, 5)), List.of(in1, in2, readStatus));
        assertEquals(new FakeQueue.Completion(read, 1536 + 1), submit(read));
        assertEquals(VirtioBlk.S_OK, statusOf(readStatus));
        byte[] back = new byte[1536];
        MemorySegment.copy(ram.slice(in1.address(), 512), 0, MemorySegment.ofArray(back), 0, 512);
        MemorySegment.copy(ram.slice(in2.address(), 1024), 0, MemorySegment.ofArray(back), 512, 1024);
        assertArrayEquals(data, back);
    }

    @Test
    void statusByteSharesTheLastDataDescriptor() throws Exception {
        start(false, 1);
        backend.disk[0] = 42;
        GuestBuffer dataAndStatus = empty(513);
        DescriptorChain read = chain(List.of(header(VirtioBlk.T_IN, 0)), List.of(dataAndStatus));
        assertEquals(513, submit(read).bytesWritten());
        assertEquals(42, ram.slice(dataAndStatus.address(), 1).get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(VirtioBlk.S_OK, ram.slice(dataAndStatus.address() + 512, 1).get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void severalRequestsAreInFlightAtOnceOnNamedIoThreads() throws Exception {
        start(false, 4);
        CyclicBarrier bothInside = new CyclicBarrier(2);
        AtomicBoolean overlapped = new AtomicBoolean(true);
        backend.gate = () -> {
            try {
                bothInside.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                overlapped.set(false);
            }
        };
        GuestBuffer status1 = status();
        GuestBuffer status2 = status();
        queue.offer(chain(List.of(header(VirtioBlk.T_IN, 0)), List.of(empty(512), status1)));
        queue.offer(chain(List.of(header(VirtioBlk.T_IN, 8)), List.of(empty(4096), status2)));
        device.queueNotified(0);
        queue.awaitCompletion();
        queue.awaitCompletion();
        assertTrue(overlapped.get(), "the two reads did not meet inside the backend: not in flight together");
        assertTrue(backend.maxInProgress.get() >= 2, "max in flight " + backend.maxInProgress.get());
        assertEquals(VirtioBlk.S_OK, statusOf(status1));
        assertEquals(VirtioBlk.S_OK, statusOf(status2));
        for (String name : backend.ioThreadNames) {
            assertTrue(name.matches("vd0-io-[0-3]"), "I/O thread name " + name);
        }
    }

    @Test
    void flushReachesTheBackend() throws Exception {
        start(false, 1);
        GuestBuffer status = status();
        DescriptorChain flush = chain(List.of(header(VirtioBlk.T_FLUSH, 0)), List.of(status));
        assertEquals(1, submit(flush).bytesWritten());
        assertEquals(VirtioBlk.S_OK, statusOf(status));
        assertEquals(1, backend.flushes.get());
    }

    @Test
    void getIdAnswersTheSerialPaddedToTwentyBytes() throws Exception {
        start(false, 1);
        GuestBuffer id = empty(20);
        GuestBuffer status = status();
        assertEquals(21, submit(chain(List.of(header(VirtioBlk.T_GET_ID, 0)), List.of(id, status))).bytesWritten());
        assertEquals(VirtioBlk.S_OK, statusOf(status));
        byte[] expected = Arrays.copyOf("jkvm-serial-1".getBytes(StandardCharsets.US_ASCII), 20);
        assertArrayEquals(expected, ram.slice(id.address(), 20).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void discardAndWriteZeroesPassTheirRanges() throws Exception {
        start(false, 1);
        Arrays.fill(backend.disk, (byte) 0x55);
        GuestBuffer status = status();
        DescriptorChain discard = chain(List.of(header(VirtioBlk.T_DISCARD, 0),
                segments(new long[] {8, 16, 0}, new long[] {64, 8, 0})), List.of(status));
        assertEquals(1, submit(discard).bytesWritten());
        assertEquals(VirtioBlk.S_OK, statusOf(status));

        GuestBuffer zeroStatus = status();
        DescriptorChain zeroes = chain(List.of(header(VirtioBlk.T_WRITE_ZEROES, 0), segments(new long[] {2, 3, 1})),
                List.of(zeroStatus));
        submit(zeroes);
        assertEquals(VirtioBlk.S_OK, statusOf(zeroStatus));
        assertEquals(List.of(new MemoryBackend.Range("discard", 8 * 512, 16 * 512, false),
                new MemoryBackend.Range("discard", 64 * 512, 8 * 512, false),
                new MemoryBackend.Range("writeZeroes", 2 * 512, 3 * 512, true)), backend.ranges);
        assertEquals(0, backend.disk[2 * 512]);
        assertEquals(0x55, backend.disk[5 * 512]);
    }

    @Test
    void discardWithTheUnmapFlagAndUnknownTypesAreUnsupported() throws Exception {
        start(false, 1);
        GuestBuffer status = status();
        submit(chain(List.of(header(VirtioBlk.T_DISCARD, 0), segments(new long[] {0, 8, 1})), List.of(status)));
        assertEquals(VirtioBlk.S_UNSUPP, statusOf(status));
        GuestBuffer unknown = status();
        submit(chain(List.of(header(99, 0)), List.of(unknown)));
        assertEquals(VirtioBlk.S_UNSUPP, statusOf(unknown));
        assertTrue(backend.ranges.isEmpty());
    }

    @Test
    void discardIsUnsupportedWhenNotNegotiated() throws Exception {
        start(false, 1);
        device.activate(1L << VirtioBlk.F_FLUSH, List.of(queue), context);
        GuestBuffer status = status();
        submit(chain(List.of(header(VirtioBlk.T_DISCARD, 0), segments(new long[] {0, 8, 0})), List.of(status)));
        assertEquals(VirtioBlk.S_UNSUPP, statusOf(status));
    }

    @Test
    void sectorBeyondCapacityIsIoErr() throws Exception {
        start(false, 1);
        assertIoErr(chain(List.of(header(VirtioBlk.T_IN, 128)), List.of(empty(512), status())), "beyond the capacity");
        assertIoErr(chain(List.of(header(VirtioBlk.T_IN, 127)), List.of(empty(1024), status())), "beyond the capacity");
        assertIoErr(chain(List.of(header(VirtioBlk.T_OUT, -1L), buffer(new byte[512])), List.of(status())),
                "beyond the capacity");
        assertIoErr(chain(List.of(header(VirtioBlk.T_WRITE_ZEROES, 0), segments(new long[] {120, 9, 0})),
                List.of(status())), "beyond the capacity");
    }

    @Test
    void shortHeaderIsIoErr() throws Exception {
        start(false, 1);
        assertIoErr(chain(List.of(buffer(new byte[8])), List.of(status())), "header of 8 bytes");
    }

    @Test
    void bufferOutsideRamIsIoErr() throws Exception {
        start(false, 1);
        assertIoErr(chain(List.of(header(VirtioBlk.T_IN, 0)), List.of(new GuestBuffer(RAM_SIZE - 256, 512),
                status())), "outside the test RAM");
        assertIoErr(chain(List.of(header(VirtioBlk.T_OUT, 0), new GuestBuffer(0x7fff_ffff_0000L, 512)),
                List.of(status())), "outside the test RAM");
        assertIoErr(chain(List.of(new GuestBuffer(RAM_SIZE + 4096L, 16)), List.of(status())), "outside the test RAM");
    }

    @Test
    void writeToReadOnlyDriveIsIoErr() throws Exception {
        start(true, 1);
        assertIoErr(chain(List.of(header(VirtioBlk.T_OUT, 0), buffer(new byte[512])), List.of(status())),
                "read-only");
    }

    @Test
    void lengthNotAMultipleOf512IsIoErr() throws Exception {
        start(false, 1);
        assertIoErr(chain(List.of(header(VirtioBlk.T_OUT, 0), buffer(new byte[500])), List.of(status())),
                "not a multiple of 512");
        assertIoErr(chain(List.of(header(VirtioBlk.T_IN, 0)), List.of(empty(100), status())), "not a multiple of 512");
    }

    @Test
    void tooManySegmentsIsIoErr() throws Exception {
        start(false, 1);
        List<GuestBuffer> readable = new ArrayList<>();
        readable.add(header(VirtioBlk.T_OUT, 0));
        for (int i = 0; i < 256; i++) {
            readable.add(new GuestBuffer(0x80000 + i * 512L, 512 / 2));
        }
        assertIoErr(chain(readable, List.of(status())), "more than seg_max 254");
    }

    @Test
    void chainWithoutStatusByteNeedsResetAndStopsTheDevice() throws Exception {
        start(false, 1);
        DescriptorChain noStatus = chain(List.of(header(VirtioBlk.T_FLUSH, 0)), List.of());
        queue.offer(noStatus);
        device.queueNotified(0);
        waitFor(() -> !context.resetReasons().isEmpty(), "needsReset");
        assertTrue(context.resetReasons().get(0).contains("no writable byte for its status"),
                context.resetReasons().toString());
        assertNull(queue.pollCompletion(200), "a chain without a status byte is not completed");

        int popsBefore = queue.pops();
        queue.offer(chain(List.of(header(VirtioBlk.T_FLUSH, 0)), List.of(status())));
        device.queueNotified(0);
        assertEquals(popsBefore, queue.pops(), "a device that needs a reset pops nothing more");

        device.reset();
        device.activate(ALL_FEATURES, List.of(queue), context);
        device.queueNotified(0);
        assertEquals(1, queue.awaitCompletion().bytesWritten(), "after reset and activate the queue is served again");
    }

    @Test
    void brokenQueueNeedsReset() {
        start(false, 1);
        queue.breakWith("avail idx jumped by 300");
        device.queueNotified(0);
        assertEquals(1, context.resetReasons().size());
        assertTrue(context.resetReasons().get(0).contains("avail idx jumped by 300"));
    }

    @Test
    void resetWaitsForRequestsInFlight() throws Exception {
        start(false, 2);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        backend.gate = () -> {
            entered.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        queue.offer(chain(List.of(header(VirtioBlk.T_IN, 0)), List.of(empty(512), status())));
        device.queueNotified(0);
        assertTrue(entered.await(5, TimeUnit.SECONDS), "the read reached the backend");
        Thread resetter = Thread.ofPlatform().start(device::reset);
        resetter.join(300);
        assertTrue(resetter.isAlive(), "reset returned while a request was in flight");
        release.countDown();
        resetter.join(5000);
        assertFalse(resetter.isAlive(), "reset did not return once the request finished");
        assertEquals(513, queue.awaitCompletion().bytesWritten(), "the request in flight completed");

        int pops = queue.pops();
        queue.offer(chain(List.of(header(VirtioBlk.T_FLUSH, 0)), List.of(status())));
        device.queueNotified(0);
        assertEquals(pops, queue.pops(), "a reset device pops nothing");
    }

    @Test
    void closeClosesTheBackendAndStopsTheThreads() {
        start(false, 2);
        device.close();
        assertTrue(backend.closed);
        device = null;
    }

    @Test
    void errorsAreLoggedAtMostOncePerSecond() throws Exception {
        start(false, 1);
        for (int i = 0; i < 5; i++) {
            submit(chain(List.of(buffer(new byte[4])), List.of(status())));
        }
        synchronized (logLines) {
            assertEquals(1, logLines.size(), logLines.toString());
            assertTrue(logLines.get(0).startsWith("vd0: request at head "), logLines.get(0));
        }
    }

    @Test
    void rateLimitedLogCountsWhatItSuppressed() {
        List<String> lines = new ArrayList<>();
        long[] now = {0};
        RateLimitedLog log = new RateLimitedLog(lines::add, () -> now[0]);
        log.warn("a");
        log.warn("b");
        log.warn("c");
        now[0] = RateLimitedLog.INTERVAL_NANOS;
        log.warn("d");
        now[0] += RateLimitedLog.INTERVAL_NANOS - 1;
        log.warn("e");
        assertEquals(List.of("a", "d (2 similar messages suppressed)"), lines);
    }

    /** The whole path over a real image with O_DIRECT: guest RAM on the heap goes through the bounce buffers. */
    @Test
    void roundTripsOverARawImageWithCacheNone() throws Exception {
        Path directory = ImageDirectories.directIo("virtio-blk");
        Path file = directory.resolve("disk.img");
        Files.write(file, new byte[DISK_SIZE]);
        try {
            device = new VirtioBlk("vd2", RawImage.open(file, false, CacheMode.NONE), "raw", 2, line -> { },
                    clock::get);
            device.activate(ALL_FEATURES, List.of(queue), context);
            byte[] data = pattern(4096 + 512, 11);
            GuestBuffer status = status();
            submit(chain(List.of(header(VirtioBlk.T_OUT, 3), buffer(data)), List.of(status)));
            assertEquals(VirtioBlk.S_OK, statusOf(status));
            GuestBuffer flushStatus = status();
            submit(chain(List.of(header(VirtioBlk.T_FLUSH, 0)), List.of(flushStatus)));
            assertEquals(VirtioBlk.S_OK, statusOf(flushStatus));
            GuestBuffer in = empty(data.length);
            GuestBuffer readStatus = status();
            assertEquals(data.length + 1,
                    submit(chain(List.of(header(VirtioBlk.T_IN, 3)), List.of(in, readStatus))).bytesWritten());
            assertEquals(VirtioBlk.S_OK, statusOf(readStatus));
            assertArrayEquals(data, ram.slice(in.address(), data.length).toArray(ValueLayout.JAVA_BYTE));
            device.close();
            device = null;
            assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(file), 3 * 512, 3 * 512 + data.length));
        } finally {
            Files.deleteIfExists(file);
            Files.delete(directory);
        }
    }

    @Test
    void rejectsSerialsLongerThanTwentyBytes() {
        MemoryBackend memory = new MemoryBackend(DISK_SIZE, false);
        try {
            new VirtioBlk("vd1", memory, "123456789012345678901", 1).close();
            fail("a 21-byte serial was accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("21 bytes"), e.getMessage());
        }
    }

    private void assertIoErr(DescriptorChain chain, String reason) throws InterruptedException {
        GuestBuffer status = chain.writable().getLast();
        FakeQueue.Completion completion = submit(chain);
        assertEquals(1, completion.bytesWritten());
        assertEquals(VirtioBlk.S_IOERR, statusOf(status));
        assertTrue(context.resetReasons().isEmpty(), "IOERR, not a reset: " + context.resetReasons());
        synchronized (logLines) {
            assertTrue(logLines.stream().anyMatch(line -> line.contains(reason)),
                    "a log line says " + reason + ": " + logLines);
            logLines.clear();
        }
        // Open the log's next one-line window for the next case.
        clock.addAndGet(RateLimitedLog.INTERVAL_NANOS);
    }

    private FakeQueue.Completion submit(DescriptorChain chain) throws InterruptedException {
        queue.offer(chain);
        device.queueNotified(0);
        return queue.awaitCompletion();
    }

    private DescriptorChain chain(List<GuestBuffer> readable, List<GuestBuffer> writable) {
        return new DescriptorChain(heads++, readable, writable);
    }

    private GuestBuffer header(int type, long sector) {
        ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(0, type).putInt(4, 0).putLong(8, sector);
        return buffer(bytes.array());
    }

    /** Discard/write-zeroes segments, each {sector, sectors, flags}. */
    private GuestBuffer segments(long[]... segments) {
        ByteBuffer bytes = ByteBuffer.allocate(16 * segments.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < segments.length; i++) {
            bytes.putLong(i * 16, segments[i][0]).putInt(i * 16 + 8, (int) segments[i][1])
                    .putInt(i * 16 + 12, (int) segments[i][2]);
        }
        return buffer(bytes.array());
    }

    private GuestBuffer buffer(byte[] content) {
        GuestBuffer buffer = empty(content.length);
        MemorySegment.copy(MemorySegment.ofArray(content), 0, ram.slice(buffer.address(), content.length), 0,
                content.length);
        return buffer;
    }

    /** A buffer holding {@code length} bytes that already sit at {@code address}. */
    private static GuestBuffer copyOf(long address, int length) {
        return new GuestBuffer(address, length);
    }

    private GuestBuffer empty(int length) {
        GuestBuffer buffer = new GuestBuffer(next, length);
        next += (length + 15) & ~15;
        return buffer;
    }

    private GuestBuffer status() {
        GuestBuffer status = empty(1);
        ram.slice(status.address(), 1).set(ValueLayout.JAVA_BYTE, 0, (byte) 0x7f);
        return status;
    }

    private int statusOf(GuestBuffer status) {
        return ram.slice(status.address() + status.length() - 1, 1).get(ValueLayout.JAVA_BYTE, 0);
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
