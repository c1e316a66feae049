package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.virtio.VirtioContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A transport stand-in that records what the device asked of it. */
final class RecordingContext implements VirtioContext {
    private final GuestRam memory;
    final List<String> resetRequests = new CopyOnWriteArrayList<>();

    RecordingContext(GuestRam memory) {
        this.memory = memory;
    }

    @Override
    public GuestRam memory() {
        return memory;
    }

    @Override
    public void needsReset(String why) {
        resetRequests.add(why);
    }

    @Override
    public void configChanged() {
    }
}
