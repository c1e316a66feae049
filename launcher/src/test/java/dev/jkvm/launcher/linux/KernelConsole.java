package dev.jkvm.launcher.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facts a Linux kernel states about its machine in its early boot log, parsed from a serial console
 * transcript. The same parse serves every VMM (QEMU, jkvm), so the acceptance checks compare like with like.
 *
 * @param lines          the transcript, one entry per line, printk timestamps and CRs removed
 * @param version        the release from the banner ("Linux version 6.1.0-56-cloud-amd64 ..."), if printed
 * @param commandLine    what the kernel says it was given ("Command line: ..."), if printed
 * @param e820           the firmware memory map as the kernel printed it (its "BIOS-e820:" lines), in order
 * @param e820Complete   whether a line other than a map line followed the map, so no more entries can come
 * @param ramdisk        where the kernel found the initrd ("RAMDISK: [mem ...]"), if printed
 * @param acpiTables     every ACPI table the kernel listed ("ACPI: APIC 0x... 000080 ..."), in order
 * @param allowedCpus    the CPU count from "smpboot: Allowing N CPUs" (6.1) or "CPU topo: Allowing N present CPUs"
 *                       (6.9 and later), if printed
 * @param memory         the "Memory: …K/…K available" line, if printed
 * @param initramfsInit  the line the test initramfs's /init prints, if it ran
 */
record KernelConsole(List<String> lines, Optional<String> version, Optional<String> commandLine, List<E820Range> e820,
                     boolean e820Complete, Optional<Ramdisk> ramdisk, List<AcpiTable> acpiTables,
                     OptionalInt allowedCpus, Optional<MemoryLine> memory, Optional<String> initramfsInit) {

    /** The line start /init of scripts/build-initramfs prints ("jkvm-initramfs: /init ran on Linux ..."). */
    static final String INITRAMFS_MARKER = "jkvm-initramfs: /init ran";

    /** A printk timestamp ("[    0.000000] "), absent with printk.time=0. */
    private static final Pattern TIMESTAMP = Pattern.compile("^\\[\\s*\\d+\\.\\d+] ");
    /** init/version.c's banner; group 1 is the kernel release. */
    private static final Pattern BANNER = Pattern.compile("^Linux version (\\S+) ");
    /** arch/x86/kernel/setup.c: the boot command line as the boot loader passed it. */
    private static final Pattern COMMAND_LINE = Pattern.compile("^Command line: (.*)$");
    /** arch/x86/kernel/e820.c's map dump: inclusive range and type name. */
    private static final Pattern E820 = Pattern.compile("^BIOS-e820: \\[mem 0x(\\p{XDigit}+)-0x(\\p{XDigit}+)] (.+)$");
    /** arch/x86/kernel/setup.c: the initrd's place, inclusive, its end rounded up to a page. */
    private static final Pattern RAMDISK = Pattern.compile("^RAMDISK: \\[mem 0x(\\p{XDigit}+)-0x(\\p{XDigit}+)]");
    /** drivers/acpi/acpica/tbprint.c: signature, address and length of every table found. */
    private static final Pattern ACPI_TABLE = Pattern.compile("^ACPI: (\\S{4}) 0x(\\p{XDigit}+) (\\p{XDigit}+)");
    /** The possible-CPU count: "smpboot: Allowing 2 CPUs, 0 hotplug CPUs" or "CPU topo: Allowing 2 present CPUs". */
    private static final Pattern ALLOWING = Pattern.compile("Allowing (\\d+) (?:present )?CPUs");
    /** mm/mm_init.c: pages the buddy allocator got, of all present pages. */
    private static final Pattern MEMORY = Pattern.compile("^Memory: (\\d+)K/(\\d+)K available");

    KernelConsole {
        lines = List.copyOf(lines);
        e820 = List.copyOf(e820);
        acpiTables = List.copyOf(acpiTables);
    }

    /** One "BIOS-e820:" line: the range [start, end] (inclusive, as printed) and its type name. */
    record E820Range(long start, long end, String type) {
        /** The type name Linux gives E820_TYPE_RAM. */
        static final String USABLE = "usable";

        long size() {
            return end - start + 1;
        }

        boolean usable() {
            return type.equals(USABLE);
        }

        /** Whether any byte of this range lies in [from, to). */
        boolean overlaps(long from, long to) {
            return start < to && end >= from;
        }
    }

    /** The initrd's range [start, end] (inclusive) as the kernel reserved it. */
    record Ramdisk(long start, long end) {
        long size() {
            return end - start + 1;
        }
    }

    /** One ACPI table the kernel found: its signature ("APIC" is the MADT), guest-physical address and length. */
    record AcpiTable(String signature, long address, int length) {
    }

    /** "Memory: 219836K/523768K available (...)": free pages handed to the page allocator, of all present. */
    record MemoryLine(long availableKiB, long totalKiB, String line) {
    }

    /** Parses a transcript as received (CR LF or LF line ends). */
    static KernelConsole parse(String transcript) {
        return parse(transcript.lines().toList());
    }

    /** Parses transcript lines; CRs and printk timestamps are removed first. */
    static KernelConsole parse(List<String> rawLines) {
        List<String> lines = new ArrayList<>(rawLines.size());
        Optional<String> version = Optional.empty();
        Optional<String> commandLine = Optional.empty();
        List<E820Range> e820 = new ArrayList<>();
        boolean e820Complete = false;
        Optional<Ramdisk> ramdisk = Optional.empty();
        List<AcpiTable> acpiTables = new ArrayList<>();
        OptionalInt allowedCpus = OptionalInt.empty();
        Optional<MemoryLine> memory = Optional.empty();
        Optional<String> initramfsInit = Optional.empty();
        for (String raw : rawLines) {
            String line = TIMESTAMP.matcher(raw.replace("\r", "")).replaceFirst("");
            lines.add(line);
            Matcher m;
            if ((m = E820.matcher(line)).find()) {
                // Only the first block counts, should a console replay the log.
                if (e820Complete) {
                    continue;
                }
                e820.add(new E820Range(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16),
                        m.group(3)));
                continue;
            }
            // The map is printed as one block: any other line after it ends it.
            e820Complete |= !e820.isEmpty();
            if (version.isEmpty() && (m = BANNER.matcher(line)).find()) {
                version = Optional.of(m.group(1));
            } else if (commandLine.isEmpty() && (m = COMMAND_LINE.matcher(line)).find()) {
                commandLine = Optional.of(m.group(1));
            } else if (ramdisk.isEmpty() && (m = RAMDISK.matcher(line)).find()) {
                ramdisk = Optional.of(new Ramdisk(Long.parseUnsignedLong(m.group(1), 16),
                        Long.parseUnsignedLong(m.group(2), 16)));
            } else if ((m = ACPI_TABLE.matcher(line)).find()) {
                acpiTables.add(new AcpiTable(m.group(1), Long.parseUnsignedLong(m.group(2), 16),
                        Integer.parseInt(m.group(3), 16)));
            } else if (allowedCpus.isEmpty() && (m = ALLOWING.matcher(line)).find()) {
                allowedCpus = OptionalInt.of(Integer.parseInt(m.group(1)));
            } else if (memory.isEmpty() && (m = MEMORY.matcher(line)).find()) {
                memory = Optional.of(new MemoryLine(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), line));
            } else if (initramfsInit.isEmpty() && line.startsWith(INITRAMFS_MARKER)) {
                initramfsInit = Optional.of(line);
            }
        }
        return new KernelConsole(lines, version, commandLine, e820, e820Complete, ramdisk, acpiTables, allowedCpus,
                memory, initramfsInit);
    }

    /** Bytes of type "usable" in the map. */
    long usableBytes() {
        return e820.stream().filter(E820Range::usable).mapToLong(E820Range::size).sum();
    }

    /** The signatures of the ACPI tables listed, in order. */
    List<String> acpiSignatures() {
        return acpiTables.stream().map(AcpiTable::signature).toList();
    }

    /** The transcript as one text, for assertion messages. */
    String text() {
        return String.join("\n", lines);
    }
}
