package dev.jkvm.core.x86;

import dev.jkvm.headers.kvm.KvmCpuid2;
import dev.jkvm.headers.kvm.KvmCpuidEntry2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** One CPUID leaf/subleaf as KVM describes it (struct kvm_cpuid_entry2). */
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
    /** kvm_cpuid_entry2.flags bit: the subleaf index matters for this function. */
    public static final int FLAG_SIGNIFICANT_INDEX = 1;

    public static List<CpuidEntry> read(MemorySegment cpuid2) {
        int count = (int) KvmCpuid2.NENT.get(cpuid2, 0L);
        List<CpuidEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            MemorySegment e = KvmCpuid2.entry(cpuid2, i);
            entries.add(new CpuidEntry((int) KvmCpuidEntry2.FUNCTION.get(e, 0L), (int) KvmCpuidEntry2.INDEX.get(e, 0L),
                    (int) KvmCpuidEntry2.FLAGS.get(e, 0L), (int) KvmCpuidEntry2.EAX.get(e, 0L),
                    (int) KvmCpuidEntry2.EBX.get(e, 0L), (int) KvmCpuidEntry2.ECX.get(e, 0L),
                    (int) KvmCpuidEntry2.EDX.get(e, 0L)));
        }
        return entries;
    }

    public static MemorySegment toKvm(Arena arena, List<CpuidEntry> entries) {
        MemorySegment cpuid2 = KvmCpuid2.allocate(arena, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            CpuidEntry c = entries.get(i);
            MemorySegment e = KvmCpuid2.entry(cpuid2, i);
            KvmCpuidEntry2.FUNCTION.set(e, 0L, c.function());
            KvmCpuidEntry2.INDEX.set(e, 0L, c.index());
            KvmCpuidEntry2.FLAGS.set(e, 0L, c.flags());
            KvmCpuidEntry2.EAX.set(e, 0L, c.eax());
            KvmCpuidEntry2.EBX.set(e, 0L, c.ebx());
            KvmCpuidEntry2.ECX.set(e, 0L, c.ecx());
            KvmCpuidEntry2.EDX.set(e, 0L, c.edx());
        }
        return cpuid2;
    }
}
