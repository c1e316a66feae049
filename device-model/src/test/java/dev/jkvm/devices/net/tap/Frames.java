package dev.jkvm.devices.net.tap;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/** Builds and takes apart the Ethernet/IPv4/UDP/ICMP frames the tap tests exchange with the kernel. */
final class Frames {

    /** Ethernet header bytes: destination, source, EtherType. */
    static final int ETHERNET_HEADER = 14;
    /** An IPv4 header without options. */
    static final int IPV4_HEADER = 20;
    /** UDP header bytes. */
    static final int UDP_HEADER = 8;
    /** ICMP echo header bytes: type, code, checksum, identifier, sequence. */
    static final int ICMP_ECHO_HEADER = 8;
    /** EtherType of IPv4. */
    static final int ETHERTYPE_IPV4 = 0x0800;
    /** IPv4 protocol number of ICMP. */
    static final int PROTOCOL_ICMP = 1;
    /** IPv4 protocol number of UDP. */
    static final int PROTOCOL_UDP = 17;
    /** ICMP type of an echo request. */
    static final int ICMP_ECHO_REQUEST = 8;
    /** ICMP type of an echo reply. */
    static final int ICMP_ECHO_REPLY = 0;
    /** Offset of the IPv4 header in a frame. */
    static final int IP_OFFSET = ETHERNET_HEADER;
    /** Offset of the transport header in a frame (IPv4 without options). */
    static final int TRANSPORT_OFFSET = ETHERNET_HEADER + IPV4_HEADER;
    /** Offset of the UDP checksum within the UDP header. */
    static final int UDP_CHECKSUM_OFFSET = 6;
    /** First IPv4 header byte: version 4, header length 5 words (no options). */
    private static final int IPV4_VERSION_AND_IHL = 0x45;
    /** Time to live of the frames built here. */
    private static final int TTL = 64;
    /** IPv4 flags and fragment offset: don't fragment. */
    private static final int DONT_FRAGMENT = 0x4000;

    private Frames() {
    }

    /** An ICMP echo request frame with correct IPv4 and ICMP checksums. */
    static byte[] icmpEcho(MacAddress source, MacAddress destination, Inet4Address from, Inet4Address to,
            int identifier, int sequence, byte[] payload) {
        ByteBuffer icmp = ByteBuffer.allocate(ICMP_ECHO_HEADER + payload.length);
        icmp.put((byte) ICMP_ECHO_REQUEST).put((byte) 0).putShort((short) 0).putShort((short) identifier)
                .putShort((short) sequence).put(payload);
        icmp.putShort(2, (short) checksum(icmp.array(), 0, icmp.capacity(), 0));
        return ipv4(source, destination, from, to, PROTOCOL_ICMP, icmp.array());
    }

    /**
     * A UDP frame whose checksum field holds only the folded pseudo-header sum, as a sender using checksum
     * offload leaves it: the receiver must complete it (VIRTIO_NET_HDR_F_NEEDS_CSUM) or drop the datagram.
     */
    static byte[] udpWithPartialChecksum(MacAddress source, MacAddress destination, Inet4Address from,
            Inet4Address to, int sourcePort, int destinationPort, byte[] payload) {
        int length = UDP_HEADER + payload.length;
        ByteBuffer udp = ByteBuffer.allocate(length);
        udp.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) length)
                .putShort((short) 0).put(payload);
        long pseudo = sum(from.getAddress(), 0, 4) + sum(to.getAddress(), 0, 4) + PROTOCOL_UDP + length;
        udp.putShort(UDP_CHECKSUM_OFFSET, (short) fold(pseudo));
        return ipv4(source, destination, from, to, PROTOCOL_UDP, udp.array());
    }

    /** The Internet checksum (RFC 1071) of {@code length} bytes, starting from a partial {@code initial} sum. */
    static int checksum(byte[] bytes, int offset, int length, long initial) {
        return ~fold(initial + sum(bytes, offset, length)) & 0xFFFF;
    }

    static MacAddress destination(ByteBuffer frame) {
        return new MacAddress(Short.toUnsignedLong(frame.getShort(0)) << 32 | Integer.toUnsignedLong(frame.getInt(2)));
    }

    static MacAddress source(ByteBuffer frame) {
        return new MacAddress(Short.toUnsignedLong(frame.getShort(6)) << 32 | Integer.toUnsignedLong(frame.getInt(8)));
    }

    static int etherType(ByteBuffer frame) {
        return Short.toUnsignedInt(frame.getShort(12));
    }

    static int ipProtocol(ByteBuffer frame) {
        return Byte.toUnsignedInt(frame.get(IP_OFFSET + 9));
    }

    static int ipDestination(ByteBuffer frame) {
        return frame.getInt(IP_OFFSET + 16);
    }

    private static byte[] ipv4(MacAddress source, MacAddress destination, Inet4Address from, Inet4Address to,
            int protocol, byte[] transport) {
        ByteBuffer frame = ByteBuffer.allocate(ETHERNET_HEADER + IPV4_HEADER + transport.length);
        frame.put(destination.toBytes()).put(source.toBytes()).putShort((short) ETHERTYPE_IPV4);
        frame.put((byte) IPV4_VERSION_AND_IHL).put((byte) 0).putShort((short) (IPV4_HEADER + transport.length))
                .putShort((short) 0).putShort((short) DONT_FRAGMENT).put((byte) TTL).put((byte) protocol)
                .putShort((short) 0).put(from.getAddress()).put(to.getAddress());
        frame.putShort(IP_OFFSET + 10, (short) checksum(frame.array(), IP_OFFSET, IPV4_HEADER, 0));
        frame.put(transport);
        return frame.array();
    }

    private static long sum(byte[] bytes, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int high = Byte.toUnsignedInt(bytes[offset + i]) << 8;
            int low = i + 1 < length ? Byte.toUnsignedInt(bytes[offset + i + 1]) : 0;
            sum += high | low;
        }
        return sum;
    }

    private static int fold(long sum) {
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
