package dev.jkvm.core.x86.cpu;

import dev.jkvm.core.x86.CpuidEntry;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The CPUID a {@code -cpu} specification gives every vCPU, before topology: the model's leaves with its feature
 * bits, the user's +/- settings applied, everything KVM cannot virtualise removed (as QEMU removes it, with a
 * warning per feature), features whose prerequisite is off removed ({@link FeatureDependencies}), leaf 0xD fitted
 * to the result ({@link XsaveLeaves}), and KVM's paravirtual leaves. Per-vCPU topology comes from
 * {@link TopologyLeaves}.
 *
 * @param table       the CPUID table, identical for every vCPU until topology is applied
 * @param unavailable features the model or the user asked for that KVM does not support here (QEMU warns about
 *                    each as "host doesn't support requested feature")
 * @param dropped     features removed because a feature they need is off
 */
public record GuestCpuid(CpuidTable table, List<CpuFeature> unavailable, List<CpuFeature> dropped) {
    /**
     * 0x80000001 EDX bits that repeat leaf 1 EDX on AMD (fpu … pge, mca … pse36, mmx, fxsr; QEMU's
     * CPUID_EXT2_AMD_ALIASES).
     */
    private static final int AMD_EDX_ALIASES = 0x0183F3FF;

    public GuestCpuid {
        unavailable = List.copyOf(unavailable);
        dropped = List.copyOf(dropped);
    }

    /** Builds the guest CPUID for {@code spec} from KVM's supported table. */
    public static GuestCpuid compose(CpuidTable supported, CpuSpec spec) {
        CpuModel model = spec.model();
        FeatureWords available = FeatureWords.of(supported);
        FeatureWords requested = model.defaultFeatures(supported);
        Set<CpuFeature> askedFor = EnumSet.noneOf(CpuFeature.class);
        for (CpuSpec.FeatureSetting setting : spec.effectiveSettings()) {
            if (setting.enabled()) {
                requested.enable(setting.feature());
                askedFor.add(setting.feature());
            } else {
                requested.disable(setting.feature());
                askedFor.remove(setting.feature());
            }
        }
        List<CpuFeature> unavailable = new ArrayList<>(requested.namedMissingFrom(available));
        FeatureWords features = requested.copy();
        features.retainAll(available);
        List<CpuFeature> dropped = FeatureDependencies.enforce(features);
        for (CpuFeature feature : dropped) {
            CpuFeature root = FeatureDependencies.requirement(feature).orElseThrow();
            while (dropped.contains(root)) {
                root = FeatureDependencies.requirement(root).orElseThrow();
            }
            // Asked for explicitly, but something it needs was switched off: say so rather than guess.
            if (askedFor.contains(feature) && !unavailable.contains(root)) {
                throw new IllegalArgumentException("-cpu " + spec.text() + ": " + feature.qemuName() + " needs "
                        + root.qemuName() + ", which is off");
            }
        }

        CpuidTable table = model.baseline(supported);
        if (table.vendor().amdLayout()) {
            features.set(FeatureWord.EXT_1_EDX, features.get(FeatureWord.EXT_1_EDX) & ~AMD_EDX_ALIASES
                    | features.get(FeatureWord.LEAF_1_EDX) & AMD_EDX_ALIASES);
            // QEMU's x-vendor-cpuid-only: an AMD CPU has no Intel cache leaves.
            table = table.withoutLeaf(CpuidLeaves.CACHE_DESCRIPTORS).withoutLeaf(CpuidLeaves.CACHE_PARAMETERS);
        }
        table = table.withFeatures(features);
        table = XsaveLeaves.fit(table, features);
        table = fitStructuredFeatureSubleaves(table, features);
        if (!features.has(CpuFeature.SVM)) {
            table = table.withoutLeaf(CpuidLeaves.SVM);
        }
        if (!features.has(CpuFeature.MONITOR)) {
            table = table.withoutLeaf(CpuidLeaves.MONITOR);
        }
        table = ParavirtLeaves.apply(table, model.paravirtFeatures(supported), supported);
        return new GuestCpuid(table, unavailable, dropped);
    }

    /** Leaf 7 subleaf 0 EAX must reach subleaf 1 when a subleaf-1 feature is on. */
    private static CpuidTable fitStructuredFeatureSubleaves(CpuidTable table, FeatureWords features) {
        if (features.get(FeatureWord.LEAF_7_1_EAX) == 0) {
            return table;
        }
        CpuidEntry subleaf0 = table.entryOrZero(CpuidLeaves.STRUCTURED_FEATURES, 0);
        return table.with(new CpuidEntry(CpuidLeaves.STRUCTURED_FEATURES, 0, CpuidEntry.FLAG_SIGNIFICANT_INDEX,
                Math.max(subleaf0.eax(), 1), subleaf0.ebx(), subleaf0.ecx(), subleaf0.edx()));
    }

    /** QEMU's warning for each unavailable feature, e.g. "host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]". */
    public List<String> warnings() {
        return unavailable.stream().map(f -> "host doesn't support requested feature: " + f.describe()).toList();
    }
}
