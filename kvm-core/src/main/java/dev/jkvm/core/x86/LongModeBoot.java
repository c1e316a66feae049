package dev.jkvm.core.x86;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Enters a kernel the way the Linux 64-bit boot protocol says (Documentation/arch/x86/boot.rst, "64-bit Boot
 * Protocol"): long mode with paging, an identity map covering the kernel, zero page and command line (here all of
 * the first 4 GiB, in 2 MiB pages), a GDT with flat 4 GiB __BOOT_CS (0x10, execute/read) and __BOOT_DS (0x18,
 * read/write), CS = __BOOT_CS, DS = ES = SS = __BOOT_DS, interrupts off, %rsi = the zero page.
 */
public final class LongModeBoot {
    /** CR0.PE: protected mode. */
    public static final long CR0_PE = 1;
    /** CR0.ET: hardwired to 1 since the 486. */
    public static final long CR0_ET = 1 << 4;
    /** CR0.PG: paging. */
    public static final long CR0_PG = 1L << 31;
    /** CR4.PAE: 64-bit page table entries, required for long mode. */
    public static final long CR4_PAE = 1 << 5;
    /** EFER.LME: long mode enable. */
    public static final long EFER_LME = 1 << 8;
    /** EFER.LMA: long mode active (set by the CPU when paging turns on with LME; KVM takes it as given). */
    public static final long EFER_LMA = 1 << 10;
    /** Page table entry bits: present. */
    public static final long PTE_PRESENT = 1;
    /** Page table entry bits: writable. */
    public static final long PTE_WRITABLE = 1 << 1;
    /** Page directory entry bit PS: this entry maps a 2 MiB page. */
    public static final long PDE_LARGE_PAGE = 1 << 7;
    /** Bytes one page directory entry maps with PS set. */
    public static final long LARGE_PAGE_SIZE = 2L << 20;
    /** How many page directories the identity map uses: one per GiB of the first 4 GiB. */
    public static final int PAGE_DIRECTORIES = 4;
    /** Entries in one page table page of any level. */
    private static final int ENTRIES_PER_TABLE = 512;
    /** Size of a page table page. */
    private static final long TABLE_SIZE = 4096;
    /** Guest-physical address of the PML4 (the first page of {@link BootLayout#PAGE_TABLES}). */
    public static final long PML4 = BootLayout.PAGE_TABLES;
    /** The one page directory pointer table, after the PML4. */
    private static final long PDPT = PML4 + TABLE_SIZE;
    /** The first of the page directories, after the PDPT. */
    private static final long FIRST_PAGE_DIRECTORY = PDPT + TABLE_SIZE;
    /** Bytes of guest RAM the page tables occupy. */
    public static final long PAGE_TABLES_SIZE = (2 + PAGE_DIRECTORIES) * TABLE_SIZE;

    private LongModeBoot() {
    }

    /** The boot segments, control registers and EFER of the 64-bit boot protocol. */
    public static BootCpuState cpuState() {
        SegmentDescriptor code = new SegmentDescriptor(PvhBoot.CODE_SELECTOR, 0, 0xFFFFF,
                SegmentDescriptor.TYPE_CODE, false, 0, false, true, true);
        return new BootCpuState(code, SegmentDescriptor.data32(PvhBoot.DATA_SELECTOR),
                SegmentDescriptor.tss32(PvhBoot.TSS_SELECTOR), CR0_PE | CR0_ET | CR0_PG, PML4, CR4_PAE,
                EFER_LME | EFER_LMA);
    }

    /** Builds the identity map and GDT in guest RAM and puts {@code vcpu} at {@code entry} with %rsi = zero page. */
    public static void enter(GuestMemory memory, Vcpu vcpu, long entry, long zeroPage) {
        writeIdentityMap(memory);
        cpuState().apply(memory, vcpu,
                new BootCpuState.EntryRegisters(entry, BootLayout.BOOT_STACK_TOP, 0, 0, zeroPage));
    }

    /** PML4[0] → PDPT, PDPT[0..3] → four page directories, each mapping one GiB in 2 MiB pages. */
    public static void writeIdentityMap(GuestMemory memory) {
        MemorySegment tables = memory.slice(PML4, PAGE_TABLES_SIZE);
        tables.fill((byte) 0);
        long flags = PTE_PRESENT | PTE_WRITABLE;
        tables.set(ValueLayout.JAVA_LONG, 0, PDPT | flags);
        for (int gib = 0; gib < PAGE_DIRECTORIES; gib++) {
            long directory = FIRST_PAGE_DIRECTORY + gib * TABLE_SIZE;
            tables.set(ValueLayout.JAVA_LONG, PDPT - PML4 + gib * 8L, directory | flags);
            for (int i = 0; i < ENTRIES_PER_TABLE; i++) {
                long physical = ((long) gib * ENTRIES_PER_TABLE + i) * LARGE_PAGE_SIZE;
                tables.set(ValueLayout.JAVA_LONG, directory - PML4 + i * 8L, physical | flags | PDE_LARGE_PAGE);
            }
        }
    }
}
