package dev.jkvm.core.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The parts of an x86-64 ELF executable a loader needs: loadable segments (by physical address) and the entry
 * points, including the Xen PVH entry note. Parsing checks every offset against the file before using it.
 */
public record ElfImage(String name, long entry, List<LoadSegment> segments, OptionalLong pvhEntry) {
    /** A PT_LOAD program header. */
    public record LoadSegment(long physicalAddress, long fileOffset, long fileSize, long memorySize) {}

    /** e_ident[EI_CLASS] value for 64-bit objects. */
    private static final int ELFCLASS64 = 2;
    /** e_ident[EI_DATA] value for little-endian. */
    private static final int ELFDATA2LSB = 1;
    /** e_type of an executable. */
    private static final int ET_EXEC = 2;
    /** e_machine of x86-64. */
    private static final int EM_X86_64 = 62;
    /** Program header type of a loadable segment. */
    private static final int PT_LOAD = 1;
    /** Program header type of a note segment. */
    private static final int PT_NOTE = 4;
    /** Section header type of a note section. */
    private static final int SHT_NOTE = 7;
    /** Size of an ELF64 file header. */
    private static final int EHDR_SIZE = 64;
    /** Size of an ELF64 program header. */
    private static final int PHDR_SIZE = 56;
    /** Size of an ELF64 section header. */
    private static final int SHDR_SIZE = 64;
    /** Xen note type carrying the 32-bit physical PVH entry point. */
    public static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

    public static boolean isElf(byte[] file) {
        return file.length >= 4 && file[0] == 0x7F && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';
    }

    public static ElfImage parse(String name, byte[] file) {
        if (!isElf(file)) {
            throw new KernelLoadException(name + ": not an ELF file (no \\x7fELF magic)");
        }
        if (file.length < EHDR_SIZE) {
            throw new KernelLoadException(name + ": truncated ELF header (" + file.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file[4] != ELFCLASS64) {
            throw new KernelLoadException(name + ": ELF class " + file[4] + " is not supported (need a 64-bit ELF)");
        }
        if (file[5] != ELFDATA2LSB) {
            throw new KernelLoadException(name + ": not a little-endian ELF");
        }
        int type = Short.toUnsignedInt(b.getShort(16));
        int machine = Short.toUnsignedInt(b.getShort(18));
        if (machine != EM_X86_64) {
            throw new KernelLoadException(name + ": ELF machine " + machine + " is not x86-64");
        }
        if (type != ET_EXEC) {
            throw new KernelLoadException(name + ": ELF type " + type + " is not an executable (ET_EXEC)");
        }
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        long shoff = b.getLong(40);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        int shentsize = Short.toUnsignedInt(b.getShort(58));
        int shnum = Short.toUnsignedInt(b.getShort(60));
        if (phnum == 0 || phentsize < PHDR_SIZE) {
            throw new KernelLoadException(name + ": ELF has no program headers");
        }
        check(name, file, phoff, (long) phnum * phentsize, "program header table");

        List<LoadSegment> loads = new ArrayList<>();
        OptionalLong pvh = OptionalLong.empty();
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            int pType = b.getInt(ph);
            long offset = b.getLong(ph + 8);
            long paddr = b.getLong(ph + 24);
            long filesz = b.getLong(ph + 32);
            long memsz = b.getLong(ph + 40);
            if (pType == PT_LOAD) {
                check(name, file, offset, filesz, "PT_LOAD segment " + i);
                if (memsz < filesz) {
                    throw new KernelLoadException(name + ": PT_LOAD segment " + i + " has p_memsz < p_filesz");
                }
                loads.add(new LoadSegment(paddr, offset, filesz, memsz));
            } else if (pType == PT_NOTE && pvh.isEmpty()) {
                check(name, file, offset, filesz, "PT_NOTE segment " + i);
                pvh = findPvhNote(b, offset, filesz);
            }
        }
        if (pvh.isEmpty() && shnum > 0 && shentsize >= SHDR_SIZE
                && shoff > 0 && shoff + (long) shnum * shentsize <= file.length) {
            for (int i = 0; i < shnum && pvh.isEmpty(); i++) {
                int sh = (int) (shoff + (long) i * shentsize);
                if (b.getInt(sh + 4) == SHT_NOTE) {
                    long offset = b.getLong(sh + 24);
                    long size = b.getLong(sh + 32);
                    if (offset >= 0 && size >= 0 && offset + size <= file.length) {
                        pvh = findPvhNote(b, offset, size);
                    }
                }
            }
        }
        if (loads.isEmpty()) {
            throw new KernelLoadException(name + ": ELF has no PT_LOAD segments");
        }
        return new ElfImage(name, entry, List.copyOf(loads), pvh);
    }

    /** Walks ELF notes in [offset, offset + size) for Xen's PHYS32_ENTRY. */
    private static OptionalLong findPvhNote(ByteBuffer b, long offset, long size) {
        long pos = offset;
        long end = offset + size;
        while (pos + 12 <= end) {
            int namesz = b.getInt((int) pos);
            int descsz = b.getInt((int) pos + 4);
            int noteType = b.getInt((int) pos + 8);
            long nameAt = pos + 12;
            long descAt = nameAt + align4(Integer.toUnsignedLong(namesz));
            long next = descAt + align4(Integer.toUnsignedLong(descsz));
            if (namesz < 0 || descsz < 0 || next > end) {
                break;
            }
            if (noteType == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4
                    && b.get((int) nameAt) == 'X' && b.get((int) nameAt + 1) == 'e' && b.get((int) nameAt + 2) == 'n'
                    && (descsz == 4 || descsz == 8)) {
                long value = descsz == 4 ? Integer.toUnsignedLong(b.getInt((int) descAt)) : b.getLong((int) descAt);
                return OptionalLong.of(value);
            }
            pos = next;
        }
        return OptionalLong.empty();
    }

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }

    private static void check(String name, byte[] file, long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > file.length || length > file.length - offset) {
            throw new KernelLoadException(String.format("%s: truncated: %s at file offset 0x%x+0x%x lies beyond the "
                    + "end of the file (%d bytes)", name, what, offset, length, file.length));
        }
    }
}
