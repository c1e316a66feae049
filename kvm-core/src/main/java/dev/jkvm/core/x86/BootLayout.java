package dev.jkvm.core.x86;

/** Guest-physical addresses jkvm uses while booting an x86 guest; all lie in conventional RAM below 640 KiB. */
public final class BootLayout {
    /** The boot GDT that matches the hidden segment state jkvm loads. */
    public static final long GDT = 0x500;
    /** PVH hvm_start_info. */
    public static final long PVH_START_INFO = 0x6000;
    /** PVH memory map, right after hvm_start_info (which is 56 bytes). */
    public static final long PVH_MEMMAP = 0x6040;
    /** Room for the PVH memory map, in entries of 24 bytes. */
    public static final int PVH_MEMMAP_MAX_ENTRIES = 128;
    /** Kernel command line. */
    public static final long CMDLINE = 0x20000;
    /** Largest command line jkvm passes, without the terminating NUL (Linux's x86 COMMAND_LINE_SIZE is 2048). */
    public static final int CMDLINE_MAX = 2047;
    /** Where VMX puts its real-mode TSS (three pages), just below the BIOS area at the top of 4 GiB. */
    public static final long KVM_TSS = 0xFFFB_D000L;
    /** Where VMX keeps its identity-map page table for unpaged guest modes. */
    public static final long KVM_IDENTITY_MAP = 0xFFFB_C000L;

    private BootLayout() {
    }
}
