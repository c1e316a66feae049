package dev.jkvm.core.machine;

import dev.jkvm.core.VmmException;
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
import dev.jkvm.devices.virtio.net.VirtioNet;
import dev.jkvm.devices.virtio.pci.VirtioPciTransport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The PC's PCI bus 0 as jkvm assembles it: the 440FX host bridge in slot 0, configuration mechanism #1 at 0xCF8
 * and 0xCFC, ECAM at {@link PciRootBus#ECAM_BASE}, and one virtio PCI function per configured
 * {@link PciFunction} in slots 2, 3, … in the configuration's order (QEMU's {@code -nodefaults} numbering): a
 * virtio-blk function per drive, a virtio-net function per NIC on its tap. Each has its BARs placed in the PC
 * windows as firmware would, its INTA# on the GSI {@link PciInterruptRouting} gives its slot, MSI-X through KVM
 * irqfds and kicks through KVM ioeventfds served by the machine's {@value DoorbellNotifier#THREAD_NAME} thread.
 */
public final class PcPci implements AutoCloseable {
    /** The host bridge's slot. */
    public static final int HOST_BRIDGE_SLOT = 0;
    /** The first virtio function's slot; slot 1 stays empty, where QEMU's PC has its PIIX3. */
    public static final int FIRST_DRIVE_SLOT = 2;
    /** I/O threads each virtio-blk device runs its requests on. */
    public static final int BLK_IO_THREADS = 4;
    /** INTx pin every jkvm function uses: INTA#. */
    private static final int INTA = 0;
    /** What the host bridge's INTx drives: nothing, it has no interrupt pin. */
    private static final InterruptLine NO_INTERRUPT_PIN = asserted -> { };

    /** A function as the guest sees it: where it is plugged and the objects serving it. */
    public sealed interface Plugged permits PluggedDrive, PluggedNic {
        int slot();

        VirtioPciTransport transport();

        BusBarMapper bars();
    }

    /** One drive as the guest sees it: where it is plugged and the objects serving it. */
    public record PluggedDrive(Drive drive, int slot, RawImage image, VirtioBlk device, VirtioPciTransport transport,
                               BusBarMapper bars) implements Plugged {
    }

    /** One NIC as the guest sees it: where it is plugged, its tap and the objects serving it. */
    public record PluggedNic(Nic nic, int slot, NicLink link, VirtioNet device, VirtioPciTransport transport,
                             BusBarMapper bars) implements Plugged {
    }

    private final PciRootBus rootBus;
    private final DoorbellNotifier notifier;
    private final KvmMsiVectors vectors;
    private final List<Plugged> functions;

    private PcPci(PciRootBus rootBus, DoorbellNotifier notifier, KvmMsiVectors vectors, List<Plugged> functions) {
        this.rootBus = rootBus;
        this.notifier = notifier;
        this.vectors = vectors;
        this.functions = List.copyOf(functions);
    }

    /**
     * Builds the bus and its functions and registers them on the machine's buses, opening each NIC's tap. A drive
     * that cannot be opened (its BlockDeviceException propagates unchanged), a tap that cannot be opened or attached
     * (its TapException, likewise) or any other failure leaves nothing open or running.
     */
    public static PcPci install(PlatformContext pc, GsiRouting routing) {
        return install(pc, routing, TapAttachment::open);
    }

    /** As {@link #install(PlatformContext, GsiRouting)}, with the NICs' host ends opened by {@code links}. */
    static PcPci install(PlatformContext pc, GsiRouting routing, Function<Nic, NicLink> links) {
        PciRootBus rootBus = new PciRootBus();
        DoorbellNotifier notifier = new DoorbellNotifier(pc.vm());
        KvmMsiVectors vectors = new KvmMsiVectors(pc.vm(), routing);
        List<Plugged> plugged = new ArrayList<>();
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
            List<PciFunction> configured = pc.config().pciFunctions();
            for (int i = 0; i < configured.size(); i++) {
                PciFunction function = configured.get(i);
                int slot = FIRST_DRIVE_SLOT + i;
                if (slot >= PciRootBus.SLOT_COUNT) {
                    throw new IllegalArgumentException(function.id() + ": PCI bus 0 has no slot left (at most "
                            + (PciRootBus.SLOT_COUNT - FIRST_DRIVE_SLOT) + " drives and NICs)");
                }
                int gsi = PciInterruptRouting.gsi(slot, INTA);
                InterruptLine intx = intxLines.computeIfAbsent(gsi,
                        g -> new SharedInterruptLine(new KvmInterruptLine(pc.vm(), g))).newInput();
                plugged.add(switch (function) {
                    case PciFunction.Disk(Drive drive) -> assembly.plugDrive(pc, rootBus, allocator, drive, slot, intx);
                    case PciFunction.Network(Nic nic) ->
                            assembly.plugNic(pc, rootBus, allocator, nic, links, slot, intx);
                });
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

    /** Every virtio function in slot order. */
    public List<Plugged> functions() {
        return functions;
    }

    /** The drives in slot order. */
    public List<PluggedDrive> drives() {
        return functions.stream().<PluggedDrive>mapMulti((function, out) -> {
            if (function instanceof PluggedDrive drive) {
                out.accept(drive);
            }
        }).toList();
    }

    /** The NICs in slot order. */
    public List<PluggedNic> nics() {
        return functions.stream().<PluggedNic>mapMulti((function, out) -> {
            if (function instanceof PluggedNic nic) {
                out.accept(nic);
            }
        }).toList();
    }

    public DoorbellNotifier notifier() {
        return notifier;
    }

    public KvmMsiVectors msiVectors() {
        return vectors;
    }

    /**
     * Stops the notify thread first (no doorbell rings into a device being torn down), then for each function, last
     * first: the transport (resets the device, closes its vectors), the device (a drive's I/O threads and then its
     * image's lock and fd; a NIC's receive thread and then its tap, which the kernel removes if jkvm created it) and
     * the BAR claims; finally any vector left open.
     */
    @Override
    public void close() {
        RuntimeException failure = new Assembly(notifier, vectors, new ArrayList<>(functions)).closeAll(null);
        if (failure != null) {
            throw failure;
        }
    }

    /** What has been made so far, so a failure half-way closes exactly that, in the same order as close. */
    private record Assembly(DoorbellNotifier notifier, KvmMsiVectors vectors, List<Plugged> plugged) {
        /** Pieces of the drive being plugged, before it is whole. */
        private static final class PartialDrive {
            private RawImage image;
            private VirtioBlk device;
            private VirtioPciTransport transport;
            private BusBarMapper bars;
        }

        /** Pieces of the NIC being plugged, before it is whole. */
        private static final class PartialNic {
            private NicLink link;
            private VirtioNet device;
            private VirtioPciTransport transport;
            private BusBarMapper bars;
        }

        PluggedDrive plugDrive(PlatformContext pc, PciRootBus rootBus, PciBarAllocator allocator, Drive drive, int slot,
                               InterruptLine intx) {
            PartialDrive partial = new PartialDrive();
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

        PluggedNic plugNic(PlatformContext pc, PciRootBus rootBus, PciBarAllocator allocator, Nic nic,
                           Function<Nic, NicLink> links, int slot, InterruptLine intx) {
            PartialNic partial = new PartialNic();
            try {
                partial.link = links.apply(nic);
                partial.device = new VirtioNet(nic.id(), partial.link.backend(), nic.mac().toBytes(),
                        partial.link.mtu());
                partial.transport = new VirtioPciTransport(nic.id(), partial.device, pc.memory(), vectors);
                partial.bars = new BusBarMapper(nic.id(), pc.portIo(), pc.mmio(), notifier);
                rootBus.plug(slot, partial.transport, partial.bars, intx);
                allocator.place(partial.transport);
                return new PluggedNic(nic, slot, partial.link, partial.device, partial.transport, partial.bars);
            } catch (RuntimeException e) {
                RuntimeException failure = closeNic(partial.transport, partial.device, partial.link, partial.bars);
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
                RuntimeException failure = switch (plugged.get(i)) {
                    case PluggedDrive d -> closeDrive(d.transport(), d.device(), d.image(), d.bars());
                    case PluggedNic n -> closeNic(n.transport(), n.device(), n.link(), n.bars());
                };
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
            return first(failures);
        }

        /** The device closes the link's backend; a link whose device was never built is closed here. */
        private static RuntimeException closeNic(VirtioPciTransport transport, VirtioNet device, NicLink link,
                                                 BusBarMapper bars) {
            List<RuntimeException> failures = new ArrayList<>();
            if (transport != null) {
                collect(failures, transport::close);
            }
            if (device != null) {
                collect(failures, () -> closeChecked(device, "NIC " + device.id()));
            } else if (link != null) {
                collect(failures, () -> closeChecked(link.backend(), link.hostInterface()));
            }
            if (bars != null) {
                collect(failures, bars::unmapAll);
            }
            return first(failures);
        }

        private static void closeChecked(AutoCloseable closeable, String what) {
            try {
                closeable.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new VmmException("closing " + what + ": " + e.getMessage(), e);
            }
        }

        private static RuntimeException first(List<RuntimeException> failures) {
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
