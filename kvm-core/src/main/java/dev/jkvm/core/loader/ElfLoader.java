package dev.jkvm.core.loader;

import dev.jkvm.core.memory.GuestMemory;

import java.lang.foreign.MemorySegment;

/** Copies an ELF image's loadable segments to their physical addresses in guest RAM. */
public final class ElfLoader {
    private ElfLoader() {
    }

    public static void load(ElfImage image, byte[] file, GuestMemory memory) {
        for (ElfImage.LoadSegment s : image.segments()) {
            if (!memory.isRam(s.physicalAddress(), s.memorySize())) {
                throw new KernelLoadException(String.format(
                        "%s: segment at physical 0x%x (0x%x bytes) does not fit in guest RAM (%s)",
                        image.name(), s.physicalAddress(), s.memorySize(), GuestMemory.describeSize(memory.size())));
            }
            MemorySegment target = memory.slice(s.physicalAddress(), s.memorySize());
            MemorySegment.copy(MemorySegment.ofArray(file), s.fileOffset(), target, 0, s.fileSize());
            target.asSlice(s.fileSize()).fill((byte) 0);
        }
    }
}
