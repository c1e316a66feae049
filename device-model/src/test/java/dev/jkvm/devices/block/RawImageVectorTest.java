package dev.jkvm.devices.block;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link RawImage#readv} and {@link RawImage#writev}: a request's segments in one preadv/pwritev straight from and
 * into native memory when the descriptor takes them as they are (with O_DIRECT: aligned), bounce buffers for the
 * segments it does not, and the same bytes either way. System calls are counted with the kernel's per-thread
 * counters in /proc/thread-self/io (syscr, syscw), which preadv and pwritev bump once per call.
 */
class RawImageVectorTest {

    /** Test image: 8 MiB. */
    private static final int IMAGE_SIZE = 8 << 20;
    /** A guest page, the alignment of the buffers that count as guest RAM. */
    private static final int PAGE = 4096;
    /** blk-seq's segment size: 16 of them make its 1 MiB read. */
    private static final int SEGMENT = 64 * 1024;

    private final List<Path> directories = new ArrayList<>();

    @AfterEach
    void deleteImages() throws IOException {
        for (Path directory : directories) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void sixteenAlignedSegmentsAreOneSystemCallEachWay(CacheMode cache) throws IOException {
        Path file = image(cache);
        byte[] data = pattern(16 * SEGMENT, 7);
        long offset = 3L * SEGMENT;
        try (RawImage image = RawImage.open(file, false, cache); Arena arena = Arena.ofConfined()) {
            List<MemorySegment> out = scattered(arena, 16, SEGMENT);
            List<MemorySegment> in = scattered(arena, 16, SEGMENT);
            scatter(data, out);
            // Once untimed: class loading on first use reads jar files on this thread, which would count.
            image.writev(offset, out);
            image.readv(offset, in);

            long measuring = ThreadIo.readCallsOfOneMeasurement();
            ThreadIo before = ThreadIo.now();
            image.writev(offset, out);
            ThreadIo afterWrite = ThreadIo.now();
            image.readv(offset, in);
            ThreadIo afterRead = ThreadIo.now();

            assertEquals(1, afterWrite.writeCallsSince(before), "16 segments, one pwritev (" + cache + ")");
            assertEquals(1, afterRead.readCallsSince(afterWrite, measuring), "16 segments, one preadv (" + cache + ")");
            assertArrayEquals(data, gather(in));
            image.flush();
        }
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(file), (int) offset, (int) offset + data.length));
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void moreSegmentsThanOneVectorHoldsTakeOneCallPerVector(CacheMode cache) throws IOException {
        Path file = image(cache);
        try (RawImage image = RawImage.open(file, false, cache); Arena arena = Arena.ofConfined()) {
            int blockSize = image.logicalBlockSize();
            int segments = IoVectorPool.CAPACITY + IoVectorPool.CAPACITY / 2;
            long offset = blockSize;
            byte[] data = pattern(segments * blockSize, 3);
            List<MemorySegment> out = scattered(arena, segments, blockSize);
            List<MemorySegment> in = scattered(arena, segments, blockSize);
            scatter(data, out);
            image.writev(offset, out);
            image.readv(offset, in);

            long measuring = ThreadIo.readCallsOfOneMeasurement();
            ThreadIo before = ThreadIo.now();
            image.writev(offset, out);
            ThreadIo afterWrite = ThreadIo.now();
            image.readv(offset, in);
            ThreadIo afterRead = ThreadIo.now();

            assertEquals(2, afterWrite.writeCallsSince(before), segments + " segments, two pwritev calls");
            assertEquals(2, afterRead.readCallsSince(afterWrite, measuring), segments + " segments, two preadv calls");
            assertArrayEquals(data, gather(in));
            image.flush();
            byte[] expected = original(IMAGE_SIZE);
            System.arraycopy(data, 0, expected, (int) offset, data.length);
            assertArrayEquals(expected, Files.readAllBytes(file));
        }
    }

    /**
     * Segments O_DIRECT cannot take (an odd address, a length that leaves the file position unaligned, heap memory,
     * an empty one) between aligned ones: every byte lands where a plain copy would put it, and no byte outside
     * the request changes.
     */
    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void misalignedSegmentsAmongAlignedOnesStayCorrect(CacheMode cache) throws IOException {
        Path file = image(cache);
        try (RawImage image = RawImage.open(file, false, cache); Arena arena = Arena.ofConfined()) {
            List<MemorySegment> out = List.of(
                    arena.allocate(2 * PAGE, PAGE),
                    arena.allocate(1000 + 1, PAGE).asSlice(1),
                    arena.allocate(PAGE, PAGE),
                    MemorySegment.ofArray(new byte[3000]),
                    arena.allocate(0, PAGE),
                    arena.allocate(512 + 24, PAGE),
                    arena.allocate(SEGMENT, PAGE));
            long offset = 5L * PAGE;
            byte[] data = pattern((int) bytes(out), 11);
            scatter(data, out);
            image.writev(offset, out);

            List<MemorySegment> in = List.of(
                    arena.allocate(PAGE + 512, PAGE),
                    MemorySegment.ofArray(new byte[777]),
                    arena.allocate(3 * PAGE, PAGE),
                    arena.allocate(PAGE + 3, PAGE).asSlice(3),
                    arena.allocate(data.length - (PAGE + 512) - 777 - 3 * PAGE - PAGE, PAGE));
            image.readv(offset, in);
            assertArrayEquals(data, gather(in));

            // An offset that is not block-aligned, into aligned memory: the bounce path for the whole request.
            List<MemorySegment> shifted = scattered(arena, 2, PAGE);
            image.readv(offset + 512, shifted);
            assertArrayEquals(Arrays.copyOfRange(data, 512, 512 + 2 * PAGE), gather(shifted));

            image.flush();
            byte[] expected = original(IMAGE_SIZE);
            System.arraycopy(data, 0, expected, (int) offset, data.length);
            assertArrayEquals(expected, Files.readAllBytes(file), "only the request's bytes changed");
        }
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void aVectorPastTheEndIsRefusedBeforeAnyIo(CacheMode cache) throws IOException {
        Path file = image(cache);
        try (RawImage image = RawImage.open(file, false, cache); Arena arena = Arena.ofConfined()) {
            List<MemorySegment> out = scattered(arena, 3, SEGMENT);
            for (MemorySegment segment : out) {
                segment.fill((byte) 0x5a);
            }
            long offset = IMAGE_SIZE - 2L * SEGMENT;
            BlockDeviceException e = assertThrows(BlockDeviceException.class, () -> image.writev(offset, out));
            assertEquals(file + ": write of " + 3 * SEGMENT + " bytes at offset " + offset
                    + " is outside the image (" + IMAGE_SIZE + " bytes)", e.getMessage());
            image.flush();
        }
        assertArrayEquals(original(IMAGE_SIZE), Files.readAllBytes(file), "nothing was written");
    }

    /**
     * {@code count} page-aligned native buffers of {@code size} bytes, allocated in reverse so that no two
     * neighbours in the list are neighbours in memory: the gather must follow the list, not the addresses.
     */
    private static List<MemorySegment> scattered(Arena arena, int count, int size) {
        MemorySegment[] buffers = new MemorySegment[count];
        for (int i = count - 1; i >= 0; i--) {
            buffers[i] = arena.allocate(size, PAGE);
        }
        return List.of(buffers);
    }

    private static long bytes(List<MemorySegment> buffers) {
        return buffers.stream().mapToLong(MemorySegment::byteSize).sum();
    }

    private static void scatter(byte[] data, List<MemorySegment> buffers) {
        long done = 0;
        for (MemorySegment buffer : buffers) {
            MemorySegment.copy(MemorySegment.ofArray(data), done, buffer, 0, buffer.byteSize());
            done += buffer.byteSize();
        }
    }

    private static byte[] gather(List<MemorySegment> buffers) {
        byte[] data = new byte[(int) bytes(buffers)];
        long done = 0;
        for (MemorySegment buffer : buffers) {
            MemorySegment.copy(buffer, 0, MemorySegment.ofArray(data), done, buffer.byteSize());
            done += buffer.byteSize();
        }
        return data;
    }

    /** An image whose bytes are {@link #original}, in a directory fit for {@code cache}. */
    private Path image(CacheMode cache) throws IOException {
        Path directory = cache == CacheMode.NONE ? ImageDirectories.directIo("raw-image-vector")
                : ImageDirectories.buffered("raw-image-vector");
        directories.add(directory);
        Path file = directory.resolve("disk.img");
        Files.write(file, original(IMAGE_SIZE));
        return file;
    }

    /** Never zero, so a zeroed byte stands out. */
    private static byte[] original(int size) {
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = (byte) (i % 251 + 1);
        }
        return content;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 17 + seed);
        }
        return bytes;
    }

    /**
     * The calling thread's read and write system call counts from /proc/thread-self/io. Reading that file costs
     * read calls of its own, the same number every time, counted after the values it returns: {@code
     * readCallsSince} takes off what one measurement costs.
     */
    private record ThreadIo(long readCalls, long writeCalls) {

        static ThreadIo now() throws IOException {
            long[] counters = counters();
            return new ThreadIo(counters[0], counters[1]);
        }

        /** The read calls one {@link #now} makes. */
        static long readCallsOfOneMeasurement() throws IOException {
            ThreadIo first = now();
            ThreadIo second = now();
            return second.readCalls - first.readCalls;
        }

        /** Read calls made between {@code earlier} and this measurement, less {@code earlier}'s own. */
        long readCallsSince(ThreadIo earlier, long ofOneMeasurement) {
            return readCalls - earlier.readCalls - ofOneMeasurement;
        }

        long writeCallsSince(ThreadIo earlier) {
            return writeCalls - earlier.writeCalls;
        }

        private static long[] counters() throws IOException {
            Path io = Path.of("/proc/thread-self/io");
            String text;
            try {
                text = Files.readString(io, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new AssertionError("these tests count system calls in " + io + ", which this host does not"
                        + " provide (a kernel without CONFIG_TASK_IO_ACCOUNTING?): " + e, e);
            }
            long reads = -1;
            long writes = -1;
            for (String line : text.split("\n")) {
                String[] field = line.split(":\\s*");
                switch (field[0]) {
                    case "syscr" -> reads = Long.parseLong(field[1].trim());
                    case "syscw" -> writes = Long.parseLong(field[1].trim());
                    default -> { }
                }
            }
            if (reads < 0 || writes < 0) {
                throw new AssertionError(io + " has no syscr/syscw lines: " + text);
            }
            return new long[]{reads, writes};
        }
    }
}
