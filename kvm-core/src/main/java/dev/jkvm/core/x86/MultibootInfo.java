package dev.jkvm.core.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The Multiboot information structure (Multiboot Specification 0.6.96, section 3.3) that a Multiboot kernel finds
 * through %ebx, together with its memory map, which jkvm places right after it. Addresses are 32-bit physical.
 *
 * @param memLowerKib   KiB of RAM from address 0 (at most 640)
 * @param memUpperKib   KiB of RAM from 1 MiB up to the first hole
 * @param cmdline       address of the kernel's NUL-terminated command line
 * @param modsCount     number of entries in the module list
 * @param modsAddr      address of the module list ({@link Module} entries)
 * @param mmap          the memory map, written right after the structure
 * @param bootLoaderName address of the NUL-terminated boot loader name
 */
public record MultibootInfo(long memLowerKib, long memUpperKib, long cmdline, int modsCount, long modsAddr,
                            List<E820Entry> mmap, long bootLoaderName) {
    /** Value in %eax at a Multiboot kernel's entry. */
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    /** flags bit 0: mem_lower and mem_upper are valid. */
    public static final int FLAG_MEMORY = 1;
    /** flags bit 2: cmdline is valid. */
    public static final int FLAG_CMDLINE = 1 << 2;
    /** flags bit 3: mods_count and mods_addr are valid. */
    public static final int FLAG_MODS = 1 << 3;
    /** flags bit 6: mmap_length and mmap_addr are valid. */
    public static final int FLAG_MMAP = 1 << 6;
    /** flags bit 9: boot_loader_name is valid. */
    public static final int FLAG_BOOT_LOADER_NAME = 1 << 9;
    /** Size of the structure up to and including the VBE fields (0.6.96 has nothing after them). */
    public static final int SIZE = 88;
    /** Where the memory map starts relative to the structure: after it, 8-byte aligned. */
    public static final int MMAP_OFFSET = 88;
    /** Size of one memory map entry including its leading size field. */
    public static final int MMAP_ENTRY_SIZE = 24;
    /** The value of each entry's size field: the entry's bytes after that field. */
    public static final int MMAP_ENTRY_SIZE_FIELD = MMAP_ENTRY_SIZE - 4;
    /** Size of one module list entry: mod_start, mod_end, string, reserved. */
    public static final int MODULE_ENTRY_SIZE = 16;
    /** The most lower memory the structure may report. */
    public static final long MAX_MEM_LOWER_KIB = 640;

    /** offset of flags. */
    public static final int OFFSET_FLAGS = 0;
    /** offset of mem_lower. */
    public static final int OFFSET_MEM_LOWER = 4;
    /** offset of mem_upper. */
    public static final int OFFSET_MEM_UPPER = 8;
    /** offset of cmdline. */
    public static final int OFFSET_CMDLINE = 16;
    /** offset of mods_count. */
    public static final int OFFSET_MODS_COUNT = 20;
    /** offset of mods_addr. */
    public static final int OFFSET_MODS_ADDR = 24;
    /** offset of mmap_length. */
    public static final int OFFSET_MMAP_LENGTH = 44;
    /** offset of mmap_addr. */
    public static final int OFFSET_MMAP_ADDR = 48;
    /** offset of boot_loader_name. */
    public static final int OFFSET_BOOT_LOADER_NAME = 64;

    /** One boot module: [start, end) in guest RAM and the address of its NUL-terminated string. */
    public record Module(long start, long end, long string) {
        public void writeTo(ByteBuffer b, int at) {
            b.putInt(at, (int) start);
            b.putInt(at + 4, (int) end);
            b.putInt(at + 8, (int) string);
            b.putInt(at + 12, 0);
        }
    }

    public MultibootInfo {
        mmap = List.copyOf(mmap);
    }

    /** Bytes the structure and its memory map take. */
    public int encodedSize() {
        return MMAP_OFFSET + mmap.size() * MMAP_ENTRY_SIZE;
    }

    /** The structure followed by its memory map, for placing at guest-physical {@code address}. */
    public byte[] encode(long address) {
        ByteBuffer b = ByteBuffer.allocate(encodedSize()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(OFFSET_FLAGS, FLAG_MEMORY | FLAG_CMDLINE | FLAG_MODS | FLAG_MMAP | FLAG_BOOT_LOADER_NAME);
        b.putInt(OFFSET_MEM_LOWER, (int) Math.min(memLowerKib, MAX_MEM_LOWER_KIB));
        b.putInt(OFFSET_MEM_UPPER, (int) memUpperKib);
        b.putInt(OFFSET_CMDLINE, (int) cmdline);
        b.putInt(OFFSET_MODS_COUNT, modsCount);
        b.putInt(OFFSET_MODS_ADDR, (int) modsAddr);
        b.putInt(OFFSET_MMAP_LENGTH, mmap.size() * MMAP_ENTRY_SIZE);
        b.putInt(OFFSET_MMAP_ADDR, (int) (address + MMAP_OFFSET));
        b.putInt(OFFSET_BOOT_LOADER_NAME, (int) bootLoaderName);
        for (int i = 0; i < mmap.size(); i++) {
            E820Entry e = mmap.get(i);
            int at = MMAP_OFFSET + i * MMAP_ENTRY_SIZE;
            b.putInt(at, MMAP_ENTRY_SIZE_FIELD);
            b.putLong(at + 4, e.address());
            b.putLong(at + 12, e.size());
            b.putInt(at + 20, e.type());
        }
        return b.array();
    }

    /** KiB of RAM from address 0, from the map's entry that starts there. */
    public static long lowerMemoryKib(List<E820Entry> map) {
        return map.stream().filter(e -> e.type() == E820Entry.RAM && e.address() == 0)
                .mapToLong(e -> e.size() / 1024).findFirst().orElse(0);
    }

    /** KiB of RAM from 1 MiB up to the first hole, from the map's entry that contains 1 MiB. */
    public static long upperMemoryKib(List<E820Entry> map) {
        return map.stream().filter(e -> e.type() == E820Entry.RAM && e.address() <= E820Entry.ONE_MIB
                        && e.address() + e.size() > E820Entry.ONE_MIB)
                .mapToLong(e -> (e.address() + e.size() - E820Entry.ONE_MIB) / 1024).findFirst().orElse(0);
    }
}
