package dev.jkvm.devices.virtio.pci;

import java.util.List;

/** The fields of struct virtio_pci_common_cfg (virtio 1.2 §4.1.4.3), with their offsets and widths. */
enum CommonConfigField {
    /** Which 32-bit word of the device's features device_feature shows. */
    DEVICE_FEATURE_SELECT(0x00, 4),
    /** The selected word of the features the device offers (read-only). */
    DEVICE_FEATURE(0x04, 4),
    /** Which 32-bit word of the driver's features driver_feature shows. */
    DRIVER_FEATURE_SELECT(0x08, 4),
    /** The selected word of the features the driver accepted. */
    DRIVER_FEATURE(0x0C, 4),
    /** MSI-X vector for configuration changes. */
    CONFIG_MSIX_VECTOR(0x10, 2),
    /** How many virtqueues the device has (read-only). */
    NUM_QUEUES(0x12, 2),
    /** The §2.1 device status; writing 0 resets the device. */
    DEVICE_STATUS(0x14, 1),
    /** Changes whenever the device configuration may have (read-only). */
    CONFIG_GENERATION(0x15, 1),
    /** Which queue the queue_* fields below show. */
    QUEUE_SELECT(0x16, 2),
    /** The selected queue's size: the maximum at reset, writable down to a power of two. */
    QUEUE_SIZE(0x18, 2),
    /** MSI-X vector for the selected queue's used-buffer notifications. */
    QUEUE_MSIX_VECTOR(0x1A, 2),
    /** 1 once the driver has set the selected queue up. */
    QUEUE_ENABLE(0x1C, 2),
    /** The selected queue's notification offset in units of notify_off_multiplier (read-only). */
    QUEUE_NOTIFY_OFF(0x1E, 2),
    /** Guest-physical address of the selected queue's descriptor table. */
    QUEUE_DESC(0x20, 8),
    /** Guest-physical address of the selected queue's driver area (available ring). */
    QUEUE_DRIVER(0x28, 8),
    /** Guest-physical address of the selected queue's device area (used ring). */
    QUEUE_DEVICE(0x30, 8);

    /** Bytes of the structure up to queue_device; queue_notify_data and queue_reset need features not offered. */
    static final int LENGTH = 0x38;
    /** Every field, in offset order. */
    private static final List<CommonConfigField> FIELDS = List.of(values());

    final int offset;
    final int width;

    CommonConfigField(int offset, int width) {
        this.offset = offset;
        this.width = width;
    }

    /** The field holding byte {@code offset}, or null past the structure. */
    static CommonConfigField at(long offset) {
        for (CommonConfigField field : FIELDS) {
            if (offset >= field.offset && offset < field.offset + field.width) {
                return field;
            }
        }
        return null;
    }
}
