package dev.jkvm.devices.net.tap;

import dev.jkvm.devices.net.tap.TapException.Reason;
import dev.jkvm.headers.Errno;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;
import dev.jkvm.headers.PollFd;
import dev.jkvm.headers.net.Ifreq;
import dev.jkvm.headers.net.Iovec;
import dev.jkvm.headers.net.NetIoctls;
import dev.jkvm.headers.net.NetLibc;
import dev.jkvm.headers.net.VirtioNetHdrV1;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.jkvm.headers.net.NetConstants.AF_INET;
import static dev.jkvm.headers.net.NetConstants.IFF_NO_PI;
import static dev.jkvm.headers.net.NetConstants.IFF_PERSIST;
import static dev.jkvm.headers.net.NetConstants.IFF_TAP;
import static dev.jkvm.headers.net.NetConstants.IFF_UP;
import static dev.jkvm.headers.net.NetConstants.IFF_VNET_HDR;
import static dev.jkvm.headers.net.NetConstants.SOCK_CLOEXEC;
import static dev.jkvm.headers.net.NetConstants.SOCK_DGRAM;
import static dev.jkvm.headers.net.NetConstants.TUN_F_CSUM;
import static dev.jkvm.headers.net.NetConstants.TUN_F_TSO4;
import static dev.jkvm.headers.net.NetConstants.TUN_F_TSO6;
import static dev.jkvm.headers.net.NetConstants.TUN_F_TSO_ECN;
import static dev.jkvm.headers.net.NetConstants.TUN_F_UFO;

/**
 * A Linux tap device opened through {@code /dev/net/tun}: the host end of a virtio-net NIC.
 *
 * <p>{@link #open} attaches to an existing tap of that name (a persistent one made with
 * {@code ip tuntap add}) or creates one; with no name the kernel picks {@code tapN}. The descriptor is
 * non-blocking and every frame read or written is preceded by a 12-byte {@code virtio_net_hdr_v1}
 * ({@link #VNET_HEADER_SIZE}), the guest's own header, so frames pass between virtqueues and the tap unchanged.
 * A tap jkvm created is not persistent: the kernel deletes it (and so removes it from its bridge) when
 * {@link #close} closes the last descriptor, also when the JVM dies. An existing persistent tap survives.
 *
 * <p>QEMU's {@code -netdev tap,ifname=tap0,br=br0} corresponds to {@code open("tap0")},
 * {@link #attachToBridge attachToBridge("br0")}, {@link #bringUp}, in that order, as QEMU's bridge helper
 * does. The interface and bridge ioctls go through a socket opened with the tap, so they act in the network
 * namespace the tap was opened in.
 *
 * <p>Threads: one thread may {@link #read} while another {@link #write}s (the kernel keeps the directions
 * apart); {@link #close} must come after both have stopped.
 */
public final class Tap implements AutoCloseable {

    /** The tun/tap clone device. */
    public static final String TUN_DEVICE = "/dev/net/tun";
    /** Bytes of virtio-net header before each frame: {@code sizeof(struct virtio_net_hdr_v1)}. */
    public static final int VNET_HEADER_SIZE = (int) VirtioNetHdrV1.LAYOUT.byteSize();
    /** What {@link #read} returns when no frame is waiting and {@link #write} when the tap cannot take one. */
    public static final long WOULD_BLOCK = -1;
    /** frameResult's answer for EINTR: the call is made again. */
    private static final long INTERRUPTED = -2;

    /** TUNSETIFF flags: a tap, no packet-information prefix, a virtio-net header before each frame. */
    private static final int TAP_FLAGS = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    /** Every TUN_F_* offload TUNSETOFFLOAD takes (the kernel refuses unknown bits with EINVAL). */
    private static final int KNOWN_OFFLOADS = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_UFO;
    /** The offloads that hand over unsegmented frames; the kernel accepts them only with TUN_F_CSUM. */
    private static final int SEGMENTATION_OFFLOADS = TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_UFO;
    /** sysfs directory of the interfaces; {@code <port>/master} links to the bridge a port belongs to. */
    private static final Path SYSFS_NET = Path.of("/sys/class/net");

    private final String name;
    private final int fd;
    private final int controlSocket;
    private final int ifindex;
    private final boolean created;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Tap(String name, int fd, int controlSocket, int ifindex, boolean created) {
        this.name = name;
        this.fd = fd;
        this.controlSocket = controlSocket;
        this.ifindex = ifindex;
        this.created = created;
    }

    /**
     * Opens the tap {@code ifname}, creating it if it does not exist, or a new tap named by the kernel when
     * {@code ifname} is null or empty; sets the virtio-net header size to {@link #VNET_HEADER_SIZE}.
     *
     * @throws TapException no {@code /dev/net/tun}, no permission, the tap in use, or the name taken by
     *         another kind of interface
     * @throws IllegalArgumentException for a name Linux does not allow
     */
    public static Tap open(String ifname) {
        String requested = ifname == null ? "" : ifname;
        String shown = requested.isEmpty() ? "new tap" : requested;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(Ifreq.LAYOUT);
            Ifreq.setName(ifreq, requested);
            try (Descriptor tun = new Descriptor(openTunDevice(shown));
                    Descriptor socket = new Descriptor(NetLibc.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0))) {
                Ifreq.IFR_FLAGS.set(ifreq, 0L, (short) TAP_FLAGS);
                attach(tun.fd, ifreq, requested, shown);
                String name = Ifreq.name(ifreq);

                MemorySegment headerSize = arena.allocateFrom(ValueLayout.JAVA_INT, VNET_HEADER_SIZE);
                try {
                    Libc.ioctl(tun.fd, NetIoctls.TUNGETIFF, ifreq);
                    Libc.ioctl(tun.fd, NetIoctls.TUNSETVNETHDRSZ, headerSize);
                } catch (NativeException e) {
                    throw new TapException(Reason.FAILED, name, "cannot set up the tap's virtio-net header",
                            e.call(), e);
                }
                boolean persistent = (Short.toUnsignedInt((short) Ifreq.IFR_FLAGS.get(ifreq, 0L)) & IFF_PERSIST) != 0;

                int index = interfaceIndex(socket.fd, name, arena);
                return new Tap(name, tun.keep(), socket.keep(), index, !persistent);
            }
        }
    }

    /** The interface name, e.g. {@code tap0} (the kernel's choice when {@link #open} was given none). */
    public String name() {
        return name;
    }

    /** The tap's descriptor, for epoll: readable when a frame waits. Non-blocking. */
    public int fd() {
        return fd;
    }

    /** The interface index. */
    public int ifindex() {
        return ifindex;
    }

    /** Whether jkvm created the tap, so that it disappears on {@link #close}; false for a persistent tap. */
    public boolean created() {
        return created;
    }

    /**
     * Tells the tap which offloads the reader accepts (TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6, TUN_F_TSO_ECN,
     * TUN_F_UFO): those the guest negotiated (VIRTIO_NET_F_GUEST_CSUM, _GUEST_TSO4...). Without TUN_F_CSUM
     * every frame read has a complete checksum; with it a frame may carry VIRTIO_NET_HDR_F_NEEDS_CSUM.
     *
     * @throws IllegalArgumentException for unknown bits, or segmentation offloads without TUN_F_CSUM
     */
    public void setOffload(int flags) {
        if ((flags & ~KNOWN_OFFLOADS) != 0) {
            throw new IllegalArgumentException(name + ": unknown TUN_F_* offload bits 0x"
                    + Integer.toHexString(flags & ~KNOWN_OFFLOADS) + " in 0x" + Integer.toHexString(flags));
        }
        if ((flags & SEGMENTATION_OFFLOADS) != 0 && (flags & TUN_F_CSUM) == 0) {
            throw new IllegalArgumentException(name + ": offloads 0x" + Integer.toHexString(flags)
                    + " ask for TSO/UFO without TUN_F_CSUM; segmentation offloads need checksum offload");
        }
        requireOpen();
        try {
            Libc.ioctl(fd, NetIoctls.TUNSETOFFLOAD, flags);
        } catch (NativeException e) {
            throw new TapException(Reason.FAILED, name, "the kernel refused offloads 0x"
                    + Integer.toHexString(flags), "ioctl TUNSETOFFLOAD", e);
        }
    }

    /** Whether the interface is administratively up (IFF_UP). */
    public boolean isUp() {
        requireOpen();
        try (Arena arena = Arena.ofConfined()) {
            return (interfaceFlags(arena) & IFF_UP) != 0;
        }
    }

    /**
     * Sets the interface up, as {@code ip link set NAME up} does; nothing to do (and no privilege needed)
     * when it already is, as an administrator-prepared tap is.
     *
     * @throws TapException without CAP_NET_ADMIN when the tap is down
     */
    public void bringUp() {
        requireOpen();
        try (Arena arena = Arena.ofConfined()) {
            int flags = interfaceFlags(arena);
            if ((flags & IFF_UP) != 0) {
                return;
            }
            MemorySegment ifreq = arena.allocate(Ifreq.LAYOUT);
            Ifreq.setName(ifreq, name);
            Ifreq.IFR_FLAGS.set(ifreq, 0L, (short) (flags | IFF_UP));
            try {
                Libc.ioctl(controlSocket, NetIoctls.SIOCSIFFLAGS, ifreq);
            } catch (NativeException e) {
                throw e.errno() == Errno.EPERM
                        ? new TapException(Reason.NOT_PERMITTED, name, "not permitted to bring the tap up: run"
                                + " jkvm as root or with CAP_NET_ADMIN, or have the administrator do it (ip link set "
                                + name + " up)", "ioctl SIOCSIFFLAGS", e)
                        : new TapException(Reason.FAILED, name, "cannot bring the tap up", "ioctl SIOCSIFFLAGS", e);
            }
        }
    }

    /** The interface's MTU (SIOCGIFMTU), e.g. for virtio-net's VIRTIO_NET_F_MTU. */
    public int mtu() {
        requireOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(Ifreq.LAYOUT);
            Ifreq.setName(ifreq, name);
            try {
                Libc.ioctl(controlSocket, NetIoctls.SIOCGIFMTU, ifreq);
            } catch (NativeException e) {
                throw new TapException(Reason.FAILED, name, "cannot read the MTU", "ioctl SIOCGIFMTU", e);
            }
            return (int) Ifreq.IFR_MTU.get(ifreq, 0L);
        }
    }

    /**
     * Makes the tap a port of {@code bridge}, as {@code ip link set NAME master BRIDGE} (and QEMU's bridge
     * helper) do, through SIOCBRADDIF. A tap that already is a port of that bridge is left alone, so an
     * administrator-prepared tap needs no privilege here.
     *
     * @throws TapException the bridge does not exist or is not a bridge, no CAP_NET_ADMIN, or the tap is a
     *         port of another bridge
     * @throws IllegalArgumentException for a name Linux does not allow
     */
    public void attachToBridge(String bridge) {
        requireOpen();
        if (masterOf(name).filter(bridge::equals).isPresent()) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(Ifreq.LAYOUT);
            Ifreq.setName(ifreq, bridge);
            Ifreq.IFR_IFINDEX.set(ifreq, 0L, ifindex);
            Libc.ioctl(controlSocket, NetIoctls.SIOCBRADDIF, ifreq);
        } catch (NativeException e) {
            String call = "ioctl SIOCBRADDIF " + bridge;
            throw switch (e.errno()) {
                case Errno.ENODEV -> new TapException(Reason.NO_SUCH_BRIDGE, bridge, "no such bridge, cannot attach "
                        + name + " to it; create it first (ip link add " + bridge
                        + " type bridge, or see docs/networking.md)", call, e);
                case Errno.EOPNOTSUPP -> new TapException(Reason.NOT_A_BRIDGE, bridge, "not a bridge, cannot attach "
                        + name + " to it", call, e);
                case Errno.EPERM -> new TapException(Reason.NOT_PERMITTED, name, "not permitted to attach the tap"
                        + " to bridge " + bridge + ": run jkvm as root or with CAP_NET_ADMIN, or have the"
                        + " administrator do it (ip link set " + name + " master " + bridge + ") and leave br= out",
                        call, e);
                case Errno.EBUSY -> new TapException(Reason.ATTACHED_ELSEWHERE, name, "already a port of "
                        + masterOf(name).map(other -> "bridge " + other).orElse("another bridge or bond")
                        + ", cannot attach it to " + bridge + " (ip link set " + name + " nomaster frees it)", call, e);
                default -> new TapException(Reason.FAILED, name, "cannot attach the tap to bridge " + bridge, call, e);
            };
        }
    }

    /**
     * Reads one frame, virtio-net header first, into {@code buffer}; returns its length, or
     * {@link #WOULD_BLOCK} when none is waiting. A buffer shorter than the frame gets its start only, so give
     * {@code VNET_HEADER_SIZE} + 14 (Ethernet) + 4 (VLAN tag) + the MTU bytes, or 64 KiB + header with TSO/UFO.
     */
    public long read(MemorySegment buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(Iovec.LAYOUT);
            Iovec.set(vector, 0, buffer);
            return readv(vector, 1, Libc.allocateCallState(arena));
        }
    }

    /**
     * Reads one frame into the buffers of an {@link Iovec} array (e.g. guest receive buffers, the header in
     * the first); returns its length or {@link #WOULD_BLOCK}. Allocates nothing.
     *
     * @param callState a segment from {@code Libc.allocateCallState}, used by this thread only
     */
    public long readv(MemorySegment iovecs, int count, MemorySegment callState) {
        long result;
        do {
            result = frameResult(NetLibc.readv(fd, iovecs, count, callState), "readv", count, "cannot read a frame");
        } while (result == INTERRUPTED);
        return result;
    }

    /**
     * Writes one frame, virtio-net header first, from {@code buffer}; returns the bytes written, or
     * {@link #WOULD_BLOCK} when the tap cannot take it now (wait for POLLOUT).
     *
     * @throws TapException when the kernel refuses the frame, e.g. EINVAL for an inconsistent GSO header
     */
    public long write(MemorySegment buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(Iovec.LAYOUT);
            Iovec.set(vector, 0, buffer);
            return writev(vector, 1, Libc.allocateCallState(arena));
        }
    }

    /** Writes one frame gathered from an {@link Iovec} array; as {@link #write}. Allocates nothing. */
    public long writev(MemorySegment iovecs, int count, MemorySegment callState) {
        long result;
        do {
            result = frameResult(NetLibc.writev(fd, iovecs, count, callState), "writev", count,
                    "the kernel refused a frame");
        } while (result == INTERRUPTED);
        return result;
    }

    /**
     * What a readv/writev result ({@code -errno} on failure) means to the caller: the byte count, {@link #WOULD_BLOCK}
     * for EAGAIN, {@link #INTERRUPTED} for EINTR (call again); any other errno throws.
     */
    private long frameResult(long result, String call, int count, String failure) {
        if (result >= 0) {
            return result;
        }
        int errno = (int) -result;
        if (errno == Errno.EAGAIN) {
            return WOULD_BLOCK;
        }
        if (errno == Errno.EINTR) {
            return INTERRUPTED;
        }
        throw new TapException(Reason.FAILED, name, failure, call,
                new NativeException(call + "(fd " + fd + ", " + count + " iovecs)", errno));
    }

    /**
     * Waits up to {@code timeoutMillis} (negative: forever) for a frame to read; false on timeout or when a
     * signal interrupted the wait.
     */
    public boolean awaitReadable(int timeoutMillis) {
        requireOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollFd = arena.allocate(PollFd.LAYOUT);
            PollFd.FD.set(pollFd, 0L, fd);
            PollFd.EVENTS.set(pollFd, 0L, (short) Libc.POLLIN);
            return Libc.poll(pollFd, 1, timeoutMillis) > 0;
        } catch (NativeException e) {
            if (e.errno() == Errno.EINTR) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Closes the tap's descriptor and socket. A tap jkvm created disappears now; a persistent one stays,
     * with its bridge port and up state. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Libc.close(fd);
        } finally {
            Libc.close(controlSocket);
        }
    }

    @Override
    public String toString() {
        return "tap " + name + " (ifindex " + ifindex + ", " + (created ? "created by jkvm" : "persistent") + ")";
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("tap " + name + " is closed");
        }
    }

    private int interfaceFlags(Arena arena) {
        MemorySegment ifreq = arena.allocate(Ifreq.LAYOUT);
        Ifreq.setName(ifreq, name);
        try {
            Libc.ioctl(controlSocket, NetIoctls.SIOCGIFFLAGS, ifreq);
        } catch (NativeException e) {
            throw new TapException(Reason.FAILED, name, "cannot read the interface flags", "ioctl SIOCGIFFLAGS", e);
        }
        return Short.toUnsignedInt((short) Ifreq.IFR_FLAGS.get(ifreq, 0L));
    }

    private static int openTunDevice(String shown) {
        try {
            return Libc.open(TUN_DEVICE, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        } catch (NativeException e) {
            String call = "open " + TUN_DEVICE;
            throw switch (e.errno()) {
                case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO -> new TapException(Reason.NO_TUN_DEVICE, shown,
                        "cannot create or open a tap: " + TUN_DEVICE + " is missing; load the tun module (modprobe"
                        + " tun), or in a container pass the device in", call, e);
                case Errno.EACCES, Errno.EPERM -> new TapException(Reason.NOT_PERMITTED, shown, "no permission to"
                        + " open " + TUN_DEVICE + ": run jkvm as root, or make the device read-write for your user"
                        + " (mode 0666 is the usual default)", call, e);
                default -> new TapException(Reason.FAILED, shown, "cannot open " + TUN_DEVICE, call, e);
            };
        }
    }

    private static void attach(int tunFd, MemorySegment ifreq, String requested, String shown) {
        try {
            Libc.ioctl(tunFd, NetIoctls.TUNSETIFF, ifreq);
        } catch (NativeException e) {
            String call = "ioctl TUNSETIFF";
            throw switch (e.errno()) {
                case Errno.EPERM -> new TapException(Reason.NOT_PERMITTED, shown, "not permitted to create"
                        + (requested.isEmpty() ? "" : " or open") + " the tap: run jkvm as root or with"
                        + " CAP_NET_ADMIN, or use a persistent tap owned by your user (ip tuntap add "
                        + (requested.isEmpty() ? "tap0" : requested) + " mode tap user $USER)", call, e);
                case Errno.EBUSY -> new TapException(Reason.IN_USE, shown, "already in use by another program"
                        + " (another VM?); a tap serves one program at a time", call, e);
                case Errno.EINVAL -> new TapException(Reason.NOT_A_TAP, shown, "exists but is not a single-queue"
                        + " tap; choose another ifname", call, e);
                default -> new TapException(Reason.FAILED, shown, "cannot create or open the tap", call, e);
            };
        }
    }

    private static int interfaceIndex(int socket, String name, Arena arena) {
        MemorySegment ifreq = arena.allocate(Ifreq.LAYOUT);
        Ifreq.setName(ifreq, name);
        try {
            Libc.ioctl(socket, NetIoctls.SIOCGIFINDEX, ifreq);
        } catch (NativeException e) {
            throw new TapException(Reason.FAILED, name, "cannot find the tap's interface index",
                    "ioctl SIOCGIFINDEX", e);
        }
        return (int) Ifreq.IFR_IFINDEX.get(ifreq, 0L);
    }

    /**
     * The bridge (or bond) {@code port} belongs to, from sysfs; empty when it has none or sysfs cannot tell
     * (a sysfs mounted for another network namespace shows other interfaces, so this is only a shortcut and a
     * better error message, never the sole check).
     */
    private static Optional<String> masterOf(String port) {
        try {
            return Optional.of(Files.readSymbolicLink(SYSFS_NET.resolve(port).resolve("master")).getFileName()
                    .toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** A descriptor that is closed unless {@link #keep} hands it over: the cleanup for a failed open. */
    private static final class Descriptor implements AutoCloseable {

        private final int fd;
        private boolean kept;

        Descriptor(int fd) {
            this.fd = fd;
        }

        int keep() {
            kept = true;
            return fd;
        }

        @Override
        public void close() {
            if (!kept) {
                Libc.close(fd);
            }
        }
    }
}
