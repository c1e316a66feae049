package dev.jkvm.devices.acpi;

import static dev.jkvm.devices.acpi.Pm1Registers.PM1_CNT_STORED;
import static dev.jkvm.devices.acpi.Pm1Registers.PM1_EN_BITS;
import static dev.jkvm.devices.acpi.Pm1Registers.PM1_STS_BITS;
import static dev.jkvm.devices.acpi.Pm1Registers.PM_TMR_VALUE;
import static dev.jkvm.devices.acpi.Pm1Registers.PM_TMR_VALUE_BITS;
import static dev.jkvm.devices.acpi.Pm1Registers.PWRBTN_STS;
import static dev.jkvm.devices.acpi.Pm1Registers.SCI_EN;
import static dev.jkvm.devices.acpi.Pm1Registers.SCI_EVENTS;
import static dev.jkvm.devices.acpi.Pm1Registers.SLP_EN;
import static dev.jkvm.devices.acpi.Pm1Registers.SLP_TYP;
import static dev.jkvm.devices.acpi.Pm1Registers.SLP_TYP_SHIFT;
import static dev.jkvm.devices.acpi.Pm1Registers.TMR_STS;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.irq.InterruptLine;
import dev.jkvm.devices.platform.PlatformControl;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The ACPI PM1a fixed-hardware register block as QEMU's PIIX4 power management function lays it out in port I/O:
 * PM1a_EVT_BLK (PM1_STS, PM1_EN), PM1a_CNT_BLK (PM1_CNT) and PM_TMR_BLK (the 24-bit PM timer). Writing SLP_EN
 * with SLP_TYPx equal to {@link #S5_SLP_TYP} powers the machine off with exit status 0; the other sleeping states
 * are not implemented and such writes only store SLP_TYPx.
 *
 * <p>There is no SMI_CMD port and no SMM, so the platform is ACPI-only: SCI_EN always reads 1, as the ACPI
 * specification asks of such platforms (and as QEMU does without SMM). The SCI is driven with the block's lock
 * held; the {@link InterruptLine} must not call back into this block. TMR_STS is derived from the timer when the
 * block is accessed, so an enabled timer-carry SCI is raised at the guest's next access rather than at the carry
 * itself; OSes use the PM timer as a clock and leave TMR_EN clear.
 */
public final class Pm1Block implements BusDevice {
    /** I/O base of the block, where SeaBIOS places QEMU's PIIX4 PM registers. */
    public static final int DEFAULT_BASE = 0x600;
    /** Offset of PM1a_EVT_BLK: PM1_STS, followed by PM1_EN at PM1_EVT_LEN / 2. */
    public static final int PM1_EVT_OFFSET = 0;
    /** The FADT's PM1_EVT_LEN: PM1_STS and PM1_EN, two bytes each. */
    public static final int PM1_EVT_LEN = 4;
    /** Offset of PM1a_CNT_BLK (PM1_CNT). */
    public static final int PM1_CNT_OFFSET = 4;
    /** The FADT's PM1_CNT_LEN. */
    public static final int PM1_CNT_LEN = 2;
    /** Offset of PM_TMR_BLK. */
    public static final int PM_TMR_OFFSET = 8;
    /** The FADT's PM_TMR_LEN. */
    public static final int PM_TMR_LEN = 4;
    /** Length of the port range the block decodes, from PM1_STS to the end of PM_TMR. */
    public static final int BLOCK_LENGTH = PM_TMR_OFFSET + PM_TMR_LEN;
    /** The ISA interrupt the SCI is wired to, the FADT's SCI_INT (PIIX4's, as QEMU routes it). */
    public static final int SCI_IRQ = 9;
    /** SLP_TYPx of S5 (soft off): the value the DSDT's \_S5 package advertises, 0 as in QEMU's PIIX4 DSDT. */
    public static final int S5_SLP_TYP = 0;

    /** Exit status of a soft power off the guest asked for. */
    private static final int POWER_OFF_STATUS = 0;
    /** What a byte lane no register decodes reads: the bus floats high. */
    private static final int OPEN_BUS = 0xFF;
    /** Bit of the unbounded tick count whose changes PM_TMR's most significant bit, and so TMR_STS, follow. */
    private static final int TIMER_CARRY_SHIFT = PM_TMR_VALUE_BITS - 1;

    /** The registers, each at its offset with its width in bytes. */
    private enum Register {
        PM1_STS(PM1_EVT_OFFSET, PM1_EVT_LEN / 2),
        PM1_EN(PM1_EVT_OFFSET + PM1_EVT_LEN / 2, PM1_EVT_LEN / 2),
        PM1_CNT(PM1_CNT_OFFSET, PM1_CNT_LEN),
        PM_TMR(PM_TMR_OFFSET, PM_TMR_LEN);

        final int offset;
        final int width;

        Register(int offset, int width) {
            this.offset = offset;
            this.width = width;
        }

        static Register decode(long address) {
            for (Register register : values()) {
                if (address >= register.offset && address < register.offset + register.width) {
                    return register;
                }
            }
            return null;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final PlatformControl platform;
    private final InterruptLine sci;
    private final PmTimer timer;
    /** PM1_STS bits other than TMR_STS, which derives from the timer. */
    private int status;
    private int enable;
    /** PM1_CNT's stored bits (SCI_EN and the write-only bits are not stored). */
    private int control;
    /** Tick count when TMR_STS was last cleared; it is set again once the carry bit changes after that. */
    private long timerStatusClearedAt;
    private boolean sciAsserted;

    /** A block whose PM timer runs from {@link System#nanoTime}. */
    public Pm1Block(PlatformControl platform, InterruptLine sci) {
        this(platform, sci, System::nanoTime);
    }

    /** A block whose PM timer runs from {@code nanoClock}, a monotonic nanosecond clock. */
    public Pm1Block(PlatformControl platform, InterruptLine sci, LongSupplier nanoClock) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.sci = Objects.requireNonNull(sci, "sci");
        this.timer = new PmTimer(Objects.requireNonNull(nanoClock, "nanoClock"));
    }

    /** The fixed-feature power button: sets PWRBTN_STS, which raises the SCI once the OS sets PWRBTN_EN. */
    public void pressPowerButton() {
        lock.lock();
        try {
            status |= PWRBTN_STS;
            updateSci(timer.ticks());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long read(long offset, int size) {
        checkAccess("read", offset, size);
        lock.lock();
        try {
            long ticks = timer.ticks(); // one sample, so a dword PM_TMR read is coherent
            long value = 0;
            for (int lane = 0; lane < size; lane++) {
                long address = offset + lane;
                Register register = Register.decode(address);
                int data = register == null
                        ? OPEN_BUS
                        : (int) (registerValue(register, ticks) >>> (Byte.SIZE * (address - register.offset))) & 0xFF;
                value |= (long) data << (Byte.SIZE * lane);
            }
            updateSci(ticks);
            return value;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(long offset, int size, long value) {
        checkAccess("write", offset, size);
        boolean powerOff;
        lock.lock();
        try {
            // Gather each register's written bytes first, so a byte write changes only its own byte and a write
            // spanning several registers acts on each once.
            Register[] registers = Register.values();
            int[] written = new int[registers.length];
            int[] byteMask = new int[registers.length];
            for (int lane = 0; lane < size; lane++) {
                long address = offset + lane;
                Register register = Register.decode(address);
                if (register != null) {
                    int shift = Byte.SIZE * (int) (address - register.offset);
                    written[register.ordinal()] |= (int) ((value >>> (Byte.SIZE * lane)) & 0xFF) << shift;
                    byteMask[register.ordinal()] |= 0xFF << shift;
                }
            }
            long ticks = timer.ticks();
            writeStatus(written[Register.PM1_STS.ordinal()] & byteMask[Register.PM1_STS.ordinal()], ticks);
            writeEnable(written[Register.PM1_EN.ordinal()], byteMask[Register.PM1_EN.ordinal()]);
            powerOff = writeControl(written[Register.PM1_CNT.ordinal()], byteMask[Register.PM1_CNT.ordinal()]);
            // PM_TMR is read-only: writes to it are dropped.
            updateSci(ticks);
        } finally {
            lock.unlock();
        }
        if (powerOff) {
            // Outside the lock: shutting down may wait for vCPU threads, one of which could be waiting for this lock.
            platform.shutdown(POWER_OFF_STATUS);
        }
    }

    private long registerValue(Register register, long ticks) {
        return switch (register) {
            case PM1_STS -> currentStatus(ticks);
            case PM1_EN -> enable;
            case PM1_CNT -> control | SCI_EN;
            case PM_TMR -> ticks & PM_TMR_VALUE;
        };
    }

    private void writeStatus(int ones, long ticks) {
        int cleared = ones & PM1_STS_BITS;
        status &= ~cleared;
        if ((cleared & TMR_STS) != 0) {
            timerStatusClearedAt = ticks;
        }
    }

    private void writeEnable(int written, int byteMask) {
        enable = ((enable & ~byteMask) | (written & byteMask)) & PM1_EN_BITS;
    }

    /** Returns whether the write asked for S5. */
    private boolean writeControl(int written, int byteMask) {
        control = ((control & ~byteMask) | (written & byteMask)) & PM1_CNT_STORED;
        // GBL_RLS would signal firmware that the OS released the Global Lock; there is no firmware to tell.
        if ((written & byteMask & SLP_EN) == 0) {
            return false;
        }
        return (control & SLP_TYP) >>> SLP_TYP_SHIFT == S5_SLP_TYP;
    }

    private int currentStatus(long ticks) {
        boolean carried = ticks >>> TIMER_CARRY_SHIFT != timerStatusClearedAt >>> TIMER_CARRY_SHIFT;
        return status | (carried ? TMR_STS : 0);
    }

    private void updateSci(long ticks) {
        boolean asserted = (currentStatus(ticks) & enable & SCI_EVENTS) != 0;
        if (asserted != sciAsserted) {
            sciAsserted = asserted;
            sci.setLevel(asserted);
        }
    }

    private static void checkAccess(String access, long offset, int size) {
        if (offset < 0 || offset >= BLOCK_LENGTH || (size != 1 && size != 2 && size != 4 && size != 8)) {
            throw new IllegalArgumentException("ACPI PM1 block %s of %d bytes at offset 0x%x: the block decodes offsets 0..%d with 1-, 2-, 4- or 8-byte accesses"
                    .formatted(access, size, offset, BLOCK_LENGTH - 1));
        }
    }
}
