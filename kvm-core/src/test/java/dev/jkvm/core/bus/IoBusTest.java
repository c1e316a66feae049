package dev.jkvm.core.bus;

import dev.jkvm.devices.bus.BusDevice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IoBusTest {
    /** Records accesses and answers reads with offset + size. */
    static final class Recorder implements BusDevice {
        final List<String> log = new ArrayList<>();

        @Override
        public long read(long offset, int size) {
            log.add("r" + offset + "/" + size);
            return offset + size;
        }

        @Override
        public void write(long offset, int size, long value) {
            log.add("w" + offset + "/" + size + "=" + value);
        }
    }

    @Test
    void dispatchesWithOffsetsRelativeToTheRange() {
        IoBus bus = new IoBus("test");
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        bus.register("a", 0x3F8, 8, a);
        bus.register("b", 0x100, 4, b);
        assertEquals(5 + 1, bus.read(0x3FD, 1));
        bus.write(0x102, 2, 0xBEEF);
        assertEquals(List.of("r5/1"), a.log);
        assertEquals(List.of("w2/2=48879"), b.log);
        assertSame(a, bus.find(0x3FF).device());
        assertNull(bus.find(0x400));
        assertNull(bus.find(0x3F7));
    }

    @Test
    void refusesOverlappingRanges() {
        IoBus bus = new IoBus("port I/O");
        bus.register("uart", 0x3F8, 8, new Recorder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.register("other", 0x3FF, 2, new Recorder()));
        assertTrue(e.getMessage().contains("overlaps uart"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.register("inside", 0x3F9, 1, new Recorder()));
        assertThrows(IllegalArgumentException.class, () -> bus.register("around", 0x3F0, 0x20, new Recorder()));
        bus.register("adjacent-below", 0x3F0, 8, new Recorder());
        bus.register("adjacent-above", 0x400, 8, new Recorder());
    }

    @Test
    void unclaimedReadsAreAllOnesAndWritesAreCounted() {
        IoBus bus = new IoBus("port I/O");
        assertEquals(0xFFL, bus.read(0x2F0, 1));
        assertEquals(0xFFFFL, bus.read(0x2F0, 2));
        assertEquals(0xFFFF_FFFFL, bus.read(0x2F0, 4));
        assertEquals(-1L, bus.read(0x2F0, 8));
        bus.write(0x2F8, 1, 7);
        bus.write(0x2F8, 1, 7);
        assertEquals(4, bus.unclaimedCount(0x2F0));
        assertEquals(2, bus.unclaimedCount(0x2F8));
        assertEquals(0, bus.unclaimedCount(0x2F9));
    }

    @Test
    void findsAmongManyRanges() {
        IoBus bus = new IoBus("MMIO");
        List<Recorder> devices = new ArrayList<>();
        for (int i = 99; i >= 0; i--) {
            Recorder r = new Recorder();
            devices.add(0, r);
            bus.register("d" + i, 0x1000L * i, 0x100, r);
        }
        for (int i = 0; i < 100; i++) {
            assertSame(devices.get(i), bus.find(0x1000L * i + 0xFF).device());
            assertNull(bus.find(0x1000L * i + 0x100));
        }
    }
}
