package dev.jkvm.devices.net.tap;

import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.memory.TestRam;
import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.net.VirtioNet;
import dev.jkvm.devices.virtio.net.VirtioNetFeature;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.SplitQueueConfig;
import dev.jkvm.devices.virtio.queue.SplitVirtqueue;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.net.NetConstants;
import dev.jkvm.headers.net.VirtioNetHdrV1;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * virtio-net over a {@link TapBackend} over a real tap on bridge br0 (10.77.1.1/24) in a network namespace, the
 * guest played by the test through split virtqueues in native memory: frames from the namespace reach the guest's
 * receive ring with their vnet header, frames the guest transmits get the kernel's answers, the receive thread
 * wakes at once, and nothing outlives close.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TapBackendTest {

    /** The bridge the taps join. */
    private static final String BRIDGE = "br0";
    /** br0's address. */
    private static final Inet4Address HOST = address("10.77.1.1");
    /** The guest's address, known to br0 through a permanent neighbour entry (nothing answers ARP). */
    private static final Inet4Address GUEST = address("10.77.1.2");
    /** The guest NIC's MAC address. */
    private static final MacAddress GUEST_MAC = MacAddress.parse("52:54:00:4a:4b:11");
    /** br0's MAC address (locally administered), fixed so the neighbour table is never flushed. */
    private static final MacAddress BRIDGE_MAC = MacAddress.parse("02:00:0a:4d:01:01");
    /** The device's id, so its I/O thread is "net0-io". */
    private static final String DEVICE_ID = "net0";
    /** The tap's MTU, given to the device. */
    private static final int MTU = 1500;
    /** Entries of each test virtqueue. */
    private static final int QUEUE_SIZE = 16;
    /** Test RAM: rings in the first pages, buffers above. */
    private static final long RAM_SIZE = 1 << 20;
    /** Receive buffer i is at RX_BUFFERS + i pages. */
    private static final long RX_BUFFERS = 0x20000;
    /** Transmit buffers start here. */
    private static final long TX_BUFFERS = 0x40000;
    /** A receive buffer: vnet header and a full-size Ethernet frame with a VLAN tag, rounded up. */
    private static final int RX_BUFFER_BYTES = 2048;
    /** One page, the spacing of buffers. */
    private static final long PAGE = 0x1000;
    /** How long a frame the kernel sends at once may take to appear. */
    private static final Duration FRAME_WAIT = Duration.ofSeconds(5);
    /** Features the guest accepts in every test: mergeable buffers, so num_buffers is meaningful. */
    private static final long BASE_FEATURES = VirtioNetFeature.maskOf(VirtioNetFeature.MAC, VirtioNetFeature.STATUS,
            VirtioNetFeature.MTU, VirtioNetFeature.MRG_RXBUF);
    /** How soon after wakeup() a blocked awaitReadable must have returned. */
    private static final Duration WAKEUP_LATENCY = Duration.ofMillis(100);

    private NetworkNamespace namespace;

    @BeforeAll
    void createNamespaceWithBridge() throws Exception {
        namespace = NetworkNamespace.create("tapbackend");
        namespace.addBridge(BRIDGE, BRIDGE_MAC, HOST, GUEST, GUEST_MAC);
    }

    @AfterAll
    void deleteNamespace() throws Exception {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void aDatagramFromTheBridgeArrivesInTheGuestRingWithTheChecksumLeftToTheGuest() throws Exception {
        namespace.call(() -> {
            long features = BASE_FEATURES | VirtioNetFeature.GUEST_CSUM.mask();
            try (GuestNic nic = GuestNic.open(namespace, "jkvmb0", features);
                    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
                byte[] payload = "datagram for the guest ring".getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(payload, payload.length, GUEST, 7777));

                Received udp = nic.receive(frame -> Frames.etherType(frame) == Frames.ETHERTYPE_IPV4
                        && Frames.ipProtocol(frame) == Frames.PROTOCOL_UDP);
                // GUEST_CSUM became TUN_F_CSUM, so the kernel left the UDP checksum for the guest to complete.
                assertEquals(NetConstants.VIRTIO_NET_HDR_F_NEEDS_CSUM, udp.flags());
                assertEquals(Frames.TRANSPORT_OFFSET, udp.csumStart());
                assertEquals(Frames.UDP_CHECKSUM_OFFSET, udp.csumOffset());
                assertEquals(NetConstants.VIRTIO_NET_HDR_GSO_NONE, udp.gsoType());
                assertEquals(1, udp.numBuffers(), "the frame fits one 2048-byte buffer");
                assertEquals(GUEST_MAC, Frames.destination(udp.frame()));
                assertEquals(BRIDGE_MAC, Frames.source(udp.frame()));
                assertEquals(ByteBuffer.wrap(GUEST.getAddress()).getInt(), Frames.ipDestination(udp.frame()));
                assertEquals(7777, Short.toUnsignedInt(udp.frame().getShort(Frames.TRANSPORT_OFFSET + 2)));
                assertArrayEquals(payload, udp.payloadAfter(Frames.TRANSPORT_OFFSET + Frames.UDP_HEADER));
                assertTrue(nic.net.stats().rxFrames() >= 1);
                assertEquals(0, nic.net.stats().rxDropped());
                assertTrue(nic.rxInterrupts.get() >= 1, "the guest was interrupted");
                assertEquals(List.of(), nic.resets);
                return null;
            }
        });
    }

    @Test
    void withoutGuestChecksumOffloadTheDatagramArrivesComplete() throws Exception {
        namespace.call(() -> {
            try (GuestNic nic = GuestNic.open(namespace, "jkvmb1", BASE_FEATURES);
                    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
                byte[] payload = new byte[1400];
                Arrays.fill(payload, (byte) 0x5A);
                socket.send(new DatagramPacket(payload, payload.length, GUEST, 7778));

                Received udp = nic.receive(frame -> Frames.etherType(frame) == Frames.ETHERTYPE_IPV4
                        && Frames.ipProtocol(frame) == Frames.PROTOCOL_UDP);
                assertEquals(0, udp.flags(), "no TUN_F_CSUM: the kernel computed the checksum");
                assertTrue(udp.frame().getShort(Frames.TRANSPORT_OFFSET + Frames.UDP_CHECKSUM_OFFSET) != 0,
                        "a UDP checksum is present");
                assertArrayEquals(payload, udp.payloadAfter(Frames.TRANSPORT_OFFSET + Frames.UDP_HEADER));
                return null;
            }
        });
    }

    @Test
    void anEchoRequestTheGuestTransmitsAndKicksThroughTheSignalFdGetsItsReplyInTheReceiveRing() throws Exception {
        namespace.call(() -> {
            try (GuestNic nic = GuestNic.open(namespace, "jkvmb2", BASE_FEATURES)) {
                byte[] data = "ping from the guest ring".getBytes(StandardCharsets.US_ASCII);
                byte[] request = Frames.icmpEcho(GUEST_MAC, BRIDGE_MAC, GUEST, HOST, 0x4242, 3, data);
                // Header, Ethernet + IP headers, the rest: a gather list of three guest buffers.
                int split = Frames.TRANSPORT_OFFSET;
                nic.ram.write(TX_BUFFERS, new byte[Tap.VNET_HEADER_SIZE]);
                nic.ram.write(TX_BUFFERS + PAGE, Arrays.copyOfRange(request, 0, split));
                nic.ram.write(TX_BUFFERS + 2 * PAGE, Arrays.copyOfRange(request, split, request.length));
                nic.tx.addReadable(0, List.of(new long[]{TX_BUFFERS, Tap.VNET_HEADER_SIZE},
                        new long[]{TX_BUFFERS + PAGE, split},
                        new long[]{TX_BUFFERS + 2 * PAGE, request.length - split}));
                // The kick as a KVM ioeventfd delivers it: a write to the eventfd the device named for the queue.
                int signalFd = nic.net.queueSignalFd(VirtioNet.TRANSMITQ).orElseThrow();
                assertEquals(signalFd, nic.net.queueSignalFd(VirtioNet.RECEIVEQ).orElseThrow(), "one for both");
                assertTrue(nic.net.queueSignalFd(VirtioNet.CONTROLQ).isEmpty(), "the control queue is rung");
                try (Arena arena = Arena.ofConfined()) {
                    Libc.write(signalFd, arena.allocateFrom(ValueLayout.JAVA_LONG, 1));
                }

                assertEquals(new DriverRing.Used(0, 0), nic.awaitTransmitted(), "the transmit chain is returned");
                assertEquals(1, nic.net.stats().txFrames());
                assertEquals(0, nic.net.stats().txDropped());
                Received reply = nic.receive(frame -> Frames.etherType(frame) == Frames.ETHERTYPE_IPV4
                        && Frames.ipProtocol(frame) == Frames.PROTOCOL_ICMP);
                assertEquals(GUEST_MAC, Frames.destination(reply.frame()));
                assertEquals(BRIDGE_MAC, Frames.source(reply.frame()));
                assertEquals(Frames.ICMP_ECHO_REPLY, reply.frame().get(Frames.TRANSPORT_OFFSET));
                assertEquals(0x4242, Short.toUnsignedInt(reply.frame().getShort(Frames.TRANSPORT_OFFSET + 4)));
                assertEquals(3, Short.toUnsignedInt(reply.frame().getShort(Frames.TRANSPORT_OFFSET + 6)));
                assertArrayEquals(data, reply.payloadAfter(Frames.TRANSPORT_OFFSET + Frames.ICMP_ECHO_HEADER));
                return null;
            }
        });
    }

    @Test
    void wakeupEndsAWaitAtOnceAndIsRememberedWhenNobodyWaits() throws Exception {
        namespace.call(() -> {
            Tap tap = Tap.open("jkvmb3");
            try (TapBackend backend = new TapBackend(tap); Arena arena = Arena.ofConfined();
                    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
                // Down and on no bridge, the tap gets no frame at all (up on br0 it soon gets an IGMP report).
                assertFalse(tap.isUp());
                MemorySegment frame = arena.allocate(RX_BUFFER_BYTES);

                long[] wokenAt = new long[1];
                CompletableFuture<Boolean> waiter = new CompletableFuture<>();
                Thread receiver = Thread.ofPlatform().name("waiter").start(() -> {
                    try {
                        boolean readable = backend.awaitReadable(Duration.ofSeconds(30));
                        wokenAt[0] = System.nanoTime();
                        waiter.complete(readable);
                    } catch (RuntimeException e) {
                        waiter.completeExceptionally(e);
                    }
                });
                Thread.sleep(200);
                assertFalse(waiter.isDone(), "an idle tap keeps the receive thread waiting");
                long wokeUp = System.nanoTime();
                backend.wakeup();
                assertFalse(waiter.get(5, TimeUnit.SECONDS), "a wakeup is not a frame");
                receiver.join();
                Duration latency = Duration.ofNanos(wokenAt[0] - wokeUp);
                assertTrue(latency.compareTo(WAKEUP_LATENCY) < 0, "awaitReadable returned " + latency
                        + " after wakeup()");

                backend.wakeup();
                long start = System.nanoTime();
                assertFalse(backend.awaitReadable(Duration.ofSeconds(10)));
                Duration remembered = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(remembered.compareTo(WAKEUP_LATENCY) < 0, "a wakeup before the wait ends it at once,"
                        + " took " + remembered);
                start = System.nanoTime();
                assertFalse(backend.awaitReadable(Duration.ofMillis(50)));
                assertTrue(System.nanoTime() - start >= Duration.ofMillis(40).toNanos(),
                        "the wakeup was consumed: the next wait runs to its timeout");
                assertEquals(0, backend.read(frame), "nothing to read on an idle tap");

                tap.attachToBridge(BRIDGE);
                tap.bringUp();
                namespace.awaitCarrying(tap.name(), BRIDGE);
                byte[] payload = "makes the tap readable".getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(payload, payload.length, GUEST, 7779));
                long deadline = System.nanoTime() + FRAME_WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                    int length = backend.awaitReadable(FRAME_WAIT) ? backend.read(frame) : 0;
                    if (length == 0) {
                        continue;
                    }
                    ByteBuffer read = ByteBuffer.wrap(frame.asSlice(Tap.VNET_HEADER_SIZE,
                            length - Tap.VNET_HEADER_SIZE).toArray(ValueLayout.JAVA_BYTE));
                    if (Frames.etherType(read) == Frames.ETHERTYPE_IPV4
                            && Frames.ipProtocol(read) == Frames.PROTOCOL_UDP) {
                        assertArrayEquals(payload, Arrays.copyOfRange(read.array(),
                                Frames.TRANSPORT_OFFSET + Frames.UDP_HEADER, read.limit()));
                        return null;
                    }
                }
                throw new AssertionError("awaitReadable and read never produced the datagram within " + FRAME_WAIT);
            }
        });
    }

    @Test
    void awaitWakeupIgnoresFramesAndItsEventfdTakesSignalsFromOutside() throws Exception {
        namespace.call(() -> {
            Tap tap = Tap.open("jkvmb5");
            try (TapBackend backend = new TapBackend(tap); Arena arena = Arena.ofConfined();
                    DatagramSocket socket = new DatagramSocket(new InetSocketAddress(HOST, 0))) {
                tap.attachToBridge(BRIDGE);
                tap.bringUp();
                namespace.awaitCarrying(tap.name(), BRIDGE);
                byte[] payload = "waits in the tap".getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(payload, payload.length, GUEST, 7780));
                assertTrue(backend.awaitReadable(FRAME_WAIT), "the tap has a frame");

                long start = System.nanoTime();
                backend.awaitWakeup(Duration.ofMillis(100));
                assertTrue(System.nanoTime() - start >= Duration.ofMillis(90).toNanos(),
                        "a readable tap does not end a wait for wakeups");

                // What a KVM ioeventfd does for a guest's kick: a plain eventfd write, no call into the backend.
                int fd = backend.wakeupFd().orElseThrow();
                MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_LONG, 1);
                Libc.write(fd, one);
                start = System.nanoTime();
                backend.awaitWakeup(Duration.ofSeconds(10));
                assertTrue(System.nanoTime() - start < WAKEUP_LATENCY.toNanos(), "the signal ended the wait");
                Libc.write(fd, one);
                assertFalse(backend.awaitReadable(Duration.ofSeconds(10)), "a signal wins over the waiting frame");
                assertTrue(backend.awaitReadable(FRAME_WAIT), "consumed; the frame is still there");
                assertTrue(backend.read(arena.allocate(RX_BUFFER_BYTES)) > 0);
                return null;
            }
        });
    }

    @Test
    void closeLeavesNoIoThreadNoDescriptorAndNoTap() throws Exception {
        Map<Integer, String> before = openDescriptors();
        Map<Integer, String> opened = namespace.call(() -> {
            Map<Integer, String> during;
            try (GuestNic nic = GuestNic.open(namespace, "jkvmb4", BASE_FEATURES)) {
                assertTrue(nic.net.receiving(), "the I/O thread receives while the device is active");
                assertTrue(ioThreadAlive(), DEVICE_ID + "-io is running");
                assertTrue(namespace.linkExists("jkvmb4"));
                during = openDescriptors();
            }
            return during;
        });
        // Only what the NIC opens: commands run meanwhile (ip) leave pipes the JDK closes in its own time.
        opened.entrySet().removeIf(entry -> entry.getValue().equals(before.get(entry.getKey()))
                || !isNicDescriptor(entry.getValue()));
        assertTrue(opened.values().stream().anyMatch(target -> target.startsWith("socket:")),
                "the tap's control socket was seen open: " + opened);
        assertTrue(opened.containsValue(Tap.TUN_DEVICE), "the tap's descriptor was seen open: " + opened);
        assertTrue(opened.containsValue("anon_inode:[eventfd]"), "the wakeup eventfd was seen open: " + opened);

        Map<Integer, String> after = openDescriptors();
        List<String> leaked = new ArrayList<>();
        opened.forEach((fd, target) -> {
            if (target.equals(after.get(fd))) {
                leaked.add(fd + " -> " + target);
            }
        });
        assertEquals(List.of(), leaked, "descriptors the NIC opened are still open");
        assertFalse(ioThreadAlive(), DEVICE_ID + "-io outlived close");
        assertFalse(namespace.linkExists("jkvmb4"), "the tap jkvm created is gone");
    }

    @Test
    void offloadsMapToTheirTunFlags() {
        assertEquals(0, TapBackend.offloadFlags(false, false, false, false, false));
        assertEquals(NetConstants.TUN_F_CSUM, TapBackend.offloadFlags(true, false, false, false, false));
        assertEquals(NetConstants.TUN_F_CSUM | NetConstants.TUN_F_TSO4 | NetConstants.TUN_F_TSO6
                        | NetConstants.TUN_F_TSO_ECN | NetConstants.TUN_F_UFO,
                TapBackend.offloadFlags(true, true, true, true, true));
        assertEquals(NetConstants.TUN_F_CSUM | NetConstants.TUN_F_TSO6,
                TapBackend.offloadFlags(true, false, true, false, false));
        assertEquals(NetConstants.TUN_F_CSUM | NetConstants.TUN_F_UFO,
                TapBackend.offloadFlags(true, false, false, false, true));
    }

    /** A descriptor of the kinds a NIC opens: the tap, its control socket, the wakeup eventfd. */
    private static boolean isNicDescriptor(String target) {
        return target.equals(Tap.TUN_DEVICE) || target.equals("anon_inode:[eventfd]") || target.startsWith("socket:");
    }

    private static boolean ioThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(DEVICE_ID + "-io") && t.isAlive());
    }

    /** This process's descriptors and what each refers to, from /proc/self/fd. */
    private static Map<Integer, String> openDescriptors() throws IOException {
        Map<Integer, String> open = new HashMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    open.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // Closed since the listing (e.g. the listing's own directory descriptor).
                }
            }
        }
        return open;
    }

    /** A received frame: its vnet header fields and the Ethernet frame after it. */
    private record Received(int flags, int gsoType, int csumStart, int csumOffset, int numBuffers, ByteBuffer frame) {
        byte[] payloadAfter(int offset) {
            return Arrays.copyOfRange(frame.array(), offset, frame.limit());
        }
    }

    /**
     * The device and the guest's side of it: VirtioNet over a TapBackend over a tap on br0, a receive and a transmit
     * split virtqueue in native test RAM, and every receive buffer made available and recycled as a driver does.
     */
    private static final class GuestNic implements AutoCloseable {
        final TestRam ram = TestRam.nativeMemory(RAM_SIZE);
        final AtomicInteger rxInterrupts = new AtomicInteger();
        final List<String> resets = new CopyOnWriteArrayList<>();
        final VirtioNet net;
        final DriverRing rx;
        final DriverRing tx;

        private GuestNic(Tap tap, long features) {
            net = new VirtioNet(DEVICE_ID, new TapBackend(tap), GUEST_MAC.toBytes(), MTU);
            List<DeviceQueue> queues = new ArrayList<>();
            List<DriverRing> drivers = new ArrayList<>();
            for (int q : new int[]{VirtioNet.RECEIVEQ, VirtioNet.TRANSMITQ}) {
                long base = PAGE * 2 * (q + 1);
                var config = new SplitQueueConfig(q, QUEUE_SIZE, base, base + 0x100, base + PAGE, false, false);
                Runnable interrupt = q == VirtioNet.RECEIVEQ ? rxInterrupts::incrementAndGet : () -> { };
                queues.add(new SplitVirtqueue(config, ram, interrupt));
                drivers.add(new DriverRing(ram, config));
            }
            rx = drivers.get(0);
            tx = drivers.get(1);
            net.activate(features, queues, new VirtioContext() {
                @Override
                public GuestRam memory() {
                    return ram;
                }

                @Override
                public void needsReset(String why) {
                    resets.add(why);
                }

                @Override
                public void configChanged() {
                }
            });
            for (int head = 0; head < QUEUE_SIZE; head++) {
                rx.addWritable(head, RX_BUFFERS + head * PAGE, RX_BUFFER_BYTES);
            }
            kickReceiveIfWanted();
        }

        /** Opens tap {@code name} on br0, up, and activates the device with {@code features}. */
        static GuestNic open(NetworkNamespace namespace, String name, long features) throws Exception {
            Tap tap = Tap.open(name);
            try {
                tap.attachToBridge(BRIDGE);
                tap.bringUp();
                namespace.awaitCarrying(tap.name(), BRIDGE);
                return new GuestNic(tap, features);
            } catch (Exception | Error e) {
                tap.close();
                throw e;
            }
        }

        private void kickReceiveIfWanted() {
            if (rx.deviceWantsKick()) {
                net.queueNotified(VirtioNet.RECEIVEQ);
            }
        }

        /** The next used transmit chain (the I/O thread sends it after the kick); fails after {@link #FRAME_WAIT}. */
        DriverRing.Used awaitTransmitted() throws InterruptedException {
            long deadline = System.nanoTime() + FRAME_WAIT.toNanos();
            DriverRing.Used used;
            while ((used = tx.nextUsed()) == null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the transmit chain was not returned within " + FRAME_WAIT
                            + "; device stats " + net.stats() + ", resets " + resets);
                }
                Thread.sleep(1);
            }
            return used;
        }

        /** Takes used receive buffers, giving each back, until a frame matches; fails after {@link #FRAME_WAIT}. */
        Received receive(Predicate<ByteBuffer> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + FRAME_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                DriverRing.Used used = rx.nextUsed();
                if (used == null) {
                    Thread.sleep(1);
                    continue;
                }
                long buffer = RX_BUFFERS + used.id() * PAGE;
                MemorySegment header = ram.slice(buffer, Tap.VNET_HEADER_SIZE);
                Received received = new Received(Byte.toUnsignedInt((byte) VirtioNetHdrV1.FLAGS.get(header, 0L)),
                        Byte.toUnsignedInt((byte) VirtioNetHdrV1.GSO_TYPE.get(header, 0L)),
                        Short.toUnsignedInt((short) VirtioNetHdrV1.CSUM_START.get(header, 0L)),
                        Short.toUnsignedInt((short) VirtioNetHdrV1.CSUM_OFFSET.get(header, 0L)),
                        Short.toUnsignedInt((short) VirtioNetHdrV1.NUM_BUFFERS.get(header, 0L)),
                        ByteBuffer.wrap(ram.read(buffer + Tap.VNET_HEADER_SIZE, used.len() - Tap.VNET_HEADER_SIZE)));
                rx.addWritable(used.id(), buffer, RX_BUFFER_BYTES);
                kickReceiveIfWanted();
                if (wanted.test(received.frame())) {
                    return received;
                }
            }
            throw new AssertionError("no matching frame in the guest's receive ring within " + FRAME_WAIT
                    + "; device stats " + net.stats() + ", resets " + resets);
        }

        /** Stops the device (its I/O thread) and closes the backend and its tap, then frees the test RAM. */
        @Override
        public void close() throws IOException {
            try {
                net.close();
            } finally {
                ram.close();
            }
        }
    }

    private static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
