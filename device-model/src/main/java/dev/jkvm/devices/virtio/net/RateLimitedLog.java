package dev.jkvm.devices.virtio.net;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * At most one log line per interval for one device, with a count of the lines held back since the last one: a
 * hostile or broken guest can trigger a warning per packet.
 */
final class RateLimitedLog {
    private final System.Logger logger;
    private final String device;
    private final long intervalNanos;
    private boolean logged;
    private long lastNanos;
    private long suppressed;

    RateLimitedLog(System.Logger logger, String device, Duration interval) {
        this.logger = logger;
        this.device = device;
        this.intervalNanos = interval.toNanos();
    }

    void warn(Supplier<String> message) {
        long held;
        synchronized (this) {
            long now = System.nanoTime();
            if (logged && now - lastNanos < intervalNanos) {
                suppressed++;
                return;
            }
            logged = true;
            lastNanos = now;
            held = suppressed;
            suppressed = 0;
        }
        String tail = held == 0 ? "" : " (" + held + " similar messages suppressed)";
        logger.log(System.Logger.Level.WARNING, device + ": " + message.get() + tail);
    }
}
