package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.virtio.VirtioContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A transport stand-in that records what the device asked of it. */
final class RecordingContext implements VirtioContext {
    private final GuestRam memory;
    private final List<String> resetReasons = new CopyOnWriteArrayList<>();
    private final AtomicInteger configChanges = new AtomicInteger();

    RecordingContext(GuestRam memory) {
        this.memory = memory;
    }

    @Override
    public GuestRam memory() {
        return memory;
    }

    @Override
    public void needsReset(String why) {
        resetReasons.add(why);
    }

    @Override
    public void configChanged() {
        configChanges.incrementAndGet();
    }

    List<String> resetReasons() {
        return List.copyOf(resetReasons);
    }

    int configChanges() {
        return configChanges.get();
    }
}
