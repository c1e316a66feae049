package dev.jkvm.bench;

import dev.jkvm.core.VcpuExit;
import dev.jkvm.core.machine.Kernel;
import dev.jkvm.core.machine.Machine;
import dev.jkvm.core.machine.MachineConfig;
import dev.jkvm.devices.bus.IgnoredRange;
import dev.jkvm.testos.TestOsImage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One operation = one guest exit round trip: KVM_RUN enters the guest, whose ring-3 loop immediately does another
 * {@code out} (or MMIO store), KVM returns to Java, the exit is decoded and dispatched to a handler that does
 * nothing. Compare with benchmarks/c-floor (the same guest under a minimal C loop) and QEMU: benchmarks/compare-exits.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC"})
public class ExitLatencyBenchmark {
    /** The POST port the guest's pio loop writes to. */
    static final int PIO_PORT = IgnoredRange.POST_PORT;
    /** Guest-physical address of the guest's MMIO loop: no RAM there. */
    static final long MMIO_ADDRESS = 0xD000_0000L;
    /** Most exits to wait for the guest to reach its loop before giving up. */
    static final int MAX_BOOT_EXITS = 1_000_000;

    /** A guest already inside its benchmark loop, driven from the benchmark thread. */
    public abstract static class GuestLoop {
        Machine machine;

        void boot(String bench, Predicate<VcpuExit> inLoop) {
            machine = Machine.create(MachineConfig.builder().memoryMiB(64)
                    .kernel(new Kernel("testos", TestOsImage.bytes()))
                    .cmdline("bench=" + bench + " iters=0")
                    .console(OutputStream.nullOutputStream()).build());
            machine.mmio().register("bench sink", MMIO_ADDRESS, 0x1000, new IgnoredRange());
            for (int i = 0; i < MAX_BOOT_EXITS; i++) {
                if (inLoop.test(machine.step(0))) {
                    return;
                }
            }
            throw new IllegalStateException("guest never reached its " + bench + " loop");
        }

        @TearDown(Level.Trial)
        public void close() {
            machine.close();
        }
    }

    @State(Scope.Thread)
    public static class PioGuest extends GuestLoop {
        @Setup(Level.Trial)
        public void setup() {
            boot("pio", e -> e instanceof VcpuExit.Io io && io.port() == PIO_PORT && !io.in());
        }
    }

    @State(Scope.Thread)
    public static class MmioGuest extends GuestLoop {
        @Setup(Level.Trial)
        public void setup() {
            boot("mmio", e -> e instanceof VcpuExit.Mmio m && m.address() == MMIO_ADDRESS && m.write());
        }
    }

    @Benchmark
    public VcpuExit pio(PioGuest guest) {
        return guest.machine.step(0);
    }

    @Benchmark
    public VcpuExit mmio(MmioGuest guest) {
        return guest.machine.step(0);
    }
}
