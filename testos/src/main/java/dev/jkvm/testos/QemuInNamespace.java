package dev.jkvm.testos;

import dev.jkvm.testos.net.NetNamespace;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * QEMU with a virtio-net NIC on a tap in a {@link NetNamespace}: QEMU opens an existing tap by name in its own
 * network namespace, so it runs under {@code ip netns exec} (which execs QEMU itself, so killing the process kills
 * QEMU). {@link #start} returns the running QEMU with its exit status.
 */
public final class QemuInNamespace implements AutoCloseable {

    /** The NIC QEMU's pc machine gives {@code -nic tap}: a transitional virtio-net PCI function (device 0x1000). */
    static final String VIRTIO_NET_DEVICE = "virtio-net-pci";
    /** A MAC address as QEMU's mac= takes it. */
    private static final Pattern MAC = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");

    private final RunningQemu qemu;
    private final Process process;

    private QemuInNamespace(RunningQemu qemu, Process process) {
        this.qemu = qemu;
        this.process = process;
    }

    /**
     * Adds a virtio-net NIC with address {@code mac} on the existing tap {@code tap}, after any NIC added before:
     * {@code -netdev tap,id=nN,ifname=<tap>,script=no,downscript=no -device virtio-net-pci,netdev=nN,mac=<mac>}.
     */
    public static QemuOptions withVirtioNet(QemuOptions options, String tap, String mac) {
        if (!MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("malformed MAC address \"" + mac + "\": expected six two-digit hex "
                    + "octets separated by colons");
        }
        if (!tap.matches("[A-Za-z0-9_-]{1,15}")) {
            throw new IllegalArgumentException("not an interface name: \"" + tap + "\"");
        }
        long nics = options.extraArguments().stream().filter(a -> a.startsWith(VIRTIO_NET_DEVICE + ",")).count();
        String id = "n" + nics;
        List<String> arguments = new ArrayList<>(options.extraArguments());
        arguments.addAll(List.of("-netdev", "tap,id=" + id + ",ifname=" + tap + ",script=no,downscript=no",
                "-device", VIRTIO_NET_DEVICE + ",netdev=" + id + ",mac=" + mac));
        return options.withExtraArguments(arguments);
    }

    /** Starts QEMU inside {@code namespace} without waiting for it; close the result to kill it. */
    public static QemuInNamespace start(NetNamespace namespace, QemuOptions options) {
        List<String> command = namespace.command(Qemu.commandLine(Qemu.require(), options));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new QemuInNamespace(new RunningQemu(command, process), process);
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + String.join(" ", command), e);
        }
    }

    /** The serial console and the kill switch. */
    public RunningQemu qemu() {
        return qemu;
    }

    /** Waits up to {@code timeout} for QEMU to end on its own and returns its exit status, or empty if it did not. */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS) ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /** Kills QEMU if it still runs (SIGKILL) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        qemu.close();
    }
}
