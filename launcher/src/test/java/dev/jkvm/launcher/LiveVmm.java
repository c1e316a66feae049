package dev.jkvm.launcher;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A VMM child process (jkvm or QEMU) left running: its console is read while it streams, so a test can wait for a
 * line (or for the VMM to take its image locks) and then SIGKILL it, as a crash or a power cut would end it.
 */
final class LiveVmm implements AutoCloseable {
    /** Time allowed for the readers to reach end-of-file once the process is gone. */
    private static final Duration READER_DRAIN = Duration.ofSeconds(10);
    /** How often a condition on something other than the console (e.g. /proc/locks) is checked. */
    private static final Duration POLL = Duration.ofMillis(50);

    private final List<String> command;
    private final Process process;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final StringBuilder stdout = new StringBuilder();
    /** Guarded by {@link #lock}. */
    private final StringBuilder stderr = new StringBuilder();
    /** Guarded by {@link #lock}: the console reached end-of-file, so no line will come. */
    private boolean consoleEnded;
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private LiveVmm(List<String> command) {
        this.command = List.copyOf(command);
        try {
            this.process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + String.join(" ", command), e);
        }
        this.stdoutReader = Thread.ofVirtual().name("vmm-stdout").start(() -> {
            read(process.getInputStream(), stdout);
            synchronized (lock) {
                consoleEnded = true;
                lock.notifyAll();
            }
        });
        this.stderrReader = Thread.ofVirtual().name("vmm-stderr").start(() -> read(process.getErrorStream(), stderr));
    }

    /** Starts the jkvm command with {@code args}. */
    static LiveVmm jkvm(String... args) {
        return new LiveVmm(JkvmProcess.command(List.of(), args));
    }

    /** Starts {@code command} as given (e.g. a QEMU command line). */
    static LiveVmm start(List<String> command) {
        return new LiveVmm(command);
    }

    /**
     * Waits until a whole console line matches {@code line} and returns the match; fails, with everything the VMM
     * printed, if it ends first or {@code limit} passes.
     */
    Matcher awaitLine(Pattern line, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (lock) {
            while (true) {
                for (String text : stdout.toString().replace("\r", "").split("\n")) {
                    Matcher matcher = line.matcher(text);
                    if (matcher.matches()) {
                        return matcher;
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (consoleEnded || remaining <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, remaining);
            }
        }
        return fail("no console line matching '" + line + "' within " + limit + " " + state() + describe());
    }

    /** Waits until {@code condition} holds while the VMM runs; fails, with its output, if it ends first or times out. */
    void await(String what, BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                fail("never saw " + what + " within " + limit + " " + state() + describe());
            }
            Thread.sleep(POLL);
        }
    }

    private String state() {
        return process.isAlive() ? "(still running)" : "(ended with status " + process.exitValue() + ")";
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the VMM to end by itself and returns its exit status; fails (killing it) after {@code limit}. */
    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            kill();
            fail("still running after " + limit + describe());
        }
        stdoutReader.join(READER_DRAIN);
        stderrReader.join(READER_DRAIN);
        return process.exitValue();
    }

    /** SIGKILLs the VMM (ProcessHandle.destroyForcibly) and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        stdoutReader.join(READER_DRAIN);
        stderrReader.join(READER_DRAIN);
    }

    String stdout() {
        synchronized (lock) {
            return stdout.toString();
        }
    }

    String stderr() {
        synchronized (lock) {
            return stderr.toString();
        }
    }

    /** The command and both outputs so far, for assertion messages. */
    String describe() {
        return "\n  command: " + String.join(" ", command) + "\n  stdout: " + stdout().strip() + "\n  stderr: "
                + stderr().strip();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private void read(InputStream in, StringBuilder into) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                synchronized (lock) {
                    into.append(line).append('\n');
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // The pipe closes under the reader when the process is killed: what was read so far stands.
        }
    }
}
