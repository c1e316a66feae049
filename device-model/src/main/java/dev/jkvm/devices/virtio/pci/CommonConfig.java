package dev.jkvm.devices.virtio.pci;

import static dev.jkvm.devices.virtio.pci.CommonConfigField.*;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.virtio.queue.SplitQueueConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * struct virtio_pci_common_cfg (virtio 1.2 §4.1.4.3): feature negotiation, device_status, and queue setup.
 * Accesses of any width are split into the fields they touch; a narrower write merges into its field, so a
 * 64-bit address written as two dwords (as §4.1.3.1 allows) works. One lock serialises the vCPUs using it,
 * including the activation and reset it triggers.
 */
final class CommonConfig implements BusDevice {
    /** Feature-select values: 0 picks bits 0..31, 1 picks bits 32..63; no higher bits are offered. */
    private static final int FEATURE_WORDS = 2;
    /** Mask of a 32-bit half. */
    private static final long DWORD_MASK = 0xFFFF_FFFFL;

    private final ReentrantLock lock = new ReentrantLock();
    private final long offeredFeatures;
    private final List<QueueRegisters> queues;
    private final DeviceLifecycle lifecycle;
    private final VirtioInterrupts interrupts;
    private int deviceFeatureSelect;
    private int driverFeatureSelect;
    private long driverFeatures;
    private int queueSelect;

    CommonConfig(long offeredFeatures, List<Integer> maxQueueSizes, DeviceLifecycle lifecycle,
                 VirtioInterrupts interrupts) {
        this.offeredFeatures = offeredFeatures;
        this.queues = maxQueueSizes.stream().map(QueueRegisters::new).toList();
        this.lifecycle = lifecycle;
        this.interrupts = interrupts;
    }

    @Override
    public long read(long offset, int size) {
        lock.lock();
        try {
            long value = 0;
            for (int i = 0; i < size; i++) {
                CommonConfigField field = CommonConfigField.at(offset + i);
                if (field != null) {
                    long lane = (readField(field) >>> (Byte.SIZE * (offset + i - field.offset))) & 0xFF;
                    value |= lane << (Byte.SIZE * i);
                }
            }
            return value;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(long offset, int size, long value) {
        lock.lock();
        try {
            int i = 0;
            while (i < size) {
                CommonConfigField field = CommonConfigField.at(offset + i);
                if (field == null) {
                    i++;
                    continue;
                }
                long merged = readField(field);
                int first = (int) (offset + i - field.offset);
                int bytes = Math.min(field.width - first, size - i);
                for (int b = 0; b < bytes; b++) {
                    int shift = Byte.SIZE * (first + b);
                    long lane = (value >>> (Byte.SIZE * (i + b))) & 0xFF;
                    merged = (merged & ~(0xFFL << shift)) | lane << shift;
                }
                writeField(field, merged);
                i += bytes;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Device reset from the VMM side (shutdown): the same as the driver writing 0 to device_status. */
    void reset() {
        lock.lock();
        try {
            resetDevice();
        } finally {
            lock.unlock();
        }
    }

    private long readField(CommonConfigField field) {
        QueueRegisters queue = selectedQueue();
        return switch (field) {
            case DEVICE_FEATURE_SELECT -> deviceFeatureSelect;
            case DEVICE_FEATURE -> featureWord(offeredFeatures, deviceFeatureSelect);
            case DRIVER_FEATURE_SELECT -> driverFeatureSelect;
            case DRIVER_FEATURE -> featureWord(driverFeatures, driverFeatureSelect);
            case CONFIG_MSIX_VECTOR -> interrupts.configVector();
            case NUM_QUEUES -> queues.size();
            case DEVICE_STATUS -> lifecycle.status();
            case CONFIG_GENERATION -> lifecycle.generation() & 0xFF;
            case QUEUE_SELECT -> queueSelect;
            case QUEUE_SIZE -> queue == null ? 0 : queue.size;
            case QUEUE_MSIX_VECTOR -> queue == null ? VirtioInterrupts.NO_VECTOR : interrupts.queueVector(queueSelect);
            case QUEUE_ENABLE -> queue != null && queue.enabled ? 1 : 0;
            case QUEUE_NOTIFY_OFF -> queue == null ? 0 : queueSelect;
            case QUEUE_DESC -> queue == null ? 0 : queue.desc;
            case QUEUE_DRIVER -> queue == null ? 0 : queue.driver;
            case QUEUE_DEVICE -> queue == null ? 0 : queue.device;
        };
    }

    private void writeField(CommonConfigField field, long value) {
        switch (field) {
            case DEVICE_FEATURE_SELECT -> deviceFeatureSelect = (int) value;
            case DRIVER_FEATURE_SELECT -> driverFeatureSelect = (int) value;
            case DRIVER_FEATURE -> writeDriverFeatures(value);
            case CONFIG_MSIX_VECTOR -> interrupts.setConfigVector((int) value);
            case DEVICE_STATUS -> writeStatus((int) value & 0xFF);
            case QUEUE_SELECT -> queueSelect = (int) value;
            case QUEUE_MSIX_VECTOR -> {
                if (selectedQueue() != null) {
                    interrupts.setQueueVector(queueSelect, (int) value);
                }
            }
            case QUEUE_SIZE, QUEUE_ENABLE, QUEUE_DESC, QUEUE_DRIVER, QUEUE_DEVICE -> writeQueueSetup(field, value);
            // device_feature, num_queues, config_generation and queue_notify_off are read-only.
            case DEVICE_FEATURE, NUM_QUEUES, CONFIG_GENERATION, QUEUE_NOTIFY_OFF -> { }
        }
    }

    private void writeDriverFeatures(long value) {
        // Features are fixed once FEATURES_OK is set (§2.2); later writes are ignored.
        if (driverFeatureSelect >= FEATURE_WORDS || (lifecycle.status() & DeviceStatus.FEATURES_OK) != 0) {
            return;
        }
        int shift = Integer.SIZE * driverFeatureSelect;
        driverFeatures = (driverFeatures & ~(DWORD_MASK << shift)) | (value & DWORD_MASK) << shift;
    }

    private void writeQueueSetup(CommonConfigField field, long value) {
        QueueRegisters queue = selectedQueue();
        // A queue's setup is frozen once it is enabled or the device is live (§4.1.4.3.2).
        if (queue == null || queue.enabled || (lifecycle.status() & DeviceStatus.DRIVER_OK) != 0) {
            return;
        }
        switch (field) {
            case QUEUE_SIZE -> queue.requestSize((int) value & 0xFFFF);
            case QUEUE_ENABLE -> queue.enabled = (value & 1) != 0;
            case QUEUE_DESC -> queue.desc = value;
            case QUEUE_DRIVER -> queue.driver = value;
            case QUEUE_DEVICE -> queue.device = value;
            default -> throw new IllegalArgumentException("not a queue setup field: " + field);
        }
    }

    private void writeStatus(int requested) {
        if (requested == 0) {
            resetDevice();
            return;
        }
        int old = lifecycle.status();
        int accepted = requested;
        if ((requested & DeviceStatus.FEATURES_OK) != 0 && (old & DeviceStatus.FEATURES_OK) == 0
                && !featuresAcceptable()) {
            accepted &= ~DeviceStatus.FEATURES_OK;
        }
        lifecycle.setDriverStatus(accepted);
        boolean driverOkNow = (accepted & DeviceStatus.DRIVER_OK) != 0 && (old & DeviceStatus.DRIVER_OK) == 0;
        if (!driverOkNow || (old & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
            return;
        }
        if ((accepted & DeviceStatus.FEATURES_OK) == 0) {
            lifecycle.protocolError("DRIVER_OK without FEATURES_OK (status 0x%02x)".formatted(accepted));
            return;
        }
        lifecycle.activate(driverFeatures, queueConfigs());
    }

    /** FEATURES_OK is refused unless the driver accepted VERSION_1 and nothing that was not offered (§2.2.2). */
    private boolean featuresAcceptable() {
        return (driverFeatures & ~offeredFeatures) == 0 && (driverFeatures & TransportFeatures.VIRTIO_F_VERSION_1) != 0;
    }

    private List<SplitQueueConfig> queueConfigs() {
        boolean eventIdx = (driverFeatures & TransportFeatures.VIRTIO_F_EVENT_IDX) != 0;
        boolean indirect = (driverFeatures & TransportFeatures.VIRTIO_F_INDIRECT_DESC) != 0;
        List<SplitQueueConfig> configs = new ArrayList<>(queues.size());
        for (int q = 0; q < queues.size(); q++) {
            QueueRegisters queue = queues.get(q);
            configs.add(queue.enabled
                    ? new SplitQueueConfig(q, queue.size, queue.desc, queue.driver, queue.device, eventIdx, indirect)
                    : null);
        }
        return configs;
    }

    private void resetDevice() {
        lifecycle.reset();
        queues.forEach(QueueRegisters::reset);
        deviceFeatureSelect = 0;
        driverFeatureSelect = 0;
        driverFeatures = 0;
        queueSelect = 0;
    }

    private QueueRegisters selectedQueue() {
        return queueSelect >= 0 && queueSelect < queues.size() ? queues.get(queueSelect) : null;
    }

    private static long featureWord(long features, int select) {
        return select >= 0 && select < FEATURE_WORDS ? (features >>> (Integer.SIZE * select)) & DWORD_MASK : 0;
    }
}
