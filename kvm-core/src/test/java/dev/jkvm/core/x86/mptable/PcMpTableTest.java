package dev.jkvm.core.x86.mptable;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MP table decoded with the MultiProcessor Specification 1.4's offsets, as an OS's MP parser reads it. */
class PcMpTableTest {
    private static final long FLOATING = 0xF0030;
    private static final long CONFIG = 0xF0040;

    /** A decoded base-table entry: type and its bytes. */
    record Entry(int type, byte[] bytes) {
        int u8(int offset) {
            return Byte.toUnsignedInt(bytes[offset]);
        }

        int u16(int offset) {
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(offset) & 0xFFFF;
        }

        long u32(int offset) {
            return Integer.toUnsignedLong(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(offset));
        }
    }

    private static int sum(byte[] bytes) {
        int sum = 0;
        for (byte b : bytes) {
            sum += b;
        }
        return sum & 0xFF;
    }

    private static List<Entry> entries(byte[] config) {
        ByteBuffer in = ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN);
        int count = in.getShort(34) & 0xFFFF;
        List<Entry> entries = new ArrayList<>();
        int at = 44;
        for (int i = 0; i < count; i++) {
            int type = config[at];
            int size = type == 0 ? 20 : 8;
            byte[] bytes = new byte[size];
            System.arraycopy(config, at, bytes, 0, size);
            entries.add(new Entry(type, bytes));
            at += size;
        }
        assertEquals(config.length, at, "entries fill the base table exactly");
        return entries;
    }

    private static List<Entry> ofType(List<Entry> entries, int type) {
        return entries.stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void floatingPointerPointsAtTheConfigurationTable() {
        MpTable table = PcMpTable.build(List.of(0, 1), FLOATING, CONFIG);
        byte[] fp = table.floatingPointer();
        assertEquals(16, fp.length);
        assertEquals("_MP_", new String(fp, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(CONFIG, ByteBuffer.wrap(fp).order(ByteOrder.LITTLE_ENDIAN).getInt(4));
        assertEquals(1, fp[8], "length in paragraphs");
        assertEquals(4, fp[9], "spec revision 1.4");
        assertEquals(0, sum(fp), "checksum");
        assertEquals(0, fp[11], "feature byte 1: a configuration table is present");
        assertEquals(0, fp[12], "IMCRP clear: virtual wire mode");
        assertEquals(FLOATING, table.floatingPointerAddress());
        assertThrows(IllegalArgumentException.class, () -> PcMpTable.build(List.of(0), FLOATING + 8, CONFIG));
    }

    @Test
    void configurationTableHeaderAndChecksum() {
        byte[] config = PcMpTable.build(List.of(0, 1, 2, 3), FLOATING, CONFIG).configTable();
        ByteBuffer in = ByteBuffer.wrap(config).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("PCMP", new String(config, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(config.length, in.getShort(4), "base table length");
        assertEquals(4, config[6], "spec revision");
        assertEquals(0, sum(config), "base table checksum");
        assertEquals("JKVM    ", new String(config, 8, 8, StandardCharsets.US_ASCII));
        assertEquals(0xFEE0_0000, in.getInt(36), "local APIC address");
        assertEquals(0, in.getShort(40), "no extended table");
        // 4 processors, 2 buses, 1 I/O APIC, 15 ISA interrupts, 32 × 4 PCI interrupts, 2 local interrupts.
        assertEquals(4 + 2 + 1 + 15 + 128 + 2, in.getShort(34));
        assertEquals(44 + 4 * 20 + (2 + 1 + 15 + 128 + 2) * 8, config.length);
    }

    @Test
    void processorsCarryTheirApicIdsAndOnlyTheFirstIsTheBootProcessor() {
        List<Entry> cpus = ofType(entries(PcMpTable.build(List.of(0, 1, 4, 5), FLOATING, CONFIG).configTable()), 0);
        assertEquals(List.of(0, 1, 4, 5), cpus.stream().map(e -> e.u8(1)).toList());
        assertEquals(List.of(3, 1, 1, 1), cpus.stream().map(e -> e.u8(3)).toList(), "EN, plus BP on the first");
        assertTrue(cpus.stream().allMatch(e -> e.u8(2) == 0x14), "local APIC version");
    }

    @Test
    void busIoApicAndInterruptAssignmentsFollowThePcWiring() {
        List<Entry> entries = entries(PcMpTable.build(List.of(0, 1), FLOATING, CONFIG).configTable());
        for (int i = 1; i < entries.size(); i++) {
            assertTrue(entries.get(i).type() >= entries.get(i - 1).type(), "entries sorted by type");
        }
        List<Entry> buses = ofType(entries, 1);
        assertEquals(2, buses.size());
        assertEquals(0, buses.get(0).u8(1), "PCI bus 0 has MP bus ID 0");
        assertEquals("PCI   ", new String(buses.get(0).bytes(), 2, 6, StandardCharsets.US_ASCII));
        assertEquals(1, buses.get(1).u8(1), "the ISA bus comes after it");
        assertEquals("ISA   ", new String(buses.get(1).bytes(), 2, 6, StandardCharsets.US_ASCII));
        Entry ioApic = ofType(entries, 2).getFirst();
        assertEquals(0, ioApic.u8(1), "I/O APIC ID");
        assertEquals(0x11, ioApic.u8(2), "I/O APIC version");
        assertEquals(1, ioApic.u8(3), "enabled");
        assertEquals(0xFEC0_0000L, ioApic.u32(4));

        List<Entry> io = ofType(entries, 3).stream().filter(e -> e.u8(4) == 1).toList();
        assertEquals(15, io.size());
        List<Integer> sourceIrqs = io.stream().map(e -> e.u8(5)).toList();
        assertFalse(sourceIrqs.contains(2), "IRQ2 is the cascade and has no entry");
        for (Entry e : io) {
            int irq = e.u8(5);
            assertEquals(0, e.u8(1), "type INT");
            assertEquals(1, e.u8(4), "source bus ISA");
            assertEquals(0, e.u8(6), "destination I/O APIC");
            assertEquals(irq == 0 ? 2 : irq, e.u8(7), "IRQ " + irq + " pin");
            assertEquals(irq == 9 ? 0xD : 0, e.u16(2), "IRQ " + irq + " flags");
        }

        List<Entry> local = ofType(entries, 4);
        assertEquals(2, local.size());
        assertEquals(List.of(3, 1, 0, 0, 0), List.of(local.get(0).u8(1), local.get(0).u8(4), local.get(0).u8(5),
                local.get(0).u8(6), local.get(0).u8(7)), "ExtINT from ISA IRQ 0 to the boot processor's LINT0");
        assertEquals(1, local.get(1).u8(4), "NMI's source bus is ISA");
        assertEquals(List.of(1, 0xFF, 1), List.of(local.get(1).u8(1), local.get(1).u8(6), local.get(1).u8(7)),
                "NMI to every local APIC's LINT1");
    }

    @Test
    void apicIdsAbove254AreLeftToTheMadt() {
        List<Entry> cpus = ofType(entries(PcMpTable.build(List.of(0, 1, 300), FLOATING, CONFIG).configTable()), 0);
        assertEquals(List.of(0, 1), cpus.stream().map(e -> e.u8(1)).toList());
        assertThrows(IllegalArgumentException.class, () -> PcMpTable.build(List.of(300), FLOATING, CONFIG));
    }

    @Test
    void configurationTableRefusesUnsortedEntries() {
        assertThrows(IllegalArgumentException.class, () -> new MpConfigTable("X", "Y", 0, List.of(
                new MpEntry.Bus(0, MpEntry.Bus.ISA), new MpEntry.Processor(0, 0x14, true, true, 0, 0))));
    }

    /** MP 1.4 §4.3.4: a PCI source bus IRQ is the device number in bits 6:2 and the INTx pin in bits 1:0. */
    @Test
    void everyPciSlotAndPinHasALevelActiveLowAssignmentToItsGsi() {
        List<Entry> pci = ofType(entries(PcMpTable.build(List.of(0), FLOATING, CONFIG).configTable()), 3).stream()
                .filter(e -> e.u8(4) == 0).toList();
        assertEquals(32 * 4, pci.size());
        java.util.Set<Integer> sources = new java.util.HashSet<>();
        for (Entry e : pci) {
            int slot = e.u8(5) >> 2;
            int pin = e.u8(5) & 3;
            sources.add(e.u8(5));
            assertEquals(0, e.u8(1), "type INT");
            assertEquals(0b1111, e.u16(2), "level-triggered (EL=11), active low (PO=11)");
            assertEquals(0, e.u8(6), "destination I/O APIC");
            assertEquals(16 + (slot + pin) % 4, e.u8(7), "slot " + slot + " pin " + pin);
        }
        assertEquals(128, sources.size(), "each slot/pin once");
        Entry slot2IntA = pci.stream().filter(e -> e.u8(5) == (2 << 2)).findFirst().orElseThrow();
        assertEquals(18, slot2IntA.u8(7), "the first drive's INTA# on GSI 18, as in the DSDT's _PRT");
    }
}
