package dev.jkvm.devices.virtio.pci;

/** Bits of the device_status field (virtio 1.2 §2.1). */
public final class DeviceStatus {
    /** The guest noticed the device. */
    public static final int ACKNOWLEDGE = 1;
    /** The guest has a driver for it. */
    public static final int DRIVER = 2;
    /** The driver is set up and the device is live. */
    public static final int DRIVER_OK = 4;
    /** The driver accepted the features; the device refuses it by leaving the bit clear. */
    public static final int FEATURES_OK = 8;
    /** The device hit an error it cannot recover from without a reset. */
    public static final int DEVICE_NEEDS_RESET = 0x40;
    /** The driver gave up on the device. */
    public static final int FAILED = 0x80;

    private DeviceStatus() {
    }
}
