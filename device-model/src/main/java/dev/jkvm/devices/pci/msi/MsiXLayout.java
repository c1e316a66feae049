package dev.jkvm.devices.pci.msi;

/**
 * Where a function's MSI-X structures live (PCI Local Bus 3.0 §6.8.2): how many table entries, and the BAR and
 * offset of the table and of the pending bit array.
 *
 * @param tableSize number of vectors, 1..2048
 * @param tableBar BAR index (BIR) holding the table
 * @param tableOffset offset of the table in that BAR, 8-byte aligned
 * @param pbaBar BAR index holding the PBA
 * @param pbaOffset offset of the PBA in that BAR, 8-byte aligned
 */
public record MsiXLayout(int tableSize, int tableBar, int tableOffset, int pbaBar, int pbaOffset) {
    /** Largest table the 11-bit table-size field can describe. */
    public static final int MAX_TABLE_SIZE = 2048;
    /** Bytes per table entry: address low, address high, data, vector control. */
    public static final int ENTRY_SIZE = 16;
    /** Low bits of the offset/BIR registers that hold the BIR, so offsets are multiples of 8. */
    public static final int BIR_MASK = 0x7;
    /** Highest BAR index a BIR can name (six BARs). */
    private static final int MAX_BIR = 5;

    public MsiXLayout {
        if (tableSize < 1 || tableSize > MAX_TABLE_SIZE) {
            throw new IllegalArgumentException("MSI-X table size must be 1..2048, got " + tableSize);
        }
        if (tableBar < 0 || tableBar > MAX_BIR || pbaBar < 0 || pbaBar > MAX_BIR) {
            throw new IllegalArgumentException("MSI-X BIRs %d/%d outside BAR 0..5".formatted(tableBar, pbaBar));
        }
        if ((tableOffset & BIR_MASK) != 0 || (pbaOffset & BIR_MASK) != 0 || tableOffset < 0 || pbaOffset < 0) {
            throw new IllegalArgumentException("MSI-X offsets 0x%x/0x%x must be 8-byte aligned".formatted(tableOffset, pbaOffset));
        }
    }

    /** Bytes the table spans. */
    public int tableLength() {
        return tableSize * ENTRY_SIZE;
    }

    /** Bytes the PBA spans: one bit per entry in whole qwords. */
    public int pbaLength() {
        return Math.ceilDiv(tableSize, Long.SIZE) * Long.BYTES;
    }
}
