package dev.jkvm.core.x86.cpu;

import static dev.jkvm.core.x86.cpu.CpuFeature.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which feature each feature needs, so that turning one off takes everything built on it along. A guest that
 * sees AVX without XSAVE has no architectural way to enable the YMM state (XCR0 is XSAVE's), and Linux then
 * disables AVX itself at best, or uses it and faults at worst; the same holds down the SSE and AVX-512 chains.
 * The edges follow the Intel SDM's enabling rules (AVX, AVX-512, AMX, PKU and MPX state live in XSAVE
 * components; FMA, F16C, AVX2 and AVX-512 need AVX's state; the SSE levels build on each other and on FXSR).
 */
public final class FeatureDependencies {
    /** Feature → the one feature it cannot work without. */
    private static final Map<CpuFeature, CpuFeature> REQUIRES = Map.ofEntries(
            Map.entry(SSE, FXSR),
            Map.entry(SSE2, SSE),
            Map.entry(SSE3, SSE2),
            Map.entry(SSSE3, SSE3),
            Map.entry(SSE4_1, SSSE3),
            Map.entry(SSE4_2, SSE4_1),
            Map.entry(PCLMULQDQ, SSE2),
            Map.entry(AES, SSE2),
            Map.entry(SHA, SSE2),
            Map.entry(SSE4A, SSE3),
            Map.entry(XSAVE, FXSR),
            Map.entry(XSAVEOPT, XSAVE),
            Map.entry(XSAVEC, XSAVE),
            Map.entry(XGETBV1, XSAVE),
            Map.entry(XSAVES, XSAVE),
            Map.entry(XFD, XSAVE),
            Map.entry(AVX, XSAVE),
            Map.entry(PKU, XSAVE),
            Map.entry(MPX, XSAVE),
            Map.entry(AMX_TILE, XSAVE),
            Map.entry(AMX_BF16, AMX_TILE),
            Map.entry(AMX_INT8, AMX_TILE),
            Map.entry(FMA, AVX),
            Map.entry(F16C, AVX),
            Map.entry(AVX2, AVX),
            Map.entry(VAES, AVX),
            Map.entry(VPCLMULQDQ, AVX),
            Map.entry(AVX_VNNI, AVX2),
            Map.entry(FMA4, AVX),
            Map.entry(XOP, AVX),
            Map.entry(AVX512F, AVX2),
            Map.entry(AVX512DQ, AVX512F),
            Map.entry(AVX512IFMA, AVX512F),
            Map.entry(AVX512PF, AVX512F),
            Map.entry(AVX512ER, AVX512F),
            Map.entry(AVX512CD, AVX512F),
            Map.entry(AVX512BW, AVX512F),
            Map.entry(AVX512VL, AVX512F),
            Map.entry(AVX512_VBMI, AVX512F),
            Map.entry(AVX512_VBMI2, AVX512F),
            Map.entry(AVX512_VNNI, AVX512F),
            Map.entry(AVX512_BITALG, AVX512F),
            Map.entry(AVX512_VPOPCNTDQ, AVX512F),
            Map.entry(AVX512_4VNNIW, AVX512F),
            Map.entry(AVX512_4FMAPS, AVX512F),
            Map.entry(AVX512_VP2INTERSECT, AVX512F),
            Map.entry(AVX512_FP16, AVX512BW),
            Map.entry(AVX512_BF16, AVX512F),
            Map.entry(X2APIC, APIC),
            Map.entry(TSC_DEADLINE, APIC),
            Map.entry(MMXEXT, MMX),
            Map.entry(EXT_3DNOW, MMX),
            Map.entry(EXT_3DNOWEXT, EXT_3DNOW));

    private FeatureDependencies() {
    }

    /** The feature {@code feature} needs, if any. */
    public static Optional<CpuFeature> requirement(CpuFeature feature) {
        return Optional.ofNullable(REQUIRES.get(feature));
    }

    /**
     * Clears in {@code words} every feature whose requirement is clear, repeating until nothing changes (so
     * -xsave also clears avx2 through avx); returns what it cleared, in the order it did.
     */
    public static List<CpuFeature> enforce(FeatureWords words) {
        List<CpuFeature> cleared = new ArrayList<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (CpuFeature feature : CpuFeature.values()) {
                CpuFeature needed = REQUIRES.get(feature);
                if (needed != null && words.has(feature) && !words.has(needed)) {
                    words.disable(feature);
                    cleared.add(feature);
                    changed = true;
                }
            }
        }
        return List.copyOf(cleared);
    }
}
