package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.GuestBuffer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A virtqueue as the device sees it, driven by the test as the driver: chains offered in order, completions
 * recorded in order, and notification suppression honoured the way a driver honours it (see {@link #kickIfWanted}).
 */
final class FakeDeviceQueue implements DeviceQueue {
    /** One used-ring entry. */
    record Completion(DescriptorChain chain, int bytesWritten) {
    }

    private final int index;
    private final ArrayDeque<DescriptorChain> available = new ArrayDeque<>();
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private final AtomicInteger pops = new AtomicInteger();
    private boolean notify = true;

    FakeDeviceQueue(int index) {
        this.index = index;
    }

    /** The driver makes a chain available. */
    synchronized void offer(DescriptorChain chain) {
        available.addLast(chain);
    }

    /** A chain of one device-writable buffer, as a receive buffer. */
    void offerWritable(int head, long address, int length) {
        offer(new DescriptorChain(head, List.of(), List.of(new GuestBuffer(address, length))));
    }

    /** Kicks the device through {@code kick} unless the device suppressed notifications, as a driver does. */
    void kickIfWanted(Runnable kick) {
        boolean wanted;
        synchronized (this) {
            wanted = notify;
        }
        if (wanted) {
            kick.run();
        }
    }

    /** Whether the device wants kicks now (it re-armed notifications, or never disabled them). */
    synchronized boolean notificationsEnabled() {
        return notify;
    }

    synchronized int availableCount() {
        return available.size();
    }

    int popCalls() {
        return pops.get();
    }

    /** The next completion, waiting up to {@code timeout}; null if none came. */
    Completion nextCompletion(Duration timeout) throws InterruptedException {
        return completions.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    List<Completion> drainCompletions() {
        List<Completion> out = new ArrayList<>();
        completions.drainTo(out);
        return out;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public synchronized DescriptorChain pop() {
        pops.incrementAndGet();
        return available.pollFirst();
    }

    @Override
    public void complete(DescriptorChain chain, int bytesWritten) {
        completeAll(List.of(chain), new int[]{bytesWritten});
    }

    /** Records the batch's size, then its completions in order (a consumer may see them before the size). */
    @Override
    public void completeAll(List<DescriptorChain> chains, int[] bytesWritten) {
        if (chains.size() != bytesWritten.length) {
            throw new IllegalArgumentException(chains.size() + " chains, " + bytesWritten.length + " byte counts");
        }
        synchronized (batchSizes) {
            batchSizes.add(chains.size());
        }
        for (int i = 0; i < chains.size(); i++) {
            completions.add(new Completion(chains.get(i), bytesWritten[i]));
        }
    }

    /** The size of every completeAll (a complete is a batch of one), in order. */
    List<Integer> batchSizes() {
        synchronized (batchSizes) {
            return List.copyOf(batchSizes);
        }
    }

    @Override
    public synchronized void disableNotifications() {
        notify = false;
    }

    @Override
    public synchronized boolean enableNotifications() {
        notify = true;
        return !available.isEmpty();
    }
}
