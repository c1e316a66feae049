package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The resource data descriptors jkvm's _CRS objects use: small items (ACPI 6.5, 6.4.2) for ISA devices, and the
 * Word and DWord Address Space Descriptors (6.4.3.5.2, 6.4.3.5.3) for the PCI host bridge's windows.
 */
public sealed interface ResourceDescriptor {
    /** End Tag: small item 0xF, length 1. */
    int END_TAG = 0x79;
    /** The End Tag's checksum byte: 0 means the template is not checksummed. */
    int END_TAG_NO_CHECKSUM = 0;

    /** Large item length fields count the bytes after the 3-byte tag and length. */
    int LARGE_ITEM_HEADER_SIZE = 3;
    /** Large item 0x08, Word Address Space Descriptor. */
    int WORD_ADDRESS_TAG = 0x88;
    /** Bytes after a Word Address Space Descriptor's tag and length: three flag bytes and five words. */
    int WORD_ADDRESS_LENGTH = 3 + 5 * Short.BYTES;

    /** Address space descriptor resource type: memory. */
    int RESOURCE_TYPE_MEMORY = 0;
    /** Address space descriptor resource type: I/O. */
    int RESOURCE_TYPE_IO = 1;
    /** Address space descriptor resource type: bus numbers. */
    int RESOURCE_TYPE_BUS = 2;
    /**
     * General flags of a bridge's window as ASL's (ResourceProducer, MinFixed, MaxFixed, PosDecode) say it: bit 3
     * _MAF and bit 2 _MIF set, bit 1 _DEC clear (positive decode), bit 0 clear (producer).
     */
    int PRODUCER_FIXED_WINDOW = 0b1100;
    /** I/O type-specific flags: _RNG = 3, EntireRange (ISA and non-ISA ports). */
    int IO_ENTIRE_RANGE = 0b11;
    /** Memory type-specific flag bit 0, _RW: read-write. */
    int MEMORY_READ_WRITE = 1;
    /** Memory type-specific flags bits 2:1, _MEM = 1: cacheable. */
    int MEMORY_CACHEABLE = 1 << 1;

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

    /**
     * WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, minimum, maximum, 0, length): the bus
     * numbers a host bridge decodes.
     */
    record WordBusNumber(int minimum, int maximum) implements ResourceDescriptor {
        public WordBusNumber {
            checkWordRange(minimum, maximum);
        }

        @Override
        public byte[] encode() {
            return wordAddress(RESOURCE_TYPE_BUS, 0, minimum, maximum);
        }
    }

    /**
     * WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, minimum, maximum, 0, length): a port
     * window a host bridge forwards to its bus.
     */
    record WordIo(int minimum, int maximum) implements ResourceDescriptor {
        public WordIo {
            checkWordRange(minimum, maximum);
        }

        @Override
        public byte[] encode() {
            return wordAddress(RESOURCE_TYPE_IO, IO_ENTIRE_RANGE, minimum, maximum);
        }
    }

    /**
     * DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable or NonCacheable, ReadWrite, 0,
     * minimum, maximum, 0, length): a memory window a host bridge forwards to its bus.
     */
    record DWordMemory(long minimum, long maximum, boolean cacheable) implements ResourceDescriptor {
        /** Large item 0x07, DWord Address Space Descriptor. */
        public static final int TAG = 0x87;
        /** Bytes after the tag and length: three flag bytes and five dwords. */
        public static final int LENGTH = 3 + 5 * Integer.BYTES;

        public DWordMemory {
            if (minimum < 0 || maximum > 0xFFFF_FFFFL || minimum > maximum) {
                throw new IllegalArgumentException(String.format("DWordMemory 0x%x-0x%x is not a 32-bit range",
                        minimum, maximum));
            }
        }

        @Override
        public byte[] encode() {
            int typeFlags = MEMORY_READ_WRITE | (cacheable ? MEMORY_CACHEABLE : 0);
            return ByteBuffer.allocate(LARGE_ITEM_HEADER_SIZE + LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                    .put((byte) TAG).putShort((short) LENGTH)
                    .put((byte) RESOURCE_TYPE_MEMORY).put((byte) PRODUCER_FIXED_WINDOW).put((byte) typeFlags)
                    .putInt(0) // granularity
                    .putInt((int) minimum).putInt((int) maximum)
                    .putInt(0) // translation offset
                    .putInt((int) (maximum - minimum + 1))
                    .array();
        }
    }

    private static void checkWordRange(int minimum, int maximum) {
        if (minimum < 0 || maximum > 0xFFFF || minimum > maximum) {
            throw new IllegalArgumentException(String.format("Word address range 0x%x-0x%x is not a 16-bit range",
                    minimum, maximum));
        }
    }

    private static byte[] wordAddress(int resourceType, int typeFlags, int minimum, int maximum) {
        return ByteBuffer.allocate(LARGE_ITEM_HEADER_SIZE + WORD_ADDRESS_LENGTH).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) WORD_ADDRESS_TAG).putShort((short) WORD_ADDRESS_LENGTH)
                .put((byte) resourceType).put((byte) PRODUCER_FIXED_WINDOW).put((byte) typeFlags)
                .putShort((short) 0) // granularity
                .putShort((short) minimum).putShort((short) maximum)
                .putShort((short) 0) // translation offset
                .putShort((short) (maximum - minimum + 1))
                .array();
    }
}
