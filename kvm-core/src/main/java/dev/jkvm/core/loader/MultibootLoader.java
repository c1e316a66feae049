package dev.jkvm.core.loader;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.core.x86.MultibootInfo;
import dev.jkvm.core.x86.ProtectedModeBoot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Boots a Multiboot v1 kernel as QEMU's -kernel does: loaded by the a.out kludge addresses when the header has
 * them (any file format, 64-bit ELF included), else as a 32-bit ELF; modules page-aligned after the kernel, then
 * the module list and strings; the information structure and memory map at {@link BootLayout#MULTIBOOT_INFO};
 * entry in flat 32-bit protected mode with %eax = 0x2BADB002 and %ebx = the information structure.
 */
public final class MultibootLoader {
    /** What the information structure names as the boot loader. */
    public static final String BOOT_LOADER_NAME = "jkvm";

    private MultibootLoader() {
    }

    /** The kernel's image in guest RAM and where to enter it. */
    private record Image(long start, long end, long entry) {}

    public static LoadedKernel load(MultibootImage kernel, BootRequest request, GuestMemory memory, Vcpu bsp) {
        BootMemory.cmdlineBytes(request.cmdline());
        Image image = kernel.header().hasAoutKludge() ? loadByKludge(kernel, memory) : loadElf(kernel, memory);
        long limit = Math.min(InitrdPlacement.lowRamTop(memory), InitrdPlacement.FOUR_GIB);

        List<MultibootInfo.Module> modules = new ArrayList<>();
        List<LoadedKernel.Placement> placements = new ArrayList<>();
        long next = image.end();
        for (BootModule module : request.modules()) {
            LoadedKernel.Placement placement = InitrdPlacement.after(module, next, limit);
            BootMemory.copy(memory, module, placement);
            placements.add(placement);
            next = placement.end();
        }

        // Module list and strings follow the modules, as in QEMU; the kernel learns their addresses from the info.
        // QEMU prefixes the kernel's command line with its file name, as GRUB does with the kernel's path.
        String cmdline = request.cmdline().isEmpty() ? kernel.name() : kernel.name() + " " + request.cmdline();
        List<byte[]> strings = new ArrayList<>();
        strings.add(cmdline.getBytes(StandardCharsets.UTF_8));
        request.modules().forEach(m -> strings.add(m.cmdline().getBytes(StandardCharsets.UTF_8)));
        strings.add(BOOT_LOADER_NAME.getBytes(StandardCharsets.US_ASCII));
        long dataStart = InitrdPlacement.alignUp(next);
        long stringsStart = dataStart + (long) request.modules().size() * MultibootInfo.MODULE_ENTRY_SIZE;
        long dataEnd = stringsStart + strings.stream().mapToLong(s -> s.length + 1L).sum();
        if (dataEnd > limit) {
            throw new KernelLoadException(String.format("%s: the Multiboot module list and command lines (%d bytes) do "
                    + "not fit in guest RAM between 0x%x and 0x%x", kernel.name(), dataEnd - dataStart, dataStart,
                    limit));
        }
        long[] stringAddress = new long[strings.size()];
        long at = stringsStart;
        for (int i = 0; i < strings.size(); i++) {
            stringAddress[i] = at;
            BootMemory.writeString(memory, at, strings.get(i));
            at += strings.get(i).length + 1L;
        }
        ByteBuffer list = ByteBuffer.allocate((int) (stringsStart - dataStart)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < placements.size(); i++) {
            MultibootInfo.Module module = new MultibootInfo.Module(placements.get(i).address(),
                    placements.get(i).end(), stringAddress[1 + i]);
            modules.add(module);
            module.writeTo(list, i * MultibootInfo.MODULE_ENTRY_SIZE);
        }
        memory.write(dataStart, list.array());

        MultibootInfo info = new MultibootInfo(MultibootInfo.lowerMemoryKib(request.memoryMap()),
                MultibootInfo.upperMemoryKib(request.memoryMap()), stringAddress[0], modules.size(),
                modules.isEmpty() ? 0 : dataStart, request.memoryMap(), stringAddress[strings.size() - 1]);
        if (info.encodedSize() > BootLayout.MULTIBOOT_INFO_SIZE) {
            throw new KernelLoadException("memory map has " + request.memoryMap().size() + " entries, more than the "
                    + "Multiboot information area holds");
        }
        memory.write(BootLayout.MULTIBOOT_INFO, info.encode(BootLayout.MULTIBOOT_INFO));
        ProtectedModeBoot.enter(memory, bsp, image.entry(), MultibootInfo.BOOTLOADER_MAGIC, BootLayout.MULTIBOOT_INFO);
        return new LoadedKernel(BootProtocol.MULTIBOOT, image.entry(), BootLayout.MULTIBOOT_INFO, image.start(),
                image.end(), placements.isEmpty() ? Optional.empty() : Optional.of(placements.getFirst()),
                kernel.header().hasAoutKludge() ? "loaded by the Multiboot header's a.out kludge addresses"
                        : "loaded as a 32-bit ELF");
    }

    /** Multiboot 3.1.3: the file from header_addr - load_addr before the header, up to load_end_addr, then bss. */
    private static Image loadByKludge(MultibootImage kernel, GuestMemory memory) {
        MultibootHeader h = kernel.header();
        byte[] file = kernel.file();
        String name = kernel.name();
        if (h.headerAddr() < h.loadAddr() || h.headerAddr() - h.loadAddr() > h.offset()) {
            throw new KernelLoadException(String.format("%s: Multiboot header_addr 0x%x and load_addr 0x%x put the "
                    + "image's start before the start of the file (header at file offset 0x%x)", name,
                    h.headerAddr(), h.loadAddr(), h.offset()));
        }
        long fileStart = h.offset() - (h.headerAddr() - h.loadAddr());
        long loadSize = h.loadEndAddr() == 0 ? file.length - fileStart : h.loadEndAddr() - h.loadAddr();
        if (h.loadEndAddr() != 0 && h.loadEndAddr() < h.loadAddr()) {
            throw new KernelLoadException(String.format("%s: Multiboot load_end_addr 0x%x lies below load_addr 0x%x",
                    name, h.loadEndAddr(), h.loadAddr()));
        }
        if (fileStart + loadSize > file.length) {
            throw new KernelLoadException(String.format("%s: truncated: the Multiboot header asks for 0x%x bytes from "
                    + "file offset 0x%x, the file has %d bytes", name, loadSize, fileStart, file.length));
        }
        long loadEnd = h.loadAddr() + loadSize;
        long end = h.bssEndAddr() == 0 ? loadEnd : h.bssEndAddr();
        if (end < loadEnd) {
            throw new KernelLoadException(String.format("%s: Multiboot bss_end_addr 0x%x lies below the end of the "
                    + "loaded image 0x%x", name, h.bssEndAddr(), loadEnd));
        }
        checkBelow4GiB(name, memory, h.loadAddr(), end);
        memory.write(h.loadAddr(), file, (int) fileStart, (int) loadSize);
        memory.slice(loadEnd, end - loadEnd).fill((byte) 0);
        return new Image(h.loadAddr(), end, h.entryAddr());
    }

    private static Image loadElf(MultibootImage kernel, GuestMemory memory) {
        String name = kernel.name();
        if (!ElfImage.isElf(kernel.file())) {
            throw new KernelLoadException(name + ": the Multiboot header has no a.out kludge (flags bit 16) and the "
                    + "file is not an ELF image, so jkvm cannot tell where to load it");
        }
        ElfImage elf = ElfImage.parse(name, kernel.file());
        if (elf.is64Bit()) {
            throw new KernelLoadException(name + ": a 64-bit ELF Multiboot kernel needs the a.out kludge (header flags "
                    + "bit 16): Multiboot loads ELF images only as 32-bit ones");
        }
        checkBelow4GiB(name, memory, elf.physicalStart(), elf.physicalEnd());
        ElfLoader.load(elf, kernel.file(), memory);
        return new Image(elf.physicalStart(), elf.physicalEnd(), elf.physicalEntry());
    }

    private static void checkBelow4GiB(String name, GuestMemory memory, long start, long end) {
        BootMemory.checkKernelRange(name, memory, start, end, "the Multiboot image");
        if (end > InitrdPlacement.FOUR_GIB) {
            throw new KernelLoadException(String.format("%s: the Multiboot image ends at 0x%x, above 4 GiB", name, end));
        }
    }
}
