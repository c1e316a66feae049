package dev.jkvm.headers.net;

/**
 * Values from {@code <linux/if.h>}, {@code <linux/if_tun.h>}, {@code <sys/socket.h>} and
 * {@code <linux/virtio_net.h>}, named as there. The layout probe test compares every one with the installed
 * headers.
 */
public final class NetConstants {

    // <linux/if.h>
    /** Longest interface name plus its terminating NUL. */
    public static final int IFNAMSIZ = 16;
    /** Interface flag: administratively up (SIOCGIFFLAGS/SIOCSIFFLAGS). */
    public static final int IFF_UP = 0x1;

    // <linux/if_tun.h>: TUNSETIFF / TUNGETIFF flags in ifr_flags
    /** A layer-3 tun device (IP packets). */
    public static final int IFF_TUN = 0x0001;
    /** A layer-2 tap device (Ethernet frames). */
    public static final int IFF_TAP = 0x0002;
    /** Multiqueue device: each TUNSETIFF on the same name adds a queue. */
    public static final int IFF_MULTI_QUEUE = 0x0100;
    /** The device outlives its file descriptors (TUNSETPERSIST 1, or {@code ip tuntap add}). */
    public static final int IFF_PERSIST = 0x0800;
    /** No 4-byte packet-information prefix before each frame. */
    public static final int IFF_NO_PI = 0x1000;
    /** Obsolete: accepted and ignored by current kernels. */
    public static final int IFF_ONE_QUEUE = 0x2000;
    /** Each frame is preceded by a virtio-net header (struct virtio_net_hdr, or TUNSETVNETHDRSZ bytes). */
    public static final int IFF_VNET_HDR = 0x4000;
    /** Fail with EBUSY instead of attaching to an existing device of that name. */
    public static final int IFF_TUN_EXCL = 0x8000;

    // <linux/if_tun.h>: TUNSETOFFLOAD flags, the offloads the reader of the tap (the guest) accepts
    /** Frames may arrive with a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM). */
    public static final int TUN_F_CSUM = 0x01;
    /** TCP over IPv4 frames may arrive unsegmented (VIRTIO_NET_HDR_GSO_TCPV4); needs TUN_F_CSUM. */
    public static final int TUN_F_TSO4 = 0x02;
    /** TCP over IPv6 frames may arrive unsegmented (VIRTIO_NET_HDR_GSO_TCPV6); needs TUN_F_CSUM. */
    public static final int TUN_F_TSO6 = 0x04;
    /** Unsegmented TCP frames may have ECN set (VIRTIO_NET_HDR_GSO_ECN); needs TUN_F_CSUM. */
    public static final int TUN_F_TSO_ECN = 0x08;
    /** UDP frames may arrive unfragmented (VIRTIO_NET_HDR_GSO_UDP); needs TUN_F_CSUM. */
    public static final int TUN_F_UFO = 0x10;

    // <sys/socket.h>
    /** Address family: IPv4 (any socket family serves for interface ioctls). */
    public static final int AF_INET = 2;
    /** Socket type: datagrams. */
    public static final int SOCK_DGRAM = 2;
    /** socket() type flag: close the socket on exec. */
    public static final int SOCK_CLOEXEC = 0x80000;

    // <linux/virtio_net.h>: struct virtio_net_hdr flags and gso_type
    /** The checksum from csum_start to the end still has to be computed and stored at csum_offset. */
    public static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    /** The checksum was verified (receive side only). */
    public static final int VIRTIO_NET_HDR_F_DATA_VALID = 2;
    /** Not a GSO frame. */
    public static final int VIRTIO_NET_HDR_GSO_NONE = 0;
    /** GSO frame, TCP over IPv4. */
    public static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    /** GSO frame, UDP (UFO). */
    public static final int VIRTIO_NET_HDR_GSO_UDP = 3;
    /** GSO frame, TCP over IPv6. */
    public static final int VIRTIO_NET_HDR_GSO_TCPV6 = 4;
    /** gso_type bit: the TCP frame has ECN set. */
    public static final int VIRTIO_NET_HDR_GSO_ECN = 0x80;

    private NetConstants() {
    }
}
