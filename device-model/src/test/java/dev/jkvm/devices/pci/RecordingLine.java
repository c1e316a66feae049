package dev.jkvm.devices.pci;

import dev.jkvm.devices.irq.InterruptLine;

import java.util.ArrayList;
import java.util.List;

/** An interrupt line that remembers every level it was driven to. */
public final class RecordingLine implements InterruptLine {
    private final List<Boolean> levels = new ArrayList<>();

    @Override
    public synchronized void setLevel(boolean asserted) {
        levels.add(asserted);
    }

    public synchronized boolean asserted() {
        return !levels.isEmpty() && levels.getLast();
    }

    public synchronized List<Boolean> levels() {
        return List.copyOf(levels);
    }
}
