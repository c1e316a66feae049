package dev.jkvm.core.x86.cpu;

import static dev.jkvm.core.x86.cpu.CpuFeature.*;

import dev.jkvm.core.x86.CpuidEntry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * QEMU 7.2's {@code qemu64} as it comes out under KVM (checked with QMP query-cpu-model-expansion on QEMU 7.2 with
 * -enable-kvm): an AMD family 15 model 107 stepping 1 CPU, "QEMU Virtual CPU version 2.5+", basic leaves up to
 * 0xD and extended leaves up to 0x8000000A, the PPro feature set with SSE2, SSE3, CMPXCHG16B, long mode, NX,
 * LAHF in long mode, x2APIC and QEMU's default KVM paravirtual features (svm, monitor and acpi off, as QEMU's
 * kvm_default_props turn them off). Its legacy AMD cache description goes in leaves 0x80000005/0x80000006;
 * being AMD, leaves 2 and 4 stay empty (QEMU's x-vendor-cpuid-only).
 */
public record Qemu64CpuModel() implements CpuModel {
    /** The model's name on the command line. */
    public static final String NAME = "qemu64";
    /** The highest basic leaf (QEMU's level). */
    public static final int LEVEL = 0xD;
    /** The highest extended leaf (QEMU's xlevel 0x8000000A, the SVM leaf). */
    public static final int XLEVEL = CpuidLeaves.SVM;
    /** Family, model and stepping. */
    public static final CpuSignature SIGNATURE = new CpuSignature(15, 107, 1);
    /** The brand string of leaves 0x80000002–0x80000004 (QEMU's model_id with QEMU_HW_VERSION 2.5+). */
    public static final String BRAND = "QEMU Virtual CPU version 2.5+";
    /** The features qemu64 asks for. */
    public static final Set<CpuFeature> FEATURES = Set.copyOf(EnumSet.of(
            FPU, DE, PSE, TSC, MSR, PAE, MCE, CX8, APIC, SEP, MTRR, PGE, MCA, CMOV, PAT, PSE36, CLFSH, MMX, FXSR,
            SSE, SSE2,
            SSE3, CX16, X2APIC, HYPERVISOR,
            SYSCALL, NX, LM,
            LAHF_LM));

    /** Physical address bits QEMU gives named models (TCG_PHYS_ADDR_BITS) unless the host has fewer. */
    private static final int PHYS_ADDR_BITS = 40;
    /** Linear address bits of 4-level paging. */
    private static final int VIRT_ADDR_BITS = 48;
    /** CPUID.1:EBX[15:8], the CLFLUSH line size in 8-byte units: 64-byte lines. */
    private static final int CLFLUSH_LINE_UNITS = 8;
    /** Where the CLFLUSH line size sits in CPUID.1:EBX. */
    private static final int CLFLUSH_SHIFT = 8;
    /** 0x80000008 EAX[15:8]: linear address bits; EAX[7:0] are physical address bits. */
    private static final int LINEAR_BITS_SHIFT = 8;
    /** Width mask of either address-size field. */
    private static final int ADDRESS_BITS_MASK = 0xFF;
    /** Bytes of brand string each leaf holds (EAX, EBX, ECX, EDX). */
    private static final int BRAND_BYTES_PER_LEAF = 16;
    /** Leaves the brand string spans. */
    private static final int BRAND_LEAVES = 3;
    /** Entries of each L1 TLB QEMU reports (2M and 4K pages, data and instruction). */
    private static final int L1_TLB_ENTRIES = 255;
    /** Associativity of each L1 TLB (direct mapped). */
    private static final int L1_TLB_WAYS = 1;
    /** Entries of the L2 4K-page TLBs; the L2 2M-page TLBs are reported as absent. */
    private static final int L2_TLB_4K_ENTRIES = 512;
    /** Associativity of the L2 4K-page TLBs. */
    private static final int L2_TLB_4K_WAYS = 4;
    /** QEMU's legacy AMD L1 data and instruction caches: 64 KiB each. */
    private static final int L1_CACHE_KIB = 64;
    /** Their associativity. */
    private static final int L1_CACHE_WAYS = 2;
    /** QEMU's legacy AMD L2 cache: 512 KiB. */
    private static final int L2_CACHE_KIB = 512;
    /** Associativity of the legacy L2 and L3 caches. */
    private static final int L2_L3_CACHE_WAYS = 16;
    /** QEMU's legacy L3 cache, in the 512 KiB units of 0x80000006 EDX[31:18]: 16 MiB. */
    private static final int L3_CACHE_512K_UNITS = 32;
    /** Line size of every legacy cache, in bytes. */
    private static final int CACHE_LINE_BYTES = 64;
    /** Lines per tag of every legacy cache. */
    private static final int LINES_PER_TAG = 1;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CpuidTable baseline(CpuidTable supported) {
        CpuVendor vendor = CpuVendor.AMD;
        CpuidTable table = new CpuidTable(List.of(
                new CpuidEntry(CpuidLeaves.VENDOR, 0, 0, LEVEL, vendor.ebx(), vendor.ecx(), vendor.edx()),
                new CpuidEntry(CpuidLeaves.VERSION, 0, 0, SIGNATURE.eax(), CLFLUSH_LINE_UNITS << CLFLUSH_SHIFT, 0, 0),
                new CpuidEntry(CpuidLeaves.EXTENDED_VENDOR, 0, 0, XLEVEL, vendor.ebx(), vendor.ecx(), vendor.edx()),
                new CpuidEntry(CpuidLeaves.EXTENDED_FEATURES, 0, 0, SIGNATURE.eax(), 0, 0, 0),
                new CpuidEntry(CpuidLeaves.AMD_L1_CACHE, 0, 0,
                        l1Tlb(), l1Tlb(), amdL1Cache(), amdL1Cache()),
                new CpuidEntry(CpuidLeaves.AMD_L2_L3_CACHE, 0, 0,
                        0, amdL2Tlb(L2_TLB_4K_WAYS, L2_TLB_4K_ENTRIES), amdL2Cache(), amdL3Cache()),
                addressSizes(supported)));
        for (int i = 0; i < BRAND_LEAVES; i++) {
            table = table.with(brandLeaf(i));
        }
        // What the model takes from the host: the XSAVE layout, in case +xsave turns it on, and SVM's leaf for +svm.
        for (CpuidEntry e : supported.entries()) {
            if (e.function() == CpuidLeaves.XSAVE || e.function() == CpuidLeaves.SVM) {
                table = table.with(e);
            }
        }
        return table;
    }

    @Override
    public FeatureWords defaultFeatures(CpuidTable supported) {
        return FeatureWords.of(FEATURES);
    }

    @Override
    public int paravirtFeatures(CpuidTable supported) {
        return ParavirtLeaves.QEMU_DEFAULT_FEATURES;
    }

    private static CpuidEntry addressSizes(CpuidTable supported) {
        int host = supported.register(CpuidLeaves.ADDRESS_SIZES, 0, CpuidRegister.EAX);
        int physical = host == 0 ? PHYS_ADDR_BITS : Math.min(PHYS_ADDR_BITS, host & ADDRESS_BITS_MASK);
        int linear = host == 0 ? VIRT_ADDR_BITS
                : Math.min(VIRT_ADDR_BITS, (host >>> LINEAR_BITS_SHIFT) & ADDRESS_BITS_MASK);
        return new CpuidEntry(CpuidLeaves.ADDRESS_SIZES, 0, 0, linear << LINEAR_BITS_SHIFT | physical, 0, 0, 0);
    }

    private static CpuidEntry brandLeaf(int i) {
        byte[] padded = new byte[BRAND_LEAVES * BRAND_BYTES_PER_LEAF];
        byte[] text = BRAND.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, padded, 0, text.length);
        ByteBuffer b = ByteBuffer.wrap(padded, i * BRAND_BYTES_PER_LEAF, BRAND_BYTES_PER_LEAF)
                .order(ByteOrder.LITTLE_ENDIAN);
        return new CpuidEntry(CpuidLeaves.BRAND + i, 0, 0, b.getInt(), b.getInt(), b.getInt(), b.getInt());
    }

    /** 0x80000005 EAX/EBX: data TLB ways and entries in the high half, instruction TLB in the low half. */
    private static int l1Tlb() {
        return L1_TLB_WAYS << 24 | L1_TLB_ENTRIES << 16 | L1_TLB_WAYS << 8 | L1_TLB_ENTRIES;
    }

    /** 0x80000005 ECX/EDX: size in KiB, ways, lines per tag, line size. */
    private static int amdL1Cache() {
        return L1_CACHE_KIB << 24 | L1_CACHE_WAYS << 16 | LINES_PER_TAG << 8 | CACHE_LINE_BYTES;
    }

    /** 0x80000006 EAX/EBX layout: data TLB in the high half, instruction TLB in the low half. */
    private static int amdL2Tlb(int ways, int entries) {
        return amdAssociativity(ways) << 28 | entries << 16 | amdAssociativity(ways) << 12 | entries;
    }

    /** 0x80000006 ECX: size in KiB, encoded ways, lines per tag, line size. */
    private static int amdL2Cache() {
        return L2_CACHE_KIB << 16 | amdAssociativity(L2_L3_CACHE_WAYS) << 12 | LINES_PER_TAG << 8 | CACHE_LINE_BYTES;
    }

    /** 0x80000006 EDX: size in 512 KiB units, encoded ways, lines per tag, line size. */
    private static int amdL3Cache() {
        return L3_CACHE_512K_UNITS << 18 | amdAssociativity(L2_L3_CACHE_WAYS) << 12 | LINES_PER_TAG << 8
                | CACHE_LINE_BYTES;
    }

    /** The AMD APM's 4-bit associativity code of leaf 0x80000006. */
    private static int amdAssociativity(int ways) {
        return switch (ways) {
            case 0, 1, 2, 4 -> ways;
            case 8 -> 0x6;
            case 16 -> 0x8;
            case 32 -> 0xA;
            default -> throw new IllegalArgumentException("no 0x80000006 associativity code for " + ways + " ways");
        };
    }
}
