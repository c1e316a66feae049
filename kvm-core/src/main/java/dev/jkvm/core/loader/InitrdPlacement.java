package dev.jkvm.core.loader;

import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.memory.MemoryRegion;

/** Where modules go in guest RAM, decided the way QEMU decides it for -initrd. */
public final class InitrdPlacement {
    /** Modules and the initrd start on a 4 KiB page. */
    public static final long PAGE_SIZE = 4096;
    /** First address above the 32-bit physical space: 32-bit protocols cannot point past it. */
    public static final long FOUR_GIB = 1L << 32;

    private InitrdPlacement() {
    }

    /**
     * Linux and PVH: the highest page-aligned address at which the initrd ends at or below {@code initrdAddrMax}
     * (the last byte it may occupy) and below {@code lowRamTop}, and which is not below {@code kernelEnd}.
     */
    public static LoadedKernel.Placement highest(BootModule initrd, long kernelEnd, long initrdAddrMax,
                                                 long lowRamTop) {
        long size = initrd.data().length;
        long limit = Math.min(Math.min(initrdAddrMax + 1, lowRamTop), FOUR_GIB);
        long address = (limit - size) & -PAGE_SIZE;
        if (size > limit || address < alignUp(kernelEnd)) {
            throw new KernelLoadException(String.format("initrd %s is %d bytes and does not fit in guest RAM between "
                    + "the kernel's end at 0x%x and 0x%x (%s); give the guest more memory (-m)", initrd.name(), size,
                    kernelEnd, limit, limit == lowRamTop ? "the top of RAM below 4 GiB" : "the kernel's initrd_addr_max"));
        }
        return new LoadedKernel.Placement(address, size);
    }

    /** Multiboot: the next page-aligned address at or after {@code from}, which must leave the module below {@code limit}. */
    public static LoadedKernel.Placement after(BootModule module, long from, long limit) {
        long size = module.data().length;
        long address = alignUp(from);
        if (address + size > limit) {
            throw new KernelLoadException(String.format("module %s is %d bytes and does not fit in guest RAM between "
                    + "0x%x and 0x%x (the top of RAM below 4 GiB); give the guest more memory (-m)", module.name(),
                    size, address, limit));
        }
        return new LoadedKernel.Placement(address, size);
    }

    /** The end of the RAM that starts at address 0, i.e. of RAM below the 32-bit PCI hole. */
    public static long lowRamTop(GuestMemory memory) {
        return memory.regions().stream().filter(r -> r.guestAddress() == 0).mapToLong(MemoryRegion::end)
                .findFirst().orElse(0);
    }

    public static long alignUp(long address) {
        return (address + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
