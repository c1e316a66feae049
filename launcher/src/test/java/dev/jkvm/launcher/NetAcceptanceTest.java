package dev.jkvm.launcher;

import dev.jkvm.devices.net.tap.MacAddress;
import dev.jkvm.testos.QemuInNamespace;
import dev.jkvm.testos.QemuOptions;
import dev.jkvm.testos.TestOsExit;
import dev.jkvm.testos.TestOsImage;
import dev.jkvm.testos.net.CommandResult;
import dev.jkvm.testos.net.NetNamespace;
import dev.jkvm.testos.net.PingReport;
import dev.jkvm.testos.net.UdpEchoClient;
import dev.jkvm.testos.net.UdpEchoPlan;
import dev.jkvm.testos.net.UdpEchoReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jkvm command with virtio-net on taps attached to br0, in a network namespace of the test's own (issue 5,
 * acceptance 1 and 2): jkvm creates the tap, attaches it and removes it on exit; ping and 10,000 UDP echoes reach the
 * test OS's station; two jkvm guests ping each other; a jkvm guest and a QEMU guest on one bridge ping each other;
 * an unprivileged jkvm uses a tap the administrator prepared. jkvm runs under {@code ip netns exec}, so the tap it
 * creates lives in the namespace and the machine's own interfaces are never touched. Needs root.
 */
class NetAcceptanceTest {
    /** The exit device the test OS reports PASS and FAIL through. */
    private static final List<String> DEBUG_EXIT = List.of("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
    /** Time a guest has to boot and bring its NIC up. */
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(2);
    /** Time a guest has to finish once its work is done. */
    private static final Duration END_TIMEOUT = Duration.ofMinutes(2);
    /** Echo requests ping sends (acceptance 1). */
    private static final int PINGS = 50;
    /** Interval between them. */
    private static final Duration PING_INTERVAL = Duration.ofMillis(50);
    /** UDP datagrams echoed (acceptance 1). */
    private static final int DATAGRAMS = 10_000;
    /** Echo requests each guest of a pair sends the other. */
    private static final int GUEST_PINGS = 20;
    /** QEMU's NIC address in the mixed pair. */
    private static final String QEMU_MAC = "52:54:00:12:34:56";
    /** jkvm's explicit NIC address in the mixed pair. */
    private static final String JKVM_MAC = "52:54:00:12:34:57";
    /**
     * What the test OS adds to its "up" line when the NIC has a control queue: QEMU's and jkvm's virtio-net both
     * acknowledged promiscuous on, the empty MAC tables, the address and promiscuous off.
     */
    private static final String CONTROL_COMMANDS = " (4 control commands acknowledged)";
    /** A 52:54:00 MAC as the test OS prints it. */
    private static final String MAC = "52:54:00(?::\\p{XDigit}{2}){3}";

    @TempDir
    Path dir;

    private static Pattern upLine(String address) {
        return Pattern.compile("net: mac (" + MAC + ") ip " + Pattern.quote(address) + " up"
                + Pattern.quote(CONTROL_COMMANDS));
    }

    private LiveVmm jkvm(NetNamespace namespace, List<String> prefix, String cmdline, List<String> net) {
        List<String> args = new ArrayList<>(List.of("-append", cmdline, "-nographic", "-no-reboot"));
        args.addAll(DEBUG_EXIT);
        args.addAll(net);
        return LiveVmm.start(namespace.command(JkvmProcess.command(prefix, args.toArray(String[]::new))));
    }

    /** The pids running in the namespace: {@code ip netns exec} execs jkvm's JVM, so it is jkvm's pid. */
    private static List<Long> pidsIn(NetNamespace namespace) {
        CommandResult pids = runOnHost(List.of("ip", "netns", "pids", namespace.name()));
        return pids.output().lines().map(String::strip).filter(s -> s.matches("\\d+")).map(Long::parseLong).toList();
    }

    private static CommandResult runOnHost(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            return new CommandResult(command, process.waitFor(), output);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The names of the bridge's ports. */
    private static List<String> bridgePorts(NetNamespace namespace) {
        return namespace.ip("-o", "link", "show", "master", NetNamespace.BRIDGE).lines()
                .map(line -> line.split(":\\s+", 3)[1].split("@")[0]).toList();
    }

    @Test
    void jkvmCreatesTheTapOnBr0ThePingsAndUdpEchoesComeBackAndTheTapIsGoneAfterwards() throws Exception {
        try (NetNamespace namespace = NetNamespace.create("jkvm-echo");
             LiveVmm vm = jkvm(namespace, List.of(), "test=net ip=" + NetNamespace.GUEST_ADDRESS + " net-frames="
                     + DATAGRAMS, List.of("-kernel", TestOsImage.writeTo(dir).toString(), "-nic", "tap,br=br0"))) {
            Matcher up = vm.awaitLine(upLine(NetNamespace.GUEST_ADDRESS), UP_TIMEOUT);
            List<Long> pids = pidsIn(namespace);
            assertEquals(1, pids.size(), "jkvm alone runs in the namespace: " + pids);
            assertEquals(MacAddress.generate(pids.getFirst(), 0).toString(), up.group(1),
                    "the default MAC is derived from jkvm's pid");
            List<String> ports = bridgePorts(namespace);
            assertEquals(1, ports.size(), "one port on br0: " + ports);
            assertTrue(ports.getFirst().matches("tap\\d+"), "a tap the kernel named: " + ports);
            assertTrue(namespace.ip("-o", "link", "show", ports.getFirst()).contains("state UP")
                    || namespace.ip("-o", "link", "show", ports.getFirst()).contains(",UP"), "the tap is up");

            PingReport ping = namespace.ping(NetNamespace.GUEST_ADDRESS, PINGS, PING_INTERVAL);
            assertEquals(PINGS, ping.received(), ping.run().describe() + vm.describe());

            UdpEchoReport echo = UdpEchoClient.runInNamespace(namespace,
                    UdpEchoPlan.check(NetNamespace.GUEST_ADDRESS, DATAGRAMS));
            assertTrue(echo.clean(), echo.describe() + vm.describe());
            assertEquals(DATAGRAMS, echo.echoed(), echo.describe());

            assertEquals(TestOsExit.PASS.qemuStatus(), vm.awaitExit(END_TIMEOUT), vm.describe());
            List<String> lines = vm.stdout().replace("\r", "").lines().toList();
            assertEquals(3, lines.size(), vm.describe());
            assertTrue(lines.get(1).matches("net: " + DATAGRAMS + " UDP echoes, " + PINGS
                    + " ICMP echo replies, [1-9]\\d* ARP replies, 0 bad checksums"), vm.describe());
            assertEquals("PASS net", lines.get(2), vm.describe());
            assertEquals(List.of(), bridgePorts(namespace), "the tap jkvm created is gone with it");
            assertTrue(namespace.ip("-o", "link", "show").lines().noneMatch(l -> l.contains(ports.getFirst() + ":")),
                    "no interface " + ports.getFirst() + " is left");
        }
    }

    @Test
    void twoJkvmGuestsOnOneBridgePingEachOtherWithDistinctDefaultMacs() throws Exception {
        Path kernel = TestOsImage.writeTo(dir);
        try (NetNamespace namespace = NetNamespace.create("jkvm-pair");
             LiveVmm a = jkvm(namespace, List.of(), pingCommandLine(NetNamespace.GUEST_ADDRESS,
                     NetNamespace.SECOND_GUEST_ADDRESS), List.of("-kernel", kernel.toString(), "-nic", "tap,br=br0"));
             LiveVmm b = jkvm(namespace, List.of(), pingCommandLine(NetNamespace.SECOND_GUEST_ADDRESS,
                     NetNamespace.GUEST_ADDRESS), List.of("-kernel", kernel.toString(), "-netdev",
                     "tap,id=n0,br=br0,script=no,downscript=no", "-device", "virtio-net-pci,netdev=n0"))) {
            String macA = a.awaitLine(upLine(NetNamespace.GUEST_ADDRESS), UP_TIMEOUT).group(1);
            String macB = b.awaitLine(upLine(NetNamespace.SECOND_GUEST_ADDRESS), UP_TIMEOUT).group(1);
            assertNotEquals(macA, macB, "two VMs on one host never share a default MAC");
            for (LiveVmm vm : List.of(a, b)) {
                assertEquals(TestOsExit.PASS.qemuStatus(), vm.awaitExit(END_TIMEOUT), vm.describe());
                assertTrue(vm.stdout().replace("\r", "").lines().anyMatch(("PASS net-ping " + GUEST_PINGS + "/"
                        + GUEST_PINGS)::equals), vm.describe());
            }
            assertEquals(List.of(), bridgePorts(namespace), "both taps are gone");
        }
    }

    /** The same namespace layout with one guest under QEMU and one under jkvm: they ping each other across br0. */
    @Test
    void aJkvmGuestAndAQemuGuestOnOneBridgePingEachOther() throws Exception {
        Path kernel = TestOsImage.writeTo(dir);
        try (NetNamespace namespace = NetNamespace.create("jkvm-qemu")) {
            String qemuTap = namespace.addTap("tap0");
            QemuOptions options = QemuInNamespace.withVirtioNet(QemuOptions.of(kernel, pingCommandLine(
                    NetNamespace.GUEST_ADDRESS, NetNamespace.SECOND_GUEST_ADDRESS)), qemuTap, QEMU_MAC);
            try (QemuInNamespace qemu = QemuInNamespace.start(namespace, options);
                 LiveVmm jkvm = jkvm(namespace, List.of(), pingCommandLine(NetNamespace.SECOND_GUEST_ADDRESS,
                         NetNamespace.GUEST_ADDRESS), List.of("-kernel", kernel.toString(), "-netdev",
                         "tap,id=n0,ifname=tap1,br=br0,script=no,downscript=no", "-device",
                         "virtio-net-pci,netdev=n0,mac=" + JKVM_MAC))) {
                assertEquals(JKVM_MAC, jkvm.awaitLine(upLine(NetNamespace.SECOND_GUEST_ADDRESS), UP_TIMEOUT)
                        .group(1));
                assertEquals(List.of("tap0", "tap1"), bridgePorts(namespace).stream().sorted().toList());
                OptionalInt qemuStatus = qemu.awaitExit(UP_TIMEOUT.plus(END_TIMEOUT));
                assertEquals(TestOsExit.PASS.qemuStatus(), jkvm.awaitExit(END_TIMEOUT), jkvm.describe());
                assertEquals(OptionalInt.of(TestOsExit.PASS.qemuStatus()), qemuStatus, qemu.qemu().describe());
                String passed = "PASS net-ping " + GUEST_PINGS + "/" + GUEST_PINGS;
                assertEquals(List.of("net: mac " + QEMU_MAC + " ip " + NetNamespace.GUEST_ADDRESS + " up"
                        + CONTROL_COMMANDS, passed),
                        qemu.qemu().lines(), qemu.qemu().describe());
                assertEquals(List.of("net: mac " + JKVM_MAC + " ip " + NetNamespace.SECOND_GUEST_ADDRESS + " up"
                        + CONTROL_COMMANDS,
                        passed), jkvm.stdout().replace("\r", "").lines().toList(), jkvm.describe());
                assertEquals(List.of("tap0"), bridgePorts(namespace), "jkvm's tap1 is gone, QEMU's tap0 stays");
            }
        }
    }

    /**
     * docs/networking.md 3.3: a tap the administrator made for a user, already on br0 and up, serves an unprivileged
     * jkvm, and stays after it. This host's /dev/kvm and /dev/net/tun are mode 0600, so the user gets
     * CAP_DAC_OVERRIDE to open them, and nothing else: no CAP_NET_ADMIN.
     */
    @Test
    void anUnprivilegedJkvmUsesATapPreparedForItsUserAndLeavesItInPlace() throws Exception {
        try (NetNamespace namespace = NetNamespace.create("jkvm-user")) {
            namespace.execChecked("ip", "tuntap", "add", "dev", "tap0", "mode", "tap", "user", "nobody");
            namespace.ip("link", "set", "tap0", "master", NetNamespace.BRIDGE);
            namespace.ip("link", "set", "tap0", "up");
            int datagrams = 500;
            // No -kernel: the built-in guest, since nobody cannot read the test's private temporary directory.
            try (LiveVmm vm = jkvm(namespace, NetErrorsTest.NOBODY, "test=net ip=" + NetNamespace.GUEST_ADDRESS
                    + " net-frames=" + datagrams, List.of("-netdev", "tap,id=n0,ifname=tap0,br=br0,script=no,"
                    + "downscript=no", "-device", "virtio-net-pci,netdev=n0,mac=" + JKVM_MAC))) {
                vm.awaitLine(upLine(NetNamespace.GUEST_ADDRESS), UP_TIMEOUT);
                PingReport ping = namespace.ping(NetNamespace.GUEST_ADDRESS, 5, PING_INTERVAL);
                assertEquals(5, ping.received(), ping.run().describe() + vm.describe());
                UdpEchoReport echo = UdpEchoClient.runInNamespace(namespace,
                        UdpEchoPlan.check(NetNamespace.GUEST_ADDRESS, datagrams));
                assertTrue(echo.clean(), echo.describe() + vm.describe());
                assertEquals(TestOsExit.PASS.qemuStatus(), vm.awaitExit(END_TIMEOUT), vm.describe());
            }
            assertEquals(List.of("tap0"), bridgePorts(namespace), "the prepared tap stays, still on br0");
        }
    }

    private static String pingCommandLine(String own, String peer) {
        return "test=net-ping ip=" + own + " peer=" + peer + " count=" + GUEST_PINGS;
    }
}
