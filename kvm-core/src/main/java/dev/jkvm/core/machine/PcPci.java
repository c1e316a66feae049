package dev.jkvm.core.machine;

import dev.jkvm.core.pci.BusBarMapper;
import dev.jkvm.core.pci.DoorbellNotifier;
import dev.jkvm.core.pci.GsiRouting;
import dev.jkvm.core.pci.KvmMsiVectors;
import dev.jkvm.devices.block.RawImage;
import dev.jkvm.devices.irq.InterruptLine;
import dev.jkvm.devices.pci.PciBarAllocator;
import dev.jkvm.devices.pci.PciHostBridge;
import dev.jkvm.devices.pci.PciInterruptRouting;
import dev.jkvm.devices.pci.PciRootBus;
import dev.jkvm.devices.pci.SharedInterruptLine;
import dev.jkvm.devices.virtio.blk.VirtioBlk;
import dev.jkvm.devices.virtio.pci.VirtioPciTransport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The PC's PCI bus 0 as jkvm assembles it: the 440FX host bridge in slot 0, configuration mechanism #1 at 0xCF8
 * and 0xCFC, ECAM at {@link PciRootBus#ECAM_BASE}, and one virtio-blk PCI function per configured drive in slots
 * 2, 3, … (QEMU's {@code -nodefaults} order), each with its BARs placed in the PC windows as firmware would, its
 * INTA# on the GSI {@link PciInterruptRouting} gives its slot, MSI-X through KVM irqfds and kicks through KVM
 * ioeventfds served by the machine's {@value DoorbellNotifier#THREAD_NAME} thread.
 */
public final class PcPci implements AutoCloseable {
    /** The host bridge's slot. */
    public static final int HOST_BRIDGE_SLOT = 0;
    /** The first drive's slot; slot 1 stays empty, where QEMU's PC has its PIIX3. */
    public static final int FIRST_DRIVE_SLOT = 2;
    /** I/O threads each virtio-blk device runs its requests on. */
    public static final int BLK_IO_THREADS = 4;
    /** INTx pin every jkvm function uses: INTA#. */
    private static final int INTA = 0;
    /** What the host bridge's INTx drives: nothing, it has no interrupt pin. */
    private static final InterruptLine NO_INTERRUPT_PIN = asserted -> { };

    /** One drive as the guest sees it: where it is plugged and the objects serving it. */
    public record PluggedDrive(Drive drive, int slot, RawImage image, VirtioBlk device, VirtioPciTransport transport,
                               BusBarMapper bars) {
    }

    private final PciRootBus rootBus;
    private final DoorbellNotifier notifier;
    private final KvmMsiVectors vectors;
    private final List<PluggedDrive> drives;

    private PcPci(PciRootBus rootBus, DoorbellNotifier notifier, KvmMsiVectors vectors, List<PluggedDrive> drives) {
        this.rootBus = rootBus;
        this.notifier = notifier;
        this.vectors = vectors;
        this.drives = List.copyOf(drives);
    }

    /**
     * Builds the bus and its functions and registers them on the machine's buses. A drive that cannot be opened
     * (its BlockDeviceException propagates unchanged) or any other failure leaves nothing open or running.
     */
    public static PcPci install(PlatformContext pc, GsiRouting routing) {
        PciRootBus rootBus = new PciRootBus();
        DoorbellNotifier notifier = new DoorbellNotifier(pc.vm());
        KvmMsiVectors vectors = new KvmMsiVectors(pc.vm(), routing);
        List<PluggedDrive> plugged = new ArrayList<>();
        Assembly assembly = new Assembly(notifier, vectors, plugged);
        try {
            rootBus.plug(HOST_BRIDGE_SLOT, new PciHostBridge(),
                    new BusBarMapper("host bridge", pc.portIo(), pc.mmio(), notifier), NO_INTERRUPT_PIN);
            pc.portIo().register("PCI CONFIG_ADDRESS", PciRootBus.CONFIG_ADDRESS_PORT, PciRootBus.CONFIG_ADDRESS_LENGTH,
                    rootBus.configAddressPort());
            pc.portIo().register("PCI CONFIG_DATA", PciRootBus.CONFIG_DATA_PORT, PciRootBus.CONFIG_DATA_LENGTH,
                    rootBus.configDataPort());
            pc.mmio().register("PCI ECAM", PciRootBus.ECAM_BASE, PciRootBus.ECAM_SIZE, rootBus.ecam());

            PciBarAllocator allocator = PciBarAllocator.pc();
            Map<Integer, SharedInterruptLine> intxLines = new HashMap<>();
            List<Drive> configured = pc.config().drives();
            for (int i = 0; i < configured.size(); i++) {
                Drive drive = configured.get(i);
                int slot = FIRST_DRIVE_SLOT + i;
                if (slot >= PciRootBus.SLOT_COUNT) {
                    throw new IllegalArgumentException("drive " + drive.id() + ": PCI bus 0 has no slot left (at most "
                            + (PciRootBus.SLOT_COUNT - FIRST_DRIVE_SLOT) + " drives)");
                }
                int gsi = PciInterruptRouting.gsi(slot, INTA);
                InterruptLine intx = intxLines.computeIfAbsent(gsi,
                        g -> new SharedInterruptLine(new KvmInterruptLine(pc.vm(), g))).newInput();
                plugged.add(assembly.plugDrive(pc, rootBus, allocator, drive, slot, intx));
            }
            return new PcPci(rootBus, notifier, vectors, plugged);
        } catch (RuntimeException e) {
            assembly.closeAll(e);
            throw e;
        }
    }

    public PciRootBus rootBus() {
        return rootBus;
    }

    /** The drives in slot order. */
    public List<PluggedDrive> drives() {
        return drives;
    }

    public DoorbellNotifier notifier() {
        return notifier;
    }

    public KvmMsiVectors msiVectors() {
        return vectors;
    }

    /**
     * Stops the notify thread first (no doorbell rings into a device being torn down), then for each drive, last
     * first: the transport (resets the device, closes its vectors), the device (its I/O threads), the image (its
     * lock and fd) and the BAR claims; finally any vector left open.
     */
    @Override
    public void close() {
        RuntimeException failure = new Assembly(notifier, vectors, new ArrayList<>(drives)).closeAll(null);
        if (failure != null) {
            throw failure;
        }
    }

    /** What has been made so far, so a failure half-way closes exactly that, in the same order as close. */
    private record Assembly(DoorbellNotifier notifier, KvmMsiVectors vectors, List<PluggedDrive> plugged) {
        /** Pieces of the drive being plugged, before it is whole. */
        private static final class Partial {
            private RawImage image;
            private VirtioBlk device;
            private VirtioPciTransport transport;
            private BusBarMapper bars;
        }

        PluggedDrive plugDrive(PlatformContext pc, PciRootBus rootBus, PciBarAllocator allocator, Drive drive, int slot,
                               InterruptLine intx) {
            Partial partial = new Partial();
            try {
                partial.image = RawImage.open(drive.file(), drive.readOnly(), drive.cache());
                partial.device = new VirtioBlk(drive.id(), partial.image, drive.serial(), BLK_IO_THREADS);
                partial.transport = new VirtioPciTransport(drive.id(), partial.device, pc.memory(), vectors);
                partial.bars = new BusBarMapper(drive.id(), pc.portIo(), pc.mmio(), notifier);
                rootBus.plug(slot, partial.transport, partial.bars, intx);
                allocator.place(partial.transport);
                return new PluggedDrive(drive, slot, partial.image, partial.device, partial.transport, partial.bars);
            } catch (RuntimeException e) {
                RuntimeException failure = closeDrive(partial.transport, partial.device, partial.image, partial.bars);
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                throw e;
            }
        }

        /** Closes everything; returns the first failure (added to {@code cause} as suppressed when given). */
        RuntimeException closeAll(RuntimeException cause) {
            List<RuntimeException> failures = new ArrayList<>();
            collect(failures, notifier::close);
            for (int i = plugged.size() - 1; i >= 0; i--) {
                PluggedDrive d = plugged.get(i);
                RuntimeException failure = closeDrive(d.transport(), d.device(), d.image(), d.bars());
                if (failure != null) {
                    failures.add(failure);
                }
            }
            collect(failures, vectors::close);
            if (cause != null) {
                failures.forEach(cause::addSuppressed);
            }
            return failures.isEmpty() ? null : failures.getFirst();
        }

        private static RuntimeException closeDrive(VirtioPciTransport transport, VirtioBlk device, RawImage image,
                                                   BusBarMapper bars) {
            List<RuntimeException> failures = new ArrayList<>();
            if (transport != null) {
                collect(failures, transport::close);
            }
            if (device != null) {
                collect(failures, device::close);
            }
            if (image != null) {
                collect(failures, image::close);
            }
            if (bars != null) {
                collect(failures, bars::unmapAll);
            }
            if (failures.isEmpty()) {
                return null;
            }
            failures.subList(1, failures.size()).forEach(failures.getFirst()::addSuppressed);
            return failures.getFirst();
        }

        private static void collect(List<RuntimeException> failures, Runnable step) {
            try {
                step.run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }
}
