package dev.jkvm.launcher.linux;

import dev.jkvm.launcher.linux.KernelConsole.AcpiTable;
import dev.jkvm.launcher.linux.KernelConsole.E820Range;
import dev.jkvm.launcher.linux.KernelConsole.Ramdisk;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelConsoleTest {

    @Test
    void readsEveryFactOfARealQemuBoot() {
        KernelConsole console = KernelConsole.parse(Transcripts.QEMU_512M_2CPUS);

        assertEquals(Optional.of("6.1.0-56-cloud-amd64"), console.version());
        assertEquals(Optional.of(Transcripts.QEMU_APPEND), console.commandLine());
        assertEquals(List.of(
                new E820Range(0x0L, 0x9fbffL, "usable"),
                new E820Range(0x9fc00L, 0xfffffL, "reserved"),
                new E820Range(0x100000L, 0x1ffdffffL, "usable"),
                new E820Range(0x1ffe0000L, 0x1fffffffL, "reserved"),
                new E820Range(0xfeffc000L, 0xfeffffffL, "reserved"),
                new E820Range(0xfffc0000L, 0xffffffffL, "reserved"),
                new E820Range(0xfd00000000L, 0xffffffffffL, "reserved")), console.e820());
        assertTrue(console.e820Complete());
        assertEquals(0x9fc00L + 0x1ffe0000L - 0x100000L, console.usableBytes());
        assertEquals(Optional.of(new Ramdisk(0x1fedc000L, 0x1ffd7fffL)), console.ramdisk());
        assertEquals(List.of("RSDP", "RSDT", "FACP", "DSDT", "FACS", "APIC", "HPET", "WAET"), console.acpiSignatures());
        assertEquals(new AcpiTable("APIC", 0x1FFE19F8L, 0x80), console.acpiTables().get(5));
        assertEquals(OptionalInt.of(2), console.allowedCpus());
        assertEquals(219836, console.memory().orElseThrow().availableKiB());
        assertEquals(523768, console.memory().orElseThrow().totalKiB());
        assertEquals(Optional.empty(), console.initramfsInit());
    }

    @Test
    void stripsTimestampsAndCarriageReturns() {
        KernelConsole console = KernelConsole.parse(Transcripts.QEMU_512M_2CPUS);

        assertEquals("Command line: console=ttyS0 noxsave", console.lines().get(1));
        assertTrue(console.lines().stream().noneMatch(line -> line.contains("\r") || line.startsWith("[")));
    }

    @Test
    void aPrefixOfTheLogHasOnlyTheFactsPrintedSoFar() {
        List<String> lines = Transcripts.QEMU_512M_2CPUS.lines().toList();
        KernelConsole inMap = KernelConsole.parse(lines.subList(0, 5));
        KernelConsole afterMap = KernelConsole.parse(lines.subList(0, 11));

        assertEquals(2, inMap.e820().size());
        assertFalse(inMap.e820Complete(), "more map lines may follow");
        assertTrue(afterMap.e820Complete());
        assertEquals(Optional.empty(), afterMap.ramdisk());
        assertEquals(OptionalInt.empty(), afterMap.allowedCpus());
        assertEquals(Optional.empty(), afterMap.memory());
    }

    @Test
    void theKernelCommandLineLaterInTheLogIsNotTheBootCommandLine() {
        KernelConsole console = KernelConsole.parse("""
                [    0.000000] Kernel command line: something else
                [    0.000000] Command line: console=ttyS0
                """);

        assertEquals(Optional.of("console=ttyS0"), console.commandLine());
    }

    @Test
    void readsTheLogWithoutTimestampsAndTheNewerCpuCountForm() {
        KernelConsole console = KernelConsole.parse("""
                Linux version 6.12.117+deb12-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP
                CPU topo: Allowing 4 present CPUs plus 0 hotplug CPUs
                jkvm-initramfs: /init ran on Linux 6.12.117+deb12-cloud-amd64 with 4 CPUs
                """);

        assertEquals(Optional.of("6.12.117+deb12-cloud-amd64"), console.version());
        assertEquals(OptionalInt.of(4), console.allowedCpus());
        assertEquals(Optional.of("jkvm-initramfs: /init ran on Linux 6.12.117+deb12-cloud-amd64 with 4 CPUs"),
                console.initramfsInit());
    }

    @Test
    void aReplayedMapCountsOnce() {
        String map = "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n";
        KernelConsole console = KernelConsole.parse(map + "printk: console [ttyS0] enabled\n" + map);

        assertEquals(1, console.e820().size());
    }

    @Test
    void findsRamAboveFourGib() {
        KernelConsole console = KernelConsole.parse("""
                BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable
                BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable
                NX (Execute Disable) protection: active
                """);

        E820Range high = console.e820().get(1);
        assertEquals(0x4000_0000L, high.size());
        assertFalse(high.overlaps(0xC000_0000L, 0x1_0000_0000L));
        assertTrue(console.e820().getFirst().overlaps(0xBFFF_F000L, 0xC000_0000L));
    }
}
