package dev.jkvm.devices.net.tap;

import dev.jkvm.headers.Libc;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A network namespace for one test class, {@code jkvm-test-<pid>-<label>}, made with {@code ip netns add} and
 * deleted on close, so tests never touch the machine's own interfaces.
 *
 * <p>Code runs inside it in two ways: commands through {@code ip netns exec}, and Java code through
 * {@link #call}, on one platform thread that joined the namespace with {@code setns(2)} (a network namespace
 * belongs to a thread, and sockets and taps belong to the namespace of the thread that opened them). sysfs is
 * still the host's on that thread; commands see the namespace's own.
 */
final class NetworkNamespace implements AutoCloseable {

    /** setns nstype: a network namespace. */
    private static final int CLONE_NEWNET = 0x4000_0000;
    /** Where {@code ip netns add} binds the namespace. */
    private static final String NETNS_DIR = "/run/netns/";
    /** Seconds any command may take. */
    private static final int COMMAND_TIMEOUT_SECONDS = 60;
    private static final MethodHandle SETNS = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("setns").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    /** A finished command: its exit code and its standard output and error, merged. */
    record Result(int exitCode, String output) {
    }

    private final String name;
    private final ExecutorService thread;

    private NetworkNamespace(String name) {
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(task -> new Thread(task, "netns " + name));
    }

    /**
     * Creates the namespace with its loopback up and IPv6 off (no router solicitations among the frames a
     * test reads), and moves the Java thread into it.
     */
    static NetworkNamespace create(String label) throws Exception {
        String name = "jkvm-test-" + ProcessHandle.current().pid() + "-" + label;
        Result added = run(List.of("ip", "netns", "add", name));
        if (added.exitCode() != 0) {
            throw new AssertionError("cannot create network namespace " + name + " (the tap tests need root and"
                    + " iproute2): " + added.output());
        }
        NetworkNamespace namespace = new NetworkNamespace(name);
        try {
            namespace.ip("link", "set", "lo", "up");
            namespace.exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1");
            namespace.call(() -> {
                enter(name);
                return null;
            });
        } catch (Exception | AssertionError e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    /**
     * Adds bridge {@code bridge} with a fixed MAC and {@code host}/24, up, and a permanent neighbour entry for
     * {@code guest} at {@code guestMac}. The fixed MAC matters: a bridge without one takes its lowest port's, and
     * that change flushes the neighbour table, permanent entries included. The entry lets the kernel answer a guest
     * that nothing here answers ARP for.
     */
    void addBridge(String bridge, MacAddress bridgeMac, InetAddress host, InetAddress guest, MacAddress guestMac)
            throws IOException, InterruptedException {
        ip("link", "add", bridge, "address", bridgeMac.toString(), "type", "bridge");
        ip("address", "add", host.getHostAddress() + "/24", "dev", bridge);
        ip("link", "set", bridge, "up");
        ip("neighbour", "add", guest.getHostAddress(), "lladdr", guestMac.toString(), "dev", bridge, "nud",
                "permanent");
    }

    String name() {
        return name;
    }

    /** {@code ip -n NAME args...}; fails the test when ip fails. */
    String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return check(command, run(command));
    }

    /** Runs a command inside the namespace; fails the test when it fails. */
    String exec(String... args) throws IOException, InterruptedException {
        List<String> command = inside(args);
        return check(command, run(command));
    }

    /** Runs a command inside the namespace and returns how it ended. */
    Result tryExec(String... args) throws IOException, InterruptedException {
        return run(inside(args));
    }

    /** How long a tap and its bridge get to become able to carry frames after bringUp. */
    private static final Duration LINK_UP_WAIT = Duration.ofSeconds(5);

    /**
     * Waits until {@code tap} and {@code bridge} can carry frames: the tap with carrier and its real qdisc attached
     * (a tap reports no operational state of its own), the bridge operationally up. Both follow a carrier change
     * only once the kernel's linkwatch has run, which is rate-limited machine-wide to about once a second, so a
     * frame sent right after bringUp can be dropped by the placeholder qdisc.
     */
    void awaitCarrying(String tap, String bridge) throws Exception {
        long deadline = System.nanoTime() + LINK_UP_WAIT.toNanos();
        awaitLink(tap, shown -> shown.contains("LOWER_UP") && !shown.contains("qdisc noop"), deadline);
        awaitLink(bridge, shown -> shown.contains("state UP"), deadline);
    }

    private void awaitLink(String link, Predicate<String> ready, long deadline) throws Exception {
        String shown;
        while (!ready.test(shown = ip("link", "show", "dev", link))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(link + " cannot carry frames within " + LINK_UP_WAIT + ": " + shown);
            }
            Thread.sleep(20);
        }
    }

    /** Whether an interface of that name exists in the namespace. */
    boolean linkExists(String link) throws IOException, InterruptedException {
        return run(List.of("ip", "-n", name, "link", "show", "dev", link)).exitCode() == 0;
    }

    /** Runs Java code on the thread that is inside the namespace, and returns its result. */
    <T> T call(Callable<T> code) throws Exception {
        try {
            return thread.submit(code).get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception exception) {
                throw exception;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Stops the namespace's thread (it leaves the namespace by ending) and deletes the namespace. */
    @Override
    public void close() throws Exception {
        thread.shutdownNow();
        if (!thread.awaitTermination(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the thread of namespace " + name + " did not stop");
        }
        Result deleted = run(List.of("ip", "netns", "del", name));
        if (deleted.exitCode() != 0) {
            throw new AssertionError("cannot delete network namespace " + name + ": " + deleted.output());
        }
    }

    private List<String> inside(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name));
        command.addAll(List.of(args));
        return command;
    }

    private static void enter(String name) {
        int fd = Libc.open(NETNS_DIR + name, Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            int result;
            try {
                result = (int) SETNS.invokeExact(fd, CLONE_NEWNET);
            } catch (Throwable t) {
                throw new AssertionError("setns downcall", t);
            }
            if (result != 0) {
                throw new AssertionError("setns(" + NETNS_DIR + name + ", CLONE_NEWNET) failed");
            }
        } finally {
            Libc.close(fd);
        }
    }

    private static String check(List<String> command, Result result) {
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + result.exitCode() + ": "
                    + result.output());
        }
        return result.output();
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_SECONDS
                    + " s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }
}
