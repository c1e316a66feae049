package dev.jkvm.core.machine;

import dev.jkvm.devices.net.tap.Tap;
import dev.jkvm.devices.net.tap.TapBackend;

/**
 * Opens a NIC's tap as QEMU's {@code -netdev tap,ifname=…,br=…} plus its bridge helper would: opens the existing tap
 * or creates one, makes it a port of the bridge, brings it up, and wraps it in a {@link TapBackend}. A tap jkvm
 * created is not persistent, so the kernel removes it (and its bridge port) when the backend closes it, or when the
 * process dies however it dies; an administrator's persistent tap stays.
 */
final class TapAttachment {
    private TapAttachment() {
    }

    /**
     * The NIC's link on its tap, attached and up.
     *
     * @throws dev.jkvm.devices.net.tap.TapException one line for no /dev/net/tun, no permission, a tap in use, a
     *         missing bridge, …; nothing is left open
     */
    static NicLink open(Nic nic) {
        Tap tap = Tap.open(nic.ifname());
        try {
            if (nic.bridge() != null) {
                tap.attachToBridge(nic.bridge());
            }
            tap.bringUp();
            int mtu = tap.mtu();
            return new NicLink(new TapBackend(tap), mtu, tap.name());
        } catch (RuntimeException e) {
            try {
                tap.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
