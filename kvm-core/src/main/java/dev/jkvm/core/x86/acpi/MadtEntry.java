package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One Interrupt Controller Structure of the MADT (ACPI 6.5, 5.2.12): type byte, length byte, then its fields. The
 * kinds a PC with local APICs and one I/O APIC needs, plus {@link Other} for kinds jkvm reads but does not write.
 */
public sealed interface MadtEntry {
    /** Type of a Processor Local APIC structure. */
    int TYPE_LOCAL_APIC = 0;
    /** Type of an I/O APIC structure. */
    int TYPE_IO_APIC = 1;
    /** Type of an Interrupt Source Override structure. */
    int TYPE_INTERRUPT_SOURCE_OVERRIDE = 2;
    /** Type of a Local APIC NMI structure. */
    int TYPE_LOCAL_APIC_NMI = 4;
    /** Type of a Processor Local x2APIC structure. */
    int TYPE_LOCAL_X2APIC = 9;
    /** Type of a Local x2APIC NMI structure. */
    int TYPE_LOCAL_X2APIC_NMI = 0xA;

    /** Local APIC Flags bit 0: the processor is usable. */
    int ENABLED = 1;
    /** Processor UID in a Local APIC NMI structure meaning every processor. */
    int ALL_PROCESSORS = 0xFF;
    /** Processor UID in a Local x2APIC NMI structure meaning every processor. */
    long ALL_X2APIC_PROCESSORS = 0xFFFF_FFFFL;
    /** Largest APIC ID a Processor Local APIC structure can carry (0xFF is the broadcast ID). */
    int MAX_XAPIC_ID = 0xFE;

    /** MPS INTI flags, polarity bits 1:0: conforms to the bus (ISA: active high). */
    int POLARITY_CONFORMS = 0;
    /** MPS INTI flags, polarity: active high. */
    int ACTIVE_HIGH = 1;
    /** MPS INTI flags, polarity: active low. */
    int ACTIVE_LOW = 3;
    /** MPS INTI flags, trigger mode bits 3:2: conforms to the bus (ISA: edge). */
    int TRIGGER_CONFORMS = 0;
    /** MPS INTI flags, trigger mode: edge. */
    int EDGE = 1 << 2;
    /** MPS INTI flags, trigger mode: level. */
    int LEVEL = 3 << 2;

    /** The structure's type byte. */
    int type();

    /** The whole structure, type and length bytes included. */
    byte[] toBytes();

    /** A processor with an 8-bit APIC ID, named by its ACPI Processor UID. */
    record LocalApic(int processorUid, int apicId, boolean enabled) implements MadtEntry {
        /** Size of the structure. */
        public static final int SIZE = 8;

        public LocalApic {
            if (processorUid < 0 || processorUid > 0xFE || apicId < 0 || apicId > MAX_XAPIC_ID) {
                throw new IllegalArgumentException("Local APIC structure: UID " + processorUid + " and APIC ID "
                        + apicId + " must both be 0..254");
            }
        }

        @Override
        public int type() {
            return TYPE_LOCAL_APIC;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_LOCAL_APIC, SIZE).put((byte) processorUid).put((byte) apicId).putInt(enabled ? ENABLED : 0)
                    .array();
        }
    }

    /** An I/O APIC: its ID, MMIO address and the first GSI its pins deliver. */
    record IoApic(int ioApicId, long address, long gsiBase) implements MadtEntry {
        /** Size of the structure. */
        public static final int SIZE = 12;

        @Override
        public int type() {
            return TYPE_IO_APIC;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_IO_APIC, SIZE).put((byte) ioApicId).put((byte) 0).putInt((int) address)
                    .putInt((int) gsiBase).array();
        }
    }

    /** An ISA interrupt that does not arrive on the identity-mapped GSI, or not with ISA polarity and trigger. */
    record InterruptSourceOverride(int bus, int source, long gsi, int flags) implements MadtEntry {
        /** Size of the structure. */
        public static final int SIZE = 10;
        /** Bus 0: ISA, the only bus overrides apply to. */
        public static final int BUS_ISA = 0;

        @Override
        public int type() {
            return TYPE_INTERRUPT_SOURCE_OVERRIDE;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_INTERRUPT_SOURCE_OVERRIDE, SIZE).put((byte) bus).put((byte) source).putInt((int) gsi)
                    .putShort((short) flags).array();
        }
    }

    /** Which local APIC LINT input of which processors (0xFF: all) is wired to NMI. */
    record LocalApicNmi(int processorUid, int flags, int lint) implements MadtEntry {
        /** Size of the structure. */
        public static final int SIZE = 6;

        @Override
        public int type() {
            return TYPE_LOCAL_APIC_NMI;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_LOCAL_APIC_NMI, SIZE).put((byte) processorUid).putShort((short) flags).put((byte) lint)
                    .array();
        }
    }

    /** A processor whose APIC ID or UID does not fit a {@link LocalApic} structure. */
    record LocalX2Apic(long x2apicId, boolean enabled, long processorUid) implements MadtEntry {
        /** Size of the structure. */
        public static final int SIZE = 16;

        @Override
        public int type() {
            return TYPE_LOCAL_X2APIC;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_LOCAL_X2APIC, SIZE).putShort((short) 0).putInt((int) x2apicId).putInt(enabled ? ENABLED : 0)
                    .putInt((int) processorUid).array();
        }
    }

    /** The NMI wiring of processors described by {@link LocalX2Apic} structures. */
    record LocalX2ApicNmi(int flags, long processorUid, int lint) implements MadtEntry {
        /** Size of the structure. */
        public static final int SIZE = 12;

        @Override
        public int type() {
            return TYPE_LOCAL_X2APIC_NMI;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_LOCAL_X2APIC_NMI, SIZE).putShort((short) flags).putInt((int) processorUid)
                    .put((byte) lint).put(new byte[3]).array();
        }
    }

    /** A structure of a kind jkvm does not model, kept as its bytes. */
    record Other(int type, byte[] bytes) implements MadtEntry {
        @Override
        public byte[] toBytes() {
            return bytes.clone();
        }
    }

    private static ByteBuffer start(int type, int size) {
        return SdtHeader.allocate(size).put((byte) type).put((byte) size);
    }

    /** Decodes the structure at the start of {@code bytes} (whose length is the structure's). */
    static MadtEntry parse(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int type = Byte.toUnsignedInt(in.get(0));
        in.position(2);
        return switch (type) {
            case TYPE_LOCAL_APIC -> new LocalApic(u8(in), u8(in), (in.getInt() & ENABLED) != 0);
            case TYPE_IO_APIC -> {
                int id = u8(in);
                in.get();
                yield new IoApic(id, u32(in), u32(in));
            }
            case TYPE_INTERRUPT_SOURCE_OVERRIDE -> new InterruptSourceOverride(u8(in), u8(in), u32(in),
                    Short.toUnsignedInt(in.getShort()));
            case TYPE_LOCAL_APIC_NMI -> new LocalApicNmi(u8(in), Short.toUnsignedInt(in.getShort()), u8(in));
            case TYPE_LOCAL_X2APIC -> {
                in.getShort();
                yield new LocalX2Apic(u32(in), (in.getInt() & ENABLED) != 0, u32(in));
            }
            case TYPE_LOCAL_X2APIC_NMI -> new LocalX2ApicNmi(Short.toUnsignedInt(in.getShort()), u32(in), u8(in));
            default -> new Other(type, bytes.clone());
        };
    }

    private static int u8(ByteBuffer in) {
        return Byte.toUnsignedInt(in.get());
    }

    private static long u32(ByteBuffer in) {
        return Integer.toUnsignedLong(in.getInt());
    }
}
