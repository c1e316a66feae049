package dev.jkvm.core.machine;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.VcpuExit;
import dev.jkvm.core.bus.IoBus;
import dev.jkvm.headers.kvm.KvmConstants;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Turns one vCPU exit into device accesses or a machine stop. */
final class ExitDispatcher {
    private final Machine machine;
    private final IoBus portIo;
    private final IoBus mmio;

    ExitDispatcher(Machine machine, IoBus portIo, IoBus mmio) {
        this.machine = machine;
        this.portIo = portIo;
        this.mmio = mmio;
    }

    void dispatch(Vcpu vcpu, VcpuExit exit) {
        switch (exit) {
            case VcpuExit.Io io -> {
                for (int i = 0; i < io.count(); i++) {
                    long at = (long) i * io.size();
                    if (io.in()) {
                        store(io.data(), at, io.size(), portIo.read(io.port(), io.size()));
                    } else {
                        portIo.write(io.port(), io.size(), load(io.data(), at, io.size()));
                    }
                }
            }
            case VcpuExit.Mmio m -> {
                if (m.write()) {
                    mmio.write(m.address(), m.length(), load(m.data(), 0, m.length()));
                } else {
                    store(m.data(), 0, m.length(), mmio.read(m.address(), m.length()));
                }
            }
            case VcpuExit.Interrupted i -> vcpu.clearImmediateExit();
            case VcpuExit.SystemEvent e -> {
                switch (e.type()) {
                    case KvmConstants.KVM_SYSTEM_EVENT_SHUTDOWN -> machine.requestStop(new VmStop.GuestExit(0, "power-off"));
                    case KvmConstants.KVM_SYSTEM_EVENT_RESET -> machine.requestStop(VmStop.GuestExit.reset());
                    default -> fail(vcpu, "guest crash reported by KVM (system event " + e.type() + ")");
                }
            }
            case VcpuExit.Halt h -> fail(vcpu, "halted with no interrupt controller to wake it");
            case VcpuExit.Shutdown s -> fail(vcpu, "triple fault (CPU shutdown)");
            case VcpuExit.InternalError e -> fail(vcpu, vcpu.describeInternalError(e));
            case VcpuExit.FailEntry f -> fail(vcpu, String.format(
                    "VM entry failed: hardware reason 0x%x on host CPU %d", f.hardwareReason(), f.cpu()));
            case VcpuExit.Unhandled u -> fail(vcpu, "unhandled KVM exit " + KvmConstants.exitName(u.reason()));
        }
    }

    private void fail(Vcpu vcpu, String what) {
        machine.requestStop(new VmStop.Failure(vcpu.id(), "vcpu-" + vcpu.id() + ": " + what + "; " + vcpu.describeState()));
    }

    /** Little-endian value of {@code size} bytes at {@code offset}. */
    static long load(MemorySegment data, long offset, int size) {
        return switch (size) {
            case 1 -> Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, offset));
            case 2 -> Short.toUnsignedLong(data.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
            case 4 -> Integer.toUnsignedLong(data.get(ValueLayout.JAVA_INT_UNALIGNED, offset));
            case 8 -> data.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
            default -> throw new IllegalArgumentException("access size " + size);
        };
    }

    static void store(MemorySegment data, long offset, int size, long value) {
        switch (size) {
            case 1 -> data.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
            case 2 -> data.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) value);
            case 4 -> data.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) value);
            case 8 -> data.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
            default -> throw new IllegalArgumentException("access size " + size);
        }
    }
}
