package dev.jkvm.core.x86.cpu;

/** The CPUID leaves (EAX inputs) jkvm reads or writes, named as the Intel SDM and AMD APM describe them. */
public final class CpuidLeaves {
    /** Highest basic leaf in EAX, vendor string in EBX, EDX, ECX. */
    public static final int VENDOR = 0x0;
    /** Version (family, model, stepping), APIC ID and logical count, feature flags. */
    public static final int VERSION = 0x1;
    /** Intel's cache and TLB descriptors. */
    public static final int CACHE_DESCRIPTORS = 0x2;
    /** Intel's deterministic cache parameters, one subleaf per cache. */
    public static final int CACHE_PARAMETERS = 0x4;
    /** MONITOR/MWAIT parameters. */
    public static final int MONITOR = 0x5;
    /** Structured extended feature flags; subleaf 0 EAX is the highest subleaf. */
    public static final int STRUCTURED_FEATURES = 0x7;
    /** Extended topology enumeration (SMT and core levels). */
    public static final int EXTENDED_TOPOLOGY = 0xB;
    /** XSAVE state components. */
    public static final int XSAVE = 0xD;
    /** V2 extended topology enumeration (adds module, tile and die levels). */
    public static final int EXTENDED_TOPOLOGY_V2 = 0x1F;
    /** First leaf of the hypervisor range (0x40000000–0x4FFFFFFF), KVM's signature leaf. */
    public static final int HYPERVISOR_BASE = 0x4000_0000;
    /** KVM's paravirtual feature leaf. */
    public static final int KVM_FEATURES = 0x4000_0001;
    /** Highest extended leaf in EAX, vendor string again. */
    public static final int EXTENDED_VENDOR = 0x8000_0000;
    /** Extended version and feature flags (AMD's feature leaf). */
    public static final int EXTENDED_FEATURES = 0x8000_0001;
    /** First of the three brand-string leaves. */
    public static final int BRAND = 0x8000_0002;
    /** AMD L1 cache and TLB information. */
    public static final int AMD_L1_CACHE = 0x8000_0005;
    /** AMD L2/L3 cache and L2 TLB information. */
    public static final int AMD_L2_L3_CACHE = 0x8000_0006;
    /** Address sizes, and on AMD the core count and APIC ID size. */
    public static final int ADDRESS_SIZES = 0x8000_0008;
    /** AMD SVM features, meaningful only with svm. */
    public static final int SVM = 0x8000_000A;
    /** AMD cache topology, one subleaf per cache (like Intel's leaf 4). */
    public static final int AMD_CACHE_TOPOLOGY = 0x8000_001D;
    /** AMD processor topology: extended APIC ID, core and node IDs. */
    public static final int AMD_PROCESSOR_TOPOLOGY = 0x8000_001E;

    private CpuidLeaves() {
    }
}
