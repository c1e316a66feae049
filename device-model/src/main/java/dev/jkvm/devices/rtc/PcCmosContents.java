package dev.jkvm.devices.rtc;

/**
 * The CMOS bytes a PC's firmware fills from the machine, in the places QEMU's pc_cmos_init puts them (and SeaBIOS
 * reads them): conventional, extended and high memory sizes and the CPU count, with the standard checksum over
 * 0x10–0x2D.
 *
 * @param ramBelow4GiB bytes of RAM below 4 GiB (from address 0)
 * @param ramAbove4GiB bytes of RAM from 4 GiB up
 * @param cpus         vCPUs at boot
 */
public record PcCmosContents(long ramBelow4GiB, long ramAbove4GiB, int cpus) {
    /** Base memory in KiB, low byte (high byte at 0x16). */
    public static final int BASE_MEMORY = 0x15;
    /** Extended memory (above 1 MiB) in KiB, as the AT BIOS reports it, low byte (high byte at 0x18). */
    public static final int EXTENDED_MEMORY = 0x17;
    /** The same extended memory figure in the POST copy, low byte (high byte at 0x31). */
    public static final int EXTENDED_MEMORY_POST = 0x30;
    /** Memory between 16 MiB and 4 GiB in 64 KiB units, low byte (high byte at 0x35). */
    public static final int MEMORY_ABOVE_16M = 0x34;
    /** Memory above 4 GiB in 64 KiB units, three bytes, low byte first. */
    public static final int MEMORY_ABOVE_4G = 0x5B;
    /** Number of CPUs minus one. */
    public static final int CPU_COUNT_MINUS_ONE = 0x5F;
    /** The checksum's high byte (low byte at 0x2F). */
    public static final int CHECKSUM = 0x2E;
    /** First byte the checksum covers. */
    public static final int CHECKSUM_FIRST = 0x10;
    /** Last byte the checksum covers. */
    public static final int CHECKSUM_LAST = 0x2D;

    /** Conventional memory the PC reports: 640 KiB. */
    private static final long BASE_MEMORY_KIB = 640;
    /** Where extended memory starts. */
    private static final long ONE_MIB = 1L << 20;
    /** Where the 64 KiB-unit field's memory starts. */
    private static final long SIXTEEN_MIB = 16L << 20;
    /** Bytes per KiB. */
    private static final long KIB = 1024;
    /** The 64 KiB units of 0x34 and 0x5B. */
    private static final long UNIT_64K = 64 * KIB;
    /** The most the two-byte fields can hold. */
    private static final int MAX_16_BIT = 0xFFFF;

    public PcCmosContents {
        if (ramBelow4GiB < 0 || ramAbove4GiB < 0 || cpus < 1) {
            throw new IllegalArgumentException("RAM sizes must not be negative and there must be a CPU: below 4 GiB "
                    + ramBelow4GiB + ", above " + ramAbove4GiB + ", cpus " + cpus);
        }
    }

    /** Writes the fields and the checksum into a 128-byte CMOS image. */
    public void writeTo(byte[] cmos) {
        putLittleEndian(cmos, BASE_MEMORY, 2, Math.min(ramBelow4GiB / KIB, BASE_MEMORY_KIB));
        long extendedKiB = Math.min(Math.max(ramBelow4GiB - ONE_MIB, 0) / KIB, MAX_16_BIT);
        putLittleEndian(cmos, EXTENDED_MEMORY, 2, extendedKiB);
        putLittleEndian(cmos, EXTENDED_MEMORY_POST, 2, extendedKiB);
        putLittleEndian(cmos, MEMORY_ABOVE_16M, 2, Math.min(Math.max(ramBelow4GiB - SIXTEEN_MIB, 0) / UNIT_64K, MAX_16_BIT));
        putLittleEndian(cmos, MEMORY_ABOVE_4G, 3, ramAbove4GiB / UNIT_64K);
        cmos[CPU_COUNT_MINUS_ONE] = (byte) Math.min(cpus - 1, 0xFF);
        writeChecksum(cmos);
    }

    /** The IBM AT checksum: the sum of bytes 0x10–0x2D, big-endian at 0x2E/0x2F. */
    public static void writeChecksum(byte[] cmos) {
        int sum = 0;
        for (int i = CHECKSUM_FIRST; i <= CHECKSUM_LAST; i++) {
            sum += Byte.toUnsignedInt(cmos[i]);
        }
        cmos[CHECKSUM] = (byte) (sum >>> 8);
        cmos[CHECKSUM + 1] = (byte) sum;
    }

    private static void putLittleEndian(byte[] cmos, int index, int bytes, long value) {
        for (int i = 0; i < bytes; i++) {
            cmos[index + i] = (byte) (value >>> (8 * i));
        }
    }
}
