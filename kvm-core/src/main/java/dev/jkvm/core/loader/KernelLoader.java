package dev.jkvm.core.loader;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.memory.GuestMemory;

/**
 * Loads any kernel jkvm boots into guest RAM and puts the boot vCPU at its entry: identifies the kind
 * ({@link KernelImage#identify}) and hands it to the loader for its protocol.
 */
public final class KernelLoader {
    private KernelLoader() {
    }

    public static LoadedKernel load(BootRequest request, GuestMemory memory, Vcpu bsp) {
        return switch (KernelImage.identify(request.kernelName(), request.kernel())) {
            case BzImage image -> LinuxLoader.loadBzImage(image, request, memory, bsp);
            case MultibootImage image -> MultibootLoader.load(image, request, memory, bsp);
            case ElfKernel elf when elf.elf().pvhEntry().isPresent() -> PvhLoader.load(elf, request, memory, bsp);
            case ElfKernel elf -> LinuxLoader.loadVmlinux(elf, request, memory, bsp);
        };
    }
}
