package dev.jkvm.core.x86.mptable;

import dev.jkvm.core.x86.acpi.TableChecksum;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The MP Configuration Table (MultiProcessor Specification 1.4, 4.2): a 44-byte header ("PCMP", base table
 * length, revision, checksum over the base table, OEM and product IDs, entry count, local APIC address) followed
 * by the base entries. There is no OEM table and no extended table.
 */
public record MpConfigTable(String oemId, String productId, long localApicAddress, List<MpEntry> entries) {
    public static final String SIGNATURE = "PCMP";
    /** Size of the header. */
    public static final int HEADER_SIZE = 44;
    /** Specification revision 1.4. */
    public static final int SPEC_REVISION = 4;
    /** Offset of the base table checksum. */
    public static final int CHECKSUM_OFFSET = 7;
    /** Length of the OEM ID string. */
    public static final int OEM_ID_SIZE = 8;
    /** Length of the product ID string. */
    public static final int PRODUCT_ID_SIZE = 12;
    /** Largest base table the 16-bit length field can describe. */
    public static final int MAX_LENGTH = 0xFFFF;

    public MpConfigTable {
        entries = List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).type() < entries.get(i - 1).type()) {
                throw new IllegalArgumentException("MP table entries must be sorted by type; entry " + i
                        + " of type " + entries.get(i).type() + " follows type " + entries.get(i - 1).type());
            }
        }
    }

    public byte[] toBytes() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        entries.forEach(entry -> body.writeBytes(entry.toBytes()));
        int length = HEADER_SIZE + body.size();
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("MP configuration table of " + length + " bytes exceeds " + MAX_LENGTH);
        }
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(SIGNATURE.getBytes(StandardCharsets.US_ASCII));
        out.putShort((short) length);
        out.put((byte) SPEC_REVISION);
        out.put((byte) 0); // checksum, filled below
        out.put(padded(oemId, OEM_ID_SIZE));
        out.put(padded(productId, PRODUCT_ID_SIZE));
        out.putInt(0); // OEM table pointer: none
        out.putShort((short) 0); // OEM table size
        out.putShort((short) entries.size());
        out.putInt((int) localApicAddress);
        out.putShort((short) 0); // extended table length: none
        out.put((byte) 0); // extended table checksum
        out.put((byte) 0); // reserved
        out.put(body.toByteArray());
        byte[] bytes = out.array();
        TableChecksum.fill(bytes, 0, length, CHECKSUM_OFFSET);
        return bytes;
    }

    private static byte[] padded(String text, int size) {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length > size) {
            throw new IllegalArgumentException("'" + text + "' is longer than " + size + " characters");
        }
        byte[] out = (text + " ".repeat(size - ascii.length)).getBytes(StandardCharsets.US_ASCII);
        return out;
    }
}
