package dev.jkvm.launcher.linux;

import dev.jkvm.core.loader.ElfImage;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/fetch-test-kernel yields a 64-bit bzImage of a Debian cloud kernel and its decompressed vmlinux with a
 * PVH entry, from a cache outside the repository that makes a second call quick.
 */
class FetchTestKernelScriptTest {

    /** Once cached, the script does not consult apt at all. */
    private static final Duration CACHED_LIMIT = Duration.ofSeconds(10);
    /** Boot protocol: offset of the setup header's "HdrS" magic. */
    private static final int HEADER_MAGIC_OFFSET = 0x202;
    /** Boot protocol: offset of the header version (major in the high byte). */
    private static final int VERSION_OFFSET = 0x206;
    /** Boot protocol: offset of xloadflags (2.12 and later). */
    private static final int XLOADFLAGS_OFFSET = 0x236;
    /** "HdrS" as the header stores it. */
    private static final String HEADER_MAGIC = "HdrS";
    /** Boot protocol 2.12, the first with xloadflags and the 64-bit entry. */
    private static final int PROTOCOL_2_12 = 0x020C;
    /** xloadflags bit: the kernel has the 64-bit entry at 0x200. */
    private static final int XLF_KERNEL_64 = 1;
    /** Enough of the bzImage for the setup header. */
    private static final int SETUP_HEADER_BYTES = 0x300;

    @Test
    void vmlinuzIsADebianCloudBzImageWithThe64BitEntry() throws Exception {
        Path vmlinuz = ProjectScripts.kernelImage();
        byte[] head;
        try (InputStream in = Files.newInputStream(vmlinuz)) {
            head = in.readNBytes(SETUP_HEADER_BYTES);
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);

        assertTrue(vmlinuz.getFileName().toString().matches("vmlinuz-.*-cloud-amd64"), vmlinuz.toString());
        assertEquals(HEADER_MAGIC, new String(head, HEADER_MAGIC_OFFSET, HEADER_MAGIC.length(), StandardCharsets.US_ASCII));
        assertTrue(Short.toUnsignedInt(b.getShort(VERSION_OFFSET)) >= PROTOCOL_2_12,
                "boot protocol " + Integer.toHexString(b.getShort(VERSION_OFFSET)));
        assertEquals(XLF_KERNEL_64, b.getShort(XLOADFLAGS_OFFSET) & XLF_KERNEL_64, "XLF_KERNEL_64");
        assertFalse(vmlinuz.startsWith(ProjectScripts.repositoryRoot()), "the cache must be outside the repository");
    }

    @Test
    void vmlinuxIsTheDecompressedElfWithAPvhEntry() throws Exception {
        Path vmlinux = ProjectScripts.kernelElf();
        ElfImage elf = ElfImage.parse(vmlinux.toString(), Files.readAllBytes(vmlinux));

        assertTrue(elf.pvhEntry().isPresent(), "no Xen PVH entry note in " + vmlinux);
        assertFalse(elf.segments().isEmpty());
    }

    @Test
    void aSecondCallIsQuickAndGivesTheSameFiles() throws Exception {
        Path vmlinuz = ProjectScripts.kernelImage();
        Path vmlinux = ProjectScripts.kernelElf();
        long start = System.nanoTime();
        assertEquals(vmlinuz, ProjectScripts.kernelImage());
        assertEquals(vmlinux, ProjectScripts.kernelElf());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(took.compareTo(CACHED_LIMIT) < 0, "two cached calls took " + took);
    }

    @Test
    void rejectsAnUnknownSeriesWithAClearError() throws InterruptedException {
        ProjectScripts.ScriptResult result = ProjectScripts.run(List.of(
                ProjectScripts.repositoryRoot().resolve(ProjectScripts.FETCH_TEST_KERNEL).toString(), "--series", "six"));

        assertEquals(3, result.status(), "the status of a failure the script explains");
        assertEquals("", result.stdout());
        assertEquals("fetch-test-kernel: --series needs X.Y (e.g. 6.1) or 'any', got 'six'", result.stderr().strip());
    }
}
