package dev.jkvm.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets one line on stderr that names the problem, and a non-zero exit. */
class CommandLineErrorsTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    static void assertOneLineError(JkvmProcess p, String expectedFragment) {
        assertEquals(1, p.status(), "exit status; stderr: " + p.stderr());
        List<String> lines = p.stderr().lines().toList();
        assertEquals(1, lines.size(), "exactly one line on stderr, got: " + p.stderr());
        assertTrue(lines.getFirst().startsWith("jkvm: "), lines.getFirst());
        assertTrue(lines.getFirst().contains(expectedFragment), "expected '" + expectedFragment + "' in: " + lines.getFirst());
        assertEquals("", p.stdout(), "nothing on stdout");
    }

    @Test
    void unknownOption() throws Exception {
        assertOneLineError(JkvmProcess.run(LIMIT, "-frobnicate"), "Unknown option: '-frobnicate'");
    }

    @Test
    void missingKernelFile() throws Exception {
        assertOneLineError(JkvmProcess.run(LIMIT, "-kernel", "/nonexistent/vmlinux"),
                "kernel /nonexistent/vmlinux: no such file");
    }

    @Test
    void kernelThatIsNotAnElf(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk.bin");
        Files.writeString(junk, "this is not a kernel\n");
        assertOneLineError(JkvmProcess.run(LIMIT, "-kernel", junk.toString()), junk + ": not a kernel jkvm can boot");
    }

    @Test
    void truncatedElfKernel(@TempDir Path dir) throws Exception {
        Path elf = dir.resolve("cut.elf");
        byte[] full = dev.jkvm.testos.TestOsImage.bytes();
        Files.write(elf, java.util.Arrays.copyOf(full, full.length / 2));
        assertOneLineError(JkvmProcess.run(LIMIT, "-kernel", elf.toString()), "truncated");
    }

    @Test
    void zeroRam() throws Exception {
        assertOneLineError(JkvmProcess.run(LIMIT, "-m", "0"), "-m 0: RAM size must be greater than zero");
    }

    @Test
    void ramLargerThanTheHostCanMap() throws Exception {
        assertOneLineError(JkvmProcess.run(LIMIT, "-m", "1000T"), "cannot map 1000 TiB of guest RAM");
    }

    @Test
    void ramThatIsNotASize() throws Exception {
        assertOneLineError(JkvmProcess.run(LIMIT, "-m", "lots"), "-m lots: not a size");
    }

    @Test
    void noKvmDevice() throws Exception {
        assertOneLineError(JkvmProcess.run(LIMIT, "-kvm-device", "/nonexistent/kvm"),
                "/nonexistent/kvm not found (ENOENT): KVM is not available on this host");
    }

    @Test
    void noPermissionOnKvmDevice(@TempDir Path dir) throws Exception {
        // Root may open anything, so run this one as root without the capabilities that bypass file modes,
        // against a device path whose mode grants nobody access.
        Path device = dir.resolve("kvm");
        Files.createFile(device);
        Files.setPosixFilePermissions(device, java.util.Set.of());
        assertTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is needed to drop capabilities");
        JkvmProcess p = JkvmProcess.run(LIMIT, List.of("/usr/bin/setpriv", "--inh-caps=-all",
                "--bounding-set=-dac_override,-dac_read_search"), "-kvm-device", device.toString());
        assertOneLineError(p, "no permission to open " + device + " (EACCES)");
    }

    @Test
    void unknownLogItem() throws Exception {
        assertOneLineError(JkvmProcess.run(LIMIT, "-d", "int,unimp"), "-d int,unimp: unknown log item 'int'");
    }

    @Test
    void unimpLogsEachUnclaimedPortOnce(@TempDir Path dir) throws Exception {
        Path elf = dev.jkvm.testos.TestOsImage.writeTo(dir);
        JkvmProcess p = JkvmProcess.run(LIMIT, "-d", "unimp", "-kernel", elf.toString(), "-append", "test=unclaimed",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
        assertEquals(1, p.status(), p.stderr());
        assertEquals(List.of("jkvm: port I/O: unclaimed 1-byte read at 0x2f0 (logged once per address)",
                "jkvm: port I/O: unclaimed 2-byte read at 0x2f2 (logged once per address)",
                "jkvm: port I/O: unclaimed 4-byte read at 0x2f4 (logged once per address)"), p.stderr().lines().toList());
    }

    @Test
    void unknownDevice() throws Exception {
        assertOneLineError(JkvmProcess.run(LIMIT, "-device", "e1000"), "-device e1000: unknown device");
    }

    @Test
    void badSmp() throws Exception {
        assertOneLineError(JkvmProcess.run(LIMIT, "-smp", "two"), "-smp two: cpus=two is not a number");
    }
}
