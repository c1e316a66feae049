package dev.jkvm.core;

import dev.jkvm.headers.Libc;
import dev.jkvm.headers.kvm.KvmIoctls;
import dev.jkvm.headers.kvm.KvmIrqLevel;
import dev.jkvm.headers.kvm.KvmPitConfig;
import dev.jkvm.headers.kvm.KvmUserspaceMemoryRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A KVM virtual machine fd: memory slots, the in-kernel irqchip and PIT, interrupt lines, vCPU creation. */
public final class Vm implements AutoCloseable {
    private final Kvm kvm;
    private final int fd;
    /** Holds the one kvm_irq_level every KVM_IRQ_LINE reuses: devices raise lines often, from several threads. */
    private final Arena irqArena = Arena.ofShared();
    private final MemorySegment irqLevel = irqArena.allocate(KvmIrqLevel.LAYOUT);
    private boolean closed;

    Vm(Kvm kvm, int fd) {
        this.kvm = kvm;
        this.fd = fd;
    }

    public Kvm kvm() {
        return kvm;
    }

    public int fd() {
        return fd;
    }

    /** KVM_SET_USER_MEMORY_REGION: maps {@code host} at guest-physical {@code gpa} as memory slot {@code slot}. */
    public void setMemoryRegion(int slot, long gpa, MemorySegment host, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(KvmUserspaceMemoryRegion.LAYOUT);
            KvmUserspaceMemoryRegion.SLOT.set(region, 0L, slot);
            KvmUserspaceMemoryRegion.FLAGS.set(region, 0L, flags);
            KvmUserspaceMemoryRegion.GUEST_PHYS_ADDR.set(region, 0L, gpa);
            KvmUserspaceMemoryRegion.MEMORY_SIZE.set(region, 0L, host.byteSize());
            KvmUserspaceMemoryRegion.USERSPACE_ADDR.set(region, 0L, host.address());
            Libc.ioctl(fd, KvmIoctls.KVM_SET_USER_MEMORY_REGION, region);
        }
    }

    /** KVM_SET_TSS_ADDR: three pages of guest-physical space VMX needs for real-mode emulation. */
    public void setTssAddress(long gpa) {
        Libc.ioctl(fd, KvmIoctls.KVM_SET_TSS_ADDR, gpa);
    }

    /** KVM_SET_IDENTITY_MAP_ADDR: one page VMX uses for its identity page table in unpaged modes. */
    public void setIdentityMapAddress(long gpa) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(Long.BYTES);
            address.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, gpa);
            Libc.ioctl(fd, KvmIoctls.KVM_SET_IDENTITY_MAP_ADDR, address);
        }
    }

    /** KVM_CREATE_IRQCHIP: the in-kernel PIC pair, IOAPIC and per-vCPU LAPICs. Must precede vCPU creation. */
    public void createIrqchip() {
        Libc.ioctl(fd, KvmIoctls.KVM_CREATE_IRQCHIP);
    }

    /** KVM_CREATE_PIT2: the in-kernel i8254, with the speaker port answered by a dummy as QEMU configures it. */
    public void createPit2(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = arena.allocate(KvmPitConfig.LAYOUT);
            KvmPitConfig.FLAGS.set(config, 0L, flags);
            Libc.ioctl(fd, KvmIoctls.KVM_CREATE_PIT2, config);
        }
    }

    /** KVM_IRQ_LINE: drives input {@code gsi} of the in-kernel irqchip. */
    public void setIrqLine(int gsi, boolean asserted) {
        synchronized (irqLevel) {
            KvmIrqLevel.IRQ.set(irqLevel, 0L, gsi);
            KvmIrqLevel.LEVEL.set(irqLevel, 0L, asserted ? 1 : 0);
            Libc.ioctl(fd, KvmIoctls.KVM_IRQ_LINE, irqLevel);
        }
    }

    /** KVM_CREATE_VCPU with the given vCPU id, which also becomes its initial APIC ID. */
    public Vcpu createVcpu(int id) {
        int vcpuFd = Libc.ioctl(fd, KvmIoctls.KVM_CREATE_VCPU, id);
        try {
            return new Vcpu(this, id, vcpuFd);
        } catch (RuntimeException e) {
            Libc.close(vcpuFd);
            throw e;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
            irqArena.close();
        }
    }
}
