package dev.jkvm.core.machine;

import dev.jkvm.devices.block.CacheMode;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A raw disk image attached as a virtio-blk PCI device ({@code -drive file=…,format=raw,if=virtio}).
 *
 * @param id the drive's id (QEMU's {@code id=}, or a generated one), for messages and thread names
 * @param file the image file
 * @param readOnly whether the guest may write (QEMU's {@code readonly=on})
 * @param cache how the image is opened
 * @param serial what VIRTIO_BLK_T_GET_ID returns (at most 20 bytes), or null for none
 */
public record Drive(String id, Path file, boolean readOnly, CacheMode cache, String serial) {
    /** Longest serial virtio-blk can return: VIRTIO_BLK_ID_BYTES. */
    public static final int MAX_SERIAL_BYTES = 20;

    public Drive {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(cache, "cache");
        if (serial != null && serial.getBytes(java.nio.charset.StandardCharsets.US_ASCII).length > MAX_SERIAL_BYTES) {
            throw new IllegalArgumentException("drive " + id + ": serial '" + serial + "' is longer than "
                    + MAX_SERIAL_BYTES + " bytes");
        }
    }
}
