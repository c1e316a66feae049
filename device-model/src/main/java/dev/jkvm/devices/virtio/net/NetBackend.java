package dev.jkvm.devices.virtio.net;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * What virtio-net needs from the host side of the link (a tap opened with IFF_VNET_HDR and TUNSETVNETHDRSZ 12):
 * every frame in either direction starts with a 12-byte virtio_net_hdr_v1 ({@link VirtioNetHeader}).
 *
 * <p>Threads: {@link #awaitReadable}, {@link #awaitWakeup}, {@link #read}, {@link #tryWrite} and {@link #write} are
 * called only by the device's I/O thread (one per NIC, serving both directions); {@link #setOffloads} by the thread
 * activating the device, before the I/O thread starts; {@link #wakeup} from any thread.
 */
public interface NetBackend extends AutoCloseable {
    /**
     * Reads one frame, vnet header first, into {@code frameWithVnetHeader} without blocking. Returns its length in
     * bytes, or 0 when no frame is ready. A frame never spans two calls; the segment is large enough for the
     * largest frame the negotiated offloads allow (a 64 KiB GSO frame plus headers).
     */
    int read(MemorySegment frameWithVnetHeader) throws IOException;

    /**
     * Sends one frame gathered from {@code segments} in order: the vnet header then the Ethernet frame, split
     * anywhere (the pieces are the guest's transmit buffers, straight from guest memory).
     */
    void write(List<MemorySegment> segments) throws IOException;

    /**
     * Sends one frame as {@link #write} does, except that a backend with no room for it (a full tap queue) returns
     * false after at most a brief wait, having sent nothing, instead of blocking the device's I/O thread: the device
     * keeps the frame and offers it again. The default is {@link #write}, for backends that are never full.
     */
    default boolean tryWrite(List<MemorySegment> segments) throws IOException {
        write(segments);
        return true;
    }

    /**
     * Which offloads the backend may hand to the guest (TUNSETOFFLOAD): partial checksums, TCPv4/TCPv6
     * segmentation, ECN on segmented TCP, UDP fragmentation. The device only ever passes a consistent set (every
     * segmentation bit implies {@code csum}, {@code ecn} implies a TSO bit).
     */
    void setOffloads(boolean csum, boolean tso4, boolean tso6, boolean ecn, boolean ufo) throws IOException;

    /**
     * Blocks until a frame may be read, {@code timeout} passes, or {@link #wakeup} is called. Returns true when
     * readable; false on timeout or wakeup. Spurious true results are allowed ({@link #read} then returns 0).
     */
    boolean awaitReadable(Duration timeout) throws IOException;

    /**
     * Blocks until {@link #wakeup} is called or {@code timeout} passes, whatever frames arrive meanwhile: the device
     * waits here while it has no receive buffers, so frames it cannot take do not wake it.
     */
    void awaitWakeup(Duration timeout) throws IOException;

    /**
     * Makes a thread blocked in {@link #awaitReadable} or {@link #awaitWakeup} return promptly; when none is
     * blocked, the next call returns at once instead (as an eventfd would). The device's I/O thread sleeps in one of
     * the two, so this is how a guest's kick (and a stop) reaches it.
     */
    void wakeup();

    /**
     * The eventfd behind {@link #wakeup}, if the backend waits on one: a signal on it (from any thread or the
     * kernel, e.g. a KVM ioeventfd for the guest's kicks) is a wakeup. It stays open until {@link #close}.
     */
    default OptionalInt wakeupFd() {
        return OptionalInt.empty();
    }

    @Override
    void close() throws IOException;
}
