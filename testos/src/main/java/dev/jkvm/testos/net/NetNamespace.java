package dev.jkvm.testos.net;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeoutException;

/**
 * A network namespace of its own for a network test, {@code jkvm-net-<pid>-<label>}: loopback up, IPv6 off (so no
 * router or neighbour solicitations reach the guests), and a bridge {@value #BRIDGE} with the fixed address
 * {@value #BRIDGE_MAC} and {@value #BRIDGE_ADDRESS}/{@value #PREFIX_LENGTH}, the classic host bridge of the KVM
 * guides. Taps are added to it with {@link #addTap}; VMMs, ping and the UDP checker run inside through
 * {@code ip netns exec} ({@link #command}). Closing kills what still runs inside and deletes the namespace, which
 * takes the bridge and the taps with it; the machine's own interfaces are never touched.
 *
 * <p>Needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN) and iproute2.
 */
public final class NetNamespace implements AutoCloseable {

    /** The bridge every guest's tap is attached to. */
    public static final String BRIDGE = "br0";
    /** The bridge's own IPv4 address: the host side of the guests' network. */
    public static final String BRIDGE_ADDRESS = "10.0.2.1";
    /** Prefix length of the guests' network. */
    public static final int PREFIX_LENGTH = 24;
    /** The bridge's fixed MAC (locally administered), so it does not change as taps join and leave. */
    public static final String BRIDGE_MAC = "02:6a:6b:76:6d:01";
    /** The address the (first) guest answers on: {@code ip=} on the test OS command line. */
    public static final String GUEST_ADDRESS = "10.0.2.15";
    /** The address of a second guest on the same bridge. */
    public static final String SECOND_GUEST_ADDRESS = "10.0.2.16";
    /** Start of every namespace name this class makes; the pid of the JVM that made it follows. */
    public static final String NAME_PREFIX = "jkvm-net-";
    /** Time any setup or teardown command may take. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    /** Time a process left in the namespace has to die after SIGKILL. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

    private final String name;

    private NetNamespace(String name) {
        this.name = name;
    }

    /**
     * Creates the namespace {@code jkvm-net-<pid>-<label>} with loopback and {@value #BRIDGE} up. Namespaces this
     * class made in JVMs that no longer run (killed before they could clean up) are deleted first.
     */
    public static NetNamespace create(String label) {
        if (!label.matches("[A-Za-z0-9-]{1,20}")) {
            throw new IllegalArgumentException("namespace label must be 1-20 letters, digits or '-', was '"
                    + label + "'");
        }
        removeStale();
        String name = NAME_PREFIX + ProcessHandle.current().pid() + "-" + label;
        CommandResult added = run(List.of("ip", "netns", "add", name), COMMAND_TIMEOUT);
        if (!added.succeeded()) {
            throw new NetSetupException("cannot create network namespace " + name + " (needs root and iproute2): "
                    + added.describe());
        }
        NetNamespace namespace = new NetNamespace(name);
        try {
            namespace.ip("link", "set", "lo", "up");
            namespace.execChecked("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1");
            // STP off and no forward delay: a port forwards as soon as its tap has a carrier.
            namespace.ip("link", "add", BRIDGE, "type", "bridge", "stp_state", "0", "forward_delay", "0");
            namespace.ip("link", "set", BRIDGE, "address", BRIDGE_MAC);
            namespace.ip("addr", "add", BRIDGE_ADDRESS + "/" + PREFIX_LENGTH, "dev", BRIDGE);
            namespace.ip("link", "set", BRIDGE, "up");
        } catch (RuntimeException e) {
            try {
                namespace.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return namespace;
    }

    /** The namespace's name, as {@code ip netns} knows it. */
    public String name() {
        return name;
    }

    /**
     * Creates a persistent tap {@code tap} in the namespace (as {@code ip tuntap add dev tap mode tap}), attaches it
     * to {@value #BRIDGE} and brings it up; a VMM started inside opens it by name. Returns the name.
     */
    public String addTap(String tap) {
        execChecked("ip", "tuntap", "add", "dev", tap, "mode", "tap");
        ip("link", "set", tap, "master", BRIDGE);
        ip("link", "set", tap, "up");
        return tap;
    }

    /** {@code ip netns exec <name>} followed by {@code args}: the command line that runs {@code args} inside. */
    public List<String> command(List<String> args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name));
        command.addAll(args);
        return List.copyOf(command);
    }

    /** {@link #command(List)} with the arguments given one by one. */
    public List<String> command(String... args) {
        return command(List.of(args));
    }

    /**
     * The command line of a child JVM running {@code mainClass} with this JVM's Java and the class path entry
     * (directory or jar) {@code mainClass} was loaded from; give it to {@link #exec} or {@link #command} to run it
     * inside a namespace.
     */
    public static List<String> javaCommand(Class<?> mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:+UseSerialGC", "-cp", classPathOf(mainClass), mainClass.getName()));
        command.addAll(args);
        return List.copyOf(command);
    }

    /** Runs a command inside the namespace and returns how it ended, killing it after {@code timeout}. */
    public CommandResult exec(Duration timeout, List<String> args) {
        return run(command(args), timeout);
    }

    /** Runs a command inside the namespace; a non-zero exit is a {@link NetSetupException}. */
    public String execChecked(String... args) {
        return check(exec(COMMAND_TIMEOUT, List.of(args)));
    }

    /** {@code ip -n <name> args}; a non-zero exit is a {@link NetSetupException}. */
    public String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return check(run(command, COMMAND_TIMEOUT));
    }

    /**
     * {@code ping -c count -i interval -W 1 address} from inside the namespace (intervals under 0.2 s need root,
     * which the namespace needs anyway).
     */
    public PingReport ping(String address, int count, Duration interval) {
        String seconds = String.format(java.util.Locale.ROOT, "%.3f", interval.toNanos() / 1e9);
        Duration timeout = interval.multipliedBy(count).plus(COMMAND_TIMEOUT);
        return PingReport.parse(exec(timeout, List.of("ping", "-n", "-c", Integer.toString(count), "-i", seconds,
                "-W", "1", address)));
    }

    /** Kills (SIGKILL) every process still in the namespace, then deletes it. */
    @Override
    public void close() {
        killProcessesIn(name);
        CommandResult deleted = run(List.of("ip", "netns", "del", name), COMMAND_TIMEOUT);
        if (!deleted.succeeded()) {
            throw new NetSetupException("cannot delete network namespace " + name + ": " + deleted.describe());
        }
    }

    /** Deletes namespaces named {@code jkvm-net-<pid>-...} whose JVM is gone. */
    private static void removeStale() {
        CommandResult list = run(List.of("ip", "netns", "list"), COMMAND_TIMEOUT);
        if (!list.succeeded()) {
            throw new NetSetupException("cannot list network namespaces (needs root and iproute2): "
                    + list.describe());
        }
        for (String line : list.output().lines().toList()) {
            String namespace = line.split(" ", 2)[0];
            if (!namespace.startsWith(NAME_PREFIX)) {
                continue;
            }
            String pid = namespace.substring(NAME_PREFIX.length()).split("-", 2)[0];
            if (pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                killProcessesIn(namespace);
                run(List.of("ip", "netns", "del", namespace), COMMAND_TIMEOUT);
            }
        }
    }

    private static void killProcessesIn(String namespace) {
        CommandResult pids = run(List.of("ip", "netns", "pids", namespace), COMMAND_TIMEOUT);
        List<ProcessHandle> victims = pids.output().lines().map(String::strip).filter(s -> s.matches("\\d+"))
                .map(Long::parseLong).map(ProcessHandle::of).flatMap(Optional::stream).toList();
        victims.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle victim : victims) {
            try {
                victim.onExit().get(KILL_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NetSetupException("interrupted waiting for pid " + victim.pid() + " in " + namespace
                        + " to die", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new NetSetupException("pid " + victim.pid() + " in namespace " + namespace
                        + " did not die within " + KILL_TIMEOUT + " of SIGKILL", e);
            }
        }
    }

    private static String classPathOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            String classPath = System.getProperty("java.class.path");
            if (classPath == null || classPath.isEmpty()) {
                throw new IllegalStateException("cannot tell where " + type.getName() + " was loaded from", e);
            }
            return classPath;
        }
    }

    private static String check(CommandResult result) {
        if (!result.succeeded()) {
            throw new NetSetupException(result.describe());
        }
        return result.output();
    }

    /** Runs {@code command} with stdin from /dev/null, killing it after {@code timeout}. */
    static CommandResult run(List<String> command, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + String.join(" ", command), e);
        }
        try (ExecutorService reader = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> output = reader.submit(() -> readAll(process.getInputStream()));
            boolean exited;
            try {
                exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } finally {
                // Before the reader is joined, so neither a time-out nor an interrupt leaves it blocked.
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
            process.waitFor();
            String text = output.get();
            if (!exited) {
                throw new NetSetupException(String.join(" ", command) + " did not finish within " + timeout
                        + "; output so far: " + text.strip());
            }
            return new CommandResult(command, process.exitValue(), text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetSetupException("interrupted running " + String.join(" ", command), e);
        } catch (ExecutionException e) {
            throw new UncheckedIOException("reading the output of " + String.join(" ", command),
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
