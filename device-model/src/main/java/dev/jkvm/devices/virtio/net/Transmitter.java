package dev.jkvm.devices.virtio.net;

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
 * The transmitq (§5.1.6.2): each chain's readable buffers are one vnet header plus frame, handed to the backend
 * as a gather list straight from guest memory. A frame the device cannot send is dropped and still returned to the
 * driver, so one bad packet never stalls the queue. Runs on the thread that delivers kicks, one drain at a time.
 */
final class Transmitter {
    /** Most sent chains returned in one used-ring publication, so the driver gets buffers back while a drain goes on. */
    static final int TX_BATCH_CHAINS = 32;

    private final NetBackend backend;
    private final NetCounters counters;
    private final RateLimitedLog log;
    /** The header of the chain being sent, gathered out of however many buffers the driver split it over. */
    private final MemorySegment header = MemorySegment.ofArray(new byte[VirtioNetHeader.SIZE]);
    /** Chains sent (or dropped) in this drain and not yet returned, in ring order; only the draining thread. */
    private final List<DescriptorChain> sent = new ArrayList<>(TX_BATCH_CHAINS);

    Transmitter(NetBackend backend, NetCounters counters, RateLimitedLog log) {
        this.backend = backend;
        this.counters = counters;
        this.log = log;
    }

    /**
     * Sends every available chain, re-arming notifications at the end without losing a racing kick (§2.7.10).
     * Sent chains go back to the driver in batches of up to {@link #TX_BATCH_CHAINS}, one used-ring publication
     * and at most one interrupt each, instead of one per frame.
     */
    void drain(DeviceQueue queue, VirtioContext context, HostOffloads offloads) {
        try {
            queue.disableNotifications();
            do {
                DescriptorChain chain;
                while ((chain = queue.pop()) != null) {
                    send(chain, context, offloads);
                    sent.add(chain);
                    if (sent.size() == TX_BATCH_CHAINS) {
                        returnSent(queue);
                    }
                }
                returnSent(queue);
            } while (queue.enableNotifications());
        } catch (VirtqueueException e) {
            sent.clear();
            context.needsReset("transmitq: " + e.getMessage());
        }
    }

    /** Completes the chains sent so far; a transmit chain has no device-writable bytes, so each wrote 0. */
    private void returnSent(DeviceQueue queue) {
        if (!sent.isEmpty()) {
            queue.completeAll(sent, new int[sent.size()]);
            sent.clear();
        }
    }

    private void send(DescriptorChain chain, VirtioContext context, HostOffloads offloads) {
        long length = chain.readableLength();
        if (length < VirtioNetHeader.SIZE) {
            drop(chain, "%d readable bytes, shorter than the %d-byte virtio_net_hdr"
                    .formatted(length, VirtioNetHeader.SIZE));
            return;
        }
        List<MemorySegment> segments;
        try {
            segments = ChainIo.slices(context.memory(), chain.readable());
        } catch (GuestMemoryException e) {
            drop(chain, e.getMessage());
            return;
        }
        ChainIo.gather(segments, header);
        String refusal = offloads.refusal(VirtioNetHeader.read(header));
        if (refusal != null) {
            drop(chain, "header asks for " + refusal);
            return;
        }
        try {
            backend.write(segments);
            counters.txFrames.increment();
        } catch (IOException | RuntimeException e) {
            // A backend failure (the tap refused the frame, e.g. EINVAL for a bad GSO header) costs this frame only.
            drop(chain, "backend write of " + length + " bytes failed: " + e.getMessage());
        }
    }

    private void drop(DescriptorChain chain, String why) {
        counters.txDropped.increment();
        log.warn(() -> "transmitq: dropped the frame in chain " + chain.head() + ": " + why);
    }
}
