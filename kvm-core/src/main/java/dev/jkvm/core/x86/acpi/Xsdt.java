package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;
import java.util.List;

/** The Extended System Description Table (ACPI 6.5, 5.2.8): 64-bit addresses of the other tables. */
public record Xsdt(List<Long> entries) implements AcpiTable {
    public static final String SIGNATURE = "XSDT";
    /** Revision of the XSDT in every ACPI version. */
    public static final int REVISION = 1;

    public Xsdt {
        entries = List.copyOf(entries);
    }

    @Override
    public String signature() {
        return SIGNATURE;
    }

    @Override
    public byte[] toBytes() {
        int length = SdtHeader.SIZE + entries.size() * Long.BYTES;
        ByteBuffer out = SdtHeader.allocate(length);
        SdtHeader.write(out, SIGNATURE, REVISION, length);
        entries.forEach(out::putLong);
        return SdtHeader.seal(out.array());
    }
}
