package dev.jkvm.launcher;

import dev.jkvm.testos.TestOsImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the jkvm command ends when the guest resets, triple-faults, or runs into an instruction KVM cannot emulate. */
class GuestEndingsTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    @Test
    void aResetEndsJkvmLikeQemuNoReboot() throws Exception {
        JkvmProcess p = JkvmProcess.run(LIMIT, "-kernel", TestOsImage.writeTo(dir).toString(), "-append", "test=reset");
        assertEquals(0, p.status(), p.stderr());
        assertEquals("reset: pulsing the i8042 reset line\n", p.stdout().replace("\r\n", "\n"));
        assertEquals("", p.stderr());
    }

    @Test
    void aTripleFaultIsReportedWithTheRegisters() throws Exception {
        JkvmProcess p = JkvmProcess.run(LIMIT, "-kernel", TestOsImage.writeTo(dir).toString(),
                "-append", "test=triple-fault");
        assertEquals(2, p.status(), p.stderr());
        List<String> lines = p.stderr().lines().toList();
        assertEquals(1, lines.size(), p.stderr());
        assertTrue(lines.getFirst().startsWith("jkvm: vcpu-0: triple fault (CPU shutdown); RIP="), lines.getFirst());
        assertTrue(lines.getFirst().contains(" CR0=80000011 ") && lines.getFirst().contains(" EFER=500"), lines.getFirst());
    }

    @Test
    void anEmulationFailureIsReportedAndEndsJkvm() throws Exception {
        JkvmProcess p = JkvmProcess.run(LIMIT, "-kernel", TestOsImage.writeTo(dir).toString(),
                "-append", "test=exec-mmio");
        assertEquals(2, p.status(), p.stderr());
        assertTrue(p.stderr().startsWith("jkvm: vcpu-0: KVM could not emulate an instruction"), p.stderr());
        assertTrue(p.stderr().contains("RIP=00000000d0000000"), p.stderr());
    }

    @Test
    void actionRebootResetBootsTheGuestAgain() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "-action", "reboot=reset", "-kernel", TestOsImage.writeTo(dir).toString(), "-append", "test=reset"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            int boots = 0;
            for (String line = out.readLine(); line != null && boots < 3; line = out.readLine()) {
                if (line.strip().equals("reset: pulsing the i8042 reset line")) {
                    boots++;
                }
            }
            assertEquals(3, boots, "the guest booted again after each reset");
            assertTrue(process.isAlive(), "jkvm keeps rebooting");
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void rebootResetContradictsNoReboot() throws Exception {
        JkvmProcess p = JkvmProcess.run(LIMIT, "-action", "reboot=reset", "-no-reboot");
        assertEquals(1, p.status());
        assertEquals("jkvm: -action reboot=reset contradicts -no-reboot\n", p.stderr());
    }
}
