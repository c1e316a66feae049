package dev.jkvm.launcher;

import dev.jkvm.testos.net.NetNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user of the classic bridge setup gets wrong, each ending jkvm with status 1 and one line on stderr: a bridge
 * that does not exist, a malformed MAC, a tap another VM holds, a QEMU ifup script, no CAP_NET_ADMIN, no
 * /dev/net/tun. jkvm runs under {@code ip netns exec} in a namespace of the test's own. Needs root.
 */
class NetErrorsTest {
    /** Time one failing jkvm may take. */
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** Time the guest holding a tap has to come up. */
    private static final Duration UP_TIMEOUT = Duration.ofMinutes(2);
    /**
     * Runs jkvm as nobody with CAP_DAC_OVERRIDE alone, so it can open this host's mode-0600 /dev/kvm and
     * /dev/net/tun, but has no CAP_NET_ADMIN: the position of an ordinary user on a host with the usual 0666 tun.
     */
    static final List<String> NOBODY = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            "--inh-caps=+dac_override", "--ambient-caps=+dac_override");

    private static JkvmProcess jkvmIn(NetNamespace namespace, List<String> prefix, String... args) throws Exception {
        List<String> wrapped = new ArrayList<>(namespace.command(List.of()));
        wrapped.addAll(prefix);
        return JkvmProcess.run(LIMIT, wrapped, args);
    }

    private static void assertError(JkvmProcess p, String expectedLine) {
        CommandLineErrorsTest.assertOneLineError(p, expectedLine);
        assertEquals("jkvm: " + expectedLine, p.stderr().strip());
    }

    private static boolean interfaceExists(NetNamespace namespace, String name) {
        return namespace.ip("-o", "link", "show").lines().anyMatch(l -> l.matches("\\d+: " + Pattern.quote(name)
                + "[:@].*"));
    }

    @Test
    void aMissingBridgeNamesTheBridgeAndHowToCreateItAndLeavesNoTap() throws Exception {
        try (NetNamespace namespace = NetNamespace.create("err-bridge")) {
            assertError(jkvmIn(namespace, List.of(), "-nic", "tap,ifname=tap3,br=br9"), "br9: no such bridge, cannot"
                    + " attach tap3 to it; create it first (ip link add br9 type bridge, or see docs/networking.md)"
                    + " (ioctl SIOCBRADDIF br9: ENODEV)");
            assertTrue(!interfaceExists(namespace, "tap3"), "the tap jkvm created for it is gone");
        }
    }

    @Test
    void aMalformedMacIsRefusedBeforeAnyTapIsMade() throws Exception {
        try (NetNamespace namespace = NetNamespace.create("err-mac")) {
            assertError(jkvmIn(namespace, List.of(), "-netdev", "tap,id=n0,ifname=tap0,br=br0", "-device",
                    "virtio-net-pci,netdev=n0,mac=52:54:00:12:34"), "-device virtio-net-pci,netdev=n0,"
                    + "mac=52:54:00:12:34: malformed MAC address \"52:54:00:12:34\": expected six two-digit hex octets"
                    + " separated by colons, e.g. 52:54:00:12:34:56");
            assertTrue(!interfaceExists(namespace, "tap0"));
        }
    }

    @Test
    void aTapAnotherVmHoldsIsInUse() throws Exception {
        try (NetNamespace namespace = NetNamespace.create("err-busy");
             LiveVmm holder = LiveVmm.start(namespace.command(JkvmProcess.command(List.of(), "-append",
                     "test=net ip=" + NetNamespace.GUEST_ADDRESS, "-nic", "tap,ifname=tap0,br=br0")))) {
            holder.awaitLine(Pattern.compile("net: mac .* up.*"), UP_TIMEOUT);
            assertError(jkvmIn(namespace, List.of(), "-nic", "tap,ifname=tap0,br=br0"), "tap0: already in use by"
                    + " another program (another VM?); a tap serves one program at a time (ioctl TUNSETIFF: EBUSY)");
            assertTrue(holder.isAlive(), "the VM holding the tap runs on" + holder.describe());
        }
    }

    @Test
    void aQemuIfupScriptIsRefusedWithAPointerToBr() throws Exception {
        try (NetNamespace namespace = NetNamespace.create("err-script")) {
            assertError(jkvmIn(namespace, List.of(), "-netdev", "tap,id=n0,ifname=tap0,script=/etc/qemu-ifup",
                    "-device", "virtio-net-pci,netdev=n0"), "-netdev tap,id=n0,ifname=tap0,script=/etc/qemu-ifup:"
                    + " script=/etc/qemu-ifup: jkvm does not run scripts; attach the tap with br=BRIDGE instead (and"
                    + " give script=no or leave it out)");
        }
    }

    @Test
    void withoutCapNetAdminCreatingATapIsNotPermitted() throws Exception {
        try (NetNamespace namespace = NetNamespace.create("err-perm")) {
            assertError(jkvmIn(namespace, NOBODY, "-nic", "tap,br=br0"), "new tap: not permitted to create the tap:"
                    + " run jkvm as root or with CAP_NET_ADMIN, or use a persistent tap owned by your user (ip tuntap"
                    + " add tap0 mode tap user $USER) (ioctl TUNSETIFF: EPERM)");
            // Root itself with CAP_NET_ADMIN dropped is refused the same way.
            assertError(jkvmIn(namespace, List.of("setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin"),
                    "-nic", "tap,ifname=tap0,br=br0"), "tap0: not permitted to create or open the tap: run jkvm as"
                    + " root or with CAP_NET_ADMIN, or use a persistent tap owned by your user (ip tuntap add tap0"
                    + " mode tap user $USER) (ioctl TUNSETIFF: EPERM)");
        }
    }

    /** A container without the tun device: /dev/net hidden under an empty tmpfs in a mount namespace of its own. */
    @Test
    void withoutDevNetTunTheErrorSaysToLoadTheModule() throws Exception {
        try (NetNamespace namespace = NetNamespace.create("err-notun")) {
            List<String> hideTun = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount -t tmpfs tmpfs /dev/net && exec \"$@\"", "sh");
            assertError(jkvmIn(namespace, hideTun, "-nic", "tap,ifname=tap0,br=br0"), "tap0: cannot create or open a"
                    + " tap: /dev/net/tun is missing; load the tun module (modprobe tun), or in a container pass the"
                    + " device in (open /dev/net/tun: ENOENT)");
        }
    }
}
