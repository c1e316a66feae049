package dev.jkvm.testos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A QEMU process started by {@link Qemu#start}: its serial output is collected line by line as it arrives, so a test
 * can wait for a line and then kill QEMU with SIGKILL (as a crashing VMM would end). Closing kills it too.
 */
public final class RunningQemu implements AutoCloseable {

    private final List<String> command;
    private final Process process;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private boolean stdoutEnded;

    RunningQemu(List<String> command, Process process) {
        this.command = List.copyOf(command);
        this.process = process;
        this.stdoutReader = Thread.ofVirtual().name("qemu-stdout").start(() -> readLines(process.getInputStream()));
        this.stderrReader = Thread.ofVirtual().name("qemu-stderr").start(() -> readAll(process.getErrorStream()));
    }

    /** The command line that was started. */
    public List<String> command() {
        return command;
    }

    /**
     * Waits until a serial line matching {@code wanted} arrived (and returns it), or QEMU's output ended, or
     * {@code timeout} passed (both: empty).
     */
    public Optional<String> awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (wanted.test(lines.get(checked))) {
                        return Optional.of(lines.get(checked));
                    }
                }
                long left = deadline - System.nanoTime();
                if (stdoutEnded || left <= 0) {
                    return Optional.empty();
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends QEMU SIGKILL (no clean-up, no flush of its own) and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        stdoutReader.join();
        stderrReader.join();
    }

    /** Whether QEMU is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The serial lines so far, without line terminators. */
    public List<String> lines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    /** Command, state and both outputs so far, for assertion messages. */
    public String describe() {
        String err;
        lock.lock();
        try {
            err = stderr.toString().strip();
        } finally {
            lock.unlock();
        }
        return String.join(" ", command) + "\n  -> " + (process.isAlive() ? "running" : "ended, status "
                + process.exitValue()) + "\n  stdout: " + String.join("\n          ", lines())
                + "\n  stderr: " + err.replace("\n", "\n          ");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException("QEMU did not end after SIGKILL: " + String.join(" ", command));
        }
        stdoutReader.join();
        stderrReader.join();
    }

    private void readLines(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                append(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading stdout of " + String.join(" ", command), e);
        } finally {
            lock.lock();
            try {
                stdoutEnded = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void append(String line) {
        lock.lock();
        try {
            lines.add(line);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void readAll(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lock.lock();
                try {
                    stderr.append(line).append('\n');
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading stderr of " + String.join(" ", command), e);
        }
    }
}
