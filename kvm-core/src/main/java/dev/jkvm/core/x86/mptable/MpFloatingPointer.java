package dev.jkvm.core.x86.mptable;

import dev.jkvm.core.x86.acpi.TableChecksum;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The MP Floating Pointer Structure (Intel MultiProcessor Specification 1.4, 4.1): 16 bytes on a 16-byte boundary
 * in one of the areas an OS scans (the first KiB of the EBDA, the last KiB of base memory, or 0xF0000–0xFFFFF),
 * pointing at the MP configuration table. Feature byte 1 is 0 (a configuration table is present) and the IMCR
 * bit is clear: the system starts in virtual wire mode.
 */
public record MpFloatingPointer(long configTableAddress) {
    public static final String SIGNATURE = "_MP_";
    /** Size of the structure, which its Length field counts in 16-byte paragraphs. */
    public static final int SIZE = 16;
    /** Specification revision 1.4. */
    public static final int SPEC_REVISION = 4;
    /** Offset of the checksum byte. */
    public static final int CHECKSUM_OFFSET = 10;
    /** Where the structure may lie: OSes scan on this alignment. */
    public static final int ALIGNMENT = 16;

    public MpFloatingPointer {
        if (configTableAddress < 0 || configTableAddress > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("MP configuration table address 0x"
                    + Long.toHexString(configTableAddress) + " does not fit in 32 bits");
        }
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        out.put(SIGNATURE.getBytes(StandardCharsets.US_ASCII));
        out.putInt((int) configTableAddress);
        out.put((byte) (SIZE / ALIGNMENT));
        out.put((byte) SPEC_REVISION);
        out.put((byte) 0); // checksum, filled below
        out.put((byte) 0); // feature byte 1: the configuration table is present, no default configuration
        out.put((byte) 0); // feature byte 2: IMCRP clear, virtual wire mode
        byte[] bytes = out.array();
        TableChecksum.fill(bytes, 0, SIZE, CHECKSUM_OFFSET);
        return bytes;
    }
}
