package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.memory.TestRam;
import dev.jkvm.devices.virtio.RecordingContext;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.GuestBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;

import static dev.jkvm.devices.virtio.net.VirtioNetFeature.CTRL_MAC_ADDR;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.CTRL_RX;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.CTRL_VQ;
import static dev.jkvm.devices.virtio.net.VirtioNetFeature.MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlQueueTest {
    private static final long ALL_CONTROL = VirtioNetFeature.maskOf(MAC, CTRL_VQ, CTRL_RX, CTRL_MAC_ADDR);
    private static final byte[] MAC_BYTES = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    private static final long CMD_AREA = 0x2000;
    private static final long DATA_AREA = 0x3000;
    private static final long ACK_AREA = 0x4000;
    /** A value the ack byte never takes, written before each command to see that the device wrote it. */
    private static final byte UNTOUCHED = 0x5A;

    private final TestRam ram = TestRam.heap(1 << 16);
    private final FakeNetBackend backend = new FakeNetBackend();
    private final FakeDeviceQueue rx = new FakeDeviceQueue(VirtioNet.RECEIVEQ);
    private final FakeDeviceQueue tx = new FakeDeviceQueue(VirtioNet.TRANSMITQ);
    private final FakeDeviceQueue ctrl = new FakeDeviceQueue(VirtioNet.CONTROLQ);
    private final RecordingContext context = new RecordingContext(ram);
    private final VirtioNet net = new VirtioNet("net0", backend, MAC_BYTES, 1500);
    private int nextHead;

    @AfterEach
    void closeDevice() throws Exception {
        net.close();
    }

    /** Sends class/command in one buffer and the data in another, as Linux does; returns the ack byte. */
    private int command(int commandClass, int command, byte[] data) throws InterruptedException {
        ram.write(CMD_AREA, new byte[]{(byte) commandClass, (byte) command});
        ram.write(DATA_AREA, data);
        ram.write(ACK_AREA, new byte[]{UNTOUCHED});
        int head = nextHead++;
        ctrl.offer(new DescriptorChain(head,
                List.of(new GuestBuffer(CMD_AREA, 2), new GuestBuffer(DATA_AREA, data.length)),
                List.of(new GuestBuffer(ACK_AREA, 1))));
        net.queueNotified(VirtioNet.CONTROLQ);
        FakeDeviceQueue.Completion done = ctrl.nextCompletion(Duration.ofSeconds(5));
        assertNotNull(done, "control command not completed");
        assertEquals(head, done.chain().head());
        assertEquals(1, done.bytesWritten(), "the ack byte is the only thing written");
        return ram.read(ACK_AREA, 1)[0];
    }

    private static byte[] macTable(List<EthernetAddress> unicast, List<EthernetAddress> multicast) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (List<EthernetAddress> table : List.of(unicast, multicast)) {
            int n = table.size();
            out.writeBytes(new byte[]{(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
            table.forEach(a -> out.writeBytes(a.bytes()));
        }
        return out.toByteArray();
    }

    private static EthernetAddress mac(int... bytes) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) bytes[i];
        }
        return EthernetAddress.of(b);
    }

    @Test
    void rxModeCommandsAreAckedAndRecorded() throws Exception {
        net.activate(ALL_CONTROL, List.of(rx, tx, ctrl), context);
        assertEquals(RxFilter.initial(), net.rxFilter());
        assertEquals(ControlHandler.VIRTIO_NET_OK, command(ControlCommand.CLASS_RX, ControlCommand.RX_PROMISC,
                new byte[]{0}));
        assertEquals(ControlHandler.VIRTIO_NET_OK, command(ControlCommand.CLASS_RX, ControlCommand.RX_ALLMULTI,
                new byte[]{1}));
        assertEquals(new RxFilter(false, true, List.of(), List.of()), net.rxFilter());
    }

    @Test
    void macTableIsAckedAndRecorded() throws Exception {
        net.activate(ALL_CONTROL, List.of(rx, tx, ctrl), context);
        List<EthernetAddress> unicast = List.of(mac(0x52, 0x54, 0, 1, 2, 3));
        List<EthernetAddress> multicast = List.of(mac(0x01, 0x00, 0x5e, 0, 0, 1), mac(0x33, 0x33, 0, 0, 0, 1));
        assertEquals(ControlHandler.VIRTIO_NET_OK, command(ControlCommand.CLASS_MAC, ControlCommand.MAC_TABLE_SET,
                macTable(unicast, multicast)));
        assertEquals(unicast, net.rxFilter().unicast());
        assertEquals(multicast, net.rxFilter().multicast());
        assertTrue(multicast.stream().allMatch(EthernetAddress::isMulticast));
        assertEquals("01:00:5e:00:00:01", multicast.getFirst().toString());
    }

    @Test
    void macTableWithWrongCountsIsRefused() throws Exception {
        net.activate(ALL_CONTROL, List.of(rx, tx, ctrl), context);
        byte[] table = macTable(List.of(mac(0x52, 0x54, 0, 1, 2, 3)), List.of());
        table[0] = 2;
        assertEquals(ControlHandler.VIRTIO_NET_ERR, command(ControlCommand.CLASS_MAC, ControlCommand.MAC_TABLE_SET,
                table));
        assertEquals(List.of(), net.rxFilter().unicast(), "a refused table changes nothing");
    }

    @Test
    void macAddressSetChangesTheConfigurationUntilReset() throws Exception {
        net.activate(ALL_CONTROL, List.of(rx, tx, ctrl), context);
        EthernetAddress changed = mac(0x52, 0x54, 0, 0xab, 0xcd, 0xef);
        assertEquals(ControlHandler.VIRTIO_NET_OK, command(ControlCommand.CLASS_MAC, ControlCommand.MAC_ADDR_SET,
                changed.bytes()));
        assertEquals(changed, net.mac());
        assertEquals(0xab, net.readConfig(3, 1));
        assertEquals(0xefcd, net.readConfig(4, 2));
        net.reset();
        assertEquals(EthernetAddress.of(MAC_BYTES), net.mac(), "a device reset restores the configured MAC");
    }

    @Test
    void unknownAndUnnegotiatedCommandsGetErr() throws Exception {
        net.activate(VirtioNetFeature.maskOf(MAC, CTRL_VQ), List.of(rx, tx, ctrl), context);
        assertEquals(ControlHandler.VIRTIO_NET_ERR, command(ControlCommand.CLASS_RX, ControlCommand.RX_PROMISC,
                new byte[]{1}), "CTRL_RX not negotiated");
        assertEquals(ControlHandler.VIRTIO_NET_ERR, command(ControlCommand.CLASS_MAC, ControlCommand.MAC_ADDR_SET,
                MAC_BYTES), "CTRL_MAC_ADDR not negotiated");
        assertEquals(ControlHandler.VIRTIO_NET_ERR, command(2, 0, new byte[]{0, 1}), "VLAN class not offered");
        assertEquals(ControlHandler.VIRTIO_NET_ERR, command(4, 0, new byte[]{1, 0}), "MQ class not offered");
        assertEquals(RxFilter.initial(), net.rxFilter());
        assertTrue(context.resetReasons().isEmpty());
    }

    @Test
    void malformedRxModeDataIsRefused() throws Exception {
        net.activate(ALL_CONTROL, List.of(rx, tx, ctrl), context);
        assertEquals(ControlHandler.VIRTIO_NET_ERR, command(ControlCommand.CLASS_RX, ControlCommand.RX_PROMISC,
                new byte[]{0, 0}));
        assertEquals(ControlHandler.VIRTIO_NET_ERR, command(ControlCommand.CLASS_RX, 5, new byte[]{1}),
                "NOBCAST needs CTRL_RX_EXTRA, which is not offered");
    }

    @Test
    void commandWithoutAnAckByteNeedsReset() {
        net.activate(ALL_CONTROL, List.of(rx, tx, ctrl), context);
        ram.write(CMD_AREA, new byte[]{0, 0, 1});
        ctrl.offer(new DescriptorChain(0, List.of(new GuestBuffer(CMD_AREA, 3)), List.of()));
        net.queueNotified(VirtioNet.CONTROLQ);
        assertEquals(List.of("controlq: chain 0 has no writable ack byte"), context.resetReasons());
    }

    @Test
    void decodeReadsLittleEndianTableCounts() {
        byte[] command = new byte[2 + 4 + 6 + 4];
        command[0] = ControlCommand.CLASS_MAC;
        command[1] = ControlCommand.MAC_TABLE_SET;
        command[2] = 1;
        System.arraycopy(MAC_BYTES, 0, command, 6, 6);
        assertEquals(new ControlCommand.SetMacTable(List.of(EthernetAddress.of(MAC_BYTES)), List.of()),
                ControlCommand.decode(command, ALL_CONTROL));
        assertEquals(new ControlCommand.Rejected(-1, -1, "command of 1 bytes has no class and command"),
                ControlCommand.decode(new byte[1], ALL_CONTROL));
    }
}
