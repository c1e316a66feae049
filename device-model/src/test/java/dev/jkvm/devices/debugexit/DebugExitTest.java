package dev.jkvm.devices.debugexit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class DebugExitTest {
    private final List<Integer> shutdowns = new ArrayList<>();
    private final DebugExit device = new DebugExit(new dev.jkvm.devices.platform.RecordingPlatform(shutdowns));

    @Test
    void aWriteShutsDownWithTheValueShiftedLeftAndOred1() {
        device.write(0, 1, 0x10);
        assertEquals(List.of(0x21), shutdowns);
    }

    @Test
    void theWholeAccessWidthCounts() {
        device.write(0, 2, 0x0140);
        device.write(0, 4, 0x12345603L);
        assertEquals(List.of(0x281, 0x2468AC07), shutdowns);
        assertEquals(7, shutdowns.get(1) & 0xFF, "the status QEMU 7.2 exits with for outl 0x12345603 (measured)");
    }

    @Test
    void bitsAboveTheAccessWidthAreIgnored() {
        device.write(0, 1, 0x1FF);
        assertEquals(List.of(0x1FF), shutdowns, "only 0xFF of a byte write counts: (0xFF << 1) | 1");
    }

    @Test
    void theTopBitOfADwordShiftsOutAsInC() {
        device.write(0, 4, 0x80000000L);
        assertEquals(List.of(1), shutdowns);
    }

    @Test
    void everyOffsetInTheRangeExits() {
        for (int offset = 0; offset < DebugExit.DEFAULT_SIZE; offset++) {
            device.write(offset, 1, offset);
        }
        assertEquals(List.of(1, 3, 5, 7), shutdowns);
    }

    @Test
    void readsReturnZeroAsQemuDoesAndDoNotExit() {
        assertEquals(0, device.read(0, 1));
        assertEquals(0, device.read(0, 2));
        assertEquals(0, device.read(0, 4));
        assertEquals(0, device.read(3, 1));
        assertEquals(List.of(), shutdowns);
    }

    @Test
    void accessesWiderThanQemuAllowsAreRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> device.write(0, 8, 1));
        assertEquals("isa-debug-exit write of 8 bytes at offset 0x0: accesses are 1, 2 or 4 bytes wide", refused.getMessage());
        assertEquals(List.of(), shutdowns);
    }
}
