package dev.jkvm.core.x86.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jkvm.core.x86.cpu.CpuSpec.FeatureSetting;
import dev.jkvm.core.x86.cpu.CpuSpec.Syntax;

import org.junit.jupiter.api.Test;

import java.util.List;

class CpuSpecTest {
    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> CpuSpec.parse(text)).getMessage();
    }

    @Test
    void theThreeModels() {
        assertEquals(new HostCpuModel("host"), CpuSpec.parse("host").model());
        assertEquals(new HostCpuModel("max"), CpuSpec.parse("max").model());
        assertInstanceOf(Qemu64CpuModel.class, CpuSpec.parse("qemu64").model());
        assertEquals(List.of(), CpuSpec.parse("qemu64").settings());
    }

    @Test
    void plusMinusAndOnOff() {
        CpuSpec spec = CpuSpec.parse("host,-cx16,+x2apic,xsave=off,avx=on,fma");
        assertEquals(List.of(
                new FeatureSetting(CpuFeature.CX16, false, Syntax.MINUS),
                new FeatureSetting(CpuFeature.X2APIC, true, Syntax.PLUS),
                new FeatureSetting(CpuFeature.XSAVE, false, Syntax.PROPERTY),
                new FeatureSetting(CpuFeature.AVX, true, Syntax.PROPERTY),
                new FeatureSetting(CpuFeature.FMA, true, Syntax.PROPERTY)), spec.settings());
    }

    @Test
    void qemuSpellingsAndAliases() {
        CpuSpec spec = CpuSpec.parse("qemu64,+sse3,+sse4_1,+sse4-2,+lahf_lm,+xd,tsc_deadline=yes,+i64,+pni");
        assertEquals(List.of(CpuFeature.SSE3, CpuFeature.SSE4_1, CpuFeature.SSE4_2, CpuFeature.LAHF_LM, CpuFeature.NX,
                        CpuFeature.TSC_DEADLINE, CpuFeature.LM, CpuFeature.SSE3),
                spec.settings().stream().map(FeatureSetting::feature).toList());
    }

    @Test
    void minusWinsOverPlusAndPlusOverPropertiesAsInQemu() {
        CpuSpec spec = CpuSpec.parse("host,-avx,+avx,cx16=off,+cx16");
        assertEquals(List.of(
                new FeatureSetting(CpuFeature.CX16, false, Syntax.PROPERTY),
                new FeatureSetting(CpuFeature.AVX, true, Syntax.PLUS),
                new FeatureSetting(CpuFeature.CX16, true, Syntax.PLUS),
                new FeatureSetting(CpuFeature.AVX, false, Syntax.MINUS)), spec.effectiveSettings());
    }

    @Test
    void unknownModelIsOneLineListingTheModels() {
        assertEquals("-cpu qemu65: unknown CPU model (jkvm has: host, max, qemu64)", error("qemu65"));
        assertEquals("-cpu Haswell,+avx: unknown CPU model 'Haswell' (jkvm has: host, max, qemu64)",
                error("Haswell,+avx"));
        assertEquals("-cpu ,+avx: no CPU model given (jkvm has: host, max, qemu64)", error(",+avx"));
    }

    @Test
    void unknownFeatureOrValueIsNamed() {
        assertEquals("-cpu host,+avx9: unknown CPU feature 'avx9'", error("host,+avx9"));
        assertEquals("-cpu host,phys-bits=40: unknown CPU feature 'phys-bits'", error("host,phys-bits=40"));
        assertEquals("-cpu host,xsave=maybe: xsave must be on or off, not 'maybe'", error("host,xsave=maybe"));
        assertEquals("-cpu host,,+avx: empty feature setting", error("host,,+avx"));
    }
}
