package dev.jkvm.core.machine;

import dev.jkvm.core.loader.ElfImage;
import dev.jkvm.core.loader.ElfLoader;
import dev.jkvm.core.loader.KernelLoadException;
import dev.jkvm.core.x86.E820Entry;
import dev.jkvm.core.x86.PvhBoot;

/** Loads the configured kernel into guest RAM and puts the boot vCPU at its entry. */
final class KernelBoot {
    private KernelBoot() {
    }

    static void load(PlatformContext pc) {
        Kernel kernel = pc.config().kernel();
        ElfImage elf = ElfImage.parse(kernel.name(), kernel.image());
        if (elf.pvhEntry().isEmpty()) {
            throw new KernelLoadException(kernel.name() + ": ELF kernel has no Xen PVH entry note "
                    + "(XEN_ELFNOTE_PHYS32_ENTRY); jkvm boots ELF kernels through PVH");
        }
        ElfLoader.load(elf, kernel.image(), pc.memory());
        PvhBoot.prepare(pc.memory(), pc.bsp(), elf.pvhEntry().getAsLong(), pc.config().cmdline(),
                E820Entry.pcMap(pc.memory()));
    }
}
