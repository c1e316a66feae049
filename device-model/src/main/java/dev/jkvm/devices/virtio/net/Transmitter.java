package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.virtio.RateLimitedLog;
import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.VirtqueueException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The transmitq (§5.1.6.2), served in steps by the NIC's I/O thread ({@link NetIoThread}): each chain's readable
 * buffers are one vnet header plus frame, handed to the backend as a gather list straight from guest memory. A frame
 * the device cannot send is dropped and still returned to the driver, so one bad packet never stalls the queue; a
 * frame the backend has no room for yet waits (the chain held) and goes first in the next step, so none is lost.
 */
final class Transmitter {
    /**
     * Most chains one {@link #serve} step sends, all returned in one used-ring publication (at most one interrupt):
     * the driver gets buffers back while a long drain goes on, and receive gets its turn.
     */
    static final int TX_BATCH_CHAINS = 32;

    /** Where a {@link #serve} step stopped. */
    enum State {
        /** The step used its whole batch: more chains are probably waiting. */
        BUSY,
        /** The ring is empty. */
        IDLE,
        /** The backend had no room for a frame; its chain waits for the next step. */
        BACKEND_FULL
    }

    private final NetBackend backend;
    private final DeviceQueue queue;
    private final VirtioContext context;
    private final HostOffloads offloads;
    private final NetCounters counters;
    private final RateLimitedLog log;
    /** The header of the chain being sent, gathered out of however many buffers the driver split it over. */
    private final MemorySegment header = MemorySegment.ofArray(new byte[VirtioNetHeader.SIZE]);
    /** The host views of the chain being sent, refilled for every frame. */
    private final List<MemorySegment> segments = new ArrayList<>();
    /** Chains sent (or dropped) in this step and not yet returned, in ring order. */
    private final List<DescriptorChain> sent = new ArrayList<>(TX_BATCH_CHAINS);
    /** The chain the backend had no room for; sent before any other. */
    private DescriptorChain waiting;

    Transmitter(NetBackend backend, DeviceQueue queue, VirtioContext context, HostOffloads offloads,
                NetCounters counters, RateLimitedLog log) {
        this.backend = backend;
        this.queue = queue;
        this.context = context;
        this.offloads = offloads;
        this.counters = counters;
        this.log = log;
    }

    /**
     * Sends up to {@link #TX_BATCH_CHAINS} available chains in ring order and returns them to the driver in one
     * publication. Notifications are the caller's business (the I/O thread keeps them off while it is busy).
     *
     * @throws VirtqueueException when the driver's ring or a chain is malformed (the device needs a reset)
     */
    State serve() {
        try {
            while (sent.size() < TX_BATCH_CHAINS) {
                DescriptorChain chain = waiting != null ? waiting : queue.pop();
                if (chain == null) {
                    return State.IDLE;
                }
                waiting = null;
                if (!send(chain)) {
                    waiting = chain;
                    return State.BACKEND_FULL;
                }
                sent.add(chain);
            }
            return State.BUSY;
        } finally {
            returnSent();
        }
    }

    /** Completes the chains sent so far; a transmit chain has no device-writable bytes, so each wrote 0. */
    private void returnSent() {
        if (!sent.isEmpty()) {
            queue.completeAll(sent, new int[sent.size()]);
            sent.clear();
        }
    }

    /** Sends the chain's frame, or drops it; false when the backend had no room and nothing was sent. */
    private boolean send(DescriptorChain chain) {
        long length = chain.readableLength();
        if (length < VirtioNetHeader.SIZE) {
            return drop(chain, "%d readable bytes, shorter than the %d-byte virtio_net_hdr"
                    .formatted(length, VirtioNetHeader.SIZE));
        }
        try {
            ChainIo.slices(context.memory(), chain.readable(), segments);
        } catch (GuestMemoryException e) {
            return drop(chain, e.getMessage());
        }
        ChainIo.gather(segments, header);
        String refusal = offloads.refusal(VirtioNetHeader.read(header));
        if (refusal != null) {
            return drop(chain, "header asks for " + refusal);
        }
        try {
            if (!backend.tryWrite(segments)) {
                return false;
            }
            counters.txFrames.increment();
            return true;
        } catch (IOException | RuntimeException e) {
            // A backend failure (the tap refused the frame, e.g. EINVAL for a bad GSO header) costs this frame only.
            return drop(chain, "backend write of " + length + " bytes failed: " + e.getMessage());
        }
    }

    /** Counts and logs a frame that is not sent; its chain is still returned. True: the chain is done with. */
    private boolean drop(DescriptorChain chain, String why) {
        counters.txDropped.increment();
        log.warn(() -> "transmitq: dropped the frame in chain " + chain.head() + ": " + why);
        return true;
    }
}
