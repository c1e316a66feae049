package dev.jkvm.devices.pci;

import java.util.ArrayList;
import java.util.List;

/** A BAR mapper that remembers every call as "map BAR n 0x..." or "unmap BAR n". */
public final class RecordingBarMapper implements PciBarMapper {
    private final List<String> calls = new ArrayList<>();

    @Override
    public synchronized void map(PciBar bar, long address) {
        calls.add("map BAR %d 0x%x".formatted(bar.index(), address));
    }

    @Override
    public synchronized void unmap(PciBar bar) {
        calls.add("unmap BAR " + bar.index());
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized void forget() {
        calls.clear();
    }
}
