package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;
import java.util.List;

/** The Root System Description Table (ACPI 6.5, 5.2.7): 32-bit addresses of the other tables, for ACPI 1.0 OSes. */
public record Rsdt(List<Long> entries) implements AcpiTable {
    public static final String SIGNATURE = "RSDT";
    /** Revision of the RSDT in every ACPI version. */
    public static final int REVISION = 1;

    public Rsdt {
        entries = List.copyOf(entries);
        for (long entry : entries) {
            if (entry < 0 || entry > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("RSDT entry 0x" + Long.toHexString(entry) + " does not fit in 32 bits");
            }
        }
    }

    @Override
    public String signature() {
        return SIGNATURE;
    }

    @Override
    public byte[] toBytes() {
        int length = SdtHeader.SIZE + entries.size() * Integer.BYTES;
        ByteBuffer out = SdtHeader.allocate(length);
        SdtHeader.write(out, SIGNATURE, REVISION, length);
        entries.forEach(entry -> out.putInt(entry.intValue()));
        return SdtHeader.seal(out.array());
    }
}
