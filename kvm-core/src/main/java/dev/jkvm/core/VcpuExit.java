package dev.jkvm.core;

import java.lang.foreign.MemorySegment;

/** Why KVM_RUN returned, decoded from kvm_run. */
public sealed interface VcpuExit {
    /** Port I/O: {@code count} items of {@code size} bytes in {@code data} (inside kvm_run), all at {@code port}. */
    record Io(boolean in, int port, int size, int count, MemorySegment data) implements VcpuExit {}

    /** An access to guest-physical {@code address} with no RAM behind it; {@code data} is kvm_run's 8-byte buffer. */
    record Mmio(long address, int length, boolean write, MemorySegment data) implements VcpuExit {}

    /** KVM_RUN was interrupted (a kick, or immediate_exit) before or while running the guest. */
    record Interrupted() implements VcpuExit {}

    /** The guest halted and no in-kernel irqchip will wake it. */
    record Halt() implements VcpuExit {}

    /** A triple fault: the CPU shut down. */
    record Shutdown() implements VcpuExit {}

    /** A system event from KVM (shutdown, reset, crash). */
    record SystemEvent(int type) implements VcpuExit {}

    /** KVM could not continue, e.g. an instruction its emulator does not handle. */
    record InternalError(int suberror, long[] data) implements VcpuExit {}

    /** VM entry failed: the hardware refused the vCPU state. */
    record FailEntry(long hardwareReason, int cpu) implements VcpuExit {}

    /** An exit jkvm does not handle. */
    record Unhandled(int reason) implements VcpuExit {}
}
