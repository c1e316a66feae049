package dev.jkvm.core.x86.cpu;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The CPUID feature flags jkvm lets {@code -cpu} switch, each under QEMU's name for it (as {@code -cpu help}
 * lists them) with the CPUID register and bit the Intel SDM and AMD APM give it. Bits QEMU leaves unnamed
 * (OSXSAVE, OSPKE: the OS's own state) are not here.
 */
public enum CpuFeature {
    // FeatureWord.LEAF_1_EDX
    FPU("fpu", FeatureWord.LEAF_1_EDX, 0, "x87 floating-point unit on chip"),
    VME("vme", FeatureWord.LEAF_1_EDX, 1, "virtual-8086 mode enhancements"),
    DE("de", FeatureWord.LEAF_1_EDX, 2, "debugging extensions (CR4.DE, I/O breakpoints)"),
    PSE("pse", FeatureWord.LEAF_1_EDX, 3, "4 MiB pages"),
    TSC("tsc", FeatureWord.LEAF_1_EDX, 4, "time-stamp counter and RDTSC"),
    MSR("msr", FeatureWord.LEAF_1_EDX, 5, "RDMSR and WRMSR"),
    PAE("pae", FeatureWord.LEAF_1_EDX, 6, "physical address extension"),
    MCE("mce", FeatureWord.LEAF_1_EDX, 7, "machine-check exception"),
    CX8("cx8", FeatureWord.LEAF_1_EDX, 8, "CMPXCHG8B"),
    APIC("apic", FeatureWord.LEAF_1_EDX, 9, "local APIC on chip"),
    SEP("sep", FeatureWord.LEAF_1_EDX, 11, "SYSENTER and SYSEXIT"),
    MTRR("mtrr", FeatureWord.LEAF_1_EDX, 12, "memory type range registers"),
    PGE("pge", FeatureWord.LEAF_1_EDX, 13, "global pages"),
    MCA("mca", FeatureWord.LEAF_1_EDX, 14, "machine-check architecture"),
    CMOV("cmov", FeatureWord.LEAF_1_EDX, 15, "conditional moves"),
    PAT("pat", FeatureWord.LEAF_1_EDX, 16, "page attribute table"),
    PSE36("pse36", FeatureWord.LEAF_1_EDX, 17, "36-bit page size extension"),
    PSN("pn", FeatureWord.LEAF_1_EDX, 18, "processor serial number"),
    CLFSH("clflush", FeatureWord.LEAF_1_EDX, 19, "CLFLUSH"),
    DS("ds", FeatureWord.LEAF_1_EDX, 21, "debug store"),
    ACPI("acpi", FeatureWord.LEAF_1_EDX, 22, "thermal monitor and clock control MSRs"),
    MMX("mmx", FeatureWord.LEAF_1_EDX, 23, "MMX"),
    FXSR("fxsr", FeatureWord.LEAF_1_EDX, 24, "FXSAVE and FXRSTOR"),
    SSE("sse", FeatureWord.LEAF_1_EDX, 25, "SSE"),
    SSE2("sse2", FeatureWord.LEAF_1_EDX, 26, "SSE2"),
    SS("ss", FeatureWord.LEAF_1_EDX, 27, "self snoop"),
    HTT("ht", FeatureWord.LEAF_1_EDX, 28, "more than one logical processor per package (max APIC IDs field valid)"),
    TM("tm", FeatureWord.LEAF_1_EDX, 29, "thermal monitor"),
    IA64("ia64", FeatureWord.LEAF_1_EDX, 30, "IA-64 processor emulating x86"),
    PBE("pbe", FeatureWord.LEAF_1_EDX, 31, "pending break enable"),

    // FeatureWord.LEAF_1_ECX
    SSE3("pni", FeatureWord.LEAF_1_ECX, 0, "SSE3 (QEMU's name is pni, Prescott New Instructions)"),
    PCLMULQDQ("pclmulqdq", FeatureWord.LEAF_1_ECX, 1, "carry-less multiplication"),
    DTES64("dtes64", FeatureWord.LEAF_1_ECX, 2, "64-bit debug store"),
    MONITOR("monitor", FeatureWord.LEAF_1_ECX, 3, "MONITOR and MWAIT"),
    DS_CPL("ds-cpl", FeatureWord.LEAF_1_ECX, 4, "CPL-qualified debug store"),
    VMX("vmx", FeatureWord.LEAF_1_ECX, 5, "virtual machine extensions"),
    SMX("smx", FeatureWord.LEAF_1_ECX, 6, "safer mode extensions"),
    EST("est", FeatureWord.LEAF_1_ECX, 7, "enhanced SpeedStep"),
    TM2("tm2", FeatureWord.LEAF_1_ECX, 8, "thermal monitor 2"),
    SSSE3("ssse3", FeatureWord.LEAF_1_ECX, 9, "supplemental SSE3"),
    CNXT_ID("cid", FeatureWord.LEAF_1_ECX, 10, "L1 context ID"),
    FMA("fma", FeatureWord.LEAF_1_ECX, 12, "fused multiply-add (FMA3)"),
    CX16("cx16", FeatureWord.LEAF_1_ECX, 13, "CMPXCHG16B"),
    XTPR("xtpr", FeatureWord.LEAF_1_ECX, 14, "xTPR update control"),
    PDCM("pdcm", FeatureWord.LEAF_1_ECX, 15, "perfmon and debug capability MSR"),
    PCID("pcid", FeatureWord.LEAF_1_ECX, 17, "process-context identifiers"),
    DCA("dca", FeatureWord.LEAF_1_ECX, 18, "direct cache access"),
    SSE4_1("sse4.1", FeatureWord.LEAF_1_ECX, 19, "SSE4.1"),
    SSE4_2("sse4.2", FeatureWord.LEAF_1_ECX, 20, "SSE4.2"),
    X2APIC("x2apic", FeatureWord.LEAF_1_ECX, 21, "x2APIC mode"),
    MOVBE("movbe", FeatureWord.LEAF_1_ECX, 22, "MOVBE"),
    POPCNT("popcnt", FeatureWord.LEAF_1_ECX, 23, "POPCNT"),
    TSC_DEADLINE("tsc-deadline", FeatureWord.LEAF_1_ECX, 24, "LAPIC timer TSC-deadline mode"),
    AES("aes", FeatureWord.LEAF_1_ECX, 25, "AES-NI"),
    XSAVE("xsave", FeatureWord.LEAF_1_ECX, 26, "XSAVE, XRSTOR, XSETBV, XGETBV and the leaf 0xD state components"),
    AVX("avx", FeatureWord.LEAF_1_ECX, 28, "AVX"),
    F16C("f16c", FeatureWord.LEAF_1_ECX, 29, "half-precision conversions"),
    RDRAND("rdrand", FeatureWord.LEAF_1_ECX, 30, "RDRAND"),
    HYPERVISOR("hypervisor", FeatureWord.LEAF_1_ECX, 31, "running under a hypervisor"),

    // FeatureWord.LEAF_7_0_EBX
    FSGSBASE("fsgsbase", FeatureWord.LEAF_7_0_EBX, 0, "RDFSBASE and friends"),
    TSC_ADJUST("tsc-adjust", FeatureWord.LEAF_7_0_EBX, 1, "IA32_TSC_ADJUST MSR"),
    SGX("sgx", FeatureWord.LEAF_7_0_EBX, 2, "software guard extensions"),
    BMI1("bmi1", FeatureWord.LEAF_7_0_EBX, 3, "bit manipulation instructions 1"),
    HLE("hle", FeatureWord.LEAF_7_0_EBX, 4, "hardware lock elision"),
    AVX2("avx2", FeatureWord.LEAF_7_0_EBX, 5, "AVX2"),
    SMEP("smep", FeatureWord.LEAF_7_0_EBX, 7, "supervisor-mode execution prevention"),
    BMI2("bmi2", FeatureWord.LEAF_7_0_EBX, 8, "bit manipulation instructions 2"),
    ERMS("erms", FeatureWord.LEAF_7_0_EBX, 9, "enhanced REP MOVSB/STOSB"),
    INVPCID("invpcid", FeatureWord.LEAF_7_0_EBX, 10, "INVPCID"),
    RTM("rtm", FeatureWord.LEAF_7_0_EBX, 11, "restricted transactional memory"),
    MPX("mpx", FeatureWord.LEAF_7_0_EBX, 14, "memory protection extensions"),
    AVX512F("avx512f", FeatureWord.LEAF_7_0_EBX, 16, "AVX-512 foundation"),
    AVX512DQ("avx512dq", FeatureWord.LEAF_7_0_EBX, 17, "AVX-512 doubleword and quadword"),
    RDSEED("rdseed", FeatureWord.LEAF_7_0_EBX, 18, "RDSEED"),
    ADX("adx", FeatureWord.LEAF_7_0_EBX, 19, "ADCX and ADOX"),
    SMAP("smap", FeatureWord.LEAF_7_0_EBX, 20, "supervisor-mode access prevention"),
    AVX512IFMA("avx512ifma", FeatureWord.LEAF_7_0_EBX, 21, "AVX-512 integer fused multiply-add"),
    PCOMMIT("pcommit", FeatureWord.LEAF_7_0_EBX, 22, "PCOMMIT"),
    CLFLUSHOPT("clflushopt", FeatureWord.LEAF_7_0_EBX, 23, "CLFLUSHOPT"),
    CLWB("clwb", FeatureWord.LEAF_7_0_EBX, 24, "CLWB"),
    INTEL_PT("intel-pt", FeatureWord.LEAF_7_0_EBX, 25, "processor trace"),
    AVX512PF("avx512pf", FeatureWord.LEAF_7_0_EBX, 26, "AVX-512 prefetch"),
    AVX512ER("avx512er", FeatureWord.LEAF_7_0_EBX, 27, "AVX-512 exponential and reciprocal"),
    AVX512CD("avx512cd", FeatureWord.LEAF_7_0_EBX, 28, "AVX-512 conflict detection"),
    SHA("sha-ni", FeatureWord.LEAF_7_0_EBX, 29, "SHA extensions"),
    AVX512BW("avx512bw", FeatureWord.LEAF_7_0_EBX, 30, "AVX-512 byte and word"),
    AVX512VL("avx512vl", FeatureWord.LEAF_7_0_EBX, 31, "AVX-512 vector length extensions"),

    // FeatureWord.LEAF_7_0_ECX
    AVX512_VBMI("avx512vbmi", FeatureWord.LEAF_7_0_ECX, 1, "AVX-512 vector byte manipulation"),
    UMIP("umip", FeatureWord.LEAF_7_0_ECX, 2, "user-mode instruction prevention"),
    PKU("pku", FeatureWord.LEAF_7_0_ECX, 3, "protection keys for user-mode pages"),
    WAITPKG("waitpkg", FeatureWord.LEAF_7_0_ECX, 5, "UMONITOR, UMWAIT and TPAUSE"),
    AVX512_VBMI2("avx512vbmi2", FeatureWord.LEAF_7_0_ECX, 6, "AVX-512 vector byte manipulation 2"),
    GFNI("gfni", FeatureWord.LEAF_7_0_ECX, 8, "Galois field instructions"),
    VAES("vaes", FeatureWord.LEAF_7_0_ECX, 9, "vector AES"),
    VPCLMULQDQ("vpclmulqdq", FeatureWord.LEAF_7_0_ECX, 10, "vector carry-less multiplication"),
    AVX512_VNNI("avx512vnni", FeatureWord.LEAF_7_0_ECX, 11, "AVX-512 vector neural network instructions"),
    AVX512_BITALG("avx512bitalg", FeatureWord.LEAF_7_0_ECX, 12, "AVX-512 bit algorithms"),
    AVX512_VPOPCNTDQ("avx512-vpopcntdq", FeatureWord.LEAF_7_0_ECX, 14, "AVX-512 VPOPCNTD and VPOPCNTQ"),
    LA57("la57", FeatureWord.LEAF_7_0_ECX, 16, "5-level paging"),
    RDPID("rdpid", FeatureWord.LEAF_7_0_ECX, 22, "RDPID"),
    BUS_LOCK_DETECT("bus-lock-detect", FeatureWord.LEAF_7_0_ECX, 24, "bus lock debug exception"),
    CLDEMOTE("cldemote", FeatureWord.LEAF_7_0_ECX, 25, "CLDEMOTE"),
    MOVDIRI("movdiri", FeatureWord.LEAF_7_0_ECX, 27, "MOVDIRI"),
    MOVDIR64B("movdir64b", FeatureWord.LEAF_7_0_ECX, 28, "MOVDIR64B"),
    SGX_LC("sgxlc", FeatureWord.LEAF_7_0_ECX, 30, "SGX launch configuration"),
    PKS("pks", FeatureWord.LEAF_7_0_ECX, 31, "protection keys for supervisor-mode pages"),

    // FeatureWord.LEAF_7_0_EDX
    AVX512_4VNNIW("avx512-4vnniw", FeatureWord.LEAF_7_0_EDX, 2, "AVX-512 4-iteration neural network word instructions"),
    AVX512_4FMAPS("avx512-4fmaps", FeatureWord.LEAF_7_0_EDX, 3, "AVX-512 4-iteration multiply-accumulate single precision"),
    FSRM("fsrm", FeatureWord.LEAF_7_0_EDX, 4, "fast short REP MOV"),
    AVX512_VP2INTERSECT("avx512-vp2intersect", FeatureWord.LEAF_7_0_EDX, 8, "AVX-512 VP2INTERSECT"),
    MD_CLEAR("md-clear", FeatureWord.LEAF_7_0_EDX, 10, "VERW clears CPU buffers"),
    SERIALIZE("serialize", FeatureWord.LEAF_7_0_EDX, 14, "SERIALIZE"),
    TSX_LDTRK("tsx-ldtrk", FeatureWord.LEAF_7_0_EDX, 16, "TSX suspend load address tracking"),
    AMX_BF16("amx-bf16", FeatureWord.LEAF_7_0_EDX, 22, "AMX bfloat16 tile operations"),
    AVX512_FP16("avx512-fp16", FeatureWord.LEAF_7_0_EDX, 23, "AVX-512 half precision"),
    AMX_TILE("amx-tile", FeatureWord.LEAF_7_0_EDX, 24, "AMX tile architecture"),
    AMX_INT8("amx-int8", FeatureWord.LEAF_7_0_EDX, 25, "AMX 8-bit integer tile operations"),
    SPEC_CTRL("spec-ctrl", FeatureWord.LEAF_7_0_EDX, 26, "IBRS and IBPB (IA32_SPEC_CTRL)"),
    STIBP("stibp", FeatureWord.LEAF_7_0_EDX, 27, "single-thread indirect branch predictors"),
    ARCH_CAPABILITIES("arch-capabilities", FeatureWord.LEAF_7_0_EDX, 29, "IA32_ARCH_CAPABILITIES MSR"),
    CORE_CAPABILITY("core-capability", FeatureWord.LEAF_7_0_EDX, 30, "IA32_CORE_CAPABILITIES MSR"),
    SSBD("ssbd", FeatureWord.LEAF_7_0_EDX, 31, "speculative store bypass disable"),

    // FeatureWord.LEAF_7_1_EAX
    AVX_VNNI("avx-vnni", FeatureWord.LEAF_7_1_EAX, 4, "VEX-encoded vector neural network instructions"),
    AVX512_BF16("avx512-bf16", FeatureWord.LEAF_7_1_EAX, 5, "AVX-512 bfloat16"),

    // FeatureWord.LEAF_D_1_EAX
    XSAVEOPT("xsaveopt", FeatureWord.LEAF_D_1_EAX, 0, "XSAVEOPT"),
    XSAVEC("xsavec", FeatureWord.LEAF_D_1_EAX, 1, "XSAVEC and the compacted format"),
    XGETBV1("xgetbv1", FeatureWord.LEAF_D_1_EAX, 2, "XGETBV with ECX=1"),
    XSAVES("xsaves", FeatureWord.LEAF_D_1_EAX, 3, "XSAVES, XRSTORS and IA32_XSS"),
    XFD("xfd", FeatureWord.LEAF_D_1_EAX, 4, "extended feature disable"),

    // FeatureWord.EXT_1_EDX
    SYSCALL("syscall", FeatureWord.EXT_1_EDX, 11, "SYSCALL and SYSRET"),
    NX("nx", FeatureWord.EXT_1_EDX, 20, "no-execute pages"),
    MMXEXT("mmxext", FeatureWord.EXT_1_EDX, 22, "AMD MMX extensions"),
    FXSR_OPT("fxsr-opt", FeatureWord.EXT_1_EDX, 25, "FXSAVE and FXRSTOR optimisations"),
    PDPE1GB("pdpe1gb", FeatureWord.EXT_1_EDX, 26, "1 GiB pages"),
    RDTSCP("rdtscp", FeatureWord.EXT_1_EDX, 27, "RDTSCP and IA32_TSC_AUX"),
    LM("lm", FeatureWord.EXT_1_EDX, 29, "long mode"),
    EXT_3DNOWEXT("3dnowext", FeatureWord.EXT_1_EDX, 30, "AMD 3DNow! extensions"),
    EXT_3DNOW("3dnow", FeatureWord.EXT_1_EDX, 31, "3DNow!"),

    // FeatureWord.EXT_1_ECX
    LAHF_LM("lahf-lm", FeatureWord.EXT_1_ECX, 0, "LAHF and SAHF in long mode"),
    CMP_LEGACY("cmp-legacy", FeatureWord.EXT_1_ECX, 1, "hyper-threading not valid (AMD core multiprocessing legacy mode)"),
    SVM("svm", FeatureWord.EXT_1_ECX, 2, "secure virtual machine"),
    EXTAPIC("extapic", FeatureWord.EXT_1_ECX, 3, "extended APIC space"),
    CR8_LEGACY("cr8legacy", FeatureWord.EXT_1_ECX, 4, "LOCK MOV CR0 means MOV CR8"),
    ABM("abm", FeatureWord.EXT_1_ECX, 5, "LZCNT (advanced bit manipulation)"),
    SSE4A("sse4a", FeatureWord.EXT_1_ECX, 6, "SSE4A"),
    MISALIGNSSE("misalignsse", FeatureWord.EXT_1_ECX, 7, "misaligned SSE mode"),
    PREFETCHW("3dnowprefetch", FeatureWord.EXT_1_ECX, 8, "PREFETCH and PREFETCHW"),
    OSVW("osvw", FeatureWord.EXT_1_ECX, 9, "OS-visible workarounds"),
    IBS("ibs", FeatureWord.EXT_1_ECX, 10, "instruction-based sampling"),
    XOP("xop", FeatureWord.EXT_1_ECX, 11, "extended operation support"),
    SKINIT("skinit", FeatureWord.EXT_1_ECX, 12, "SKINIT and STGI"),
    WDT("wdt", FeatureWord.EXT_1_ECX, 13, "watchdog timer"),
    LWP("lwp", FeatureWord.EXT_1_ECX, 15, "lightweight profiling"),
    FMA4("fma4", FeatureWord.EXT_1_ECX, 16, "4-operand fused multiply-add"),
    TCE("tce", FeatureWord.EXT_1_ECX, 17, "translation cache extension"),
    NODEID_MSR("nodeid-msr", FeatureWord.EXT_1_ECX, 19, "NodeId MSR"),
    TBM("tbm", FeatureWord.EXT_1_ECX, 21, "trailing bit manipulation"),
    TOPOEXT("topoext", FeatureWord.EXT_1_ECX, 22, "topology extensions (leaves 0x8000001D and 0x8000001E)"),
    PERFCTR_CORE("perfctr-core", FeatureWord.EXT_1_ECX, 23, "core performance counter extensions"),
    PERFCTR_NB("perfctr-nb", FeatureWord.EXT_1_ECX, 24, "northbridge performance counter extensions");

    /** Other spellings QEMU accepts for a feature (after '_' has become '-'), to the canonical name. */
    private static final Map<String, String> ALIASES = Map.of(
            "sse3", "pni",
            "pclmuldq", "pclmulqdq",
            "sse4-1", "sse4.1",
            "sse4-2", "sse4.2",
            "xd", "nx",
            "ffxsr", "fxsr-opt",
            "i64", "lm");
    /** Canonical QEMU name to feature. */
    private static final Map<String, CpuFeature> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(CpuFeature::qemuName, Function.identity()));

    private final String qemuName;
    private final FeatureWord word;
    private final int bit;
    private final String description;

    CpuFeature(String qemuName, FeatureWord word, int bit, String description) {
        this.qemuName = qemuName;
        this.word = word;
        this.bit = bit;
        this.description = description;
    }

    /** The feature named {@code name} as QEMU spells it, ignoring case, '_' for '-' and QEMU's aliases. */
    public static Optional<CpuFeature> byName(String name) {
        String normal = name.toLowerCase(Locale.ROOT).replace('_', '-');
        return Optional.ofNullable(BY_NAME.get(ALIASES.getOrDefault(normal, normal)));
    }

    public String qemuName() {
        return qemuName;
    }

    public FeatureWord word() {
        return word;
    }

    public int bit() {
        return bit;
    }

    public int mask() {
        return 1 << bit;
    }

    public String description() {
        return description;
    }

    /** QEMU's form in warnings: "CPUID.01H:ECX.pni [bit 0]". */
    public String describe() {
        return word.describe() + "." + qemuName + " [bit " + bit + "]";
    }
}
