package dev.jkvm.core.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.core.Kvm;
import dev.jkvm.core.Vcpu;
import dev.jkvm.core.Vm;
import dev.jkvm.core.VmmException;
import dev.jkvm.core.x86.CpuidEntry;
import dev.jkvm.core.x86.cpu.BootMsrs;
import dev.jkvm.core.x86.cpu.CpuFeature;
import dev.jkvm.core.x86.cpu.CpuSignature;
import dev.jkvm.core.x86.cpu.CpuVendor;
import dev.jkvm.core.x86.cpu.CpuidRegister;
import dev.jkvm.core.x86.cpu.CpuidTable;
import dev.jkvm.core.x86.cpu.FeatureWords;
import dev.jkvm.core.x86.cpu.LocalApic;
import dev.jkvm.core.x86.cpu.Msr;
import dev.jkvm.core.x86.cpu.Msrs;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.kvm.KvmCpuid2;
import dev.jkvm.headers.kvm.KvmIoctls;
import dev.jkvm.testos.TestOsImage;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** CPUID, MSRs and LAPIC as KVM holds them after Machine.create, read back through KVM's own ioctls. */
class CpuSetupTest {
    /** Room for the CPUID table KVM_GET_CPUID2 returns. */
    private static final int CPUID_CAPACITY = 256;
    private static final Duration BOOT_LIMIT = Duration.ofSeconds(60);
    /** An MSR index in the hypervisor range that KVM does not implement. */
    private static final int UNKNOWN_MSR = 0x4000_1234;

    private static MachineConfig.Builder config(int cpus, Topology topology, String cpuModel) {
        return MachineConfig.builder().memoryMiB(64).cpus(cpus).topology(topology).cpuModel(cpuModel)
                .kernel(new Kernel("testos", TestOsImage.bytes())).console(new ByteArrayOutputStream());
    }

    /** KVM_GET_CPUID2: the table KVM holds for the vCPU. */
    private static CpuidTable cpuidOf(Vcpu vcpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpuid = KvmCpuid2.allocate(arena, CPUID_CAPACITY);
            Libc.ioctl(vcpu.fd(), KvmIoctls.KVM_GET_CPUID2, cpuid);
            return new CpuidTable(CpuidEntry.read(cpuid));
        }
    }

    private static CpuidEntry leaf(CpuidTable t, int function, int index) {
        return t.find(function, index).orElseThrow(() -> new AssertionError(
                String.format("KVM holds no CPUID leaf 0x%x.%d", function, index)));
    }

    @Test
    void everyVcpuSeesItsApicIdForTwoSocketsOfTwoCores() {
        MachineConfig c = config(4, new Topology(2, 2, 1), "host").build();
        assertEquals(List.of(0, 1, 2, 3), CpuSetup.vcpuIds(c));
        try (Machine m = Machine.create(c)) {
            for (Vcpu vcpu : m.vcpus()) {
                CpuidTable t = cpuidOf(vcpu);
                int id = vcpu.id();
                assertEquals(id, leaf(t, 1, 0).ebx() >>> 24, "CPUID.1:EBX APIC ID of vcpu-" + id);
                assertEquals(id, leaf(t, 0xB, 0).edx(), "x2APIC ID in 0xB");
                assertEquals(1, leaf(t, 0xB, 1).eax(), "core-level shift: 2 cores take one bit");
                assertEquals(2, leaf(t, 0xB, 1).ebx() & 0xFFFF, "2 logical processors per package");
                assertEquals(id, LocalApic.read(vcpu).register(LocalApic.APIC_ID) >>> 24, "LAPIC ID of vcpu-" + id);
                assertTrue(FeatureWords.of(t).has(CpuFeature.HYPERVISOR));
                assertEquals(new CpuidEntry(0x4000_0000, 0, 0, 0x4000_0001, 0x4b4d564b, 0x564b4d56, 0x4d),
                        leaf(t, 0x4000_0000, 0));
            }
        }
    }

    @Test
    void vcpuIdsFollowQemusApicIdsWithGaps() {
        assertEquals(List.of(0, 1, 2, 4, 5, 6), CpuSetup.vcpuIds(config(6, new Topology(2, 3, 1), "host").build()));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7),
                CpuSetup.vcpuIds(config(8, new Topology(2, 2, 2), "host").build()));
    }

    @Test
    void bootMsrsReadBackOnEveryVcpu() {
        Set<Integer> listed;
        try (Kvm kvm = Kvm.open()) {
            listed = kvm.msrIndexList();
        }
        assertTrue(listed.contains(BootMsrs.IA32_LSTAR) && listed.contains(BootMsrs.IA32_MISC_ENABLE),
                "KVM_GET_MSR_INDEX_LIST lists the SYSCALL MSRs and IA32_MISC_ENABLE: " + listed.size() + " MSRs");
        List<Integer> indices = List.of(BootMsrs.IA32_SYSENTER_CS, BootMsrs.IA32_SYSENTER_ESP,
                BootMsrs.IA32_SYSENTER_EIP, BootMsrs.IA32_STAR, BootMsrs.IA32_LSTAR, BootMsrs.IA32_CSTAR,
                BootMsrs.IA32_FMASK, BootMsrs.IA32_KERNEL_GS_BASE, BootMsrs.IA32_MISC_ENABLE,
                BootMsrs.IA32_MTRR_DEF_TYPE);
        try (Machine m = Machine.create(config(2, Topology.cores(2), "host").build())) {
            for (Vcpu vcpu : m.vcpus()) {
                assertEquals(List.of(new Msr(BootMsrs.IA32_SYSENTER_CS, 0), new Msr(BootMsrs.IA32_SYSENTER_ESP, 0),
                                new Msr(BootMsrs.IA32_SYSENTER_EIP, 0), new Msr(BootMsrs.IA32_STAR, 0),
                                new Msr(BootMsrs.IA32_LSTAR, 0), new Msr(BootMsrs.IA32_CSTAR, 0),
                                new Msr(BootMsrs.IA32_FMASK, 0), new Msr(BootMsrs.IA32_KERNEL_GS_BASE, 0),
                                // MTRRdefType is 0 on a new vCPU here (measured): 0x806 is jkvm's write.
                                new Msr(BootMsrs.IA32_MISC_ENABLE, BootMsrs.MISC_ENABLE_FAST_STRING),
                                new Msr(BootMsrs.IA32_MTRR_DEF_TYPE, 0x806)),
                        Msrs.read(vcpu, indices), "vcpu-" + vcpu.id());
            }
        }
    }

    @Test
    void msrsWrittenAreReadBackAndARefusedOneIsNamed() {
        try (Kvm kvm = Kvm.open(); Vm vm = kvm.createVm()) {
            vm.createIrqchip();
            try (Vcpu vcpu = vm.createVcpu(0)) {
                List<Msr> written = List.of(new Msr(BootMsrs.IA32_LSTAR, 0xFFFF_FFFF_8100_0000L),
                        new Msr(BootMsrs.IA32_SYSENTER_CS, 0x10));
                Msrs.write(vcpu, written);
                assertEquals(written, Msrs.read(vcpu, List.of(BootMsrs.IA32_LSTAR, BootMsrs.IA32_SYSENTER_CS)));
                VmmException refused = assertThrows(VmmException.class, () -> Msrs.write(vcpu,
                        List.of(new Msr(BootMsrs.IA32_STAR, 0), new Msr(UNKNOWN_MSR, 1))));
                assertEquals("vcpu-0: KVM_SET_MSRS wrote 1 of 2 MSRs; KVM refused MSR 0x40001234 = 0x1",
                        refused.getMessage());
            }
        }
    }

    @Test
    void lint0IsExtIntAndLint1IsNmiOnEveryVcpuUnmaskedOnTheBsp() {
        try (Machine m = Machine.create(config(3, Topology.cores(3), "host").build())) {
            LocalApic.State bsp = LocalApic.read(m.vcpus().get(0));
            assertEquals(0x700, bsp.register(LocalApic.LVT_LINT0), "BSP LINT0: ExtINT, unmasked");
            assertEquals(0x400, bsp.register(LocalApic.LVT_LINT1), "BSP LINT1: NMI, unmasked");
            for (Vcpu ap : m.vcpus().subList(1, 3)) {
                LocalApic.State state = LocalApic.read(ap);
                assertEquals(0x10700, state.register(LocalApic.LVT_LINT0), "AP LINT0: ExtINT, masked");
                assertEquals(0x10400, state.register(LocalApic.LVT_LINT1), "AP LINT1: NMI, masked");
            }
        }
    }

    @Test
    void qemu64IsWhatKvmHoldsForTheVcpu() {
        try (Machine m = Machine.create(config(1, Topology.cores(1), "qemu64,-cx16").build())) {
            CpuidTable t = cpuidOf(m.vcpus().getFirst());
            assertEquals(CpuVendor.AMD, t.vendor());
            assertEquals(new CpuSignature(15, 107, 1), CpuSignature.decode(leaf(t, 1, 0).eax()));
            FeatureWords words = FeatureWords.of(t);
            assertFalse(words.has(CpuFeature.CX16));
            assertTrue(words.has(CpuFeature.LM) && words.has(CpuFeature.X2APIC) && words.has(CpuFeature.HYPERVISOR));
            assertFalse(words.has(CpuFeature.SVM), "svm is off in qemu64 under KVM");
            assertEquals(0xD, t.maxBasicLeaf());
            assertEquals(0x8000_000A, t.register(0x8000_0000, 0, CpuidRegister.EAX));
        }
    }

    @Test
    void anUnknownCpuModelFailsCreateInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Machine.create(config(1, Topology.cores(1), "qemu65").build()));
        assertEquals("-cpu qemu65: unknown CPU model (jkvm has: host, max, qemu64)", e.getMessage());
    }

    @Test
    void theTestOsCountsItsCpusUnderQemu64AndWithoutXsave() throws Exception {
        assertTrue(boot("qemu64,-cx16", 2).contains("jkvm test OS: 2 CPU(s), 64 MiB RAM"));
        assertTrue(boot("host,-xsave", 1).contains("jkvm test OS: 1 CPU(s), 64 MiB RAM"));
    }

    private static String boot(String cpuModel, int cpus) throws InterruptedException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Machine m = Machine.create(config(cpus, Topology.cores(cpus), cpuModel).console(console).build())) {
            m.start();
            VmStop stop = m.awaitStop(BOOT_LIMIT).orElseThrow(() -> new AssertionError(
                    "-cpu " + cpuModel + ": guest did not stop within " + BOOT_LIMIT + "; console: " + console));
            String out = console.toString(StandardCharsets.UTF_8);
            assertEquals(new VmStop.GuestExit(0, "power-off"), stop, out);
            return out;
        }
    }
}
