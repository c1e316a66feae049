package dev.jkvm.devices.debugexit;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.platform.PlatformControl;

import java.util.Objects;

/**
 * QEMU's isa-debug-exit: a port that ends the VM when the guest writes to it, so test guests can report a result
 * as the VMM's exit status. QEMU's device exits with {@code (value << 1) | 1}, where value is the whole access
 * (1, 2 or 4 bytes, zero-extended) at any offset in its range; the shift keeps a guest from faking QEMU's own
 * clean exit status 0. jkvm passes the same number to {@link PlatformControl#shutdown}; as with QEMU's
 * {@code exit()}, the process status the host sees is its low 8 bits.
 */
public final class DebugExit implements BusDevice {
    /** The I/O port jkvm places the device at (QEMU's default is 0x501; test kernels conventionally use 0xF4). */
    public static final int DEFAULT_BASE = 0xF4;
    /** Length of the port range, so a dword write at the base lands in it whole. */
    public static final int DEFAULT_SIZE = 4;

    /** What reads return: QEMU's debug_exit_read answers 0 (checked against QEMU 7.2), not the open bus's all ones. */
    private static final long READ_VALUE = 0;
    /** Widest access QEMU accepts for the device (its valid.max_access_size). */
    private static final int MAX_ACCESS_SIZE = 4;

    private final PlatformControl platform;

    public DebugExit(PlatformControl platform) {
        this.platform = Objects.requireNonNull(platform, "platform");
    }

    /** The exit status QEMU derives from a written value: {@code (value << 1) | 1}, truncated to an int as C does. */
    public static int exitStatus(long value) {
        return (int) ((value << 1) | 1);
    }

    @Override
    public long read(long offset, int size) {
        checkAccess("read", offset, size);
        return READ_VALUE;
    }

    @Override
    public void write(long offset, int size, long value) {
        checkAccess("write", offset, size);
        long accessMask = (1L << (Byte.SIZE * size)) - 1;
        platform.shutdown(exitStatus(value & accessMask));
    }

    private static void checkAccess(String access, long offset, int size) {
        if (offset < 0 || (size != 1 && size != 2 && size != MAX_ACCESS_SIZE)) {
            throw new IllegalArgumentException("isa-debug-exit %s of %d bytes at offset 0x%x: accesses are 1, 2 or 4 bytes wide"
                    .formatted(access, size, offset));
        }
    }
}
