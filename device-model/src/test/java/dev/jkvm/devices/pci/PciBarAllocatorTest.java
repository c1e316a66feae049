package dev.jkvm.devices.pci;

import static dev.jkvm.devices.pci.PciConfigRegisters.*;
import static dev.jkvm.devices.pci.TestFunction.bar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;

class PciBarAllocatorTest {
    private final RecordingBarMapper mapper = new RecordingBarMapper();

    private TestFunction plugged(List<PciBar> bars) {
        TestFunction function = new TestFunction(bars);
        function.attach(mapper, new RecordingLine());
        return function;
    }

    @Test
    void placesNaturallyAlignedAndEnablesDecode() {
        PciBarAllocator allocator = PciBarAllocator.pc();
        TestFunction first = plugged(List.of(bar(1, PciBarKind.MEMORY32, 0x1000, false),
                bar(4, PciBarKind.MEMORY64, 0x4000, true)));
        TestFunction second = plugged(List.of(bar(0, PciBarKind.IO, 0x40, false),
                bar(1, PciBarKind.MEMORY32, 0x1000, false)));
        allocator.place(first);
        allocator.place(second);

        assertEquals(0xC000_0000L, first.config.barAddress(1));
        assertEquals(0xC000_4000L, first.config.barAddress(4), "16 KiB BAR aligned to 16 KiB");
        assertEquals(0, first.configRead(barOffset(4) + 4, 4), "high dword of the 64-bit BAR");
        assertEquals(0xC000L, second.config.barAddress(0));
        assertEquals(0xC000_8000L, second.config.barAddress(1));
        assertEquals(COMMAND_MEMORY_SPACE, first.configRead(COMMAND, 2));
        assertEquals(COMMAND_MEMORY_SPACE | COMMAND_IO_SPACE, second.configRead(COMMAND, 2));
        assertEquals(List.of("map BAR 1 0xc0000000", "map BAR 4 0xc0004000", "map BAR 0 0xc000", "map BAR 1 0xc0008000"),
                mapper.calls(), "the mapper hears about every placement through the command-register path");
    }

    @Test
    void functionWithoutBarsKeepsDecodeOff() {
        TestFunction function = plugged(List.of());
        PciBarAllocator.pc().place(function);
        assertEquals(0, function.configRead(COMMAND, 2));
        assertEquals(List.of(), mapper.calls());
    }

    @Test
    void exhaustedWindowIsAnError() {
        PciBarAllocator allocator = new PciBarAllocator(0xC000_0000L, 0xC000_1FFFL, 0xC000, 0xC01F);
        allocator.place(plugged(List.of(bar(0, PciBarKind.MEMORY32, 0x1000, false))));
        TestFunction big = plugged(List.of(bar(0, PciBarKind.MEMORY32, 0x2000, false)));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> allocator.place(big));
        assertEquals("memory window exhausted: BAR 0 (MEMORY32, 0x2000 bytes) would end past 0xc0001fff", e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> allocator.place(plugged(List.of(bar(0, PciBarKind.IO, 0x40, false)))));
    }
}
