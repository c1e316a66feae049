package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.block.CacheMode;
import dev.jkvm.devices.block.ImageDirectories;
import dev.jkvm.devices.block.RawImage;
import dev.jkvm.devices.memory.TestRam;
import dev.jkvm.devices.virtio.RecordingContext;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.GuestBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device over a real image with guest RAM in page-aligned native memory, as the VMM has it: the blk-seq
 * benchmark's request shape (1 MiB as 16 × 64 KiB segments) and requests whose segments O_DIRECT cannot take as
 * they are, in both cache modes. What reaches the file and what comes back must be the same bytes either way.
 */
class VirtioBlkDirectIoTest {

    /** Guest RAM: 4 MiB. */
    private static final int RAM_SIZE = 4 << 20;
    /** Guest page size; guest RAM starts page-aligned. */
    private static final int PAGE = 4096;
    /** Test disk: 4 MiB. */
    private static final int DISK_SIZE = 4 << 20;
    /** blk-seq's segment size. */
    private static final int SEGMENT = 64 * 1024;
    private static final long ALL_FEATURES = -1L;

    private final Arena arena = Arena.ofShared();
    private final TestRam ram = TestRam.of(arena.allocate(RAM_SIZE, PAGE));
    private final FakeQueue queue = new FakeQueue();
    private final RecordingContext context = new RecordingContext(ram);
    private final List<String> logLines = new ArrayList<>();
    private long next = PAGE;
    private int heads;
    private VirtioBlk device;
    private Path directory;

    @AfterEach
    void cleanUp() throws IOException {
        try {
            if (device != null) {
                device.close();
            }
        } finally {
            arena.close();
            if (directory != null) {
                Files.deleteIfExists(directory.resolve("disk.img"));
                Files.delete(directory);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void aMegabyteInSixteenSegmentsRoundTrips(CacheMode cache) throws Exception {
        Path file = start(cache);
        byte[] data = pattern(16 * SEGMENT, 5);
        long sector = 2048; // 1 MiB in
        List<GuestBuffer> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            out.add(buffer(Arrays.copyOfRange(data, i * SEGMENT, (i + 1) * SEGMENT), PAGE));
        }
        List<GuestBuffer> readable = new ArrayList<>();
        readable.add(header(VirtioBlk.T_OUT, sector));
        readable.addAll(out);
        GuestBuffer writeStatus = status();
        assertEquals(1, submit(chain(readable, List.of(writeStatus))).bytesWritten());
        assertEquals(VirtioBlk.S_OK, statusOf(writeStatus), "write status; log: " + logLines);

        List<GuestBuffer> writable = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            writable.add(empty(SEGMENT, PAGE));
        }
        GuestBuffer readStatus = status();
        writable.add(readStatus);
        assertEquals(data.length + 1,
                submit(chain(List.of(header(VirtioBlk.T_IN, sector)), writable)).bytesWritten());
        assertEquals(VirtioBlk.S_OK, statusOf(readStatus), "read status; log: " + logLines);
        assertArrayEquals(data, gather(writable.subList(0, 16)));

        device.close();
        device = null;
        byte[] expected = new byte[DISK_SIZE];
        System.arraycopy(data, 0, expected, (int) sector * VirtioBlk.SECTOR_SIZE, data.length);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    /**
     * Segments at 512-byte but not page-aligned addresses, odd lengths that leave the image position unaligned,
     * and a status byte sharing the last data descriptor: everything still arrives where it belongs.
     */
    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void segmentsODirectCannotTakeAsTheyAreStillRoundTrip(CacheMode cache) throws Exception {
        Path file = start(cache);
        int[] sizes = {PAGE, 512, 3 * 512, SEGMENT, 1000, 24, 2 * PAGE};
        int[] alignments = {PAGE, 512, 16, PAGE, PAGE, 16, PAGE};
        int total = Arrays.stream(sizes).sum();
        assertEquals(0, total % VirtioBlk.SECTOR_SIZE, "a whole number of sectors");
        byte[] data = pattern(total, 9);
        long sector = 7;
        List<GuestBuffer> readable = new ArrayList<>();
        readable.add(header(VirtioBlk.T_OUT, sector));
        int done = 0;
        for (int i = 0; i < sizes.length; i++) {
            readable.add(buffer(Arrays.copyOfRange(data, done, done + sizes[i]), alignments[i]));
            done += sizes[i];
        }
        GuestBuffer writeStatus = status();
        submit(chain(readable, List.of(writeStatus)));
        assertEquals(VirtioBlk.S_OK, statusOf(writeStatus), "write status; log: " + logLines);

        // Read back in other pieces; the last one also holds the status byte.
        GuestBuffer first = empty(3 * 512 + 100, 512);
        GuestBuffer second = empty(PAGE, PAGE);
        GuestBuffer last = empty(total - (3 * 512 + 100) - PAGE + 1, 8);
        assertEquals(total + 1,
                submit(chain(List.of(header(VirtioBlk.T_IN, sector)), List.of(first, second, last))).bytesWritten());
        assertEquals(VirtioBlk.S_OK, statusOf(last), "read status; log: " + logLines);
        GuestBuffer lastData = new GuestBuffer(last.address(), last.length() - 1);
        assertArrayEquals(data, gather(List.of(first, second, lastData)));

        device.close();
        device = null;
        byte[] expected = new byte[DISK_SIZE];
        System.arraycopy(data, 0, expected, (int) sector * VirtioBlk.SECTOR_SIZE, data.length);
        assertArrayEquals(expected, Files.readAllBytes(file), "only the request's sectors changed");
        assertTrue(context.resetReasons().isEmpty(), "no reset: " + context.resetReasons());
    }

    /** Creates a zeroed image fit for {@code cache} and starts the device on it; returns the image. */
    private Path start(CacheMode cache) throws IOException {
        directory = cache == CacheMode.NONE ? ImageDirectories.directIo("virtio-blk-direct")
                : ImageDirectories.buffered("virtio-blk-direct");
        Path file = directory.resolve("disk.img");
        Files.write(file, new byte[DISK_SIZE]);
        device = new VirtioBlk("vd9", RawImage.open(file, false, cache), "direct", 4, line -> {
            synchronized (logLines) {
                logLines.add(line);
            }
        }, System::nanoTime);
        device.activate(ALL_FEATURES, List.of(queue), context);
        return file;
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
        ByteBuffer bytes = ByteBuffer.allocate(RequestParser.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(0, type).putInt(4, 0).putLong(8, sector);
        return buffer(bytes.array(), 16);
    }

    private GuestBuffer buffer(byte[] content, int alignment) {
        GuestBuffer buffer = empty(content.length, alignment);
        MemorySegment.copy(MemorySegment.ofArray(content), 0, ram.slice(buffer.address(), content.length), 0,
                content.length);
        return buffer;
    }

    /**
     * {@code length} bytes of guest RAM at an address that is a multiple of {@code alignment} and, for alignments
     * below a page, not of the next power of two, so the buffer is exactly as aligned as asked.
     */
    private GuestBuffer empty(int length, int alignment) {
        long address = (next + alignment - 1) & -alignment;
        if (alignment < PAGE && (address & (2L * alignment - 1)) == 0) {
            address += alignment;
        }
        next = address + length;
        return new GuestBuffer(address, length);
    }

    private GuestBuffer status() {
        GuestBuffer status = empty(1, 1);
        ram.slice(status.address(), 1).set(ValueLayout.JAVA_BYTE, 0, (byte) 0x7f);
        return status;
    }

    private int statusOf(GuestBuffer status) {
        return ram.slice(status.address() + status.length() - 1, 1).get(ValueLayout.JAVA_BYTE, 0);
    }

    private byte[] gather(List<GuestBuffer> buffers) {
        byte[] data = new byte[buffers.stream().mapToInt(GuestBuffer::length).sum()];
        int done = 0;
        for (GuestBuffer buffer : buffers) {
            MemorySegment.copy(ram.slice(buffer.address(), buffer.length()), 0, MemorySegment.ofArray(data), done,
                    buffer.length());
            done += buffer.length();
        }
        return data;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 13 + seed);
        }
        return bytes;
    }
}
