package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.virtio.RateLimitedLog;
import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.VirtioDevice;
import dev.jkvm.devices.virtio.queue.DeviceQueue;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * virtio-net (virtio 1.2 §5.1) over a {@link NetBackend}: one receiveq/transmitq pair and a control queue; MAC,
 * link status, MTU, mergeable receive buffers, checksum and segmentation offloads both ways (carried through the
 * vnet header, which the backend shares with the guest), receive mode and MAC filter commands.
 *
 * <p>Threads: receive and transmit both run on one platform thread "{@code <id>-io}" from activate to reset
 * ({@link NetIoThread}); a kick on either queue only wakes it, and with a backend that has a wakeup eventfd the
 * guest's kick signals that eventfd directly ({@link #queueSignalFd}). The control queue runs on the caller of
 * {@link #queueNotified} (the transport's notify thread), one command drain at a time.
 */
public final class VirtioNet implements VirtioDevice, AutoCloseable {
    /** Virtio device ID of a network card. */
    public static final int DEVICE_TYPE = 1;
    /** Index of receiveq1. */
    public static final int RECEIVEQ = 0;
    /** Index of transmitq1. */
    public static final int TRANSMITQ = 1;
    /** Index of the control queue (present with VIRTIO_NET_F_CTRL_VQ). */
    public static final int CONTROLQ = 2;
    /** Queues of a single-pair device with a control queue. */
    public static final int QUEUE_COUNT = 3;
    /** Largest receiveq/transmitq size (QEMU's default ring size). */
    public static final int DATA_QUEUE_SIZE = 256;
    /** Largest control queue size (commands are rare and handled at once). */
    public static final int CONTROL_QUEUE_SIZE = 64;
    /** Smallest MTU a driver accepts in the configuration (§5.1.4.1: at least 68). */
    public static final int MIN_MTU = 68;
    /** Largest MTU the 16-bit configuration field holds. */
    public static final int MAX_MTU = 0xFFFF;
    /** The device-type feature bits offered. */
    public static final long OFFERED_FEATURES = VirtioNetFeature.maskOf(
            VirtioNetFeature.CSUM, VirtioNetFeature.GUEST_CSUM, VirtioNetFeature.MTU, VirtioNetFeature.MAC,
            VirtioNetFeature.GUEST_TSO4, VirtioNetFeature.GUEST_TSO6, VirtioNetFeature.GUEST_ECN,
            VirtioNetFeature.GUEST_UFO, VirtioNetFeature.HOST_TSO4, VirtioNetFeature.HOST_TSO6,
            VirtioNetFeature.HOST_ECN, VirtioNetFeature.HOST_UFO, VirtioNetFeature.MRG_RXBUF, VirtioNetFeature.STATUS,
            VirtioNetFeature.CTRL_VQ, VirtioNetFeature.CTRL_RX, VirtioNetFeature.CTRL_MAC_ADDR);
    /** Name of the logger for dropped frames, refused commands and backend failures. */
    public static final String LOGGER_NAME = VirtioNet.class.getPackageName();
    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);

    private final String id;
    private final NetBackend backend;
    private final EthernetAddress initialMac;
    private final NetConfigSpace config;
    private final AtomicReference<RxFilter> filter = new AtomicReference<>(RxFilter.initial());
    private final NetCounters counters = new NetCounters();
    private final RateLimitedLog log;
    private final ControlHandler control;
    /** Serialises control, activate and reset: reset waits for a control drain in progress. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Active active;

    /** What one activation serves; null fields are queues the driver left disabled. */
    private record Active(long negotiated, DeviceQueue controlQueue, NetIoThread io, VirtioContext context) {
    }

    public VirtioNet(String id, NetBackend backend, byte[] mac, int mtu) {
        this.id = Objects.requireNonNull(id, "id");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.initialMac = EthernetAddress.of(mac);
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException(id + ": MTU " + mtu + " is outside " + MIN_MTU + ".." + MAX_MTU);
        }
        this.config = new NetConfigSpace(initialMac, mtu);
        this.log = RateLimitedLog.warnings(LOG, id);
        this.control = new ControlHandler(config, filter, log);
    }

    public String id() {
        return id;
    }

    /** The MAC address in the configuration now (the driver may have changed it with MAC_ADDR_SET). */
    public EthernetAddress mac() {
        return config.mac();
    }

    /** The receive filter the driver last asked for. */
    public RxFilter rxFilter() {
        return filter.get();
    }

    public NetStats stats() {
        return counters.snapshot();
    }

    public boolean linkUp() {
        return config.linkUp();
    }

    /** Sets VIRTIO_NET_S_LINK_UP and tells a live driver through a configuration-change interrupt. */
    public void setLinkUp(boolean up) {
        if (config.linkUp() == up) {
            return;
        }
        config.setLinkUp(up);
        Active current = active;
        if (current != null) {
            current.context().configChanged();
        }
    }

    /** Whether frames reach the guest: the I/O thread runs (from activate to reset) and the backend has not failed. */
    public boolean receiving() {
        Active current = active;
        return current != null && current.io() != null && current.io().receiving();
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long offeredFeatures() {
        return OFFERED_FEATURES;
    }

    @Override
    public int queueCount() {
        return QUEUE_COUNT;
    }

    @Override
    public int maxQueueSize(int queue) {
        return switch (queue) {
            case RECEIVEQ, TRANSMITQ -> DATA_QUEUE_SIZE;
            case CONTROLQ -> CONTROL_QUEUE_SIZE;
            default -> throw new IllegalArgumentException(id + ": no queue " + queue + " (of " + QUEUE_COUNT + ")");
        };
    }

    @Override
    public int configSize() {
        return NetConfigSpace.SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        if (offset < 0 || size <= 0 || size > Long.BYTES || offset > NetConfigSpace.SIZE - size) {
            throw new IllegalArgumentException(
                    id + ": config read of " + size + " bytes at " + offset + " outside " + NetConfigSpace.SIZE);
        }
        return config.read(offset, size);
    }

    /** virtio 1.x drivers never write the network configuration (only legacy ones wrote mac): ignored. */
    @Override
    public void writeConfig(int offset, int size, long value) {
        log.warn(() -> "ignored a %d-byte configuration write at %d".formatted(size, offset));
    }

    @Override
    public void activate(long negotiated, List<DeviceQueue> queues, VirtioContext context) {
        lock.lock();
        try {
            stopActive();
            GuestOffloads guestOffloads = GuestOffloads.negotiated(negotiated);
            try {
                backend.setOffloads(guestOffloads.csum(), guestOffloads.tso4(), guestOffloads.tso6(),
                        guestOffloads.ecn(), guestOffloads.ufo());
            } catch (IOException | RuntimeException e) {
                log.warn(() -> "backend refused offloads " + guestOffloads + ": " + e.getMessage()
                        + "; frames needing them are dropped");
            }
            DeviceQueue receiveQueue = queue(queues, RECEIVEQ);
            DeviceQueue transmitQueue = queue(queues, TRANSMITQ);
            NetIoThread io = receiveQueue == null && transmitQueue == null ? null : new NetIoThread(id + "-io",
                    backend, receiveQueue, transmitQueue, context, negotiated, counters, log, () -> setLinkUp(false));
            active = new Active(negotiated, queue(queues, CONTROLQ), io, context);
            if (io != null) {
                io.start();
            }
        } finally {
            lock.unlock();
        }
    }

    private static DeviceQueue queue(List<DeviceQueue> queues, int index) {
        return index < queues.size() ? queues.get(index) : null;
    }

    @Override
    public void queueNotified(int queue) {
        Active current = active;
        if (current == null) {
            return;
        }
        switch (queue) {
            case RECEIVEQ, TRANSMITQ -> {
                if (current.io() != null) {
                    current.io().kick();
                }
            }
            case CONTROLQ -> drainControl();
            default -> log.warn(() -> "kick for queue " + queue + ", which does not exist");
        }
    }

    /**
     * The backend's wakeup eventfd for the receiveq and the transmitq, when it has one: the I/O thread sleeps on it,
     * and treats every wakeup as a kick on both queues (it looks at both rings each time it wakes). The control
     * queue is served on the transport's thread, so it has none.
     */
    @Override
    public OptionalInt queueSignalFd(int queue) {
        return queue == RECEIVEQ || queue == TRANSMITQ ? backend.wakeupFd() : OptionalInt.empty();
    }

    private void drainControl() {
        lock.lock();
        try {
            Active current = active;
            if (current != null && current.controlQueue() != null) {
                control.drain(current.controlQueue(), current.context(), current.negotiated());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the I/O thread, waits for a control drain in progress, and forgets the queues. */
    @Override
    public void reset() {
        lock.lock();
        try {
            stopActive();
            filter.set(RxFilter.initial());
            config.setMac(initialMac);
        } finally {
            lock.unlock();
        }
    }

    private void stopActive() {
        Active current = active;
        active = null;
        if (current != null && current.io() != null) {
            current.io().stop();
        }
    }

    /** Resets the device and closes the backend. */
    @Override
    public void close() throws IOException {
        reset();
        backend.close();
    }
}
