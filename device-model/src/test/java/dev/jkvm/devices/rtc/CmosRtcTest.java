package dev.jkvm.devices.rtc;

import static dev.jkvm.devices.rtc.CmosRegisters.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

class CmosRtcTest {
    /** Thursday 29 February 2024, 23:59:58.5 UTC. */
    private static final Instant LEAP_DAY_EVENING = Instant.parse("2024-02-29T23:59:58.500Z");

    private final AtomicReference<Instant> now = new AtomicReference<>(LEAP_DAY_EVENING);
    private final CmosRtc rtc = new CmosRtc(now::get, new PcCmosContents(128L << 20, 0, 1));

    private int read(int register) {
        rtc.write(0, 1, register);
        return (int) rtc.read(1, 1);
    }

    private void write(int register, int value) {
        rtc.write(0, 1, register);
        rtc.write(1, 1, value);
    }

    private void advance(Duration d) {
        now.set(now.get().plus(d));
    }

    /** Seconds, minutes, hours, day of week, day, month, year, century. */
    private List<Integer> time() {
        return List.of(read(SECONDS), read(MINUTES), read(HOURS), read(DAY_OF_WEEK), read(DAY_OF_MONTH),
                read(MONTH), read(YEAR), read(CENTURY));
    }

    @Test
    void theHostClockInBcdAnd24HoursByDefault() {
        assertEquals(List.of(0x58, 0x59, 0x23, 5, 0x29, 0x02, 0x24, 0x20), time(), "Thursday is day 5");
        advance(Duration.ofSeconds(2));
        assertEquals(List.of(0x00, 0x00, 0x00, 6, 0x01, 0x03, 0x24, 0x20), time(), "rolls into 1 March");
    }

    @Test
    void binaryModeAndTwelveHourModeFollowRegisterB() {
        write(REGISTER_B, HOURS_24 | DATA_MODE_BINARY);
        assertEquals(List.of(58, 59, 23, 5, 29, 2, 24, 20), time());
        write(REGISTER_B, 0);
        assertEquals(0x11 | HOUR_PM, read(HOURS), "11 PM in BCD");
        now.set(Instant.parse("2024-03-01T00:30:00Z"));
        assertEquals(0x12, read(HOURS), "half past midnight is 12 AM");
        now.set(Instant.parse("2024-03-01T12:30:00Z"));
        assertEquals(0x12 | HOUR_PM, read(HOURS), "half past noon is 12 PM");
    }

    @Test
    void updateInProgressIsSetAroundEachSecondsUpdate() {
        now.set(Instant.parse("2024-03-01T10:00:00.500Z"));
        assertEquals(0, read(REGISTER_A) & UIP, "mid-second: no update");
        assertEquals(REGISTER_A_DEFAULT, read(REGISTER_A));
        now.set(Instant.parse("2024-03-01T10:00:00.999900Z"));
        assertEquals(UIP, read(REGISTER_A) & UIP, "within 244 µs of the update");
        now.set(Instant.parse("2024-03-01T10:00:01.001Z"));
        assertEquals(UIP, read(REGISTER_A) & UIP, "during the 1984 µs update cycle");
        now.set(Instant.parse("2024-03-01T10:00:01.002Z"));
        assertEquals(0, read(REGISTER_A) & UIP, "after it");
        now.set(Instant.parse("2024-03-01T10:00:01.9999Z"));
        write(REGISTER_B, SET | HOURS_24);
        assertEquals(0, read(REGISTER_A) & UIP, "no updates while SET holds the clock");
    }

    @Test
    void theGuestSetsTheTimeWithSetAndItRunsOnFromThere() {
        write(REGISTER_B, SET | HOURS_24);
        write(SECONDS, 0x30);
        write(MINUTES, 0x15);
        write(HOURS, 0x08);
        write(DAY_OF_MONTH, 0x04);
        write(MONTH, 0x07);
        write(YEAR, 0x99);
        write(CENTURY, 0x19);
        advance(Duration.ofSeconds(5));
        assertEquals(List.of(0x30, 0x15, 0x08), List.of(read(SECONDS), read(MINUTES), read(HOURS)),
                "frozen while SET");
        write(REGISTER_B, HOURS_24);
        advance(Duration.ofSeconds(90));
        assertEquals(List.of(0x00, 0x17, 0x08, 1, 0x04, 0x07, 0x99, 0x19), time(),
                "4 July 1999 08:17:00, a Sunday, 90 s after SET was cleared");
    }

    @Test
    void writingOneFieldWhileRunningMovesTheClock() {
        write(MINUTES, 0x00);
        assertEquals(List.of(0x58, 0x00, 0x23), List.of(read(SECONDS), read(MINUTES), read(HOURS)));
        advance(Duration.ofSeconds(3));
        assertEquals(List.of(0x01, 0x01, 0x23), List.of(read(SECONDS), read(MINUTES), read(HOURS)));
    }

    @Test
    void registerCReportsUpdatesOnceAndRaisesIrqfOnlyWhenEnabled() {
        // Away from midnight, where the zeroed alarm registers would match too.
        now.set(Instant.parse("2024-03-01T10:00:00.500Z"));
        write(REGISTER_A, DIVIDER_32768_HZ);
        read(REGISTER_C);
        assertEquals(0, read(REGISTER_C));
        advance(Duration.ofSeconds(1));
        assertEquals(UF, read(REGISTER_C), "an update happened; UIE off, so no IRQF");
        assertEquals(0, read(REGISTER_C), "reading C cleared it");
        write(REGISTER_B, HOURS_24 | UIE);
        advance(Duration.ofSeconds(1));
        assertEquals(IRQF | UF, read(REGISTER_C));
    }

    @Test
    void alarmAndPeriodicFlags() {
        write(REGISTER_B, HOURS_24 | AIE);
        write(HOURS_ALARM, ALARM_DONT_CARE);
        write(MINUTES_ALARM, 0x00);
        write(SECONDS_ALARM, 0x00);
        read(REGISTER_C);
        advance(Duration.ofSeconds(1));
        assertEquals(UF | PF, read(REGISTER_C), "23:59:59 does not match xx:00:00; AIE alone: no IRQF");
        advance(Duration.ofSeconds(1));
        assertEquals(IRQF | AF | UF | PF, read(REGISTER_C), "midnight matches; 1024 Hz periods passed too");
        write(REGISTER_A, DIVIDER_32768_HZ);
        advance(Duration.ofSeconds(1));
        assertEquals(UF, read(REGISTER_C), "rate select 0: no periodic flag");
    }

    @Test
    void registerDSaysTheTimeIsValidAndTheIndexPortReadsAllOnes() {
        assertEquals(VRT, read(REGISTER_D));
        assertEquals(0xFF, rtc.read(0, 1));
    }

    @Test
    void indexBit7IsTheNmiMaskNotPartOfTheIndex() {
        rtc.write(0, 1, 0x80 | REGISTER_D);
        assertTrue(rtc.nmiMasked());
        assertEquals(VRT, rtc.read(1, 1));
        rtc.write(0, 1, REGISTER_D);
        assertFalse(rtc.nmiMasked());
    }

    @Test
    void nvramKeepsWhatTheGuestWrites() {
        write(0x40, 0xA5);
        write(0x7F, 0x5A);
        assertEquals(0xA5, read(0x40));
        assertEquals(0x5A, read(0x7F));
    }

    @Test
    void aWordAccessWritesIndexThenData() {
        rtc.write(0, 2, 0x7E40);
        assertEquals(0x7E, read(0x40));
    }

    @Test
    void stoppingTheDividerFreezesTheClock() {
        write(REGISTER_A, 0x70 | 0x06);
        advance(Duration.ofSeconds(10));
        assertEquals(0x58, read(SECONDS));
        write(REGISTER_A, REGISTER_A_DEFAULT);
        advance(Duration.ofSeconds(1));
        assertEquals(0x59, read(SECONDS), "counts on from where it stopped");
    }
}
