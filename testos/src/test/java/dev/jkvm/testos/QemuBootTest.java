package dev.jkvm.testos;

import static dev.jkvm.testos.QemuRuns.assertRun;
import static dev.jkvm.testos.QemuRuns.boot;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The PVH test OS under QEMU, the second implementation every jkvm device is checked against. Each run asserts the
 * whole serial output, which also proves that nothing but the guest writes to stdout. {@link QemuMultibootTest} holds
 * the Multiboot image to the same {@link LoaderDependentRun} lines; {@link QemuBenchTest} runs the benches. The
 * classes are split to keep each well under a minute: a boot takes about 5 s here, almost all of it SeaBIOS.
 */
class QemuBootTest {

    @TempDir
    Path dir;

    private QemuOptions options(String cmdline) {
        return QemuOptions.of(TestOsImage.writeTo(dir), cmdline);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(LoaderDependentRun.class)
    void pvhImagePrintsWhatEveryLoaderMust(LoaderDependentRun run) throws InterruptedException {
        assertRun(boot(run.options(TestOsImage.writeTo(dir))), run.exit(), run.lines());
    }

    /**
     * QEMU's pc machine has an ACPI 1.0 RSDP with only an RSDT; its microvm machine has a revision 2 RSDP with an
     * XSDT, as jkvm does. This run proves the XSDT path (and the extended RSDP checksum) on a second implementation.
     */
    @Test
    void madtIsFoundThroughAnXsdt() throws InterruptedException {
        assertRun(boot(options("test=madt").withCpus(2).withExtraArguments(List.of("-machine", "microvm"))),
                TestOsExit.PASS,
                List.of("MADT: 2 CPUs, APIC IDs 0 1", "MADT: local APIC fee00000, I/O APIC fec00000, GSI base 0",
                        "PASS madt"));
    }

    @Test
    void unclaimedPortsReadAllOnes() throws InterruptedException {
        assertRun(boot(options("test=unclaimed")), TestOsExit.PASS,
                List.of("unclaimed: ff ffff ffffffff", "PASS unclaimed"));
    }

    /**
     * Under TCG: this host's KVM (kvm-pvm) cannot execute int3 at ring 0 and stops QEMU with an emulation failure,
     * exactly as it stops jkvm. TCG shows the OS's own #BP path is right, so the jkvm test can pin the failure on the
     * host.
     */
    @Test
    void int3IsHandledByTheBreakpointHandler() throws InterruptedException {
        assertRun(boot(options("test=int3").withAccelerator(Accelerator.TCG)), TestOsExit.PASS,
                List.of("breakpoint handled", "PASS int3"));
    }

    @Test
    void resetEndsQemuUnderNoReboot() throws InterruptedException {
        assertRun(boot(options("test=reset")), TestOsExit.POWER_OFF, List.of("reset: pulsing the i8042 reset line"));
    }

    @Test
    void unknownTestFailsThroughDebugExit() throws InterruptedException {
        assertRun(boot(options("test=nonesuch")), TestOsExit.FAIL, List.of("FAIL test: unknown test 'nonesuch' "
                + "(known: selftest, unclaimed, int3, exec-mmio, madt, smp, fwcfg, reset, triple-fault, pci, blk, "
                + "blk-crash, net, net-ping)"));
    }
}
