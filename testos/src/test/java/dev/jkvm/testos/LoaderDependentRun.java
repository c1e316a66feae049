package dev.jkvm.testos;

import java.nio.file.Path;
import java.util.List;

/**
 * The test OS modes whose output depends on what the loader passes (memory map, command line, RSDP) and on the
 * machine's tables, with the console and ending QEMU's pc machine gives. Both images must produce exactly these, so
 * the PVH and the Multiboot tests take them from here, and a VMM's loader can be held to the same lines.
 */
enum LoaderDependentRun {
    BANNER("", 128, 1, TestOsExit.POWER_OFF, "jkvm test OS: 1 CPU(s), 128 MiB RAM"),
    BANNER_TWO_CPUS_512_MIB("demo", 512, 2, TestOsExit.POWER_OFF, "jkvm test OS: 2 CPU(s), 512 MiB RAM"),
    SELFTEST("test=selftest", 128, 1, TestOsExit.PASS, "PASS selftest"),
    MADT("test=madt", 128, 4, TestOsExit.PASS, "MADT: 4 CPUs, APIC IDs 0 1 2 3",
            "MADT: local APIC fee00000, I/O APIC fec00000, GSI base 0", "PASS madt"),
    SMP("test=smp", 128, 4, TestOsExit.PASS, "AP 1 up", "AP 2 up", "AP 3 up", "SMP: 4 CPUs up", "PASS smp"),
    FWCFG("test=fwcfg", 128, 2, TestOsExit.PASS, "fw_cfg: signature QEMU, dma yes, cpus 2, ram 128 MiB, etc/e820 ok",
            "PASS fwcfg");

    private final String cmdline;
    private final int memoryMiB;
    private final int cpus;
    private final TestOsExit exit;
    private final List<String> lines;

    LoaderDependentRun(String cmdline, int memoryMiB, int cpus, TestOsExit exit, String... lines) {
        this.cmdline = cmdline;
        this.memoryMiB = memoryMiB;
        this.cpus = cpus;
        this.exit = exit;
        this.lines = List.of(lines);
    }

    /** QEMU options for booting {@code kernel} in this mode. */
    QemuOptions options(Path kernel) {
        return QemuOptions.of(kernel, cmdline).withMemoryMiB(memoryMiB).withCpus(cpus);
    }

    TestOsExit exit() {
        return exit;
    }

    /** The whole serial output, line by line. */
    List<String> lines() {
        return lines;
    }
}
