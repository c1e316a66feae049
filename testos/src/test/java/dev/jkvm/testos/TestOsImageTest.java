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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shipped ELFs are what their loaders need: ELF64 x86-64 loaded at 1 MiB; the PVH image with the Xen entry note
 * and no Multiboot header, the Multiboot image with a header whose a.out-kludge addresses load exactly the ELF's
 * segments, and no Xen note (so a loader cannot boot it through PVH by mistake).
 */
class TestOsImageTest {

    private static final int EM_X86_64 = 62;
    private static final int ET_EXEC = 2;
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    private static final int PF_X = 1;
    private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    private static final long LOAD_ADDRESS = 0x100000;
    /** Multiboot v1 header magic. */
    private static final int MULTIBOOT_MAGIC = 0x1BADB002;
    /** Bytes of the file a Multiboot loader searches for the header. */
    private static final int MULTIBOOT_SEARCH = 8192;
    /** Bytes of the header with the a.out-kludge fields: magic, flags, checksum and five addresses. */
    private static final int MULTIBOOT_HEADER_SIZE = 32;
    /** Header flag: the loader must provide memory information. */
    private static final int MULTIBOOT_MEMORY_INFO = 1 << 1;
    /** Header flag: the a.out-kludge address fields are valid. */
    private static final int MULTIBOOT_AOUT_KLUDGE = 1 << 16;
    /** Header flags bits 0-15 a loader must understand; this OS asks only for memory information. */
    private static final int MULTIBOOT_REQUIRED_MASK = 0xFFFF;

    private record Segment(int type, int flags, long offset, long paddr, long fileSize, long memSize) {
    }

    /** The a.out-kludge Multiboot header found at file offset {@code offset}. */
    private record MultibootHeader(int offset, int flags, long headerAddr, long loadAddr, long loadEndAddr,
                                   long bssEndAddr, long entryAddr) {
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

    private static List<Segment> loads(ByteBuffer elf) {
        return segments(elf).stream().filter(s -> s.type() == PT_LOAD).toList();
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

    /** The first Multiboot header with a valid checksum in the first 8 KiB, searched as loaders do. */
    private static Optional<MultibootHeader> multibootHeader(ByteBuffer elf) {
        int limit = Math.min(MULTIBOOT_SEARCH, elf.capacity()) - MULTIBOOT_HEADER_SIZE;
        for (int at = 0; at <= limit; at += 4) {
            int flags = elf.getInt(at + 4);
            if (elf.getInt(at) == MULTIBOOT_MAGIC && MULTIBOOT_MAGIC + flags + elf.getInt(at + 8) == 0) {
                return Optional.of(new MultibootHeader(at, flags, u32(elf, at + 12), u32(elf, at + 16),
                        u32(elf, at + 20), u32(elf, at + 24), u32(elf, at + 28)));
            }
        }
        return Optional.empty();
    }

    private static long u32(ByteBuffer elf, int at) {
        return Integer.toUnsignedLong(elf.getInt(at));
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    @ParameterizedTest
    @EnumSource(BootImage.class)
    void isAnX86_64ExecutableLoadedAtOneMiB(BootImage image) {
        ByteBuffer elf = image.elf();
        assertEquals(0x7f454c46, elf.order(ByteOrder.BIG_ENDIAN).getInt(0), "ELF magic");
        elf.order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, elf.get(4), "EI_CLASS must be ELFCLASS64");
        assertEquals(1, elf.get(5), "EI_DATA must be little-endian");
        assertEquals(ET_EXEC, elf.getShort(0x10), "e_type");
        assertEquals(EM_X86_64, elf.getShort(0x12), "e_machine");

        List<Segment> loads = loads(elf);
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
        ByteBuffer elf = BootImage.PVH.elf();
        List<Segment> segments = segments(elf);
        long entry = pvhEntry(elf, segments).orElseThrow(
                () -> new AssertionError("no Xen note of type XEN_ELFNOTE_PHYS32_ENTRY in any PT_NOTE: " + segments));
        Segment text = segments.stream().filter(s -> s.type() == PT_LOAD && (s.flags() & PF_X) != 0).findFirst()
                .orElseThrow(() -> new AssertionError("no executable PT_LOAD: " + segments));
        assertTrue(entry >= text.paddr() && entry < text.paddr() + text.fileSize(),
                "PVH entry 0x" + Long.toHexString(entry) + " outside the executable segment " + text);
    }

    /** QEMU tries Multiboot before PVH: a header in the PVH image would turn every PVH run into a Multiboot one. */
    @Test
    void pvhImageHasNoMultibootHeader() {
        assertEquals(Optional.empty(), multibootHeader(BootImage.PVH.elf()));
    }

    @Test
    void multibootImageHasNoPvhNote() {
        ByteBuffer elf = BootImage.MULTIBOOT.elf();
        assertEquals(Optional.empty(), pvhEntry(elf, segments(elf)));
    }

    @Test
    void multibootHeaderAsksForMemoryInfoThroughTheAoutKludge() {
        MultibootHeader header = multibootHeader(BootImage.MULTIBOOT.elf()).orElseThrow(
                () -> new AssertionError("no Multiboot header with a valid checksum in the first 8 KiB"));
        assertTrue(header.offset() % 4 == 0 && header.offset() + MULTIBOOT_HEADER_SIZE <= MULTIBOOT_SEARCH,
                "header at file offset " + header.offset());
        assertEquals(MULTIBOOT_MEMORY_INFO | MULTIBOOT_AOUT_KLUDGE, header.flags(), "header flags");
        assertEquals(MULTIBOOT_MEMORY_INFO, header.flags() & MULTIBOOT_REQUIRED_MASK,
                "required-feature bits a loader may not support");
    }

    /**
     * The a.out kludge loads the file from (header offset - (header_addr - load_addr)) for load_end_addr - load_addr
     * bytes to load_addr and zeroes up to bss_end_addr: that must reproduce every PT_LOAD exactly.
     */
    @Test
    void multibootAddressesLoadExactlyTheElfSegments() {
        ByteBuffer elf = BootImage.MULTIBOOT.elf();
        MultibootHeader header = multibootHeader(elf).orElseThrow(() -> new AssertionError("no Multiboot header"));
        List<Segment> loads = loads(elf);
        long fileBackedEnd = loads.stream().mapToLong(s -> s.paddr() + s.fileSize()).max().orElseThrow();
        long memoryEnd = loads.stream().mapToLong(s -> s.paddr() + s.memSize()).max().orElseThrow();
        assertEquals(LOAD_ADDRESS, header.loadAddr(), "load_addr");
        assertEquals(fileBackedEnd, header.loadEndAddr(), "load_end_addr: end of the file-backed segments " + loads);
        assertEquals(memoryEnd, header.bssEndAddr(), "bss_end_addr: end of the segments in memory " + loads);
        assertTrue(header.headerAddr() >= header.loadAddr(), "header_addr below load_addr: " + header);

        long loadOffset = header.offset() - (header.headerAddr() - header.loadAddr());
        assertTrue(loadOffset >= 0, "the kludge would load from file offset " + loadOffset);
        assertTrue(loadOffset + (header.loadEndAddr() - header.loadAddr()) <= elf.capacity(),
                "load_end_addr lies beyond the end of the file: " + header);
        byte[] file = BootImage.MULTIBOOT.bytes();
        for (Segment load : loads) {
            int fromKludge = (int) (loadOffset + load.paddr() - header.loadAddr());
            byte[] expected = Arrays.copyOfRange(file, (int) load.offset(), (int) (load.offset() + load.fileSize()));
            byte[] loaded = Arrays.copyOfRange(file, fromKludge, (int) (fromKludge + load.fileSize()));
            assertArrayEquals(expected, loaded, "bytes the a.out kludge loads for " + load);
        }

        Segment text = loads.stream().filter(s -> (s.flags() & PF_X) != 0).findFirst()
                .orElseThrow(() -> new AssertionError("no executable PT_LOAD: " + loads));
        assertTrue(header.entryAddr() >= text.paddr() && header.entryAddr() < text.paddr() + text.fileSize(),
                "entry_addr 0x" + Long.toHexString(header.entryAddr()) + " outside the executable segment " + text);
        assertEquals(header.entryAddr(), elf.getLong(0x18), "e_entry and entry_addr name the same entry");
    }

    @Test
    void writeToWritesTheSameBytes(@TempDir Path dir) throws IOException {
        Path file = TestOsImage.writeTo(dir.resolve("nested"));
        assertEquals(dir.resolve("nested").resolve(TestOsImage.FILE_NAME), file);
        assertArrayEquals(TestOsImage.bytes(), Files.readAllBytes(file));
    }

    @Test
    void writeMultibootToWritesTheSameBytes(@TempDir Path dir) throws IOException {
        Path file = TestOsImage.writeMultibootTo(dir.resolve("nested"));
        assertEquals(dir.resolve("nested").resolve(TestOsImage.MULTIBOOT_FILE_NAME), file);
        assertArrayEquals(TestOsImage.multibootBytes(), Files.readAllBytes(file));
    }
}
