package dev.jkvm.core.machine;

import dev.jkvm.core.loader.BootModule;
import dev.jkvm.core.loader.BootRequest;
import dev.jkvm.core.loader.KernelLoader;
import dev.jkvm.core.loader.LoadedKernel;
import dev.jkvm.core.x86.E820Entry;

import java.util.List;

/** Loads the configured kernel (bzImage, ELF or Multiboot) and its initrd, and puts the boot vCPU at its entry. */
final class KernelBoot {
    private KernelBoot() {
    }

    /**
     * Bridge for Machine's call from before ACPI tables existed; the lead removes it when Machine passes the RSDP.
     */
    /** {@code rsdpAddress}: where the ACPI RSDP is, for the kernel's boot data; 0 when there is none. */
    static LoadedKernel load(PlatformContext pc, long rsdpAddress) {
        Kernel kernel = pc.config().kernel();
        Initrd initrd = pc.config().initrd();
        List<BootModule> modules = initrd == null ? List.of() : List.of(BootModule.of(initrd.name(), initrd.data()));
        BootRequest request = new BootRequest(kernel.name(), kernel.image(), pc.config().cmdline(), modules,
                rsdpAddress, E820Entry.pcMap(pc.memory()));
        return KernelLoader.load(request, pc.memory(), pc.bsp());
    }
}
