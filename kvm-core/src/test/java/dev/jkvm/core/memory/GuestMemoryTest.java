package dev.jkvm.core.memory;

import dev.jkvm.core.VmmException;
import dev.jkvm.devices.memory.GuestMemoryException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestMemoryTest {
    @Test
    void smallRamIsOneRegionFromZero() {
        try (GuestMemory memory = GuestMemory.allocateX86(64L << 20, false)) {
            assertEquals(1, memory.regions().size());
            assertEquals(0, memory.regions().getFirst().guestAddress());
            assertEquals(64L << 20, memory.regions().getFirst().size());
            memory.write(0x1000, new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, memory.read(0x1000, 3));
        }
    }

    @Test
    void largeRamSkipsThePciHole() {
        long size = 4L << 30;
        try (GuestMemory memory = GuestMemory.allocateX86(size, false)) {
            assertEquals(2, memory.regions().size());
            MemoryRegion low = memory.regions().get(0);
            MemoryRegion high = memory.regions().get(1);
            assertEquals(GuestMemory.PCI_HOLE_START, low.end());
            assertEquals(GuestMemory.HIGH_MEMORY_START, high.guestAddress());
            assertEquals(size, low.size() + high.size());
            assertFalse(memory.isRam(0xD000_0000L, 4));
            assertTrue(memory.isRam(GuestMemory.HIGH_MEMORY_START, 4));
            memory.slice(GuestMemory.HIGH_MEMORY_START + high.size() - 8, 8).set(ValueLayout.JAVA_LONG, 0, 42);
            assertThrows(GuestMemoryException.class, () -> memory.slice(0xD000_0000L, 4));
            assertThrows(GuestMemoryException.class, () -> memory.slice(GuestMemory.PCI_HOLE_START - 4, 8));
        }
    }

    @Test
    void accessesOutsideRamAreRefused() {
        try (GuestMemory memory = GuestMemory.allocateX86(1L << 20, false)) {
            assertThrows(GuestMemoryException.class, () -> memory.slice(1L << 20, 1));
            assertThrows(GuestMemoryException.class, () -> memory.slice((1L << 20) - 4, 8));
            assertThrows(GuestMemoryException.class, () -> memory.slice(-8, 8));
            assertThrows(GuestMemoryException.class, () -> memory.slice(Long.MAX_VALUE - 2, 8));
            assertThrows(GuestMemoryException.class, () -> memory.slice(0, -1));
            MemorySegment s = memory.slice(0x100, 16);
            assertThrows(IndexOutOfBoundsException.class, () -> s.get(ValueLayout.JAVA_LONG, 16));
        }
    }

    @Test
    void slicesDieWithTheMapping() {
        GuestMemory memory = GuestMemory.allocateX86(1L << 20, false);
        MemorySegment s = memory.slice(0, 8);
        memory.close();
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void zeroOrUnmappableSizesFailWithAMessage() {
        assertThrows(VmmException.class, () -> GuestMemory.allocateX86(0, false));
        VmmException e = assertThrows(VmmException.class, () -> GuestMemory.allocateX86(1L << 50, false));
        assertTrue(e.getMessage().contains("cannot map") && e.getMessage().contains("ENOMEM"), e.getMessage());
    }
}
