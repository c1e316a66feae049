package dev.jkvm.devices.platform;

import java.util.ArrayList;
import java.util.List;

/** A PlatformControl for unit tests: records the shutdown statuses and resets devices ask for. */
public final class RecordingPlatform implements PlatformControl {
    public final List<Integer> shutdowns;
    public int resets;

    public RecordingPlatform() {
        this(new ArrayList<>());
    }

    public RecordingPlatform(List<Integer> shutdowns) {
        this.shutdowns = shutdowns;
    }

    @Override
    public synchronized void shutdown(int exitStatus) {
        shutdowns.add(exitStatus);
    }

    @Override
    public synchronized void reset() {
        resets++;
    }
}
