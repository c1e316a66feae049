package dev.jkvm.core.x86.cpu;

import static dev.jkvm.core.x86.cpu.CpuFeature.*;

import dev.jkvm.core.x86.CpuidEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * KVM_GET_SUPPORTED_CPUID tables to build guest CPUID from without /dev/kvm: an Intel host with AVX-512, XSAVE
 * and cache leaves (leaf 4, 0x1F), and the AMD EPYC host these tests run on (kvm-pvm), as it reported itself.
 */
final class SampleCpuid {
    /** kvm_cpuid_entry2 flag for subleaf-indexed leaves. */
    private static final int INDEXED = CpuidEntry.FLAG_SIGNIFICANT_INDEX;

    private SampleCpuid() {
    }

    /** An Intel host (family 6 model 0x8E) whose KVM offers AVX-512, PKU, XSAVES and leaves up to 0x1F. */
    static CpuidTable intelHost() {
        List<CpuidEntry> e = new ArrayList<>();
        CpuVendor intel = CpuVendor.INTEL;
        e.add(new CpuidEntry(0x0, 0, 0, 0x1F, intel.ebx(), intel.ecx(), intel.edx()));
        e.add(new CpuidEntry(0x1, 0, 0, 0x000806EC, 0x00100800, 0, 0));
        // Leaf 4 as the host has it: 8 cores, L1/L2 shared by 2 threads, L3 by 16.
        e.add(new CpuidEntry(0x4, 0, INDEXED, 0x1C004121, 0x01C0003F, 0x3F, 0));
        e.add(new CpuidEntry(0x4, 1, INDEXED, 0x1C004122, 0x01C0003F, 0x3F, 0));
        e.add(new CpuidEntry(0x4, 2, INDEXED, 0x1C004143, 0x00C0003F, 0x3FF, 0));
        e.add(new CpuidEntry(0x4, 3, INDEXED, 0x1C03C163, 0x03C0003F, 0x3FFF, 6));
        e.add(new CpuidEntry(0x4, 4, INDEXED, 0, 0, 0, 0));
        e.add(new CpuidEntry(0x5, 0, 0, 0x40, 0x40, 3, 0x11142120));
        e.add(new CpuidEntry(0x7, 0, INDEXED, 1, 0, 0, 0));
        e.add(new CpuidEntry(0x7, 1, INDEXED, 0, 0, 0, 0));
        e.add(new CpuidEntry(0xB, 0, INDEXED, 1, 2, 0x100, 3));
        e.add(new CpuidEntry(0xB, 1, INDEXED, 4, 16, 0x201, 3));
        // XSAVE: x87, SSE, AVX, AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM) and PKRU; PT as a supervisor component.
        e.add(new CpuidEntry(0xD, 0, INDEXED, 0x2E7, 0xA88, 0xA88, 0));
        e.add(new CpuidEntry(0xD, 1, INDEXED, 0, 0x0, 0x100, 0));
        e.add(new CpuidEntry(0xD, 2, INDEXED, 256, 576, 0, 0));
        e.add(new CpuidEntry(0xD, 5, INDEXED, 64, 1088, 0, 0));
        e.add(new CpuidEntry(0xD, 6, INDEXED, 512, 1152, 0, 0));
        e.add(new CpuidEntry(0xD, 7, INDEXED, 1024, 1664, 0, 0));
        e.add(new CpuidEntry(0xD, 8, INDEXED, 128, 0, 1, 0));
        e.add(new CpuidEntry(0xD, 9, INDEXED, 8, 2688, 0, 0));
        e.add(new CpuidEntry(0x1F, 0, INDEXED, 1, 2, 0x100, 3));
        e.add(new CpuidEntry(0x1F, 1, INDEXED, 4, 16, 0x201, 3));
        e.add(new CpuidEntry(0x4000_0000, 0, 0, 0x4000_0001, 0x4b4d564b, 0x564b4d56, 0x4d));
        e.add(new CpuidEntry(0x4000_0001, 0, 0, 0x01007efb, 0, 0, 1));
        e.add(new CpuidEntry(0x8000_0000, 0, 0, 0x8000_0008, 0, 0, 0));
        e.add(new CpuidEntry(0x8000_0001, 0, 0, 0, 0, 0, 0));
        e.add(new CpuidEntry(0x8000_0006, 0, 0, 0, 0, 0x01006040, 0));
        e.add(new CpuidEntry(0x8000_0008, 0, 0, 0x3027, 0, 0, 0));
        return new CpuidTable(e).withFeatures(FeatureWords.of(List.of(
                FPU, VME, DE, PSE, TSC, MSR, PAE, MCE, CX8, APIC, SEP, MTRR, PGE, MCA, CMOV, PAT, PSE36, CLFSH,
                MMX, FXSR, SSE, SSE2, SS, HTT,
                SSE3, PCLMULQDQ, MONITOR, SSSE3, FMA, CX16, PCID, SSE4_1, SSE4_2, X2APIC, MOVBE, POPCNT,
                TSC_DEADLINE, AES, XSAVE, AVX, F16C, RDRAND, HYPERVISOR,
                FSGSBASE, TSC_ADJUST, BMI1, AVX2, SMEP, BMI2, ERMS, INVPCID, AVX512F, AVX512DQ, RDSEED, ADX, SMAP,
                CLFLUSHOPT, CLWB, AVX512CD, SHA, AVX512BW, AVX512VL,
                AVX512_VBMI, UMIP, PKU, GFNI, VAES, VPCLMULQDQ, AVX512_VNNI, RDPID,
                MD_CLEAR, SPEC_CTRL, STIBP, ARCH_CAPABILITIES, SSBD,
                AVX512_BF16,
                XSAVEOPT, XSAVEC, XGETBV1, XSAVES,
                SYSCALL, NX, PDPE1GB, RDTSCP, LM,
                LAHF_LM, ABM, PREFETCHW)));
    }

    /** This project's hosts: kvm-pvm on AMD EPYC, as KVM_GET_SUPPORTED_CPUID reported it (no SSE3, no XSAVE). */
    static CpuidTable amdHost() {
        List<CpuidEntry> e = new ArrayList<>();
        e.add(new CpuidEntry(0x0, 0, 0, 0x10, 0x68747541, 0x444d4163, 0x69746e65));
        e.add(new CpuidEntry(0x1, 0, 0, 0x00a00f11, 0x01020800, 0x81202000, 0x078bfbff));
        e.add(new CpuidEntry(0x4, 0, INDEXED, 0, 0, 0, 0));
        e.add(new CpuidEntry(0x6, 0, 0, 4, 0, 0, 0));
        e.add(new CpuidEntry(0x7, 0, INDEXED, 0, 0x01800002, 0x4, 0xa8000000));
        e.add(new CpuidEntry(0xB, 0, INDEXED, 0, 0, 0, 1));
        e.add(new CpuidEntry(0xD, 0, INDEXED, 0x207, 0x988, 0x988, 0));
        e.add(new CpuidEntry(0xD, 1, INDEXED, 0, 0, 0, 0));
        e.add(new CpuidEntry(0xD, 2, INDEXED, 0x100, 0x240, 0, 0));
        e.add(new CpuidEntry(0xD, 9, INDEXED, 0x8, 0x980, 0, 0));
        e.add(new CpuidEntry(0x4000_0000, 0, 0, 0x4000_0001, 0x4b4d564b, 0x564b4d56, 0x4d));
        e.add(new CpuidEntry(0x4000_0001, 0, 0, 0x01007efb, 0, 0, 0));
        e.add(new CpuidEntry(0x8000_0000, 0, 0, 0x8000_0022, 0x68747541, 0x444d4163, 0x69746e65));
        e.add(new CpuidEntry(0x8000_0001, 0, 0, 0x00a00f11, 0x40000000, 0x00400393, 0x23d3fbff));
        e.add(new CpuidEntry(0x8000_0005, 0, 0, 0xff40ff40, 0xff40ff40, 0x20080140, 0x20080140));
        e.add(new CpuidEntry(0x8000_0006, 0, 0, 0x48002200, 0x68004200, 0x02006140, 0x08009140));
        e.add(new CpuidEntry(0x8000_0008, 0, 0, 0x00003030, 0x110ad205, 0x00007001, 0));
        e.add(new CpuidEntry(0x8000_001D, 0, INDEXED, 0x00000121, 0x01c0003f, 0x3f, 0));
        e.add(new CpuidEntry(0x8000_001D, 1, INDEXED, 0x00000122, 0x01c0003f, 0x3f, 0));
        e.add(new CpuidEntry(0x8000_001D, 2, INDEXED, 0x00000143, 0x01c0003f, 0x3ff, 2));
        e.add(new CpuidEntry(0x8000_001D, 3, INDEXED, 0x00004163, 0x03c0003f, 0x7fff, 1));
        e.add(new CpuidEntry(0x8000_001D, 4, INDEXED, 0, 0, 0, 0));
        e.add(new CpuidEntry(0x8000_001E, 0, 0, 0, 0, 0, 0));
        return new CpuidTable(e);
    }

    /** The guest table for {@code spec} on {@code host}. */
    static CpuidTable compose(CpuidTable host, String spec) {
        return GuestCpuid.compose(host, CpuSpec.parse(spec)).table();
    }
}
