package dev.jkvm.testos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One QEMU run of a kernel: what to boot, with which command line, machine size, accelerator and time limit.
 * {@code extraArguments} go before {@code -kernel}, for devices (or a machine type) a test adds.
 */
public record QemuOptions(Path kernel, String cmdline, int memoryMiB, int cpus, Accelerator accelerator,
                          Duration timeout, List<String> extraArguments) {

    /** Guest RAM when none is given, matching jkvm's default machine. */
    public static final int DEFAULT_MEMORY_MIB = 128;

    /** vCPUs when none are given. */
    public static final int DEFAULT_CPUS = 1;

    /**
     * Time limit when none is given. Generous because SeaBIOS (which runs QEMU's PVH loader) executes at ring 0,
     * which this host's KVM emulates instruction by instruction: a boot alone takes 5-10 s here.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

    public QemuOptions {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(timeout, "timeout");
        extraArguments = List.copyOf(extraArguments);
        if (memoryMiB <= 0) {
            throw new IllegalArgumentException("memoryMiB must be positive, was " + memoryMiB);
        }
        if (cpus <= 0) {
            throw new IllegalArgumentException("cpus must be positive, was " + cpus);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** Defaults: 128 MiB, one vCPU, KVM, {@link #DEFAULT_TIMEOUT}, no extra arguments. */
    public static QemuOptions of(Path kernel, String cmdline) {
        return new QemuOptions(kernel, cmdline, DEFAULT_MEMORY_MIB, DEFAULT_CPUS, Accelerator.KVM, DEFAULT_TIMEOUT,
                List.of());
    }

    public QemuOptions withMemoryMiB(int newMemoryMiB) {
        return new QemuOptions(kernel, cmdline, newMemoryMiB, cpus, accelerator, timeout, extraArguments);
    }

    public QemuOptions withCpus(int newCpus) {
        return new QemuOptions(kernel, cmdline, memoryMiB, newCpus, accelerator, timeout, extraArguments);
    }

    public QemuOptions withAccelerator(Accelerator newAccelerator) {
        return new QemuOptions(kernel, cmdline, memoryMiB, cpus, newAccelerator, timeout, extraArguments);
    }

    public QemuOptions withTimeout(Duration newTimeout) {
        return new QemuOptions(kernel, cmdline, memoryMiB, cpus, accelerator, newTimeout, extraArguments);
    }

    public QemuOptions withExtraArguments(List<String> newExtraArguments) {
        return new QemuOptions(kernel, cmdline, memoryMiB, cpus, accelerator, timeout, newExtraArguments);
    }

    /** The device QEMU's pc machine gives {@code -drive if=virtio}: a transitional virtio-blk PCI function. */
    static final String VIRTIO_BLK_DEVICE = "virtio-blk-pci";

    /**
     * Adds a virtio-blk drive over the raw image {@code image} with GET_ID string {@code serial}, after any drives
     * added before (so it takes the next free PCI slot, as {@code -drive if=virtio} would). QEMU 7.2 only takes the
     * serial on the device, hence {@code -drive if=none} plus {@code -device virtio-blk-pci}; {@code discard=unmap}
     * makes DISCARD punch a hole in the image, as jkvm does.
     */
    public QemuOptions withVirtioBlk(Path image, String serial) {
        String file = image.toAbsolutePath().toString();
        if (file.contains(",") || serial.contains(",")) {
            throw new IllegalArgumentException("QEMU option values cannot contain ',': " + file + " / " + serial);
        }
        long drives = extraArguments.stream().filter(a -> a.startsWith(VIRTIO_BLK_DEVICE + ",")).count();
        String id = "blk" + drives;
        List<String> arguments = new ArrayList<>(extraArguments);
        arguments.addAll(List.of("-drive", "file=" + file + ",format=raw,if=none,id=" + id + ",discard=unmap",
                "-device", VIRTIO_BLK_DEVICE + ",drive=" + id + ",serial=" + serial));
        return withExtraArguments(arguments);
    }
}
