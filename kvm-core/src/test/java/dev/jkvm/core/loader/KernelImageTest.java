package dev.jkvm.core.loader;

import dev.jkvm.core.x86.SetupHeader;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Telling kernels apart, and every way a bzImage or Multiboot header can be refused before anything is loaded. */
class KernelImageTest {
    private static final byte[] PAYLOAD = TestImages.compress(PayloadFormat.GZIP, TestImages.probeVmlinux());

    @Test
    void identifiesEachKindLikeQemu() {
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern(), TestImages.probe64(), PAYLOAD);
        BzImage image = assertInstanceOf(BzImage.class, KernelImage.identify("bz", bz));
        assertEquals(0x020F, image.header().version());
        assertEquals(5 * 512, image.header().setupSize());
        assertEquals(0x26C - SetupHeader.OFFSET, image.header().length(), "header extent from the jump at 0x200");
        assertEquals(2047, image.header().cmdlineSize());
        assertEquals(0x7FFF_FFFFL, image.header().initrdAddrMax());
        assertEquals(TestImages.VMLINUX_LOAD, image.header().prefAddress());
        assertTrue(image.header().relocatable());
        assertEquals(PAYLOAD.length, image.payload().length);

        byte[] elf = TestImages.elf(2, 0x100000, List.of(TestImages.Segment.at(0x100000, new byte[16])), 0x100000L);
        assertInstanceOf(ElfKernel.class, KernelImage.identify("pvh", elf));

        // An ELF with a Multiboot header is a Multiboot kernel, as QEMU tries Multiboot before the PVH note.
        byte[] header = TestImages.multibootHeader(0x3, 0, 0, 0, 0, 0);
        byte[] mb = TestImages.elf(1, 0x10000C, List.of(TestImages.Segment.at(0x100000,
                Arrays.copyOf(header, 12))), 0x100000L);
        MultibootImage multiboot = assertInstanceOf(MultibootImage.class, KernelImage.identify("mb", mb));
        assertFalse(multiboot.header().hasAoutKludge());
    }

    @Test
    void aFileOfNoSupportedKindIsOneClearLine() {
        KernelLoadException e = assertThrows(KernelLoadException.class,
                () -> KernelImage.identify("notes.txt", "just some text, not a kernel".getBytes()));
        assertEquals("notes.txt: not a kernel jkvm can boot: no ELF header, bzImage setup header or multiboot "
                + "header found", e.getMessage());
        assertThrows(KernelLoadException.class, () -> KernelImage.identify("empty", new byte[0]));

        byte[] badChecksum = new byte[64];
        System.arraycopy(TestImages.multibootHeader(0x3, 0, 0, 0, 0, 0), 0, badChecksum, 16, 12);
        badChecksum[24] ^= 1;
        e = assertThrows(KernelLoadException.class, () -> KernelImage.identify("mb.bin", badChecksum));
        assertTrue(e.getMessage().endsWith("(a Multiboot magic at 0x10 has a bad checksum)"), e.getMessage());
    }

    @Test
    void bzImagesOlderThanProtocol212OrWithoutThe64BitEntryAreRefused() {
        TestImages.BzFields modern = TestImages.BzFields.modern();
        assertMessage("bz: Linux boot protocol 2.11 is too old: jkvm needs 2.12 or newer for the 64-bit entry point",
                TestImages.bzImage(modern.withVersion(0x020B), TestImages.probe64(), PAYLOAD));
        assertMessage("bz: a 32-bit-only kernel (xloadflags 0x2 lacks XLF_KERNEL_64): jkvm boots 64-bit kernels",
                TestImages.bzImage(modern.withXloadflags(2), TestImages.probe64(), PAYLOAD));
    }

    @Test
    void truncatedBzImagesAreRefused() {
        byte[] full = TestImages.bzImage(TestImages.BzFields.modern().withSetupSects(30), TestImages.probe64(),
                PAYLOAD);
        assertMessage("bz: truncated bzImage: setup_sects=30 puts the protected-mode kernel at 0x3e00, but the file "
                + "has only 4096 bytes", Arrays.copyOf(full, 4096));
        byte[] cut = Arrays.copyOf(full, full.length - 10);
        KernelLoadException e = assertThrows(KernelLoadException.class, () -> KernelImage.identify("bz", cut));
        assertTrue(e.getMessage().startsWith("bz: truncated bzImage: the payload at 0x400+0x"), e.getMessage());
        assertTrue(e.getMessage().endsWith("lies beyond the end of the protected-mode kernel ("
                + (cut.length - 31 * 512) + " bytes)"), e.getMessage());
        assertMessage("bz: truncated: the setup header ends at 0x26c, the file has only 600 bytes",
                Arrays.copyOf(full, 600));
    }

    @Test
    void aWrongBootFlagIsRefused() {
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern(), TestImages.probe64(), PAYLOAD);
        bz[0x1FE] = 0;
        assertMessage("bz: setup header boot_flag is 0xaa00, not 0xaa55", bz);
    }

    @Test
    void multibootHeadersAskingForUnknownFeaturesOrCutShortAreRefused() {
        byte[] file = new byte[8192 + 64];
        System.arraycopy(TestImages.multibootHeader(0x3 | 0x8, 0, 0, 0, 0, 0), 0, file, 64, 12);
        KernelLoadException e = assertThrows(KernelLoadException.class, () -> KernelImage.identify("mb", file));
        assertEquals("mb: Multiboot header flags 0xb require features jkvm does not have (bits 0x8)", e.getMessage());

        byte[] kludge = TestImages.multibootHeader(0x10003, 0x100000, 0x100000, 0, 0, 0x100020);
        byte[] cut = Arrays.copyOf(kludge, 20);
        e = assertThrows(KernelLoadException.class, () -> KernelImage.identify("mb", cut));
        assertEquals("mb: truncated: the Multiboot header at 0x0 needs 32 bytes for its address fields, the file has 20",
                e.getMessage());

        // Beyond the first 8 KiB a header does not count.
        byte[] late = new byte[8192 + 64];
        System.arraycopy(TestImages.multibootHeader(0x3, 0, 0, 0, 0, 0), 0, late, 8192, 12);
        assertTrue(MultibootHeader.find("late", late).isEmpty());
    }

    private static void assertMessage(String expected, byte[] file) {
        KernelLoadException e = assertThrows(KernelLoadException.class, () -> KernelImage.identify("bz", file));
        assertEquals(expected, e.getMessage());
    }
}
