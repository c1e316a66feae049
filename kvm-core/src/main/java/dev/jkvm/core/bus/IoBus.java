package dev.jkvm.core.bus;

import dev.jkvm.devices.bus.BusDevice;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An address space (port I/O or MMIO) where devices claim ranges. Lookups are lock-free over an immutable
 * sorted snapshot, replaced whole on every registration, removal or move (PCI BARs move at run time, while vCPU
 * threads keep dispatching). Unclaimed reads return all ones and unclaimed writes are dropped, counted, and logged
 * once per address at DEBUG level (the {@link #LOGGER_NAME} logger), as QEMU logs them only under {@code -d unimp}.
 */
public final class IoBus {
    /** Name of the logger that reports unclaimed accesses. */
    public static final String LOGGER_NAME = IoBus.class.getName();
    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);

    /** One claimed range, [base, base + size). */
    public record Mapping(String name, long base, long size, BusDevice device) {
        public long end() {
            return base + size;
        }
    }

    private final String busName;
    private volatile Mapping[] mappings = new Mapping[0];
    private final ConcurrentHashMap<Long, AtomicLong> unclaimed = new ConcurrentHashMap<>();

    public IoBus(String busName) {
        this.busName = busName;
    }

    /**
     * Claims [base, base + size) for {@code device}; a range overlapping an existing claim is refused. The returned
     * mapping is the handle for {@link #unregister} and {@link #move}.
     */
    public synchronized Mapping register(String name, long base, long size, BusDevice device) {
        Mapping mapping = new Mapping(name, base, size, device);
        checkFree(mapping, null);
        Mapping[] next = Arrays.copyOf(mappings, mappings.length + 1);
        next[next.length - 1] = mapping;
        publish(next);
        return mapping;
    }

    /** Releases a claim {@link #register} or {@link #move} returned; later accesses there are unclaimed. */
    public synchronized void unregister(Mapping mapping) {
        publish(without(mapping));
    }

    /**
     * Moves a claim to {@code newBase} in one step: a lookup sees it at the old place or the new one, never at
     * neither. A new range overlapping another claim is refused and the claim stays where it was.
     */
    public synchronized Mapping move(Mapping mapping, long newBase) {
        Mapping moved = new Mapping(mapping.name(), newBase, mapping.size(), mapping.device());
        Mapping[] rest = without(mapping);
        checkFree(moved, rest);
        Mapping[] next = Arrays.copyOf(rest, rest.length + 1);
        next[next.length - 1] = moved;
        publish(next);
        return moved;
    }

    /** Every claim, in address order. */
    public List<Mapping> mappings() {
        return List.of(mappings);
    }

    private void checkFree(Mapping wanted, Mapping[] among) {
        long base = wanted.base();
        long size = wanted.size();
        if (size <= 0 || base < 0 || base + size < base) {
            throw new IllegalArgumentException(String.format("%s: bad range for %s: 0x%x+0x%x",
                    busName, wanted.name(), base, size));
        }
        for (Mapping m : among == null ? mappings : among) {
            if (base < m.end() && m.base() < base + size) {
                throw new IllegalArgumentException(String.format(
                        "%s: %s at 0x%x-0x%x overlaps %s at 0x%x-0x%x",
                        busName, wanted.name(), base, base + size - 1, m.name(), m.base(), m.end() - 1));
            }
        }
    }

    /** The current claims minus {@code mapping} (matched by identity, since two equal records are two claims). */
    private Mapping[] without(Mapping mapping) {
        Mapping[] current = mappings;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == mapping) {
                Mapping[] next = new Mapping[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                return next;
            }
        }
        throw new IllegalArgumentException(String.format("%s: %s at 0x%x is not registered",
                busName, mapping.name(), mapping.base()));
    }

    private void publish(Mapping[] next) {
        Arrays.sort(next, (a, b) -> Long.compare(a.base(), b.base()));
        mappings = next;
    }

    /** The claim covering {@code address}, or null. */
    public Mapping find(long address) {
        Mapping[] snapshot = mappings;
        int lo = 0;
        int hi = snapshot.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Mapping m = snapshot[mid];
            if (address < m.base()) {
                hi = mid - 1;
            } else if (address >= m.end()) {
                lo = mid + 1;
            } else {
                return m;
            }
        }
        return null;
    }

    public long read(long address, int size) {
        Mapping m = find(address);
        if (m == null) {
            noteUnclaimed("read", address, size);
            return size >= 8 ? -1L : (1L << (size * 8)) - 1;
        }
        return m.device().read(address - m.base(), size);
    }

    public void write(long address, int size, long value) {
        Mapping m = find(address);
        if (m == null) {
            noteUnclaimed("write", address, size);
            return;
        }
        m.device().write(address - m.base(), size, value);
    }

    /** How many accesses hit {@code address} with nothing claiming it. */
    public long unclaimedCount(long address) {
        AtomicLong count = unclaimed.get(address);
        return count == null ? 0 : count.get();
    }

    private void noteUnclaimed(String access, long address, int size) {
        AtomicLong count = unclaimed.computeIfAbsent(address, a -> new AtomicLong());
        if (count.getAndIncrement() == 0) {
            LOG.log(System.Logger.Level.DEBUG, () -> String.format("%s: unclaimed %d-byte %s at 0x%x (logged once per address)",
                    busName, size, access, address));
        }
    }

    @Override
    public String toString() {
        return busName;
    }
}
