package dev.jkvm.core.x86.cpu;

import dev.jkvm.core.x86.CpuidEntry;

/**
 * KVM's paravirtual CPUID leaves (Documentation/virt/kvm/x86/cpuid.rst): 0x40000000 with the highest KVM leaf and
 * the signature "KVMKVMKVM\0\0\0", 0x40000001 with the paravirtual features (kvmclock, async PF, PV EOI …) in
 * EAX and the hints in EDX. Hints stay 0: KVM_HINTS_REALTIME promises dedicated host CPUs, which jkvm cannot.
 */
public final class ParavirtLeaves {
    /** "KVMK" as EBX holds it. */
    public static final int SIGNATURE_EBX = 0x4b4d564b;
    /** "VMKV" as ECX holds it. */
    public static final int SIGNATURE_ECX = 0x564b4d56;
    /** "M\0\0\0" as EDX holds it. */
    public static final int SIGNATURE_EDX = 0x0000004d;

    /** KVM_FEATURE_CLOCKSOURCE: kvmclock at the old MSRs 0x11/0x12. */
    public static final int KVM_FEATURE_CLOCKSOURCE = 1;
    /** KVM_FEATURE_NOP_IO_DELAY: port 0x80 delays are not needed. */
    public static final int KVM_FEATURE_NOP_IO_DELAY = 1 << 1;
    /** KVM_FEATURE_CLOCKSOURCE2: kvmclock at MSRs 0x4b564d00/01. */
    public static final int KVM_FEATURE_CLOCKSOURCE2 = 1 << 3;
    /** KVM_FEATURE_ASYNC_PF: asynchronous page faults. */
    public static final int KVM_FEATURE_ASYNC_PF = 1 << 4;
    /** KVM_FEATURE_STEAL_TIME: steal-time accounting. */
    public static final int KVM_FEATURE_STEAL_TIME = 1 << 5;
    /** KVM_FEATURE_PV_EOI: paravirtual end of interrupt. */
    public static final int KVM_FEATURE_PV_EOI = 1 << 6;
    /** KVM_FEATURE_CLOCKSOURCE_STABLE_BIT: kvmclock's stable bit may be trusted. */
    public static final int KVM_FEATURE_CLOCKSOURCE_STABLE_BIT = 1 << 24;
    /**
     * What QEMU 7.2's named models ask for under KVM (kvm_default_props: kvmclock, kvm-nopiodelay, kvm-asyncpf,
     * kvm-steal-time, kvm-pv-eoi, kvmclock-stable-bit; QEMU's "kvmclock" is both clocksource bits).
     */
    public static final int QEMU_DEFAULT_FEATURES = KVM_FEATURE_CLOCKSOURCE | KVM_FEATURE_NOP_IO_DELAY
            | KVM_FEATURE_CLOCKSOURCE2 | KVM_FEATURE_ASYNC_PF | KVM_FEATURE_STEAL_TIME | KVM_FEATURE_PV_EOI
            | KVM_FEATURE_CLOCKSOURCE_STABLE_BIT;

    private ParavirtLeaves() {
    }

    /**
     * {@code table} with its hypervisor range replaced by KVM's two leaves, offering {@code features} narrowed to
     * those KVM supports ({@code supported}'s 0x40000001 EAX).
     */
    public static CpuidTable apply(CpuidTable table, int features, CpuidTable supported) {
        int offered = features & supported.register(CpuidLeaves.KVM_FEATURES, 0, CpuidRegister.EAX);
        return table
                .without(e -> Integer.compareUnsigned(e.function(), CpuidLeaves.HYPERVISOR_BASE) >= 0
                        && Integer.compareUnsigned(e.function(), CpuidLeaves.EXTENDED_VENDOR) < 0)
                .with(new CpuidEntry(CpuidLeaves.HYPERVISOR_BASE, 0, 0, CpuidLeaves.KVM_FEATURES,
                        SIGNATURE_EBX, SIGNATURE_ECX, SIGNATURE_EDX))
                .with(new CpuidEntry(CpuidLeaves.KVM_FEATURES, 0, 0, offered, 0, 0, 0));
    }
}
