package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The Firmware ACPI Control Structure (ACPI 6.5, 5.2.10): the Global Lock and the waking vector. It has no
 * checksum and must be 64-byte aligned. jkvm has no firmware to resume, so the waking vectors stay 0.
 */
public record Facs(long hardwareSignature) implements AcpiTable {
    public static final String SIGNATURE = "FACS";
    /** Size of the structure. */
    public static final int SIZE = 64;
    /** Required alignment of its address. */
    public static final int ALIGNMENT = 64;
    /** Version of the structure in ACPI 6.x. */
    public static final int VERSION = 2;

    @Override
    public String signature() {
        return SIGNATURE;
    }

    @Override
    public byte[] toBytes() {
        ByteBuffer out = SdtHeader.allocate(SIZE);
        out.put(SIGNATURE.getBytes(StandardCharsets.US_ASCII));
        out.putInt(SIZE);
        out.putInt((int) hardwareSignature);
        out.putInt(0); // Firmware Waking Vector
        out.putInt(0); // Global Lock
        out.putInt(0); // Flags: no S4BIOS, no 64-bit wake
        out.putLong(0); // X Firmware Waking Vector
        out.put((byte) VERSION);
        return out.array();
    }
}
