package dev.jkvm.core.pci;

import dev.jkvm.core.GsiRoute;
import dev.jkvm.core.RealModeGuest;
import dev.jkvm.core.x86.cpu.LocalApic;
import dev.jkvm.devices.pci.msi.MsiMessage;
import dev.jkvm.devices.pci.msi.MsiVector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MSI vectors through KVM irqfds and GSI routes, observed in the target vCPU's local APIC IRR. */
class KvmMsiVectorsTest {
    /** The local APIC's MSI address with destination APIC ID 0, physical mode. */
    private static final long APIC_0 = 0xFEE0_0000L;
    /** Spurious-vector register value with bit 8 set: the APIC is software-enabled and accepts interrupts. */
    private static final int APIC_SOFTWARE_ENABLED = 0x1FF;
    /** Offset of the first IRR register; each covers 32 vectors and they are 16 bytes apart. */
    private static final int IRR = 0x200;
    /** How long an irqfd signal may take to reach the APIC (KVM may inject from a work queue). */
    private static final Duration DELIVERY = Duration.ofSeconds(5);

    private static boolean pending(RealModeGuest guest, int vector) {
        int irr = LocalApic.read(guest.vcpu).register(IRR + (vector / 32) * 0x10);
        return (irr & (1 << (vector % 32))) != 0;
    }

    private static boolean awaitPending(RealModeGuest guest, int vector) throws InterruptedException {
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (System.nanoTime() < deadline) {
            if (pending(guest, vector)) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    private static RealModeGuest guestWithEnabledApic() {
        RealModeGuest guest = RealModeGuest.create(true);
        LocalApic.write(guest.vcpu, LocalApic.read(guest.vcpu).withRegister(LocalApic.SPURIOUS_VECTOR,
                APIC_SOFTWARE_ENABLED));
        return guest;
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aRoutedVectorFiresItsMessageIntoTheApic() throws Exception {
        try (RealModeGuest guest = guestWithEnabledApic()) {
            GsiRouting routing = new GsiRouting(guest.vm);
            try (KvmMsiVectors vectors = new KvmMsiVectors(guest.vm, routing)) {
                MsiVector vector = vectors.create("test vector 0");
                assertEquals(List.of(GsiRouting.FIRST_MSI_GSI), vectors.gsis());
                vector.fire();
                Thread.sleep(50);
                assertFalse(pending(guest, 0x41), "an unrouted vector fires nothing");

                vector.route(new MsiMessage(APIC_0, 0x41));
                assertTrue(routing.routes().contains(new GsiRoute.Msi(GsiRouting.FIRST_MSI_GSI, APIC_0, 0x41)));
                vector.fire();
                assertTrue(awaitPending(guest, 0x41), "vector 0x41 pending in the APIC after fire()");

                vector.route(new MsiMessage(APIC_0, 0x52));
                vector.fire();
                assertTrue(awaitPending(guest, 0x52), "a re-routed vector sends the new message");
                vector.close();
                assertEquals(List.of(), vectors.gsis());
                assertEquals(GsiRouting.pcRoutes(), routing.routes(), "closing drops the vector's route");
                vector.fire();
                vector.close();
            }
        }
    }

    @Test
    void gsisAreHandedOutLowestFirstAndReused() {
        try (RealModeGuest guest = RealModeGuest.create(true)) {
            KvmMsiVectors vectors = new KvmMsiVectors(guest.vm, new GsiRouting(guest.vm));
            MsiVector a = vectors.create("a");
            MsiVector b = vectors.create("b");
            MsiVector c = vectors.create("c");
            assertEquals(List.of(24, 25, 26), vectors.gsis());
            b.close();
            assertEquals(List.of(24, 26), vectors.gsis());
            MsiVector d = vectors.create("d");
            assertEquals(List.of(24, 25, 26), vectors.gsis());
            assertTrue(d.toString().startsWith("d (GSI 25, eventfd "), d.toString());
            vectors.close();
            assertEquals(List.of(), vectors.gsis(), "close() closes the vectors still open");
            a.close();
            c.close();
            assertThrows(IllegalStateException.class, () -> vectors.create("late"));
        }
    }

    @Test
    void vectorsGiveBackTheirEventfds() throws IOException {
        try (RealModeGuest guest = RealModeGuest.create(true)) {
            GsiRouting routing = new GsiRouting(guest.vm);
            long before = openFds();
            try (KvmMsiVectors vectors = new KvmMsiVectors(guest.vm, routing)) {
                for (int i = 0; i < 100; i++) {
                    MsiVector vector = vectors.create("v" + i);
                    vector.route(new MsiMessage(APIC_0, 0x40 + i % 16));
                    vector.fire();
                    vector.close();
                }
            }
            assertEquals(before, openFds(), "open fds after 100 vectors");
        }
    }
}
