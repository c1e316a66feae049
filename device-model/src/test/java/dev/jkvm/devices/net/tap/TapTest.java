package dev.jkvm.devices.net.tap;

import dev.jkvm.devices.net.tap.TapException.Reason;
import dev.jkvm.headers.net.NetConstants;
import dev.jkvm.headers.net.VirtioNetHdrV1;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tap backend against the real kernel, inside a network namespace holding bridge br0 with address
 * 10.77.0.1/24: taps are created, attached, brought up, and frames go both ways with their virtio-net header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TapTest {

    /** The bridge every test attaches to. */
    private static final String BRIDGE = "br0";
    /** br0's address. */
    private static final Inet4Address HOST = address("10.77.0.1");
    /** The address the tests pretend the guest behind the tap has. */
    private static final Inet4Address GUEST = address("10.77.0.2");
    /** The guest's MAC address, in QEMU's range. */
    private static final MacAddress GUEST_MAC = MacAddress.parse("52:54:00:4a:4b:01");
    /** br0's MAC address (locally administered). */
    private static final MacAddress BRIDGE_MAC = MacAddress.parse("02:00:0a:4d:00:01");
    /** Milliseconds to wait for a frame the kernel should send at once. */
    private static final int FRAME_TIMEOUT_MILLIS = 5_000;
    /** A frame buffer: header, Ethernet, 1500 bytes of MTU and a VLAN tag, rounded up. */
    private static final int BUFFER_SIZE = 2048;

    private NetworkNamespace namespace;

    @BeforeAll
    void createNamespaceWithBridge() throws Exception {
        namespace = NetworkNamespace.create("tap");
        namespace.addBridge(BRIDGE, BRIDGE_MAC, HOST, GUEST, GUEST_MAC);
    }

    @AfterAll
    void deleteNamespace() throws Exception {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void theKernelNamesANewTapAndDeletesItOnClose() throws Exception {
        String name = namespace.call(() -> {
            try (Tap tap = Tap.open(null)) {
                assertTrue(tap.name().matches("tap\\d+"), tap.name());
                assertTrue(tap.created(), "a tap that did not exist is created by jkvm");
                assertTrue(tap.ifindex() > 0);
                assertTrue(namespace.linkExists(tap.name()), tap.name() + " exists while open");
                assertEquals(1500, tap.mtu());
                return tap.name();
            }
        });
        assertFalse(namespace.linkExists(name), name + " is gone once jkvm closed it");
    }

    @Test
    void framesFromTheBridgeArriveWithTheirVirtioNetHeaderAndFramesWrittenGetAnswered() throws Exception {
        namespace.call(() -> {
            try (Tap tap = Tap.open("jkvmt0"); Arena arena = Arena.ofConfined();
                    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
                tap.attachToBridge(BRIDGE);
                assertFalse(tap.isUp());
                tap.bringUp();
                assertTrue(tap.isUp());
                namespace.awaitCarrying(tap.name(), BRIDGE);
                assertTrue(namespace.ip("-d", "link", "show", "dev", "jkvmt0").contains("master " + BRIDGE),
                        "jkvmt0 is a port of " + BRIDGE);
                MemorySegment buffer = arena.allocate(BUFFER_SIZE);

                // Host to guest: a UDP datagram to the guest's address leaves br0 for the tap.
                byte[] payload = "to the guest".getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(payload, payload.length, GUEST, 7777));
                ByteBuffer udp = awaitFrame(tap, buffer, frame -> Frames.etherType(frame) == Frames.ETHERTYPE_IPV4
                        && Frames.ipProtocol(frame) == Frames.PROTOCOL_UDP);
                assertEquals(0, (byte) VirtioNetHdrV1.FLAGS.get(buffer, 0L), "no checksum offload was granted");
                assertEquals(NetConstants.VIRTIO_NET_HDR_GSO_NONE, (byte) VirtioNetHdrV1.GSO_TYPE.get(buffer, 0L));
                assertEquals(GUEST_MAC, Frames.destination(udp));
                assertEquals(ByteBuffer.wrap(GUEST.getAddress()).getInt(), Frames.ipDestination(udp));
                assertEquals(7777, Short.toUnsignedInt(udp.getShort(Frames.TRANSPORT_OFFSET + 2)));
                byte[] received = Arrays.copyOfRange(udp.array(), udp.arrayOffset() + Frames.TRANSPORT_OFFSET
                        + Frames.UDP_HEADER, udp.arrayOffset() + udp.limit());
                assertArrayEquals(payload, received);
                assertEquals(BRIDGE_MAC, Frames.source(udp));

                // Guest to host: an ICMP echo request written to the tap gets br0's echo reply.
                byte[] data = "ping through the tap".getBytes(StandardCharsets.US_ASCII);
                byte[] request = Frames.icmpEcho(GUEST_MAC, BRIDGE_MAC, GUEST, HOST, 0x1234, 7, data);
                MemorySegment out = arena.allocate(Tap.VNET_HEADER_SIZE + request.length);
                MemorySegment.copy(request, 0, out, ValueLayout.JAVA_BYTE, Tap.VNET_HEADER_SIZE, request.length);
                assertEquals(out.byteSize(), tap.write(out));
                ByteBuffer reply = awaitFrame(tap, buffer, frame -> Frames.etherType(frame) == Frames.ETHERTYPE_IPV4
                        && Frames.ipProtocol(frame) == Frames.PROTOCOL_ICMP);
                assertEquals(GUEST_MAC, Frames.destination(reply));
                assertEquals(BRIDGE_MAC, Frames.source(reply));
                assertEquals(Frames.ICMP_ECHO_REPLY, reply.get(Frames.TRANSPORT_OFFSET));
                assertEquals(0x1234, Short.toUnsignedInt(reply.getShort(Frames.TRANSPORT_OFFSET + 4)));
                assertEquals(7, Short.toUnsignedInt(reply.getShort(Frames.TRANSPORT_OFFSET + 6)));
                byte[] echoed = Arrays.copyOfRange(reply.array(), reply.arrayOffset() + Frames.TRANSPORT_OFFSET
                        + Frames.ICMP_ECHO_HEADER, reply.arrayOffset() + reply.limit());
                assertArrayEquals(data, echoed);
                return null;
            }
        });
    }

    @Test
    void aFrameWrittenWithAPartialChecksumIsCompletedThroughItsHeader() throws Exception {
        namespace.call(() -> {
            try (Tap tap = Tap.open("jkvmt1"); Arena arena = Arena.ofConfined();
                    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
                tap.attachToBridge(BRIDGE);
                tap.bringUp();
                namespace.awaitCarrying(tap.name(), BRIDGE);
                socket.setSoTimeout(FRAME_TIMEOUT_MILLIS);
                byte[] payload = "checksum left to the host".getBytes(StandardCharsets.US_ASCII);
                byte[] frame = Frames.udpWithPartialChecksum(GUEST_MAC, BRIDGE_MAC, GUEST, HOST, 5555,
                        socket.getLocalPort(), payload);
                MemorySegment out = arena.allocate(Tap.VNET_HEADER_SIZE + frame.length);
                VirtioNetHdrV1.FLAGS.set(out, 0L, (byte) NetConstants.VIRTIO_NET_HDR_F_NEEDS_CSUM);
                VirtioNetHdrV1.CSUM_START.set(out, 0L, (short) Frames.TRANSPORT_OFFSET);
                VirtioNetHdrV1.CSUM_OFFSET.set(out, 0L, (short) Frames.UDP_CHECKSUM_OFFSET);
                MemorySegment.copy(frame, 0, out, ValueLayout.JAVA_BYTE, Tap.VNET_HEADER_SIZE, frame.length);
                assertEquals(out.byteSize(), tap.write(out));

                DatagramPacket packet = new DatagramPacket(new byte[BUFFER_SIZE], BUFFER_SIZE);
                socket.receive(packet);
                assertEquals(GUEST, packet.getAddress());
                assertEquals(5555, packet.getPort());
                assertArrayEquals(payload, Arrays.copyOf(packet.getData(), packet.getLength()));
                return null;
            }
        });
    }

    @Test
    void withChecksumOffloadGrantedTheHostHandsOverPartialChecksums() throws Exception {
        namespace.call(() -> {
            try (Tap tap = Tap.open("jkvmt2"); Arena arena = Arena.ofConfined();
                    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
                tap.setOffload(NetConstants.TUN_F_CSUM | NetConstants.TUN_F_TSO4 | NetConstants.TUN_F_TSO6
                        | NetConstants.TUN_F_TSO_ECN | NetConstants.TUN_F_UFO);
                tap.attachToBridge(BRIDGE);
                tap.bringUp();
                namespace.awaitCarrying(tap.name(), BRIDGE);
                MemorySegment buffer = arena.allocate(BUFFER_SIZE);
                byte[] payload = new byte[1000];
                socket.send(new DatagramPacket(payload, payload.length, GUEST, 7778));
                ByteBuffer udp = awaitFrame(tap, buffer, frame -> Frames.etherType(frame) == Frames.ETHERTYPE_IPV4
                        && Frames.ipProtocol(frame) == Frames.PROTOCOL_UDP);
                assertEquals(NetConstants.VIRTIO_NET_HDR_F_NEEDS_CSUM, (byte) VirtioNetHdrV1.FLAGS.get(buffer, 0L),
                        "the host left the UDP checksum to the guest, which accepted TUN_F_CSUM");
                assertEquals(Frames.TRANSPORT_OFFSET, (short) VirtioNetHdrV1.CSUM_START.get(buffer, 0L));
                assertEquals(Frames.UDP_CHECKSUM_OFFSET, (short) VirtioNetHdrV1.CSUM_OFFSET.get(buffer, 0L));
                assertEquals(7778, Short.toUnsignedInt(udp.getShort(Frames.TRANSPORT_OFFSET + 2)));

                tap.setOffload(0);
                assertThrows(IllegalArgumentException.class, () -> tap.setOffload(NetConstants.TUN_F_TSO4));
                var unknown = assertThrows(IllegalArgumentException.class, () -> tap.setOffload(0x100));
                assertEquals("jkvmt2: unknown TUN_F_* offload bits 0x100 in 0x100", unknown.getMessage());
                return null;
            }
        });
    }

    @Test
    void anIdleTapReportsWouldBlock() throws Exception {
        namespace.call(() -> {
            try (Tap tap = Tap.open("jkvmt3"); Arena arena = Arena.ofConfined()) {
                assertFalse(tap.awaitReadable(50));
                assertEquals(Tap.WOULD_BLOCK, tap.read(arena.allocate(BUFFER_SIZE)));
                return null;
            }
        });
    }

    @Test
    void aPersistentTapIsOpenedNotCreatedAndOutlivesJkvm() throws Exception {
        namespace.ip("tuntap", "add", "dev", "jkvmp0", "mode", "tap");
        try {
            namespace.call(() -> {
                try (Tap tap = Tap.open("jkvmp0")) {
                    assertFalse(tap.created(), "jkvmp0 existed before");
                    tap.attachToBridge(BRIDGE);
                    tap.bringUp();
                    return null;
                }
            });
            assertTrue(namespace.linkExists("jkvmp0"), "closing jkvm's descriptor must not delete a persistent tap");
            String link = namespace.ip("-d", "link", "show", "dev", "jkvmp0");
            assertTrue(link.contains("tun type tap") && link.contains("persist"), link);
            namespace.call(() -> {
                try (Tap again = Tap.open("jkvmp0")) {
                    assertFalse(again.created());
                    return null;
                }
            });
        } finally {
            namespace.ip("link", "del", "jkvmp0");
        }
    }

    @Test
    void aMissingBridgeIsNamedInOneLine() throws Exception {
        TapException e = namespace.call(() -> {
            try (Tap tap = Tap.open("jkvmt4")) {
                return assertThrows(TapException.class, () -> tap.attachToBridge("nobr0"));
            }
        });
        assertEquals(Reason.NO_SUCH_BRIDGE, e.reason());
        assertEquals("nobr0", e.interfaceName());
        assertEquals("nobr0: no such bridge, cannot attach jkvmt4 to it; create it first (ip link add nobr0 type"
                + " bridge, or see docs/networking.md) (ioctl SIOCBRADDIF nobr0: ENODEV)", e.getMessage());
    }

    @Test
    void anInterfaceThatIsNotABridgeIsRefused() throws Exception {
        TapException e = namespace.call(() -> {
            try (Tap tap = Tap.open("jkvmt5")) {
                return assertThrows(TapException.class, () -> tap.attachToBridge("lo"));
            }
        });
        assertEquals(Reason.NOT_A_BRIDGE, e.reason());
        assertEquals("lo: not a bridge, cannot attach jkvmt5 to it (ioctl SIOCBRADDIF lo: EOPNOTSUPP)",
                e.getMessage());
    }

    @Test
    void aPortOfAnotherBridgeIsNotMovedSilently() throws Exception {
        namespace.ip("link", "add", "br1", "type", "bridge");
        try {
            TapException e = namespace.call(() -> {
                try (Tap tap = Tap.open("jkvmt6")) {
                    tap.attachToBridge("br1");
                    return assertThrows(TapException.class, () -> tap.attachToBridge(BRIDGE));
                }
            });
            assertEquals(Reason.ATTACHED_ELSEWHERE, e.reason());
            assertTrue(e.getMessage().startsWith("jkvmt6: already a port of "), e.getMessage());
            assertTrue(e.getMessage().endsWith(", cannot attach it to br0 (ip link set jkvmt6 nomaster frees it)"
                    + " (ioctl SIOCBRADDIF br0: EBUSY)"), e.getMessage());
        } finally {
            namespace.ip("link", "del", "br1");
        }
    }

    @Test
    void aTapInUseIsRefusedWithEbusy() throws Exception {
        TapException e = namespace.call(() -> {
            try (Tap first = Tap.open("jkvmt7")) {
                assertTrue(first.created());
                return assertThrows(TapException.class, () -> Tap.open("jkvmt7"));
            }
        });
        assertEquals(Reason.IN_USE, e.reason());
        assertEquals("EBUSY", e.errnoName());
        assertEquals("jkvmt7: already in use by another program (another VM?); a tap serves one program at a time"
                + " (ioctl TUNSETIFF: EBUSY)", e.getMessage());
    }

    @Test
    void aNameTakenByAnotherKindOfInterfaceIsRefused() throws Exception {
        TapException e = namespace.call(() -> assertThrows(TapException.class, () -> Tap.open(BRIDGE)));
        assertEquals(Reason.NOT_A_TAP, e.reason());
        assertEquals("br0: exists but is not a single-queue tap; choose another ifname (ioctl TUNSETIFF: EINVAL)",
                e.getMessage());
    }

    @Test
    void namesLinuxRefusesAreRefusedBeforeAnyCall() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tap.open("a-name-too-long-0"));
        assertEquals("interface name \"a-name-too-long-0\" is 17 bytes long; Linux allows at most 15", e.getMessage());
    }

    /** Reads frames until one matches, skipping others (e.g. the bridge's own multicast); the header stays in buffer. */
    private static ByteBuffer awaitFrame(Tap tap, MemorySegment buffer, Predicate<ByteBuffer> wanted) {
        long deadline = System.nanoTime() + FRAME_TIMEOUT_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (!tap.awaitReadable(FRAME_TIMEOUT_MILLIS)) {
                continue;
            }
            long length = tap.read(buffer);
            if (length == Tap.WOULD_BLOCK) {
                continue;
            }
            assertTrue(length >= Tap.VNET_HEADER_SIZE + Frames.ETHERNET_HEADER, "a frame of " + length + " bytes");
            ByteBuffer frame = ByteBuffer.wrap(buffer.asSlice(Tap.VNET_HEADER_SIZE, length - Tap.VNET_HEADER_SIZE)
                    .toArray(ValueLayout.JAVA_BYTE));
            if (wanted.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no matching frame on " + tap.name() + " within " + FRAME_TIMEOUT_MILLIS + " ms");
    }

    private static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
