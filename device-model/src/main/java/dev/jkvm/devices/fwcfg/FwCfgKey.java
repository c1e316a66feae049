package dev.jkvm.devices.fwcfg;

/**
 * Selector keys of QEMU's fw_cfg items, with QEMU's numbers and names (docs/specs/fw_cfg.rst and QEMU's
 * include/standard-headers/linux/qemu_fw_cfg.h). Integers are little-endian unless an item says otherwise.
 */
public final class FwCfgKey {
    /** The four bytes "QEMU": proves the device is there. */
    public static final int SIGNATURE = 0x00;
    /** u32 feature bitmap: {@link #ID_TRADITIONAL} and {@link #ID_DMA}. */
    public static final int ID = 0x01;
    /** The VM's 16-byte UUID. */
    public static final int UUID = 0x02;
    /** u64 RAM size in bytes. */
    public static final int RAM_SIZE = 0x03;
    /** u16, 1 when the machine has no graphical display. */
    public static final int NOGRAPHIC = 0x04;
    /** u16 number of CPUs present at boot. */
    public static final int NB_CPUS = 0x05;
    /** u32 machine id (sparc and ppc boards; x86 does not set it). */
    public static final int MACHINE_ID = 0x06;
    /** u32 load address of the kernel (the protected-mode part of a bzImage). */
    public static final int KERNEL_ADDR = 0x07;
    /** u32 size of the kernel. */
    public static final int KERNEL_SIZE = 0x08;
    /** u32 address of the command line (sparc and ppc boards; x86 uses {@link #CMDLINE_ADDR}). */
    public static final int KERNEL_CMDLINE = 0x09;
    /** u32 load address of the initrd. */
    public static final int INITRD_ADDR = 0x0a;
    /** u32 size of the initrd. */
    public static final int INITRD_SIZE = 0x0b;
    /** u16 boot device letter (sparc and ppc boards). */
    public static final int BOOT_DEVICE = 0x0c;
    /** u64 node count, then a u64 node per APIC ID, then a u64 size per node. */
    public static final int NUMA = 0x0d;
    /** u16, 1 when the firmware should offer a boot menu. */
    public static final int BOOT_MENU = 0x0e;
    /** u16 most CPUs the machine can have. */
    public static final int MAX_CPUS = 0x0f;
    /** u32 kernel entry point (the PVH entry for an ELF kernel). */
    public static final int KERNEL_ENTRY = 0x10;
    /** The kernel's bytes. */
    public static final int KERNEL_DATA = 0x11;
    /** The initrd's bytes. */
    public static final int INITRD_DATA = 0x12;
    /** u32 address the command line is loaded at. */
    public static final int CMDLINE_ADDR = 0x13;
    /** u32 command line length including its terminating NUL. */
    public static final int CMDLINE_SIZE = 0x14;
    /** The command line, NUL-terminated. */
    public static final int CMDLINE_DATA = 0x15;
    /** u32 load address of the bzImage real-mode setup code. */
    public static final int SETUP_ADDR = 0x16;
    /** u32 size of the setup code. */
    public static final int SETUP_SIZE = 0x17;
    /** The setup code's bytes. */
    public static final int SETUP_DATA = 0x18;
    /** The file directory: u32 big-endian count, then one {@link FwCfgFile} entry per file. */
    public static final int FILE_DIR = 0x19;
    /** Selector of the first named file; files take consecutive selectors in name order. */
    public static final int FILE_FIRST = 0x20;

    /** Selector bit 14: the item is being written (ignored since QEMU 2.4; writes go through DMA). */
    public static final int WRITE_CHANNEL = 0x4000;
    /** Selector bit 15: an architecture-specific item. */
    public static final int ARCH_LOCAL = 0x8000;
    /** The selector bits that name an item within its (generic or architecture) range. */
    public static final int ENTRY_MASK = 0x3FFF;

    /** FW_CFG_ID bit 0: the traditional selector/data port interface, always present. */
    public static final int ID_TRADITIONAL = 1;
    /** FW_CFG_ID bit 1: the DMA interface. */
    public static final int ID_DMA = 1 << 1;

    private FwCfgKey() {
    }

    /** The item a selector value names: the write-channel bit does not change which item it is. */
    public static int item(int selector) {
        return selector & (ARCH_LOCAL | ENTRY_MASK);
    }
}
