package dev.jkvm.testos;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs a kernel (normally one of the test OS images, PVH or Multiboot: QEMU's -kernel takes both) under
 * qemu-system-x86_64 the way jkvm's tests compare against it: a pc machine with only COM1 on stdio and
 * isa-debug-exit, so the guest's serial output is all that reaches stdout.
 */
public final class Qemu {

    /** The QEMU binary, looked up on PATH. */
    public static final String EXECUTABLE = "qemu-system-x86_64";

    /** Failure message when QEMU is missing; tests fail with it rather than skipping. */
    public static final String NOT_FOUND_MESSAGE = EXECUTABLE + " not found: run ./test, which installs it";

    /** CPU model: qemu64 without cmpxchg16b, which this host's KVM cannot execute at ring 0 (never -cpu host here). */
    static final List<String> CPU = List.of("-cpu", "qemu64,-cx16");

    /**
     * Machine and I/O. -nodefaults drops VGA, NIC (whose iPXE ROM prints), floppy and CD-ROM; -display none instead
     * of -nographic, because -nographic makes SeaBIOS mirror its banner to the serial port; -no-reboot turns a
     * triple fault into an exit instead of a boot loop.
     */
    static final List<String> MACHINE = List.of("-nodefaults", "-display", "none", "-no-reboot", "-serial", "stdio",
            "-monitor", "none");

    /** The pass/fail device the test OS writes to (port 0xf4, 4 bytes wide). */
    static final List<String> DEBUG_EXIT = List.of("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");

    /** First line of {@code qemu-system-x86_64 --version}, e.g. "QEMU emulator version 7.2.22 (...)". */
    private static final Pattern VERSION = Pattern.compile("QEMU emulator version (\\S+)");

    /** Time allowed for {@code --version}. */
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    private Qemu() {
    }

    /** The QEMU binary on PATH, if installed. */
    public static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, EXECUTABLE);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The QEMU binary, or an {@link IllegalStateException} carrying {@link #NOT_FOUND_MESSAGE}. */
    public static Path require() {
        return find().orElseThrow(() -> new IllegalStateException(NOT_FOUND_MESSAGE));
    }

    /** The command line for {@code options}, with {@code qemu} as the program. */
    public static List<String> commandLine(Path qemu, QemuOptions options) {
        List<String> command = new ArrayList<>();
        command.add(qemu.toString());
        command.addAll(options.accelerator().arguments());
        command.addAll(CPU);
        command.addAll(List.of("-m", Integer.toString(options.memoryMiB())));
        command.addAll(List.of("-smp", Integer.toString(options.cpus())));
        command.addAll(MACHINE);
        command.addAll(DEBUG_EXIT);
        command.addAll(options.extraArguments());
        command.addAll(List.of("-kernel", options.kernel().toString()));
        command.addAll(List.of("-append", options.cmdline()));
        return List.copyOf(command);
    }

    /**
     * Runs QEMU to completion or to the time limit, capturing both outputs. Stdin is /dev/null, so QEMU never
     * touches the caller's terminal.
     */
    public static QemuResult run(QemuOptions options) throws InterruptedException {
        List<String> command = commandLine(require(), options);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        long start = System.nanoTime();
        Process process = start(builder, command);
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> stdout = readers.submit(() -> readAll(process.getInputStream()));
            Future<String> stderr = readers.submit(() -> readAll(process.getErrorStream()));
            boolean exited;
            try {
                exited = process.waitFor(options.timeout().toNanos(), TimeUnit.NANOSECONDS);
            } finally {
                // Killed here, before the readers are joined, so neither a time-out nor an interrupt can leave a
                // guest running or a reader blocked on its pipe.
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
            process.waitFor();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            String out = collect(stdout, "stdout", command);
            String err = collect(stderr, "stderr", command);
            return exited
                    ? new QemuResult.Exited(command, process.exitValue(), out, err, elapsed)
                    : new QemuResult.TimedOut(command, options.timeout(), out, err, elapsed);
        }
    }

    /**
     * Starts QEMU without waiting for it, for tests that act while the guest runs (say, SIGKILL it once the guest
     * printed a line). Close the result to kill QEMU if it is still running.
     */
    public static RunningQemu start(QemuOptions options) {
        List<String> command = commandLine(require(), options);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        return new RunningQemu(command, start(builder, command));
    }

    /** The version QEMU reports, e.g. "7.2.22". */
    public static String version() throws InterruptedException {
        List<String> command = List.of(require().toString(), "--version");
        Process process = start(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice())), command);
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> output = readers.submit(() -> readAll(process.getInputStream()));
            boolean exited;
            try {
                exited = process.waitFor(VERSION_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
            if (!exited) {
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + VERSION_TIMEOUT);
            }
            String text = collect(output, "stdout", command);
            var matcher = VERSION.matcher(text);
            if (process.exitValue() != 0 || !matcher.find()) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + " and printed no version: " + text.strip());
            }
            return matcher.group(1);
        }
    }

    private static File nullDevice() {
        return new File("/dev/null");
    }

    private static Process start(ProcessBuilder builder, List<String> command) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + String.join(" ", command), e);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String collect(Future<String> output, String stream, List<String> command)
            throws InterruptedException {
        try {
            return output.get();
        } catch (ExecutionException e) {
            throw new UncheckedIOException("reading " + stream + " of " + String.join(" ", command),
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        }
    }
}
