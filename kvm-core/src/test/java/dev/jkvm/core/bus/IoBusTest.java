package dev.jkvm.core.bus;

import dev.jkvm.devices.bus.BusDevice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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

    @Test
    void unregisteredRangesBecomeUnclaimedAndFreeAgain() {
        IoBus bus = new IoBus("MMIO");
        Recorder bar = new Recorder();
        IoBus.Mapping mapping = bus.register("BAR0", 0xC000_0000L, 0x1000, bar);
        Recorder other = new Recorder();
        bus.register("BAR1", 0xC000_1000L, 0x1000, other);
        bus.unregister(mapping);
        assertNull(bus.find(0xC000_0000L));
        assertEquals(0xFFFF_FFFFL, bus.read(0xC000_0010L, 4));
        assertEquals(1, bus.unclaimedCount(0xC000_0010L));
        assertTrue(bar.log.isEmpty(), "no access reaches an unregistered device");
        assertSame(other, bus.find(0xC000_1000L).device(), "the neighbour stays");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> bus.unregister(mapping));
        assertTrue(twice.getMessage().contains("BAR0 at 0xc0000000 is not registered"), twice.getMessage());
        bus.register("BAR0 again", 0xC000_0000L, 0x1000, bar);
        bus.write(0xC000_0004L, 4, 9);
        assertEquals(List.of("w4/4=9"), bar.log);
    }

    @Test
    void unregisterMatchesTheClaimNotAnEqualOne() {
        IoBus bus = new IoBus("MMIO");
        Recorder device = new Recorder();
        IoBus.Mapping mapping = bus.register("BAR0", 0x1000, 0x100, device);
        IoBus.Mapping lookalike = new IoBus.Mapping("BAR0", 0x1000, 0x100, device);
        assertEquals(mapping, lookalike);
        assertThrows(IllegalArgumentException.class, () -> bus.unregister(lookalike));
        assertSame(mapping, bus.find(0x1000));
    }

    @Test
    void moveRelocatesAClaimAndRefusesOverlapsWithoutLosingIt() {
        IoBus bus = new IoBus("MMIO");
        Recorder bar = new Recorder();
        IoBus.Mapping at = bus.register("BAR4", 0xC000_0000L, 0x4000, bar);
        bus.register("ECAM", 0xE000_0000L, 0x1000_0000L, new Recorder());
        IoBus.Mapping moved = bus.move(at, 0xD000_0000L);
        assertEquals(0xD000_0000L, moved.base());
        assertEquals("BAR4", moved.name());
        assertNull(bus.find(0xC000_0000L));
        assertEquals(0x3000 + 2, bus.read(0xD000_3000L, 2), "offsets are relative to the new base");
        assertEquals(List.of("r12288/2"), bar.log);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.move(moved, 0xDFFF_E000L));
        assertTrue(e.getMessage().contains("overlaps ECAM"), e.getMessage());
        assertSame(moved, bus.find(0xD000_0000L), "a refused move leaves the claim where it was");
        assertThrows(IllegalArgumentException.class, () -> bus.move(at, 0xC800_0000L), "the old handle is stale");

        IoBus.Mapping overlappingItself = bus.move(moved, 0xD000_2000L);
        assertSame(bar, bus.find(0xD000_5FFFL).device(), "a move may overlap the claim's own old range");
        assertNull(bus.find(0xD000_0000L));
        assertEquals(List.of(overlappingItself), bus.mappings().stream().filter(m -> m.device() == bar).toList());
    }

    @Test
    void everySnapshotDuringMovesHoldsTheClaimExactlyOnce() throws InterruptedException {
        IoBus bus = new IoBus("MMIO");
        Recorder bar = new Recorder();
        IoBus.Mapping[] mapping = {bus.register("BAR", 0x10000, 0x1000, bar)};
        AtomicLong misses = new AtomicLong();
        AtomicLong lookups = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                List<IoBus.Mapping> snapshot = bus.mappings();
                if (snapshot.size() != 1 || snapshot.getFirst().device() != bar) {
                    misses.incrementAndGet();
                }
                lookups.incrementAndGet();
            }
        });
        for (int i = 0; i < 20_000; i++) {
            mapping[0] = bus.move(mapping[0], i % 2 == 0 ? 0x20000 : 0x10000);
        }
        done.set(true);
        reader.join();
        assertTrue(lookups.get() > 0, "the reader ran");
        assertEquals(0, misses.get(), "a snapshot without the BAR, or with it twice, out of " + lookups.get());
    }
}
