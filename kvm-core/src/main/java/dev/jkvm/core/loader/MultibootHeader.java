package dev.jkvm.core.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Multiboot header (Multiboot Specification 0.6.96, section 3.1): 32-bit aligned within the first 8192 bytes of
 * the image, magic 0x1BADB002, flags, and a checksum making the three sum to zero; with flags bit 16 (the "a.out
 * kludge") it also says where to load the image and where to enter it, which lets a loader take any file format,
 * a 64-bit ELF included.
 *
 * @param offset where the header starts in the file
 */
public record MultibootHeader(int offset, int flags, long headerAddr, long loadAddr, long loadEndAddr,
                              long bssEndAddr, long entryAddr) {
    /** The header's magic value. */
    public static final int MAGIC = 0x1BADB002;
    /** The header must lie entirely within this many bytes from the start of the file. */
    public static final int SEARCH_LIMIT = 8192;
    /** Alignment of the header in the file. */
    public static final int ALIGNMENT = 4;
    /** magic, flags, checksum. */
    public static final int MIN_SIZE = 12;
    /** Through entry_addr: what the a.out kludge needs. */
    public static final int AOUT_KLUDGE_SIZE = 32;
    /** flags bit 0: align modules on 4 KiB pages. */
    public static final int FLAG_PAGE_ALIGN = 1;
    /** flags bit 1: the kernel wants mem_* and, if available, the memory map. */
    public static final int FLAG_MEMORY_INFO = 1 << 1;
    /** flags bit 2: the kernel asks for a video mode; like QEMU, jkvm ignores the request. */
    public static final int FLAG_VIDEO_MODE = 1 << 2;
    /** flags bit 16: the address fields (header_addr .. entry_addr) are valid. */
    public static final int FLAG_AOUT_KLUDGE = 1 << 16;
    /** Bits 0-15 are requirements a loader must understand or refuse the image. */
    public static final int REQUIRED_MASK = 0xFFFF;
    /** The requirement bits jkvm understands. */
    public static final int UNDERSTOOD_REQUIRED = FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO | FLAG_VIDEO_MODE;

    /** The first valid header in the search window, if any. */
    public static Optional<MultibootHeader> find(String name, byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(file.length, SEARCH_LIMIT) - MIN_SIZE;
        for (int at = 0; at <= limit; at += ALIGNMENT) {
            if (b.getInt(at) == MAGIC && validChecksum(b, at)) {
                return Optional.of(read(name, file, b, at));
            }
        }
        return Optional.empty();
    }

    /** Where a Multiboot magic sits whose checksum is wrong, for telling why a file was not recognised. */
    public static OptionalInt badChecksumAt(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(file.length, SEARCH_LIMIT) - MIN_SIZE;
        for (int at = 0; at <= limit; at += ALIGNMENT) {
            if (b.getInt(at) == MAGIC && !validChecksum(b, at)) {
                return OptionalInt.of(at);
            }
        }
        return OptionalInt.empty();
    }

    public boolean hasAoutKludge() {
        return (flags & FLAG_AOUT_KLUDGE) != 0;
    }

    private static boolean validChecksum(ByteBuffer b, int at) {
        return b.getInt(at) + b.getInt(at + 4) + b.getInt(at + 8) == 0;
    }

    private static MultibootHeader read(String name, byte[] file, ByteBuffer b, int at) {
        int flags = b.getInt(at + 4);
        int unknown = flags & REQUIRED_MASK & ~UNDERSTOOD_REQUIRED;
        if (unknown != 0) {
            throw new KernelLoadException(String.format("%s: Multiboot header flags 0x%x require features jkvm does "
                    + "not have (bits 0x%x)", name, flags, unknown));
        }
        if ((flags & FLAG_AOUT_KLUDGE) == 0) {
            return new MultibootHeader(at, flags, 0, 0, 0, 0, 0);
        }
        if (at + AOUT_KLUDGE_SIZE > file.length) {
            throw new KernelLoadException(String.format("%s: truncated: the Multiboot header at 0x%x needs %d bytes for "
                    + "its address fields, the file has %d", name, at, AOUT_KLUDGE_SIZE, file.length));
        }
        return new MultibootHeader(at, flags, u32(b, at + 12), u32(b, at + 16), u32(b, at + 20), u32(b, at + 24),
                u32(b, at + 28));
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }
}
