package dev.jkvm.core.x86.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The Multiple APIC Description Table (ACPI 6.5, 5.2.12), signature "APIC": the local APIC address, whether
 * there are 8259 PICs too, and the interrupt controller structures.
 */
public record Madt(long localApicAddress, int flags, List<MadtEntry> entries) implements AcpiTable {
    public static final String SIGNATURE = "APIC";
    /** Revision 5, ACPI 6.4's: the one where Local APIC Flags bit 1 (Online Capable) is defined. */
    public static final int REVISION = 5;
    /** Flags bit 0, PCAT_COMPAT: the system also has dual 8259 PICs, which the OS must mask. */
    public static final int PCAT_COMPAT = 1;
    /** Offset of the first interrupt controller structure. */
    public static final int ENTRIES_OFFSET = SdtHeader.SIZE + 8;

    public Madt {
        entries = List.copyOf(entries);
    }

    @Override
    public String signature() {
        return SIGNATURE;
    }

    @Override
    public byte[] toBytes() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        entries.forEach(entry -> body.writeBytes(entry.toBytes()));
        int length = ENTRIES_OFFSET + body.size();
        ByteBuffer out = SdtHeader.allocate(length);
        SdtHeader.write(out, SIGNATURE, REVISION, length);
        out.putInt((int) localApicAddress);
        out.putInt(flags);
        out.put(body.toByteArray());
        return SdtHeader.seal(out.array());
    }

    /** Reads a MADT, checking its signature, length against the bytes given, checksum and structure lengths. */
    public static Madt parse(byte[] table) {
        SdtHeader header = SdtHeader.parse(table);
        if (!header.signature().equals(SIGNATURE)) {
            throw new IllegalArgumentException("not a MADT: signature " + header.signature());
        }
        if (header.length() != table.length || table.length < ENTRIES_OFFSET) {
            throw new IllegalArgumentException("MADT length field " + header.length() + " for " + table.length + " bytes");
        }
        if (TableChecksum.sum(table, 0, table.length) != 0) {
            throw new IllegalArgumentException("MADT checksum is wrong");
        }
        ByteBuffer in = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        List<MadtEntry> entries = new ArrayList<>();
        int at = ENTRIES_OFFSET;
        while (at < table.length) {
            int length = at + 1 < table.length ? Byte.toUnsignedInt(table[at + 1]) : 0;
            if (length < 2 || at + length > table.length) {
                throw new IllegalArgumentException("MADT structure at offset " + at + " has bad length " + length);
            }
            byte[] structure = new byte[length];
            System.arraycopy(table, at, structure, 0, length);
            entries.add(MadtEntry.parse(structure));
            at += length;
        }
        return new Madt(Integer.toUnsignedLong(in.getInt(SdtHeader.SIZE)), in.getInt(SdtHeader.SIZE + 4), entries);
    }
}
