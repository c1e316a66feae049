package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The Root System Description Pointer, revision 2 (ACPI 6.5, 5.2.5.3): what an OS scans 0xE0000–0xFFFFF for (on
 * 16-byte boundaries) or is handed by the boot protocol. It points to both the RSDT (for ACPI 1.0 OSes) and the
 * XSDT.
 */
public record Rsdp(long rsdtAddress, long xsdtAddress) {
    /** Signature, including its trailing space. */
    public static final String SIGNATURE = "RSD PTR ";
    /** Revision 2: the ACPI 2.0+ structure with the XSDT address and extended checksum. */
    public static final int REVISION = 2;
    /** Size of the revision-2 structure. */
    public static final int SIZE = 36;
    /** How many leading bytes the first checksum covers (the ACPI 1.0 structure). */
    public static final int V1_SIZE = 20;
    /** Offset of the first checksum. */
    public static final int CHECKSUM_OFFSET = 8;
    /** Offset of the extended checksum, over all 36 bytes. */
    public static final int EXTENDED_CHECKSUM_OFFSET = 32;
    /** Where an RSDP may lie: OSes scan on this alignment. */
    public static final int ALIGNMENT = 16;

    public Rsdp {
        if (rsdtAddress < 0 || rsdtAddress > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("RSDT address 0x" + Long.toHexString(rsdtAddress) + " does not fit in 32 bits");
        }
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        out.put(SIGNATURE.getBytes(StandardCharsets.US_ASCII));
        out.put((byte) 0);
        out.put(SdtHeader.ascii(SdtHeader.OEM_ID, 6));
        out.put((byte) REVISION);
        out.putInt((int) rsdtAddress);
        out.putInt(SIZE);
        out.putLong(xsdtAddress);
        byte[] bytes = out.array();
        TableChecksum.fill(bytes, 0, V1_SIZE, CHECKSUM_OFFSET);
        TableChecksum.fill(bytes, 0, SIZE, EXTENDED_CHECKSUM_OFFSET);
        return bytes;
    }

    /** Reads an RSDP, checking its signature, revision, length and both checksums. */
    public static Rsdp parse(byte[] bytes) {
        if (bytes.length < SIZE || !new String(bytes, 0, 8, StandardCharsets.US_ASCII).equals(SIGNATURE)) {
            throw new IllegalArgumentException("not an RSDP: no \"" + SIGNATURE + "\" signature");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes[15] < REVISION || in.getInt(20) != SIZE) {
            throw new IllegalArgumentException("RSDP revision " + bytes[15] + " length " + in.getInt(20)
                    + ": expected revision " + REVISION + ", length " + SIZE);
        }
        if (TableChecksum.sum(bytes, 0, V1_SIZE) != 0 || TableChecksum.sum(bytes, 0, SIZE) != 0) {
            throw new IllegalArgumentException("RSDP checksum is wrong");
        }
        return new Rsdp(Integer.toUnsignedLong(in.getInt(16)), in.getLong(24));
    }
}
