package dev.jkvm.launcher.linux;

import dev.jkvm.testos.Accelerator;
import dev.jkvm.testos.Qemu;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance checks under QEMU with KVM, the reference every jkvm result is held to. QEMU boots the vmlinux
 * the fetch script decompresses, because the bzImage's own decompressor runs at ring 0 and would take many
 * minutes on this host.
 */
class DebianKernelUnderQemuTest extends DebianKernelAcceptance {

    /** QEMU's binary translator has no KVM limits: the CPU it models best (cx16 and all). */
    private static final String TCG_CPU = "qemu64";
    /** Under TCG the whole boot to /init and power-off takes about 20 s here. */
    private static final Duration TCG_LIMIT = Duration.ofMinutes(5);

    @Override
    Vmm vmm() {
        return new Vmm.Qemu(Qemu.require(), Accelerator.KVM);
    }

    @Override
    Path kernel() throws InterruptedException {
        return ProjectScripts.kernelElf();
    }

    /**
     * The part of the boot this host's KVM cannot reach: under QEMU's TCG the kernel unpacks the initramfs, runs
     * its /init, which prints the marker line and powers off through ACPI, and QEMU exits with status 0. This
     * proves the initramfs (and the harness's reading of a whole boot) on a host where no KVM boot gets that far.
     */
    @Test
    void initramfsInitRunsAndPowersOffUnderTcg() throws Exception {
        LinuxBoot boot = new LinuxBoot(kernel(), ProjectScripts.initramfs(), MEMORY_MIB, LinuxBoot.Smp.cpus(2),
                TCG_CPU, APPEND);
        ConsoleRun run;
        try (ConsoleProcess qemu = ConsoleProcess.start(new Vmm.Qemu(Qemu.require(), Accelerator.TCG).command(boot))) {
            run = qemu.awaitExit(TCG_LIMIT);
        }
        ConsoleOutcome.Exited exited = assertInstanceOf(ConsoleOutcome.Exited.class, run.outcome(), run::describe);
        KernelConsole console = run.console();
        BootChecks checks = new BootChecks(run, boot);
        assertAll(checks.banner(), checks.commandLine(), checks.memoryMap(), checks.ramdisk(Files.size(boot.initrd())),
                checks.acpiTables(), checks.allowedCpus(), checks.memoryLine(), checks.noPanic(),
                () -> assertEquals("jkvm-initramfs: /init ran on Linux " + console.version().orElse("?") + " with 2 CPUs",
                        console.initramfsInit().orElse(null), run::describe),
                () -> assertEquals(0, exited.status(), run::describe),
                () -> assertTrue(console.lines().getLast().contains("reboot: Power down"), run::describe));
    }
}
