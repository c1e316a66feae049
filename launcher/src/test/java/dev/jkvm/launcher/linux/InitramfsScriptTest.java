package dev.jkvm.launcher.linux;

import dev.jkvm.launcher.linux.NewcArchive.Entry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/build-initramfs makes what Linux needs to run its /init: a gzip'd newc archive with an executable /init
 * that prints {@link KernelConsole#INITRAMFS_MARKER}, a static busybox, the console node; and it reuses its cache.
 * (The boot that runs it is {@link DebianKernelUnderQemuTest#initramfsInitRunsAndPowersOffUnderTcg()}.)
 */
class InitramfsScriptTest {

    /** Once built, the script only hashes its inputs. */
    private static final Duration CACHED_LIMIT = Duration.ofSeconds(10);
    /** ELF program header type of the interpreter path: a dynamically linked program has one. */
    private static final int PT_INTERP = 3;
    /** ELF64 header offset of e_phoff, where the program headers start. */
    private static final int E_PHOFF = 0x20;
    /** ELF64 header offset of e_phentsize, the size of one program header. */
    private static final int E_PHENTSIZE = 0x36;
    /** ELF64 header offset of e_phnum, the number of program headers. */
    private static final int E_PHNUM = 0x38;
    /** The ELF magic. */
    private static final byte[] ELF_MAGIC = {0x7F, 'E', 'L', 'F'};
    /** Major number of /dev/console (Documentation/admin-guide/devices.txt). */
    private static final int CONSOLE_MAJOR = 5;
    /** Minor number of /dev/console. */
    private static final int CONSOLE_MINOR = 1;

    private static NewcArchive read(Path initramfs) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(initramfs))) {
            return NewcArchive.parse(in.readAllBytes());
        }
    }

    @Test
    void initPrintsTheMarkerAndPowersOff() throws Exception {
        NewcArchive archive = read(ProjectScripts.initramfs());
        Entry init = archive.entry("init").orElseThrow(() -> new AssertionError("no /init in " + archive.entries()));

        assertAll(
                () -> assertEquals(NewcArchive.S_IFREG, init.type(), "/init is a regular file"),
                () -> assertEquals(0755, init.permissions(), "/init is executable"),
                () -> assertTrue(init.text().startsWith("#!/bin/busybox sh\n"), init.text()),
                () -> assertTrue(init.text().contains("echo \"" + KernelConsole.INITRAMFS_MARKER + " on Linux "),
                        init.text()),
                () -> assertTrue(init.text().contains("/bin/busybox mount -t proc proc /proc\n"), init.text()),
                () -> assertTrue(init.text().contains("/bin/busybox mount -t sysfs sysfs /sys\n"), init.text()),
                () -> assertTrue(init.text().strip().endsWith("/bin/busybox poweroff -f"), init.text()));
    }

    @Test
    void busyboxIsStaticAndTheMountPointsAndConsoleExist() throws Exception {
        NewcArchive archive = read(ProjectScripts.initramfs());
        Entry busybox = archive.entry("bin/busybox").orElseThrow(() -> new AssertionError("no /bin/busybox"));

        assertAll(
                () -> assertEquals(0755, busybox.permissions()),
                () -> assertArrayEquals(ELF_MAGIC, Arrays.copyOf(busybox.data(), ELF_MAGIC.length)),
                () -> assertFalse(hasInterpreter(busybox.data()), "busybox must be static: the initramfs has no libc"),
                () -> assertEquals(NewcArchive.S_IFDIR, archive.entry("proc").orElseThrow().type()),
                () -> assertEquals(NewcArchive.S_IFDIR, archive.entry("sys").orElseThrow().type()),
                () -> assertTrue(archive.entries().stream().allMatch(e -> e.uid() == 0 && e.gid() == 0),
                        "every entry belongs to root"));
        if (System.getProperty("user.name").equals("root")) {
            Entry console = archive.entry("dev/console")
                    .orElseThrow(() -> new AssertionError("built as root, but no /dev/console"));
            assertEquals(List.of(NewcArchive.S_IFCHR, CONSOLE_MAJOR, CONSOLE_MINOR),
                    List.of(console.type(), console.rdevMajor(), console.rdevMinor()));
        } else {
            assertTrue(archive.entry("dev").isPresent(), "no /dev for the kernel's own /dev/console");
        }
    }

    @Test
    void aSecondRunReusesTheCachedArchive() throws Exception {
        Path first = ProjectScripts.initramfs();
        byte[] bytes = Files.readAllBytes(first);
        long start = System.nanoTime();
        Path second = ProjectScripts.initramfs();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(first, second);
        assertArrayEquals(bytes, Files.readAllBytes(second));
        assertTrue(took.compareTo(CACHED_LIMIT) < 0, "a cached run took " + took);
        assertFalse(first.startsWith(ProjectScripts.repositoryRoot()), "the cache must be outside the repository");
    }

    private static boolean hasInterpreter(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(E_PHOFF);
        int phentsize = Short.toUnsignedInt(b.getShort(E_PHENTSIZE));
        int phnum = Short.toUnsignedInt(b.getShort(E_PHNUM));
        for (int i = 0; i < phnum; i++) {
            if (b.getInt((int) (phoff + (long) i * phentsize)) == PT_INTERP) {
                return true;
            }
        }
        return false;
    }
}
