package dev.jkvm.launcher.linux;

import dev.jkvm.launcher.linux.KernelConsole.E820Range;
import dev.jkvm.launcher.linux.KernelConsole.MemoryLine;
import dev.jkvm.launcher.linux.KernelConsole.Ramdisk;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a correct VMM's boot of {@link LinuxBoot} makes Linux print, checked against a {@link KernelConsole}. Each
 * check is an {@link Executable} for {@code assertAll}, and every message carries the whole run.
 */
final class BootChecks {

    /** Firmware may keep up to this much below -m for itself (QEMU/SeaBIOS: 385 KiB of low memory plus 128 KiB). */
    static final long FIRMWARE_RESERVE_TOLERANCE = 2L << 20;
    /** The 32-bit PCI hole RAM must leave free: [3 GiB, 4 GiB) (QEMU's i440fx, jkvm's GuestMemory). */
    static final long PCI_HOLE_START = 0xC000_0000L;
    /** End of the 32-bit PCI hole; RAM above 3 GiB continues here. */
    static final long PCI_HOLE_END = 0x1_0000_0000L;
    /** Linux reserves the initrd in whole pages. */
    static final long PAGE_SIZE = 4096;
    /** Bytes in a KiB, the unit of the "Memory:" line. */
    private static final long KIB = 1024;
    /** The MADT's signature. */
    static final String MADT = "APIC";
    /** Tables any ACPI machine has besides the MADT: root pointer, fixed description (FADT) and the DSDT. */
    static final List<String> BASE_ACPI_TABLES = List.of("RSDP", "FACP", "DSDT");
    /** Root tables: a machine has one or both. */
    static final List<String> ROOT_TABLES = List.of("RSDT", "XSDT");

    private final ConsoleRun run;
    private final KernelConsole console;
    private final LinuxBoot boot;

    BootChecks(ConsoleRun run, LinuxBoot boot) {
        this.run = run;
        this.console = run.console();
        this.boot = boot;
    }

    private Supplier<String> context(String what) {
        return () -> what + "\n" + run.describe();
    }

    /** "Linux version ..." was printed. */
    Executable banner() {
        return () -> assertTrue(console.version().isPresent(), context("no \"Linux version\" banner"));
    }

    /** "Command line:" is exactly what the VMM was given with -append. */
    Executable commandLine() {
        return () -> assertEquals(boot.append(), console.commandLine().orElse(null),
                context("the kernel's \"Command line:\" is not the -append string"));
    }

    /**
     * The e820 map matches -m: usable RAM adds up to the configured size less at most the firmware's share, and no
     * usable range lies in the PCI hole.
     */
    Executable memoryMap() {
        return () -> {
            assertTrue(console.e820Complete(), context("no complete BIOS-e820 map"));
            long usable = console.usableBytes();
            assertTrue(usable <= boot.memoryBytes() && usable > boot.memoryBytes() - FIRMWARE_RESERVE_TOLERANCE,
                    context("usable RAM in the e820 map is " + usable + " bytes; -m " + boot.memoryArgument()
                            + " is " + boot.memoryBytes() + " (at most " + FIRMWARE_RESERVE_TOLERANCE
                            + " less allowed)"));
            List<E820Range> inHole = console.e820().stream()
                    .filter(r -> r.usable() && r.overlaps(PCI_HOLE_START, PCI_HOLE_END)).toList();
            assertTrue(inHole.isEmpty(), context("usable RAM inside the PCI hole [0xc0000000, 0x100000000): " + inHole));
        };
    }

    /**
     * The map places RAM beyond 3 GiB above 4 GiB: with more RAM than fits below the hole, a usable range starts
     * at 4 GiB; the usable RAM below 4 GiB ends by 3 GiB (checked by {@link #memoryMap()}).
     */
    Executable highMemory() {
        return () -> {
            long below = console.e820().stream().filter(E820Range::usable)
                    .filter(r -> r.end() < PCI_HOLE_END).mapToLong(E820Range::size).sum();
            long above = console.e820().stream().filter(E820Range::usable)
                    .filter(r -> r.start() >= PCI_HOLE_END).mapToLong(E820Range::size).sum();
            assertTrue(below > 0, context("no usable RAM below 4 GiB"));
            if (boot.memoryBytes() > PCI_HOLE_START) {
                assertTrue(console.e820().stream().anyMatch(r -> r.usable() && r.start() == PCI_HOLE_END),
                        context("-m " + boot.memoryArgument() + " does not fit below the PCI hole, but no usable"
                                + " range starts at 0x100000000"));
            }
            assertEquals(console.usableBytes(), below + above, context("usable RAM straddles 4 GiB"));
        };
    }

    /** "RAMDISK: [mem a-b]" covers the -initrd file, page-aligned, inside usable RAM. */
    Executable ramdisk(long initrdBytes) {
        return () -> {
            Ramdisk ramdisk = console.ramdisk().orElseThrow(() -> new AssertionError(context("no RAMDISK line").get()));
            long expected = (initrdBytes + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
            assertEquals(0, ramdisk.start() % PAGE_SIZE, context("the initrd does not start on a page boundary"));
            assertEquals(expected, ramdisk.size(),
                    context("RAMDISK size; the -initrd file has " + initrdBytes + " bytes"));
            assertTrue(console.e820().stream().anyMatch(r -> r.usable() && r.start() <= ramdisk.start()
                            && ramdisk.end() <= r.end()),
                    context("the initrd " + ramdisk + " lies outside every usable e820 range"));
        };
    }

    /** The ACPI tables include the root pointer, a root table, the FADT, the DSDT and the MADT ("APIC"). */
    Executable acpiTables() {
        return () -> {
            List<String> seen = console.acpiSignatures();
            for (String table : BASE_ACPI_TABLES) {
                assertTrue(seen.contains(table), context("ACPI table " + table + " not listed; saw " + seen));
            }
            assertTrue(ROOT_TABLES.stream().anyMatch(seen::contains), context("no RSDT or XSDT listed; saw " + seen));
            assertTrue(seen.contains(MADT), context("no MADT (\"ACPI: APIC\") listed; saw " + seen));
        };
    }

    /** "Allowing N CPUs" names the -smp count. */
    Executable allowedCpus() {
        return () -> assertEquals(OptionalInt.of(boot.smp().cpus()), console.allowedCpus(),
                context("\"Allowing N CPUs\" for -smp " + boot.smp().argument()));
    }

    /** "Memory: A K/T K available": T matches -m like the e820 map, A is positive and at most T. */
    Executable memoryLine() {
        return () -> {
            MemoryLine memory = console.memory()
                    .orElseThrow(() -> new AssertionError(context("no \"Memory: ...K/...K available\" line").get()));
            long totalBytes = memory.totalKiB() * KIB;
            assertTrue(totalBytes <= boot.memoryBytes() && totalBytes > boot.memoryBytes() - FIRMWARE_RESERVE_TOLERANCE,
                    context("\"Memory:\" total " + memory.totalKiB() + "K does not match -m " + boot.memoryArgument()));
            assertTrue(totalBytes <= console.usableBytes(),
                    context("\"Memory:\" total exceeds the usable RAM of the e820 map (" + console.usableBytes() + ")"));
            assertTrue(memory.availableKiB() > 0 && memory.availableKiB() <= memory.totalKiB(),
                    context("\"Memory:\" available " + memory.availableKiB() + "K of " + memory.totalKiB() + "K"));
        };
    }

    /** Nothing after the waited-for line said the kernel panicked. */
    Executable noPanic() {
        return () -> assertFalse(console.lines().stream().anyMatch(line -> line.startsWith("Kernel panic")),
                context("the kernel panicked"));
    }

    /** Fails with the whole run unless waiting ended at the wanted line. */
    static void assertMatched(ConsoleRun run, String wanted) {
        if (!(run.outcome() instanceof ConsoleOutcome.Matched)) {
            fail("the console never showed " + wanted + "\n" + run.describe());
        }
    }
}
