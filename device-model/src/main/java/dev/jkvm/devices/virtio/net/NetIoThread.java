package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.virtio.RateLimitedLog;
import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.VirtqueueException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One activation's I/O thread "{@code <id>-io}", serving the receiveq and the transmitq together, as QEMU's main
 * loop or a vhost-net worker does: on a host with few CPUs every extra hot thread costs a wake-up and a context
 * switch per packet.
 *
 * <p>The loop takes a batch of frames from the backend while the receive ring has buffers, then a batch of
 * transmit chains, and repeats while either had more. Transmit notifications stay off while it runs, so a busy
 * device is never kicked. Only when both sides are out of work does it re-arm them (looping again when chains
 * raced the re-arm, §2.7.10) and sleep in the backend: until a frame or a {@link NetBackend#wakeup} when it holds
 * receive buffers, until a wakeup alone otherwise, since frames it cannot take must not wake it. {@link #kick}
 * reaches it there, and costs no system call while it is awake; with a backend that has a wakeup eventfd the
 * guest's kicks may signal it directly ({@link VirtioNet#queueSignalFd}), which the loop treats the same way.
 */
final class NetIoThread {
    /** Longest one sleep lasts before the loop looks at the rings and its stop flag again (kicks are the fast path). */
    static final Duration IDLE_WAIT = Duration.ofSeconds(5);
    /** How soon a frame the backend had no room for is offered again, when nothing else wakes the thread first. */
    static final Duration BACKEND_FULL_RETRY = Duration.ofMillis(1);
    /** Longest {@link #stop} waits for the thread. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final NetBackend backend;
    private final DeviceQueue receiveQueue;
    private final DeviceQueue transmitQueue;
    private final VirtioContext context;
    private final long negotiated;
    private final NetCounters counters;
    private final RateLimitedLog log;
    private final Runnable linkDown;
    private final Thread thread;

    private volatile boolean running = true;
    /** A kick came since the thread last looked at the rings. */
    private final AtomicBoolean kicked = new AtomicBoolean();
    /**
     * The thread is in (or about to enter) the backend's wait: written before it checks {@link #kicked}, read by
     * kickers after they set it, so no wake-up is lost.
     */
    private volatile boolean sleeping;
    /** Set when the backend failed and receive ended; transmit goes on. */
    private volatile boolean receiveStopped;

    /**
     * @param receiveQueue the receiveq, or null when the driver left it disabled
     * @param transmitQueue the transmitq, or null when the driver left it disabled
     * @param linkDown run (on this thread) when the backend fails on receive
     */
    NetIoThread(String name, NetBackend backend, DeviceQueue receiveQueue, DeviceQueue transmitQueue,
                VirtioContext context, long negotiated, NetCounters counters, RateLimitedLog log, Runnable linkDown) {
        this.backend = backend;
        this.receiveQueue = receiveQueue;
        this.transmitQueue = transmitQueue;
        this.context = context;
        this.negotiated = negotiated;
        this.counters = counters;
        this.log = log;
        this.linkDown = linkDown;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** The driver made buffers available on either queue. */
    void kick() {
        kicked.set(true);
        // Awake, the thread reads kicked before it sleeps, and looks at the rings again after.
        if (sleeping) {
            backend.wakeup();
        }
    }

    /**
     * Stops the thread and waits for it, so that on return it touches no guest memory. Called on the thread
     * itself (a needsReset that resets the device at once), it only asks it to stop.
     */
    void stop() {
        running = false;
        kicked.set(true);
        backend.wakeup();
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            if (!thread.join(STOP_TIMEOUT)) {
                log.warn(() -> "I/O thread " + thread.getName() + " did not stop within " + STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /** Whether frames still flow to the guest: the thread runs, serves a receiveq, and its backend has not failed. */
    boolean receiving() {
        return receiveQueue != null && !receiveStopped && thread.isAlive();
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            Receiver receiver = receiveQueue == null ? null : new Receiver(backend, receiveQueue, context, negotiated,
                    counters, log, linkDown, arena.allocate(Receiver.FRAME_BUFFER_BYTES, Long.BYTES));
            Transmitter transmitter = transmitQueue == null ? null : new Transmitter(backend, transmitQueue, context,
                    HostOffloads.negotiated(negotiated), counters, log);
            if (transmitQueue != null) {
                transmitQueue.disableNotifications();
            }
            while (running) {
                step(receiver, transmitter);
            }
        } catch (RingFailure e) {
            if (running) {
                context.needsReset(e.getMessage());
            }
        } catch (RuntimeException e) {
            if (running) {
                log.warn(() -> "I/O thread failed: " + e);
                context.needsReset("virtio-net I/O: " + e);
            }
        }
    }

    /**
     * One turn of the loop: a batch each way, then a sleep when both sides are out of work. A method of its own so
     * the JIT compiles it from its invocation count; the loop in {@link #run} is entered once and would otherwise
     * wait for on-stack replacement.
     */
    private void step(Receiver receiver, Transmitter transmitter) {
        Receiver.State rx = receiver == null ? Receiver.State.STOPPED : serve(receiver);
        Transmitter.State tx = transmitter == null ? Transmitter.State.IDLE : serve(transmitter);
        if (!running || rx == Receiver.State.BUSY || tx == Transmitter.State.BUSY) {
            return;
        }
        boolean rearmed = tx == Transmitter.State.IDLE && transmitQueue != null;
        if (rearmed && transmitQueue.enableNotifications()) {
            transmitQueue.disableNotifications();
            return;
        }
        sleep(receiver, rx == Receiver.State.NEEDS_FRAMES,
                tx == Transmitter.State.BACKEND_FULL ? BACKEND_FULL_RETRY : IDLE_WAIT);
        if (rearmed) {
            transmitQueue.disableNotifications();
        }
    }

    private Receiver.State serve(Receiver receiver) {
        try {
            Receiver.State state = receiver.serve();
            if (state == Receiver.State.STOPPED) {
                receiveStopped = true;
            }
            return state;
        } catch (VirtqueueException | GuestMemoryException e) {
            throw new RingFailure("receiveq: " + e.getMessage(), e);
        }
    }

    private Transmitter.State serve(Transmitter transmitter) {
        try {
            return transmitter.serve();
        } catch (VirtqueueException e) {
            throw new RingFailure("transmitq: " + e.getMessage(), e);
        }
    }

    /**
     * Sleeps until a kick, a frame (when {@code watchFrames}), a stop or {@code timeout}. A kick that came since
     * the thread last cleared {@link #kicked} skips the sleep; one that comes after is delivered to the backend's
     * wait (or stays pending there, as the eventfd's counter).
     */
    private void sleep(Receiver receiver, boolean watchFrames, Duration timeout) {
        sleeping = true;
        try {
            if (!kicked.get() && running) {
                if (watchFrames) {
                    backend.awaitReadable(timeout);
                } else {
                    backend.awaitWakeup(timeout);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running && receiver != null && !receiveStopped) {
                receiver.fail(e);
                receiveStopped = true;
            } else if (running) {
                // Nothing left to give up but the wait itself, which would fail again at once: end the thread.
                throw new IllegalStateException("waiting on the backend failed: " + e, e);
            }
        } finally {
            sleeping = false;
        }
        // getAndSet, not set: reading the kicker's write orders its ring updates before the next look at the rings.
        kicked.getAndSet(false);
    }

    /** A malformed ring or a buffer outside guest RAM: the device needs a reset; the message names the queue. */
    private static final class RingFailure extends RuntimeException {
        RingFailure(String message, RuntimeException cause) {
            super(message, cause);
        }
    }
}
