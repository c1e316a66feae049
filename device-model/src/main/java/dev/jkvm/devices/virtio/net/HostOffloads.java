package dev.jkvm.devices.virtio.net;

/** The offloads the guest may ask of the device on transmit, from the negotiated CSUM and HOST_* bits. */
record HostOffloads(boolean csum, boolean tso4, boolean tso6, boolean ecn, boolean ufo) {
    static HostOffloads negotiated(long features) {
        return new HostOffloads(
                VirtioNetFeature.CSUM.in(features),
                VirtioNetFeature.HOST_TSO4.in(features),
                VirtioNetFeature.HOST_TSO6.in(features),
                VirtioNetFeature.HOST_ECN.in(features),
                VirtioNetFeature.HOST_UFO.in(features));
    }

    /** Why a transmitted frame's header asks for something not negotiated (§5.1.6.2), or null when it does not. */
    String refusal(VirtioNetHeader header) {
        if ((header.flags() & VirtioNetHeader.F_NEEDS_CSUM) != 0 && !csum) {
            return "a partial checksum without VIRTIO_NET_F_CSUM";
        }
        if ((header.gsoType() & VirtioNetHeader.GSO_ECN) != 0 && !ecn) {
            return "ECN segmentation without HOST_ECN";
        }
        return switch (header.gsoType() & ~VirtioNetHeader.GSO_ECN) {
            case VirtioNetHeader.GSO_NONE -> null;
            case VirtioNetHeader.GSO_TCPV4 -> tso4 ? null : "TCPv4 segmentation without HOST_TSO4";
            case VirtioNetHeader.GSO_TCPV6 -> tso6 ? null : "TCPv6 segmentation without HOST_TSO6";
            case VirtioNetHeader.GSO_UDP -> ufo ? null : "UDP fragmentation without HOST_UFO";
            default -> "gso_type " + header.gsoType() + " the device never offers";
        };
    }
}
