package dev.jkvm.devices.rtc;

import static dev.jkvm.devices.rtc.PcCmosContents.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PcCmosContentsTest {
    private static final long MIB = 1L << 20;

    private static byte[] cmos(PcCmosContents contents) {
        byte[] cmos = new byte[CmosRtc.SIZE];
        contents.writeTo(cmos);
        return cmos;
    }

    private static int word(byte[] cmos, int index) {
        return Byte.toUnsignedInt(cmos[index]) | Byte.toUnsignedInt(cmos[index + 1]) << 8;
    }

    @Test
    void memoryFieldsFor128MiB() {
        byte[] c = cmos(new PcCmosContents(128 * MIB, 0, 1));
        assertEquals(640, word(c, BASE_MEMORY));
        assertEquals(0xFFFF, word(c, EXTENDED_MEMORY), "127 MiB = 130048 KiB does not fit: capped");
        assertEquals(0xFFFF, word(c, EXTENDED_MEMORY_POST));
        assertEquals(112 * 16, word(c, MEMORY_ABOVE_16M));
        assertEquals(0, word(c, MEMORY_ABOVE_4G) | c[MEMORY_ABOVE_4G + 2]);
        assertEquals(0, c[CPU_COUNT_MINUS_ONE]);
    }

    @Test
    void memoryFieldsFor5GiB() {
        byte[] c = cmos(new PcCmosContents(3072 * MIB, 2048 * MIB, 8));
        assertEquals(640, word(c, BASE_MEMORY));
        assertEquals(0xFFFF, word(c, EXTENDED_MEMORY));
        assertEquals(0xBF00, word(c, MEMORY_ABOVE_16M), "3 GiB − 16 MiB in 64 KiB units");
        assertEquals(0x00, c[MEMORY_ABOVE_4G]);
        assertEquals((byte) 0x80, c[MEMORY_ABOVE_4G + 1], "2 GiB = 0x8000 units of 64 KiB");
        assertEquals(0x00, c[MEMORY_ABOVE_4G + 2]);
        assertEquals(7, c[CPU_COUNT_MINUS_ONE]);
    }

    @Test
    void smallMachinesReportWhatTheyHave() {
        byte[] c = cmos(new PcCmosContents(8 * MIB, 0, 1));
        assertEquals(7 * 1024, word(c, EXTENDED_MEMORY), "7 MiB above 1 MiB, in KiB");
        assertEquals(0, word(c, MEMORY_ABOVE_16M));
        assertEquals(512, word(cmos(new PcCmosContents(512 * 1024, 0, 1)), BASE_MEMORY), "under 640 KiB");
    }

    @Test
    void theChecksumCoversBytes0x10To0x2DBigEndian() {
        byte[] c = cmos(new PcCmosContents(64 * MIB, 0, 1));
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) {
            sum += Byte.toUnsignedInt(c[i]);
        }
        assertEquals(0x80 + 0x02 + 0x00 + 0xFC, sum, "base 640 KiB (0x0280) and extended 63 MiB (0xFC00 KiB)");
        assertEquals(sum, word(c, CHECKSUM) >>> 8 | (word(c, CHECKSUM) & 0xFF) << 8);
    }

    @Test
    void moreThan256CpusSaturates() {
        assertEquals((byte) 0xFF, cmos(new PcCmosContents(MIB, 0, 1000))[CPU_COUNT_MINUS_ONE]);
        assertThrows(IllegalArgumentException.class, () -> new PcCmosContents(MIB, 0, 0));
    }
}
