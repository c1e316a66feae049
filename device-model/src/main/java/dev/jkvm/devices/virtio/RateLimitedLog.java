package dev.jkvm.devices.virtio;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Warnings a guest can provoke at will (bad rings, bad requests, early kicks, malformed frames): at most one line
 * per {@link #INTERVAL_NANOS} for one device, and the next line that gets through says how many were held back,
 * so a hostile guest cannot flood the log.
 */
public final class RateLimitedLog {
    /** The shortest gap between two lines of one device: one second. */
    public static final long INTERVAL_NANOS = 1_000_000_000L;

    private final Consumer<String> sink;
    private final LongSupplier nanoClock;
    private boolean logged;
    private long lastLine;
    private long suppressed;

    /** Lines go to {@code sink}; {@code nanoClock} is {@code System::nanoTime} outside tests. */
    public RateLimitedLog(Consumer<String> sink, LongSupplier nanoClock) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** WARNING lines "{@code source}: message" on {@code logger}. */
    public static RateLimitedLog warnings(System.Logger logger, String source) {
        return warnings(logger, source, System::nanoTime);
    }

    public static RateLimitedLog warnings(System.Logger logger, String source, LongSupplier nanoClock) {
        Objects.requireNonNull(logger, "logger");
        Objects.requireNonNull(source, "source");
        return new RateLimitedLog(line -> logger.log(System.Logger.Level.WARNING, source + ": " + line), nanoClock);
    }

    public void warn(String message) {
        warn(() -> message);
    }

    /** Builds the message only when it is logged. */
    public void warn(Supplier<String> message) {
        long held;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (logged && now - lastLine < INTERVAL_NANOS) {
                suppressed++;
                return;
            }
            logged = true;
            lastLine = now;
            held = suppressed;
            suppressed = 0;
        }
        sink.accept(held == 0 ? message.get() : message.get() + " (" + held + " similar messages suppressed)");
    }
}
