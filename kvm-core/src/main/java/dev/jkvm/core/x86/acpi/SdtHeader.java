package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 36-byte header every ACPI system description table starts with (ACPI 6.5, 5.2.6): signature, length of the
 * whole table, revision, checksum over the whole table, and who made it.
 */
public record SdtHeader(String signature, long length, int revision, int checksum, String oemId, String oemTableId,
                        long oemRevision, String creatorId, long creatorRevision) {
    /** Size of the header. */
    public static final int SIZE = 36;
    /** Offset of Length. */
    public static final int LENGTH_OFFSET = 4;
    /** Offset of Checksum. */
    public static final int CHECKSUM_OFFSET = 9;
    /** The OEM ID jkvm puts in every table and the RSDP. */
    public static final String OEM_ID = "JKVM  ";
    /** The prefix of jkvm's OEM table IDs; the table's signature follows it. */
    public static final String OEM_TABLE_ID_PREFIX = "JKVM";
    /** OEM revision of jkvm's tables. */
    public static final long OEM_REVISION = 1;
    /** Creator ID: the tool that built the table. */
    public static final String CREATOR_ID = "JKVM";
    /** Creator revision. */
    public static final long CREATOR_REVISION = 1;

    /** Writes jkvm's header for a table of {@code length} bytes; the checksum is left 0 for {@link #seal}. */
    static void write(ByteBuffer out, String signature, int revision, int length) {
        out.put(ascii(signature, 4));
        out.putInt(length);
        out.put((byte) revision);
        out.put((byte) 0);
        out.put(ascii(OEM_ID, 6));
        out.put(ascii(OEM_TABLE_ID_PREFIX + signature, 8));
        out.putInt((int) OEM_REVISION);
        out.put(ascii(CREATOR_ID, 4));
        out.putInt((int) CREATOR_REVISION);
    }

    /** Sets the checksum of a finished table so that all its bytes add up to zero. */
    static byte[] seal(byte[] table) {
        TableChecksum.fill(table, 0, table.length, CHECKSUM_OFFSET);
        return table;
    }

    /** A little-endian buffer for a table of {@code length} bytes. */
    static ByteBuffer allocate(int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads the header at the start of {@code table}. */
    public static SdtHeader parse(byte[] table) {
        if (table.length < SIZE) {
            throw new IllegalArgumentException("ACPI table of " + table.length + " bytes is shorter than its header");
        }
        ByteBuffer in = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        return new SdtHeader(text(table, 0, 4), Integer.toUnsignedLong(in.getInt(LENGTH_OFFSET)),
                Byte.toUnsignedInt(table[8]), Byte.toUnsignedInt(table[CHECKSUM_OFFSET]), text(table, 10, 6),
                text(table, 16, 8), Integer.toUnsignedLong(in.getInt(24)), text(table, 28, 4),
                Integer.toUnsignedLong(in.getInt(32)));
    }

    /** {@code text} as exactly {@code size} ASCII bytes, space-padded; longer text is refused. */
    static byte[] ascii(String text, int size) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > size) {
            throw new IllegalArgumentException("'" + text + "' does not fit in " + size + " bytes");
        }
        byte[] out = new byte[size];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        for (int i = bytes.length; i < size; i++) {
            out[i] = ' ';
        }
        return out;
    }

    private static String text(byte[] table, int offset, int size) {
        return new String(table, offset, size, StandardCharsets.US_ASCII);
    }
}
