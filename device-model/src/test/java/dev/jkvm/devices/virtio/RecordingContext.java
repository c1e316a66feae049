package dev.jkvm.devices.virtio;

import dev.jkvm.devices.memory.GuestRam;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A transport stand-in for device tests that records what the device asked of it. */
public final class RecordingContext implements VirtioContext {
    private final GuestRam memory;
    private final List<String> resetReasons = new CopyOnWriteArrayList<>();
    private final AtomicInteger configChanges = new AtomicInteger();

    public RecordingContext(GuestRam memory) {
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

    /** The reasons of every needsReset so far, in order. */
    public List<String> resetReasons() {
        return List.copyOf(resetReasons);
    }

    /** How many times the device signalled a configuration change. */
    public int configChanges() {
        return configChanges.get();
    }
}
