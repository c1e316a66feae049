package dev.jkvm.devices.serial;

import dev.jkvm.devices.irq.InterruptLine;

import java.util.ArrayList;
import java.util.List;

/** An interrupt line that remembers every level it was driven to. */
final class RecordingInterruptLine implements InterruptLine {
    private final List<Boolean> levels = new ArrayList<>();

    @Override
    public synchronized void setLevel(boolean asserted) {
        levels.add(asserted);
    }

    synchronized boolean asserted() {
        return !levels.isEmpty() && levels.getLast();
    }

    synchronized List<Boolean> levels() {
        return List.copyOf(levels);
    }

    synchronized void forget() {
        levels.clear();
    }
}
