package dev.jkvm.testos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Command-line building and result mapping, without running QEMU. */
class QemuTest {

    private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    private static final Path KERNEL = Path.of("/tmp/testos.elf");

    @Test
    void defaultCommandLineIsTheDocumentedOne() {
        List<String> command = Qemu.commandLine(QEMU, QemuOptions.of(KERNEL, "test=selftest"));
        assertEquals(List.of("/usr/bin/qemu-system-x86_64", "-enable-kvm", "-cpu", "qemu64,-cx16", "-m", "128",
                "-smp", "1", "-nodefaults", "-display", "none", "-no-reboot", "-serial", "stdio", "-monitor", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-kernel", "/tmp/testos.elf", "-append",
                "test=selftest"), command);
    }

    @Test
    void optionsChangeTheirArgumentsOnly() {
        QemuOptions options = QemuOptions.of(KERNEL, "demo").withMemoryMiB(512).withCpus(2)
                .withAccelerator(Accelerator.TCG).withExtraArguments(List.of("-device", "virtio-blk-pci"));
        List<String> command = Qemu.commandLine(QEMU, options);
        assertEquals(List.of("-accel", "tcg"), command.subList(1, 3));
        assertEquals(List.of("-m", "512", "-smp", "2"), command.subList(5, 9));
        int kernel = command.indexOf("-kernel");
        assertEquals(List.of("-device", "virtio-blk-pci"), command.subList(kernel - 2, kernel));
        assertEquals(List.of("-append", "demo"), command.subList(command.size() - 2, command.size()));
        assertTrue(!command.contains("-enable-kvm"), "TCG run must not ask for KVM: " + command);
    }

    @Test
    void optionsRejectNonsense() {
        QemuOptions options = QemuOptions.of(KERNEL, "");
        assertThrows(IllegalArgumentException.class, () -> options.withMemoryMiB(0));
        assertThrows(IllegalArgumentException.class, () -> options.withCpus(-1));
        assertThrows(IllegalArgumentException.class, () -> options.withTimeout(Duration.ZERO));
    }

    @Test
    void exitStatusesMapToTestOsEndings() {
        assertEquals(Optional.of(TestOsExit.POWER_OFF), TestOsExit.fromQemuStatus(0));
        assertEquals(Optional.of(TestOsExit.PASS), TestOsExit.fromQemuStatus(1));
        assertEquals(Optional.of(TestOsExit.FAIL), TestOsExit.fromQemuStatus(3));
        assertEquals(Optional.empty(), TestOsExit.fromQemuStatus(2));
        var exited = new QemuResult.Exited(List.of("qemu"), 3, "FAIL x\r\n", "", Duration.ofMillis(5));
        assertEquals(Optional.of(TestOsExit.FAIL), exited.testOsExit());
        assertEquals(List.of("FAIL x"), exited.lines());
        assertTrue(exited.describe().contains("exit status 3 (FAIL)"), exited.describe());
    }
}
