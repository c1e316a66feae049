package dev.jkvm.launcher.linux;

import dev.jkvm.core.machine.VmStop;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance checks under jkvm, which boots the Debian bzImage itself (the loader decompresses its payload
 * on the host), with the same CPU mask, command line and initramfs QEMU gets.
 */
class DebianKernelBootTest extends DebianKernelAcceptance {

    /** Present when /dev/kvm is kvm-pvm, whose emulator cannot run the kernel's int3 self-test at ring 0. */
    private static final Path KVM_PVM_MODULE = Path.of("/sys/module/kvm_pvm");
    /** int3, the instruction kvm-pvm's emulator stops at in the kernel's self-test. */
    private static final byte INT3 = (byte) 0xCC;
    /** Start of the x86-64 kernel text mapping (Documentation/arch/x86/x86_64/mm.rst). */
    private static final long KERNEL_TEXT_START = 0xFFFF_FFFF_8000_0000L;
    /** Room for the stop after "Memory:" (under QEMU the int3 comes about a minute of guest time later). */
    private static final Duration RUN_ON_LIMIT = BOOT_LIMIT.plusMinutes(5);

    @Override
    Vmm vmm() {
        return Vmm.Jkvm.fromTestClassPath();
    }

    @Override
    Path kernel() throws InterruptedException {
        return ProjectScripts.kernelImage();
    }

    /**
     * Past "Memory:" the kernel either stops at the int3 this host cannot emulate, and jkvm must then say so on
     * one line (vCPU, RIP, the instruction bytes KVM returned) and exit with status 2 rather than hang; or, on a
     * host whose KVM runs it, the kernel reaches the initramfs, whose /init powers off (status 0).
     */
    @Test
    void runsOnUntilTheEmulationFailureAndReportsIt() throws Exception {
        LinuxBoot boot = boot(MEMORY_MIB, LinuxBoot.Smp.cpus(2));
        ConsoleRun run;
        try (ConsoleProcess jkvm = ConsoleProcess.start(vmm().command(boot))) {
            run = jkvm.awaitExit(RUN_ON_LIMIT);
        }
        ConsoleOutcome.Exited exited = assertInstanceOf(ConsoleOutcome.Exited.class, run.outcome(),
                () -> "jkvm must end by itself after the boot stops\n" + run.describe());
        assertTrue(run.console().memory().isPresent(), () -> "the kernel did not get to \"Memory:\"\n" + run.describe());
        if (Files.isDirectory(KVM_PVM_MODULE)) {
            EmulationFailureReport report = EmulationFailureReport.find(run.stderr()).orElseThrow(() -> new AssertionError(
                    "kvm-pvm cannot emulate the kernel's int3 self-test, but jkvm reported no emulation failure\n"
                            + run.describe()));
            System.out.println(getClass().getSimpleName() + ": " + run.outcome().describe() + "; " + report.line());
            byte[] bytes = report.decodedBytes();
            assertAll(
                    () -> assertEquals(VmStop.Failure.EXIT_STATUS, exited.status(), run::describe),
                    () -> assertTrue(report.vcpu() >= 0 && report.vcpu() < boot.smp().cpus(), run::describe),
                    () -> assertTrue(Long.compareUnsigned(report.rip(), KERNEL_TEXT_START) >= 0,
                            () -> "RIP " + Long.toHexString(report.rip()) + " is not in kernel text\n" + run.describe()),
                    () -> assertTrue(bytes.length > 0 && bytes[0] == INT3,
                            () -> "the reported instruction is not int3 (0xcc)\n" + run.describe()),
                    () -> assertTrue(report.line().startsWith("jkvm: vcpu-"),
                            () -> "the report is not a line of its own in jkvm's error format\n" + run.describe()));
        } else {
            assertAll(
                    () -> assertTrue(run.console().initramfsInit().isPresent(), run::describe),
                    () -> assertEquals(0, exited.status(), run::describe));
        }
    }
}
