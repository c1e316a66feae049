package dev.jkvm.launcher.linux;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The acceptance checks pass on a real QEMU boot log and fail, naming the fact, where a VMM got it wrong. */
class BootChecksTest {

    /** The boot {@link Transcripts#QEMU_512M_2CPUS} comes from. */
    private static final LinuxBoot QEMU_BOOT = new LinuxBoot(Path.of("vmlinux"), Path.of("initrd"), 512,
            LinuxBoot.Smp.cpus(2), "qemu64,-cx16", Transcripts.QEMU_APPEND);

    private static ConsoleRun run(String transcript) {
        return new ConsoleRun(List.of("qemu-system-x86_64"), new ConsoleOutcome.Matched("Memory: ...",
                Duration.ofSeconds(36)), KernelConsole.parse(transcript), "");
    }

    private static BootChecks checks(String transcript, LinuxBoot boot) {
        return new BootChecks(run(transcript), boot);
    }

    @Test
    void aCorrectBootPassesEveryCheck() {
        BootChecks checks = checks(Transcripts.QEMU_512M_2CPUS, QEMU_BOOT);

        assertAll(checks.banner(), checks.commandLine(), checks.memoryMap(), checks.highMemory(),
                checks.ramdisk(Transcripts.QEMU_INITRD_BYTES), checks.acpiTables(), checks.allowedCpus(),
                checks.memoryLine(), checks.noPanic());
    }

    @Test
    void aDifferentCommandLineFails() {
        LinuxBoot other = new LinuxBoot(Path.of("vmlinux"), Path.of("initrd"), 512, LinuxBoot.Smp.cpus(2),
                "qemu64,-cx16", Transcripts.QEMU_APPEND + " quiet");

        AssertionError error = assertThrows(AssertionError.class, checks(Transcripts.QEMU_512M_2CPUS, other).commandLine());
        assertTrue(error.getMessage().contains("\"Command line:\" is not the -append string"), error.getMessage());
    }

    @Test
    void aMapOrMemoryLineThatDoesNotMatchMFails() {
        LinuxBoot gib = new LinuxBoot(Path.of("vmlinux"), Path.of("initrd"), 1024, LinuxBoot.Smp.cpus(2),
                "qemu64,-cx16", Transcripts.QEMU_APPEND);
        BootChecks checks = checks(Transcripts.QEMU_512M_2CPUS, gib);

        assertThrows(AssertionError.class, checks.memoryMap());
        assertThrows(AssertionError.class, checks.memoryLine());
    }

    @Test
    void ramInThePciHoleFails() {
        String transcript = """
                BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable
                BIOS-e820: [mem 0x00000000c0000000-0x00000000c00fffff] usable
                BIOS-e820: [mem 0x0000000100000000-0x000000013fefffff] usable
                NX (Execute Disable) protection: active
                """;
        LinuxBoot large = new LinuxBoot(Path.of("k"), Path.of("i"), 4096, LinuxBoot.Smp.cpus(1), "host", "");

        AssertionError error = assertThrows(AssertionError.class, checks(transcript, large).memoryMap());
        assertTrue(error.getMessage().contains("inside the PCI hole"), error.getMessage());
    }

    @Test
    void ramBeyondTheHoleMustResumeAtFourGib() {
        String missingHigh = """
                BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable
                NX (Execute Disable) protection: active
                """;
        String split = missingHigh.replace("NX", "BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable\nNX");
        LinuxBoot large = new LinuxBoot(Path.of("k"), Path.of("i"), 4096, LinuxBoot.Smp.cpus(1), "host", "");

        assertThrows(AssertionError.class, checks(missingHigh, large).highMemory());
        assertAll(checks(split, large).highMemory(), checks(split, large).memoryMap());
    }

    @Test
    void aRamdiskOfTheWrongSizeFails() {
        BootChecks checks = checks(Transcripts.QEMU_512M_2CPUS, QEMU_BOOT);

        assertThrows(AssertionError.class, checks.ramdisk(Transcripts.QEMU_INITRD_BYTES + BootChecks.PAGE_SIZE));
    }

    @Test
    void aMissingMadtFails() {
        String withoutMadt = Transcripts.QEMU_512M_2CPUS.lines().filter(line -> !line.contains("ACPI: APIC"))
                .reduce("", (text, line) -> text + line + "\n");

        AssertionError error = assertThrows(AssertionError.class, checks(withoutMadt, QEMU_BOOT).acpiTables());
        assertTrue(error.getMessage().contains("no MADT"), error.getMessage());
    }

    @Test
    void anotherCpuCountFails() {
        LinuxBoot four = new LinuxBoot(Path.of("vmlinux"), Path.of("initrd"), 512, LinuxBoot.Smp.sockets(2, 2),
                "qemu64,-cx16", Transcripts.QEMU_APPEND);

        assertThrows(AssertionError.class, checks(Transcripts.QEMU_512M_2CPUS, four).allowedCpus());
    }
}
