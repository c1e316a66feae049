package dev.jkvm.core.x86.cpu;

import dev.jkvm.core.Vcpu;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.kvm.KvmIoctls;
import dev.jkvm.headers.kvm.KvmLapicState;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The in-kernel local APIC's register page (KVM_GET_LAPIC / KVM_SET_LAPIC) and the boot wiring a PC BIOS leaves:
 * LINT0 delivers ExtINT (the 8259 PIC's output) and LINT1 delivers NMI, the MP specification's virtual wire
 * mode. Like Firecracker, jkvm sets the delivery modes on every vCPU; the BSP's LVTs are left unmasked so PIC
 * interrupts reach it before the guest programs its IOAPIC, the APs' stay masked as reset left them (only one CPU
 * may take ExtINT, and Linux unmasks the rest itself).
 */
public final class LocalApic {
    /** Offset of the APIC ID register. */
    public static final int APIC_ID = 0x20;
    /** Offset of the spurious-interrupt vector register. */
    public static final int SPURIOUS_VECTOR = 0xF0;
    /** Offset of LVT LINT0. */
    public static final int LVT_LINT0 = 0x350;
    /** Offset of LVT LINT1. */
    public static final int LVT_LINT1 = 0x360;
    /** LVT bits 10:8: the delivery mode. */
    public static final int DELIVERY_MODE_MASK = 0x700;
    /** Delivery mode NMI (100b), in place. */
    public static final int DELIVERY_MODE_NMI = 0b100 << 8;
    /** Delivery mode ExtINT (111b), in place. */
    public static final int DELIVERY_MODE_EXTINT = 0b111 << 8;
    /** LVT bit 16: the interrupt is masked. */
    public static final int LVT_MASKED = 1 << 16;

    private LocalApic() {
    }

    /** The register page, as KVM_GET_LAPIC returns it. */
    public record State(byte[] registers) {
        public State {
            registers = registers.clone();
        }

        public int register(int offset) {
            return MemorySegment.ofArray(registers).get(ValueLayout.JAVA_INT_UNALIGNED, offset);
        }

        public State withRegister(int offset, int value) {
            byte[] copy = registers.clone();
            MemorySegment.ofArray(copy).set(ValueLayout.JAVA_INT_UNALIGNED, offset, value);
            return new State(copy);
        }

        @Override
        public byte[] registers() {
            return registers.clone();
        }
    }

    public static State read(Vcpu vcpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(KvmLapicState.LAYOUT);
            Libc.ioctl(vcpu.fd(), KvmIoctls.KVM_GET_LAPIC, state);
            return new State(state.asSlice(KvmLapicState.OFFSET_REGS).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    public static void write(Vcpu vcpu, State state) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(KvmLapicState.LAYOUT);
            MemorySegment.copy(MemorySegment.ofArray(state.registers), 0, segment, KvmLapicState.OFFSET_REGS,
                    state.registers.length);
            Libc.ioctl(vcpu.fd(), KvmIoctls.KVM_SET_LAPIC, segment);
        }
    }

    /** Sets LINT0 to ExtINT and LINT1 to NMI, unmasked on the BSP and with the mask bits kept elsewhere. */
    public static void wireVirtualWire(Vcpu vcpu, boolean bootstrapProcessor) {
        State state = read(vcpu);
        int lint0 = withDeliveryMode(state.register(LVT_LINT0), DELIVERY_MODE_EXTINT);
        int lint1 = withDeliveryMode(state.register(LVT_LINT1), DELIVERY_MODE_NMI);
        if (bootstrapProcessor) {
            lint0 &= ~LVT_MASKED;
            lint1 &= ~LVT_MASKED;
        }
        write(vcpu, state.withRegister(LVT_LINT0, lint0).withRegister(LVT_LINT1, lint1));
    }

    private static int withDeliveryMode(int lvt, int mode) {
        return lvt & ~DELIVERY_MODE_MASK | mode;
    }
}
