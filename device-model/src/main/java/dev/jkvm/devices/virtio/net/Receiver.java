package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.virtio.RateLimitedLog;
import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.VirtqueueException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * The receiveq (§5.1.6.3–4), served in steps by the NIC's I/O thread ({@link NetIoThread}). It holds at least one
 * guest buffer chain before it reads the backend at all, so while the guest's ring is empty the frames stay queued
 * in the backend (the tap), in order, and the I/O thread stops watching the backend until the driver kicks the
 * queue. A frame is read into a host buffer first and only then copied into guest buffers, so a chain that turns
 * out too small costs that frame alone (counted and logged), never a chain or the order of the others; a frame
 * that needs more chains than the ring has waits in the host buffer, never half-published.
 *
 * <p>With MRG_RXBUF a frame fills as many chains as it needs, num_buffers in the first header says how many, and
 * the chains are completed in ring order, all in one used-ring publication. Without it each chain must hold the
 * header and the whole frame. Only the I/O thread calls it.
 */
final class Receiver {
    /**
     * Host buffer for one frame: the largest GSO frame a tap hands out (a 64 KiB IP packet plus Ethernet and VLAN
     * headers) and the vnet header, rounded up to a page multiple.
     */
    static final int FRAME_BUFFER_BYTES = 69_632;
    /** Most chains one frame may fill: num_buffers is a 16-bit field. */
    static final int MAX_MERGED_CHAINS = 0xFFFF;
    /**
     * Most frames one {@link #serve} step takes from the backend, and so most completed in one used-ring
     * publication (at most one interrupt); the step publishes as soon as the backend runs dry, so a lone frame is
     * never held back, and the bound lets transmit have its turn under a receive flood.
     */
    static final int RX_BATCH_FRAMES = 16;

    /** Where a {@link #serve} step stopped. */
    enum State {
        /** The step used its whole batch: more frames are probably waiting. */
        BUSY,
        /** The backend has no frame; the receiver holds buffers, so the backend is worth waiting for. */
        NEEDS_FRAMES,
        /** The ring has no (or too few) buffers; notifications are armed, so the driver kicks when it adds some. */
        NEEDS_BUFFERS,
        /** The backend failed: receive is over for this activation (the link is down). */
        STOPPED
    }

    private final NetBackend backend;
    private final DeviceQueue queue;
    private final VirtioContext context;
    private final GuestOffloads offloads;
    private final boolean mergeable;
    private final NetCounters counters;
    private final RateLimitedLog log;
    private final Runnable linkDown;
    /** The host buffer a frame is read into (native, the I/O thread's). */
    private final MemorySegment frame;

    /** Chains popped and not yet completed, in ring order. */
    private final ArrayDeque<DescriptorChain> held = new ArrayDeque<>();
    /** Chains filled and not yet published, in ring order. */
    private final ArrayList<DescriptorChain> filled = new ArrayList<>();
    /** Bytes written into each chain of {@link #filled}; grows with it. */
    private int[] filledBytes = new int[RX_BATCH_FRAMES];
    /** Length of the frame waiting in {@link #frame} for buffers; 0 when none waits. */
    private int frameLength;
    /** Notifications were re-enabled when the ring ran empty; the next step disables them again. */
    private boolean notificationsArmed;
    private boolean stopped;

    Receiver(NetBackend backend, DeviceQueue queue, VirtioContext context, long negotiated, NetCounters counters,
             RateLimitedLog log, Runnable linkDown, MemorySegment frame) {
        this.backend = backend;
        this.queue = queue;
        this.context = context;
        this.offloads = GuestOffloads.negotiated(negotiated);
        this.mergeable = VirtioNetFeature.MRG_RXBUF.in(negotiated);
        this.counters = counters;
        this.log = log;
        this.linkDown = linkDown;
        this.frame = frame;
        queue.disableNotifications();
    }

    /**
     * Moves up to {@link #RX_BATCH_FRAMES} frames from the backend into the ring and publishes them. A backend
     * failure ends receive ({@link State#STOPPED}, link down); a broken ring throws.
     *
     * @throws VirtqueueException when the driver's ring or a chain is malformed (the device needs a reset)
     * @throws GuestMemoryException when a buffer lies outside guest RAM
     */
    State serve() {
        if (stopped) {
            return State.STOPPED;
        }
        if (notificationsArmed) {
            queue.disableNotifications();
            notificationsArmed = false;
        }
        try {
            for (int frames = 0; frames < RX_BATCH_FRAMES; ) {
                if (held.isEmpty() && !takeChain()) {
                    publish();
                    return State.NEEDS_BUFFERS;
                }
                if (frameLength == 0) {
                    int length = backend.read(frame);
                    if (length == 0) {
                        publish();
                        return State.NEEDS_FRAMES;
                    }
                    frames++;
                    if (length < VirtioNetHeader.SIZE) {
                        drop(length, "shorter than its header");
                        continue;
                    }
                    frameLength = length;
                }
                if (!deliver(frameLength)) {
                    publish();
                    return State.NEEDS_BUFFERS;
                }
                frameLength = 0;
            }
            publish();
            return State.BUSY;
        } catch (VirtqueueException | GuestMemoryException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            fail(e);
            return State.STOPPED;
        }
    }

    /**
     * Ends receive after a backend failure (a read, or the I/O thread's wait on the backend): the frames already
     * copied in still go to the driver, then the link goes down.
     */
    void fail(Exception e) {
        publish();
        stopped = true;
        log.warn(() -> "receive stopped (backend read or device failure): " + e + "; link down");
        linkDown.run();
    }

    /**
     * Pops the next receive chain into {@link #held}. When the ring is empty it re-arms notifications, without
     * losing chains that raced the re-arm (§2.7.10), and returns false.
     */
    private boolean takeChain() {
        DescriptorChain chain;
        while ((chain = queue.pop()) == null) {
            if (!queue.enableNotifications()) {
                notificationsArmed = true;
                return false;
            }
            queue.disableNotifications();
        }
        if (chain.writableLength() < VirtioNetHeader.SIZE) {
            throw new VirtqueueException("chain %d has %d writable bytes, less than the %d-byte virtio_net_hdr"
                    .formatted(chain.head(), chain.writableLength(), VirtioNetHeader.SIZE));
        }
        held.addLast(chain);
        return true;
    }

    /** Hands every filled chain to the driver in one used-ring publication, which decides on one interrupt. */
    private void publish() {
        if (filled.isEmpty()) {
            return;
        }
        queue.completeAll(filled, Arrays.copyOf(filledBytes, filled.size()));
        filled.clear();
    }

    /**
     * Copies the frame into the held chains (taking more when MRG_RXBUF allows) and queues them for publication.
     * Returns false when the ring has too few buffers for it yet (the frame stays in the host buffer and the chains
     * stay held), true when the frame is delivered or dropped.
     */
    private boolean deliver(int length) {
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
        VirtioNetHeader.writeFlagsAndNumBuffers(frame, offloads.guestFlags(header), chains);
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
        // Whole frames only reach filled, never part of one: a driver must never see a first buffer (num_buffers = n)
        // alone, and publish sends all of filled.
        counters.rxFrames.increment();
        return true;
    }

    private boolean drop(int length, String why) {
        counters.rxDropped.increment();
        log.warn(() -> "receiveq: dropped a " + length + "-byte frame: " + why);
        return true;
    }
}
