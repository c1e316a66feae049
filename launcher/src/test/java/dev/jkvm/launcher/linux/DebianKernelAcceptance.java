package dev.jkvm.launcher.linux;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertAll;

/**
 * The Debian cloud kernel's early boot log under a VMM: banner, the exact command line, an e820 map that matches
 * -m, the initrd, the ACPI tables with the MADT, the CPU count and the "Memory:" line. Each subclass supplies the
 * VMM and the kernel form it boots; the checks are the same for all, so QEMU proves them first.
 *
 * <p>On this project's hosts (kvm-pvm, /work/shared/HOST.md) guest ring-0 code runs under KVM's instruction
 * emulator: the kernel needs one to three minutes of wall time to reach "Memory:" (depending on what else runs
 * on the 2 CPUs), and later stops at an int3 it cannot emulate. So each test waits for the line it needs, then
 * kills the VM.
 */
abstract class DebianKernelAcceptance {

    /**
     * The CPU both QEMU and jkvm show the guest. This host's KVM cannot emulate cmpxchg16b or the xsave family
     * at ring 0, and QEMU cannot start "host" here at all unless arch-capabilities is off (it fails to set MSR
     * 0x10a); the same mask in both keeps the comparison fair.
     */
    static final String CPU = "host,-cx16,-xsave,-arch-capabilities";

    /**
     * The kernel command line: the console on COM1, noxsave as a second guard against xsave, and earlyprintk so
     * the log streams out as it is written (with console=ttyS0 alone, Linux holds every line back until the
     * serial driver starts, which on this host is after the int3 stop).
     */
    static final String APPEND = "console=ttyS0 noxsave earlyprintk=ttyS0";

    /** Generous: about 60 s to "Memory:" on an idle host, 100-160 s with other VMs on its 2 CPUs. */
    static final Duration BOOT_LIMIT = Duration.ofMinutes(10);

    /** The acceptance machine's RAM. */
    static final long MEMORY_MIB = 512;
    /** RAM that does not fit below the PCI hole on a machine that stops RAM at 3 GiB. */
    static final long LARGE_MEMORY_MIB = 3 * 1024;

    /** The VMM under test. */
    abstract Vmm vmm();

    /** The kernel file this VMM boots: the bzImage, or the vmlinux where the bzImage's decompressor is too slow. */
    abstract Path kernel() throws InterruptedException;

    /** A boot of the Debian kernel with the test initramfs, the {@link #CPU} mask and {@link #APPEND}. */
    LinuxBoot boot(long memoryMiB, LinuxBoot.Smp smp) throws InterruptedException {
        return new LinuxBoot(kernel(), ProjectScripts.initramfs(), memoryMiB, smp, CPU, APPEND);
    }

    /** Boots, waits until the console satisfies {@code until} (or the VMM ends, or the limit), then kills the VM. */
    ConsoleRun bootUntil(LinuxBoot boot, Predicate<KernelConsole> until) throws InterruptedException {
        try (ConsoleProcess vmm = ConsoleProcess.start(vmm().command(boot))) {
            ConsoleRun run = vmm.awaitConsole(until, BOOT_LIMIT);
            System.out.println(getClass().getSimpleName() + ": -m " + boot.memoryArgument() + " -smp "
                    + boot.smp().argument() + ": " + run.outcome().describe());
            return run;
        }
    }

    @Test
    void bootsToTheMemoryLineWithTheMachineItWasGiven() throws Exception {
        LinuxBoot boot = boot(MEMORY_MIB, LinuxBoot.Smp.cpus(2));
        ConsoleRun run = bootUntil(boot, console -> console.memory().isPresent());
        BootChecks.assertMatched(run, "\"Memory: ...K/...K available\"");
        BootChecks checks = new BootChecks(run, boot);
        assertAll(checks.banner(), checks.commandLine(), checks.memoryMap(), checks.ramdisk(Files.size(boot.initrd())),
                checks.acpiTables(), checks.allowedCpus(), checks.memoryLine(), checks.noPanic());
    }

    @Test
    void twoSocketsOfTwoCoresShowFourCpus() throws Exception {
        LinuxBoot boot = boot(MEMORY_MIB, LinuxBoot.Smp.sockets(2, 2));
        ConsoleRun run = bootUntil(boot, console -> console.allowedCpus().isPresent());
        BootChecks.assertMatched(run, "\"Allowing N CPUs\"");
        BootChecks checks = new BootChecks(run, boot);
        assertAll(checks.banner(), checks.commandLine(), checks.memoryMap(), checks.acpiTables(), checks.allowedCpus());
    }

    @Test
    void threeGibLeaveThePciHoleFree() throws Exception {
        LinuxBoot boot = boot(LARGE_MEMORY_MIB, LinuxBoot.Smp.cpus(2));
        ConsoleRun run = bootUntil(boot, KernelConsole::e820Complete);
        BootChecks.assertMatched(run, "a complete BIOS-e820 map");
        BootChecks checks = new BootChecks(run, boot);
        assertAll(checks.banner(), checks.commandLine(), checks.memoryMap(), checks.highMemory());
    }
}
