package dev.jkvm.core.x86.cpu;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.VmmException;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.kvm.KvmIoctls;
import dev.jkvm.headers.kvm.KvmMsrEntry;
import dev.jkvm.headers.kvm.KvmMsrs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** KVM_SET_MSRS and KVM_GET_MSRS on a vCPU, with failures that name the MSR KVM stopped at. */
public final class Msrs {
    private Msrs() {
    }

    /** Writes every MSR or fails naming the first one KVM refused. */
    public static void write(Vcpu vcpu, List<Msr> msrs) {
        if (msrs.isEmpty()) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment kvmMsrs = KvmMsrs.allocate(arena, msrs.size());
            for (int i = 0; i < msrs.size(); i++) {
                MemorySegment e = KvmMsrs.entry(kvmMsrs, i);
                KvmMsrEntry.INDEX.set(e, 0L, msrs.get(i).index());
                KvmMsrEntry.DATA.set(e, 0L, msrs.get(i).value());
            }
            int written = Libc.ioctl(vcpu.fd(), KvmIoctls.KVM_SET_MSRS, kvmMsrs);
            if (written != msrs.size()) {
                throw new VmmException("vcpu-" + vcpu.id() + ": KVM_SET_MSRS wrote " + written + " of " + msrs.size()
                        + " MSRs; KVM refused " + msrs.get(written));
            }
        }
    }

    /** Reads the MSRs {@code indices} or fails naming the first one KVM could not read. */
    public static List<Msr> read(Vcpu vcpu, List<Integer> indices) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment kvmMsrs = KvmMsrs.allocate(arena, indices.size());
            for (int i = 0; i < indices.size(); i++) {
                KvmMsrEntry.INDEX.set(KvmMsrs.entry(kvmMsrs, i), 0L, (int) indices.get(i));
            }
            int read = Libc.ioctl(vcpu.fd(), KvmIoctls.KVM_GET_MSRS, kvmMsrs);
            if (read != indices.size()) {
                throw new VmmException(String.format("vcpu-%d: KVM_GET_MSRS read %d of %d MSRs; KVM refused MSR 0x%x",
                        vcpu.id(), read, indices.size(), indices.get(read)));
            }
            List<Msr> msrs = new ArrayList<>(indices.size());
            for (int i = 0; i < indices.size(); i++) {
                msrs.add(new Msr(indices.get(i), (long) KvmMsrEntry.DATA.get(KvmMsrs.entry(kvmMsrs, i), 0L)));
            }
            return List.copyOf(msrs);
        }
    }
}
