package dev.jkvm.core.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The Linux "zero page", struct boot_params (arch/x86/include/uapi/asm/bootparam.h, Documentation/arch/x86/
 * zero-page.rst): the kernel's setup header followed by what a boot loader fills in, i.e. its own identity, where
 * the command line and initrd are, the e820 memory map and the ACPI RSDP.
 *
 * @param setupHeader the header bytes from {@link SetupHeader#OFFSET} as the kernel image has them (or as
 *                    {@link SetupHeader#synthesize} makes them); copied first, then the loader's fields on top
 * @param acpiRsdpAddr physical address of the RSDP, 0 when the kernel should search for it
 */
public record BootParams(byte[] setupHeader, long cmdLinePtr, long ramdiskImage, long ramdiskSize,
                         List<E820Entry> e820, long acpiRsdpAddr) {
    /** Size of struct boot_params. */
    public static final int SIZE = 4096;
    /** acpi_rsdp_addr: the RSDP's physical address (read by kernels of protocol 2.14 and later). */
    public static final int ACPI_RSDP_ADDR = 0x070;
    /** ext_ramdisk_image: bits 63:32 of the initrd address. */
    public static final int EXT_RAMDISK_IMAGE = 0x0C0;
    /** ext_ramdisk_size: bits 63:32 of the initrd size. */
    public static final int EXT_RAMDISK_SIZE = 0x0C4;
    /** ext_cmd_line_ptr: bits 63:32 of the command line address. */
    public static final int EXT_CMD_LINE_PTR = 0x0C8;
    /** e820_entries: number of entries in e820_table. */
    public static final int E820_ENTRIES = 0x1E8;
    /** e820_table: the memory map, 20-byte {u64 addr, u64 size, u32 type} entries. */
    public static final int E820_TABLE = 0x2D0;
    /** Size of one struct boot_e820_entry. */
    public static final int E820_ENTRY_SIZE = 20;
    /** E820_MAX_ENTRIES_ZEROPAGE: room in e820_table. */
    public static final int E820_MAX_ENTRIES = 128;
    /** type_of_loader 0xFF: a boot loader without an assigned ID. */
    public static final int LOADER_TYPE_UNDEFINED = 0xFF;
    /** vid_mode 0xFFFF: "normal" VGA text mode, i.e. no mode switch asked for. */
    public static final int VID_MODE_NORMAL = 0xFFFF;
    /** heap_end_ptr that boot.rst's example loader uses (heap end 0xE000 in the real-mode segment, minus 0x200). */
    public static final int HEAP_END_PTR = 0xE000 - 0x200;

    public BootParams {
        e820 = List.copyOf(e820);
        if (setupHeader.length > SetupHeader.END - SetupHeader.OFFSET) {
            throw new IllegalArgumentException("setup header of " + setupHeader.length + " bytes does not fit in "
                    + "boot_params (at most " + (SetupHeader.END - SetupHeader.OFFSET) + ")");
        }
        if (e820.size() > E820_MAX_ENTRIES) {
            throw new IllegalArgumentException("memory map has " + e820.size() + " entries; the zero page holds "
                    + E820_MAX_ENTRIES);
        }
    }

    /** The 4096-byte zero page. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(SetupHeader.OFFSET, setupHeader);
        int version = Short.toUnsignedInt(b.getShort(SetupHeader.VERSION));
        b.putShort(SetupHeader.VID_MODE, (short) VID_MODE_NORMAL);
        b.put(SetupHeader.TYPE_OF_LOADER, (byte) LOADER_TYPE_UNDEFINED);
        b.put(SetupHeader.LOADFLAGS, (byte) (b.get(SetupHeader.LOADFLAGS)
                | SetupHeader.LOADED_HIGH | SetupHeader.CAN_USE_HEAP));
        b.putShort(SetupHeader.HEAP_END_PTR, (short) HEAP_END_PTR);
        b.putInt(SetupHeader.CMD_LINE_PTR, (int) cmdLinePtr);
        b.putInt(EXT_CMD_LINE_PTR, (int) (cmdLinePtr >>> 32));
        b.putInt(SetupHeader.RAMDISK_IMAGE, (int) ramdiskImage);
        b.putInt(EXT_RAMDISK_IMAGE, (int) (ramdiskImage >>> 32));
        b.putInt(SetupHeader.RAMDISK_SIZE, (int) ramdiskSize);
        b.putInt(EXT_RAMDISK_SIZE, (int) (ramdiskSize >>> 32));
        // Older kernels have padding here: the field only means something from the protocol that introduced it.
        if (version >= SetupHeader.PROTOCOL_2_14) {
            b.putLong(ACPI_RSDP_ADDR, acpiRsdpAddr);
        }
        b.put(E820_ENTRIES, (byte) e820.size());
        for (int i = 0; i < e820.size(); i++) {
            E820Entry e = e820.get(i);
            int at = E820_TABLE + i * E820_ENTRY_SIZE;
            b.putLong(at, e.address());
            b.putLong(at + 8, e.size());
            b.putInt(at + 16, e.type());
        }
        return b.array();
    }
}
