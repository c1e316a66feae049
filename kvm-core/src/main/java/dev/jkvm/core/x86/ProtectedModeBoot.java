package dev.jkvm.core.x86;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.memory.GuestMemory;

/**
 * Enters a kernel in 32-bit protected mode with paging off and flat 4 GiB code (execute/read) and data
 * (read/write) segments, interrupts off: the machine state Multiboot 0.6.96 section 3.2 defines, with the two
 * registers the protocol passes in %eax and %ebx.
 */
public final class ProtectedModeBoot {
    private ProtectedModeBoot() {
    }

    /** The flat 32-bit segments, CR0.PE and nothing else. */
    public static BootCpuState cpuState() {
        return new BootCpuState(SegmentDescriptor.code32(PvhBoot.CODE_SELECTOR),
                SegmentDescriptor.data32(PvhBoot.DATA_SELECTOR), SegmentDescriptor.tss32(PvhBoot.TSS_SELECTOR),
                LongModeBoot.CR0_PE | LongModeBoot.CR0_ET, 0, 0, 0);
    }

    public static void enter(GuestMemory memory, Vcpu vcpu, long entry, int eax, long ebx) {
        cpuState().apply(memory, vcpu,
                new BootCpuState.EntryRegisters(entry, BootLayout.BOOT_STACK_TOP, Integer.toUnsignedLong(eax), ebx, 0));
    }
}
