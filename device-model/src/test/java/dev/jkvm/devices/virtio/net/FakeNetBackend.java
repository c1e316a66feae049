package dev.jkvm.devices.virtio.net;

import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** An in-memory tap: frames injected by the test wait in a queue until the device reads them. */
final class FakeNetBackend implements NetBackend {
    /** One setOffloads call. */
    record Offloads(boolean csum, boolean tso4, boolean tso6, boolean ecn, boolean ufo) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private boolean wakeupPending;
    private final List<byte[]> written = new ArrayList<>();
    private final List<Offloads> offloads = new ArrayList<>();
    private final AtomicInteger framesRead = new AtomicInteger();
    private final AtomicInteger awaits = new AtomicInteger();
    private volatile boolean closed;
    /** Thrown by the next write, as a tap refusing a frame would; null for none. */
    private RuntimeException nextWriteFailure;
    /** How many more tryWrite calls find the backend full, as a tap whose queue is full would. */
    private int fullWrites;
    private int refusedWrites;
    /** The thread of every frame written, in order. */
    private final List<String> writerThreads = new ArrayList<>();

    /** Queues a frame (vnet header included) for the device to read. */
    void inject(byte[] frameWithHeader) {
        lock.lock();
        try {
            inbound.addLast(frameWithHeader.clone());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int pending() {
        lock.lock();
        try {
            return inbound.size();
        } finally {
            lock.unlock();
        }
    }

    int framesRead() {
        return framesRead.get();
    }

    /** Calls of awaitReadable: waits for frames (awaitWakeup, which ignores frames, is not counted). */
    int awaitCalls() {
        return awaits.get();
    }

    synchronized List<byte[]> written() {
        return List.copyOf(written);
    }

    synchronized List<Offloads> offloads() {
        return List.copyOf(offloads);
    }

    boolean closed() {
        return closed;
    }

    @Override
    public int read(MemorySegment frameWithVnetHeader) {
        lock.lock();
        try {
            byte[] frame = inbound.pollFirst();
            if (frame == null) {
                return 0;
            }
            MemorySegment.copy(frame, 0, frameWithVnetHeader, ValueLayout.JAVA_BYTE, 0, frame.length);
            framesRead.incrementAndGet();
            return frame.length;
        } finally {
            lock.unlock();
        }
    }

    /** Makes the next write throw {@code failure}. */
    synchronized void failNextWrite(RuntimeException failure) {
        nextWriteFailure = failure;
    }

    /** Makes the next {@code count} tryWrite calls find the backend full (they return false, nothing written). */
    synchronized void fullFor(int count) {
        fullWrites = count;
    }

    /** How many tryWrite calls found the backend full. */
    synchronized int refusedWrites() {
        return refusedWrites;
    }

    synchronized List<String> writerThreads() {
        return List.copyOf(writerThreads);
    }

    @Override
    public synchronized boolean tryWrite(List<MemorySegment> segments) {
        if (fullWrites > 0) {
            fullWrites--;
            refusedWrites++;
            return false;
        }
        write(segments);
        return true;
    }

    @Override
    public synchronized void write(List<MemorySegment> segments) {
        RuntimeException failure = nextWriteFailure;
        nextWriteFailure = null;
        if (failure != null) {
            throw failure;
        }
        long total = segments.stream().mapToLong(MemorySegment::byteSize).sum();
        byte[] frame = new byte[(int) total];
        int at = 0;
        for (MemorySegment segment : segments) {
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, 0, frame, at, (int) segment.byteSize());
            at += (int) segment.byteSize();
        }
        written.add(frame);
        writerThreads.add(Thread.currentThread().getName());
    }

    @Override
    public synchronized void setOffloads(boolean csum, boolean tso4, boolean tso6, boolean ecn, boolean ufo) {
        offloads.add(new Offloads(csum, tso4, tso6, ecn, ufo));
    }

    @Override
    public boolean awaitReadable(Duration timeout) throws InterruptedIOException {
        awaits.incrementAndGet();
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (inbound.isEmpty() && !wakeupPending) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            if (wakeupPending) {
                wakeupPending = false;
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            throw new InterruptedIOException("interrupted waiting for a frame");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void awaitWakeup(Duration timeout) throws InterruptedIOException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!wakeupPending && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            wakeupPending = false;
        } catch (InterruptedException e) {
            throw new InterruptedIOException("interrupted waiting for a wakeup");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void wakeup() {
        lock.lock();
        try {
            wakeupPending = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
