package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;

/**
 * The ACPI Generic Address Structure (ACPI 6.5, 5.2.3.2), 12 bytes: where a register is (address space and
 * address) and how wide it is.
 */
public record GenericAddress(int addressSpaceId, int registerBitWidth, int registerBitOffset, int accessSize,
                             long address) {
    /** Size of the structure. */
    public static final int SIZE = 12;
    /** Address Space ID of system I/O (ports). */
    public static final int SYSTEM_IO = 1;
    /** Access Size: byte access. */
    public static final int ACCESS_BYTE = 1;
    /** Access Size: word access. */
    public static final int ACCESS_WORD = 2;
    /** Access Size: dword access. */
    public static final int ACCESS_DWORD = 3;

    /** The structure for "no register": all zeros. */
    public static final GenericAddress NONE = new GenericAddress(0, 0, 0, 0, 0);

    /** A register of {@code bytes} bytes at I/O port {@code port}, accessed {@code accessSize}-wise. */
    public static GenericAddress systemIo(int port, int bytes, int accessSize) {
        return new GenericAddress(SYSTEM_IO, bytes * Byte.SIZE, 0, accessSize, port);
    }

    void writeTo(ByteBuffer out) {
        out.put((byte) addressSpaceId);
        out.put((byte) registerBitWidth);
        out.put((byte) registerBitOffset);
        out.put((byte) accessSize);
        out.putLong(address);
    }
}
