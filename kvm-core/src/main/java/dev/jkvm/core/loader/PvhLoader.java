package dev.jkvm.core.loader;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.core.x86.PvhBoot;
import dev.jkvm.core.x86.PvhModule;
import dev.jkvm.core.x86.SetupHeader;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Boots an ELF kernel with a Xen PVH entry note through {@link PvhBoot}, with the initrd as start_info module 0
 * (its name as the module's command line) and the ACPI RSDP in rsdp_paddr.
 */
public final class PvhLoader {
    /** The initrd's module command line sits right after the room for the module list. */
    private static final long MODULE_CMDLINE = BootLayout.PVH_MODLIST
            + BootLayout.PVH_MODLIST_MAX_ENTRIES * PvhModule.LAYOUT.byteSize();
    /** Room left for that command line before the zero page's slot. */
    private static final int MODULE_CMDLINE_MAX = (int) (BootLayout.ZERO_PAGE - MODULE_CMDLINE - 1);

    private PvhLoader() {
    }

    public static LoadedKernel load(ElfKernel kernel, BootRequest request, GuestMemory memory, Vcpu bsp) {
        ElfImage elf = kernel.elf();
        long entry = elf.pvhEntry().orElseThrow();
        BootMemory.cmdlineBytes(request.cmdline());
        long kernelStart = elf.physicalStart();
        long kernelEnd = elf.physicalEnd();
        BootMemory.checkKernelRange(kernel.name(), memory, kernelStart, kernelEnd, "the kernel");
        ElfLoader.load(elf, kernel.file(), memory);
        // QEMU places a PVH initrd as it would for a kernel that predates initrd_addr_max.
        Optional<LoadedKernel.Placement> initrd = LinuxLoader.placeInitrd(kernel.name(), request, memory, kernelEnd,
                SetupHeader.LEGACY_INITRD_ADDR_MAX, InitrdPlacement.lowRamTop(memory));
        initrd.ifPresent(placement -> {
            byte[] name = request.modules().getFirst().cmdline().getBytes(StandardCharsets.UTF_8);
            long cmdline = 0;
            if (name.length <= MODULE_CMDLINE_MAX) {
                BootMemory.writeString(memory, MODULE_CMDLINE, name);
                cmdline = MODULE_CMDLINE;
            }
            new PvhModule(placement.address(), placement.size(), cmdline)
                    .writeTo(memory.slice(BootLayout.PVH_MODLIST, PvhModule.LAYOUT.byteSize()));
        });
        PvhBoot.prepare(memory, bsp, entry, request.cmdline(), request.memoryMap(), initrd.isPresent() ? 1 : 0,
                initrd.isPresent() ? BootLayout.PVH_MODLIST : 0, request.rsdpAddress());
        return new LoadedKernel(BootProtocol.PVH, entry, BootLayout.PVH_START_INFO, kernelStart, kernelEnd, initrd,
                "PVH entry at 0x" + Long.toHexString(entry));
    }
}
