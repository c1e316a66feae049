package dev.jkvm.core.x86.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The Differentiated System Description Table (ACPI 6.5, 5.2.11.1): the header of a DefinitionBlock followed by
 * its AML terms. Revision 2, so AML integers are 64 bits wide.
 */
public record Dsdt(List<Aml> terms) implements AcpiTable {
    public static final String SIGNATURE = "DSDT";
    /** DefinitionBlock ComplianceRevision 2: 64-bit integers. */
    public static final int REVISION = 2;

    public Dsdt {
        terms = List.copyOf(terms);
    }

    @Override
    public String signature() {
        return SIGNATURE;
    }

    /** The AML after the header. */
    public byte[] aml() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        terms.forEach(term -> out.writeBytes(term.encode()));
        return out.toByteArray();
    }

    @Override
    public byte[] toBytes() {
        byte[] aml = aml();
        int length = SdtHeader.SIZE + aml.length;
        ByteBuffer out = SdtHeader.allocate(length);
        SdtHeader.write(out, SIGNATURE, REVISION, length);
        out.put(aml);
        return SdtHeader.seal(out.array());
    }
}
