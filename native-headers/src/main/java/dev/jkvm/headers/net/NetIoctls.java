package dev.jkvm.headers.net;

import dev.jkvm.headers.Ioctl;

import java.lang.foreign.ValueLayout;

import static dev.jkvm.headers.Ioctl.ior;
import static dev.jkvm.headers.Ioctl.iow;

/**
 * The tun/tap ioctls of {@code <linux/if_tun.h>} (on a {@code /dev/net/tun} descriptor) and the interface and
 * bridge ioctls of {@code <linux/sockios.h>} (on any socket). The tun ones are encoded as the header declares
 * them; note that several declare {@code int} as their argument type but take a {@code struct ifreq} pointer,
 * so the size bits say 4. The socket ones are plain numbers from before the _IOC encoding.
 */
public final class NetIoctls {

    /** The ioctl type byte of the tun requests, {@code 'T'}. */
    private static final int TUN_TYPE = 'T';
    /** {@code sizeof(int)} and {@code sizeof(unsigned int)}, the declared argument size of the tun requests. */
    private static final long INT_SIZE = ValueLayout.JAVA_INT.byteSize();

    // <linux/if_tun.h>, on a /dev/net/tun descriptor
    /** Creates or attaches to a tun/tap device; argument {@code struct ifreq *} (name and IFF_* flags). */
    public static final Ioctl TUNSETIFF = iow("TUNSETIFF", TUN_TYPE, 202, INT_SIZE);
    /** Makes the device persistent (argument 1) or not (0), by value. */
    public static final Ioctl TUNSETPERSIST = iow("TUNSETPERSIST", TUN_TYPE, 203, INT_SIZE);
    /** Sets the uid allowed to attach without CAP_NET_ADMIN, by value. */
    public static final Ioctl TUNSETOWNER = iow("TUNSETOWNER", TUN_TYPE, 204, INT_SIZE);
    /** Sets the gid allowed to attach without CAP_NET_ADMIN, by value. */
    public static final Ioctl TUNSETGROUP = iow("TUNSETGROUP", TUN_TYPE, 206, INT_SIZE);
    /** Reads the IFF_* flags this kernel's TUNSETIFF supports; argument {@code unsigned int *}. */
    public static final Ioctl TUNGETFEATURES = ior("TUNGETFEATURES", TUN_TYPE, 207, INT_SIZE);
    /** Sets the TUN_F_* offloads the reader accepts, by value. */
    public static final Ioctl TUNSETOFFLOAD = iow("TUNSETOFFLOAD", TUN_TYPE, 208, INT_SIZE);
    /** Reads the attached device's name and IFF_* flags (with IFF_PERSIST); argument {@code struct ifreq *}. */
    public static final Ioctl TUNGETIFF = ior("TUNGETIFF", TUN_TYPE, 210, INT_SIZE);
    /** Reads the virtio-net header size; argument {@code int *}. */
    public static final Ioctl TUNGETVNETHDRSZ = ior("TUNGETVNETHDRSZ", TUN_TYPE, 215, INT_SIZE);
    /** Sets the virtio-net header size (10, or 12 with num_buffers); argument {@code int *}. */
    public static final Ioctl TUNSETVNETHDRSZ = iow("TUNSETVNETHDRSZ", TUN_TYPE, 216, INT_SIZE);
    /** Enables or disables this queue of a multiqueue device; argument {@code struct ifreq *}. */
    public static final Ioctl TUNSETQUEUE = iow("TUNSETQUEUE", TUN_TYPE, 217, INT_SIZE);
    /** Makes the virtio-net header little-endian (1) or native (0); argument {@code int *}. */
    public static final Ioctl TUNSETVNETLE = iow("TUNSETVNETLE", TUN_TYPE, 220, INT_SIZE);

    // <linux/sockios.h>, on a socket; argument struct ifreq *
    /** Reads ifr_flags (IFF_UP...) of ifr_name. */
    public static final Ioctl SIOCGIFFLAGS = new Ioctl("SIOCGIFFLAGS", 0x8913);
    /** Sets ifr_flags of ifr_name; needs CAP_NET_ADMIN. */
    public static final Ioctl SIOCSIFFLAGS = new Ioctl("SIOCSIFFLAGS", 0x8914);
    /** Reads ifr_mtu of ifr_name. */
    public static final Ioctl SIOCGIFMTU = new Ioctl("SIOCGIFMTU", 0x8921);
    /** Sets ifr_mtu of ifr_name; needs CAP_NET_ADMIN. */
    public static final Ioctl SIOCSIFMTU = new Ioctl("SIOCSIFMTU", 0x8922);
    /** Reads ifr_ifindex of ifr_name. */
    public static final Ioctl SIOCGIFINDEX = new Ioctl("SIOCGIFINDEX", 0x8933);
    /** Adds interface ifr_ifindex as a port of bridge ifr_name; needs CAP_NET_ADMIN. */
    public static final Ioctl SIOCBRADDIF = new Ioctl("SIOCBRADDIF", 0x89a2);
    /** Removes interface ifr_ifindex from bridge ifr_name; needs CAP_NET_ADMIN. */
    public static final Ioctl SIOCBRDELIF = new Ioctl("SIOCBRDELIF", 0x89a3);

    private NetIoctls() {
    }
}
