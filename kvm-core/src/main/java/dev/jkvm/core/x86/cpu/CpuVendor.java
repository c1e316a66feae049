package dev.jkvm.core.x86.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 12-character vendor string of CPUID leaves 0 and 0x80000000 (EBX, EDX, ECX in that order). It decides
 * which vendor's topology and cache leaves a guest reads: AMD's (and Hygon's, built on Zen) or Intel's.
 */
public record CpuVendor(String id) {
    /** Intel's vendor string. */
    public static final CpuVendor INTEL = new CpuVendor("GenuineIntel");
    /** AMD's vendor string. */
    public static final CpuVendor AMD = new CpuVendor("AuthenticAMD");
    /** Hygon's vendor string (AMD Zen derivatives, AMD's CPUID layout). */
    public static final CpuVendor HYGON = new CpuVendor("HygonGenuine");
    /** Length of a vendor string in bytes. */
    private static final int LENGTH = 12;

    public CpuVendor {
        if (id.length() != LENGTH || !StandardCharsets.US_ASCII.newEncoder().canEncode(id)) {
            throw new IllegalArgumentException("a CPU vendor string is 12 ASCII characters, got '" + id + "'");
        }
    }

    public static CpuVendor fromRegisters(int ebx, int edx, int ecx) {
        ByteBuffer bytes = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN).putInt(ebx).putInt(edx).putInt(ecx);
        return new CpuVendor(new String(bytes.array(), StandardCharsets.ISO_8859_1));
    }

    /** Whether the guest reads AMD's leaves (0x8000001E topology, 0x8000001D caches) rather than Intel's leaf 4. */
    public boolean amdLayout() {
        return equals(AMD) || equals(HYGON);
    }

    /** The string as EBX, EDX, ECX hold it. */
    public int ebx() {
        return word(0);
    }

    public int edx() {
        return word(4);
    }

    public int ecx() {
        return word(8);
    }

    private int word(int offset) {
        return ByteBuffer.wrap(id.getBytes(StandardCharsets.ISO_8859_1)).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }
}
