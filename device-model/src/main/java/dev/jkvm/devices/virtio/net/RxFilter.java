package dev.jkvm.devices.virtio.net;

import java.util.List;

/**
 * The receive filter the driver asked for through the control queue (VIRTIO_NET_CTRL_RX and MAC_TABLE_SET).
 * Recorded, not enforced: frames reach the guest as the tap delivers them, as if promiscuous, which a driver
 * tolerates (its own stack drops frames for other hosts).
 */
public record RxFilter(boolean promiscuous, boolean allMulticast, List<EthernetAddress> unicast,
                       List<EthernetAddress> multicast) {
    public RxFilter {
        unicast = List.copyOf(unicast);
        multicast = List.copyOf(multicast);
    }

    /** The state after a device reset: promiscuous until the driver says otherwise (QEMU's device starts so too). */
    public static RxFilter initial() {
        return new RxFilter(true, false, List.of(), List.of());
    }

    RxFilter withPromiscuous(boolean on) {
        return new RxFilter(on, allMulticast, unicast, multicast);
    }

    RxFilter withAllMulticast(boolean on) {
        return new RxFilter(promiscuous, on, unicast, multicast);
    }

    RxFilter withTable(List<EthernetAddress> newUnicast, List<EthernetAddress> newMulticast) {
        return new RxFilter(promiscuous, allMulticast, newUnicast, newMulticast);
    }
}
