package dev.jkvm.devices.virtio.blk;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * At most one line per {@link #INTERVAL_NANOS} for one device, so a hostile guest cannot flood the log; the next
 * line says how many were dropped in between.
 */
final class RateLimitedLog {

    /** One second between lines. */
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final Consumer<String> sink;
    private final LongSupplier nanoClock;
    private boolean logged;
    private long lastLine;
    private long suppressed;

    RateLimitedLog(Consumer<String> sink, LongSupplier nanoClock) {
        this.sink = sink;
        this.nanoClock = nanoClock;
    }

    synchronized void log(String line) {
        long now = nanoClock.getAsLong();
        if (logged && now - lastLine < INTERVAL_NANOS) {
            suppressed++;
            return;
        }
        sink.accept(suppressed == 0 ? line : line + " (" + suppressed + " similar messages suppressed)");
        logged = true;
        lastLine = now;
        suppressed = 0;
    }
}
