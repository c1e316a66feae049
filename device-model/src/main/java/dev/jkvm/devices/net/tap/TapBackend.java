package dev.jkvm.devices.net.tap;

import dev.jkvm.devices.virtio.net.NetBackend;
import dev.jkvm.headers.Errno;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;
import dev.jkvm.headers.PollFd;
import dev.jkvm.headers.net.Iovec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;

import static dev.jkvm.headers.net.NetConstants.TUN_F_CSUM;
import static dev.jkvm.headers.net.NetConstants.TUN_F_TSO4;
import static dev.jkvm.headers.net.NetConstants.TUN_F_TSO6;
import static dev.jkvm.headers.net.NetConstants.TUN_F_TSO_ECN;
import static dev.jkvm.headers.net.NetConstants.TUN_F_UFO;

/**
 * virtio-net's host end on a {@link Tap}: frames move between the tap and the device with the 12-byte vnet header
 * the tap was opened with ({@code Tap.open} already set TUNSETVNETHDRSZ to it), so the guest's header passes through
 * unchanged both ways.
 *
 * <p>The I/O thread waits in {@code poll(2)} on the tap and on an eventfd; {@link #wakeup} writes the eventfd,
 * so it ends a wait at once from any thread, and one written while nobody waits is kept (in the eventfd's counter)
 * for the next wait. Transmit gathers the guest's buffers with one {@code writev} through a preallocated iovec
 * array; {@link #tryWrite} waits for a full tap only briefly, so the device's I/O thread goes on receiving. The
 * per-frame paths and the waits use only the native memory allocated here. The eventfd is also {@link #wakeupFd},
 * which the VMM may have KVM signal for the guest's kicks.
 *
 * <p>Threads as {@link NetBackend} says: {@link #read}, {@link #awaitReadable}, {@link #tryWrite} and
 * {@link #write} on the device's one I/O thread (writes are also safe from others), {@link #wakeup} anywhere. The
 * backend owns the tap once constructed: {@link #close} closes it.
 */
public final class TapBackend implements NetBackend {
    /**
     * Most iovecs one {@code writev} takes (Linux's UIO_MAXIOV); a frame in more guest buffers than this is copied
     * into {@link #bounce} first.
     */
    static final int IOV_MAX = 1024;
    /**
     * Bytes of the bounce buffer: the largest GSO frame a tap takes (a 64 KiB IP packet plus Ethernet and VLAN
     * headers) and the vnet header, rounded up to a page multiple.
     */
    static final int BOUNCE_BYTES = 69_632;
    /** The eventfd counter increment one {@link #wakeup} writes. */
    private static final long WAKEUP_INCREMENT = 1;
    /** Index of the wakeup eventfd in {@link #pollFds}: first, so a wait for wakeups alone polls one entry. */
    private static final int POLL_WAKEUP = 0;
    /** Index of the tap in {@link #pollFds}. */
    private static final int POLL_TAP = 1;
    /** Descriptors in {@link #pollFds}. */
    private static final int POLL_COUNT = 2;
    /** Longest wait one poll call can express (its timeout is an int of milliseconds). */
    private static final Duration LONGEST_POLL = Duration.ofMillis(Integer.MAX_VALUE);
    /** Nanoseconds in a millisecond. */
    private static final long NANOS_PER_MILLI = 1_000_000;
    /** Longest a write waits for a tap that reported EAGAIN to take the frame (POLLOUT). */
    private static final int WRITE_WAIT_MILLIS = 1_000;
    /** Longest a tryWrite waits for a full tap before handing the frame back to the device (poll's smallest wait). */
    private static final int TRY_WRITE_WAIT_MILLIS = 1;

    private final Tap tap;
    private final int wakeupFd;
    /** Shared: the reading side, the writing side and wakeup callers each touch their own segments below. */
    private final Arena arena = Arena.ofShared();

    /** The tap and the eventfd, for the I/O thread's poll. */
    private final MemorySegment pollFds;
    /** One iovec pointed at the caller's frame buffer by each read. */
    private final MemorySegment readVector;
    /** errno capture of the I/O thread's readv, poll and eventfd drain. */
    private final MemorySegment readCallState;
    /** Where the I/O thread drains the eventfd counter (a u64, what eventfd reads and writes move). */
    private final MemorySegment drainedCounter;

    /** Serialises writes: the iovec array, its call state and the bounce buffer belong to one write at a time. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final MemorySegment writeVector;
    private final MemorySegment writeCallState;
    private final MemorySegment bounce;

    /** Holds the eventfd open while a wakeup writes to it, so close never frees a descriptor in use. */
    private final Object wakeupLock = new Object();
    /** The increment wakeup writes; never changed after construction. */
    private final MemorySegment wakeupIncrement;
    /** errno capture of wakeup's write, under {@link #wakeupLock}. */
    private final MemorySegment wakeupCallState;
    /** Set by close, under {@link #wakeupLock}. */
    private boolean closed;

    /**
     * Serves {@code tap}, which it closes on {@link #close}. The tap should already be attached to its bridge and up.
     *
     * @throws NativeException when the eventfd cannot be created; the tap is then still the caller's
     */
    public TapBackend(Tap tap) {
        this.tap = Objects.requireNonNull(tap, "tap");
        this.wakeupFd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        pollFds = arena.allocate(PollFd.LAYOUT, POLL_COUNT);
        PollFd.FD.set(pollFds, pollFdOffset(POLL_TAP), tap.fd());
        PollFd.FD.set(pollFds, pollFdOffset(POLL_WAKEUP), wakeupFd);
        readVector = arena.allocate(Iovec.LAYOUT);
        readCallState = Libc.allocateCallState(arena);
        drainedCounter = arena.allocate(ValueLayout.JAVA_LONG);
        writeVector = arena.allocate(Iovec.LAYOUT, IOV_MAX);
        writeCallState = Libc.allocateCallState(arena);
        bounce = arena.allocate(BOUNCE_BYTES, Long.BYTES);
        wakeupIncrement = arena.allocateFrom(ValueLayout.JAVA_LONG, WAKEUP_INCREMENT);
        wakeupCallState = Libc.allocateCallState(arena);
    }

    /** The tap this backend serves. */
    public Tap tap() {
        return tap;
    }

    /**
     * Reads one frame, vnet header first; 0 when none is waiting.
     *
     * @param frameWithVnetHeader native memory (the device's host frame buffer)
     * @throws TapException when the tap fails (e.g. its interface was deleted)
     */
    @Override
    public int read(MemorySegment frameWithVnetHeader) {
        requireNative(frameWithVnetHeader, "read");
        Iovec.set(readVector, 0, frameWithVnetHeader);
        long length = tap.readv(readVector, 1, readCallState);
        return length == Tap.WOULD_BLOCK ? 0 : (int) length;
    }

    /**
     * Writes one frame gathered from {@code segments} in one {@code writev}; segments on the heap, or more of them
     * than {@link #IOV_MAX}, are first copied into a bounce buffer.
     *
     * @throws IOException when the tap took only part of the frame, stayed full for {@value #WRITE_WAIT_MILLIS} ms,
     *         or the frame is larger than any a tap takes
     * @throws TapException when the kernel refused the frame (e.g. EINVAL for an inconsistent GSO header)
     */
    @Override
    public void write(List<MemorySegment> segments) throws IOException {
        if (!writeFrame(segments, WRITE_WAIT_MILLIS)) {
            throw new IOException(tap.name() + ": the tap took no frame for " + WRITE_WAIT_MILLIS
                    + " ms (writev: EAGAIN)");
        }
    }

    /**
     * As {@link #write}, but a tap still full {@value #TRY_WRITE_WAIT_MILLIS} ms after an EAGAIN returns false,
     * nothing written, so the caller can serve its other work and offer the frame again.
     */
    @Override
    public boolean tryWrite(List<MemorySegment> segments) throws IOException {
        return writeFrame(segments, TRY_WRITE_WAIT_MILLIS);
    }

    /** One writev of the frame, and after an EAGAIN one more once the tap has room; false when it stayed full. */
    private boolean writeFrame(List<MemorySegment> segments, int waitMillis) throws IOException {
        writeLock.lock();
        try {
            long total = 0;
            boolean direct = segments.size() <= IOV_MAX;
            for (MemorySegment segment : segments) {
                total += segment.byteSize();
                direct &= segment.isNative();
            }
            int count;
            if (direct) {
                for (int i = 0; i < segments.size(); i++) {
                    Iovec.set(writeVector, i, segments.get(i));
                }
                count = segments.size();
            } else {
                if (total > BOUNCE_BYTES) {
                    throw new IOException(tap.name() + ": a frame of " + total + " bytes is larger than the "
                            + BOUNCE_BYTES + " a tap takes");
                }
                long at = 0;
                for (MemorySegment segment : segments) {
                    MemorySegment.copy(segment, 0, bounce, at, segment.byteSize());
                    at += segment.byteSize();
                }
                Iovec.set(writeVector, 0, bounce.asSlice(0, total));
                count = 1;
            }
            long written = tap.writev(writeVector, count, writeCallState);
            if (written == Tap.WOULD_BLOCK) {
                // A tap whose queue is full: wait for room once rather than drop the frame at the first EAGAIN.
                if (!awaitWritable(waitMillis)) {
                    return false;
                }
                written = tap.writev(writeVector, count, writeCallState);
                if (written == Tap.WOULD_BLOCK) {
                    return false;
                }
            }
            if (written != total) {
                throw new IOException(tap.name() + ": writev of a " + total + "-byte frame in " + count
                        + " pieces wrote " + written + " bytes");
            }
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    private boolean awaitWritable(int waitMillis) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment pollFd = call.allocate(PollFd.LAYOUT);
            PollFd.FD.set(pollFd, 0L, tap.fd());
            PollFd.EVENTS.set(pollFd, 0L, (short) Libc.POLLOUT);
            return Libc.poll(pollFd, 1, waitMillis) > 0;
        } catch (NativeException e) {
            if (e.errno() == Errno.EINTR) {
                return true;
            }
            throw e;
        }
    }

    /**
     * TUNSETOFFLOAD with the TUN_F_* bit of each offload the guest accepts.
     *
     * @throws TapException when the kernel refuses them
     */
    @Override
    public void setOffloads(boolean csum, boolean tso4, boolean tso6, boolean ecn, boolean ufo) {
        tap.setOffload(offloadFlags(csum, tso4, tso6, ecn, ufo));
    }

    /** The TUN_F_* flags for the offloads the guest accepts. */
    static int offloadFlags(boolean csum, boolean tso4, boolean tso6, boolean ecn, boolean ufo) {
        return (csum ? TUN_F_CSUM : 0) | (tso4 ? TUN_F_TSO4 : 0) | (tso6 ? TUN_F_TSO6 : 0)
                | (ecn ? TUN_F_TSO_ECN : 0) | (ufo ? TUN_F_UFO : 0);
    }

    /**
     * Polls the tap and the wakeup eventfd. A pending wakeup wins over a readable tap (the caller is being stopped)
     * and is consumed. An error or hang-up on the tap counts as readable, so the next read reports it.
     */
    @Override
    public boolean awaitReadable(Duration timeout) {
        return await(POLL_COUNT, timeout) && revents(POLL_TAP) != 0;
    }

    /** Polls the wakeup eventfd alone, and consumes the wakeup. */
    @Override
    public void awaitWakeup(Duration timeout) {
        await(POLL_WAKEUP + 1, timeout);
    }

    /** The eventfd {@link #wakeup} writes; the guest's kicks may signal it directly. */
    @Override
    public OptionalInt wakeupFd() {
        return OptionalInt.of(wakeupFd);
    }

    /**
     * Polls the first {@code count} of {@link #pollFds}; true when one of them (other than a wakeup, which is drained)
     * has events. Allocates nothing.
     */
    private boolean await(int count, Duration timeout) {
        for (int i = 0; i < count; i++) {
            PollFd.EVENTS.set(pollFds, pollFdOffset(i), (short) Libc.POLLIN);
            PollFd.REVENTS.set(pollFds, pollFdOffset(i), (short) 0);
        }
        int ready = Libc.pollNoThrow(pollFds, count, timeoutMillis(timeout), readCallState);
        if (ready == -Errno.EINTR || ready == 0) {
            return false;
        }
        if (ready < 0) {
            throw new NativeException("poll(" + tap.name() + " and its wakeup eventfd)", -ready);
        }
        if (revents(POLL_WAKEUP) != 0) {
            drainWakeups();
            return false;
        }
        return true;
    }

    private void drainWakeups() {
        long result = Libc.readNoThrow(wakeupFd, drainedCounter, readCallState);
        // EAGAIN: the counter is already zero, which is all a drain wants.
        if (result < 0 && result != -Errno.EAGAIN) {
            throw new NativeException("read(wakeup eventfd " + wakeupFd + ")", (int) -result);
        }
    }

    /** Adds one to the eventfd counter; a no-op once closed. */
    @Override
    public void wakeup() {
        synchronized (wakeupLock) {
            if (closed) {
                return;
            }
            long result = Libc.writeNoThrow(wakeupFd, wakeupIncrement, wakeupCallState);
            // EAGAIN: the counter is at its maximum, so a wakeup is pending anyway.
            if (result < 0 && result != -Errno.EAGAIN) {
                throw new NativeException("write(wakeup eventfd " + wakeupFd + ")", (int) -result);
            }
        }
    }

    /** Closes the eventfd, the tap (a tap jkvm created disappears) and the preallocated buffers. Idempotent. */
    @Override
    public void close() {
        synchronized (wakeupLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try (arena; tap) {
            Libc.close(wakeupFd);
        }
    }

    @Override
    public String toString() {
        return "TapBackend[" + tap + "]";
    }

    private static long pollFdOffset(int index) {
        return index * PollFd.LAYOUT.byteSize();
    }

    private int revents(int index) {
        return Short.toUnsignedInt((short) PollFd.REVENTS.get(pollFds, pollFdOffset(index)));
    }

    /** poll's timeout: milliseconds rounded up (a 0.5 ms wait must not become a busy poll), at most int range. */
    private static int timeoutMillis(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        if (timeout.compareTo(LONGEST_POLL) >= 0) {
            return Integer.MAX_VALUE;
        }
        long nanos = timeout.toNanos();
        return (int) (nanos / NANOS_PER_MILLI + (nanos % NANOS_PER_MILLI == 0 ? 0 : 1));
    }

    private void requireNative(MemorySegment segment, String call) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException(tap.name() + ": " + call + " needs a native frame buffer, not "
                    + segment);
        }
    }
}
