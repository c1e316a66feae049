package dev.jkvm.devices.virtio.net;

/**
 * The offloads the backend may hand the guest, from the negotiated GUEST_* bits. Dependencies (§5.1.3.1) are
 * enforced here again: a tap refuses TSO without checksum offload (TUNSETOFFLOAD fails with EINVAL), and a driver
 * that ignored the dependency must not receive frames it cannot take.
 */
record GuestOffloads(boolean csum, boolean tso4, boolean tso6, boolean ecn, boolean ufo) {
    static GuestOffloads negotiated(long features) {
        boolean csum = VirtioNetFeature.GUEST_CSUM.in(features);
        boolean tso4 = csum && VirtioNetFeature.GUEST_TSO4.in(features);
        boolean tso6 = csum && VirtioNetFeature.GUEST_TSO6.in(features);
        boolean ecn = (tso4 || tso6) && VirtioNetFeature.GUEST_ECN.in(features);
        boolean ufo = csum && VirtioNetFeature.GUEST_UFO.in(features);
        return new GuestOffloads(csum, tso4, tso6, ecn, ufo);
    }

    /**
     * Why the backend's header for a received frame may not reach the guest, or null when it may. The backend
     * only produces such frames if TUNSETOFFLOAD failed or it ignores its offload settings.
     */
    String refusal(VirtioNetHeader header) {
        if ((header.flags() & VirtioNetHeader.F_NEEDS_CSUM) != 0 && !csum) {
            return "a partial checksum without GUEST_CSUM";
        }
        if ((header.gsoType() & VirtioNetHeader.GSO_ECN) != 0 && !ecn) {
            return "ECN segmentation without GUEST_ECN";
        }
        return switch (header.gsoType() & ~VirtioNetHeader.GSO_ECN) {
            case VirtioNetHeader.GSO_NONE -> null;
            case VirtioNetHeader.GSO_TCPV4 -> tso4 ? null : "TCPv4 segmentation without GUEST_TSO4";
            case VirtioNetHeader.GSO_TCPV6 -> tso6 ? null : "TCPv6 segmentation without GUEST_TSO6";
            case VirtioNetHeader.GSO_UDP -> ufo ? null : "UDP fragmentation without GUEST_UFO";
            default -> "gso_type " + header.gsoType() + " the device never offers";
        };
    }

    /**
     * The header's flags as the guest may see them: only NEEDS_CSUM and DATA_VALID survive, and neither without
     * GUEST_CSUM (§5.1.6.4: the device sets flags to zero then). The other fields pass unchanged.
     */
    int guestFlags(VirtioNetHeader header) {
        return csum ? header.flags() & (VirtioNetHeader.F_NEEDS_CSUM | VirtioNetHeader.F_DATA_VALID) : 0;
    }
}
