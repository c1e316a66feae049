package dev.jkvm.devices.virtio.pci;

import dev.jkvm.devices.virtio.RateLimitedLog;
import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.VirtioDevice;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.SplitQueueConfig;
import dev.jkvm.devices.virtio.queue.SplitVirtqueue;
import dev.jkvm.devices.virtio.queue.VirtqueueException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The device side of the §2.1 status machine: device_status, activation on DRIVER_OK, DEVICE_NEEDS_RESET, reset,
 * and whether a kick reaches the device. Each activation is a {@link Session}, the {@link VirtioContext} the
 * device holds; a session outlived by a reset can no longer change anything.
 *
 * <p>Threads: status writes, activation and reset come from vCPU threads (serialised by the common config's
 * lock); {@code needsReset} and {@code configChanged} from the device's I/O threads; kicks from the notify
 * thread. A small monitor guards the status and the current session and is never held while calling the device.
 */
final class DeviceLifecycle {
    private final VirtioDevice device;
    private final GuestRam memory;
    private final VirtioInterrupts interrupts;
    private final RateLimitedLog log;
    private final Object state = new Object();
    private final AtomicInteger generation = new AtomicInteger();
    private int status;
    /** The activation the device is serving, or null before DRIVER_OK and after reset. */
    private Session current;
    /**
     * Queues notified while the driver was still initialising: held, not consumed (§3.1.1), and delivered once
     * DRIVER_OK has activated the device. A notify that an ioeventfd carries can reach us after the status write
     * that followed it, so a kick cannot be blamed on the driver by when it arrives.
     */
    private final BitSet heldKicks = new BitSet();
    /** Serialises the device's queueNotified calls: the notify thread's and the replay after activation. */
    private final Object kickLock = new Object();

    DeviceLifecycle(VirtioDevice device, GuestRam memory, VirtioInterrupts interrupts, RateLimitedLog log) {
        this.device = device;
        this.memory = memory;
        this.interrupts = interrupts;
        this.log = log;
    }

    int status() {
        synchronized (state) {
            return status;
        }
    }

    /** Stores the driver's status bits; DEVICE_NEEDS_RESET is the device's and stays until reset. */
    void setDriverStatus(int requested) {
        synchronized (state) {
            status = (requested & ~DeviceStatus.DEVICE_NEEDS_RESET) | (status & DeviceStatus.DEVICE_NEEDS_RESET);
        }
    }

    /** config_generation: changes whenever the device configuration may have. */
    int generation() {
        return generation.get();
    }

    /**
     * DRIVER_OK: builds a split virtqueue for each configured queue (null for the disabled ones) and hands them to
     * the device. A queue the driver set up badly fails the device instead.
     */
    void activate(long features, List<SplitQueueConfig> queueConfigs) {
        List<DeviceQueue> queues = new ArrayList<>(queueConfigs.size());
        try {
            for (SplitQueueConfig config : queueConfigs) {
                queues.add(config == null ? null
                        : new SplitVirtqueue(config, memory, () -> interrupts.queue(config.index())));
            }
        } catch (VirtqueueException e) {
            fail(null, "DRIVER_OK refused: " + e.getMessage());
            return;
        }
        Session session = new Session();
        synchronized (state) {
            if ((status & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
                return;
            }
            current = session;
        }
        device.activate(features, Collections.unmodifiableList(queues), session);
        BitSet held;
        synchronized (state) {
            session.live = current == session && (status & DeviceStatus.DEVICE_NEEDS_RESET) == 0;
            held = session.live ? (BitSet) heldKicks.clone() : new BitSet();
            heldKicks.clear();
        }
        held.stream().filter(q -> q < queues.size() && queues.get(q) != null).forEach(this::deliver);
    }

    /** The driver's DRIVER_OK without FEATURES_OK, or another error found on a vCPU thread. */
    void protocolError(String why) {
        fail(null, why);
    }

    /**
     * Device reset (device_status = 0): the session ends, the device stops and forgets its queues, and status
     * and interrupts return to their reset values. Returns once the device has stopped touching guest memory.
     */
    void reset() {
        Session ended;
        synchronized (state) {
            ended = current;
            current = null;
            status = 0;
            heldKicks.clear();
            if (ended != null) {
                ended.live = false;
            }
        }
        if (ended != null) {
            device.reset();
        }
        interrupts.reset();
    }

    /**
     * The driver notified {@code queue}: the device hears it while live; during initialisation it is held until
     * DRIVER_OK; after a reset or DEVICE_NEEDS_RESET it is dropped.
     */
    void kick(int queue) {
        boolean live;
        boolean held = false;
        int seen;
        synchronized (state) {
            live = current != null && current.live;
            seen = status;
            if (!live && status != 0 && (status & DeviceStatus.DEVICE_NEEDS_RESET) == 0) {
                heldKicks.set(queue);
                held = true;
            }
        }
        if (live) {
            deliver(queue);
        } else if (held) {
            log.warn("notification on queue %d before DRIVER_OK held until DRIVER_OK (status 0x%02x)"
                    .formatted(queue, seen));
        } else {
            log.warn("notification on queue %d ignored: device not live (status 0x%02x)".formatted(queue, seen));
        }
    }

    private void deliver(int queue) {
        synchronized (kickLock) {
            device.queueNotified(queue);
        }
    }

    /** Sets DEVICE_NEEDS_RESET for {@code session} (null: the vCPU-side checks) unless a reset already ended it. */
    private void fail(Session session, String why) {
        synchronized (state) {
            if (session != null && session != current) {
                return;
            }
            status |= DeviceStatus.DEVICE_NEEDS_RESET;
            if (current != null) {
                current.live = false;
            }
        }
        log.warn("DEVICE_NEEDS_RESET: " + why);
        interrupts.configChange();
    }

    /** One activation: the context a device gets with its queues. */
    private final class Session implements VirtioContext {
        /** Kicks reach the device; guarded by the lifecycle's monitor. */
        private boolean live;

        @Override
        public GuestRam memory() {
            return memory;
        }

        @Override
        public void needsReset(String why) {
            fail(this, why);
        }

        @Override
        public void configChanged() {
            generation.incrementAndGet();
            interrupts.configChange();
        }
    }
}
