package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.virtio.RateLimitedLog;
import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.GuestBuffer;
import dev.jkvm.devices.virtio.queue.VirtqueueException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The controlq (§5.1.6.5): each chain is class, command and data (readable) then one ack byte (writable).
 * Commands are decoded by {@link ControlCommand}, applied to the receive filter and the configuration's MAC, and
 * answered VIRTIO_NET_OK or VIRTIO_NET_ERR.
 */
final class ControlHandler {
    /** ack: the command was carried out. */
    static final byte VIRTIO_NET_OK = 0;
    /** ack: the command was refused. */
    static final byte VIRTIO_NET_ERR = 1;
    /**
     * Largest command the device reads: a MAC table of a few thousand addresses. Longer ones are refused instead of
     * copying up to 4 GiB of guest-chosen length to the heap.
     */
    static final int MAX_COMMAND_BYTES = 64 * 1024;

    private final NetConfigSpace config;
    private final AtomicReference<RxFilter> filter;
    private final RateLimitedLog log;

    ControlHandler(NetConfigSpace config, AtomicReference<RxFilter> filter, RateLimitedLog log) {
        this.config = config;
        this.filter = filter;
        this.log = log;
    }

    void drain(DeviceQueue queue, VirtioContext context, long negotiated) {
        try {
            DescriptorChain chain;
            while ((chain = queue.pop()) != null) {
                if (chain.writableLength() < 1) {
                    context.needsReset("controlq: chain " + chain.head() + " has no writable ack byte");
                    return;
                }
                byte ack = execute(chain, context, negotiated);
                GuestBuffer ackBuffer = chain.writable().stream().filter(b -> b.length() != 0).findFirst().orElseThrow();
                context.memory().slice(ackBuffer.address(), 1).set(ValueLayout.JAVA_BYTE, 0, ack);
                queue.complete(chain, 1);
            }
        } catch (VirtqueueException | GuestMemoryException e) {
            context.needsReset("controlq: " + e.getMessage());
        }
    }

    private byte execute(DescriptorChain chain, VirtioContext context, long negotiated) {
        long length = chain.readableLength();
        if (length > MAX_COMMAND_BYTES) {
            log.warn(() -> "controlq: refused a " + length + "-byte command (limit " + MAX_COMMAND_BYTES + ")");
            return VIRTIO_NET_ERR;
        }
        byte[] bytes = new byte[(int) length];
        ChainIo.gather(ChainIo.slices(context.memory(), chain.readable()), MemorySegment.ofArray(bytes));
        return switch (ControlCommand.decode(bytes, negotiated)) {
            case ControlCommand.SetRxMode(int command, boolean on) -> {
                filter.updateAndGet(f -> command == ControlCommand.RX_PROMISC
                        ? f.withPromiscuous(on) : f.withAllMulticast(on));
                yield VIRTIO_NET_OK;
            }
            case ControlCommand.SetMacTable(var unicast, var multicast) -> {
                filter.updateAndGet(f -> f.withTable(unicast, multicast));
                yield VIRTIO_NET_OK;
            }
            case ControlCommand.SetMacAddress(EthernetAddress address) -> {
                config.setMac(address);
                yield VIRTIO_NET_OK;
            }
            case ControlCommand.Rejected rejected -> {
                log.warn(() -> "controlq: class %d command %d refused: %s"
                        .formatted(rejected.commandClass(), rejected.command(), rejected.why()));
                yield VIRTIO_NET_ERR;
            }
        };
    }
}
