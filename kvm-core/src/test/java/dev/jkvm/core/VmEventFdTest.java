package dev.jkvm.core;

import dev.jkvm.core.bus.IoBus;
import dev.jkvm.core.pci.EventFd;
import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.headers.NativeException;
import dev.jkvm.headers.kvm.KvmConstants;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KVM ioeventfds, irqfds and GSI routing through {@link Vm}, against this host's /dev/kvm. */
class VmEventFdTest {
    /** Where the guest's MMIO doorbell is: above its 64 KiB of RAM. */
    private static final long DOORBELL = 0x2_0000;
    /** The port doorbell. */
    private static final int PORT_DOORBELL = 0xF0;

    /**
     * mov ax, 0x2000; mov ds, ax; mov word [0], 0x1234 (matched: 2 bytes at 0x20000); mov byte [0], 0x56 (1 byte:
     * not matched); mov word [0x10], 0x5678 (another address); mov dx, 0xF0; mov ax, 1; out dx, ax (matched port
     * write); out dx, al (1 byte: not matched); hlt.
     */
    private static final byte[] GUEST = HexFormat.of().parseHex(
            "b80020" + "8ed8" + "c70600003412" + "c606000056" + "c70610007856" + "baf000" + "b80100" + "ef" + "ee" + "f4");

    /** Records writes as "address/size=value" in hex. */
    static final class Recorder implements BusDevice {
        final List<String> writes = new ArrayList<>();
        private final long base;

        Recorder(long base) {
            this.base = base;
        }

        @Override
        public long read(long offset, int size) {
            return 0;
        }

        @Override
        public void write(long offset, int size, long value) {
            writes.add(String.format("%x/%d=%x", base + offset, size, value));
        }
    }

    @Test
    void ioeventfdsSignalMatchedWritesInsideKvmAndLetTheRestExit() {
        try (RealModeGuest guest = RealModeGuest.create(false);
             EventFd mmioFd = EventFd.create();
             EventFd portFd = EventFd.create()) {
            assertTrue(guest.kvm.has(KvmConstants.KVM_CAP_IOEVENTFD), "this host's KVM has no ioeventfd");
            IoBus ports = new IoBus("port I/O");
            IoBus mmio = new IoBus("MMIO");
            Recorder mmioDevice = new Recorder(DOORBELL);
            Recorder portDevice = new Recorder(PORT_DOORBELL);
            mmio.register("doorbell page", DOORBELL, 0x1000, mmioDevice);
            ports.register("doorbell port", PORT_DOORBELL, 2, portDevice);
            guest.vm.ioeventfd(DOORBELL, 2, mmioFd.fd(), true);
            guest.vm.ioeventfd(PORT_DOORBELL, 2, portFd.fd(), false);

            guest.load(GUEST);
            guest.run(ports, mmio);
            assertEquals(1, mmioFd.drain(), "the 2-byte MMIO write signalled the eventfd");
            assertEquals(1, portFd.drain(), "the 2-byte port write signalled the eventfd");
            assertEquals(List.of("20000/1=56", "20010/2=5678"), mmioDevice.writes,
                    "only writes the ioeventfd does not match reach the bus");
            assertEquals(List.of("f0/1=1"), portDevice.writes);

            guest.vm.ioeventfdDeassign(DOORBELL, 2, mmioFd.fd(), true);
            guest.vm.ioeventfdDeassign(PORT_DOORBELL, 2, portFd.fd(), false);
            mmioDevice.writes.clear();
            portDevice.writes.clear();
            guest.load(GUEST);
            guest.run(ports, mmio);
            assertEquals(0, mmioFd.drain(), "deassigned: no signal");
            assertEquals(0, portFd.drain());
            assertEquals(List.of("20000/2=1234", "20000/1=56", "20010/2=5678"), mmioDevice.writes);
            assertEquals(List.of("f0/2=1", "f0/1=1"), portDevice.writes);
        }
    }

    @Test
    void ioeventfdErrorsNameTheCallAndErrno() {
        try (RealModeGuest guest = RealModeGuest.create(false); EventFd fd = EventFd.create()) {
            VmmException unknown = assertThrows(VmmException.class,
                    () -> guest.vm.ioeventfdDeassign(DOORBELL, 2, fd.fd(), true));
            assertTrue(unknown.getMessage().startsWith("KVM refused ioeventfd deassign (MMIO 0x20000, 2 bytes, eventfd "),
                    unknown.getMessage());
            assertEquals("ENOENT", assertInstanceOf(NativeException.class, unknown.getCause()).errnoName());
            guest.vm.ioeventfd(DOORBELL, 2, fd.fd(), true);
            VmmException twice = assertThrows(VmmException.class, () -> guest.vm.ioeventfd(DOORBELL, 2, fd.fd(), true));
            assertEquals("EEXIST", ((NativeException) twice.getCause()).errnoName());
        }
    }

    @Test
    void anIrqfdBindsOneEventfdToOneGsiUntilDeassigned() {
        try (RealModeGuest guest = RealModeGuest.create(true); EventFd fd = EventFd.create()) {
            assertTrue(guest.kvm.has(KvmConstants.KVM_CAP_IRQFD), "this host's KVM has no irqfd");
            guest.vm.irqfd(30, fd.fd());
            VmmException busy = assertThrows(VmmException.class, () -> guest.vm.irqfd(31, fd.fd()));
            assertEquals("EBUSY", ((NativeException) busy.getCause()).errnoName(), busy.getMessage());
            assertTrue(busy.getMessage().contains("irqfd assign (gsi 31, eventfd " + fd.fd() + ")"), busy.getMessage());
            guest.vm.irqfdDeassign(30, fd.fd());
            guest.vm.irqfd(31, fd.fd());
            guest.vm.irqfdDeassign(31, fd.fd());
        }
    }

    @Test
    void gsiRoutingRefusedByKvmIsAVmmExceptionWithTheErrno() {
        try (RealModeGuest guest = RealModeGuest.create(true)) {
            guest.vm.setGsiRouting(List.of(new GsiRoute.Irqchip(5, KvmConstants.KVM_IRQCHIP_IOAPIC, 5),
                    new GsiRoute.Msi(40, 0xFEE0_0000L, 0x30)));
            // The in-kernel I/O APIC has 24 pins.
            VmmException e = assertThrows(VmmException.class, () -> guest.vm.setGsiRouting(
                    List.of(new GsiRoute.Irqchip(5, KvmConstants.KVM_IRQCHIP_IOAPIC, 40))));
            assertEquals("EINVAL", ((NativeException) e.getCause()).errnoName());
            assertTrue(e.getMessage().startsWith("KVM refused setting 1 GSI routes"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new GsiRoute.Msi(GsiRoute.MAX_GSI + 1, 0, 0));
    }
}
