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
    /** PVH hvm_modlist_entry array (the initrd is module 0), after the memory map's room. */
    public static final long PVH_MODLIST = 0x6C40;
    /** Room for PVH modules, in hvm_modlist_entry records of 32 bytes. */
    public static final int PVH_MODLIST_MAX_ENTRIES = 4;
    /** Linux zero page (struct boot_params, 4 KiB) for the 64-bit boot protocol. */
    public static final long ZERO_PAGE = 0x7000;
    /** Initial stack pointer of a kernel entered without firmware; the stack grows down into 0x8000-0x8FFF. */
    public static final long BOOT_STACK_TOP = 0x9000;
    /** Multiboot information structure and its memory map, where QEMU puts the structure too. */
    public static final long MULTIBOOT_INFO = 0x9000;
    /** Room for the Multiboot information structure and memory map. */
    public static final int MULTIBOOT_INFO_SIZE = 0x1000;
    /** Long-mode identity-map page tables: PML4, one PDPT and four page directories (0xA000-0xFFFF). */
    public static final long PAGE_TABLES = 0xA000;
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
