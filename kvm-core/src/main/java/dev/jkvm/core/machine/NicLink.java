package dev.jkvm.core.machine;

import dev.jkvm.devices.virtio.net.NetBackend;

import java.util.Objects;

/**
 * The host end of a NIC, ready for its virtio-net device: the backend frames go through, the MTU the guest is told,
 * and the host interface's name for messages.
 *
 * @param backend the open backend; whoever builds the device takes it over (the device closes it)
 * @param mtu the host interface's MTU, offered to the guest through VIRTIO_NET_F_MTU
 * @param hostInterface the tap's name, e.g. {@code tap0}
 */
public record NicLink(NetBackend backend, int mtu, String hostInterface) {
    public NicLink {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(hostInterface, "hostInterface");
    }
}
