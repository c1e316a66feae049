package dev.jkvm.core.machine;

import dev.jkvm.devices.virtio.net.NetBackend;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A NIC's host end without a tap: the test hands frames to the guest with {@link #send} and takes the guest's with
 * {@link #receive}, both without the 12-byte vnet header (this link offers no offloads, so the header is all zeros
 * on the way in and ignored on the way out).
 */
final class LoopbackLink implements NetBackend {
    /** Bytes of virtio_net_hdr_v1 before every frame. */
    static final int VNET_HEADER_SIZE = 12;

    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<byte[]> toGuest = new ArrayDeque<>();
    /** Guarded by {@link #lock}. */
    private boolean wakeup;
    private final LinkedBlockingQueue<byte[]> fromGuest = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    void send(byte[] frame) {
        synchronized (lock) {
            toGuest.add(frame.clone());
            lock.notifyAll();
        }
    }

    /** The guest's next frame, or null after {@code timeout}. */
    byte[] receive(Duration timeout) throws InterruptedException {
        return fromGuest.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    boolean closed() {
        return closed;
    }

    @Override
    public int read(MemorySegment frameWithVnetHeader) {
        byte[] frame;
        synchronized (lock) {
            frame = toGuest.poll();
        }
        if (frame == null) {
            return 0;
        }
        frameWithVnetHeader.asSlice(0, VNET_HEADER_SIZE).fill((byte) 0);
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, frameWithVnetHeader, VNET_HEADER_SIZE, frame.length);
        return VNET_HEADER_SIZE + frame.length;
    }

    @Override
    public void write(List<MemorySegment> segments) {
        byte[] whole = new byte[0];
        for (MemorySegment segment : segments) {
            byte[] piece = segment.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            byte[] joined = Arrays.copyOf(whole, whole.length + piece.length);
            System.arraycopy(piece, 0, joined, whole.length, piece.length);
            whole = joined;
        }
        fromGuest.add(Arrays.copyOfRange(whole, VNET_HEADER_SIZE, whole.length));
    }

    @Override
    public void setOffloads(boolean csum, boolean tso4, boolean tso6, boolean ecn, boolean ufo) {
    }

    @Override
    public boolean awaitReadable(Duration timeout) throws java.io.InterruptedIOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (toGuest.isEmpty() && !wakeup) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted waiting for a frame");
                }
            }
            if (wakeup) {
                wakeup = false;
                return false;
            }
            return true;
        }
    }

    @Override
    public void awaitWakeup(Duration timeout) throws java.io.InterruptedIOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!wakeup) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted waiting for a wakeup");
                }
            }
            wakeup = false;
        }
    }

    @Override
    public void wakeup() {
        synchronized (lock) {
            wakeup = true;
            lock.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
