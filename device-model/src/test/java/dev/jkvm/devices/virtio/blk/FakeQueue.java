package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.VirtqueueException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A request queue the test fills with chains; completions are collected in the order they happen. */
final class FakeQueue implements DeviceQueue {

    /** One completed chain, from {@link #complete} or an element of {@link #completeAll}. */
    record Completion(DescriptorChain chain, int bytesWritten) {
    }

    private final Deque<DescriptorChain> available = new ArrayDeque<>();
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private String brokenWith;
    private int pops;

    synchronized void offer(DescriptorChain chain) {
        available.add(chain);
    }

    /** The next pop throws, as a queue whose ring the driver corrupted does. */
    synchronized void breakWith(String message) {
        brokenWith = message;
    }

    synchronized int pops() {
        return pops;
    }

    /** The next completion, or an AssertionError after five seconds. */
    Completion awaitCompletion() throws InterruptedException {
        Completion completion = completions.poll(5, TimeUnit.SECONDS);
        if (completion == null) {
            throw new AssertionError("no request completed within 5 s");
        }
        return completion;
    }

    /** A completion that arrives within {@code millis}, or null. */
    Completion pollCompletion(long millis) throws InterruptedException {
        return completions.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public int index() {
        return 0;
    }

    @Override
    public synchronized DescriptorChain pop() {
        pops++;
        if (brokenWith != null) {
            throw new VirtqueueException(brokenWith);
        }
        return available.poll();
    }

    @Override
    public void complete(DescriptorChain chain, int bytesWritten) {
        completions.add(new Completion(chain, bytesWritten));
    }

    @Override
    public void completeAll(List<DescriptorChain> chains, int[] bytesWritten) {
        if (chains.size() != bytesWritten.length) {
            throw new IllegalArgumentException(chains.size() + " chains, " + bytesWritten.length + " byte counts");
        }
        for (int i = 0; i < chains.size(); i++) {
            complete(chains.get(i), bytesWritten[i]);
        }
    }

    @Override
    public void disableNotifications() {
    }

    @Override
    public synchronized boolean enableNotifications() {
        return !available.isEmpty();
    }
}
