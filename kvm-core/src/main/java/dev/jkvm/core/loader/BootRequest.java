package dev.jkvm.core.loader;

import dev.jkvm.core.x86.E820Entry;

import java.util.List;
import java.util.Objects;

/**
 * Everything a kernel loader needs besides guest RAM and the boot vCPU.
 *
 * @param kernelName  what errors call the kernel (its file name)
 * @param modules     the initrd (Linux and PVH take at most one) or the Multiboot modules, in order
 * @param rsdpAddress physical address of the ACPI RSDP, 0 when there are no ACPI tables
 * @param memoryMap   the e820 map the kernel is told about
 */
public record BootRequest(String kernelName, byte[] kernel, String cmdline, List<BootModule> modules,
                          long rsdpAddress, List<E820Entry> memoryMap) {
    public BootRequest {
        Objects.requireNonNull(kernelName, "kernelName");
        Objects.requireNonNull(kernel, "kernel");
        cmdline = cmdline == null ? "" : cmdline;
        modules = List.copyOf(modules);
        memoryMap = List.copyOf(memoryMap);
    }
}
