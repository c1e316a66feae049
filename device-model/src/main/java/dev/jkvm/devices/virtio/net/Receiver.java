package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.VirtqueueException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receiveq (§5.1.6.3–4) on its own platform thread, for one activation. The thread holds at least one
 * guest buffer chain before it reads the backend at all, so while the guest's ring is empty the frames stay queued
 * in the backend (the tap), in order, and the thread sleeps until the driver kicks the queue. A frame is read into
 * a host buffer first and only then copied into guest buffers, so a chain that turns out too small costs that
 * frame alone (counted and logged), never a chain or the order of the others.
 *
 * <p>With MRG_RXBUF a frame fills as many chains as it needs, num_buffers in the first header says how many, and
 * the chains are completed in ring order, all in one used-ring publication. Without it each chain must hold the
 * header and the whole frame.
 */
final class Receiver {
    /**
     * Host buffer for one frame: the largest GSO frame a tap hands out (a 64 KiB IP packet plus Ethernet and VLAN
     * headers) and the vnet header, rounded up to a page multiple.
     */
    static final int FRAME_BUFFER_BYTES = 69_632;
    /** Most chains one frame may fill: num_buffers is a 16-bit field. */
    static final int MAX_MERGED_CHAINS = 0xFFFF;
    /** Longest a wait for the backend lasts before the loop looks at its stop flag again (wakeup() is the fast path). */
    static final Duration READ_WAIT = Duration.ofSeconds(5);
    /** Longest {@link #stop} waits for the thread. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Most frames completed in one used-ring publication (and so at most one interrupt): frames already waiting in
     * the backend are batched up to this many, and a batch is published as soon as the backend runs dry, so a lone
     * frame is never held back.
     */
    static final int RX_BATCH_FRAMES = 16;

    private final NetBackend backend;
    private final DeviceQueue queue;
    private final VirtioContext context;
    private final GuestOffloads offloads;
    private final boolean mergeable;
    private final NetCounters counters;
    private final RateLimitedLog log;
    private final Runnable linkDown;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition kickedCondition = lock.newCondition();
    /** The driver kicked the queue since the thread last looked; guarded by {@link #lock}. */
    private boolean kicked;
    private volatile boolean running = true;

    /** Chains popped and not yet completed, in ring order; receive thread only. */
    private final ArrayDeque<DescriptorChain> held = new ArrayDeque<>();
    /** Chains filled and not yet published, in ring order; receive thread only. */
    private final ArrayList<DescriptorChain> filled = new ArrayList<>();
    /** Bytes written into each chain of {@link #filled}; grows with it. */
    private int[] filledBytes = new int[RX_BATCH_FRAMES];
    /** Whole frames in {@link #filled}. */
    private int filledFrames;

    Receiver(String threadName, NetBackend backend, DeviceQueue queue, VirtioContext context, long negotiated,
             NetCounters counters, RateLimitedLog log, Runnable linkDown) {
        this.backend = backend;
        this.queue = queue;
        this.context = context;
        this.offloads = GuestOffloads.negotiated(negotiated);
        this.mergeable = VirtioNetFeature.MRG_RXBUF.in(negotiated);
        this.counters = counters;
        this.log = log;
        this.linkDown = linkDown;
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** The driver made receive buffers available. */
    void kick() {
        lock.lock();
        try {
            kicked = true;
            kickedCondition.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the thread and waits for it, so that on return it touches no guest memory. Called on the thread
     * itself (a needsReset that resets the device at once), it only asks it to stop.
     */
    void stop() {
        running = false;
        kick();
        backend.wakeup();
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            if (!thread.join(STOP_TIMEOUT)) {
                log.warn(() -> "receive thread " + thread.getName() + " did not stop within " + STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(FRAME_BUFFER_BYTES, Long.BYTES);
            queue.disableNotifications();
            int frameLength = 0;
            while (running) {
                if (held.isEmpty()) {
                    takeChain();
                } else if (frameLength == 0) {
                    frameLength = readFrame(frame);
                } else if (deliver(frame, frameLength)) {
                    frameLength = 0;
                }
            }
        } catch (VirtqueueException | GuestMemoryException e) {
            if (running) {
                context.needsReset("receiveq: " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                if (e instanceof IOException) {
                    // The frames already copied in are good: the driver gets them before the link goes down.
                    publish();
                }
                log.warn(() -> "receive stopped (backend read or device failure): " + e + "; link down");
                linkDown.run();
            }
        }
    }

    /**
     * Pops the next receive chain into {@link #held}, sleeping for a kick while the ring is empty. Returns false
     * when the receiver is stopping.
     */
    private boolean takeChain() {
        while (running) {
            DescriptorChain chain = queue.pop();
            if (chain != null) {
                if (chain.writableLength() < VirtioNetHeader.SIZE) {
                    throw new VirtqueueException("chain %d has %d writable bytes, less than the %d-byte virtio_net_hdr"
                            .formatted(chain.head(), chain.writableLength(), VirtioNetHeader.SIZE));
                }
                held.addLast(chain);
                return true;
            }
            if (queue.enableNotifications()) {
                queue.disableNotifications();
                continue;
            }
            publish();
            awaitKick();
            queue.disableNotifications();
        }
        return false;
    }

    private void awaitKick() {
        lock.lock();
        try {
            while (running && !kicked) {
                kickedCondition.awaitUninterruptibly();
            }
            kicked = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads the next frame into {@code frame}; 0 when none came (timeout, wakeup) or it was dropped. The read is
     * tried first and the backend waited for only when it has nothing: under load that saves a poll per frame,
     * and what was delivered so far is published before any wait, so the guest never waits on a batch.
     */
    private int readFrame(MemorySegment frame) throws IOException {
        int length = backend.read(frame);
        if (length == 0) {
            publish();
            if (!backend.awaitReadable(READ_WAIT) || !running) {
                return 0;
            }
            length = backend.read(frame);
        }
        int read = length;
        if (read > 0 && read < VirtioNetHeader.SIZE) {
            counters.rxDropped.increment();
            log.warn(() -> "receiveq: dropped a " + read + "-byte frame from the backend, shorter than its header");
            return 0;
        }
        return read;
    }

    /** Hands every filled chain to the driver in one used-ring publication, which decides on one interrupt. */
    private void publish() {
        if (filled.isEmpty()) {
            return;
        }
        queue.completeAll(filled, Arrays.copyOf(filledBytes, filled.size()));
        filled.clear();
        filledFrames = 0;
    }

    /**
     * Copies the frame into the held chains (taking more when MRG_RXBUF allows) and completes them. Returns false
     * when the receiver stopped while waiting for buffers, true when the frame is delivered or dropped.
     */
    private boolean deliver(MemorySegment frame, int length) {
        VirtioNetHeader header = VirtioNetHeader.read(frame);
        String refusal = offloads.refusal(header);
        if (refusal != null) {
            return drop(length, "the backend's header carries " + refusal);
        }
        int chains;
        if (mergeable) {
            chains = 0;
            long capacity = 0;
            for (DescriptorChain chain : held) {
                if (capacity >= length) {
                    break;
                }
                capacity += chain.writableLength();
                chains++;
            }
            while (capacity < length) {
                if (chains == MAX_MERGED_CHAINS) {
                    return drop(length, "it needs more than " + MAX_MERGED_CHAINS + " buffers");
                }
                if (!takeChain()) {
                    return false;
                }
                capacity += held.peekLast().writableLength();
                chains++;
            }
        } else {
            if (held.peekFirst().writableLength() < length) {
                return drop(length, "the chain holds " + held.peekFirst().writableLength()
                        + " bytes and MRG_RXBUF is off");
            }
            chains = 1;
        }
        offloads.forGuest(header).withNumBuffers(chains).write(frame);
        if (filled.size() + chains > filledBytes.length) {
            filledBytes = Arrays.copyOf(filledBytes, Math.max(filledBytes.length * 2, filled.size() + chains));
        }
        long offset = 0;
        for (int i = 0; i < chains; i++) {
            DescriptorChain chain = held.removeFirst();
            long n = Math.min(chain.writableLength(), length - offset);
            ChainIo.scatter(context.memory(), chain.writable(), frame, offset, n);
            filledBytes[filled.size()] = (int) n;
            filled.add(chain);
            offset += n;
        }
        counters.rxFrames.increment();
        // Whole frames only, never part of one: a driver must never see a first buffer (num_buffers = n) alone.
        if (++filledFrames == RX_BATCH_FRAMES) {
            publish();
        }
        return true;
    }

    private boolean drop(int length, String why) {
        counters.rxDropped.increment();
        log.warn(() -> "receiveq: dropped a " + length + "-byte frame: " + why);
        return true;
    }
}
