package dev.jkvm.core.x86;

import dev.jkvm.core.loader.KernelLoadException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Linux/x86 boot protocol's setup header (Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header"), as a
 * bzImage carries it at file offset 0x1F1 and as the zero page (struct boot_params) repeats it at the same offset.
 * Fields a protocol version does not have take the defaults boot.rst gives for older kernels.
 *
 * @param length bytes of the header from {@link #OFFSET}: what a boot loader copies into the zero page
 */
public record SetupHeader(int length, int setupSects, int bootFlag, int version, int loadflags, long code32Start,
                          long initrdAddrMax, long kernelAlignment, boolean relocatable, int xloadflags,
                          long cmdlineSize, long payloadOffset, long payloadLength, long prefAddress, long initSize) {
    /** Where the setup header starts, in the bzImage and in the zero page. */
    public static final int OFFSET = 0x1F1;
    /** Where the zero page's copy of the header ends (struct boot_params pads the header up to here). */
    public static final int END = 0x290;

    /** setup_sects: size of the setup code in 512-byte sectors, not counting the boot sector. */
    public static final int SETUP_SECTS = 0x1F1;
    /** vid_mode: video mode control. */
    public static final int VID_MODE = 0x1FA;
    /** boot_flag: 0xAA55, the old boot sector signature. */
    public static final int BOOT_FLAG = 0x1FE;
    /** jump: a short jmp whose 8-bit displacement (at 0x201) says where the header ends. */
    public static final int JUMP = 0x200;
    /** header: the magic "HdrS". */
    public static final int HEADER = 0x202;
    /** version: boot protocol version, major in the high byte. */
    public static final int VERSION = 0x206;
    /** type_of_loader: boot loader identifier. */
    public static final int TYPE_OF_LOADER = 0x210;
    /** loadflags: boot protocol option flags. */
    public static final int LOADFLAGS = 0x211;
    /** code32_start: where the protected-mode kernel is loaded. */
    public static final int CODE32_START = 0x214;
    /** ramdisk_image: initrd load address (low 32 bits). */
    public static final int RAMDISK_IMAGE = 0x218;
    /** ramdisk_size: initrd size (low 32 bits). */
    public static final int RAMDISK_SIZE = 0x21C;
    /** heap_end_ptr: end of the setup stack/heap, relative to the real-mode code, minus 0x200. */
    public static final int HEAP_END_PTR = 0x224;
    /** cmd_line_ptr: physical address of the kernel command line (low 32 bits). */
    public static final int CMD_LINE_PTR = 0x228;
    /** initrd_addr_max: highest address the initrd may occupy (protocol 2.03+). */
    public static final int INITRD_ADDR_MAX = 0x22C;
    /** kernel_alignment: physical alignment the kernel needs (protocol 2.05+). */
    public static final int KERNEL_ALIGNMENT = 0x230;
    /** relocatable_kernel: whether the protected-mode kernel may be loaded elsewhere (protocol 2.05+). */
    public static final int RELOCATABLE_KERNEL = 0x234;
    /** xloadflags: 64-bit entry and other capabilities (protocol 2.12+). */
    public static final int XLOADFLAGS = 0x236;
    /** cmdline_size: longest command line the kernel takes, without its NUL (protocol 2.06+). */
    public static final int CMDLINE_SIZE = 0x238;
    /** payload_offset: where the compressed kernel starts, relative to the protected-mode code (protocol 2.08+). */
    public static final int PAYLOAD_OFFSET = 0x248;
    /** payload_length: size of the compressed kernel (protocol 2.08+). */
    public static final int PAYLOAD_LENGTH = 0x24C;
    /** pref_address: preferred load address of a relocatable kernel (protocol 2.10+). */
    public static final int PREF_ADDRESS = 0x258;
    /** init_size: memory the kernel needs from its load address until it runs (protocol 2.10+). */
    public static final int INIT_SIZE = 0x260;

    /** The value of boot_flag in every bootable image. */
    public static final int BOOT_FLAG_MAGIC = 0xAA55;
    /** "HdrS" read as a little-endian 32-bit word. */
    public static final int HEADER_MAGIC = 0x53726448;
    /** setup_sects of 0 means this many, for compatibility with very old kernels. */
    public static final int DEFAULT_SETUP_SECTS = 4;
    /** Size of a sector of the setup code (and of the boot sector). */
    public static final int SECTOR_SIZE = 512;
    /** loadflags bit LOADED_HIGH: the protected-mode code is loaded at 0x100000. */
    public static final int LOADED_HIGH = 1;
    /** loadflags bit CAN_USE_HEAP: heap_end_ptr is valid. */
    public static final int CAN_USE_HEAP = 1 << 7;
    /** xloadflags bit XLF_KERNEL_64: the kernel has the legacy 64-bit entry point at code32_start + 0x200. */
    public static final int XLF_KERNEL_64 = 1;
    /** initrd_addr_max of kernels before protocol 2.03. */
    public static final long LEGACY_INITRD_ADDR_MAX = 0x37FF_FFFFL;
    /** cmdline_size of kernels before protocol 2.06. */
    public static final long LEGACY_CMDLINE_SIZE = 255;
    /** Protocol 2.03: initrd_addr_max. */
    public static final int PROTOCOL_2_03 = 0x0203;
    /** Protocol 2.05: kernel_alignment and relocatable_kernel. */
    public static final int PROTOCOL_2_05 = 0x0205;
    /** Protocol 2.06: cmdline_size. */
    public static final int PROTOCOL_2_06 = 0x0206;
    /** Protocol 2.08: payload_offset and payload_length. */
    public static final int PROTOCOL_2_08 = 0x0208;
    /** Protocol 2.10: pref_address and init_size. */
    public static final int PROTOCOL_2_10 = 0x020A;
    /** Protocol 2.12: xloadflags, and with it a declared 64-bit entry point. */
    public static final int PROTOCOL_2_12 = 0x020C;
    /** Protocol 2.14: from here the zero page's acpi_rsdp_addr is read. */
    public static final int PROTOCOL_2_14 = 0x020E;
    /** The protocol version jkvm writes into a zero page it builds for a bare vmlinux (2.15). */
    public static final int PROTOCOL_JKVM = 0x020F;

    /** Whether {@code file} has the "HdrS" magic of a Linux/x86 setup header. */
    public static boolean isPresent(byte[] file) {
        return file.length >= HEADER + 4 && le(file).getInt(HEADER) == HEADER_MAGIC;
    }

    /** Reads the header of a file that {@link #isPresent has one}; checks the boot flag and the header's extent. */
    public static SetupHeader parse(String name, byte[] file) {
        if (!isPresent(file)) {
            throw new KernelLoadException(name + ": no Linux setup header (\"HdrS\" at 0x202)");
        }
        ByteBuffer b = le(file);
        int bootFlag = Short.toUnsignedInt(b.getShort(BOOT_FLAG));
        if (bootFlag != BOOT_FLAG_MAGIC) {
            throw new KernelLoadException(String.format("%s: setup header boot_flag is 0x%04x, not 0xaa55", name,
                    bootFlag));
        }
        int length = Math.min(HEADER + Byte.toUnsignedInt(file[JUMP + 1]), END) - OFFSET;
        if (OFFSET + length > file.length) {
            throw new KernelLoadException(String.format("%s: truncated: the setup header ends at 0x%x, the file has "
                    + "only %d bytes", name, OFFSET + length, file.length));
        }
        int version = Short.toUnsignedInt(b.getShort(VERSION));
        int setupSects = Byte.toUnsignedInt(file[SETUP_SECTS]);
        long initrdAddrMax = version >= PROTOCOL_2_03 && fits(length, INITRD_ADDR_MAX, 4)
                ? u32(b, INITRD_ADDR_MAX) : LEGACY_INITRD_ADDR_MAX;
        boolean has205 = version >= PROTOCOL_2_05 && fits(length, RELOCATABLE_KERNEL, 1);
        long cmdlineSize = version >= PROTOCOL_2_06 && fits(length, CMDLINE_SIZE, 4)
                ? u32(b, CMDLINE_SIZE) : LEGACY_CMDLINE_SIZE;
        boolean has208 = version >= PROTOCOL_2_08 && fits(length, PAYLOAD_LENGTH, 4);
        boolean has210 = version >= PROTOCOL_2_10 && fits(length, INIT_SIZE, 4);
        boolean has212 = version >= PROTOCOL_2_12 && fits(length, XLOADFLAGS, 2);
        return new SetupHeader(length, setupSects == 0 ? DEFAULT_SETUP_SECTS : setupSects, bootFlag, version,
                Byte.toUnsignedInt(file[LOADFLAGS]), u32(b, CODE32_START), initrdAddrMax,
                has205 ? u32(b, KERNEL_ALIGNMENT) : 0, has205 && file[RELOCATABLE_KERNEL] != 0,
                has212 ? Short.toUnsignedInt(b.getShort(XLOADFLAGS)) : 0, cmdlineSize,
                has208 ? u32(b, PAYLOAD_OFFSET) : 0, has208 ? u32(b, PAYLOAD_LENGTH) : 0,
                has210 ? b.getLong(PREF_ADDRESS) : 0, has210 ? u32(b, INIT_SIZE) : 0);
    }

    /**
     * A minimal header for a kernel that came without one (a bare vmlinux entered at its 64-bit entry), as
     * Firecracker writes it: boot flag, "HdrS", a protocol version, and the command-line limit jkvm honours.
     */
    public static byte[] synthesize(long cmdlineSize) {
        int length = END - OFFSET;
        ByteBuffer b = ByteBuffer.allocate(END).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(BOOT_FLAG, (short) BOOT_FLAG_MAGIC);
        b.put(JUMP + 1, (byte) (END - HEADER));
        b.putInt(HEADER, HEADER_MAGIC);
        b.putShort(VERSION, (short) PROTOCOL_JKVM);
        b.put(LOADFLAGS, (byte) LOADED_HIGH);
        b.putInt(INITRD_ADDR_MAX, (int) LEGACY_INITRD_ADDR_MAX);
        b.putShort(XLOADFLAGS, (short) XLF_KERNEL_64);
        b.putInt(CMDLINE_SIZE, (int) cmdlineSize);
        byte[] header = new byte[length];
        b.get(OFFSET, header);
        return header;
    }

    /** Size of the real-mode setup code, boot sector included: where the protected-mode kernel starts in the file. */
    public int setupSize() {
        return (setupSects + 1) * SECTOR_SIZE;
    }

    public boolean has64BitEntry() {
        return (xloadflags & XLF_KERNEL_64) != 0;
    }

    /** "2.15" for 0x020F. */
    public String versionString() {
        return describeVersion(version);
    }

    public static String describeVersion(int version) {
        return (version >>> 8) + "." + String.format("%02d", version & 0xFF);
    }

    private static boolean fits(int length, int fieldOffset, int fieldSize) {
        return fieldOffset + fieldSize <= OFFSET + length;
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }

    private static ByteBuffer le(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }
}
