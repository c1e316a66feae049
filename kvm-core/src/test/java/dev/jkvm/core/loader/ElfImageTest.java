package dev.jkvm.core.loader;

import dev.jkvm.core.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElfImageTest {
    /** Builds a minimal ELF64 executable: one PT_LOAD of {@code payload} at {@code paddr}, optionally a PVH note. */
    static byte[] elf(long paddr, byte[] payload, Long pvhEntry, int elfClass, int machine) {
        int phnum = pvhEntry == null ? 1 : 2;
        int noteSize = 12 + 4 + 4; // header, "Xen\0", 4-byte descriptor
        int dataStart = 64 + 56 * phnum;
        ByteBuffer b = ByteBuffer.allocate(dataStart + noteSize + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', (byte) elfClass, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) machine).putInt(1).putLong(paddr).putLong(64).putLong(0);
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) phnum)
                .putShort((short) 64).putShort((short) 0).putShort((short) 0);
        int payloadAt = dataStart + noteSize;
        b.position(64);
        b.putInt(1).putInt(5).putLong(payloadAt).putLong(paddr).putLong(paddr)
                .putLong(payload.length).putLong(payload.length + 16L).putLong(0x1000);
        if (pvhEntry != null) {
            b.putInt(4).putInt(4).putLong(dataStart).putLong(0).putLong(0)
                    .putLong(noteSize).putLong(noteSize).putLong(4);
        }
        b.position(dataStart);
        b.putInt(4).putInt(4).putInt(ElfImage.XEN_ELFNOTE_PHYS32_ENTRY).put(new byte[] {'X', 'e', 'n', 0});
        b.putInt(pvhEntry == null ? 0 : (int) (long) pvhEntry);
        b.put(payload);
        return b.array();
    }

    @Test
    void findsSegmentsAndThePvhEntry() {
        byte[] file = elf(0x100000, new byte[] {1, 2, 3, 4}, 0x100040L, 2, 62);
        ElfImage image = ElfImage.parse("k", file);
        assertEquals(0x100040L, image.pvhEntry().getAsLong());
        assertEquals(1, image.segments().size());
        assertEquals(0x100000, image.segments().getFirst().physicalAddress());
        try (GuestMemory memory = GuestMemory.allocateX86(2L << 20, false)) {
            memory.write(0x100004, new byte[] {9, 9});
            ElfLoader.load(image, file, memory);
            byte[] loaded = memory.read(0x100000, 20);
            byte[] expected = new byte[20];
            System.arraycopy(new byte[] {1, 2, 3, 4}, 0, expected, 0, 4);
            assertArrayEquals(expected, loaded, "file bytes copied, the rest of p_memsz zeroed");
        }
    }

    @Test
    void readsElf32ExecutablesToo() {
        byte[] file = TestImages.elf(1, 0xC010_0010L, java.util.List.of(
                new TestImages.Segment(0x100000, 0xC010_0000L, new byte[] {5, 6, 7}, 0x2000)), 0x100000L);
        ElfImage image = ElfImage.parse("k32", file);
        assertEquals(ElfImage.ElfClass.ELF32, image.elfClass());
        assertEquals(new ElfImage.LoadSegment(0x100000, 0xC010_0000L, image.segments().getFirst().fileOffset(), 3,
                0x2000), image.segments().getFirst());
        assertEquals(0x100000L, image.pvhEntry().getAsLong());
        assertEquals(0x100010L, image.physicalEntry(), "virtual e_entry translated through its segment");
        assertEquals(0x102000L, image.physicalEnd());
        assertMessage("ELF machine 3 is not x86-64", () -> ElfImage.parse("k", elf(0x100000, new byte[8], 1L, 2, 3)));
    }

    @Test
    void noPvhNoteIsReported() {
        ElfImage image = ElfImage.parse("k", elf(0x100000, new byte[8], null, 2, 62));
        assertTrue(image.pvhEntry().isEmpty());
    }

    @Test
    void rejectsWhatIsNotALoadableX8664Elf() {
        assertMessage("not an ELF", () -> ElfImage.parse("k", "hello world, not a kernel".getBytes()));
        assertMessage("not an ELF", () -> ElfImage.parse("k", new byte[0]));
        assertMessage("ELF class 3 is not supported", () -> ElfImage.parse("k", elf(0x100000, new byte[8], 1L, 3, 62)));
        assertMessage("ELF machine 62 is not i386", () -> ElfImage.parse("k", elf(0x100000, new byte[8], 1L, 1, 62)));
        assertMessage("not x86-64", () -> ElfImage.parse("k", elf(0x100000, new byte[8], 1L, 2, 183)));
        byte[] full = elf(0x100000, new byte[4096], 0x100000L, 2, 62);
        assertMessage("truncated", () -> ElfImage.parse("k", Arrays.copyOf(full, full.length - 100)));
        assertMessage("truncated", () -> ElfImage.parse("k", Arrays.copyOf(full, 40)));
    }

    @Test
    void segmentOutsideRamIsRefused() {
        byte[] file = elf(0x7FF000, new byte[0x2000], 0x7FF000L, 2, 62);
        ElfImage image = ElfImage.parse("big", file);
        try (GuestMemory memory = GuestMemory.allocateX86(8L << 20, false)) {
            assertMessage("does not fit in guest RAM", () -> ElfLoader.load(image, file, memory));
        }
    }

    static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        KernelLoadException e = assertThrows(KernelLoadException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
