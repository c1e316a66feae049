package dev.jkvm.devices.virtio.pci;

import static dev.jkvm.devices.virtio.pci.CommonConfigField.*;
import static dev.jkvm.devices.virtio.pci.DeviceStatus.*;
import static dev.jkvm.devices.virtio.pci.TransportFeatures.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.memory.TestRam;
import dev.jkvm.devices.pci.Doorbell;
import dev.jkvm.devices.pci.PciBarKind;
import dev.jkvm.devices.pci.PciConfigRegisters;
import dev.jkvm.devices.pci.RecordingBarMapper;
import dev.jkvm.devices.pci.RecordingLine;
import dev.jkvm.devices.pci.msi.MsiMessage;
import dev.jkvm.devices.pci.msi.MsiXCapability;
import dev.jkvm.devices.pci.msi.RecordingMsiVectorFactory;
import dev.jkvm.devices.virtio.VirtioDevice;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.GuestBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

class VirtioPciTransportTest {
    /** Queue 0's rings: descriptor table, available ring, used ring. */
    private static final long DESC = 0x10000;
    private static final long AVAIL = 0x11000;
    private static final long USED = 0x12000;
    /** A buffer the test chain points at. */
    private static final long BUFFER = 0x20000;
    /** VIRTQ_DESC_F_WRITE. */
    private static final int DESC_F_WRITE = 2;
    /** Features a Linux driver accepts from this device. */
    private static final long DRIVER_FEATURES = FakeVirtioDevice.DEVICE_FEATURE | VIRTIO_F_VERSION_1
            | VIRTIO_F_EVENT_IDX | VIRTIO_F_INDIRECT_DESC;
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final TestRam ram = TestRam.nativeMemory(1 << 20);
    private final FakeVirtioDevice device = new FakeVirtioDevice();
    private final RecordingMsiVectorFactory vectors = new RecordingMsiVectorFactory();
    private final RecordingBarMapper mapper = new RecordingBarMapper();
    private final RecordingLine intx = new RecordingLine();
    private final VirtioPciTransport transport = new VirtioPciTransport("virtio-blk0", device, ram, vectors);
    private final BusDevice msixBar = transport.bars().get(0).handler();
    private final BusDevice virtioBar = transport.bars().get(1).handler();

    @BeforeEach
    void attach() {
        transport.attach(mapper, intx);
    }

    @AfterEach
    void close() {
        transport.close();
        ram.close();
    }

    // ---- driver-side helpers ----

    private long read(CommonConfigField field) {
        return virtioBar.read(VirtioPciLayout.COMMON_CFG_OFFSET + field.offset, field.width);
    }

    private void write(CommonConfigField field, long value) {
        virtioBar.write(VirtioPciLayout.COMMON_CFG_OFFSET + field.offset, field.width, value);
    }

    private int status() {
        return (int) read(DEVICE_STATUS);
    }

    private void acceptFeatures(long features) {
        write(DEVICE_STATUS, ACKNOWLEDGE);
        write(DEVICE_STATUS, ACKNOWLEDGE | DRIVER);
        write(DRIVER_FEATURE_SELECT, 0);
        write(DRIVER_FEATURE, features & 0xFFFF_FFFFL);
        write(DRIVER_FEATURE_SELECT, 1);
        write(DRIVER_FEATURE, features >>> 32);
        write(DEVICE_STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK);
    }

    private void setUpQueue(int queue, int size, long desc, long avail, long used) {
        write(QUEUE_SELECT, queue);
        write(QUEUE_SIZE, size);
        write(QUEUE_DESC, desc);
        write(QUEUE_DRIVER, avail);
        write(QUEUE_DEVICE, used);
        write(QUEUE_ENABLE, 1);
    }

    private void driverOk() {
        write(DEVICE_STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    }

    /** Brings the device up the way Linux's virtio_pci_modern does, with queue 0 of size 8 and queue 1 disabled. */
    private DeviceQueue live(long features) {
        int before = device.activations().size();
        acceptFeatures(features);
        setUpQueue(0, 8, DESC, AVAIL, USED);
        driverOk();
        assertEquals(before + 1, device.activations().size(), "DRIVER_OK activates the device once");
        return device.lastActivation().queues().getFirst();
    }

    /** Makes one device-writable buffer available on queue 0 as head 0. */
    private void offerBuffer(int length) {
        MemorySegment memory = ram.slice(0, ram.size());
        memory.set(LE64, DESC, BUFFER);
        memory.set(LE32, DESC + 8, length);
        memory.set(LE16, DESC + 12, (short) DESC_F_WRITE);
        memory.set(LE16, DESC + 14, (short) 0);
        memory.set(LE16, AVAIL + 4, (short) 0);
        memory.set(LE16, AVAIL + 2, (short) 1);
    }

    private int readIsr() {
        return (int) virtioBar.read(VirtioPciLayout.ISR_OFFSET, 1);
    }

    private List<Integer> vendorCapabilities() {
        List<Integer> offsets = new ArrayList<>();
        for (int at = transport.configRead(PciConfigRegisters.CAPABILITIES_POINTER, 1); at != 0;
             at = transport.configRead(at + 1, 1)) {
            if (transport.configRead(at, 1) == PciConfigRegisters.CAP_ID_VENDOR) {
                offsets.add(at);
            }
        }
        return offsets;
    }

    private int pciCfgCapability() {
        return vendorCapabilities().stream()
                .filter(at -> transport.configRead(at + 3, 1) == VirtioPciLayout.CAP_PCI_CFG)
                .findFirst().orElseThrow();
    }

    // ---- PCI face ----

    @Test
    void headerCarriesVirtioIdentity() {
        assertEquals(0x1042_1AF4, transport.configRead(PciConfigRegisters.VENDOR_ID, 4));
        assertEquals(0x0180_0001, transport.configRead(PciConfigRegisters.REVISION_ID, 4), "class 018000, revision 1");
        assertEquals(0x1100_1AF4, transport.configRead(PciConfigRegisters.SUBSYSTEM_VENDOR_ID, 4));
        assertEquals(PciConfigRegisters.PIN_INTA, transport.configRead(PciConfigRegisters.INTERRUPT_PIN, 1));
    }

    @Test
    void barsFollowTheLayout() {
        assertEquals(2, transport.bars().size());
        assertEquals(1, transport.bars().get(0).index());
        assertEquals(PciBarKind.MEMORY32, transport.bars().get(0).kind());
        assertEquals(0x1000, transport.bars().get(0).size());
        assertEquals(4, transport.bars().get(1).index());
        assertEquals(PciBarKind.MEMORY64, transport.bars().get(1).kind());
        assertTrue(transport.bars().get(1).prefetchable());
        assertEquals(0x4000, transport.bars().get(1).size());

        int bar4 = PciConfigRegisters.barOffset(4);
        transport.configWrite(bar4, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_C00C, transport.configRead(bar4, 4));
        transport.configWrite(PciConfigRegisters.barOffset(1), 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_F000, transport.configRead(PciConfigRegisters.barOffset(1), 4));
    }

    @Test
    void capabilitiesDescribeEveryStructure() {
        int first = transport.configRead(PciConfigRegisters.CAPABILITIES_POINTER, 1);
        assertEquals(PciConfigRegisters.CAP_ID_MSIX, transport.configRead(first, 1), "MSI-X comes first");
        assertEquals(2, transport.configRead(first + MsiXCapability.MESSAGE_CONTROL, 2), "three vectors");

        List<List<Integer>> caps = new ArrayList<>();
        for (int at : vendorCapabilities()) {
            caps.add(List.of(transport.configRead(at + 2, 1), transport.configRead(at + 3, 1),
                    transport.configRead(at + 4, 1), transport.configRead(at + 8, 4), transport.configRead(at + 12, 4)));
        }
        assertEquals(List.of(
                List.of(16, VirtioPciLayout.CAP_COMMON_CFG, 4, 0x0000, 0x38),
                List.of(20, VirtioPciLayout.CAP_NOTIFY_CFG, 4, 0x3000, 8),
                List.of(16, VirtioPciLayout.CAP_ISR_CFG, 4, 0x1000, 1),
                List.of(16, VirtioPciLayout.CAP_DEVICE_CFG, 4, 0x2000, FakeVirtioDevice.CONFIG_SIZE),
                List.of(20, VirtioPciLayout.CAP_PCI_CFG, 0, 0, 0)), caps);
        int notify = vendorCapabilities().get(1);
        assertEquals(4, transport.configRead(notify + 16, 4), "notify_off_multiplier");
    }

    @Test
    void doorbellsSitAtEachQueuesNotifyAddress() {
        List<Doorbell> bells = transport.bars().get(1).doorbells();
        assertEquals(transport.doorbells(), bells);
        assertEquals(List.of(0x3000L, 0x3004L), bells.stream().map(Doorbell::offset).toList());
        assertEquals(List.of(2, 2), bells.stream().map(Doorbell::length).toList());
        assertEquals("virtio-blk0 queue 1", bells.get(1).name());
        write(QUEUE_SELECT, 1);
        assertEquals(1, read(QUEUE_NOTIFY_OFF));
    }

    @Test
    void aQueueWhoseDeviceNamesAnEventfdGetsADoorbellTheVmmMaySignalDirectly() {
        assertEquals(List.of(OptionalInt.empty(), OptionalInt.empty()),
                transport.doorbells().stream().map(Doorbell::signalFd).toList(), "the fake device names none");
        VirtioDevice selfWaking = new FakeVirtioDevice() {
            @Override
            public OptionalInt queueSignalFd(int queue) {
                return queue == 1 ? OptionalInt.of(42) : OptionalInt.empty();
            }
        };
        VirtioPciTransport net = new VirtioPciTransport("virtio-net0", selfWaking, ram, vectors);
        assertEquals(List.of(OptionalInt.empty(), OptionalInt.of(42)),
                net.doorbells().stream().map(Doorbell::signalFd).toList());
    }

    @Test
    void placedBarsAreMapped() {
        transport.configWrite(PciConfigRegisters.barOffset(1), 4, 0xC000_0000);
        transport.configWrite(PciConfigRegisters.barOffset(4), 4, 0xC000_4000);
        transport.configWrite(PciConfigRegisters.COMMAND, 2, PciConfigRegisters.COMMAND_MEMORY_SPACE);
        assertEquals(List.of("map BAR 1 0xc0000000", "map BAR 4 0xc0004000"), mapper.calls());
    }

    // ---- feature negotiation and status ----

    @Test
    void deviceFeaturesAreTheDevicesPlusTheTransportsOwn() {
        write(DEVICE_FEATURE_SELECT, 0);
        assertEquals(FakeVirtioDevice.DEVICE_FEATURE | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX, read(DEVICE_FEATURE));
        write(DEVICE_FEATURE_SELECT, 1);
        assertEquals(1, read(DEVICE_FEATURE), "VERSION_1 only: the device's bit 40 is not the transport's to offer");
        write(DEVICE_FEATURE_SELECT, 2);
        assertEquals(0, read(DEVICE_FEATURE));
        assertEquals(FakeVirtioDevice.QUEUES, read(NUM_QUEUES));
    }

    @Test
    void featuresOkNeedsVersion1() {
        acceptFeatures(FakeVirtioDevice.DEVICE_FEATURE);
        assertEquals(ACKNOWLEDGE | DRIVER, status(), "FEATURES_OK stays clear");
    }

    @Test
    void featuresOkRefusesBitsNotOffered() {
        acceptFeatures(VIRTIO_F_VERSION_1 | FakeVirtioDevice.UNIMPLEMENTED_TRANSPORT_FEATURE);
        assertEquals(ACKNOWLEDGE | DRIVER, status());
        acceptFeatures(VIRTIO_F_VERSION_1 | 1L << 3);
        assertEquals(ACKNOWLEDGE | DRIVER, status());
    }

    @Test
    void featuresOkAcceptsASubsetWithVersion1AndFreezesThem() {
        acceptFeatures(DRIVER_FEATURES);
        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK, status());
        write(DRIVER_FEATURE_SELECT, 0);
        write(DRIVER_FEATURE, 0);
        assertEquals(DRIVER_FEATURES & 0xFFFF_FFFFL, read(DRIVER_FEATURE), "features are fixed after FEATURES_OK");
    }

    @Test
    void driverOkWithoutFeaturesOkNeedsReset() {
        write(DEVICE_STATUS, ACKNOWLEDGE | DRIVER | DRIVER_OK);
        assertEquals(ACKNOWLEDGE | DRIVER | DRIVER_OK | DEVICE_NEEDS_RESET, status());
        assertEquals(List.of(), device.activations());
    }

    // ---- queue setup and activation ----

    @Test
    void queueSizeIsWritableDownToAPowerOfTwo() {
        write(QUEUE_SELECT, 0);
        assertEquals(FakeVirtioDevice.MAX_QUEUE_SIZE, read(QUEUE_SIZE));
        write(QUEUE_SIZE, 100);
        assertEquals(256, read(QUEUE_SIZE), "not a power of two");
        write(QUEUE_SIZE, 512);
        assertEquals(256, read(QUEUE_SIZE), "above the maximum");
        write(QUEUE_SIZE, 0);
        assertEquals(256, read(QUEUE_SIZE));
        write(QUEUE_SIZE, 64);
        assertEquals(64, read(QUEUE_SIZE));
        write(QUEUE_SELECT, 7);
        assertEquals(0, read(QUEUE_SIZE), "a queue that does not exist has size 0");
    }

    @Test
    void queueSetupEndsInActivateWithTheDriversRings() {
        acceptFeatures(DRIVER_FEATURES);
        write(QUEUE_SELECT, 0);
        write(QUEUE_SIZE, 8);
        virtioBar.write(QUEUE_DESC.offset, 4, DESC);
        virtioBar.write(QUEUE_DESC.offset + 4, 4, 0);
        write(QUEUE_DRIVER, AVAIL);
        write(QUEUE_DEVICE, USED);
        write(QUEUE_ENABLE, 1);
        assertEquals(DESC, read(QUEUE_DESC));
        assertEquals(AVAIL, read(QUEUE_DRIVER));
        assertEquals(USED, read(QUEUE_DEVICE));
        assertEquals(1, read(QUEUE_ENABLE));
        write(QUEUE_DESC, 0x5000);
        assertEquals(DESC, read(QUEUE_DESC), "an enabled queue's setup is frozen");
        assertEquals(List.of(), device.activations(), "nothing starts before DRIVER_OK");

        driverOk();
        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK, status());
        FakeVirtioDevice.Activation activation = device.lastActivation();
        assertEquals(DRIVER_FEATURES, activation.features());
        assertEquals(2, activation.queues().size());
        assertNull(activation.queues().get(1), "queue 1 was left disabled");
        DeviceQueue queue = activation.queues().getFirst();
        assertEquals(0, queue.index());
        assertTrue(activation.context().memory() == ram);

        offerBuffer(512);
        DescriptorChain chain = queue.pop();
        assertNotNull(chain, "the chain placed at the driver's addresses is found");
        assertEquals(List.of(new GuestBuffer(BUFFER, 512)), chain.writable());
        queue.complete(chain, 512);
        MemorySegment memory = ram.slice(0, ram.size());
        assertEquals(1, memory.get(LE16, USED + 2), "used.idx advanced at the driver's used ring");
        assertEquals(512, memory.get(LE32, USED + 8));
    }

    @Test
    void kickBeforeDriverOkIsHeldUntilDriverOk() {
        acceptFeatures(DRIVER_FEATURES);
        setUpQueue(0, 8, DESC, AVAIL, USED);
        transport.doorbells().getFirst().ring();
        virtioBar.write(VirtioPciLayout.notifyOffset(0), 2, 0);
        assertEquals(List.of(), device.notified(), "nothing reaches the device before DRIVER_OK");

        driverOk();
        assertEquals(List.of(0), device.notified(), "the held kicks reach the device once, after activation");
        transport.doorbells().getFirst().ring();
        virtioBar.write(VirtioPciLayout.notifyOffset(1), 2, 1);
        virtioBar.write(VirtioPciLayout.notifyOffset(1), 4, 1);
        virtioBar.write(VirtioPciLayout.NOTIFY_OFFSET + 2, 2, 0);
        virtioBar.write(VirtioPciLayout.notifyOffset(2), 2, 2);
        assertEquals(List.of(0, 0, 1, 1), device.notified(), "BAR writes at a notify address ring its doorbell");
    }

    @Test
    void misalignedRingSetsNeedsResetInsteadOfActivating() {
        acceptFeatures(DRIVER_FEATURES);
        setUpQueue(0, 8, DESC + 8, AVAIL, USED);
        driverOk();
        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK | DEVICE_NEEDS_RESET, status());
        assertEquals(List.of(), device.activations());
        assertTrue(intx.asserted(), "a configuration-change interrupt tells the driver");
        assertEquals(VirtioInterrupts.ISR_CONFIG, readIsr());
        assertFalse(intx.asserted());
        transport.doorbells().getFirst().ring();
        assertEquals(List.of(), device.notified(), "a failed device hears no kicks");

        write(DEVICE_STATUS, 0);
        assertEquals(0, status(), "reset clears DEVICE_NEEDS_RESET");
        assertEquals(0, device.resets(), "a device that never started needs no reset");
    }

    @Test
    void ringOutsideRamSetsNeedsReset() {
        acceptFeatures(DRIVER_FEATURES);
        setUpQueue(0, 8, DESC, AVAIL, 0xFFFF_0000L);
        driverOk();
        assertEquals(DEVICE_NEEDS_RESET, status() & DEVICE_NEEDS_RESET);
        write(DEVICE_STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
        assertEquals(DEVICE_NEEDS_RESET, status() & DEVICE_NEEDS_RESET, "the driver cannot clear it except by reset");
    }

    @Test
    void resetForgetsEverything() {
        live(DRIVER_FEATURES);
        write(CONFIG_MSIX_VECTOR, 0);
        write(QUEUE_SELECT, 0);
        write(QUEUE_MSIX_VECTOR, 1);
        var staleContext = device.lastActivation().context();

        write(DEVICE_STATUS, 0);
        assertEquals(0, status());
        assertEquals(1, device.resets());
        assertEquals(VirtioInterrupts.NO_VECTOR, read(CONFIG_MSIX_VECTOR));
        assertEquals(0, read(QUEUE_SELECT));
        assertEquals(VirtioInterrupts.NO_VECTOR, read(QUEUE_MSIX_VECTOR));
        assertEquals(256, read(QUEUE_SIZE));
        assertEquals(0, read(QUEUE_ENABLE));
        assertEquals(0, read(QUEUE_DESC));
        assertEquals(0, read(QUEUE_DRIVER));
        assertEquals(0, read(QUEUE_DEVICE));
        write(DRIVER_FEATURE_SELECT, 1);
        assertEquals(0, read(DRIVER_FEATURE));

        transport.doorbells().getFirst().ring();
        assertEquals(List.of(), device.notified());
        staleContext.needsReset("late error from before the reset");
        assertEquals(0, status(), "a context from before the reset changes nothing");

        live(DRIVER_FEATURES & ~VIRTIO_F_EVENT_IDX);
        assertEquals(2, device.activations().size(), "the driver can bring the device up again");
        assertEquals(DRIVER_FEATURES & ~VIRTIO_F_EVENT_IDX, device.lastActivation().features());
    }

    @Test
    void msixVectorsOutOfRangeReadBackNoVector() {
        write(QUEUE_SELECT, 0);
        write(QUEUE_MSIX_VECTOR, 2);
        assertEquals(2, read(QUEUE_MSIX_VECTOR));
        write(QUEUE_MSIX_VECTOR, 3);
        assertEquals(VirtioInterrupts.NO_VECTOR, read(QUEUE_MSIX_VECTOR), "only queueCount + 1 = 3 vectors");
        write(CONFIG_MSIX_VECTOR, 0x7FFF);
        assertEquals(VirtioInterrupts.NO_VECTOR, read(CONFIG_MSIX_VECTOR));
        write(CONFIG_MSIX_VECTOR, 0);
        assertEquals(0, read(CONFIG_MSIX_VECTOR));
        assertEquals(3, vectors.created());
    }

    // ---- interrupts ----

    @Test
    void isrIsReadToClearAndDrivesIntx() {
        DeviceQueue queue = live(DRIVER_FEATURES & ~VIRTIO_F_EVENT_IDX);
        offerBuffer(16);
        queue.complete(queue.pop(), 16);
        assertTrue(intx.asserted());
        assertEquals(PciConfigRegisters.STATUS_INTERRUPT,
                transport.configRead(PciConfigRegisters.STATUS, 2) & PciConfigRegisters.STATUS_INTERRUPT);
        assertEquals(VirtioInterrupts.ISR_QUEUE, readIsr());
        assertFalse(intx.asserted(), "reading ISR deasserts INTx");
        assertEquals(0, transport.configRead(PciConfigRegisters.STATUS, 2) & PciConfigRegisters.STATUS_INTERRUPT);
        assertEquals(0, readIsr(), "and clears it");
        assertEquals(List.of(true, false), intx.levels());
        assertEquals(0, vectors.totalFired());
    }

    @Test
    void intxDisableKeepsTheLineLowButIsrStillCounts() {
        DeviceQueue queue = live(DRIVER_FEATURES & ~VIRTIO_F_EVENT_IDX);
        transport.configWrite(PciConfigRegisters.COMMAND, 2, PciConfigRegisters.COMMAND_INTX_DISABLE);
        offerBuffer(16);
        queue.complete(queue.pop(), 16);
        assertFalse(intx.asserted());
        assertEquals(VirtioInterrupts.ISR_QUEUE, readIsr());
    }

    @Test
    void msixDeliversToTheQueuesVector() {
        int control = transport.configRead(PciConfigRegisters.CAPABILITIES_POINTER, 1) + MsiXCapability.MESSAGE_CONTROL;
        transport.configWrite(control, 2, MsiXCapability.CONTROL_ENABLE);
        msixBar.write(16, 8, 0xFEE0_0000L);
        msixBar.write(16 + 8, 4, 0x41);
        msixBar.write(16 + 12, 4, 0);
        assertEquals(new MsiMessage(0xFEE0_0000L, 0x41), vectors.vector(1).lastRoute());
        write(QUEUE_SELECT, 0);
        write(QUEUE_MSIX_VECTOR, 1);

        DeviceQueue queue = live(DRIVER_FEATURES & ~VIRTIO_F_EVENT_IDX);
        offerBuffer(16);
        queue.complete(queue.pop(), 16);
        assertEquals(1, vectors.vector(1).fired());
        assertFalse(intx.asserted(), "no INTx under MSI-X");
        assertEquals(0, readIsr());
    }

    @Test
    void msixWithNoVectorSendsNothing() {
        int control = transport.configRead(PciConfigRegisters.CAPABILITIES_POINTER, 1) + MsiXCapability.MESSAGE_CONTROL;
        transport.configWrite(control, 2, MsiXCapability.CONTROL_ENABLE);
        DeviceQueue queue = live(DRIVER_FEATURES & ~VIRTIO_F_EVENT_IDX);
        offerBuffer(16);
        queue.complete(queue.pop(), 16);
        assertEquals(0, vectors.totalFired());
        assertFalse(intx.asserted());
    }

    @Test
    void deviceReportedErrorSetsNeedsResetAndStopsKicks() {
        live(DRIVER_FEATURES);
        transport.doorbells().getFirst().ring();
        device.lastActivation().context().needsReset("descriptor loop");
        assertEquals(DEVICE_NEEDS_RESET, status() & DEVICE_NEEDS_RESET);
        assertTrue(intx.asserted());
        transport.doorbells().getFirst().ring();
        assertEquals(List.of(0), device.notified(), "only the kick before the error reached the device");
        assertEquals(VirtioInterrupts.ISR_CONFIG, readIsr());

        write(DEVICE_STATUS, 0);
        assertEquals(1, device.resets(), "the reset stops the device");
    }

    @Test
    void configChangeBumpsGenerationAndInterrupts() {
        live(DRIVER_FEATURES);
        long generation = read(CONFIG_GENERATION);
        device.resize(0x4000);
        device.lastActivation().context().configChanged();
        assertEquals((generation + 1) & 0xFF, read(CONFIG_GENERATION));
        assertEquals(0x4000L, virtioBar.read(VirtioPciLayout.DEVICE_CFG_OFFSET, 8));
        assertEquals(VirtioInterrupts.ISR_CONFIG, readIsr());
    }

    // ---- device configuration and the PCI configuration access window ----

    @Test
    void deviceConfigIsBoundsChecked() {
        assertEquals(0x2000L, virtioBar.read(VirtioPciLayout.DEVICE_CFG_OFFSET, 8));
        assertEquals(0x20L, virtioBar.read(VirtioPciLayout.DEVICE_CFG_OFFSET + 1, 1));
        assertEquals(0L, virtioBar.read(VirtioPciLayout.DEVICE_CFG_OFFSET + 6, 4), "runs past the 8 bytes");
        assertEquals(0L, virtioBar.read(VirtioPciLayout.DEVICE_CFG_OFFSET + 0x100, 4));
    }

    @Test
    void pciCfgWindowReachesTheBars() {
        int cap = pciCfgCapability();
        transport.configWrite(cap + 4, 1, VirtioPciLayout.VIRTIO_BAR);
        transport.configWrite(cap + 8, 4, NUM_QUEUES.offset);
        transport.configWrite(cap + 12, 4, 2);
        assertEquals(FakeVirtioDevice.QUEUES, transport.configRead(cap + 16, 2), "num_queues through config space");

        transport.configWrite(cap + 8, 4, DEVICE_STATUS.offset);
        transport.configWrite(cap + 12, 4, 1);
        transport.configWrite(cap + 16, 1, ACKNOWLEDGE);
        assertEquals(ACKNOWLEDGE, status(), "device_status written through config space");

        transport.configWrite(cap + 8, 4, VirtioPciLayout.notifyOffset(0));
        transport.configWrite(cap + 12, 4, 2);
        transport.configWrite(cap + 16, 2, 0);
        assertEquals(List.of(), device.notified(), "a kick through the window before DRIVER_OK is ignored too");
    }

    @Test
    void pciCfgWindowIgnoresBadRequests() {
        int cap = pciCfgCapability();
        transport.configWrite(cap + 4, 1, VirtioPciLayout.VIRTIO_BAR);
        transport.configWrite(cap + 8, 4, DEVICE_STATUS.offset);
        transport.configWrite(cap + 12, 4, 3);
        transport.configWrite(cap + 16, 4, ACKNOWLEDGE);
        assertEquals(0, status(), "length 3 is not an access width");
        transport.configWrite(cap + 4, 1, 2);
        transport.configWrite(cap + 12, 4, 1);
        transport.configWrite(cap + 16, 4, ACKNOWLEDGE);
        assertEquals(0, status(), "BAR 2 is not implemented");
        transport.configWrite(cap + 4, 1, VirtioPciLayout.VIRTIO_BAR);
        transport.configWrite(cap + 8, 4, 0x4000);
        assertEquals(ACKNOWLEDGE, transport.configRead(cap + 16, 1), "past the BAR: data keeps what was written");
    }

    @Test
    void closeResetsTheDeviceAndReleasesVectors() {
        live(DRIVER_FEATURES);
        transport.close();
        assertEquals(1, device.resets());
        for (int v = 0; v < 3; v++) {
            assertTrue(vectors.vector(v).closed());
        }
        transport.close();
        assertEquals(1, device.resets(), "closing twice is harmless");
    }
}
