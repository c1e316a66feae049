package dev.jkvm.core.x86.acpi;

import java.util.List;

/** The small resource data descriptors (ACPI 6.5, 6.4.2) jkvm's _CRS objects use. */
public sealed interface ResourceDescriptor {
    /** End Tag: small item 0xF, length 1. */
    int END_TAG = 0x79;
    /** The End Tag's checksum byte: 0 means the template is not checksummed. */
    int END_TAG_NO_CHECKSUM = 0;

    /** The descriptor's bytes, tag byte first. */
    byte[] encode();

    /** IO(Decode16, minimum, maximum, alignment, length): an I/O port range with full 16-bit decode. */
    record IoPort(int minimum, int maximum, int alignment, int length) implements ResourceDescriptor {
        /** Small item 0x08 (I/O Port), 7 bytes long. */
        public static final int TAG = 0x47;
        /** Information bit 0: the device decodes all 16 address bits. */
        public static final int DECODE16 = 1;

        /** A device at a fixed port range. */
        public static IoPort fixed(int base, int length) {
            return new IoPort(base, base, 1, length);
        }

        @Override
        public byte[] encode() {
            return new byte[] {TAG, DECODE16, (byte) minimum, (byte) (minimum >> 8), (byte) maximum,
                    (byte) (maximum >> 8), (byte) alignment, (byte) length};
        }
    }

    /** IRQNoFlags() {irqs}: ISA IRQs, edge-triggered, active high, not shared. */
    record Irq(List<Integer> irqs) implements ResourceDescriptor {
        /** Small item 0x04 (IRQ), 2 bytes long: the mask without the optional flags byte. */
        public static final int TAG = 0x22;
        /** ISA IRQs the 16-bit mask can name. */
        public static final int ISA_IRQS = 16;

        public Irq {
            irqs = List.copyOf(irqs);
            for (int irq : irqs) {
                if (irq < 0 || irq >= ISA_IRQS) {
                    throw new IllegalArgumentException("IRQ descriptor: IRQ " + irq + " is not an ISA IRQ 0..15");
                }
            }
        }

        @Override
        public byte[] encode() {
            int mask = 0;
            for (int irq : irqs) {
                mask |= 1 << irq;
            }
            return new byte[] {TAG, (byte) mask, (byte) (mask >> 8)};
        }
    }
}
