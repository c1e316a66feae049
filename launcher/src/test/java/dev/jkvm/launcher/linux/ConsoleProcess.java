package dev.jkvm.launcher.linux;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A VMM child process whose serial console (its stdout) is read line by line while it streams, so a test can
 * wait for a particular point of a boot that never ends by itself on this host, then stop the VM.
 * Stdin is /dev/null, so the VMM never touches the caller's terminal.
 */
final class ConsoleProcess implements AutoCloseable {

    /** Time allowed for the readers to see end-of-file once the process is gone. */
    private static final Duration READER_DRAIN = Duration.ofSeconds(10);

    /** A console line and when it arrived, counted from the process start. */
    private record Arrival(String text, long nanos) {
    }

    private final List<String> command;
    private final Process process;
    private final long startNanos;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final List<Arrival> lines = new ArrayList<>();
    /** Guarded by {@link #lock}. */
    private final StringBuilder stderr = new StringBuilder();
    /** Guarded by {@link #lock}: the console reached end-of-file (the process closed its stdout). */
    private boolean consoleEnded;
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private ConsoleProcess(List<String> command, Process process, long startNanos) {
        this.command = List.copyOf(command);
        this.process = process;
        this.startNanos = startNanos;
        this.stdoutReader = Thread.ofVirtual().name("console-stdout").start(() -> readConsole(process.getInputStream()));
        this.stderrReader = Thread.ofVirtual().name("console-stderr").start(() -> readStderr(process.getErrorStream()));
    }

    /** Starts {@code command}; its stdout is the guest's console. */
    static ConsoleProcess start(List<String> command) {
        long start = System.nanoTime();
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            return new ConsoleProcess(command, process, start);
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + String.join(" ", command), e);
        }
    }

    /**
     * Waits until the console so far satisfies {@code until} (checked after every line), the process ends, or
     * {@code limit} passes; in the last case the process is killed. The process keeps running after a match.
     */
    ConsoleRun awaitConsole(Predicate<KernelConsole> until, Duration limit) throws InterruptedException {
        long deadline = startNanos + limit.toNanos();
        int checked = 0;
        synchronized (lock) {
            while (true) {
                for (; checked < lines.size(); checked++) {
                    KernelConsole prefix = KernelConsole.parse(texts(checked + 1));
                    if (until.test(prefix)) {
                        Arrival hit = lines.get(checked);
                        return run(new ConsoleOutcome.Matched(prefix.lines().getLast(), Duration.ofNanos(hit.nanos())));
                    }
                }
                if (consoleEnded) {
                    break;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, remaining);
            }
        }
        return awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** Waits for the process to end by itself within {@code limit} (from now), else kills it. */
    ConsoleRun awaitExit(Duration limit) throws InterruptedException {
        if (process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            Duration at = Duration.ofNanos(System.nanoTime() - startNanos);
            drainReaders();
            return run(new ConsoleOutcome.Exited(process.exitValue(), at));
        }
        Duration ran = Duration.ofNanos(System.nanoTime() - startNanos);
        close();
        return run(new ConsoleOutcome.TimedOut(ran));
    }

    /** Kills the process (and anything it started) if it still runs and waits until it is gone. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        process.waitFor();
        drainReaders();
    }

    private void drainReaders() throws InterruptedException {
        stdoutReader.join(READER_DRAIN);
        stderrReader.join(READER_DRAIN);
    }

    private ConsoleRun run(ConsoleOutcome outcome) {
        synchronized (lock) {
            return new ConsoleRun(command, outcome, KernelConsole.parse(texts(lines.size())), stderr.toString());
        }
    }

    /** The first {@code count} console lines; the caller holds {@link #lock}. */
    private List<String> texts(int count) {
        return lines.subList(0, count).stream().map(Arrival::text).toList();
    }

    private void readConsole(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                long at = System.nanoTime() - startNanos;
                synchronized (lock) {
                    lines.add(new Arrival(line, at));
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // The stream closes under the reader when the process is killed: the transcript so far stands.
        } finally {
            synchronized (lock) {
                consoleEnded = true;
                lock.notifyAll();
            }
        }
    }

    private void readStderr(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                synchronized (lock) {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // As for the console: closed by the kill.
        }
    }
}
