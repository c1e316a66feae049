package dev.jkvm.core.x86.acpi;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PC's ACPI tables read back the way an OS reads them, with field offsets taken from the ACPI 6.5 tables
 * (not from the code under test).
 */
class PcAcpiTest {
    private static final long RSDP = 0xF0000;
    private static final long BASE = 0xE0000;
    private static final long END = 0xF0000;

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int sum(byte[] bytes, int length) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += bytes[i];
        }
        return sum & 0xFF;
    }

    private static String ascii(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.US_ASCII);
    }

    @Test
    void everySdtHasItsLengthAndAZeroChecksum() {
        AcpiTableSet set = PcAcpi.build(List.of(0, 1, 2, 3), RSDP, BASE, END);
        List<String> signatures = new ArrayList<>();
        for (AcpiTableSet.Placed placed : set.tables()) {
            byte[] table = placed.bytes();
            String signature = ascii(table, 0, 4);
            signatures.add(signature);
            assertEquals(placed.table().signature(), signature);
            assertEquals(table.length, le(table).getInt(4), signature + " length field");
            if (!signature.equals("FACS")) {
                assertEquals(0, sum(table, table.length), signature + " checksum");
                assertEquals("JKVM  ", ascii(table, 10, 6), signature + " OEM ID");
            }
        }
        assertEquals(List.of("FACS", "DSDT", "FACP", "APIC", "MCFG", "XSDT", "RSDT"), signatures);
        assertEquals(64, set.table("FACS").bytes().length);
        assertEquals(276, set.table("FACP").bytes().length);
        assertEquals(6, set.table("FACP").bytes()[8], "FADT revision");
        assertEquals(2, set.table("DSDT").bytes()[8], "DSDT revision: 64-bit integers");
    }

    @Test
    void tablesLieInTheirAreaWithoutOverlapAndFacsIs64ByteAligned() {
        AcpiTableSet set = PcAcpi.build(List.of(0, 1, 4, 5), RSDP, BASE, END);
        long previousEnd = BASE;
        for (AcpiTableSet.Placed placed : set.tables()) {
            assertTrue(placed.address() >= previousEnd, placed.table().signature() + " overlaps");
            previousEnd = placed.end();
        }
        assertTrue(previousEnd <= END);
        assertEquals(0, set.table("FACS").address() % 64);
    }

    @Test
    void rsdpRevision2PointsToRsdtAndXsdtWithBothChecksums() {
        AcpiTableSet set = PcAcpi.build(List.of(0), RSDP, BASE, END);
        byte[] rsdp = set.rsdp();
        assertEquals(36, rsdp.length);
        assertEquals("RSD PTR ", ascii(rsdp, 0, 8));
        assertEquals(0, sum(rsdp, 20), "ACPI 1.0 checksum over the first 20 bytes");
        assertEquals(0, sum(rsdp, 36), "extended checksum");
        assertEquals(2, rsdp[15], "revision");
        assertEquals(36, le(rsdp).getInt(20), "length");
        assertEquals(set.table("RSDT").address(), Integer.toUnsignedLong(le(rsdp).getInt(16)));
        assertEquals(set.table("XSDT").address(), le(rsdp).getLong(24));
        assertEquals(new Rsdp(set.table("RSDT").address(), set.table("XSDT").address()), Rsdp.parse(rsdp));
        rsdp[12] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> Rsdp.parse(rsdp));
    }

    @Test
    void xsdtAndRsdtListTheFadtMadtAndMcfg() {
        AcpiTableSet set = PcAcpi.build(List.of(0, 1), RSDP, BASE, END);
        List<Long> expected = List.of(set.table("FACP").address(), set.table("APIC").address(),
                set.table("MCFG").address());
        ByteBuffer xsdt = le(set.table("XSDT").bytes());
        assertEquals(36 + 24, xsdt.capacity());
        assertEquals(expected, List.of(xsdt.getLong(36), xsdt.getLong(44), xsdt.getLong(52)));
        ByteBuffer rsdt = le(set.table("RSDT").bytes());
        assertEquals(36 + 12, rsdt.capacity());
        assertEquals(expected, List.of((long) rsdt.getInt(36), (long) rsdt.getInt(40), (long) rsdt.getInt(44)));
    }

    /** PCI Firmware Specification 3.0, table 4-2 and 4-3: header, 8 reserved bytes, 16-byte allocations. */
    @Test
    void mcfgDescribesOneEcamWindowForSegment0Buses0To255() {
        byte[] table = PcAcpi.build(List.of(0), RSDP, BASE, END).table("MCFG").bytes();
        ByteBuffer mcfg = le(table);
        assertEquals("MCFG", ascii(table, 0, 4));
        assertEquals(60, table.length);
        assertEquals(60, mcfg.getInt(4), "length field");
        assertEquals(1, table[8], "revision");
        assertEquals(0, sum(table, table.length), "checksum");
        assertEquals("JKVMMCFG", ascii(table, 16, 8), "OEM table ID");
        assertEquals(0, mcfg.getLong(36), "reserved");
        assertEquals(0xE000_0000L, mcfg.getLong(44), "base address");
        assertEquals(0, mcfg.getShort(52), "segment group");
        assertEquals(0, table[54], "start bus");
        assertEquals(0xFF, table[55] & 0xFF, "end bus");
        assertEquals(0, mcfg.getInt(56), "reserved");
        assertThrows(IllegalArgumentException.class, () -> new Mcfg.Allocation(0xE000_0000L, 0, 0, 256));
        assertThrows(IllegalArgumentException.class, () -> new Mcfg.Allocation(0xE000_0000L, 0, 5, 4));
    }

    @Test
    void fadtDescribesThePm1BlockSciAndResetRegister() {
        AcpiTableSet set = PcAcpi.build(List.of(0, 1), RSDP, BASE, END);
        ByteBuffer fadt = le(set.table("FACP").bytes());
        assertEquals(set.table("FACS").address(), fadt.getInt(36), "FIRMWARE_CTRL");
        assertEquals(set.table("DSDT").address(), fadt.getInt(40), "DSDT");
        assertEquals(9, fadt.getShort(46), "SCI_INT");
        assertEquals(0, fadt.getInt(48), "SMI_CMD");
        assertEquals(0x600, fadt.getInt(56), "PM1a_EVT_BLK");
        assertEquals(0x604, fadt.getInt(64), "PM1a_CNT_BLK");
        assertEquals(0x608, fadt.getInt(76), "PM_TMR_BLK");
        assertEquals(0, fadt.getInt(80), "GPE0_BLK");
        assertEquals(4, fadt.get(88), "PM1_EVT_LEN");
        assertEquals(2, fadt.get(89), "PM1_CNT_LEN");
        assertEquals(4, fadt.get(91), "PM_TMR_LEN");
        assertEquals(0x32, fadt.get(108), "CENTURY");
        int flags = fadt.getInt(112);
        assertEquals(0, flags & (1 << 20), "HW_REDUCED_ACPI clear");
        assertEquals(0, flags & (1 << 8), "TMR_VAL_EXT clear: 24-bit PM timer");
        assertEquals(0, flags & (1 << 4), "PWR_BUTTON clear: the fixed-feature power button");
        assertEquals(1 << 10, flags & (1 << 10), "RESET_REG_SUP");
        assertEquals(0, flags & (1 << 18), "two CPUs need no cluster mode");
        assertEquals(1, fadt.get(116), "RESET_REG space: system I/O");
        assertEquals(8, fadt.get(117), "RESET_REG bit width");
        assertEquals(0xCF9, fadt.getLong(120), "RESET_REG address");
        assertEquals(6, fadt.get(128), "RESET_VALUE");
        assertEquals(0, fadt.getLong(132), "X_FIRMWARE_CTRL is 0 when FIRMWARE_CTRL is set");
        assertEquals(set.table("DSDT").address(), fadt.getLong(140), "X_DSDT");
        assertGas(fadt, 148, 32, 0x600, "X_PM1a_EVT_BLK");
        assertGas(fadt, 172, 16, 0x604, "X_PM1a_CNT_BLK");
        assertGas(fadt, 208, 32, 0x608, "X_PM_TMR_BLK");
        assertEquals(0, fadt.getLong(220 + 4), "X_GPE0_BLK");
    }

    private static void assertGas(ByteBuffer fadt, int offset, int bits, long port, String what) {
        assertEquals(1, fadt.get(offset), what + " space: system I/O");
        assertEquals(bits, Byte.toUnsignedInt(fadt.get(offset + 1)), what + " bit width = 8 × the legacy length");
        assertEquals(port, fadt.getLong(offset + 4), what + " address");
    }

    @Test
    void fadtForcesClusterModeBeyondEightCpus() {
        List<Integer> nine = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8);
        int flags = le(PcAcpi.build(nine, RSDP, BASE, END).table("FACP").bytes()).getInt(112);
        assertEquals(1 << 18, flags & (1 << 18));
    }

    @Test
    void facsIsVersion2WithoutWakingVector() {
        byte[] facs = PcAcpi.build(List.of(0), RSDP, BASE, END).table("FACS").bytes();
        assertEquals("FACS", ascii(facs, 0, 4));
        assertEquals(64, le(facs).getInt(4));
        assertEquals(0, le(facs).getInt(12), "firmware waking vector");
        assertEquals(2, facs[32], "version");
    }

    private static List<MadtEntry.LocalApic> localApics(Madt madt) {
        return madt.entries().stream().filter(e -> e instanceof MadtEntry.LocalApic)
                .map(MadtEntry.LocalApic.class::cast).toList();
    }

    private static void assertPcInterruptStructures(Madt madt) {
        assertEquals(0xFEE0_0000L, madt.localApicAddress());
        assertEquals(Madt.PCAT_COMPAT, madt.flags());
        assertEquals(List.of(new MadtEntry.IoApic(0, 0xFEC0_0000L, 0)),
                madt.entries().stream().filter(e -> e instanceof MadtEntry.IoApic).toList());
        assertEquals(List.of(
                        new MadtEntry.InterruptSourceOverride(0, 0, 2, 0),
                        new MadtEntry.InterruptSourceOverride(0, 9, 9, 0xD)),
                madt.entries().stream().filter(e -> e instanceof MadtEntry.InterruptSourceOverride).toList());
        assertEquals(List.of(new MadtEntry.LocalApicNmi(0xFF, 0, 1)),
                madt.entries().stream().filter(e -> e instanceof MadtEntry.LocalApicNmi).toList());
    }

    @Test
    void madtForOneCpu() {
        Madt madt = Madt.parse(PcAcpi.build(List.of(0), RSDP, BASE, END).table("APIC").bytes());
        assertEquals(List.of(new MadtEntry.LocalApic(0, 0, true)), localApics(madt));
        assertPcInterruptStructures(madt);
        assertEquals(44 + 8 + 12 + 10 + 10 + 6, PcAcpi.build(List.of(0), RSDP, BASE, END).table("APIC").bytes().length);
    }

    @Test
    void madtForFourCpus() {
        Madt madt = Madt.parse(PcAcpi.build(List.of(0, 1, 2, 3), RSDP, BASE, END).table("APIC").bytes());
        assertEquals(List.of(new MadtEntry.LocalApic(0, 0, true), new MadtEntry.LocalApic(1, 1, true),
                new MadtEntry.LocalApic(2, 2, true), new MadtEntry.LocalApic(3, 3, true)), localApics(madt));
        assertPcInterruptStructures(madt);
    }

    @Test
    void madtKeepsTopologyGapsInApicIdsWithDenseProcessorUids() {
        byte[] table = PcAcpi.build(List.of(0, 1, 4, 5), RSDP, BASE, END).table("APIC").bytes();
        Madt madt = Madt.parse(table);
        assertEquals(List.of(new MadtEntry.LocalApic(0, 0, true), new MadtEntry.LocalApic(1, 1, true),
                new MadtEntry.LocalApic(2, 4, true), new MadtEntry.LocalApic(3, 5, true)), localApics(madt));
        assertPcInterruptStructures(madt);
        // The raw structure, as an OS walks it: type 0, length 8, UID, APIC ID, flags.
        int third = 44 + 2 * 8;
        assertEquals(0, table[third]);
        assertEquals(8, table[third + 1]);
        assertEquals(2, table[third + 2]);
        assertEquals(4, table[third + 3]);
        assertEquals(1, le(table).getInt(third + 4));
    }

    @Test
    void madtUsesX2ApicStructuresForApicIdsAbove254() {
        Madt madt = Madt.parse(PcAcpi.build(List.of(0, 300), RSDP, BASE, END).table("APIC").bytes());
        assertEquals(List.of(new MadtEntry.LocalApic(0, 0, true)), localApics(madt));
        assertEquals(List.of(new MadtEntry.LocalX2Apic(300, true, 1)),
                madt.entries().stream().filter(e -> e instanceof MadtEntry.LocalX2Apic).toList());
        assertEquals(List.of(new MadtEntry.LocalX2ApicNmi(0, 0xFFFF_FFFFL, 1)),
                madt.entries().stream().filter(e -> e instanceof MadtEntry.LocalX2ApicNmi).toList());
    }

    @Test
    void madtRoundTripsAndItsParserRejectsCorruption() {
        Madt madt = PcAcpi.madt(List.of(0, 1, 4, 5));
        byte[] bytes = madt.toBytes();
        assertEquals(madt, Madt.parse(bytes));
        bytes[50] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> Madt.parse(bytes));
        assertThrows(IllegalArgumentException.class, () -> PcAcpi.madt(List.of(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> PcAcpi.madt(List.of()));
    }

    @Test
    void aThousandCpusStillFitAndTooSmallAnAreaIsRefused() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            ids.add(i);
        }
        AcpiTableSet set = PcAcpi.build(ids, RSDP, BASE, END);
        assertEquals(255 + 769, Madt.parse(set.table("APIC").bytes()).entries().stream()
                .filter(e -> e instanceof MadtEntry.LocalApic || e instanceof MadtEntry.LocalX2Apic).count());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PcAcpi.build(ids, RSDP, BASE, BASE + 0x1000));
        assertTrue(e.getMessage().startsWith("ACPI tables for 1024 CPUs need 0x"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PcAcpi.build(List.of(0), RSDP + 4, BASE, END));
    }

    @Test
    void dsdtDeclaresComOneFwCfgPciAndS5() {
        Dsdt dsdt = PcAcpi.dsdt();
        byte[] table = dsdt.toBytes();
        assertEquals("DSDT", ascii(table, 0, 4));
        assertEquals(0, sum(table, table.length));
        String aml = new String(dsdt.aml(), StandardCharsets.ISO_8859_1);
        assertTrue(aml.contains("COM1") && aml.contains("FWCF") && aml.contains("_S5_") && aml.contains("QEMU0002"));
        assertTrue(aml.contains("PCI0") && aml.contains("_PRT") && aml.contains("_CRS") && aml.contains("_BBN"));
        assertInstanceOf(Aml.Scope.class, dsdt.terms().getFirst());
    }
}
