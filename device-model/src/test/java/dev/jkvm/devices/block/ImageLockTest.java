package dev.jkvm.devices.block;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageLockTest {

    private Path directory;
    private Path file;

    @BeforeEach
    void createImage() throws IOException {
        directory = ImageDirectories.buffered("image-lock");
        file = directory.resolve("disk.img");
        Files.write(file, new byte[65536]);
    }

    @AfterEach
    void deleteImage() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(directory);
    }

    /** Bytes 100+bit per permission held, 200+bit per permission not shared, as QEMU 7.2 holds them. */
    @Test
    void takesTheBytesQemuTakes() {
        try (RawImage writer = RawImage.open(file, false, CacheMode.WRITEBACK)) {
            assertEquals(List.of(100, 101, 201), lockedBytes(writer));
        }
        try (RawImage reader = RawImage.open(file, true, CacheMode.WRITEBACK)) {
            assertEquals(List.of(100, 201), lockedBytes(reader));
        }
    }

    @Test
    void secondWriterIsRefusedWithQemusMessage() {
        try (RawImage first = RawImage.open(file, false, CacheMode.WRITEBACK)) {
            BlockDeviceException e = assertThrows(BlockDeviceException.class,
                    () -> RawImage.open(file, false, CacheMode.WRITEBACK));
            assertEquals(file + ": Failed to get \"write\" lock: Is another process using the image [" + file + "]?",
                    e.getMessage());
        }
        // The refused open left nothing behind, and the first one's close released its bytes.
        try (RawImage again = RawImage.open(file, false, CacheMode.WRITEBACK)) {
            assertEquals(65536, again.size());
        }
    }

    @Test
    void readersShare() {
        try (RawImage first = RawImage.open(file, true, CacheMode.WRITEBACK);
                RawImage second = RawImage.open(file, true, CacheMode.WRITEBACK)) {
            assertEquals(first.size(), second.size());
        }
    }

    @Test
    void readerAndWriterExcludeEachOther() {
        try (RawImage writer = RawImage.open(file, false, CacheMode.WRITEBACK)) {
            BlockDeviceException e = assertThrows(BlockDeviceException.class,
                    () -> RawImage.open(file, true, CacheMode.WRITEBACK));
            assertEquals(file + ": Failed to get shared \"write\" lock: Is another process using the image [" + file
                    + "]?", e.getMessage());
        }
        try (RawImage reader = RawImage.open(file, true, CacheMode.WRITEBACK)) {
            BlockDeviceException e = assertThrows(BlockDeviceException.class,
                    () -> RawImage.open(file, false, CacheMode.WRITEBACK));
            assertEquals(file + ": Failed to get \"write\" lock: Is another process using the image [" + file + "]?",
                    e.getMessage());
        }
    }

    private static List<Integer> lockedBytes(RawImage image) {
        assertEquals(ProcLocks.lockedBytes(image.file()), image.lockedBytes(), "/proc/locks vs lockedBytes()");
        return image.lockedBytes();
    }
}
