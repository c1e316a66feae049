package dev.jkvm.launcher;

import dev.jkvm.testos.TestOsImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.jkvm.launcher.CommandLineErrorsTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real jkvm command with {@code -drive} and {@code -device virtio-blk-pci}: a bad drive is one line on stderr
 * and status 1 before any guest runs; a good one leaves the demo guest booting and powering off as before.
 */
class DriveCommandLineTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** Size of the images these tests attach: a few sectors are enough for a drive nobody reads. */
    private static final long IMAGE_BYTES = 1 << 20;
    /** What the demo guest prints under jkvm's default 128 MiB, one vCPU. */
    private static final String DEMO_LINE = "jkvm test OS: 1 CPU(s), 128 MiB RAM";

    @TempDir
    Path dir;

    private Path image(String name) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, new byte[(int) IMAGE_BYTES]);
        return file;
    }

    @ParameterizedTest(name = "-drive {0}")
    @CsvSource(delimiter = '|', value = {
            "format=qcow2|format=qcow2: jkvm supports only raw images",
            "if=ide|if=ide: jkvm supports if=virtio and if=none",
            "frob=1|unknown property 'frob'",
            "cache=unsafe|cache=unsafe: jkvm supports cache=writeback and cache=none",
            "readonly=maybe|readonly=maybe: expected 'on' or 'off'",
    })
    void badDriveOptionsAreOneLineAndStatusOne(String option, String problem) throws Exception {
        String drive = "file=" + image("a.img") + "," + option;
        assertOneLineError(JkvmProcess.run(LIMIT, "-drive", drive), "-drive " + drive + ": " + problem);
    }

    @Test
    void aDeviceNamingNoDrive() throws Exception {
        String drive = "file=" + image("a.img") + ",if=none,id=d1";
        assertOneLineError(JkvmProcess.run(LIMIT, "-drive", drive, "-device", "virtio-blk-pci,drive=d2"),
                "-device virtio-blk-pci,drive=d2: no -drive has id=d2");
    }

    @Test
    void aMissingImageNamesTheFileAndTheErrno() throws Exception {
        Path missing = dir.resolve("missing.img");
        JkvmProcess p = JkvmProcess.run(LIMIT, "-drive", "file=" + missing + ",format=raw,if=virtio");
        assertOneLineError(p, missing.toString());
        assertOneLineError(p, "ENOENT");
    }

    @Test
    void aDirectoryIsNoImage() throws Exception {
        JkvmProcess p = JkvmProcess.run(LIMIT, "-drive", "file=" + dir + ",format=raw,if=virtio");
        assertOneLineError(p, dir.toString());
    }

    @Test
    void theDemoGuestStillBootsWithDrivesAttachedBothWays() throws Exception {
        JkvmProcess p = JkvmProcess.run(LIMIT, "-drive", "file=" + image("a.img") + ",format=raw,if=virtio,serial=a",
                "-drive", "file=" + image("b,c.img").toString().replace(",", ",,") + ",if=none,id=d1,cache=none",
                "-device", "virtio-blk-pci,drive=d1,serial=b");
        assertEquals(0, p.status(), "power-off status; stderr: " + p.stderr());
        assertEquals(DEMO_LINE + "\n", p.stdout().replace("\r\n", "\n"));
        assertEquals("", p.stderr());
    }

    @Test
    void aSpareIfNoneDriveIsAccepted() throws Exception {
        JkvmProcess p = JkvmProcess.run(LIMIT, "-drive", "file=" + image("spare.img") + ",if=none,id=spare");
        assertEquals(0, p.status(), "power-off status; stderr: " + p.stderr());
        assertEquals(DEMO_LINE + "\n", p.stdout().replace("\r\n", "\n"));
        assertEquals("", p.stderr());
    }

    @Test
    void isaDebugExitStillEndsTheRunBesideABlockDevice() throws Exception {
        Path elf = TestOsImage.writeTo(dir);
        JkvmProcess p = JkvmProcess.run(LIMIT, "-kernel", elf.toString(), "-append", "test=selftest",
                "-drive", "file=" + image("a.img") + ",if=virtio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
        assertEquals(1, p.status(), "isa-debug-exit PASS status; stderr: " + p.stderr());
        assertEquals("PASS selftest\n", p.stdout().replace("\r\n", "\n"));
    }
}
