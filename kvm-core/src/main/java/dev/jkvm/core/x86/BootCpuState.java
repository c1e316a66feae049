package dev.jkvm.core.x86;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.headers.kvm.KvmDtable;
import dev.jkvm.headers.kvm.KvmFpu;
import dev.jkvm.headers.kvm.KvmRegs;
import dev.jkvm.headers.kvm.KvmSegment;
import dev.jkvm.headers.kvm.KvmSregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What every kernel entry jkvm performs without firmware has in common: a boot GDT in guest RAM that matches the
 * hidden segment state loaded into the vCPU, no IDT, interrupts off, and the x87/SSE state of a freshly reset CPU.
 */
public record BootCpuState(SegmentDescriptor code, SegmentDescriptor data, SegmentDescriptor tss, long cr0,
                           long cr3, long cr4, long efer) {
    /**
     * GDT slots: null, unused, code, data (at {@link PvhBoot}'s selectors, which are Linux's __BOOT_CS and
     * __BOOT_DS), and the TSS (two slots, so a 64-bit TSS descriptor fits).
     */
    public static final int GDT_ENTRIES = 6;
    /** RFLAGS bit 1 always reads as one; IF and everything else clear. */
    public static final long RFLAGS_RESERVED = 2;
    /** x87 control word after FNINIT. */
    private static final short FPU_CONTROL_WORD = 0x37F;
    /** MXCSR after reset: all SIMD exceptions masked. */
    private static final int MXCSR_DEFAULT = 0x1F80;

    /** The GDT as it sits in guest RAM at {@link BootLayout#GDT}. */
    public long[] gdt() {
        long[] gdt = new long[GDT_ENTRIES];
        gdt[code.selector() / 8] = code.encode();
        gdt[data.selector() / 8] = data.encode();
        gdt[tss.selector() / 8] = tss.encode();
        return gdt;
    }

    /** The registers a boot protocol defines at entry; every other general-purpose register starts at zero. */
    public record EntryRegisters(long rip, long rsp, long rax, long rbx, long rsi) {}

    /** Writes the GDT into guest RAM and loads segments, control registers, {@code regs} and a reset FPU. */
    public void apply(GuestMemory memory, Vcpu vcpu, EntryRegisters regs) {
        long[] gdt = gdt();
        MemorySegment.copy(gdt, 0, memory.slice(BootLayout.GDT, gdt.length * 8L), ValueLayout.JAVA_LONG, 0,
                gdt.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = arena.allocate(KvmSregs.LAYOUT);
            vcpu.getSregs(sregs);
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
            KvmSregs.CR0.set(sregs, 0L, cr0);
            KvmSregs.CR3.set(sregs, 0L, cr3);
            KvmSregs.CR4.set(sregs, 0L, cr4);
            KvmSregs.EFER.set(sregs, 0L, efer);
            vcpu.setSregs(sregs);

            MemorySegment kvmRegs = arena.allocate(KvmRegs.LAYOUT);
            KvmRegs.RFLAGS.set(kvmRegs, 0L, RFLAGS_RESERVED);
            KvmRegs.RIP.set(kvmRegs, 0L, regs.rip());
            KvmRegs.RSP.set(kvmRegs, 0L, regs.rsp());
            KvmRegs.RAX.set(kvmRegs, 0L, regs.rax());
            KvmRegs.RBX.set(kvmRegs, 0L, regs.rbx());
            KvmRegs.RSI.set(kvmRegs, 0L, regs.rsi());
            vcpu.setRegs(kvmRegs);

            MemorySegment fpu = arena.allocate(KvmFpu.LAYOUT);
            KvmFpu.FCW.set(fpu, 0L, FPU_CONTROL_WORD);
            KvmFpu.MXCSR.set(fpu, 0L, MXCSR_DEFAULT);
            vcpu.setFpu(fpu);
        }
    }
}
