package dev.jkvm.devices.block;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawImageTest {

    /** Test image: 2 MiB. */
    private static final int IMAGE_SIZE = 2 << 20;

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
    void alignedNativeMemoryRoundTrips(CacheMode cache) throws IOException {
        Path file = image(cache, IMAGE_SIZE);
        byte[] data = pattern(8192, 3);
        try (RawImage image = RawImage.open(file, false, cache); Arena arena = Arena.ofConfined()) {
            assertEquals(IMAGE_SIZE, image.size());
            assertFalse(image.readOnly());
            MemorySegment buffer = arena.allocate(8192, 4096);
            buffer.copyFrom(MemorySegment.ofArray(data));
            image.write(4096, buffer);
            MemorySegment back = arena.allocate(8192, 4096);
            image.read(4096, back);
            assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));
        }
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(file), 4096, 4096 + 8192));
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void unalignedOffsetsAddressesAndHeapMemoryKeepTheNeighbours(CacheMode cache) throws IOException {
        Path file = image(cache, IMAGE_SIZE);
        byte[] before = Files.readAllBytes(file);
        byte[] patch = pattern(100, 9);
        try (RawImage image = RawImage.open(file, false, cache); Arena arena = Arena.ofConfined()) {
            image.write(1000, MemorySegment.ofArray(patch));
            MemorySegment oddAddress = arena.allocate(4096 + 1, 4096).asSlice(1);
            image.read(333, oddAddress.asSlice(0, 4000));
            byte[] expected = before.clone();
            System.arraycopy(patch, 0, expected, 1000, patch.length);
            assertArrayEquals(Arrays.copyOfRange(expected, 333, 4333),
                    oddAddress.asSlice(0, 4000).toArray(ValueLayout.JAVA_BYTE));
            byte[] heap = new byte[700];
            image.read(5000, MemorySegment.ofArray(heap));
            assertArrayEquals(Arrays.copyOfRange(expected, 5000, 5700), heap);
            image.flush();
            assertArrayEquals(expected, Files.readAllBytes(file), "only bytes 1000..1099 changed");
        }
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void largeTransfersGoThroughSeveralBounceBuffers(CacheMode cache) throws IOException {
        Path file = image(cache, IMAGE_SIZE);
        byte[] data = pattern(BouncePool.BUFFER_SIZE * 3 + 512, 5);
        try (RawImage image = RawImage.open(file, false, cache)) {
            image.write(512, MemorySegment.ofArray(data));
            byte[] back = new byte[data.length];
            image.read(512, MemorySegment.ofArray(back));
            assertArrayEquals(data, back);
            image.flush();
        }
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(file), 512, 512 + data.length));
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void discardPunchesAHole(CacheMode cache) throws Exception {
        Path file = image(cache, IMAGE_SIZE);
        long blocksBefore = allocatedBlocks(file);
        try (RawImage image = RawImage.open(file, false, cache)) {
            assertTrue(image.supportsDiscard());
            image.discard(256 * 1024, 512 * 1024);
            byte[] back = new byte[512 * 1024 + 2];
            image.read(256 * 1024 - 1, MemorySegment.ofArray(back));
            byte[] original = Files.readAllBytes(file);
            assertEquals(fill(256 * 1024 - 1), back[0], "the byte before the hole is kept");
            assertEquals(fill(768 * 1024), back[back.length - 1], "the byte after the hole is kept");
            for (int i = 1; i < back.length - 1; i++) {
                if (back[i] != 0) {
                    throw new AssertionError("byte " + (256 * 1024 - 1 + i) + " of the hole reads " + back[i]);
                }
            }
            assertEquals(IMAGE_SIZE, original.length, "the file keeps its size");
        }
        long blocksAfter = allocatedBlocks(file);
        assertTrue(blocksAfter <= blocksBefore - 512 * 1024 / 512,
                "512 KiB deallocated: st_blocks " + blocksBefore + " -> " + blocksAfter);
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void writeZeroesZeroesTheRangeOnly(CacheMode cache) throws IOException {
        Path file = image(cache, IMAGE_SIZE);
        byte[] expected = Files.readAllBytes(file);
        try (RawImage image = RawImage.open(file, false, cache)) {
            image.writeZeroes(4096, 8192, false);
            image.writeZeroes(65536, 1536, true);
            image.flush();
        }
        Arrays.fill(expected, 4096, 4096 + 8192, (byte) 0);
        Arrays.fill(expected, 65536, 65536 + 1536, (byte) 0);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @ParameterizedTest
    @EnumSource(CacheMode.class)
    void reportsTheLogicalBlockSize(CacheMode cache) throws IOException {
        try (RawImage image = RawImage.open(image(cache, IMAGE_SIZE), true, cache)) {
            int size = image.logicalBlockSize();
            assertTrue(size == 512 || (cache == CacheMode.NONE && Integer.bitCount(size) == 1 && size <= 4096),
                    "logical block size " + size);
            assertEquals(cache, image.cacheMode());
        }
    }

    @Test
    void refusesRequestsOutsideTheImageAndWritesWhenReadOnly() throws IOException {
        Path file = image(CacheMode.WRITEBACK, 4096);
        try (RawImage image = RawImage.open(file, true, CacheMode.WRITEBACK)) {
            assertTrue(image.readOnly());
            assertFalse(image.supportsDiscard());
            BlockDeviceException outside = assertThrows(BlockDeviceException.class,
                    () -> image.read(4000, MemorySegment.ofArray(new byte[512])));
            assertEquals(file + ": read of 512 bytes at offset 4000 is outside the image (4096 bytes)",
                    outside.getMessage());
            BlockDeviceException readOnly = assertThrows(BlockDeviceException.class,
                    () -> image.write(0, MemorySegment.ofArray(new byte[512])));
            assertEquals(file + ": write on an image opened read-only", readOnly.getMessage());
            assertThrows(BlockDeviceException.class, () -> image.discard(0, 512));
            assertThrows(BlockDeviceException.class, () -> image.writeZeroes(0, 512, true));
        }
    }

    @Test
    void missingFileIsRefusedWithItsNameAndErrno() throws IOException {
        Path missing = ImageDirectories.buffered("missing").resolve("no-such.img");
        directories.add(missing.getParent());
        BlockDeviceException e = assertThrows(BlockDeviceException.class,
                () -> RawImage.open(missing, false, CacheMode.WRITEBACK));
        assertTrue(e.getMessage().startsWith(missing + ": open(\"" + missing + "\""), e.getMessage());
        assertTrue(e.getMessage().endsWith("failed: ENOENT (No such file or directory)"), e.getMessage());
        assertEquals(2, e.errno());
    }

    @Test
    void directoryIsRefusedReadOnlyAndWritable() throws IOException {
        Path directory = ImageDirectories.buffered("directory");
        directories.add(directory);
        for (boolean readOnly : new boolean[] {true, false}) {
            BlockDeviceException e = assertThrows(BlockDeviceException.class,
                    () -> RawImage.open(directory, readOnly, CacheMode.WRITEBACK));
            assertTrue(e.getMessage().startsWith(directory + ": "), e.getMessage());
            assertTrue(e.getMessage().endsWith("failed: EISDIR (Is a directory)"), e.getMessage());
        }
    }

    /** Root ignores permission bits, so the read-only file is an immutable one (chattr +i), which binds root too. */
    @Test
    void immutableFileIsRefusedForWriting() throws Exception {
        Path file = image(CacheMode.WRITEBACK, 4096);
        run("chattr", "+i", file.toString());
        try {
            BlockDeviceException e = assertThrows(BlockDeviceException.class,
                    () -> RawImage.open(file, false, CacheMode.WRITEBACK));
            assertTrue(e.getMessage().startsWith(file + ": open(\"" + file + "\", 0x80002)"), e.getMessage());
            assertTrue(e.getMessage().endsWith("failed: EPERM (Operation not permitted)")
                    || e.getMessage().endsWith("failed: EACCES (Permission denied)"), e.getMessage());
            try (RawImage image = RawImage.open(file, true, CacheMode.WRITEBACK)) {
                assertEquals(4096, image.size(), "the same file opens read-only");
            }
        } finally {
            run("chattr", "-i", file.toString());
        }
    }

    /** An image of {@code size} bytes whose byte i is {@link #fill}(i), in a directory fit for {@code cache}. */
    private Path image(CacheMode cache, int size) throws IOException {
        Path directory = cache == CacheMode.NONE ? ImageDirectories.directIo("raw-image")
                : ImageDirectories.buffered("raw-image");
        directories.add(directory);
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = fill(i);
        }
        Path file = directory.resolve("disk.img");
        Files.write(file, content);
        return file;
    }

    /** Never zero, so a zeroed byte stands out. */
    private static byte fill(int offset) {
        return (byte) (offset % 251 + 1);
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 17 + seed);
        }
        return bytes;
    }

    private static long allocatedBlocks(Path file) throws Exception {
        return Long.parseLong(run("stat", "-c", "%b", file.toString()).trim());
    }

    private static String run(String... command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs " + command[0] + ", which did not start: " + e.getMessage(), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed: " + output);
        return output;
    }
}
