package dev.jkvm.launcher.linux;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The repository's scripts that fetch and build the Linux test assets (into a cache outside the repository).
 * Tests call them every time rather than relying on anything installed by hand; once cached they answer at once.
 */
final class ProjectScripts {

    /** Fetches the Debian cloud kernel; prints its vmlinuz, or with --vmlinux the decompressed ELF. */
    static final String FETCH_TEST_KERNEL = "scripts/fetch-test-kernel";
    /** Builds the busybox initramfs; prints its path. */
    static final String BUILD_INITRAMFS = "scripts/build-initramfs";
    /** Enough for a first run: apt-get update, a 27 MB download, extraction, installing a decompressor. */
    private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(15);

    private ProjectScripts() {
    }

    /** The Debian cloud kernel's bzImage (boot/vmlinuz-*). */
    static Path kernelImage() throws InterruptedException {
        return runForPath(FETCH_TEST_KERNEL);
    }

    /** The same kernel decompressed from the bzImage payload: the vmlinux ELF (with its Xen PVH note). */
    static Path kernelElf() throws InterruptedException {
        return runForPath(FETCH_TEST_KERNEL, "--vmlinux");
    }

    /** The gzip-compressed newc initramfs with busybox and the marker-printing /init. */
    static Path initramfs() throws InterruptedException {
        return runForPath(BUILD_INITRAMFS);
    }

    /** The repository root: the nearest directory at or above the working directory that has the scripts. */
    static Path repositoryRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve(FETCH_TEST_KERNEL))) {
                return dir;
            }
        }
        throw new IllegalStateException("no " + FETCH_TEST_KERNEL + " at or above " + start
                + ": run the tests from the jkvm repository");
    }

    /** Runs a repository script and returns the existing file whose path it printed as its last stdout line. */
    static Path runForPath(String script, String... args) throws InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(repositoryRoot().resolve(script).toString());
        command.addAll(List.of(args));
        ScriptResult result = run(command);
        String what = String.join(" ", command);
        if (result.status() != 0) {
            throw new IllegalStateException(what + " failed with status " + result.status() + ": "
                    + result.stderr().strip());
        }
        List<String> out = result.stdout().lines().filter(line -> !line.isBlank()).toList();
        if (out.isEmpty()) {
            throw new IllegalStateException(what + " printed no path; stderr: " + result.stderr().strip());
        }
        Path path = Path.of(out.getLast().strip());
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(what + " printed " + path + ", which is no file");
        }
        return path;
    }

    /** A finished script: status and both outputs. */
    record ScriptResult(int status, String stdout, String stderr, Duration elapsed) {
    }

    /** Runs {@code command} to completion (killed at {@link #SCRIPT_LIMIT}), stdin /dev/null. */
    static ScriptResult run(List<String> command) throws InterruptedException {
        String what = String.join(" ", command);
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + what, e);
        }
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> stdout = readers.submit(() -> readAll(process.getInputStream()));
            Future<String> stderr = readers.submit(() -> readAll(process.getErrorStream()));
            boolean exited;
            try {
                exited = process.waitFor(SCRIPT_LIMIT.toNanos(), TimeUnit.NANOSECONDS);
            } finally {
                if (process.isAlive()) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            }
            process.waitFor();
            if (!exited) {
                throw new IllegalStateException(what + " did not finish within " + SCRIPT_LIMIT.toMinutes()
                        + " minutes; stderr: " + collect(stderr, what).strip());
            }
            return new ScriptResult(process.exitValue(), collect(stdout, what), collect(stderr, what),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String collect(Future<String> output, String what) throws InterruptedException {
        try {
            return output.get();
        } catch (ExecutionException e) {
            throw new UncheckedIOException("reading the output of " + what,
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        }
    }
}
