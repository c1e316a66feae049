package dev.jkvm.devices.pci;

import static dev.jkvm.devices.pci.PciConfigRegisters.*;
import static dev.jkvm.devices.pci.TestFunction.bar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class PciConfigSpaceTest {
    private final RecordingBarMapper mapper = new RecordingBarMapper();
    private final RecordingLine intx = new RecordingLine();

    private PciConfigSpace attached(List<PciBar> bars) {
        PciConfigSpace config = new TestFunction(bars).config;
        config.attach(mapper, intx);
        return config;
    }

    @Test
    void headerHoldsTheIdentityAndIgnoresWritesToIt() {
        PciConfigSpace config = attached(List.of());
        assertEquals(0x5678_1234, config.read(VENDOR_ID, 4));
        assertEquals(0x01080203, config.read(REVISION_ID, 4), "class 010802, revision 3");
        assertEquals(0x1100_1AF4, config.read(SUBSYSTEM_VENDOR_ID, 4));
        assertEquals(0x0100, config.read(INTERRUPT_LINE, 2), "pin INTA, line 0");
        assertEquals(HEADER_TYPE_GENERAL, config.read(HEADER_TYPE, 1));
        config.write(VENDOR_ID, 4, 0xFFFF_FFFF);
        config.write(REVISION_ID, 4, 0);
        config.write(INTERRUPT_PIN, 1, 4);
        assertEquals(0x5678_1234, config.read(VENDOR_ID, 4));
        assertEquals(0x01080203, config.read(REVISION_ID, 4));
        assertEquals(1, config.read(INTERRUPT_PIN, 1));
    }

    @Test
    void interruptLineAndCacheLineSizeAreScratch() {
        PciConfigSpace config = attached(List.of());
        config.write(INTERRUPT_LINE, 1, 11);
        config.write(CACHE_LINE_SIZE, 1, 0x10);
        assertEquals(11, config.read(INTERRUPT_LINE, 1));
        assertEquals(0x10, config.read(CACHE_LINE_SIZE, 1));
    }

    @Test
    void commandKeepsOnlyImplementedBits() {
        PciConfigSpace config = attached(List.of());
        config.write(COMMAND, 2, 0xFFFF);
        assertEquals(COMMAND_IO_SPACE | COMMAND_MEMORY_SPACE | COMMAND_BUS_MASTER | COMMAND_INTX_DISABLE,
                config.read(COMMAND, 2));
    }

    @Test
    void statusErrorBitsAreWriteOneToClear() {
        PciConfigSpace config = attached(List.of());
        config.load(STATUS, 2, 0x8000 | 0x2000);
        config.write(STATUS, 2, 0x8000);
        assertEquals(0x2000, config.read(STATUS, 2), "writing 1 clears only that bit");
        config.write(STATUS, 2, 0);
        assertEquals(0x2000, config.read(STATUS, 2), "writing 0 leaves it");
    }

    @Test
    void memory32BarSizing() {
        PciConfigSpace config = attached(List.of(bar(0, PciBarKind.MEMORY32, 0x1000, false)));
        assertEquals(0, config.read(BAR0, 4));
        config.write(BAR0, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_F000, config.read(BAR0, 4));
        config.write(BAR0, 4, 0xC000_1234);
        assertEquals(0xC000_1000, config.read(BAR0, 4), "low bits below the size read zero");
    }

    @Test
    void memory64PrefetchableBarSizingOverTwoRegisters() {
        PciConfigSpace config = attached(List.of(bar(4, PciBarKind.MEMORY64, 0x4000, true)));
        int low = barOffset(4);
        assertEquals(BAR_MEMORY_64 | BAR_PREFETCHABLE, config.read(low, 4));
        config.write(low, 4, 0xFFFF_FFFF);
        config.write(low + 4, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_C00C, config.read(low, 4));
        assertEquals(0xFFFF_FFFF, config.read(low + 4, 4));
        config.write(low, 4, 0xC000_4000);
        config.write(low + 4, 4, 0x1);
        assertEquals(0x1_C000_4000L, config.barAddress(4));
    }

    @Test
    void ioBarSizing() {
        PciConfigSpace config = attached(List.of(bar(0, PciBarKind.IO, 32, false)));
        assertEquals(BAR_IO_SPACE, config.read(BAR0, 4));
        config.write(BAR0, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_FFE1, config.read(BAR0, 4));
    }

    @Test
    void unimplementedBarsReadZero() {
        PciConfigSpace config = attached(List.of(bar(1, PciBarKind.MEMORY32, 0x1000, false)));
        for (int index : new int[] {0, 2, 3, 4, 5}) {
            config.write(barOffset(index), 4, 0xFFFF_FFFF);
            assertEquals(0, config.read(barOffset(index), 4), "BAR " + index);
        }
    }

    @Test
    void decodeFollowsTheCommandRegister() {
        PciConfigSpace config = attached(List.of(bar(1, PciBarKind.MEMORY32, 0x1000, false),
                bar(2, PciBarKind.IO, 0x20, false)));
        config.write(barOffset(1), 4, 0xC000_0000);
        config.write(barOffset(2), 4, 0xC040);
        assertEquals(List.of(), mapper.calls(), "nothing decodes with the command register clear");

        config.write(COMMAND, 2, COMMAND_MEMORY_SPACE);
        assertEquals(List.of("map BAR 1 0xc0000000"), mapper.calls());
        config.write(COMMAND, 2, COMMAND_MEMORY_SPACE | COMMAND_IO_SPACE);
        assertEquals(List.of("map BAR 1 0xc0000000", "map BAR 2 0xc040"), mapper.calls());
        mapper.forget();

        config.write(barOffset(1), 4, 0xC000_2000);
        assertEquals(List.of("unmap BAR 1", "map BAR 1 0xc0002000"), mapper.calls(), "move while decoding");
        mapper.forget();

        config.write(barOffset(1), 4, 0xC000_2000);
        assertEquals(List.of(), mapper.calls(), "rewriting the same address changes nothing");

        config.write(COMMAND, 2, COMMAND_IO_SPACE);
        assertEquals(List.of("unmap BAR 1"), mapper.calls());
        config.write(COMMAND, 2, 0);
        assertEquals(List.of("unmap BAR 1", "unmap BAR 2"), mapper.calls());
        assertEquals(PciConfigSpace.UNMAPPED, config.mappedAddress(1));
    }

    @Test
    void sizingWhileDecodingUnmapsUntilTheAddressIsRestored() {
        PciConfigSpace config = attached(List.of(bar(4, PciBarKind.MEMORY64, 0x4000, true)));
        int low = barOffset(4);
        config.write(low, 4, 0xC000_4000);
        config.write(COMMAND, 2, COMMAND_MEMORY_SPACE);
        mapper.forget();
        config.write(low, 4, 0xFFFF_FFFF);
        assertEquals(List.of("unmap BAR 4"), mapper.calls(), "all-ones is the sizing state, not an address");
        config.write(low + 4, 4, 0xFFFF_FFFF);
        config.write(low + 4, 4, 0);
        config.write(low, 4, 0xC000_4000);
        assertEquals(List.of("unmap BAR 4", "map BAR 4 0xc0004000"), mapper.calls());
        assertEquals(0xC000_4000L, config.mappedAddress(4));
    }

    @Test
    void zeroAddressIsNotMapped() {
        PciConfigSpace config = attached(List.of(bar(0, PciBarKind.MEMORY32, 0x1000, false)));
        config.write(COMMAND, 2, COMMAND_MEMORY_SPACE);
        assertEquals(List.of(), mapper.calls());
    }

    @Test
    void ioBarBeyondSixtyFourKilobytesIsNotMapped() {
        PciConfigSpace config = attached(List.of(bar(0, PciBarKind.IO, 0x20, false)));
        config.write(BAR0, 4, 0x1_0000);
        config.write(COMMAND, 2, COMMAND_IO_SPACE);
        assertEquals(List.of(), mapper.calls());
        config.write(BAR0, 4, 0xFFE0);
        assertEquals(List.of("map BAR 0 0xffe0"), mapper.calls());
    }

    @Test
    void attachMapsBarsAlreadyDecoding() {
        PciConfigSpace config = new TestFunction(List.of(bar(1, PciBarKind.MEMORY32, 0x1000, false))).config;
        config.write(barOffset(1), 4, 0xD000_0000);
        config.write(COMMAND, 2, COMMAND_MEMORY_SPACE);
        config.attach(mapper, intx);
        assertEquals(List.of("map BAR 1 0xd0000000"), mapper.calls());
    }

    @Test
    void overlappingBarRegistersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TestFunction(List.of(
                bar(0, PciBarKind.MEMORY64, 0x1000, false), bar(1, PciBarKind.MEMORY32, 0x1000, false))));
        assertThrows(IllegalArgumentException.class, () -> new TestFunction(List.of(
                bar(5, PciBarKind.MEMORY64, 0x1000, false))));
    }

    @Test
    void capabilityChainWalk() {
        PciConfigSpace config = attached(List.of());
        assertEquals(0, config.read(STATUS, 2) & STATUS_CAPABILITIES_LIST, "no list before a capability");
        int first = config.addCapability(CAP_ID_MSIX, 12);
        int second = config.addCapability(CAP_ID_VENDOR, 17);
        int third = config.addCapability(CAP_ID_VENDOR, 20);
        assertEquals(STATUS_CAPABILITIES_LIST, config.read(STATUS, 2) & STATUS_CAPABILITIES_LIST);

        List<Integer> ids = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        for (int at = config.read(CAPABILITIES_POINTER, 1); at != 0; at = config.read(at + 1, 1)) {
            assertEquals(0, at % 4, "capabilities are dword aligned");
            assertTrue(at >= HEADER_END && at < CONVENTIONAL_SPACE_END);
            offsets.add(at);
            ids.add(config.read(at, 1));
        }
        assertEquals(List.of(first, second, third), offsets);
        assertEquals(List.of(CAP_ID_MSIX, CAP_ID_VENDOR, CAP_ID_VENDOR), ids);
        assertEquals(List.of(0x40, 0x4C, 0x60), offsets, "17 bytes round up to the next dword");
    }

    @Test
    void capabilityBodyIsReadOnlyUntilOpened() {
        PciConfigSpace config = attached(List.of());
        int at = config.addCapability(CAP_ID_VENDOR, 8);
        config.load(at + 4, 4, 0x1234_5678);
        config.write(at + 4, 4, 0);
        assertEquals(0x1234_5678, config.read(at + 4, 4));
        config.setWritable(at + 4, 4, 0x0000_FFFF);
        config.write(at + 4, 4, 0);
        assertEquals(0x1234_0000, config.read(at + 4, 4));
        config.write(at + 1, 1, 0x80);
        assertEquals(0, config.read(at + 1, 1), "the next pointer is read-only");
    }

    @Test
    void capabilitiesMustFitTheConventionalSpace() {
        PciConfigSpace config = attached(List.of());
        config.addCapability(CAP_ID_VENDOR, 0xB0);
        assertThrows(IllegalStateException.class, () -> config.addCapability(CAP_ID_VENDOR, 0x20));
    }

    @Test
    void watchersRunAfterTouchingWrites() {
        PciConfigSpace config = attached(List.of());
        int at = config.addCapability(CAP_ID_VENDOR, 8);
        config.setWritable(at + 4, 4, 0xFFFF_FFFF);
        List<Integer> seen = new ArrayList<>();
        config.watch(at + 6, 2, () -> seen.add(config.read(at + 4, 4)));
        config.write(at + 4, 2, 0xAAAA);
        config.write(at + 4, 4, 0x1234_5678);
        config.write(at + 7, 1, 0x99);
        assertEquals(List.of(0x1234_5678, 0x9934_5678), seen);
    }

    @Test
    void intxFollowsInterruptStatusAndDisable() {
        PciConfigSpace config = attached(List.of());
        config.setInterruptPending(true);
        assertTrue(intx.asserted());
        assertEquals(STATUS_INTERRUPT, config.read(STATUS, 2) & STATUS_INTERRUPT);

        config.write(COMMAND, 2, COMMAND_INTX_DISABLE);
        assertFalse(intx.asserted(), "INTx disable deasserts the pin");
        assertEquals(STATUS_INTERRUPT, config.read(STATUS, 2) & STATUS_INTERRUPT, "the status bit still shows it");

        config.write(COMMAND, 2, 0);
        assertTrue(intx.asserted(), "re-enabling asserts the pending interrupt again");
        config.setInterruptPending(false);
        assertFalse(intx.asserted());
        assertEquals(0, config.read(STATUS, 2) & STATUS_INTERRUPT);
        assertEquals(List.of(true, false, true, false), intx.levels());
    }

    @Test
    void extendedSpaceReadsZeroAndOutOfRangeAccessesAreRefused() {
        PciConfigSpace config = attached(List.of());
        assertEquals(0, config.read(0x100, 4), "no extended capabilities");
        assertEquals(0, config.read(0xFFC, 4));
        assertThrows(IllegalArgumentException.class, () -> config.read(0xFFE, 4));
        assertThrows(IllegalArgumentException.class, () -> config.read(0, 8));
    }
}
