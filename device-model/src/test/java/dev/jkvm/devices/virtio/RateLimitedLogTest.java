package dev.jkvm.devices.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

class RateLimitedLogTest {
    private final List<String> lines = new ArrayList<>();
    private long now = 5_000_000_000L;

    private final System.Logger logger = new System.Logger() {
        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + format);
        }
    };

    @Test
    void oneLinePerSecondWithTheSuppressedCount() {
        RateLimitedLog log = RateLimitedLog.warnings(logger, "virtio-blk0", () -> now);
        log.warn("first");
        log.warn("second");
        now += RateLimitedLog.INTERVAL_NANOS - 1;
        log.warn("third");
        now += 1;
        log.warn("fourth");
        log.warn("fifth");
        now += 2 * RateLimitedLog.INTERVAL_NANOS;
        log.warn("sixth");
        assertEquals(List.of(
                "WARNING virtio-blk0: first",
                "WARNING virtio-blk0: fourth (2 similar messages suppressed)",
                "WARNING virtio-blk0: sixth (1 similar messages suppressed)"), lines);
    }
}
