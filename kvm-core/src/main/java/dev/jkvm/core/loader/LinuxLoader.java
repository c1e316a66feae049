package dev.jkvm.core.loader;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.core.x86.BootParams;
import dev.jkvm.core.x86.LongModeBoot;
import dev.jkvm.core.x86.SetupHeader;

import java.util.Optional;

/**
 * Boots Linux through its 64-bit boot protocol: a bzImage whose payload is decompressed here and entered at the
 * vmlinux's own entry (or, when the host cannot decompress it, at the bzImage's 64-bit entry), or a bare vmlinux
 * ELF with a zero page built from scratch, as Firecracker does.
 */
public final class LinuxLoader {
    /** Where a boot loader puts the protected-mode kernel of a bzImage: 1 MiB. */
    public static final long PROTECTED_MODE_LOAD_ADDRESS = 0x100000;
    /** The bzImage's 64-bit entry point, relative to the protected-mode kernel (startup_64). */
    public static final long STARTUP_64_OFFSET = 0x200;

    private LinuxLoader() {
    }

    public static LoadedKernel loadBzImage(BzImage image, BootRequest request, GuestMemory memory, Vcpu bsp) {
        SetupHeader header = image.header();
        byte[] cmdline = BootMemory.cmdlineBytes(request.cmdline());
        if (cmdline.length > header.cmdlineSize()) {
            throw new KernelLoadException(image.name() + ": kernel command line is " + cmdline.length + " bytes; "
                    + "this kernel accepts at most " + header.cmdlineSize() + " (setup header cmdline_size)");
        }
        long lowRamTop = InitrdPlacement.lowRamTop(memory);
        long kernelStart;
        long kernelEnd;
        long entry;
        BootProtocol protocol;
        String detail;
        switch (PayloadDecompressor.decompress(image.name(), image.payload())) {
            case PayloadDecompressor.Result.Decompressed(PayloadFormat format, byte[] vmlinux) -> {
                String vmlinuxName = image.name() + " (its " + format.displayName() + " payload)";
                ElfImage elf = ElfImage.parse(vmlinuxName, vmlinux);
                if (!elf.is64Bit()) {
                    throw new KernelLoadException(vmlinuxName + ": the decompressed kernel is a 32-bit ELF");
                }
                kernelStart = elf.physicalStart();
                // [_text, _end] is all this kernel occupies: init_size also counts the decompressor's buffers.
                kernelEnd = elf.physicalEnd();
                BootMemory.checkKernelRange(vmlinuxName, memory, kernelStart, kernelEnd, "the kernel");
                ElfLoader.load(elf, vmlinux, memory);
                entry = elf.entry();
                protocol = BootProtocol.LINUX_64_DECOMPRESSED;
                detail = format.displayName() + " payload decompressed on the host to " + vmlinux.length + " bytes";
            }
            case PayloadDecompressor.Result.LeftToKernel(String reason) -> {
                byte[] kernel = image.protectedModeKernel();
                kernelStart = PROTECTED_MODE_LOAD_ADDRESS;
                kernelEnd = Math.max(kernelStart + kernel.length,
                        Math.max(kernelStart, header.prefAddress()) + header.initSize());
                BootMemory.checkKernelRange(image.name(), memory, kernelStart, kernelEnd,
                        "the kernel (with init_size " + header.initSize() + ")");
                memory.write(kernelStart, kernel);
                entry = kernelStart + STARTUP_64_OFFSET;
                protocol = BootProtocol.LINUX_64_SELF_DECOMPRESSING;
                detail = "the kernel decompresses itself in the guest (slow where ring 0 is emulated): " + reason;
            }
        }
        Optional<LoadedKernel.Placement> initrd = placeInitrd(image.name(), request, memory, kernelEnd,
                header.initrdAddrMax(), lowRamTop);
        BootMemory.writeString(memory, BootLayout.CMDLINE, cmdline);
        writeZeroPage(memory, image.setupHeaderBytes(), request, initrd);
        LongModeBoot.enter(memory, bsp, entry, BootLayout.ZERO_PAGE);
        return new LoadedKernel(protocol, entry, BootLayout.ZERO_PAGE, kernelStart, kernelEnd, initrd, detail);
    }

    /** A vmlinux ELF without a PVH note: its segments at their physical addresses, entered at e_entry. */
    public static LoadedKernel loadVmlinux(ElfKernel kernel, BootRequest request, GuestMemory memory, Vcpu bsp) {
        ElfImage elf = kernel.elf();
        if (!elf.is64Bit()) {
            throw new KernelLoadException(kernel.name() + ": a 32-bit ELF without a Multiboot header or PVH note: "
                    + "jkvm has no way to enter it");
        }
        byte[] cmdline = BootMemory.cmdlineBytes(request.cmdline());
        long kernelStart = elf.physicalStart();
        long kernelEnd = elf.physicalEnd();
        BootMemory.checkKernelRange(kernel.name(), memory, kernelStart, kernelEnd, "the kernel");
        ElfLoader.load(elf, kernel.file(), memory);
        Optional<LoadedKernel.Placement> initrd = placeInitrd(kernel.name(), request, memory, kernelEnd,
                SetupHeader.LEGACY_INITRD_ADDR_MAX, InitrdPlacement.lowRamTop(memory));
        BootMemory.writeString(memory, BootLayout.CMDLINE, cmdline);
        writeZeroPage(memory, SetupHeader.synthesize(BootLayout.CMDLINE_MAX), request, initrd);
        LongModeBoot.enter(memory, bsp, elf.entry(), BootLayout.ZERO_PAGE);
        return new LoadedKernel(BootProtocol.LINUX_64_VMLINUX, elf.entry(), BootLayout.ZERO_PAGE, kernelStart,
                kernelEnd, initrd, "vmlinux ELF entered at its 64-bit entry");
    }

    /** Places and copies the one initrd Linux takes, if there is one. */
    static Optional<LoadedKernel.Placement> placeInitrd(String kernelName, BootRequest request, GuestMemory memory,
                                                       long kernelEnd, long initrdAddrMax, long lowRamTop) {
        if (request.modules().isEmpty()) {
            return Optional.empty();
        }
        if (request.modules().size() > 1) {
            throw new KernelLoadException(kernelName + ": " + request.modules().size() + " initrd files given; "
                    + "this kernel takes one");
        }
        BootModule initrd = request.modules().getFirst();
        LoadedKernel.Placement placement = InitrdPlacement.highest(initrd, kernelEnd, initrdAddrMax, lowRamTop);
        BootMemory.copy(memory, initrd, placement);
        return Optional.of(placement);
    }

    private static void writeZeroPage(GuestMemory memory, byte[] setupHeader, BootRequest request,
                                      Optional<LoadedKernel.Placement> initrd) {
        BootParams params = new BootParams(setupHeader, BootLayout.CMDLINE,
                initrd.map(LoadedKernel.Placement::address).orElse(0L),
                initrd.map(LoadedKernel.Placement::size).orElse(0L), request.memoryMap(), request.rsdpAddress());
        memory.write(BootLayout.ZERO_PAGE, params.encode());
    }
}
