package dev.jkvm.core.machine;

import dev.jkvm.testos.TestOsImage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The test OS booted through the embedding API, checking what it prints and how it ends. */
class MachineBootTest {
    private static final Duration BOOT_LIMIT = Duration.ofSeconds(60);

    record Run(VmStop stop, String console) {}

    static MachineConfig.Builder config(String cmdline, long mib, int cpus, ByteArrayOutputStream console) {
        return MachineConfig.builder().memoryMiB(mib).cpus(cpus).cmdline(cmdline)
                .kernel(new Kernel("testos", TestOsImage.bytes())).console(console)
                .debugExit(MachineConfig.DebugExitPort.QEMU_TEST_DEFAULT);
    }

    static Run boot(String cmdline, long mib, int cpus) throws InterruptedException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Machine m = Machine.create(config(cmdline, mib, cpus, console).build())) {
            m.start();
            VmStop stop = m.awaitStop(BOOT_LIMIT).orElseGet(() -> fail("guest did not stop within " + BOOT_LIMIT
                    + "; console so far: " + console.toString(StandardCharsets.UTF_8)));
            return new Run(stop, console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
        }
    }

    @Test
    void demoPrintsItsBannerAndPowersOff() throws Exception {
        Run run = boot("", 128, 1);
        assertTrue(run.console().contains("jkvm test OS: 1 CPU(s), 128 MiB RAM\n"), run.console());
        assertEquals(new VmStop.GuestExit(0, "power-off"), run.stop());
    }

    @Test
    void demoSeesEveryCpuAndAllRam() throws Exception {
        Run run = boot("demo", 512, 2);
        assertTrue(run.console().contains("jkvm test OS: 2 CPU(s), 512 MiB RAM\n"), run.console());
        assertEquals(0, run.stop().exitStatus());
    }

    @Test
    void selftestPassesThroughIsaDebugExit() throws Exception {
        Run run = boot("test=selftest", 64, 1);
        assertTrue(run.console().contains("PASS selftest"), run.console());
        assertEquals(new VmStop.GuestExit(1, "isa-debug-exit"), run.stop(), run.console());
    }

    @Test
    void unclaimedPortsReadAllOnes() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Machine m = Machine.create(config("test=unclaimed", 64, 1, console).build())) {
            m.start();
            VmStop stop = m.awaitStop(BOOT_LIMIT).orElseThrow();
            String out = console.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("unclaimed: ff ffff ffffffff"), out);
            assertEquals(1, stop.exitStatus(), out);
            assertEquals(1, m.portIo().unclaimedCount(0x2F0));
            assertEquals(1, m.portIo().unclaimedCount(0x2F4));
        }
    }

    @Test
    void oneNamedPlatformThreadPerVcpuWhileRunning() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Machine m = Machine.create(config("bench=pio iters=0", 64, 4, console).build())) {
            m.start();
            Set<String> names = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("vcpu-")).filter(t -> !t.isVirtual())
                    .map(Thread::getName).collect(Collectors.toSet());
            assertEquals(Set.of("vcpu-0", "vcpu-1", "vcpu-2", "vcpu-3"), names);
            m.stop();
            assertInstanceOf(VmStop.HostRequest.class, m.awaitStop(Duration.ofSeconds(5)).orElseThrow());
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("vcpu-")),
                "vCPU threads joined by close()");
    }

    @Test
    void apsStartThroughInitSipiEachOnItsOwnNamedThread() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Machine m = Machine.create(config("test=smp", 128, 4, console).build())) {
            m.start();
            Set<String> names = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("vcpu-")).map(Thread::getName).collect(Collectors.toSet());
            VmStop stop = m.awaitStop(BOOT_LIMIT).orElseThrow();
            String out = console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
            assertEquals(Set.of("vcpu-0", "vcpu-1", "vcpu-2", "vcpu-3"), names, "threads while the guest runs");
            assertTrue(out.contains("AP 1 up\nAP 2 up\nAP 3 up\nSMP: 4 CPUs up\nPASS smp\n"), out);
            assertEquals(1, stop.exitStatus(), out);
        }
    }

    @Test
    void stopKicksAVcpuHaltedInTheKernel() throws Exception {
        // Without isa-debug-exit the selftest's exit write goes nowhere and the guest halts with interrupts off.
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Machine m = Machine.create(config("test=selftest", 64, 1, console).debugExit(null).build());
        try (m) {
            m.start();
            long deadline = System.nanoTime() + BOOT_LIMIT.toNanos();
            while (!console.toString(StandardCharsets.UTF_8).contains("selftest") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            assertTrue(m.stopReason().isEmpty(), "still running, halted: " + console);
            m.stop();
        }
        assertInstanceOf(VmStop.HostRequest.class, m.stopReason().orElseThrow());
    }

    @Test
    void emulationFailureStopsTheVmWithRipAndInstructionBytes() throws Exception {
        Run run = boot("test=exec-mmio", 64, 1);
        VmStop.Failure failure = assertInstanceOf(VmStop.Failure.class, run.stop(), run.console());
        assertTrue(failure.message().startsWith("vcpu-0: KVM could not emulate an instruction"), failure.message());
        assertTrue(failure.message().contains("RIP=00000000d0000000"), failure.message());
        assertEquals(2, failure.exitStatus());
    }
}
