package dev.jkvm.testos;

import java.nio.file.Path;
import java.time.Duration;
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
}
