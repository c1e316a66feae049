package dev.jkvm.core.pci;

import dev.jkvm.core.RealModeGuest;
import dev.jkvm.core.bus.IoBus;
import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.pci.Doorbell;
import dev.jkvm.devices.pci.PciBar;
import dev.jkvm.devices.pci.PciBarKind;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BARs on the buses and their doorbells on KVM ioeventfds, driven by a guest: a kick of the doorbell's width rings
 * on the notify thread without an exit; other writes reach the BAR handler; moves and unmaps follow the BAR.
 */
class BusBarMapperTest {
    /** Where the test guest reads the segment of the BAR it writes to. */
    private static final long SEGMENT_VARIABLE = 0x0F00;
    /** The doorbell's offset in the BAR (the virtio notify region's, in jkvm's layout). */
    private static final long DOORBELL_OFFSET = 0x3000;
    /** Size of the test BAR. */
    private static final long BAR_SIZE = 0x4000;

    /**
     * mov ax, [0x0F00]; mov ds, ax; mov word [0x3000], 1 (the kick); mov byte [0x3000], 2 (another width: exits);
     * mov dword [0x10], 0xDEADBEEF (a register write: exits); hlt.
     */
    private static final byte[] GUEST = HexFormat.of().parseHex(
            "a1000f" + "8ed8" + "c70600300100" + "c606003002" + "66c7061000efbeadde" + "f4");

    /** Records writes as "offset/size=value" in hex. */
    static final class Registers implements BusDevice {
        final List<String> writes = new CopyOnWriteArrayList<>();

        @Override
        public long read(long offset, int size) {
            return 0;
        }

        @Override
        public void write(long offset, int size, long value) {
            writes.add(String.format("%x/%d=%x", offset, size, value));
        }
    }

    /** Counts rings and remembers which thread they came on. */
    static final class Rings {
        final Semaphore rung = new Semaphore(0);
        final List<String> threads = new CopyOnWriteArrayList<>();

        void ring() {
            threads.add(Thread.currentThread().getName());
            rung.release();
        }

        boolean await() throws InterruptedException {
            return rung.tryAcquire(5, TimeUnit.SECONDS);
        }
    }

    private static void kick(RealModeGuest guest, IoBus ports, IoBus mmio, long barAddress) {
        guest.memory.write(SEGMENT_VARIABLE, new byte[] {(byte) (barAddress >> 4), (byte) (barAddress >> 12)});
        guest.load(GUEST);
        guest.run(ports, mmio);
    }

    @Test
    void aMappedBarDecodesAndItsDoorbellRingsOnTheNotifyThread() throws Exception {
        IoBus ports = new IoBus("port I/O");
        IoBus mmio = new IoBus("MMIO");
        Registers registers = new Registers();
        Rings rings = new Rings();
        PciBar bar = new PciBar(4, PciBarKind.MEMORY64, BAR_SIZE, true, registers,
                List.of(new Doorbell(DOORBELL_OFFSET, 2, "test queue 0", rings::ring)));
        try (RealModeGuest guest = RealModeGuest.create(false);
             DoorbellNotifier notifier = new DoorbellNotifier(guest.vm)) {
            BusBarMapper mapper = new BusBarMapper("test-dev", ports, mmio, notifier);
            mapper.map(bar, 0x2_0000);
            assertEquals("test-dev BAR4", mmio.find(0x2_0000).name());
            assertEquals(0x2_0000 + DOORBELL_OFFSET, notifier.watches().getFirst().address());

            kick(guest, ports, mmio, 0x2_0000);
            assertTrue(rings.await(), "the kick rang the doorbell");
            assertEquals(List.of(DoorbellNotifier.THREAD_NAME), rings.threads);
            assertEquals(List.of("3000/1=2", "10/4=deadbeef"), registers.writes,
                    "the kick never reached the handler; the other writes did");

            mapper.map(bar, 0x2_0000);
            assertEquals(1, notifier.watches().size(), "mapping at the same address again changes nothing");

            mapper.map(bar, 0x3_0000);
            assertNull(mmio.find(0x2_0000), "moved away");
            assertSame(registers, mmio.find(0x3_0000 + BAR_SIZE - 1).device());
            assertEquals(List.of(0x3_0000 + DOORBELL_OFFSET), notifier.watches().stream().map(w -> w.address()).toList());
            registers.writes.clear();
            kick(guest, ports, mmio, 0x3_0000);
            assertTrue(rings.await(), "the kick at the new address rang");
            assertEquals(List.of("3000/1=2", "10/4=deadbeef"), registers.writes);

            mapper.unmap(bar);
            assertTrue(notifier.watches().isEmpty(), "unmapping deassigns the ioeventfd");
            assertNull(mmio.find(0x3_0000));
            kick(guest, ports, mmio, 0x3_0000);
            assertEquals(2, mmio.unclaimedCount(0x3_0000 + DOORBELL_OFFSET), "the kick (and the byte write) now exit to"
                    + " nothing");
            assertFalse(rings.rung.tryAcquire(100, TimeUnit.MILLISECONDS), "and rings nothing");
            mapper.unmap(bar);
        }
    }

    @Test
    void aDoorbellWithItsOwnEventfdIsSignalledByKvmWithNoHopThroughTheNotifyThread() throws Exception {
        IoBus ports = new IoBus("port I/O");
        IoBus mmio = new IoBus("MMIO");
        Registers registers = new Registers();
        Rings rings = new Rings();
        try (EventFd devices = EventFd.create()) {
            PciBar bar = new PciBar(4, PciBarKind.MEMORY64, BAR_SIZE, true, registers, List.of(new Doorbell(
                    DOORBELL_OFFSET, 2, "direct queue", rings::ring, OptionalInt.of(devices.fd()))));
            try (RealModeGuest guest = RealModeGuest.create(false);
                 DoorbellNotifier notifier = new DoorbellNotifier(guest.vm)) {
                BusBarMapper mapper = new BusBarMapper("direct-dev", ports, mmio, notifier);
                mapper.map(bar, 0x2_0000);
                assertTrue(notifier.watches().getFirst().direct());

                kick(guest, ports, mmio, 0x2_0000);
                assertEquals(1, devices.drain(), "KVM signalled the device's eventfd for the kick");
                assertEquals(List.of("3000/1=2", "10/4=deadbeef"), registers.writes,
                        "the kick never reached the handler; the other writes did");
                assertFalse(rings.rung.tryAcquire(100, TimeUnit.MILLISECONDS), "the notify thread rang nothing");

                mapper.map(bar, 0x3_0000);
                kick(guest, ports, mmio, 0x3_0000);
                assertEquals(1, devices.drain(), "the ioeventfd followed the BAR");
                mapper.unmap(bar);
                assertTrue(notifier.watches().isEmpty());
                kick(guest, ports, mmio, 0x3_0000);
                assertEquals(0, devices.drain(), "unmapped: the kick signals nothing");
            }
            devices.signal();
            assertEquals(1, devices.drain(), "the notifier left the device's eventfd open");
            assertTrue(rings.threads.isEmpty());
        }
    }

    @Test
    void aDoorbellThatThrowsIsLoggedAndTheThreadGoesOn() throws Exception {
        IoBus ports = new IoBus("port I/O");
        IoBus mmio = new IoBus("MMIO");
        Rings rings = new Rings();
        int[] calls = {0};
        Runnable flaky = () -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("device in a bad mood");
            }
            rings.ring();
        };
        PciBar bar = new PciBar(1, PciBarKind.MEMORY32, BAR_SIZE, false, new Registers(),
                List.of(new Doorbell(DOORBELL_OFFSET, 2, "flaky queue", flaky)));
        try (RealModeGuest guest = RealModeGuest.create(false);
             DoorbellNotifier notifier = new DoorbellNotifier(guest.vm)) {
            new BusBarMapper("flaky-dev", ports, mmio, notifier).map(bar, 0x2_0000);
            kick(guest, ports, mmio, 0x2_0000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (calls[0] == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, calls[0], "the first kick reached the throwing doorbell");
            kick(guest, ports, mmio, 0x2_0000);
            assertTrue(rings.await(), "the notify thread survived the exception and served the next kick");
        }
    }

    @Test
    void aDoorbellKvmRefusesFallsBackToTheBarHandler() {
        IoBus ports = new IoBus("port I/O");
        IoBus mmio = new IoBus("MMIO");
        Doorbell doorbell = new Doorbell(DOORBELL_OFFSET, 2, "queue", () -> { });
        try (RealModeGuest guest = RealModeGuest.create(false);
             DoorbellNotifier notifier = new DoorbellNotifier(guest.vm)) {
            assertTrue(notifier.watch(doorbell, 0x2_3000, true).isPresent());
            assertTrue(notifier.watch(doorbell, 0x2_3000, true).isEmpty(), "KVM refuses a second identical ioeventfd");
            assertEquals(1, notifier.watches().size());
        }
    }

    @Test
    void barsTheBusesCannotTakeStayUndecoded() {
        IoBus ports = new IoBus("port I/O");
        IoBus mmio = new IoBus("MMIO");
        mmio.register("ECAM", 0xE000_0000L, 0x1000_0000L, new Registers());
        ports.register("CONFIG_DATA", 0xCFC, 4, new Registers());
        PciBar memory = new PciBar(1, PciBarKind.MEMORY32, 0x1000, false, new Registers(), List.of());
        PciBar io = new PciBar(0, PciBarKind.IO, 0x20, false, new Registers(), List.of());
        try (RealModeGuest guest = RealModeGuest.create(false);
             DoorbellNotifier notifier = new DoorbellNotifier(guest.vm)) {
            BusBarMapper mapper = new BusBarMapper("dev", ports, mmio, notifier);
            mapper.map(memory, 0xE000_1000L);
            assertTrue(mapper.mapping(memory).isEmpty(), "a BAR over ECAM is not decoded");
            mapper.map(memory, 0xC000_0000L);
            assertEquals(0xC000_0000L, mapper.mapping(memory).orElseThrow().base());
            mapper.map(memory, 0xE000_0000L);
            assertEquals(0xC000_0000L, mapper.mapping(memory).orElseThrow().base(), "a refused move keeps the BAR");

            mapper.map(io, 0xC000);
            assertEquals("dev BAR0", ports.find(0xC01F).name(), "I/O BARs go on the port bus");
            mapper.map(io, 0xCE0);
            assertEquals(0xC000, mapper.mapping(io).orElseThrow().base(), "over CONFIG_DATA: refused");
            mapper.unmapAll();
            assertNull(ports.find(0xC000));
            assertNull(mmio.find(0xC000_0000L));
        }
    }
}
