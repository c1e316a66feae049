package dev.jkvm.core.x86.cpu;

import dev.jkvm.core.VmmException;
import dev.jkvm.headers.Errno;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;
import dev.jkvm.headers.kvm.KvmIoctls;
import dev.jkvm.headers.kvm.KvmMsrList;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * KVM_GET_MSR_INDEX_LIST: the MSRs KVM saves and restores for a vCPU, which are the ones it is safe to set from
 * user space. The ioctl exists only on the /dev/kvm fd (a VM fd answers ENOTTY), which {@code Kvm} keeps to
 * itself, so this opens the device for the one call.
 */
public final class MsrIndexList {
    /** Entries asked for first; KVM answers E2BIG with the real count when it has more. */
    private static final int INITIAL_CAPACITY = 256;

    private MsrIndexList() {
    }

    /** The MSR indices KVM lists on {@code device} (normally /dev/kvm). */
    public static Set<Integer> read(Path device) {
        try (KvmDeviceFd kvm = KvmDeviceFd.open(device); Arena arena = Arena.ofConfined()) {
            int capacity = INITIAL_CAPACITY;
            while (true) {
                MemorySegment list = KvmMsrList.allocate(arena, capacity);
                try {
                    Libc.ioctl(kvm.fd(), KvmIoctls.KVM_GET_MSR_INDEX_LIST, list);
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

    /** An fd of the KVM device, closed with the try block that opened it. */
    private record KvmDeviceFd(int fd) implements AutoCloseable {
        static KvmDeviceFd open(Path device) {
            try {
                return new KvmDeviceFd(Libc.open(device.toString(), Libc.O_RDWR | Libc.O_CLOEXEC));
            } catch (NativeException e) {
                throw new VmmException("cannot open " + device + " to list its MSRs: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            Libc.close(fd);
        }
    }
}
