package dev.jkvm.devices.rtc;

import static dev.jkvm.devices.rtc.CmosRegisters.*;

import dev.jkvm.devices.bus.BusDevice;

import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The PC's CMOS RTC and NVRAM (an MC146818A) at ports 0x70/0x71: write a register index to 0x70 (bit 7 is the
 * NMI mask, kept but without effect, as on QEMU), then read or write the register at 0x71.
 *
 * <p>The clock is the host's, in UTC as QEMU's default {@code -rtc base=utc}, shifted by whatever the guest sets.
 * The time registers are refreshed from it on every read while the clock runs, in BCD or binary and 12- or
 * 24-hour form as register B asks; writes to them (or clearing SET after writing them) move the shift. Register
 * A's UIP bit follows the data sheet's timing: it rises 244 µs before each second's update cycle and falls when
 * the 1984 µs cycle ends, so guests that wait for UIP see it come and go. The interrupt flags of register C (UF,
 * AF, PF) are computed from the clock when C is read; no interrupt is raised on IRQ 8.
 */
public final class CmosRtc implements BusDevice {
    /** The index port, 0x70; the data port follows it. */
    public static final int BASE = 0x70;
    /** Ports the device decodes: index and data. */
    public static final int PORT_COUNT = 2;
    /** Bytes of CMOS: clock registers and NVRAM. */
    public static final int SIZE = 128;

    /** Offset of the data port from {@link #BASE}. */
    private static final int DATA_PORT = 1;
    /** The index port's bit 7: NMIs masked. */
    private static final int NMI_MASK = 0x80;
    /** Register index bits of the index port. */
    private static final int INDEX_MASK = 0x7F;
    /** What reading the write-only index port returns, as QEMU answers. */
    private static final int INDEX_PORT_READ = 0xFF;
    /** UIP rises this long before an update cycle begins. */
    private static final long UIP_LEAD_NANOS = 244_000;
    /** An update cycle's length, during which UIP stays set. */
    private static final long UPDATE_CYCLE_NANOS = 1_984_000;
    /** Nanoseconds in a second. */
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The RTC's time base in Hz, from which periodic rates divide. */
    private static final int TIME_BASE_HZ = 32_768;
    /** Rate selects 1 and 2 alias to 8 and 9 (256 and 128 Hz) with a 32.768 kHz time base. */
    private static final int LOW_RATE_ALIAS = 7;
    /** Seconds of past clock the alarm check looks back over at most: the alarm repeats daily at the latest. */
    private static final long ALARM_LOOKBACK_SECONDS = 24 * 60 * 60;
    /** Years in a century. */
    private static final int YEARS_PER_CENTURY = 100;

    private final ReentrantLock lock = new ReentrantLock();
    private final InstantSource clock;
    private final byte[] cmos = new byte[SIZE];
    private int index;
    private boolean nmiMasked;
    /** Guest time minus host time, in whole seconds. */
    private long offsetSeconds;
    /** Guest time (epoch nanoseconds) up to which register C's flags have been accounted for. */
    private long flagsCheckedAt;

    /** An RTC on the host's clock. */
    public CmosRtc(PcCmosContents contents) {
        this(InstantSource.system(), contents);
    }

    /** An RTC on {@code clock}, its NVRAM holding {@code contents}. */
    public CmosRtc(InstantSource clock, PcCmosContents contents) {
        this.clock = Objects.requireNonNull(clock, "clock");
        cmos[REGISTER_A] = (byte) REGISTER_A_DEFAULT;
        cmos[REGISTER_B] = (byte) REGISTER_B_DEFAULT;
        contents.writeTo(cmos);
        flagsCheckedAt = guestNanos();
    }

    @Override
    public long read(long offset, int size) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (long) readByte(offset + i) << (8 * i);
        }
        return value;
    }

    @Override
    public void write(long offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            writeByte(offset + i, (int) (value >>> (8 * i)) & 0xFF);
        }
    }

    /** Whether the guest last wrote the index port with NMIs masked. */
    public boolean nmiMasked() {
        lock.lock();
        try {
            return nmiMasked;
        } finally {
            lock.unlock();
        }
    }

    private int readByte(long port) {
        if (port != DATA_PORT) {
            return INDEX_PORT_READ;
        }
        lock.lock();
        try {
            return switch (index) {
                case REGISTER_A -> Byte.toUnsignedInt(cmos[REGISTER_A]) & ~UIP | (updateInProgress() ? UIP : 0);
                case REGISTER_C -> takeFlags();
                case REGISTER_D -> VRT;
                default -> {
                    if (isTimeRegister(index) && running()) {
                        refreshTime();
                    }
                    yield Byte.toUnsignedInt(cmos[index]);
                }
            };
        } finally {
            lock.unlock();
        }
    }

    private void writeByte(long port, int value) {
        lock.lock();
        try {
            if (port != DATA_PORT) {
                index = value & INDEX_MASK;
                nmiMasked = (value & NMI_MASK) != 0;
                return;
            }
            switch (index) {
                case REGISTER_A -> {
                    boolean wasRunning = running();
                    cmos[REGISTER_A] = (byte) (value & ~UIP);
                    clockStateChanged(wasRunning);
                }
                case REGISTER_B -> {
                    boolean wasRunning = running();
                    // The data sheet: setting SET also clears UIE.
                    cmos[REGISTER_B] = (byte) ((value & SET) != 0 ? value & ~UIE : value);
                    clockStateChanged(wasRunning);
                }
                case REGISTER_C, REGISTER_D -> { } // read-only
                default -> {
                    boolean time = isTimeRegister(index);
                    if (time && running()) {
                        refreshTime();
                    }
                    cmos[index] = (byte) value;
                    if (time && running()) {
                        offsetSeconds = registersEpochSecond() - hostSecond();
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Freezing captures the time in the registers; resuming makes the registers' time the clock's. */
    private void clockStateChanged(boolean wasRunning) {
        if (wasRunning && !running()) {
            refreshTime();
        } else if (!wasRunning && running()) {
            offsetSeconds = registersEpochSecond() - hostSecond();
            flagsCheckedAt = guestNanos();
        }
    }

    /** The clock counts only with the 32.768 kHz divider running and SET clear. */
    private boolean running() {
        return (cmos[REGISTER_B] & SET) == 0 && (cmos[REGISTER_A] & DIVIDER_MASK) == DIVIDER_32768_HZ;
    }

    private boolean updateInProgress() {
        if (!running()) {
            return false;
        }
        long intoSecond = Math.floorMod(guestNanos(), NANOS_PER_SECOND);
        return intoSecond >= NANOS_PER_SECOND - UIP_LEAD_NANOS || intoSecond < UPDATE_CYCLE_NANOS;
    }

    /** Register C: the flags raised since it was last read, which reading clears. */
    private int takeFlags() {
        int flags = Byte.toUnsignedInt(cmos[REGISTER_C]) & (PF | AF | UF);
        if (running()) {
            long now = guestNanos();
            long lastSecond = Math.floorDiv(flagsCheckedAt, NANOS_PER_SECOND);
            long nowSecond = Math.floorDiv(now, NANOS_PER_SECOND);
            if (nowSecond > lastSecond) {
                flags |= UF;
                if (alarmTimePassed(lastSecond, nowSecond)) {
                    flags |= AF;
                }
            }
            long period = periodNanos();
            if (period > 0 && now / period > flagsCheckedAt / period) {
                flags |= PF;
            }
            flagsCheckedAt = now;
        }
        // PIE, AIE and UIE sit at the same bits in register B as PF, AF and UF in register C.
        if ((flags & Byte.toUnsignedInt(cmos[REGISTER_B]) & (PIE | AIE | UIE)) != 0) {
            flags |= IRQF;
        }
        cmos[REGISTER_C] = 0;
        return flags;
    }

    /** Whether some second in (from, to] matched the alarm registers. */
    private boolean alarmTimePassed(long fromSecond, long toSecond) {
        for (long s = Math.max(fromSecond, toSecond - ALARM_LOOKBACK_SECONDS) + 1; s <= toSecond; s++) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC);
            if (alarmMatches(SECONDS_ALARM, t.getSecond()) && alarmMatches(MINUTES_ALARM, t.getMinute())
                    && alarmMatches(HOURS_ALARM, t.getHour())) {
                return true;
            }
        }
        return false;
    }

    private boolean alarmMatches(int register, int value) {
        int alarm = Byte.toUnsignedInt(cmos[register]);
        if (alarm >= ALARM_DONT_CARE) {
            return true;
        }
        return register == HOURS_ALARM ? decodeHours(alarm) == value : decode(alarm) == value;
    }

    /** The periodic interrupt's period for register A's rate select, or 0 when it is off. */
    private long periodNanos() {
        int rate = cmos[REGISTER_A] & RATE_MASK;
        if (rate == 0) {
            return 0;
        }
        int shift = (rate <= 2 ? rate + LOW_RATE_ALIAS : rate) - 1;
        return NANOS_PER_SECOND * (1L << shift) / TIME_BASE_HZ;
    }

    private void refreshTime() {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(guestNanos(), NANOS_PER_SECOND), 0, ZoneOffset.UTC);
        cmos[SECONDS] = (byte) encode(t.getSecond());
        cmos[MINUTES] = (byte) encode(t.getMinute());
        cmos[HOURS] = (byte) encodeHours(t.getHour());
        // DayOfWeek counts Monday = 1 … Sunday = 7; the RTC counts Sunday = 1 … Saturday = 7.
        cmos[DAY_OF_WEEK] = (byte) encode(t.getDayOfWeek().getValue() % 7 + 1);
        cmos[DAY_OF_MONTH] = (byte) encode(t.getDayOfMonth());
        cmos[MONTH] = (byte) encode(t.getMonthValue());
        cmos[YEAR] = (byte) encode(Math.floorMod(t.getYear(), YEARS_PER_CENTURY));
        cmos[CENTURY] = (byte) encode(Math.floorDiv(t.getYear(), YEARS_PER_CENTURY));
    }

    /** The time the registers hold, leniently (out-of-range fields carry over as in a calendar sum). */
    private long registersEpochSecond() {
        int year = decode(cmos[CENTURY]) * YEARS_PER_CENTURY + decode(cmos[YEAR]);
        LocalDateTime t = LocalDateTime.of(year, 1, 1, 0, 0)
                .plusMonths(decode(cmos[MONTH]) - 1L)
                .plusDays(decode(cmos[DAY_OF_MONTH]) - 1L)
                .plusHours(decodeHours(Byte.toUnsignedInt(cmos[HOURS])))
                .plusMinutes(decode(cmos[MINUTES]))
                .plusSeconds(decode(cmos[SECONDS]));
        return t.toEpochSecond(ZoneOffset.UTC);
    }

    private int encode(int value) {
        return binary() ? value : (value / 10) << 4 | value % 10;
    }

    private int decode(int raw) {
        int value = raw & 0xFF;
        return binary() ? value : (value >>> 4) * 10 + (value & 0xF);
    }

    private int encodeHours(int hour) {
        if (hours24()) {
            return encode(hour);
        }
        int twelve = hour % 12 == 0 ? 12 : hour % 12;
        return encode(twelve) | (hour >= 12 ? HOUR_PM : 0);
    }

    private int decodeHours(int raw) {
        if (hours24()) {
            return decode(raw);
        }
        int twelve = decode(raw & ~HOUR_PM) % 12;
        return (raw & HOUR_PM) != 0 ? twelve + 12 : twelve;
    }

    private boolean binary() {
        return (cmos[REGISTER_B] & DATA_MODE_BINARY) != 0;
    }

    private boolean hours24() {
        return (cmos[REGISTER_B] & HOURS_24) != 0;
    }

    /** The time registers: refreshed from the clock, and what a write to them changes. */
    private static boolean isTimeRegister(int register) {
        return switch (register) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> true;
            default -> false;
        };
    }

    private long hostSecond() {
        return clock.instant().getEpochSecond();
    }

    /** The guest's time in epoch nanoseconds: the host's, shifted by whole seconds. */
    private long guestNanos() {
        Instant now = clock.instant();
        return (now.getEpochSecond() + offsetSeconds) * NANOS_PER_SECOND + now.getNano();
    }
}
