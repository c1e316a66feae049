package dev.jkvm.devices.virtio.blk;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Counts requests handed to I/O threads, so a reset can stop new ones and wait for the rest. */
final class InFlight {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int count;
    private boolean closed;

    /** Registers a request; false once {@link #closeAndAwait} has begun. */
    boolean tryBegin() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            count++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void end() {
        lock.lock();
        try {
            if (--count == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new requests and waits for those begun to end; an interrupt is kept for the caller to see. */
    void closeAndAwait() {
        lock.lock();
        try {
            closed = true;
            while (count > 0) {
                idle.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }
}
