package dev.jkvm.devices.virtio.pci;

import dev.jkvm.devices.virtio.RateLimitedLog;
import static dev.jkvm.devices.virtio.pci.VirtioPciLayout.*;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.irq.InterruptLine;
import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.pci.Doorbell;
import dev.jkvm.devices.pci.PciBar;
import dev.jkvm.devices.pci.PciBarKind;
import dev.jkvm.devices.pci.PciBarMapper;
import dev.jkvm.devices.pci.PciBarRegions;
import dev.jkvm.devices.pci.PciConfigRegisters;
import dev.jkvm.devices.pci.PciConfigSpace;
import dev.jkvm.devices.pci.PciDevice;
import dev.jkvm.devices.pci.PciIdentity;
import dev.jkvm.devices.pci.msi.MsiVectorFactory;
import dev.jkvm.devices.pci.msi.MsiXCapability;
import dev.jkvm.devices.pci.msi.MsiXLayout;
import dev.jkvm.devices.virtio.VirtioDevice;
import dev.jkvm.devices.virtio.queue.SplitVirtqueue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * A modern-only virtio PCI function (virtio 1.2 §4.1) around one {@link VirtioDevice}: the type-0 header with
 * virtio's IDs, MSI-X with one vector per queue plus one for configuration changes (table and PBA in BAR1), and
 * BAR4 holding the common configuration, ISR status, device configuration and notification area, each described
 * by a vendor capability, plus the PCI configuration access capability.
 *
 * <p>Each queue's notification address is a {@link Doorbell} in BAR4's {@link PciBar}, so the VMM can serve kicks
 * with an ioeventfd on its notify thread; a kick the ioeventfd did not catch reaches the BAR handler, which rings
 * the same doorbell. Interrupts go to the chosen MSI-X vector, or with MSI-X off set the ISR and assert INTx.
 * A driver that breaks the protocol gets DEVICE_NEEDS_RESET and a configuration-change interrupt, never an
 * exception on the vCPU thread; such events are logged at most once a second per device.
 */
public final class VirtioPciTransport implements PciDevice, AutoCloseable {
    /** Most queues the notification area's page can give an address each. */
    public static final int MAX_QUEUES = STRUCTURE_SPAN / NOTIFY_OFF_MULTIPLIER;

    private final String name;
    private final VirtioDevice device;
    private final List<PciBar> bars;
    private final List<Doorbell> doorbells;
    private final PciConfigSpace config;
    private final MsiXCapability msix;
    private final PciCfgWindow pciCfgWindow;
    private final DeviceLifecycle lifecycle;
    private final CommonConfig commonConfig;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param name for logs and vector names, e.g. "virtio-blk0"
     * @param device the device type behind the transport
     * @param memory guest RAM the rings and buffers live in
     * @param vectors where the MSI-X vectors come from (queueCount + 1 of them, created here)
     */
    public VirtioPciTransport(String name, VirtioDevice device, GuestRam memory, MsiVectorFactory vectors) {
        this.name = Objects.requireNonNull(name, "name");
        this.device = Objects.requireNonNull(device, "device");
        Objects.requireNonNull(memory, "memory");
        int queueCount = device.queueCount();
        if (queueCount < 1 || queueCount > MAX_QUEUES) {
            throw new IllegalArgumentException("%s: %d queues, must be 1..%d".formatted(name, queueCount, MAX_QUEUES));
        }
        List<Integer> maxSizes = IntStream.range(0, queueCount).map(device::maxQueueSize).boxed().toList();
        for (int q = 0; q < queueCount; q++) {
            int max = maxSizes.get(q);
            if (max < 1 || max > SplitVirtqueue.MAX_SIZE || Integer.bitCount(max) != 1) {
                throw new IllegalArgumentException("%s: queue %d maximum size %d is not a power of two in 1..%d"
                        .formatted(name, q, max, SplitVirtqueue.MAX_SIZE));
            }
        }
        int configSize = device.configSize();
        if (configSize < 0 || configSize > STRUCTURE_SPAN) {
            throw new IllegalArgumentException("%s: device config of %d bytes exceeds 0x%x".formatted(name, configSize, STRUCTURE_SPAN));
        }

        List<Doorbell> bells = new ArrayList<>(queueCount);
        for (int q = 0; q < queueCount; q++) {
            int queue = q;
            bells.add(new Doorbell(notifyOffset(q), NOTIFY_WIDTH, name + " queue " + q, () -> kick(queue),
                    device.queueSignalFd(q)));
        }
        this.doorbells = List.copyOf(bells);
        PciBarRegions msixRegions = new PciBarRegions();
        PciBarRegions virtioRegions = new PciBarRegions();
        this.bars = List.of(
                new PciBar(MSIX_BAR, PciBarKind.MEMORY32, MSIX_BAR_SIZE, false, msixRegions, List.of()),
                new PciBar(VIRTIO_BAR, PciBarKind.MEMORY64, VIRTIO_BAR_SIZE, true, virtioRegions, doorbells));
        this.config = new PciConfigSpace(new PciIdentity(VENDOR_ID, DEVICE_ID_BASE + device.deviceType(), REVISION,
                classCode(device.deviceType()), SUBSYSTEM_VENDOR_ID, SUBSYSTEM_ID, PciConfigRegisters.PIN_INTA), bars);

        MsiXLayout layout = new MsiXLayout(queueCount + 1, MSIX_BAR, MSIX_TABLE_OFFSET, MSIX_BAR, MSIX_PBA_OFFSET);
        this.msix = new MsiXCapability(config, name, layout, vectors);
        try {
            msixRegions.add(MSIX_TABLE_OFFSET, layout.tableLength(), msix.table())
                    .add(MSIX_PBA_OFFSET, layout.pbaLength(), msix.pba());
            VirtioCapabilities.add(config, VirtioCapabilities.CAP_LENGTH, CAP_COMMON_CFG, VIRTIO_BAR,
                    COMMON_CFG_OFFSET, CommonConfigField.LENGTH);
            int notifyCap = VirtioCapabilities.add(config, VirtioCapabilities.NOTIFY_CAP_LENGTH, CAP_NOTIFY_CFG,
                    VIRTIO_BAR, NOTIFY_OFFSET, NOTIFY_OFF_MULTIPLIER * queueCount);
            config.load(notifyCap + VirtioCapabilities.EXTENSION, 4, NOTIFY_OFF_MULTIPLIER);
            VirtioCapabilities.add(config, VirtioCapabilities.CAP_LENGTH, CAP_ISR_CFG, VIRTIO_BAR, ISR_OFFSET, ISR_LENGTH);
            if (configSize > 0) {
                VirtioCapabilities.add(config, VirtioCapabilities.CAP_LENGTH, CAP_DEVICE_CFG, VIRTIO_BAR,
                        DEVICE_CFG_OFFSET, configSize);
            }
            this.pciCfgWindow = new PciCfgWindow(config, bars);

            VirtioInterrupts interrupts = new VirtioInterrupts(msix, config, queueCount);
            this.lifecycle = new DeviceLifecycle(device, memory, interrupts, RateLimitedLog.warnings(System.getLogger(VirtioPciTransport.class.getName()), name));
            this.commonConfig = new CommonConfig(TransportFeatures.offered(device.offeredFeatures()), maxSizes,
                    lifecycle, interrupts);
            virtioRegions.add(COMMON_CFG_OFFSET, STRUCTURE_SPAN, commonConfig)
                    .add(ISR_OFFSET, STRUCTURE_SPAN, interrupts.isrRegister())
                    .add(DEVICE_CFG_OFFSET, STRUCTURE_SPAN, new DeviceConfigWindow(configSize))
                    .add(NOTIFY_OFFSET, STRUCTURE_SPAN, new NotifyArea());
        } catch (RuntimeException e) {
            msix.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    @Override
    public int configRead(int offset, int size) {
        // The BAR access happens outside the config-space lock: BAR handlers take their own locks.
        if (pciCfgWindow.touchesData(offset, size)) {
            pciCfgWindow.fetch();
        }
        return config.read(offset, size);
    }

    @Override
    public void configWrite(int offset, int size, int value) {
        config.write(offset, size, value);
        if (pciCfgWindow.touchesData(offset, size)) {
            pciCfgWindow.store();
        }
    }

    @Override
    public List<PciBar> bars() {
        return bars;
    }

    @Override
    public void attach(PciBarMapper mapper, InterruptLine intx) {
        config.attach(mapper, intx);
    }

    /** One doorbell per queue, the same ones BAR4's {@link PciBar#doorbells()} lists. */
    public List<Doorbell> doorbells() {
        return doorbells;
    }

    /** Resets the device (it stops touching guest memory) and releases the MSI-X vectors. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                commonConfig.reset();
            } finally {
                msix.close();
            }
        }
    }

    @Override
    public String toString() {
        return "VirtioPciTransport[" + name + "]";
    }

    private void kick(int queue) {
        lifecycle.kick(queue);
    }

    /** The device-specific configuration, bounds-checked against the device's size. */
    private final class DeviceConfigWindow implements BusDevice {
        private final int size;

        DeviceConfigWindow(int size) {
            this.size = size;
        }

        @Override
        public long read(long offset, int width) {
            return offset + width <= size ? device.readConfig((int) offset, width) : 0;
        }

        @Override
        public void write(long offset, int width, long value) {
            if (offset + width <= size) {
                device.writeConfig((int) offset, width, value);
            }
        }
    }

    /** Queue q's notification address; a write here is a kick the VMM's ioeventfd did not take. */
    private final class NotifyArea implements BusDevice {
        @Override
        public long read(long offset, int width) {
            return 0;
        }

        @Override
        public void write(long offset, int width, long value) {
            long queue = offset / NOTIFY_OFF_MULTIPLIER;
            if (offset % NOTIFY_OFF_MULTIPLIER == 0 && queue < doorbells.size()) {
                doorbells.get((int) queue).ring();
            }
        }
    }
}
