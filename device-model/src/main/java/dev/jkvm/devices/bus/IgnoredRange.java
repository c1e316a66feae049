package dev.jkvm.devices.bus;

/**
 * A range whose writes are accepted and discarded and whose reads return all ones, on purpose: the POST
 * diagnostic port 0x80 that guests write to as an I/O delay is the classic case (QEMU's ioport80 does the same).
 */
public final class IgnoredRange implements BusDevice {
    /** The POST code port, used by Linux and firmware as a short I/O delay. */
    public static final int POST_PORT = 0x80;

    @Override
    public long read(long offset, int size) {
        return size >= 8 ? -1L : (1L << (size * 8)) - 1;
    }

    @Override
    public void write(long offset, int size, long value) {
    }
}
