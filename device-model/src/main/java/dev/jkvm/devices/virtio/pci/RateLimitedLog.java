package dev.jkvm.devices.virtio.pci;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Warnings a guest can provoke at will (bad rings, early kicks): at most one line per interval per device, and
 * the next line that gets through says how many were suppressed, so a hostile guest cannot flood the log.
 */
final class RateLimitedLog {
    /** The shortest gap between two lines of one device. */
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final System.Logger logger;
    private final String source;
    private final LongSupplier nanoClock;
    private boolean loggedBefore;
    private long lastLogged;
    private long suppressed;

    RateLimitedLog(System.Logger logger, String source, LongSupplier nanoClock) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.source = Objects.requireNonNull(source, "source");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    RateLimitedLog(String source) {
        this(System.getLogger(VirtioPciTransport.class.getName()), source, System::nanoTime);
    }

    void warn(String message) {
        String line;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (loggedBefore && now - lastLogged < INTERVAL_NANOS) {
                suppressed++;
                return;
            }
            line = suppressed == 0 ? "%s: %s".formatted(source, message)
                    : "%s: %s (%d similar lines suppressed)".formatted(source, message, suppressed);
            loggedBefore = true;
            lastLogged = now;
            suppressed = 0;
        }
        logger.log(System.Logger.Level.WARNING, line);
    }
}
