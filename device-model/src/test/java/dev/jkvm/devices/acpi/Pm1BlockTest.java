package dev.jkvm.devices.acpi;

import static dev.jkvm.devices.acpi.Pm1Block.PM1_CNT_OFFSET;
import static dev.jkvm.devices.acpi.Pm1Block.PM1_EVT_LEN;
import static dev.jkvm.devices.acpi.Pm1Block.PM1_EVT_OFFSET;
import static dev.jkvm.devices.acpi.Pm1Block.PM_TMR_OFFSET;
import static dev.jkvm.devices.acpi.Pm1Block.S5_SLP_TYP;
import static dev.jkvm.devices.acpi.Pm1Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.devices.irq.InterruptLine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

class Pm1BlockTest {
    /** PM1_STS's offset. */
    private static final int PM1_STS = PM1_EVT_OFFSET;
    /** PM1_EN's offset: the second half of PM1_EVT_BLK. */
    private static final int PM1_EN = PM1_EVT_OFFSET + PM1_EVT_LEN / 2;
    /** Nanoseconds for exactly 2^23 PM timer ticks, rounded up. */
    private static final long NANOS_PER_CARRY = (1L << 23) * 1_000_000_000L / PM_TIMER_FREQUENCY_HZ + 1;

    private final List<Integer> shutdowns = new ArrayList<>();
    private final List<Boolean> sciLevels = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(5_000_000_000L);
    private final InterruptLine sci = sciLevels::add;
    private final Pm1Block block = new Pm1Block(new dev.jkvm.devices.platform.RecordingPlatform(shutdowns), sci, clock::get);

    private static int sleep(int slpTyp) {
        return SLP_EN | (slpTyp << SLP_TYP_SHIFT);
    }

    @Test
    void s5PowersOffWithExitStatus0() {
        block.write(PM1_CNT_OFFSET, 2, sleep(S5_SLP_TYP));
        assertEquals(List.of(0), shutdowns);
    }

    @Test
    void otherSleepTypesDoNotPowerOff() {
        for (int slpTyp = 0; slpTyp <= 7; slpTyp++) {
            if (slpTyp != S5_SLP_TYP) {
                block.write(PM1_CNT_OFFSET, 2, sleep(slpTyp));
                assertEquals(SCI_EN | (slpTyp << SLP_TYP_SHIFT), block.read(PM1_CNT_OFFSET, 2),
                        "SLP_TYP stored, SLP_EN reads 0, SCI_EN reads 1");
            }
        }
        assertEquals(List.of(), shutdowns);
    }

    @Test
    void s5TypeWithoutSlpEnDoesNotPowerOff() {
        block.write(PM1_CNT_OFFSET, 2, S5_SLP_TYP << SLP_TYP_SHIFT | BM_RLD);
        assertEquals(List.of(), shutdowns);
        assertEquals(SCI_EN | BM_RLD, block.read(PM1_CNT_OFFSET, 2));
    }

    @Test
    void aByteWriteOfTheHighHalfCarriesSlpTypAndSlpEn() {
        block.write(PM1_CNT_OFFSET, 1, BM_RLD);
        block.write(PM1_CNT_OFFSET + 1, 1, sleep(S5_SLP_TYP) >>> 8);
        assertEquals(List.of(0), shutdowns);
        assertEquals(SCI_EN | BM_RLD, block.read(PM1_CNT_OFFSET, 2), "the byte write kept the low byte");
    }

    @Test
    void sciEnAlwaysReadsSetOnAnAcpiOnlyPlatform() {
        assertEquals(SCI_EN, block.read(PM1_CNT_OFFSET, 2));
        block.write(PM1_CNT_OFFSET, 2, 0);
        assertEquals(SCI_EN, block.read(PM1_CNT_OFFSET, 2));
        block.write(PM1_CNT_OFFSET, 2, GBL_RLS);
        assertEquals(SCI_EN, block.read(PM1_CNT_OFFSET, 2), "GBL_RLS is write-only");
    }

    @Test
    void statusBitsAreWriteOneToClear() {
        block.pressPowerButton();
        assertEquals(PWRBTN_STS, block.read(PM1_STS, 2) & PWRBTN_STS);
        block.write(PM1_STS, 2, 0);
        assertEquals(PWRBTN_STS, block.read(PM1_STS, 2) & PWRBTN_STS, "writing 0 leaves the bit alone");
        block.write(PM1_STS, 1, 0xFF);
        assertEquals(PWRBTN_STS, block.read(PM1_STS, 2) & PWRBTN_STS, "a low-byte write does not reach bit 8");
        block.write(PM1_STS, 2, PWRBTN_STS);
        assertEquals(0, block.read(PM1_STS, 2) & PWRBTN_STS);
    }

    @Test
    void theEnableRegisterKeepsItsDefinedBits() {
        block.write(PM1_EN, 2, 0xFFFF);
        assertEquals(PM1_EN_BITS, block.read(PM1_EN, 2), "reserved bits read 0");
        block.write(PM1_EN, 1, 0);
        assertEquals(PM1_EN_BITS & 0xFF00, block.read(PM1_EN, 2));
    }

    @Test
    void aDwordWriteAtTheEventBlockClearsStatusAndSetsEnable() {
        block.pressPowerButton();
        block.write(PM1_STS, 4, ((long) PWRBTN_EN << 16) | PWRBTN_STS);
        assertEquals(PWRBTN_EN << 16, block.read(PM1_STS, 4) & ~TMR_STS);
    }

    @Test
    void thePowerButtonRaisesTheSciOnceEnabledAndClearingDropsIt() {
        block.pressPowerButton();
        assertEquals(List.of(), sciLevels, "PWRBTN_EN clear: status only");
        block.write(PM1_EN, 2, PWRBTN_EN);
        assertEquals(List.of(true), sciLevels);
        block.write(PM1_STS, 2, PWRBTN_STS);
        assertEquals(List.of(true, false), sciLevels);
        assertEquals(List.of(), shutdowns, "the OS decides what the button does");
    }

    @Test
    void theTimerCountsAt3579545HzFromZero() {
        assertEquals(0, block.read(PM_TMR_OFFSET, 4));
        clock.addAndGet(1_000_000);
        assertEquals(3579, block.read(PM_TMR_OFFSET, 4), "1 ms");
        clock.addAndGet(999_000_000);
        assertEquals(3_579_545, block.read(PM_TMR_OFFSET, 4), "1 s");
    }

    @Test
    void theTimerIsMonotonicAndWrapsAt24Bits() {
        long previous = -1;
        long wraps = 0;
        long elapsedTicks = 0;
        for (int step = 0; step < 2_000; step++) {
            long value = block.read(PM_TMR_OFFSET, 4);
            assertEquals(0, value & ~PM_TMR_VALUE, "bits 24..31 read 0");
            if (previous >= 0) {
                long delta = (value - previous) & PM_TMR_VALUE;
                assertTrue(delta < 1 << 22, "step %d: the timer moved %d ticks in 7 ms".formatted(step, delta));
                if (value < previous) {
                    wraps++;
                }
                elapsedTicks += delta;
            }
            previous = value;
            clock.addAndGet(7_000_000);
        }
        assertEquals(1_999 * 7_000_000L * PM_TIMER_FREQUENCY_HZ / 1_000_000_000L, elapsedTicks, 2, "1999 intervals of 7 ms");
        assertEquals(elapsedTicks >> PM_TMR_VALUE_BITS, wraps, "one wrap per 2^24 ticks");
        assertTrue(wraps >= 2, "the test ran past the 24-bit wrap: " + wraps);
    }

    @Test
    void aClockGoingBackwardsDoesNotMoveTheTimerBack() {
        clock.addAndGet(1_000_000_000);
        long later = block.read(PM_TMR_OFFSET, 4);
        clock.addAndGet(-500_000_000);
        assertEquals(later, block.read(PM_TMR_OFFSET, 4));
    }

    @Test
    void theRealClockTimerAdvances() throws InterruptedException {
        Pm1Block real = new Pm1Block(new dev.jkvm.devices.platform.RecordingPlatform(shutdowns), sci);
        long first = real.read(PM_TMR_OFFSET, 4);
        Thread.sleep(20);
        long second = real.read(PM_TMR_OFFSET, 4);
        long delta = (second - first) & PM_TMR_VALUE;
        assertTrue(delta >= 20 * PM_TIMER_FREQUENCY_HZ / 1000 && delta < 1 << 23,
                "20 ms of sleep moved the timer %d ticks".formatted(delta));
    }

    @Test
    void timerBytesReadIndividually() {
        clock.addAndGet(1_000_000_000);
        long whole = block.read(PM_TMR_OFFSET, 4);
        long bytes = 0;
        for (int lane = 0; lane < 4; lane++) {
            bytes |= block.read(PM_TMR_OFFSET + lane, 1) << (8 * lane);
        }
        assertEquals(whole, bytes);
    }

    @Test
    void theTimerIgnoresWrites() {
        clock.addAndGet(1_000_000);
        block.write(PM_TMR_OFFSET, 4, 0);
        assertEquals(3579, block.read(PM_TMR_OFFSET, 4));
    }

    @Test
    void tmrStsFollowsTheCounterMostSignificantBit() {
        assertEquals(0, block.read(PM1_STS, 2) & TMR_STS);
        clock.addAndGet(NANOS_PER_CARRY);
        assertEquals(TMR_STS, block.read(PM1_STS, 2) & TMR_STS, "bit 23 went from 0 to 1");
        block.write(PM1_STS, 2, TMR_STS);
        assertEquals(0, block.read(PM1_STS, 2) & TMR_STS, "cleared by writing 1");
        clock.addAndGet(NANOS_PER_CARRY);
        assertEquals(TMR_STS, block.read(PM1_STS, 2) & TMR_STS, "bit 23 went from 1 to 0 at the wrap");
        block.write(PM1_EN, 2, TMR_EN);
        assertEquals(List.of(true), sciLevels, "TMR_EN with TMR_STS set raises the SCI");
        block.write(PM1_STS, 2, TMR_STS);
        assertEquals(List.of(true, false), sciLevels);
    }

    @Test
    void undecodedLanesReadOpenBusAndBadAccessesAreRefused() {
        assertEquals(0xFFFF, block.read(PM1_CNT_OFFSET + 2, 2), "offsets 6..7 hold no register");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> block.read(Pm1Block.BLOCK_LENGTH, 1));
        assertTrue(refused.getMessage().contains("offset 0xc"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> block.write(0, 3, 0));
    }
}
