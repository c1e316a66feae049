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
 * The Multiboot image under QEMU (-kernel takes it through its multiboot.bin option ROM): every mode that depends on
 * the loader prints exactly what the PVH image prints (see {@link LoaderDependentRun}), so the boot information was
 * translated faithfully.
 */
class QemuMultibootTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(LoaderDependentRun.class)
    void multibootImagePrintsWhatThePvhImagePrints(LoaderDependentRun run) throws InterruptedException {
        assertRun(boot(run.options(TestOsImage.writeMultibootTo(dir))), run.exit(), run.lines());
    }

    /** The memory map comes from multiboot's mmap and must round to the -m figure for sizes that leave a PCI hole. */
    @Test
    void bannerCountsRamAboveFourGibibytes() throws InterruptedException {
        assertRun(boot(QemuOptions.of(TestOsImage.writeMultibootTo(dir), "").withMemoryMiB(5120)),
                TestOsExit.POWER_OFF, List.of("jkvm test OS: 1 CPU(s), 5120 MiB RAM"));
    }
}
