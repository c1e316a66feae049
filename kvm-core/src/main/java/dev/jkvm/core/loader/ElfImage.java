package dev.jkvm.core.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The parts of an x86 ELF executable a loader needs: loadable segments (by physical address) and the entry
 * points, including the Xen PVH entry note. Both ELF32 (i386, what Multiboot loaders take) and ELF64 (x86-64)
 * are read. Parsing checks every offset against the file before using it.
 */
public record ElfImage(String name, ElfClass elfClass, long entry, List<LoadSegment> segments, OptionalLong pvhEntry) {
    /** A PT_LOAD program header. */
    public record LoadSegment(long physicalAddress, long virtualAddress, long fileOffset, long fileSize,
                              long memorySize) {
        /** First physical address past the segment's memory image. */
        public long physicalEnd() {
            return physicalAddress + memorySize;
        }
    }

    /**
     * The two ELF file classes, with where each keeps the header fields a loader reads (ELF specification, "ELF
     * Header", "Program Header", "Sections"; the 64-bit layouts from the ELF-64 Object File Format).
     */
    public enum ElfClass {
        ELF32(1, EM_386, 52, 32, 40) {
            @Override
            long entry(ByteBuffer b) {
                return Integer.toUnsignedLong(b.getInt(24));
            }

            @Override
            long programHeaderOffset(ByteBuffer b) {
                return Integer.toUnsignedLong(b.getInt(28));
            }

            @Override
            long sectionHeaderOffset(ByteBuffer b) {
                return Integer.toUnsignedLong(b.getInt(32));
            }

            @Override
            int headerTableFieldsAt() {
                return 42;
            }

            @Override
            ProgramHeader programHeader(ByteBuffer b, int at) {
                return new ProgramHeader(b.getInt(at), u32(b, at + 4), u32(b, at + 8), u32(b, at + 12),
                        u32(b, at + 16), u32(b, at + 20));
            }

            @Override
            long[] sectionOffsetAndSize(ByteBuffer b, int at) {
                return new long[] {u32(b, at + 16), u32(b, at + 20)};
            }
        },
        ELF64(2, EM_X86_64, 64, 56, 64) {
            @Override
            long entry(ByteBuffer b) {
                return b.getLong(24);
            }

            @Override
            long programHeaderOffset(ByteBuffer b) {
                return b.getLong(32);
            }

            @Override
            long sectionHeaderOffset(ByteBuffer b) {
                return b.getLong(40);
            }

            @Override
            int headerTableFieldsAt() {
                return 54;
            }

            @Override
            ProgramHeader programHeader(ByteBuffer b, int at) {
                return new ProgramHeader(b.getInt(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24),
                        b.getLong(at + 32), b.getLong(at + 40));
            }

            @Override
            long[] sectionOffsetAndSize(ByteBuffer b, int at) {
                return new long[] {b.getLong(at + 24), b.getLong(at + 32)};
            }
        };

        /** e_ident[EI_CLASS]. */
        final int identClass;
        /** The one e_machine jkvm accepts for this class. */
        final int machine;
        /** Size of the file header. */
        final int headerSize;
        /** Smallest program header entry. */
        final int programHeaderSize;
        /** Smallest section header entry. */
        final int sectionHeaderSize;

        ElfClass(int identClass, int machine, int headerSize, int programHeaderSize, int sectionHeaderSize) {
            this.identClass = identClass;
            this.machine = machine;
            this.headerSize = headerSize;
            this.programHeaderSize = programHeaderSize;
            this.sectionHeaderSize = sectionHeaderSize;
        }

        abstract long entry(ByteBuffer b);

        abstract long programHeaderOffset(ByteBuffer b);

        abstract long sectionHeaderOffset(ByteBuffer b);

        /** Offset of e_phentsize; e_phnum, e_shentsize and e_shnum follow as 16-bit fields. */
        abstract int headerTableFieldsAt();

        abstract ProgramHeader programHeader(ByteBuffer b, int at);

        abstract long[] sectionOffsetAndSize(ByteBuffer b, int at);

        private static long u32(ByteBuffer b, int at) {
            return Integer.toUnsignedLong(b.getInt(at));
        }
    }

    /** The program header fields a loader uses, widened to 64 bits. */
    record ProgramHeader(int type, long offset, long virtualAddress, long physicalAddress, long fileSize,
                         long memorySize) {}

    /** e_ident[EI_DATA] value for little-endian. */
    private static final int ELFDATA2LSB = 1;
    /** e_type of an executable. */
    private static final int ET_EXEC = 2;
    /** e_machine of Intel 80386 (ELF32 kernels). */
    private static final int EM_386 = 3;
    /** e_machine of x86-64. */
    private static final int EM_X86_64 = 62;
    /** Program header type of a loadable segment. */
    private static final int PT_LOAD = 1;
    /** Program header type of a note segment. */
    private static final int PT_NOTE = 4;
    /** Section header type of a note section. */
    private static final int SHT_NOTE = 7;
    /** Bytes of e_ident that identify the file (magic, class, data encoding). */
    private static final int IDENT_PREFIX = 6;
    /** Xen note type carrying the 32-bit physical PVH entry point. */
    public static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

    public static boolean isElf(byte[] file) {
        return file.length >= 4 && file[0] == 0x7F && file[1] == 'E' && file[2] == 'L' && file[3] == 'F';
    }

    public boolean is64Bit() {
        return elfClass == ElfClass.ELF64;
    }

    /** First physical address past every loadable segment. */
    public long physicalEnd() {
        return segments.stream().mapToLong(LoadSegment::physicalEnd).max().orElseThrow();
    }

    /** Lowest physical address of any loadable segment. */
    public long physicalStart() {
        return segments.stream().mapToLong(LoadSegment::physicalAddress).min().orElseThrow();
    }

    public static ElfImage parse(String name, byte[] file) {
        if (!isElf(file)) {
            throw new KernelLoadException(name + ": not an ELF file (no \\x7fELF magic)");
        }
        if (file.length < IDENT_PREFIX) {
            throw new KernelLoadException(name + ": truncated ELF header (" + file.length + " bytes)");
        }
        ElfClass elfClass = switch (file[4]) {
            case 1 -> ElfClass.ELF32;
            case 2 -> ElfClass.ELF64;
            default -> throw new KernelLoadException(name + ": ELF class " + file[4]
                    + " is not supported (need ELFCLASS32 or ELFCLASS64)");
        };
        if (file.length < elfClass.headerSize) {
            throw new KernelLoadException(name + ": truncated ELF header (" + file.length + " bytes)");
        }
        if (file[5] != ELFDATA2LSB) {
            throw new KernelLoadException(name + ": not a little-endian ELF");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int type = Short.toUnsignedInt(b.getShort(16));
        int machine = Short.toUnsignedInt(b.getShort(18));
        if (machine != elfClass.machine) {
            throw new KernelLoadException(name + ": ELF machine " + machine + " is not "
                    + (elfClass == ElfClass.ELF64 ? "x86-64" : "i386") + " (" + elfClass + ")");
        }
        if (type != ET_EXEC) {
            throw new KernelLoadException(name + ": ELF type " + type + " is not an executable (ET_EXEC)");
        }
        long entry = elfClass.entry(b);
        long phoff = elfClass.programHeaderOffset(b);
        long shoff = elfClass.sectionHeaderOffset(b);
        int tables = elfClass.headerTableFieldsAt();
        int phentsize = Short.toUnsignedInt(b.getShort(tables));
        int phnum = Short.toUnsignedInt(b.getShort(tables + 2));
        int shentsize = Short.toUnsignedInt(b.getShort(tables + 4));
        int shnum = Short.toUnsignedInt(b.getShort(tables + 6));
        if (phnum == 0 || phentsize < elfClass.programHeaderSize) {
            throw new KernelLoadException(name + ": ELF has no program headers");
        }
        check(name, file, phoff, (long) phnum * phentsize, "program header table");

        List<LoadSegment> loads = new ArrayList<>();
        OptionalLong pvh = OptionalLong.empty();
        for (int i = 0; i < phnum; i++) {
            ProgramHeader ph = elfClass.programHeader(b, (int) (phoff + (long) i * phentsize));
            if (ph.type() == PT_LOAD) {
                check(name, file, ph.offset(), ph.fileSize(), "PT_LOAD segment " + i);
                if (Long.compareUnsigned(ph.memorySize(), ph.fileSize()) < 0) {
                    throw new KernelLoadException(name + ": PT_LOAD segment " + i + " has p_memsz < p_filesz");
                }
                loads.add(new LoadSegment(ph.physicalAddress(), ph.virtualAddress(), ph.offset(), ph.fileSize(),
                        ph.memorySize()));
            } else if (ph.type() == PT_NOTE && pvh.isEmpty()) {
                check(name, file, ph.offset(), ph.fileSize(), "PT_NOTE segment " + i);
                pvh = findPvhNote(b, ph.offset(), ph.fileSize());
            }
        }
        if (pvh.isEmpty() && shnum > 0 && shentsize >= elfClass.sectionHeaderSize
                && shoff > 0 && shoff + (long) shnum * shentsize <= file.length) {
            for (int i = 0; i < shnum && pvh.isEmpty(); i++) {
                int sh = (int) (shoff + (long) i * shentsize);
                if (b.getInt(sh + 4) == SHT_NOTE) {
                    long[] where = elfClass.sectionOffsetAndSize(b, sh);
                    if (where[0] >= 0 && where[1] >= 0 && where[0] + where[1] <= file.length) {
                        pvh = findPvhNote(b, where[0], where[1]);
                    }
                }
            }
        }
        if (loads.isEmpty()) {
            throw new KernelLoadException(name + ": ELF has no PT_LOAD segments");
        }
        return new ElfImage(name, elfClass, entry, List.copyOf(loads), pvh);
    }

    /**
     * The entry point as a physical address. Linux's vmlinux already has a physical e_entry; a Multiboot ELF
     * linked at a higher-half virtual address names a virtual one, which is translated through the segment that
     * contains it, as QEMU's Multiboot loader does.
     */
    public long physicalEntry() {
        for (LoadSegment s : segments) {
            if (s.virtualAddress() != s.physicalAddress()
                    && Long.compareUnsigned(entry - s.virtualAddress(), s.memorySize()) < 0) {
                return entry - s.virtualAddress() + s.physicalAddress();
            }
        }
        return entry;
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
