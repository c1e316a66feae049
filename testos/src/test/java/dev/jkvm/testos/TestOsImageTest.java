package dev.jkvm.testos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped ELF is what a PVH loader needs: ELF64 x86-64, loaded at 1 MiB, with the Xen entry note. */
class TestOsImageTest {

    private static final int EM_X86_64 = 62;
    private static final int ET_EXEC = 2;
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    private static final int PF_X = 1;
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    private static final long LOAD_ADDRESS = 0x100000;

    private record Segment(int type, int flags, long offset, long paddr, long fileSize, long memSize) {
    }

    private static List<Segment> segments(ByteBuffer elf) {
        long phoff = elf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
        int phnum = Short.toUnsignedInt(elf.getShort(0x38));
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            segments.add(new Segment(elf.getInt(at), elf.getInt(at + 4), elf.getLong(at + 8), elf.getLong(at + 0x18),
                    elf.getLong(at + 0x20), elf.getLong(at + 0x28)));
        }
        return segments;
    }

    /** The PVH entry from the first "Xen" note of type 18 in any PT_NOTE segment. */
    private static Optional<Long> pvhEntry(ByteBuffer elf, List<Segment> segments) {
        for (Segment note : segments.stream().filter(s -> s.type() == PT_NOTE).toList()) {
            int at = (int) note.offset();
            int end = (int) (note.offset() + note.fileSize());
            while (at + 12 <= end) {
                int nameSize = elf.getInt(at);
                int descSize = elf.getInt(at + 4);
                int type = elf.getInt(at + 8);
                byte[] name = new byte[nameSize];
                elf.get(at + 12, name);
                int desc = at + 12 + align4(nameSize);
                if (new String(name, StandardCharsets.US_ASCII).equals("Xen\0") && type == XEN_ELFNOTE_PHYS32_ENTRY) {
                    return Optional.of(descSize == 8 ? elf.getLong(desc) : Integer.toUnsignedLong(elf.getInt(desc)));
                }
                at = desc + align4(descSize);
            }
        }
        return Optional.empty();
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    @Test
    void isAnX86_64ExecutableLoadedAtOneMiB() {
        ByteBuffer elf = ByteBuffer.wrap(TestOsImage.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x7f454c46, elf.order(ByteOrder.BIG_ENDIAN).getInt(0), "ELF magic");
        elf.order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, elf.get(4), "EI_CLASS must be ELFCLASS64");
        assertEquals(1, elf.get(5), "EI_DATA must be little-endian");
        assertEquals(ET_EXEC, elf.getShort(0x10), "e_type");
        assertEquals(EM_X86_64, elf.getShort(0x12), "e_machine");

        List<Segment> loads = segments(elf).stream().filter(s -> s.type() == PT_LOAD).toList();
        assertTrue(loads.size() >= 2, "expected text and data PT_LOADs, got " + loads);
        assertEquals(LOAD_ADDRESS, loads.stream().mapToLong(Segment::paddr).min().orElseThrow(),
                "lowest PT_LOAD physical address");
        for (Segment load : loads) {
            assertTrue(load.memSize() >= load.fileSize(), "p_memsz < p_filesz in " + load);
            assertTrue(load.offset() + load.fileSize() <= elf.capacity(), "segment beyond end of file: " + load);
        }
    }

    @Test
    void pvhNoteNamesAnEntryInsideTheExecutableSegment() {
        ByteBuffer elf = ByteBuffer.wrap(TestOsImage.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        List<Segment> segments = segments(elf);
        long entry = pvhEntry(elf, segments).orElseThrow(
                () -> new AssertionError("no Xen note of type XEN_ELFNOTE_PHYS32_ENTRY in any PT_NOTE: " + segments));
        Segment text = segments.stream().filter(s -> s.type() == PT_LOAD && (s.flags() & PF_X) != 0).findFirst()
                .orElseThrow(() -> new AssertionError("no executable PT_LOAD: " + segments));
        assertTrue(entry >= text.paddr() && entry < text.paddr() + text.fileSize(),
                "PVH entry 0x" + Long.toHexString(entry) + " outside the executable segment " + text);
    }

    @Test
    void writeToWritesTheSameBytes(@TempDir Path dir) throws IOException {
        Path file = TestOsImage.writeTo(dir.resolve("nested"));
        assertEquals(dir.resolve("nested").resolve(TestOsImage.FILE_NAME), file);
        assertArrayEquals(TestOsImage.bytes(), Files.readAllBytes(file));
    }
}
