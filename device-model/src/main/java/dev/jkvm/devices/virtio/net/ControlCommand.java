package dev.jkvm.devices.virtio.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One control-queue command (virtio 1.2 §5.1.6.5): struct virtio_net_ctrl's class, command and data, decoded.
 * Anything the device does not implement, or that the negotiated features do not allow, decodes to
 * {@link Rejected}, which the device answers with VIRTIO_NET_ERR.
 */
public sealed interface ControlCommand {
    /** Class VIRTIO_NET_CTRL_RX: receive modes. */
    int CLASS_RX = 0;
    /** VIRTIO_NET_CTRL_RX_PROMISC: receive every frame. */
    int RX_PROMISC = 0;
    /** VIRTIO_NET_CTRL_RX_ALLMULTI: receive every multicast frame. */
    int RX_ALLMULTI = 1;
    /** Class VIRTIO_NET_CTRL_MAC: the MAC filter table and the device's address. */
    int CLASS_MAC = 1;
    /** VIRTIO_NET_CTRL_MAC_TABLE_SET: replace the unicast and multicast filter tables. */
    int MAC_TABLE_SET = 0;
    /** VIRTIO_NET_CTRL_MAC_ADDR_SET: change the device's MAC address. */
    int MAC_ADDR_SET = 1;
    /** Bytes of class and command in front of the command data. */
    int HEADER_SIZE = 2;
    /** Bytes of struct virtio_net_ctrl_mac's le32 entries count. */
    int MAC_TABLE_COUNT_SIZE = 4;

    /** PROMISC or ALLMULTI switched on or off. */
    record SetRxMode(int command, boolean on) implements ControlCommand {
    }

    /** MAC_TABLE_SET: the unicast then the multicast table. */
    record SetMacTable(List<EthernetAddress> unicast, List<EthernetAddress> multicast) implements ControlCommand {
        public SetMacTable {
            unicast = List.copyOf(unicast);
            multicast = List.copyOf(multicast);
        }
    }

    /** MAC_ADDR_SET. */
    record SetMacAddress(EthernetAddress address) implements ControlCommand {
    }

    /** A command the device answers with VIRTIO_NET_ERR, and why. */
    record Rejected(int commandClass, int command, String why) implements ControlCommand {
    }

    /** Decodes {@code bytes} (class, command, data; the ack byte excluded) under the {@code negotiated} features. */
    static ControlCommand decode(byte[] bytes, long negotiated) {
        if (bytes.length < HEADER_SIZE) {
            return new Rejected(-1, -1, "command of " + bytes.length + " bytes has no class and command");
        }
        int commandClass = Byte.toUnsignedInt(bytes[0]);
        int command = Byte.toUnsignedInt(bytes[1]);
        ByteBuffer data = ByteBuffer.wrap(bytes, HEADER_SIZE, bytes.length - HEADER_SIZE).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        return switch (commandClass) {
            case CLASS_RX -> decodeRx(command, data, negotiated);
            case CLASS_MAC -> decodeMac(command, data, negotiated);
            default -> new Rejected(commandClass, command, "class not implemented");
        };
    }

    private static ControlCommand decodeRx(int command, ByteBuffer data, long negotiated) {
        if (!VirtioNetFeature.CTRL_RX.in(negotiated)) {
            return new Rejected(CLASS_RX, command, "VIRTIO_NET_F_CTRL_RX not negotiated");
        }
        if (command != RX_PROMISC && command != RX_ALLMULTI) {
            return new Rejected(CLASS_RX, command, "receive mode not implemented");
        }
        if (data.remaining() != 1) {
            return new Rejected(CLASS_RX, command, "on/off data of " + data.remaining() + " bytes, not 1");
        }
        return new SetRxMode(command, data.get() != 0);
    }

    private static ControlCommand decodeMac(int command, ByteBuffer data, long negotiated) {
        return switch (command) {
            case MAC_TABLE_SET -> VirtioNetFeature.CTRL_RX.in(negotiated)
                    ? decodeMacTable(data)
                    : new Rejected(CLASS_MAC, command, "VIRTIO_NET_F_CTRL_RX not negotiated");
            case MAC_ADDR_SET -> {
                if (!VirtioNetFeature.CTRL_MAC_ADDR.in(negotiated)) {
                    yield new Rejected(CLASS_MAC, command, "VIRTIO_NET_F_CTRL_MAC_ADDR not negotiated");
                }
                if (data.remaining() != EthernetAddress.LENGTH) {
                    yield new Rejected(CLASS_MAC, command, "address of " + data.remaining() + " bytes, not 6");
                }
                yield new SetMacAddress(readAddress(data));
            }
            default -> new Rejected(CLASS_MAC, command, "MAC command not implemented");
        };
    }

    private static ControlCommand decodeMacTable(ByteBuffer data) {
        List<EthernetAddress> unicast = readTable(data);
        List<EthernetAddress> multicast = unicast == null ? null : readTable(data);
        if (multicast == null || data.hasRemaining()) {
            return new Rejected(CLASS_MAC, MAC_TABLE_SET,
                    "tables do not match their entry counts (" + data.limit() + " data bytes)");
        }
        return new SetMacTable(unicast, multicast);
    }

    /** One struct virtio_net_ctrl_mac, or null when the data is too short for its count. */
    private static List<EthernetAddress> readTable(ByteBuffer data) {
        if (data.remaining() < MAC_TABLE_COUNT_SIZE) {
            return null;
        }
        long entries = Integer.toUnsignedLong(data.getInt());
        if (entries > data.remaining() / EthernetAddress.LENGTH) {
            return null;
        }
        List<EthernetAddress> table = new ArrayList<>((int) entries);
        for (long i = 0; i < entries; i++) {
            table.add(readAddress(data));
        }
        return table;
    }

    private static EthernetAddress readAddress(ByteBuffer data) {
        byte[] address = new byte[EthernetAddress.LENGTH];
        data.get(address);
        return EthernetAddress.of(address);
    }
}
