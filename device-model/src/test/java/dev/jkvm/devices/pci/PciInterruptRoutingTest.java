package dev.jkvm.devices.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.devices.irq.InterruptLine;
import org.junit.jupiter.api.Test;

import java.util.List;

class PciInterruptRoutingTest {
    @Test
    void swizzleRotatesPinsAcrossSlots() {
        assertEquals(16, PciInterruptRouting.gsi(0, 0));
        assertEquals(18, PciInterruptRouting.gsi(2, 0), "first drive, INTA");
        assertEquals(19, PciInterruptRouting.gsi(3, 0));
        assertEquals(16, PciInterruptRouting.gsi(4, 0));
        assertEquals(17, PciInterruptRouting.gsi(2, 3));
        assertEquals(18, PciInterruptRouting.gsi(31, 3));
        assertThrows(IllegalArgumentException.class, () -> PciInterruptRouting.gsi(32, 0));
        assertThrows(IllegalArgumentException.class, () -> PciInterruptRouting.gsi(0, 4));
    }

    @Test
    void sharedLineStaysAssertedWhileAnyInputIs() {
        RecordingLine gsi = new RecordingLine();
        SharedInterruptLine shared = new SharedInterruptLine(gsi);
        InterruptLine slot2 = shared.newInput();
        InterruptLine slot6 = shared.newInput();
        slot2.setLevel(true);
        slot6.setLevel(true);
        slot2.setLevel(true);
        slot2.setLevel(false);
        assertTrue(gsi.asserted(), "slot 6 still holds the line");
        slot6.setLevel(false);
        assertFalse(gsi.asserted());
        slot6.setLevel(false);
        assertEquals(List.of(true, false), gsi.levels(), "the output only changes when the OR does");
    }
}
