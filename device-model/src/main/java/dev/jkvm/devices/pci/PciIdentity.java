package dev.jkvm.devices.pci;

/**
 * The read-only identity fields of a type-0 header.
 *
 * @param vendorId PCI-SIG vendor ID
 * @param deviceId vendor's device ID
 * @param revision revision ID
 * @param classCode base class, sub-class and programming interface as one 24-bit number (e.g. 0x060000)
 * @param subsystemVendorId subsystem vendor ID (0 if none)
 * @param subsystemId subsystem ID (0 if none)
 * @param interruptPin 0 for no INTx pin, 1..4 for INTA#..INTD#
 */
public record PciIdentity(int vendorId, int deviceId, int revision, int classCode, int subsystemVendorId,
                          int subsystemId, int interruptPin) {
    /** Largest interrupt pin number (INTD#). */
    public static final int MAX_INTERRUPT_PIN = 4;

    public PciIdentity {
        checkBits("vendor ID", vendorId, 16);
        checkBits("device ID", deviceId, 16);
        checkBits("revision", revision, 8);
        checkBits("class code", classCode, 24);
        checkBits("subsystem vendor ID", subsystemVendorId, 16);
        checkBits("subsystem ID", subsystemId, 16);
        if (interruptPin < 0 || interruptPin > MAX_INTERRUPT_PIN) {
            throw new IllegalArgumentException("interrupt pin must be 0..4, got " + interruptPin);
        }
    }

    private static void checkBits(String what, int value, int bits) {
        if (value < 0 || value >>> bits != 0) {
            throw new IllegalArgumentException("%s 0x%x does not fit %d bits".formatted(what, value, bits));
        }
    }
}
