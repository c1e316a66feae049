package dev.jkvm.core.pci;

import dev.jkvm.core.GsiRoute;
import dev.jkvm.core.RealModeGuest;
import dev.jkvm.core.Vm;
import dev.jkvm.devices.pci.msi.MsiMessage;
import dev.jkvm.headers.Ioctl;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.kvm.KvmConstants;
import dev.jkvm.headers.kvm.KvmIoctls;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GsiRouting against a real in-kernel irqchip: what KVM delivers each GSI to, before and after MSI changes. */
class GsiRoutingTest {
    /** KVM_GET_IRQCHIP: _IOWR(KVMIO, 0x62, struct kvm_irqchip), which is 520 bytes. */
    private static final Ioctl KVM_GET_IRQCHIP = Ioctl.iowr("KVM_GET_IRQCHIP", KvmIoctls.KVMIO, 0x62, 520);
    /** Offset of kvm_irqchip.chip.ioapic.irr: chip_id, pad, then base_address (8), ioregsel, id. */
    private static final long IOAPIC_IRR_OFFSET = 8 + 8 + 4 + 4;

    /** The I/O APIC's IRR, read back from KVM. */
    static int ioApicIrr(Vm vm) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment chip = arena.allocate(520);
            chip.set(ValueLayout.JAVA_INT, 0, KvmConstants.KVM_IRQCHIP_IOAPIC);
            Libc.ioctl(vm.fd(), KVM_GET_IRQCHIP, chip);
            return chip.get(ValueLayout.JAVA_INT, IOAPIC_IRR_OFFSET);
        }
    }

    /** Which I/O APIC pins an assertion of GSI {@code gsi} latches (all pins are masked after reset). */
    static int pinsRaisedBy(Vm vm, int gsi) {
        vm.setIrqLine(gsi, true);
        int irr = ioApicIrr(vm);
        vm.setIrqLine(gsi, false);
        return irr;
    }

    @Test
    void thePcRoutesPutIrq0OnPin2AndPciGsisOnTheirPins() {
        try (RealModeGuest guest = RealModeGuest.create(true)) {
            Vm vm = guest.vm;
            assertEquals(1, pinsRaisedBy(vm, 0), "KVM's default routing: IRQ0 on pin 0");
            new GsiRouting(vm);
            assertEquals(1 << 2, pinsRaisedBy(vm, 0), "IRQ0 on pin 2, as the MADT override says");
            assertEquals(1 << 4, pinsRaisedBy(vm, 4), "COM1");
            assertEquals(1 << 9, pinsRaisedBy(vm, 9), "SCI");
            assertEquals(0, pinsRaisedBy(vm, 2), "IRQ2 is the cascade and reaches no pin");
            for (int gsi = 16; gsi < 24; gsi++) {
                assertEquals(1 << gsi, pinsRaisedBy(vm, gsi), "GSI " + gsi + " on pin " + gsi);
            }
        }
    }

    @Test
    void pcRoutesDriveBothPicAndIoApicForIsaIrqs() {
        List<GsiRoute> routes = GsiRouting.pcRoutes();
        // 15 ISA IRQs (no cascade) × (8259 input + I/O APIC pin), then GSIs 16..23.
        assertEquals(15 * 2 + 8, routes.size());
        assertTrue(routes.contains(new GsiRoute.Irqchip(0, KvmConstants.KVM_IRQCHIP_PIC_MASTER, 0)));
        assertTrue(routes.contains(new GsiRoute.Irqchip(0, KvmConstants.KVM_IRQCHIP_IOAPIC, 2)));
        assertTrue(routes.contains(new GsiRoute.Irqchip(14, KvmConstants.KVM_IRQCHIP_PIC_SLAVE, 6)));
        assertTrue(routes.contains(new GsiRoute.Irqchip(23, KvmConstants.KVM_IRQCHIP_IOAPIC, 23)));
        assertTrue(routes.stream().noneMatch(r -> r.gsi() == 2), "the cascade IRQ has no route");
    }

    @Test
    void msiChangesRebuildTheWholeTableAndKeepTheIsaRoutes() {
        try (RealModeGuest guest = RealModeGuest.create(true)) {
            Vm vm = guest.vm;
            GsiRouting routing = new GsiRouting(vm);
            routing.routeMsi(25, new MsiMessage(0xFEE0_0000L, 0x41));
            routing.routeMsi(24, new MsiMessage(0xFEE0_1000L, 0x42));
            List<GsiRoute> expected = new ArrayList<>(GsiRouting.pcRoutes());
            expected.add(new GsiRoute.Msi(24, 0xFEE0_1000L, 0x42));
            expected.add(new GsiRoute.Msi(25, 0xFEE0_0000L, 0x41));
            assertEquals(expected, routing.routes(), "fixed routes first, then MSI routes in GSI order");
            assertEquals(1 << 2, pinsRaisedBy(vm, 0), "IRQ0 still on pin 2 after the MSI rebuilds");
            assertEquals(1 << 18, pinsRaisedBy(vm, 18), "GSI 18 still on its pin");

            routing.routeMsi(25, new MsiMessage(0xFEE0_0000L, 0x51));
            assertTrue(routing.routes().contains(new GsiRoute.Msi(25, 0xFEE0_0000L, 0x51)));
            assertEquals(1, routing.routes().stream().filter(r -> r.gsi() == 25).count(), "one route per MSI GSI");
            routing.removeMsi(25);
            routing.removeMsi(24);
            routing.removeMsi(24);
            assertEquals(GsiRouting.pcRoutes(), routing.routes());
            assertEquals(1 << 2, pinsRaisedBy(vm, 0));
        }
    }

    @Test
    void msiRoutesStayOffTheIrqchipGsis() {
        try (RealModeGuest guest = RealModeGuest.create(true)) {
            GsiRouting routing = new GsiRouting(guest.vm);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> routing.routeMsi(23, new MsiMessage(0xFEE0_0000L, 0x41)));
            assertTrue(e.getMessage().contains("GSI 23 is not an MSI GSI (24..4095)"), e.getMessage());
            assertEquals(GsiRouting.pcRoutes(), routing.routes());
        }
    }
}
