package dev.jkvm.core.x86.cpu;

/** A CPUID register whose bits are feature flags, named as the Intel SDM writes it (e.g. CPUID.07H.0:EBX). */
public enum FeatureWord {
    /** Leaf 1 EDX: the original feature flags (fpu … pbe). */
    LEAF_1_EDX(CpuidLeaves.VERSION, 0, CpuidRegister.EDX),
    /** Leaf 1 ECX: SSE3 onwards, and the hypervisor bit. */
    LEAF_1_ECX(CpuidLeaves.VERSION, 0, CpuidRegister.ECX),
    /** Leaf 7 subleaf 0 EBX: structured extended features (fsgsbase, avx2, avx512f …). */
    LEAF_7_0_EBX(CpuidLeaves.STRUCTURED_FEATURES, 0, CpuidRegister.EBX),
    /** Leaf 7 subleaf 0 ECX. */
    LEAF_7_0_ECX(CpuidLeaves.STRUCTURED_FEATURES, 0, CpuidRegister.ECX),
    /** Leaf 7 subleaf 0 EDX. */
    LEAF_7_0_EDX(CpuidLeaves.STRUCTURED_FEATURES, 0, CpuidRegister.EDX),
    /** Leaf 7 subleaf 1 EAX (avx-vnni, avx512-bf16). */
    LEAF_7_1_EAX(CpuidLeaves.STRUCTURED_FEATURES, 1, CpuidRegister.EAX),
    /** Leaf 0xD subleaf 1 EAX: the XSAVE instruction variants. */
    LEAF_D_1_EAX(CpuidLeaves.XSAVE, 1, CpuidRegister.EAX),
    /** Leaf 0x80000001 EDX: AMD's extended features (syscall, nx, lm …). */
    EXT_1_EDX(CpuidLeaves.EXTENDED_FEATURES, 0, CpuidRegister.EDX),
    /** Leaf 0x80000001 ECX: lahf-lm, svm, topoext … */
    EXT_1_ECX(CpuidLeaves.EXTENDED_FEATURES, 0, CpuidRegister.ECX);

    private final int function;
    private final int index;
    private final CpuidRegister register;

    FeatureWord(int function, int index, CpuidRegister register) {
        this.function = function;
        this.index = index;
        this.register = register;
    }

    public int function() {
        return function;
    }

    public int index() {
        return index;
    }

    public CpuidRegister register() {
        return register;
    }

    /** Whether the leaf has subleaves, so the kvm_cpuid_entry2 needs KVM_CPUID_FLAG_SIGNIFICANT_INDEX. */
    public boolean indexed() {
        return function == CpuidLeaves.STRUCTURED_FEATURES || function == CpuidLeaves.XSAVE;
    }

    /** QEMU's name for the register in its warnings (no subleaf), e.g. "CPUID.07H:EBX" or "CPUID.80000001H:ECX". */
    public String describe() {
        return String.format("CPUID.%02XH:%s", function, register);
    }
}
