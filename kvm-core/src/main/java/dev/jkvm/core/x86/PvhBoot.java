package dev.jkvm.core.x86;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.VmmException;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.headers.kvm.KvmDtable;
import dev.jkvm.headers.kvm.KvmFpu;
import dev.jkvm.headers.kvm.KvmRegs;
import dev.jkvm.headers.kvm.KvmSegment;
import dev.jkvm.headers.kvm.KvmSregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Enters a kernel the way the PVH boot ABI (Xen's docs/misc/pvh.pandoc) says: 32-bit protected mode without
 * paging, flat 4 GiB code and data segments, a 32-bit TSS, %ebx pointing at hvm_start_info.
 */
public final class PvhBoot {
    /** Boot GDT selectors, the same ones Linux's boot code uses. */
    public static final int CODE_SELECTOR = 0x10;
    public static final int DATA_SELECTOR = 0x18;
    public static final int TSS_SELECTOR = 0x20;
    /** CR0.PE: protected mode. */
    private static final long CR0_PE = 1;
    /** CR0.ET: hardwired to 1 since the 486. */
    private static final long CR0_ET = 1 << 4;
    /** RFLAGS bit 1 always reads as one. */
    private static final long RFLAGS_RESERVED = 2;
    /** x87 control word after FNINIT. */
    private static final short FPU_CONTROL_WORD = 0x37F;
    /** MXCSR after reset: all SIMD exceptions masked. */
    private static final int MXCSR_DEFAULT = 0x1F80;

    private PvhBoot() {
    }

    /** Writes start_info, memory map, command line and GDT into guest RAM and puts the BSP at {@code entry32}. */
    public static void prepare(GuestMemory memory, Vcpu bsp, long entry32, String cmdline, List<E820Entry> map) {
        byte[] cmd = cmdline.getBytes(StandardCharsets.US_ASCII);
        if (cmd.length > BootLayout.CMDLINE_MAX) {
            throw new VmmException("kernel command line is " + cmd.length + " bytes; at most "
                    + BootLayout.CMDLINE_MAX + " fit");
        }
        if (map.size() > BootLayout.PVH_MEMMAP_MAX_ENTRIES) {
            throw new VmmException("memory map has " + map.size() + " entries, more than PVH boot room for "
                    + BootLayout.PVH_MEMMAP_MAX_ENTRIES);
        }
        MemorySegment cmdSlot = memory.slice(BootLayout.CMDLINE, cmd.length + 1);
        MemorySegment.copy(cmd, 0, cmdSlot, ValueLayout.JAVA_BYTE, 0, cmd.length);
        cmdSlot.set(ValueLayout.JAVA_BYTE, cmd.length, (byte) 0);
        HvmStartInfo.writeMemmap(memory.slice(BootLayout.PVH_MEMMAP, map.size() * HvmStartInfo.MEMMAP_ENTRY.byteSize()), map);
        new HvmStartInfo(0, 0, BootLayout.CMDLINE, 0, BootLayout.PVH_MEMMAP, map.size())
                .writeTo(memory.slice(BootLayout.PVH_START_INFO, HvmStartInfo.LAYOUT.byteSize()));

        SegmentDescriptor code = SegmentDescriptor.code32(CODE_SELECTOR);
        SegmentDescriptor data = SegmentDescriptor.data32(DATA_SELECTOR);
        SegmentDescriptor tss = SegmentDescriptor.tss32(TSS_SELECTOR);
        long[] gdt = {0, 0, code.encode(), data.encode(), tss.encode()};
        MemorySegment gdtSlot = memory.slice(BootLayout.GDT, gdt.length * 8L);
        MemorySegment.copy(gdt, 0, gdtSlot, ValueLayout.JAVA_LONG, 0, gdt.length);

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = arena.allocate(KvmSregs.LAYOUT);
            bsp.getSregs(sregs);
            code.writeTo(sregs.asSlice(KvmSregs.OFFSET_CS, KvmSegment.LAYOUT));
            for (long offset : new long[] {KvmSregs.OFFSET_DS, KvmSregs.OFFSET_ES, KvmSregs.OFFSET_FS,
                    KvmSregs.OFFSET_GS, KvmSregs.OFFSET_SS}) {
                data.writeTo(sregs.asSlice(offset, KvmSegment.LAYOUT));
            }
            tss.writeTo(sregs.asSlice(KvmSregs.OFFSET_TR, KvmSegment.LAYOUT));
            MemorySegment gdtr = sregs.asSlice(KvmSregs.OFFSET_GDT, KvmDtable.LAYOUT);
            KvmDtable.BASE.set(gdtr, 0L, BootLayout.GDT);
            KvmDtable.LIMIT.set(gdtr, 0L, (short) (gdt.length * 8 - 1));
            MemorySegment idtr = sregs.asSlice(KvmSregs.OFFSET_IDT, KvmDtable.LAYOUT);
            KvmDtable.BASE.set(idtr, 0L, 0L);
            KvmDtable.LIMIT.set(idtr, 0L, (short) 0);
            KvmSregs.CR0.set(sregs, 0L, CR0_PE | CR0_ET);
            KvmSregs.CR3.set(sregs, 0L, 0L);
            KvmSregs.CR4.set(sregs, 0L, 0L);
            KvmSregs.EFER.set(sregs, 0L, 0L);
            bsp.setSregs(sregs);

            MemorySegment regs = arena.allocate(KvmRegs.LAYOUT);
            KvmRegs.RFLAGS.set(regs, 0L, RFLAGS_RESERVED);
            KvmRegs.RIP.set(regs, 0L, entry32);
            KvmRegs.RBX.set(regs, 0L, BootLayout.PVH_START_INFO);
            bsp.setRegs(regs);

            MemorySegment fpu = arena.allocate(KvmFpu.LAYOUT);
            KvmFpu.FCW.set(fpu, 0L, FPU_CONTROL_WORD);
            KvmFpu.MXCSR.set(fpu, 0L, MXCSR_DEFAULT);
            bsp.setFpu(fpu);
        }
    }
}
