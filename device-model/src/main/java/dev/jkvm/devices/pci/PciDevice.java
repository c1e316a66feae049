package dev.jkvm.devices.pci;

import dev.jkvm.devices.irq.InterruptLine;

import java.util.List;

/**
 * One PCI function as the bus sees it: its configuration space (the 256-byte conventional header and
 * capabilities, plus PCI Express extended space up to 4 KiB through ECAM) and the BARs it decodes. Config
 * accesses arrive from vCPU threads (mechanism #1 and ECAM alike) and must be naturally aligned, 1, 2 or 4 bytes.
 */
public interface PciDevice {
    /** Bytes of configuration space a function has behind ECAM. */
    int CONFIG_SPACE_SIZE = 4096;

    /** Little-endian, zero-extended read of {@code size} bytes at {@code offset}. */
    int configRead(int offset, int size);

    void configWrite(int offset, int size, int value);

    /** The BARs this function implements, in BAR index order. */
    List<PciBar> bars();

    /**
     * Called once when the function is plugged into a slot, before the guest runs: where its BARs are to be
     * decoded is told through {@code mapper}, and its INTx pin (if it has one) drives {@code intx}.
     */
    void attach(PciBarMapper mapper, InterruptLine intx);
}
