package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The PCI Express memory-mapped configuration space table, signature "MCFG" (PCI Firmware Specification 3.0,
 * 4.1.2): after the header and 8 reserved bytes, one 16-byte allocation structure per ECAM window.
 */
public record Mcfg(List<Allocation> allocations) implements AcpiTable {
    public static final String SIGNATURE = "MCFG";
    /** Revision of the MCFG in the PCI Firmware Specification 3.0. */
    public static final int REVISION = 1;
    /** Bytes between the header and the first allocation structure, reserved. */
    public static final int RESERVED_SIZE = 8;
    /** Offset of the first allocation structure. */
    public static final int ALLOCATIONS_OFFSET = SdtHeader.SIZE + RESERVED_SIZE;

    /**
     * One ECAM window: configuration space of buses {@code startBus}..{@code endBus} of PCI segment group
     * {@code segment}, the window starting at {@code baseAddress} (which is where bus 0 would be, 1 MiB per bus).
     */
    public record Allocation(long baseAddress, int segment, int startBus, int endBus) {
        /** Size of an allocation structure. */
        public static final int SIZE = 16;
        /** Highest bus number. */
        public static final int MAX_BUS = 0xFF;

        public Allocation {
            if (startBus < 0 || endBus > MAX_BUS || startBus > endBus) {
                throw new IllegalArgumentException("MCFG bus range " + startBus + ".." + endBus + " is not within 0.."
                        + MAX_BUS);
            }
        }
    }

    public Mcfg {
        allocations = List.copyOf(allocations);
    }

    @Override
    public String signature() {
        return SIGNATURE;
    }

    @Override
    public byte[] toBytes() {
        int length = ALLOCATIONS_OFFSET + allocations.size() * Allocation.SIZE;
        ByteBuffer out = SdtHeader.allocate(length);
        SdtHeader.write(out, SIGNATURE, REVISION, length);
        out.putLong(0); // reserved
        for (Allocation allocation : allocations) {
            out.putLong(allocation.baseAddress());
            out.putShort((short) allocation.segment());
            out.put((byte) allocation.startBus());
            out.put((byte) allocation.endBus());
            out.putInt(0); // reserved
        }
        return SdtHeader.seal(out.array());
    }
}
