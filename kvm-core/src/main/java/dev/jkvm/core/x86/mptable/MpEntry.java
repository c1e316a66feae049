package dev.jkvm.core.x86.mptable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One base entry of the MP configuration table (MultiProcessor Specification 1.4, 4.3). The specification wants
 * them sorted by type: processors, buses, I/O APICs, I/O interrupt assignments, local interrupt assignments.
 */
public sealed interface MpEntry {
    /** Entry type of a processor. */
    int TYPE_PROCESSOR = 0;
    /** Entry type of a bus. */
    int TYPE_BUS = 1;
    /** Entry type of an I/O APIC. */
    int TYPE_IO_APIC = 2;
    /** Entry type of an I/O interrupt assignment. */
    int TYPE_IO_INTERRUPT = 3;
    /** Entry type of a local interrupt assignment. */
    int TYPE_LOCAL_INTERRUPT = 4;

    /** Interrupt type INT: a vectored interrupt, vector from the APIC redirection entry. */
    int INT = 0;
    /** Interrupt type NMI. */
    int NMI = 1;
    /** Interrupt type SMI. */
    int SMI = 2;
    /** Interrupt type ExtINT: the vector comes from an 8259. */
    int EXTINT = 3;

    /** Interrupt flag PO bits 1:0: polarity conforms to the bus (ISA: active high). */
    int PO_CONFORMS = 0;
    /** PO: active high. */
    int PO_ACTIVE_HIGH = 1;
    /** PO: active low. */
    int PO_ACTIVE_LOW = 3;
    /** Interrupt flag EL bits 3:2: trigger mode conforms to the bus (ISA: edge). */
    int EL_CONFORMS = 0;
    /** EL: edge-triggered. */
    int EL_EDGE = 1 << 2;
    /** EL: level-triggered. */
    int EL_LEVEL = 3 << 2;

    /** Destination APIC ID meaning every local APIC. */
    int ALL_LOCAL_APICS = 0xFF;
    /** Largest APIC ID an entry can carry (0xFF means all). */
    int MAX_APIC_ID = 0xFE;

    /** The entry's type byte. */
    int type();

    /** The entry's bytes. */
    byte[] toBytes();

    /** A processor: its local APIC ID and version, whether it is usable and whether it is the boot processor. */
    record Processor(int apicId, int apicVersion, boolean enabled, boolean bootProcessor, int signature,
                     int featureFlags) implements MpEntry {
        /** Size of a processor entry. */
        public static final int SIZE = 20;
        /** CPU flags bit 0, EN: the processor is usable. */
        public static final int EN = 1;
        /** CPU flags bit 1, BP: the boot processor. */
        public static final int BP = 1 << 1;

        public Processor {
            checkApicId(apicId);
        }

        @Override
        public int type() {
            return TYPE_PROCESSOR;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_PROCESSOR, SIZE).put((byte) apicId).put((byte) apicVersion)
                    .put((byte) ((enabled ? EN : 0) | (bootProcessor ? BP : 0))).putInt(signature).putInt(featureFlags)
                    .array();
        }
    }

    /** A bus, named by a six-character type string such as "ISA   ". */
    record Bus(int busId, String busType) implements MpEntry {
        /** Size of a bus entry. */
        public static final int SIZE = 8;
        /** Length of the bus type string. */
        public static final int TYPE_STRING_SIZE = 6;
        /** The ISA bus type string. */
        public static final String ISA = "ISA";
        /** The PCI bus type string. */
        public static final String PCI = "PCI";

        @Override
        public int type() {
            return TYPE_BUS;
        }

        @Override
        public byte[] toBytes() {
            byte[] name = (busType + " ".repeat(TYPE_STRING_SIZE)).substring(0, TYPE_STRING_SIZE)
                    .getBytes(StandardCharsets.US_ASCII);
            return start(TYPE_BUS, SIZE).put((byte) busId).put(name).array();
        }
    }

    /** An I/O APIC: ID, version, usable, address. */
    record IoApic(int apicId, int apicVersion, boolean enabled, long address) implements MpEntry {
        /** Size of an I/O APIC entry. */
        public static final int SIZE = 8;
        /** I/O APIC flags bit 0, EN: usable. */
        public static final int EN = 1;

        public IoApic {
            checkApicId(apicId);
        }

        @Override
        public int type() {
            return TYPE_IO_APIC;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_IO_APIC, SIZE).put((byte) apicId).put((byte) apicVersion).put((byte) (enabled ? EN : 0))
                    .putInt((int) address).array();
        }
    }

    /** Which I/O APIC pin a bus IRQ drives. */
    record IoInterrupt(int interruptType, int flags, int sourceBusId, int sourceBusIrq, int destinationIoApicId,
                       int destinationPin) implements MpEntry {
        /** Size of an I/O interrupt assignment entry. */
        public static final int SIZE = 8;

        @Override
        public int type() {
            return TYPE_IO_INTERRUPT;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_IO_INTERRUPT, SIZE).put((byte) interruptType).putShort((short) flags)
                    .put((byte) sourceBusId).put((byte) sourceBusIrq).put((byte) destinationIoApicId)
                    .put((byte) destinationPin).array();
        }
    }

    /** Which local APIC LINTIN input a source drives (destination 0xFF: every local APIC). */
    record LocalInterrupt(int interruptType, int flags, int sourceBusId, int sourceBusIrq, int destinationApicId,
                          int destinationLint) implements MpEntry {
        /** Size of a local interrupt assignment entry. */
        public static final int SIZE = 8;

        @Override
        public int type() {
            return TYPE_LOCAL_INTERRUPT;
        }

        @Override
        public byte[] toBytes() {
            return start(TYPE_LOCAL_INTERRUPT, SIZE).put((byte) interruptType).putShort((short) flags)
                    .put((byte) sourceBusId).put((byte) sourceBusIrq).put((byte) destinationApicId)
                    .put((byte) destinationLint).array();
        }
    }

    private static ByteBuffer start(int type, int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN).put((byte) type);
    }

    private static void checkApicId(int apicId) {
        if (apicId < 0 || apicId > MAX_APIC_ID) {
            throw new IllegalArgumentException("MP table APIC ID " + apicId + " is outside 0.." + MAX_APIC_ID);
        }
    }
}
