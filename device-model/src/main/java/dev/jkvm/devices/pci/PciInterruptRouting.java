package dev.jkvm.devices.pci;

/**
 * How bus 0's INTx pins reach the IOAPIC on a jkvm machine: the usual rotating swizzle, slot s pin p on GSI
 * 16 + ((s + p) mod 4), level-triggered and active-low. The ACPI _PRT and the MP table describe the same wiring.
 */
public final class PciInterruptRouting {
    /** The IOAPIC input INTA# of slot 0 reaches; the four PCI GSIs follow the 16 ISA ones. */
    public static final int FIRST_GSI = 16;
    /** Number of distinct PCI interrupt lines (INTA#..INTD# rotated across slots). */
    public static final int GSI_COUNT = 4;
    /** Pins per function, INTA#..INTD#. */
    public static final int PIN_COUNT = 4;

    private PciInterruptRouting() {
    }

    /**
     * @param slot device number on bus 0, 0..31
     * @param pin 0 for INTA# .. 3 for INTD# (the config-space interrupt pin register minus one)
     * @return the GSI (IOAPIC input) the pin drives
     */
    public static int gsi(int slot, int pin) {
        if (slot < 0 || slot >= PciRootBus.SLOT_COUNT || pin < 0 || pin >= PIN_COUNT) {
            throw new IllegalArgumentException("no INTx route for slot %d pin %d".formatted(slot, pin));
        }
        return FIRST_GSI + (slot + pin) % GSI_COUNT;
    }
}
