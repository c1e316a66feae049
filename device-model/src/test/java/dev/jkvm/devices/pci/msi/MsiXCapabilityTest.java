package dev.jkvm.devices.pci.msi;

import static dev.jkvm.devices.pci.msi.MsiXCapability.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.pci.PciConfigRegisters;
import dev.jkvm.devices.pci.PciConfigSpace;
import dev.jkvm.devices.pci.PciIdentity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

class MsiXCapabilityTest {
    /** An x86 MSI address: the LAPIC window, destination APIC 1. */
    private static final long ADDRESS = 0xFEE0_1000L;

    private final PciConfigSpace config = new PciConfigSpace(new PciIdentity(0x1AF4, 0x1042, 1, 0x018000, 0, 0, 1), List.of());
    private final RecordingMsiVectorFactory factory = new RecordingMsiVectorFactory();
    private final MsiXCapability msix = new MsiXCapability(config, "dev", new MsiXLayout(3, 1, 0, 1, 0x800), factory);
    private final BusDevice table = msix.table();
    private final BusDevice pba = msix.pba();
    private final int control = msix.capabilityOffset() + MESSAGE_CONTROL;

    private void program(int entry, long address, int data) {
        table.write(entry * 16L + ENTRY_ADDRESS_LOW, 8, address);
        table.write(entry * 16L + ENTRY_DATA, 4, data);
    }

    private void mask(int entry, boolean masked) {
        table.write(entry * 16L + ENTRY_VECTOR_CONTROL, 4, masked ? VECTOR_MASKED : 0);
    }

    @Test
    void capabilityDescribesTableAndPba() {
        assertEquals(PciConfigRegisters.CAP_ID_MSIX, config.read(msix.capabilityOffset(), 1));
        assertEquals(msix.capabilityOffset(), config.read(PciConfigRegisters.CAPABILITIES_POINTER, 1));
        assertEquals(2, config.read(control, 2), "table size is encoded as N-1");
        assertEquals(0x000 | 1, config.read(msix.capabilityOffset() + TABLE_OFFSET_BIR, 4));
        assertEquals(0x800 | 1, config.read(msix.capabilityOffset() + PBA_OFFSET_BIR, 4));
        config.write(control, 2, 0xFFFF);
        assertEquals(CONTROL_ENABLE | CONTROL_FUNCTION_MASK | 2, config.read(control, 2), "only enable and mask are writable");
        assertEquals(3, factory.created());
        assertEquals("dev vector 2", factory.vector(2).name());
    }

    @Test
    void entriesStartMaskedAndRouteOnAddressAndDataWrites() {
        assertEquals(VECTOR_MASKED, table.read(ENTRY_VECTOR_CONTROL, 4));
        table.write(16 + ENTRY_ADDRESS_LOW, 4, ADDRESS | 0x3);
        table.write(16 + ENTRY_ADDRESS_HIGH, 4, 0);
        table.write(16 + ENTRY_DATA, 4, 0x4041);
        assertEquals(new MsiMessage(ADDRESS, 0x4041), factory.vector(1).lastRoute(), "address bits 1:0 are reserved");
        assertEquals(List.of(new MsiMessage(ADDRESS, 0), new MsiMessage(ADDRESS, 0x4041)), factory.vector(1).routes(),
                "an unchanged high half does not re-route");
        assertEquals(ADDRESS, table.read(16, 8));
        assertEquals(0x4041L, table.read(16 + ENTRY_DATA, 4));
        assertEquals(0x40L, table.read(16 + ENTRY_DATA + 1, 1));
        assertEquals(List.of(), factory.vector(0).routes());
    }

    @Test
    void qwordWriteOfDataAndControlUnmasks() {
        program(0, ADDRESS, 0x30);
        table.write(ENTRY_DATA, 8, 0x31L);
        assertEquals(0L, table.read(ENTRY_VECTOR_CONTROL, 4), "the upper dword cleared the mask bit");
        assertEquals(new MsiMessage(ADDRESS, 0x31), factory.vector(0).lastRoute());
    }

    @Test
    void disabledMsixLeavesSignallingToIntx() {
        program(0, ADDRESS, 0x30);
        mask(0, false);
        assertFalse(msix.enabled());
        assertFalse(msix.signal(0));
        assertEquals(0, factory.totalFired());
        assertFalse(msix.isPending(0));
    }

    @Test
    void unmaskedEntryFires() {
        config.write(control, 2, CONTROL_ENABLE);
        program(2, ADDRESS, 0x32);
        mask(2, false);
        assertTrue(msix.enabled());
        assertTrue(msix.signal(2));
        assertTrue(msix.signal(2));
        assertEquals(2, factory.vector(2).fired());
        assertEquals(0, factory.vector(0).fired() + factory.vector(1).fired());
    }

    @Test
    void maskedEntryPendsAndUnmaskingFiresOnce() {
        config.write(control, 2, CONTROL_ENABLE);
        program(1, ADDRESS, 0x31);
        assertTrue(msix.signal(1), "handled by MSI-X even while masked");
        assertTrue(msix.signal(1));
        assertEquals(0, factory.vector(1).fired());
        assertTrue(msix.isPending(1));
        assertEquals(0b010L, pba.read(0, 8));
        assertEquals(0b010L, pba.read(0, 4));

        pba.write(0, 8, 0);
        assertEquals(0b010L, pba.read(0, 8), "the PBA is read-only");

        mask(1, false);
        assertEquals(1, factory.vector(1).fired(), "pending interrupts coalesce into one message");
        assertFalse(msix.isPending(1));
        assertEquals(0L, pba.read(0, 8));
        mask(1, false);
        assertEquals(1, factory.vector(1).fired(), "unmasking again with nothing pending sends nothing");
    }

    @Test
    void functionMaskHoldsEveryVector() {
        config.write(control, 2, CONTROL_ENABLE | CONTROL_FUNCTION_MASK);
        for (int entry = 0; entry < 3; entry++) {
            program(entry, ADDRESS, 0x30 + entry);
        }
        mask(0, false);
        mask(2, false);
        assertTrue(msix.signal(0));
        assertTrue(msix.signal(1));
        assertTrue(msix.signal(2));
        assertEquals(0, factory.totalFired());
        assertEquals(0b111L, pba.read(0, 8));

        config.write(control, 2, CONTROL_ENABLE);
        assertEquals(1, factory.vector(0).fired());
        assertEquals(0, factory.vector(1).fired(), "entry 1 is still masked on its own");
        assertEquals(1, factory.vector(2).fired());
        assertEquals(0b010L, pba.read(0, 8));
    }

    @Test
    void pendingBitsSurviveDisableAndFireOnReEnable() {
        config.write(control, 2, CONTROL_ENABLE | CONTROL_FUNCTION_MASK);
        program(0, ADDRESS, 0x30);
        mask(0, false);
        msix.signal(0);
        config.write(control, 2, 0);
        assertEquals(0, factory.totalFired());
        config.write(control, 2, CONTROL_ENABLE);
        assertEquals(1, factory.vector(0).fired());
    }

    @Test
    void accessesOutsideTheTableAreHarmless() {
        table.write(3 * 16, 4, 0x1234);
        assertEquals(0L, table.read(3 * 16, 4));
        assertEquals(0L, pba.read(8, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> msix.signal(3));
    }

    @Test
    void closeClosesEveryVector() {
        msix.close();
        for (int entry = 0; entry < 3; entry++) {
            assertTrue(factory.vector(entry).closed());
        }
    }

    @Test
    void noSignalIsLostWhileAnotherThreadTogglesTheMask() throws Exception {
        config.write(control, 2, CONTROL_ENABLE);
        program(0, ADDRESS, 0x30);
        int rounds = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<?> signaller = threads.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    assertTrue(msix.signal(0));
                }
                return null;
            });
            Future<?> masker = threads.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    mask(0, i % 2 == 0);
                }
                return null;
            });
            start.countDown();
            signaller.get(30, TimeUnit.SECONDS);
            masker.get(30, TimeUnit.SECONDS);
        }
        mask(0, false);
        assertFalse(msix.isPending(0), "whatever was pending at the end fired on the last unmask");
        assertTrue(factory.vector(0).fired() >= 1);
    }
}
