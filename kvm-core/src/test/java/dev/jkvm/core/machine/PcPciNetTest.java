package dev.jkvm.core.machine;

import dev.jkvm.core.bus.IoBus;
import dev.jkvm.devices.block.CacheMode;
import dev.jkvm.devices.net.tap.MacAddress;
import dev.jkvm.testos.TestOsImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * NICs on the machine's PCI bus with their host ends on a {@link LoopbackLink} instead of a tap: slots in
 * configuration order among the drives, the MAC in the device's configuration, the test OS's station answering ARP
 * and ICMP through the whole path (ioeventfd kicks, MSI-X irqfds, the receive thread), default MACs, and what close
 * releases.
 */
class PcPciNetTest {
    /** CONFIG_ADDRESS enable bit. */
    private static final int ENABLE = 1 << 31;
    /** Vendor (low half) and device (high half) of a modern virtio-net function: 1af4:1041. */
    private static final int VIRTIO_NET_ID = 0x1041_1AF4;
    /** Vendor and device of a modern virtio-blk function: 1af4:1042. */
    private static final int VIRTIO_BLK_ID = 0x1042_1AF4;
    private static final MacAddress GUEST_MAC = MacAddress.parse("52:54:00:12:34:56");
    private static final byte[] HOST_MAC = {0x02, 0x6a, 0x6b, 0x76, 0x6d, 0x01};
    private static final byte[] HOST_IP = {10, 0, 2, 1};
    private static final byte[] GUEST_IP = {10, 0, 2, 15};
    private static final Duration BOOT_LIMIT = Duration.ofSeconds(60);
    private static final Duration REPLY_LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** The console as the guest writes it, readable while it runs. */
    private static final class Console extends ByteArrayOutputStream {
        synchronized String text() {
            return toString(StandardCharsets.ISO_8859_1);
        }
    }

    private Path image(String name) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(1 << 20);
        }
        return file;
    }

    private static int configRead(IoBus ports, int slot, int register) {
        ports.write(0xCF8, 4, Integer.toUnsignedLong(ENABLE | slot << 11 | register));
        return (int) ports.read(0xCFC, 4);
    }

    @Test
    void nicsAndDrivesTakeSlotsInConfigurationOrderAndCloseReleasesTheLinks() throws IOException {
        List<LoopbackLink> links = new ArrayList<>();
        MachineConfig config = MachineConfig.builder().memoryMiB(16).kernel(new Kernel("testos", TestOsImage.bytes()))
                .console(new ByteArrayOutputStream())
                .nic(new Nic("n0", null, null, GUEST_MAC))
                .drive(new Drive("d0", image("a.img"), false, CacheMode.WRITEBACK, null))
                .nic(new Nic("n1", null, null, null)).build();
        Machine machine = Machine.create(config, nic -> {
            LoopbackLink link = new LoopbackLink();
            links.add(link);
            return new NicLink(link, 1500, "loop-" + nic.id());
        });
        try (machine) {
            IoBus ports = machine.portIo();
            assertEquals(VIRTIO_NET_ID, configRead(ports, 2, 0), "slot 2");
            assertEquals(VIRTIO_BLK_ID, configRead(ports, 3, 0), "slot 3");
            assertEquals(VIRTIO_NET_ID, configRead(ports, 4, 0), "slot 4");
            assertEquals(-1, configRead(ports, 5, 0), "slot 5 is empty");
            List<PcPci.PluggedNic> nics = machine.pci().nics();
            assertEquals(List.of(2, 4), nics.stream().map(PcPci.PluggedNic::slot).toList());
            assertEquals(List.of("loop-n0", "loop-n1"), nics.stream().map(n -> n.link().hostInterface()).toList());
            assertEquals(GUEST_MAC.toString(), nics.getFirst().device().mac().toString());
            assertEquals(MacAddress.generate(ProcessHandle.current().pid(), 1).toString(),
                    nics.get(1).device().mac().toString(), "the second NIC's default MAC");
            assertEquals(List.of("d0"), machine.pci().drives().stream().map(d -> d.drive().id()).toList());
            assertFalse(links.stream().anyMatch(LoopbackLink::closed));
        }
        assertEquals(2, links.size());
        assertTrue(links.stream().allMatch(LoopbackLink::closed), "close closes every NIC's link");
    }

    @Test
    void aLinkThatCannotBeOpenedLeavesTheLinksOpenedBeforeItClosed() {
        List<LoopbackLink> links = new ArrayList<>();
        MachineConfig config = MachineConfig.builder().memoryMiB(16).kernel(new Kernel("testos", TestOsImage.bytes()))
                .console(new ByteArrayOutputStream())
                .nic(new Nic("n0", null, null, null)).nic(new Nic("n1", "tap9", "br9", null)).build();
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> Machine.create(config, nic -> {
            if (nic.id().equals("n1")) {
                throw new IllegalStateException("br9: no such bridge");
            }
            LoopbackLink link = new LoopbackLink();
            links.add(link);
            return new NicLink(link, 1500, "loop-" + nic.id());
        }));
        assertEquals("br9: no such bridge", failure.getMessage());
        assertEquals(1, links.size());
        assertTrue(links.getFirst().closed(), "the first NIC's link is closed again");
    }

    @Test
    void nicsWithoutAMacGetDistinctDefaultsInQemusRangeNumberedAmongTheNics() {
        MachineConfig config = MachineConfig.builder().kernel(new Kernel("k", new byte[] {0}))
                .nic(new Nic("a", null, null, null)).nic(new Nic("b", null, null, GUEST_MAC))
                .nic(new Nic("c", null, null, null)).build();
        long pid = ProcessHandle.current().pid();
        assertEquals(List.of(MacAddress.generate(pid, 0), GUEST_MAC, MacAddress.generate(pid, 2)),
                config.nics().stream().map(Nic::mac).toList());
        assertTrue(config.nics().getFirst().mac().toString().startsWith("52:54:00:"));
        assertEquals(List.of(), config.drives());
    }

    @Test
    void aFifthNicWithoutAMacIsRefusedNamingIt() {
        MachineConfig.Builder builder = MachineConfig.builder().kernel(new Kernel("k", new byte[] {0}));
        for (int i = 0; i < MacAddress.GENERATED_NICS_PER_VM; i++) {
            builder.nic(new Nic("n" + i, null, null, null));
        }
        builder.nic(new Nic("n4", null, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().startsWith("NIC n4: NIC 4 has no default MAC address"), e.getMessage());
    }

    @Test
    void badInterfaceNamesAndGroupAddressesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Nic("n0", "tap/0", null, null));
        assertThrows(IllegalArgumentException.class, () -> new Nic("n0", null, "sixteen-chars-xx", null));
        assertThrows(IllegalArgumentException.class, () -> new Nic("n0", null, null, MacAddress.BROADCAST));
    }

    /** The test OS's station (test=net) answers ARP and ping through the device, the transport and the link. */
    @Test
    void theTestOsStationAnswersArpAndPingThroughTheLink() throws Exception {
        LoopbackLink link = new LoopbackLink();
        Console console = new Console();
        MachineConfig config = MachineConfig.builder().memoryMiB(32).kernel(new Kernel("testos", TestOsImage.bytes()))
                .cmdline("test=net ip=10.0.2.15").console(console)
                .debugExit(MachineConfig.DebugExitPort.QEMU_TEST_DEFAULT)
                .nic(new Nic("n0", null, null, GUEST_MAC)).build();
        try (Machine machine = Machine.create(config, nic -> new NicLink(link, 1500, "loop"))) {
            machine.start();
            // The guest's control commands (promiscuous on/off, MAC tables, address) were all acknowledged too.
            String up = "net: mac " + GUEST_MAC + " ip 10.0.2.15 up (4 control commands acknowledged)";
            long deadline = System.nanoTime() + BOOT_LIMIT.toNanos();
            while (!console.text().contains(up)) {
                if (System.nanoTime() > deadline || machine.stopReason().isPresent()) {
                    fail("no '" + up + "' within " + BOOT_LIMIT + " (" + machine.stopReason() + "); console: "
                            + console.text());
                }
                Thread.sleep(20);
            }

            link.send(arpRequest());
            byte[] arpReply = awaitFrame(link, 0x0806);
            assertArrayEquals(HOST_MAC, Arrays.copyOfRange(arpReply, 0, 6), "to the asker");
            assertArrayEquals(GUEST_MAC.toBytes(), Arrays.copyOfRange(arpReply, 6, 12), "from the NIC's MAC");
            assertEquals(2, ByteBuffer.wrap(arpReply).getShort(20), "ARP reply");
            assertArrayEquals(GUEST_MAC.toBytes(), Arrays.copyOfRange(arpReply, 22, 28), "sender hardware address");
            assertArrayEquals(GUEST_IP, Arrays.copyOfRange(arpReply, 28, 32), "sender protocol address");

            byte[] data = "jkvm virtio-net through a loopback link".getBytes(StandardCharsets.US_ASCII);
            link.send(echoRequest(0x1234, 7, data));
            byte[] reply = awaitFrame(link, 0x0800);
            ByteBuffer ip = ByteBuffer.wrap(reply, 14, reply.length - 14).slice();
            assertEquals(1, ip.get(9), "ICMP");
            assertArrayEquals(GUEST_IP, Arrays.copyOfRange(reply, 26, 30), "from the guest");
            assertArrayEquals(HOST_IP, Arrays.copyOfRange(reply, 30, 34), "to the host");
            int icmp = 14 + (ip.get(0) & 0x0F) * 4;
            assertEquals(0, reply[icmp], "echo reply");
            assertEquals(0x1234, ByteBuffer.wrap(reply).getShort(icmp + 4) & 0xFFFF, "identifier");
            assertEquals(7, ByteBuffer.wrap(reply).getShort(icmp + 6), "sequence");
            assertArrayEquals(data, Arrays.copyOfRange(reply, icmp + 8, icmp + 8 + data.length), "data");
            assertEquals(0, checksum(reply, icmp, (ip.getShort(2) & 0xFFFF) - (icmp - 14)), "ICMP checksum");
        }
        assertTrue(link.closed());
    }

    private static byte[] awaitFrame(LoopbackLink link, int etherType) throws InterruptedException {
        long deadline = System.nanoTime() + REPLY_LIMIT.toNanos();
        List<String> others = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            byte[] frame = link.receive(Duration.ofMillis(100));
            if (frame != null && frame.length >= 14 && (ByteBuffer.wrap(frame).getShort(12) & 0xFFFF) == etherType) {
                return frame;
            }
            if (frame != null) {
                others.add(java.util.HexFormat.of().formatHex(frame, 0, Math.min(frame.length, 34)));
            }
        }
        return fail("no frame of EtherType 0x" + Integer.toHexString(etherType) + " within " + REPLY_LIMIT
                + "; others: " + others);
    }

    private static ByteBuffer ethernet(int length, byte[] destination, int etherType) {
        ByteBuffer frame = ByteBuffer.allocate(Math.max(length, 60));
        frame.put(destination).put(HOST_MAC).putShort((short) etherType);
        return frame;
    }

    private static byte[] arpRequest() {
        ByteBuffer frame = ethernet(42, new byte[] {-1, -1, -1, -1, -1, -1}, 0x0806);
        frame.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(HOST_MAC).put(HOST_IP).put(new byte[6]).put(GUEST_IP);
        return frame.array();
    }

    private static byte[] echoRequest(int identifier, int sequence, byte[] data) {
        int ipLength = 20 + 8 + data.length;
        ByteBuffer frame = ethernet(14 + ipLength, GUEST_MAC.toBytes(), 0x0800);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 1).putShort((short) 0).put(HOST_IP).put(GUEST_IP);
        frame.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) identifier)
                .putShort((short) sequence).put(data);
        byte[] bytes = frame.array();
        ByteBuffer.wrap(bytes).putShort(24, (short) checksum(bytes, 14, 20));
        ByteBuffer.wrap(bytes).putShort(36, (short) checksum(bytes, 34, 8 + data.length));
        return bytes;
    }

    /** The Internet checksum (RFC 1071) of {@code length} bytes at {@code offset}; 0 over data that carries one. */
    private static int checksum(byte[] bytes, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int high = bytes[offset + i] & 0xFF;
            int low = i + 1 < length ? bytes[offset + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    @Test
    void theLinkIsAskedForEveryNicInSlotOrder() throws IOException {
        List<String> asked = new ArrayList<>();
        MachineConfig config = MachineConfig.builder().memoryMiB(16).kernel(new Kernel("testos", TestOsImage.bytes()))
                .console(new ByteArrayOutputStream()).nic(new Nic("b", "tap1", "br0", null))
                .nic(new Nic("a", null, null, null)).build();
        try (Machine ignored = Machine.create(config, nic -> {
            asked.add(nic.id() + "/" + nic.ifname() + "/" + nic.bridge());
            return new NicLink(new LoopbackLink(), 1500, nic.id());
        })) {
            assertEquals(List.of("b/tap1/br0", "a/null/null"), asked);
        }
        assertNotNull(config.nics().get(1).mac());
    }
}
