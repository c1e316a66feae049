package dev.jkvm.core.x86.cpu;

import static dev.jkvm.core.x86.cpu.CpuFeature.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.core.x86.CpuidEntry;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Models, feature settings and their consequences, composed from sample host tables. */
class GuestCpuidTest {
    private static GuestCpuid compose(CpuidTable host, String spec) {
        return GuestCpuid.compose(host, CpuSpec.parse(spec));
    }

    private static Set<CpuFeature> features(CpuidTable table) {
        Set<CpuFeature> on = EnumSet.noneOf(CpuFeature.class);
        FeatureWords words = FeatureWords.of(table);
        for (CpuFeature f : CpuFeature.values()) {
            if (words.has(f)) {
                on.add(f);
            }
        }
        return on;
    }

    private static String brand(CpuidTable table) {
        ByteBuffer bytes = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int leaf = 0x8000_0002; leaf <= 0x8000_0004; leaf++) {
            CpuidEntry e = table.entryOrZero(leaf, 0);
            bytes.putInt(e.eax()).putInt(e.ebx()).putInt(e.ecx()).putInt(e.edx());
        }
        return new String(bytes.array(), StandardCharsets.US_ASCII).replace("\0", "");
    }

    @Test
    void hostIsWhatKvmSupportsWithTheHypervisorBitAndWithoutTopoext() {
        CpuidTable host = SampleCpuid.amdHost();
        GuestCpuid guest = compose(host, "host");
        Set<CpuFeature> expected = features(host);
        expected.remove(TOPOEXT);
        assertEquals(expected, features(guest.table()));
        assertTrue(features(guest.table()).contains(HYPERVISOR));
        assertEquals(List.of(), guest.unavailable());
        assertEquals(0x00a00f11, guest.table().register(1, 0, CpuidRegister.EAX), "the host's signature");
        assertEquals(CpuVendor.AMD, guest.table().vendor());
        assertEquals(compose(host, "host").table(), compose(host, "max").table(), "max is host under KVM");
        assertTrue(features(compose(host, "host,+topoext").table()).contains(TOPOEXT));
    }

    @Test
    void qemu64IsQemu72sModelIntersectedWithTheHost() {
        GuestCpuid guest = compose(SampleCpuid.intelHost(), "qemu64");
        CpuidTable t = guest.table();
        assertEquals(CpuVendor.AMD, t.vendor(), "qemu64 is AuthenticAMD even on Intel");
        assertEquals(new CpuSignature(15, 107, 1), CpuSignature.decode(t.register(1, 0, CpuidRegister.EAX)));
        assertEquals(t.register(1, 0, CpuidRegister.EAX), t.register(0x8000_0001, 0, CpuidRegister.EAX));
        assertEquals(0xD, t.maxBasicLeaf());
        assertEquals(0x8000_000A, t.maxExtendedLeaf());
        assertEquals("QEMU Virtual CPU version 2.5+", brand(t));
        // QMP query-cpu-model-expansion of qemu64 under QEMU 7.2 with KVM lists exactly these.
        assertEquals(EnumSet.of(FPU, DE, PSE, TSC, MSR, PAE, MCE, CX8, APIC, SEP, MTRR, PGE, MCA, CMOV, PAT, PSE36,
                CLFSH, MMX, FXSR, SSE, SSE2, SSE3, CX16, X2APIC, HYPERVISOR, SYSCALL, NX, LM, LAHF_LM),
                features(t));
        assertEquals(0x0183F3FF & t.register(1, 0, CpuidRegister.EDX),
                t.register(0x8000_0001, 0, CpuidRegister.EDX) & 0x0183F3FF, "AMD mirrors leaf 1 EDX");
        assertEquals(List.of(), guest.unavailable());
        assertTrue(t.leaf(0xD).isEmpty(), "no XSAVE, no leaf 0xD");
        assertTrue(t.leaf(0x4).isEmpty() && t.leaf(0x2).isEmpty(), "no Intel cache leaves on an AMD model");
        assertEquals(List.of(0x01FF01FF, 0x01FF01FF, 0x40020140, 0x40020140),
                List.of(t.register(0x8000_0005, 0, CpuidRegister.EAX), t.register(0x8000_0005, 0, CpuidRegister.EBX),
                        t.register(0x8000_0005, 0, CpuidRegister.ECX), t.register(0x8000_0005, 0, CpuidRegister.EDX)),
                "QEMU's legacy AMD L1 caches and TLBs");
        assertEquals(0x3027, t.register(0x8000_0008, 0, CpuidRegister.EAX), "39 physical bits: fewer than 40 here");
        assertEquals(ParavirtLeaves.QEMU_DEFAULT_FEATURES, t.register(0x4000_0001, 0, CpuidRegister.EAX));
    }

    @Test
    void qemu64OnThisHostLacksSse3AndSaysSoAsQemuDoes() {
        GuestCpuid guest = compose(SampleCpuid.amdHost(), "qemu64,-cx16");
        assertEquals(List.of(SSE3), guest.unavailable());
        assertEquals(List.of("host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]"), guest.warnings());
        assertFalse(features(guest.table()).contains(CX16));
        assertEquals(0x3028, guest.table().register(0x8000_0008, 0, CpuidRegister.EAX), "40 physical, 48 linear");
    }

    @Test
    void plusAddsWhatTheHostHasAndMinusRemoves() {
        CpuidTable t = compose(SampleCpuid.intelHost(), "qemu64,+popcnt,+sse4.1,+ssse3,-nx,+pdpe1gb").table();
        Set<CpuFeature> on = features(t);
        assertTrue(on.containsAll(Set.of(POPCNT, SSE4_1, SSSE3, PDPE1GB)), on.toString());
        assertFalse(on.contains(NX));
        GuestCpuid missing = compose(SampleCpuid.amdHost(), "host,+avx512f,+svm");
        assertEquals(List.of(AVX512F, SVM), missing.unavailable());
    }

    @Test
    void noXsaveTakesEverythingBuiltOnItAndLeaf0xD() {
        GuestCpuid guest = compose(SampleCpuid.intelHost(), "host,-xsave");
        Set<CpuFeature> on = features(guest.table());
        for (CpuFeature gone : List.of(XSAVE, AVX, AVX2, FMA, F16C, AVX512F, AVX512DQ, AVX512CD, AVX512BW, AVX512VL,
                AVX512_VBMI, AVX512_VNNI, AVX512_BF16, VAES, VPCLMULQDQ, PKU, XSAVEOPT, XSAVEC, XGETBV1, XSAVES)) {
            assertFalse(on.contains(gone), gone + " must go with xsave");
        }
        assertTrue(on.containsAll(Set.of(SSE4_2, AES, PCLMULQDQ, GFNI, BMI2, SHA)), "unrelated features stay");
        assertTrue(guest.table().leaf(0xD).isEmpty(), "leaf 0xD is empty without XSAVE");
        assertTrue(guest.dropped().containsAll(List.of(AVX, AVX2, AVX512F, XSAVES)), guest.dropped().toString());
        assertEquals(compose(SampleCpuid.intelHost(), "host,xsave=off").table(), guest.table());
    }

    @Test
    void noAvx512KeepsXsaveButShrinksItsArea() {
        CpuidTable t = compose(SampleCpuid.intelHost(), "host,-avx512f,-pku").table();
        assertTrue(features(t).containsAll(Set.of(XSAVE, AVX, AVX2, XSAVES)));
        assertFalse(features(t).contains(AVX512VL));
        CpuidEntry main = t.find(0xD, 0).orElseThrow();
        assertEquals(0x7, main.eax(), "x87, SSE and AVX state only");
        assertEquals(576 + 256, main.ecx(), "legacy area, header and YMM_Hi128");
        assertEquals(List.of(0, 1, 2, 8), t.leaf(0xD).stream().map(CpuidEntry::index).toList(),
                "AVX-512 and PKRU subleaves gone, PT (supervisor) kept");
    }

    @Test
    void noXsavesDropsSupervisorState() {
        CpuidTable t = compose(SampleCpuid.intelHost(), "host,-xsaves").table();
        CpuidEntry variants = t.find(0xD, 1).orElseThrow();
        assertEquals(XSAVEOPT.mask() | XSAVEC.mask() | XGETBV1.mask(), variants.eax());
        assertEquals(0, variants.ecx(), "no IA32_XSS components");
        assertTrue(t.find(0xD, 8).isEmpty());
        assertEquals(0x2E7, t.find(0xD, 0).orElseThrow().eax(), "user components unchanged");
        assertEquals(0xA88, t.find(0xD, 0).orElseThrow().ecx());
    }

    @Test
    void askingForAFeatureWhosePrerequisiteIsOffIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compose(SampleCpuid.intelHost(), "host,+avx,-xsave"));
        assertEquals("-cpu host,+avx,-xsave: avx needs xsave, which is off", e.getMessage());
        IllegalArgumentException chain = assertThrows(IllegalArgumentException.class,
                () -> compose(SampleCpuid.intelHost(), "qemu64,+avx2"));
        assertEquals("-cpu qemu64,+avx2: avx2 needs avx, which is off", chain.getMessage());
        assertTrue(features(compose(SampleCpuid.intelHost(), "qemu64,+xsave,+avx,+avx2").table()).contains(AVX2));
    }

    @Test
    void aPrerequisiteTheHostLacksIsAWarningNotAnError() {
        GuestCpuid guest = compose(SampleCpuid.amdHost(), "qemu64,+ssse3");
        assertEquals(List.of(SSE3, SSSE3), guest.unavailable());
        assertFalse(features(guest.table()).contains(SSSE3));
    }

    @Test
    void kvmParavirtLeavesAreKvmsSignatureAndItsFeatures() {
        CpuidTable t = compose(SampleCpuid.intelHost(), "host").table();
        assertEquals(new CpuidEntry(0x4000_0000, 0, 0, 0x4000_0001, 0x4b4d564b, 0x564b4d56, 0x4d),
                t.find(0x4000_0000, 0).orElseThrow());
        assertEquals(new CpuidEntry(0x4000_0001, 0, 0, 0x01007efb, 0, 0, 0), t.find(0x4000_0001, 0).orElseThrow(),
                "every supported feature, and no KVM_HINTS_REALTIME");
    }

    @Test
    void leaf7ReachesSubleaf1WhenASubleaf1FeatureIsOn() {
        CpuidTable t = compose(SampleCpuid.intelHost(), "host").table();
        assertEquals(1, t.find(7, 0).orElseThrow().eax());
        assertEquals(AVX512_BF16.mask(), t.find(7, 1).orElseThrow().eax());
    }
}
