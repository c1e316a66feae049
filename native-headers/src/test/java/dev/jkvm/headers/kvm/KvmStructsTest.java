package dev.jkvm.headers.kvm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The struct classes as kvm-core uses them: var handles with a base offset, nested structs through OFFSET_
 * constants, and the flexible-array helpers. Offsets are the x86-64 ABI ones (also checked against gcc by
 * LayoutProbeTest).
 */
class KvmStructsTest {

    @Test
    void registersRoundTripThroughVarHandles() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment regs = arena.allocate(KvmRegs.LAYOUT);
            KvmRegs.RIP.set(regs, 0L, 0xfff0L);
            KvmRegs.RFLAGS.set(regs, 0L, 2L);
            assertEquals(0xfff0L, (long) KvmRegs.RIP.get(regs, 0L));
            assertEquals(0xfff0L, regs.get(JAVA_LONG, KvmRegs.OFFSET_RIP));
            assertEquals(2L, regs.get(JAVA_LONG, 17 * 8));
            assertEquals(144, KvmRegs.LAYOUT.byteSize());
        }
    }

    @Test
    void segmentsAreReachedThroughTheSregsOffsets() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = arena.allocate(KvmSregs.LAYOUT);
            KvmSegment.SELECTOR.set(sregs, KvmSregs.OFFSET_CS, (short) 0xf000);
            KvmSegment.BASE.set(sregs, KvmSregs.OFFSET_CS, 0xffff0000L);
            KvmDtable.LIMIT.set(sregs, KvmSregs.OFFSET_GDT, (short) 0x27);
            KvmSregs.CR0.set(sregs, 0L, 0x60000010L);
            assertEquals((short) 0xf000, sregs.get(JAVA_SHORT, 12));
            assertEquals(0xffff0000L, sregs.get(JAVA_LONG, 0));
            assertEquals(192, KvmSregs.OFFSET_GDT);
            assertEquals(0x60000010L, (long) KvmSregs.CR0.get(sregs, 0L));
            assertEquals(280, KvmSregs.OFFSET_INTERRUPT_BITMAP);
            assertEquals(312, KvmSregs.LAYOUT.byteSize());
        }
    }

    @Test
    void kvmRunExitFieldsOverlayTheAnonymousUnion() {
        assertEquals(8, KvmRun.OFFSET_EXIT_REASON);
        assertEquals(32, KvmRun.OFFSET_IO_DIRECTION);
        assertEquals(34, KvmRun.OFFSET_IO_PORT);
        assertEquals(40, KvmRun.OFFSET_IO_DATA_OFFSET);
        assertEquals(32, KvmRun.OFFSET_MMIO_PHYS_ADDR);
        assertEquals(40, KvmRun.OFFSET_MMIO_DATA);
        assertEquals(40, KvmRun.OFFSET_INTERNAL_DATA);
        assertEquals(40, KvmRun.OFFSET_SYSTEM_EVENT_DATA);
        assertEquals(48, KvmRun.OFFSET_EMULATION_FAILURE_INSN_SIZE);
        assertEquals(49, KvmRun.OFFSET_EMULATION_FAILURE_INSN_BYTES);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment run = arena.allocate(KvmRun.LAYOUT);
            run.set(JAVA_INT, 8, KvmConstants.KVM_EXIT_IO);
            run.set(JAVA_BYTE, 32, (byte) KvmConstants.KVM_EXIT_IO_OUT);
            run.set(JAVA_BYTE, 33, (byte) 1);
            run.set(JAVA_SHORT, 34, (short) 0x3f8);
            assertEquals(KvmConstants.KVM_EXIT_IO, (int) KvmRun.EXIT_REASON.get(run, 0L));
            assertEquals(KvmConstants.KVM_EXIT_IO_OUT, (byte) KvmRun.IO_DIRECTION.get(run, 0L));
            assertEquals(1, (byte) KvmRun.IO_SIZE.get(run, 0L));
            assertEquals(0x3f8, (short) KvmRun.IO_PORT.get(run, 0L));
            assertEquals("KVM_EXIT_IO", KvmConstants.exitName((int) KvmRun.EXIT_REASON.get(run, 0L)));
        }
    }

    @Test
    void cpuid2AllocatesEntriesAndSetsNent() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpuid = KvmCpuid2.allocate(arena, KvmConstants.KVM_MAX_CPUID_ENTRIES);
            assertEquals(8 + 40L * KvmConstants.KVM_MAX_CPUID_ENTRIES, cpuid.byteSize());
            assertEquals(KvmConstants.KVM_MAX_CPUID_ENTRIES, (int) KvmCpuid2.NENT.get(cpuid, 0L));
            MemorySegment third = KvmCpuid2.entry(cpuid, 2);
            assertEquals(40, third.byteSize());
            KvmCpuidEntry2.FUNCTION.set(third, 0L, 0x4000_0000);
            assertEquals(0x4000_0000, cpuid.get(JAVA_INT, 8 + 2 * 40));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> KvmCpuid2.entry(cpuid, KvmConstants.KVM_MAX_CPUID_ENTRIES));
        }
    }

    @Test
    void msrsRoutingAndSignalMaskFlexibleArrays() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msrs = KvmMsrs.allocate(arena, 2);
            KvmMsrEntry.INDEX.set(KvmMsrs.entry(msrs, 1), 0L, 0x10);
            assertEquals(0x10, msrs.get(JAVA_INT, 8 + 16));
            assertEquals(2, (int) KvmMsrs.NMSRS.get(msrs, 0L));

            MemorySegment list = KvmMsrList.allocate(arena, 3);
            assertEquals(4 + 3 * 4, list.byteSize());
            KvmMsrList.entry(list, 2).set(JAVA_INT, 0, 0xc0000080);
            assertEquals(0xc0000080, list.get(JAVA_INT, 12));

            MemorySegment routing = KvmIrqRouting.allocate(arena, 24);
            MemorySegment pin5 = KvmIrqRouting.entry(routing, 5);
            KvmIrqRoutingEntry.GSI.set(pin5, 0L, 5);
            KvmIrqRoutingEntry.TYPE.set(pin5, 0L, KvmConstants.KVM_IRQ_ROUTING_IRQCHIP);
            KvmIrqRoutingIrqchip.PIN.set(pin5, KvmIrqRoutingEntry.OFFSET_U_IRQCHIP, 5);
            assertEquals(8 + 24 * 48, routing.byteSize());
            assertEquals(5, routing.get(JAVA_INT, 8 + 5 * 48 + 16 + 4));

            MemorySegment mask = KvmSignalMask.allocate(arena, 8);
            assertEquals(8, (int) KvmSignalMask.LEN.get(mask, 0L));
            assertEquals(12, mask.byteSize());
        }
    }

    @Test
    void vcpuEventsFlattenTheirSubstructs() {
        assertEquals(0, KvmVcpuEvents.OFFSET_EXCEPTION_INJECTED);
        assertEquals(4, KvmVcpuEvents.OFFSET_EXCEPTION_ERROR_CODE);
        assertEquals(13, KvmVcpuEvents.OFFSET_NMI_PENDING);
        assertEquals(56, KvmVcpuEvents.OFFSET_EXCEPTION_PAYLOAD);
        assertEquals(64, KvmVcpuEvents.LAYOUT.byteSize());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(KvmVcpuEvents.LAYOUT);
            KvmVcpuEvents.NMI_PENDING.set(events, 0L, (byte) 1);
            KvmVcpuEvents.FLAGS.set(events, 0L, KvmConstants.KVM_VCPUEVENT_VALID_NMI_PENDING);
            assertEquals(1, events.get(JAVA_BYTE, 13));
            assertEquals(1, events.get(JAVA_INT, 20));
        }
    }

    @Test
    void xcrsAndXsaveSizes() {
        assertEquals(392, KvmXcrs.LAYOUT.byteSize());
        assertEquals(4096, KvmXsave.LAYOUT.byteSize());
        assertEquals(4096, KvmIoctls.KVM_GET_XSAVE.size());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xcrs = arena.allocate(KvmXcrs.LAYOUT);
            KvmXcr.VALUE.set(KvmXcrs.xcr(xcrs, 0), 0L, 0x7L);
            assertEquals(0x7L, xcrs.get(JAVA_LONG, 8 + 8));
            assertThrows(IndexOutOfBoundsException.class, () -> KvmXcrs.xcr(xcrs, KvmConstants.KVM_MAX_XCRS));
        }
    }

    @Test
    void unknownExitReasonsAreNamedByNumber() {
        assertEquals("KVM_EXIT_INTERNAL_ERROR", KvmConstants.exitName(17));
        assertEquals("KVM_EXIT_?(999)", KvmConstants.exitName(999));
    }
}
