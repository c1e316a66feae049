package dev.jkvm.testos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.testos.net.NetNamespace;
import dev.jkvm.testos.net.PingReport;
import dev.jkvm.testos.net.UdpEchoClient;
import dev.jkvm.testos.net.UdpEchoPlan;
import dev.jkvm.testos.net.UdpEchoReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test OS's virtio-net driver and responder against QEMU's virtio-net-pci on taps attached to a bridge br0 in a
 * namespace of the test's own (issue 5, acceptance 3): ping from the bridge, 10,000 UDP echoes of mixed sizes up to
 * the MTU, and two guests on one bridge pinging each other. The namespace helper and the UDP checker are the ones
 * the jkvm-side tests use.
 */
class QemuNetTest {

    /** The first guest's NIC address. */
    private static final String FIRST_MAC = "52:54:00:12:34:56";
    /** The second guest's NIC address. */
    private static final String SECOND_MAC = "52:54:00:12:34:57";
    /** Time a guest has to boot and bring its NIC up (SeaBIOS runs emulated here: 5-10 s). */
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(2);
    /** Echo requests ping sends. */
    private static final int PINGS = 50;
    /** Interval between them. */
    private static final Duration PING_INTERVAL = Duration.ofMillis(50);
    /** UDP datagrams echoed. */
    private static final int DATAGRAMS = 10_000;
    /** Echo requests each guest of the pair sends the other. */
    private static final int GUEST_PINGS = 20;
    /** Time a guest has to end once its work is done. */
    private static final Duration END_TIMEOUT = Duration.ofMinutes(2);
    /**
     * What the test OS adds to its "up" line when the NIC has a control queue: QEMU's virtio-net acknowledged
     * promiscuous on, the empty MAC tables, the address and promiscuous off.
     */
    private static final String CONTROL_COMMANDS = " (4 control commands acknowledged)";

    @TempDir
    Path dir;

    @Test
    void theBridgePingsTheGuestAndGetsEveryUdpDatagramBackIntactAndInOrder() throws InterruptedException {
        try (NetNamespace namespace = NetNamespace.create("qemu-echo")) {
            String tap = namespace.addTap("tap0");
            QemuOptions options = QemuInNamespace.withVirtioNet(QemuOptions.of(TestOsImage.writeTo(dir),
                    "test=net ip=" + NetNamespace.GUEST_ADDRESS + " net-frames=" + DATAGRAMS), tap, FIRST_MAC);
            try (QemuInNamespace vm = QemuInNamespace.start(namespace, options)) {
                String up = upLine(FIRST_MAC, NetNamespace.GUEST_ADDRESS);
                assertEquals(up, vm.qemu().awaitLine(up::equals, UP_TIMEOUT).orElse(null), vm.qemu().describe());

                PingReport ping = namespace.ping(NetNamespace.GUEST_ADDRESS, PINGS, PING_INTERVAL);
                assertEquals(PINGS, ping.received(), ping.run().describe() + "\n" + vm.qemu().describe());

                UdpEchoReport echo = UdpEchoClient.runInNamespace(namespace,
                        UdpEchoPlan.check(NetNamespace.GUEST_ADDRESS, DATAGRAMS));
                assertTrue(echo.clean(), echo.describe() + "\n" + vm.qemu().describe());
                assertEquals(DATAGRAMS, echo.echoed(), echo.describe());

                OptionalInt status = vm.awaitExit(END_TIMEOUT);
                List<String> lines = vm.qemu().lines();
                assertEquals(3, lines.size(), vm.qemu().describe());
                assertEquals(up, lines.get(0), vm.qemu().describe());
                // The bridge ARPs for the guest at least once; the kernel may refresh its entry again later.
                assertTrue(lines.get(1).matches("net: " + DATAGRAMS + " UDP echoes, " + PINGS
                        + " ICMP echo replies, [1-9]\\d* ARP replies, 0 bad checksums"), vm.qemu().describe());
                assertEquals("PASS net", lines.get(2), vm.qemu().describe());
                assertEquals(OptionalInt.of(TestOsExit.PASS.qemuStatus()), status, vm.qemu().describe());
            }
        }
    }

    /** Each guest ARPs for the other and pings it while answering the other's pings. */
    @Test
    void twoGuestsOnOneBridgePingEachOther() throws InterruptedException {
        try (NetNamespace namespace = NetNamespace.create("qemu-pair")) {
            String firstTap = namespace.addTap("tap0");
            String secondTap = namespace.addTap("tap1");
            Path kernel = TestOsImage.writeTo(dir);
            QemuOptions first = QemuInNamespace.withVirtioNet(QemuOptions.of(kernel, pingCommandLine(
                    NetNamespace.GUEST_ADDRESS, NetNamespace.SECOND_GUEST_ADDRESS)), firstTap, FIRST_MAC);
            QemuOptions second = QemuInNamespace.withVirtioNet(QemuOptions.of(kernel, pingCommandLine(
                    NetNamespace.SECOND_GUEST_ADDRESS, NetNamespace.GUEST_ADDRESS)), secondTap, SECOND_MAC);
            try (QemuInNamespace a = QemuInNamespace.start(namespace, first);
                 QemuInNamespace b = QemuInNamespace.start(namespace, second)) {
                for (QemuInNamespace vm : List.of(a, b)) {
                    OptionalInt status = vm.awaitExit(UP_TIMEOUT.plus(END_TIMEOUT));
                    assertEquals(OptionalInt.of(TestOsExit.PASS.qemuStatus()), status, vm.qemu().describe());
                }
                assertEquals(List.of(upLine(FIRST_MAC, NetNamespace.GUEST_ADDRESS),
                        "PASS net-ping " + GUEST_PINGS + "/" + GUEST_PINGS), a.qemu().lines(), a.qemu().describe());
                assertEquals(List.of(upLine(SECOND_MAC, NetNamespace.SECOND_GUEST_ADDRESS),
                        "PASS net-ping " + GUEST_PINGS + "/" + GUEST_PINGS), b.qemu().lines(), b.qemu().describe());
            }
        }
    }

    private static String upLine(String mac, String address) {
        return "net: mac " + mac + " ip " + address + " up" + CONTROL_COMMANDS;
    }

    private static String pingCommandLine(String own, String peer) {
        return "test=net-ping ip=" + own + " peer=" + peer + " count=" + GUEST_PINGS;
    }
}
