package dev.jkvm.core;

import dev.jkvm.headers.Errno;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;
import dev.jkvm.headers.kvm.KvmConstants;
import dev.jkvm.headers.kvm.KvmCpuid2;
import dev.jkvm.headers.kvm.KvmIoctls;
import dev.jkvm.headers.kvm.KvmMsrList;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** The /dev/kvm system handle: API version, capabilities, supported CPUID, and VM creation. */
public final class Kvm implements AutoCloseable {
    /** Where the kernel exposes KVM. */
    public static final Path DEFAULT_DEVICE = Path.of("/dev/kvm");
    /** kvm_cpuid2 capacity asked of KVM_GET_SUPPORTED_CPUID; KVM fails with E2BIG below what it needs. */
    private static final int CPUID_CAPACITY = 256;

    /** MSR list entries asked for first; KVM answers E2BIG with the real count when it has more. */
    private static final int MSR_LIST_CAPACITY = 256;

    private final Path device;
    private final int fd;
    private final int vcpuMmapSize;
    private boolean closed;

    private Kvm(Path device, int fd) {
        this.device = device;
        this.fd = fd;
        this.vcpuMmapSize = Libc.ioctl(fd, KvmIoctls.KVM_GET_VCPU_MMAP_SIZE);
    }

    public static Kvm open() {
        return open(DEFAULT_DEVICE);
    }

    /** Opens the KVM device and checks the API version, with errors that say what to do about them. */
    public static Kvm open(Path device) {
        int fd;
        try {
            fd = Libc.open(device.toString(), Libc.O_RDWR | Libc.O_CLOEXEC);
        } catch (NativeException e) {
            throw new VmmException(switch (e.errno()) {
                case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO ->
                        device + " not found (" + e.errnoName() + "): KVM is not available on this host";
                case Errno.EACCES, Errno.EPERM ->
                        "no permission to open " + device + " (" + e.errnoName()
                                + "): run as root or join the group that owns it (usually 'kvm')";
                default -> "cannot open " + device + ": " + e.getMessage();
            }, e);
        }
        try {
            int version;
            try {
                version = Libc.ioctl(fd, KvmIoctls.KVM_GET_API_VERSION);
            } catch (NativeException e) {
                throw new VmmException(device + " is not a KVM device: " + e.getMessage(), e);
            }
            if (version != KvmConstants.KVM_API_VERSION) {
                throw new VmmException(device + " speaks KVM API version " + version + ", jkvm needs "
                        + KvmConstants.KVM_API_VERSION);
            }
            return new Kvm(device, fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    public Path device() {
        return device;
    }

    /** KVM_CHECK_EXTENSION on the system fd: 0 when absent, otherwise a capability-specific value. */
    public int checkExtension(int capability) {
        return Libc.ioctl(fd, KvmIoctls.KVM_CHECK_EXTENSION, capability);
    }

    public boolean has(int capability) {
        return checkExtension(capability) > 0;
    }

    /** Throws a message naming the capability when the host's KVM lacks it. */
    public void require(int capability, String name) {
        if (!has(capability)) {
            throw new VmmException(device + " lacks " + name + ", which jkvm needs");
        }
    }

    public int vcpuMmapSize() {
        return vcpuMmapSize;
    }

    /** KVM_GET_SUPPORTED_CPUID into a kvm_cpuid2 allocated in {@code arena}. */
    public MemorySegment supportedCpuid(Arena arena) {
        MemorySegment cpuid = KvmCpuid2.allocate(arena, CPUID_CAPACITY);
        Libc.ioctl(fd, KvmIoctls.KVM_GET_SUPPORTED_CPUID, cpuid);
        return cpuid;
    }

    /**
     * KVM_GET_MSR_INDEX_LIST: the MSRs KVM saves and restores for a vCPU, the ones safe to set from user space.
     * Only the system fd answers it (a VM fd gives ENOTTY).
     */
    public Set<Integer> msrIndexList() {
        try (Arena arena = Arena.ofConfined()) {
            int capacity = MSR_LIST_CAPACITY;
            while (true) {
                MemorySegment list = KvmMsrList.allocate(arena, capacity);
                try {
                    Libc.ioctl(fd, KvmIoctls.KVM_GET_MSR_INDEX_LIST, list);
                } catch (NativeException e) {
                    int needed = (int) KvmMsrList.NMSRS.get(list, 0L);
                    if (e.errno() == Errno.E2BIG && needed > capacity) {
                        capacity = needed;
                        continue;
                    }
                    throw new VmmException(device + ": " + e.getMessage(), e);
                }
                int count = (int) KvmMsrList.NMSRS.get(list, 0L);
                Set<Integer> indices = new HashSet<>();
                for (int i = 0; i < count; i++) {
                    indices.add(KvmMsrList.entry(list, i).get(ValueLayout.JAVA_INT, 0));
                }
                return Set.copyOf(indices);
            }
        }
    }

    /** Creates a VM (x86 default machine type 0). The VM is independent of this handle's lifetime. */
    public Vm createVm() {
        int vmFd = Libc.ioctl(fd, KvmIoctls.KVM_CREATE_VM, 0L);
        return new Vm(this, vmFd);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
