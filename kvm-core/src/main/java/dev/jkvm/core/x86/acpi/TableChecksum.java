package dev.jkvm.core.x86.acpi;

/**
 * The 8-bit checksum firmware tables use (ACPI's RSDP and SDTs, the MP specification's structures): all bytes of
 * the structure, checksum byte included, add up to zero modulo 256.
 */
public final class TableChecksum {
    private TableChecksum() {
    }

    /** The sum of {@code data[from, to)} modulo 256. */
    public static int sum(byte[] data, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += data[i];
        }
        return sum & 0xFF;
    }

    /** Sets {@code data[at]} so that {@code data[from, to)} sums to zero. */
    public static void fill(byte[] data, int from, int to, int at) {
        data[at] = 0;
        data[at] = (byte) -sum(data, from, to);
    }
}
