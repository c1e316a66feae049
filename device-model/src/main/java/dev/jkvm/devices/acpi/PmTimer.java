package dev.jkvm.devices.acpi;

import static dev.jkvm.devices.acpi.Pm1Registers.PM_TIMER_FREQUENCY_HZ;

import java.util.function.LongSupplier;

/**
 * The ACPI power management timer's count: {@link Pm1Registers#PM_TIMER_FREQUENCY_HZ} ticks per second of a
 * nanosecond clock since the timer was created, never going backwards. Not thread safe: the PM1 block's lock
 * guards it.
 */
final class PmTimer {
    /** Nanoseconds in a second, to convert clock readings to ticks without overflowing a long. */
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final LongSupplier nanoClock;
    private final long originNanos;
    private long lastTicks;

    PmTimer(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.originNanos = nanoClock.getAsLong();
    }

    /** Ticks since creation, unbounded; PM_TMR shows the low 24 bits. */
    long ticks() {
        long elapsed = nanoClock.getAsLong() - originNanos;
        // Whole seconds and the remainder separately: elapsed * 3579545 would overflow after about 43 minutes.
        long ticks = elapsed / NANOS_PER_SECOND * PM_TIMER_FREQUENCY_HZ
                + elapsed % NANOS_PER_SECOND * PM_TIMER_FREQUENCY_HZ / NANOS_PER_SECOND;
        lastTicks = Math.max(lastTicks, ticks);
        return lastTicks;
    }
}
