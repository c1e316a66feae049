package dev.jkvm.core;

import dev.jkvm.headers.Ioctl;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;
import dev.jkvm.headers.kvm.KvmConstants;
import dev.jkvm.headers.kvm.KvmIoctls;
import dev.jkvm.headers.kvm.KvmIoeventfd;
import dev.jkvm.headers.kvm.KvmIrqLevel;
import dev.jkvm.headers.kvm.KvmIrqRouting;
import dev.jkvm.headers.kvm.KvmIrqRoutingEntry;
import dev.jkvm.headers.kvm.KvmIrqRoutingIrqchip;
import dev.jkvm.headers.kvm.KvmIrqRoutingMsi;
import dev.jkvm.headers.kvm.KvmIrqfd;
import dev.jkvm.headers.kvm.KvmPitConfig;
import dev.jkvm.headers.kvm.KvmUserspaceMemoryRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A KVM virtual machine fd: memory slots, the in-kernel irqchip and PIT, interrupt lines, GSI routing, irqfds and
 * ioeventfds, vCPU creation.
 */
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

    /**
     * KVM_IRQFD: a write to {@code eventFd} asserts (edge) {@code gsi}, delivered by whatever GSI route it has then
     * and later: KVM re-resolves every irqfd when the routing table changes.
     */
    public void irqfd(int gsi, int eventFd) {
        irqfdCall(gsi, eventFd, 0, "assign");
    }

    /** KVM_IRQFD with KVM_IRQFD_FLAG_DEASSIGN: {@code eventFd} no longer signals {@code gsi}. */
    public void irqfdDeassign(int gsi, int eventFd) {
        irqfdCall(gsi, eventFd, KvmConstants.KVM_IRQFD_FLAG_DEASSIGN, "deassign");
    }

    private void irqfdCall(int gsi, int eventFd, int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment irqfd = arena.allocate(KvmIrqfd.LAYOUT);
            KvmIrqfd.FD.set(irqfd, 0L, eventFd);
            KvmIrqfd.GSI.set(irqfd, 0L, gsi);
            KvmIrqfd.FLAGS.set(irqfd, 0L, flags);
            ioctlWithContext(KvmIoctls.KVM_IRQFD, irqfd, "irqfd " + what + " (gsi " + gsi + ", eventfd " + eventFd + ")");
        }
    }

    /**
     * KVM_IOEVENTFD without datamatch: a guest write of exactly {@code length} bytes (1, 2, 4 or 8; 0 for any width)
     * at {@code address} signals {@code eventFd} inside KVM instead of exiting to user space. {@code mmio} picks the
     * guest-physical address space, otherwise port I/O.
     */
    public void ioeventfd(long address, int length, int eventFd, boolean mmio) {
        ioeventfdCall(address, length, eventFd, mmio, 0, "assign");
    }

    /** KVM_IOEVENTFD with KVM_IOEVENTFD_FLAG_DEASSIGN: undoes {@link #ioeventfd} with the same arguments. */
    public void ioeventfdDeassign(long address, int length, int eventFd, boolean mmio) {
        ioeventfdCall(address, length, eventFd, mmio, KvmConstants.KVM_IOEVENTFD_FLAG_DEASSIGN, "deassign");
    }

    private void ioeventfdCall(long address, int length, int eventFd, boolean mmio, int flags, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ioeventfd = arena.allocate(KvmIoeventfd.LAYOUT);
            KvmIoeventfd.ADDR.set(ioeventfd, 0L, address);
            KvmIoeventfd.LEN.set(ioeventfd, 0L, length);
            KvmIoeventfd.FD.set(ioeventfd, 0L, eventFd);
            KvmIoeventfd.FLAGS.set(ioeventfd, 0L, flags | (mmio ? 0 : KvmConstants.KVM_IOEVENTFD_FLAG_PIO));
            ioctlWithContext(KvmIoctls.KVM_IOEVENTFD, ioeventfd, String.format("ioeventfd %s (%s 0x%x, %d bytes, eventfd %d)",
                    what, mmio ? "MMIO" : "port", address, length, eventFd));
        }
    }

    /**
     * KVM_SET_GSI_ROUTING: replaces the whole routing table with {@code routes} (every GSI not listed stops
     * delivering anything).
     */
    public void setGsiRouting(List<GsiRoute> routes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = KvmIrqRouting.allocate(arena, routes.size());
            for (int i = 0; i < routes.size(); i++) {
                MemorySegment entry = KvmIrqRouting.entry(table, i);
                GsiRoute route = routes.get(i);
                KvmIrqRoutingEntry.GSI.set(entry, 0L, route.gsi());
                switch (route) {
                    case GsiRoute.Irqchip chip -> {
                        KvmIrqRoutingEntry.TYPE.set(entry, 0L, KvmConstants.KVM_IRQ_ROUTING_IRQCHIP);
                        MemorySegment u = entry.asSlice(KvmIrqRoutingEntry.OFFSET_U_IRQCHIP, KvmIrqRoutingIrqchip.LAYOUT);
                        KvmIrqRoutingIrqchip.IRQCHIP.set(u, 0L, chip.irqchip());
                        KvmIrqRoutingIrqchip.PIN.set(u, 0L, chip.pin());
                    }
                    case GsiRoute.Msi msi -> {
                        KvmIrqRoutingEntry.TYPE.set(entry, 0L, KvmConstants.KVM_IRQ_ROUTING_MSI);
                        MemorySegment u = entry.asSlice(KvmIrqRoutingEntry.OFFSET_U_MSI, KvmIrqRoutingMsi.LAYOUT);
                        KvmIrqRoutingMsi.ADDRESS_LO.set(u, 0L, (int) msi.address());
                        KvmIrqRoutingMsi.ADDRESS_HI.set(u, 0L, (int) (msi.address() >>> Integer.SIZE));
                        KvmIrqRoutingMsi.DATA.set(u, 0L, msi.data());
                    }
                }
            }
            ioctlWithContext(KvmIoctls.KVM_SET_GSI_ROUTING, table, "setting " + routes.size() + " GSI routes");
        }
    }

    /** An ioctl whose failure is reported with what it was for, keeping the errno (NativeException) as the cause. */
    private void ioctlWithContext(Ioctl request, MemorySegment argument, String what) {
        try {
            Libc.ioctl(fd, request, argument);
        } catch (NativeException e) {
            throw new VmmException("KVM refused " + what + ": " + e.getMessage(), e);
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
