package dev.jkvm.core.x86.cpu;

import dev.jkvm.core.x86.CpuidEntry;

/**
 * Fits leaf 0xD (the XSAVE state components) to the final features: without XSAVE the leaf is empty, as QEMU
 * makes it; otherwise the XCR0 bits of components whose feature is off are removed (AVX's YMM state without AVX,
 * AVX-512's three without AVX512F, MPX's two without MPX, PKRU without PKU, AMX's two without AMX), with their
 * subleaves, and the size of the whole area is recomputed from what is left. Supervisor components (IA32_XSS)
 * go when XSAVES does.
 */
public final class XsaveLeaves {
    /** Subleaf 1: XSAVE variants in EAX, supervisor (IA32_XSS) components in ECX/EDX. */
    private static final int SUBLEAF_VARIANTS = 1;
    /** The legacy FXSAVE region (x87 and SSE state) plus the XSAVE header: where extended components may start. */
    private static final int LEGACY_AND_HEADER_BYTES = 512 + 64;
    /** XCR0 bits 0 and 1 (x87, SSE): always present with XSAVE. */
    private static final long X87_SSE = 0b11;
    /** XCR0 bit 2: the upper halves of YMM0–15 (AVX). */
    private static final long YMM = 1L << 2;
    /** XCR0 bits 3 and 4: MPX bound registers and BNDCFGU/BNDSTATUS. */
    private static final long MPX_STATE = 0b11L << 3;
    /** XCR0 bits 5–7: AVX-512 opmask, ZMM_Hi256, Hi16_ZMM. */
    private static final long AVX512_STATE = 0b111L << 5;
    /** XCR0 bit 9: the PKRU register. */
    private static final long PKRU = 1L << 9;
    /** XCR0 bits 17 and 18: AMX TILECFG and TILEDATA. */
    private static final long AMX_STATE = 0b11L << 17;
    /** Subleaf ECX bit 0 for components ≥ 2: the component is supervisor state (IA32_XSS), not XCR0. */
    private static final int SUPERVISOR_COMPONENT = 1;

    private XsaveLeaves() {
    }

    public static CpuidTable fit(CpuidTable table, FeatureWords features) {
        if (!features.has(CpuFeature.XSAVE)) {
            return table.withoutLeaf(CpuidLeaves.XSAVE);
        }
        CpuidEntry main = table.entryOrZero(CpuidLeaves.XSAVE, 0);
        long allowed = (Integer.toUnsignedLong(main.edx()) << 32 | Integer.toUnsignedLong(main.eax()))
                & ~removedUserComponents(features);
        boolean supervisor = features.has(CpuFeature.XSAVES);
        CpuidTable fitted = table.without(e -> e.function() == CpuidLeaves.XSAVE && e.index() > SUBLEAF_VARIANTS
                && e.index() < Long.SIZE
                && ((e.ecx() & SUPERVISOR_COMPONENT) != 0 ? !supervisor : (allowed & 1L << e.index()) == 0));
        int size = LEGACY_AND_HEADER_BYTES;
        for (CpuidEntry e : fitted.leaf(CpuidLeaves.XSAVE)) {
            if (e.index() > SUBLEAF_VARIANTS && (e.ecx() & SUPERVISOR_COMPONENT) == 0) {
                size = Math.max(size, e.ebx() + e.eax());
            }
        }
        // EBX is the size for the XCR0 the guest has set; KVM rewrites it as XCR0 changes, start from the maximum.
        fitted = fitted.with(new CpuidEntry(CpuidLeaves.XSAVE, 0, CpuidEntry.FLAG_SIGNIFICANT_INDEX,
                (int) allowed, size, size, (int) (allowed >>> 32)));
        if (!supervisor) {
            CpuidEntry variants = fitted.entryOrZero(CpuidLeaves.XSAVE, SUBLEAF_VARIANTS);
            fitted = fitted.with(new CpuidEntry(CpuidLeaves.XSAVE, SUBLEAF_VARIANTS, CpuidEntry.FLAG_SIGNIFICANT_INDEX,
                    variants.eax(), variants.ebx(), 0, 0));
        }
        return fitted;
    }

    private static long removedUserComponents(FeatureWords features) {
        long removed = 0;
        if (!features.has(CpuFeature.AVX)) {
            removed |= YMM;
        }
        if (!features.has(CpuFeature.MPX)) {
            removed |= MPX_STATE;
        }
        if (!features.has(CpuFeature.AVX512F)) {
            removed |= AVX512_STATE;
        }
        if (!features.has(CpuFeature.PKU)) {
            removed |= PKRU;
        }
        if (!features.has(CpuFeature.AMX_TILE)) {
            removed |= AMX_STATE;
        }
        return removed & ~X87_SSE;
    }
}
