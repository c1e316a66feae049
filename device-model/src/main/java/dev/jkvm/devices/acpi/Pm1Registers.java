package dev.jkvm.devices.acpi;

/**
 * Bits of the ACPI fixed-hardware PM1 registers and the PM timer, named as the ACPI specification names them
 * (section 4.8, "ACPI Hardware Specification": PM1 Status, PM1 Enable and PM1 Control registers, PM_TMR).
 */
public final class Pm1Registers {
    private Pm1Registers() {
    }

    /** PM1_STS bit 0, TMR_STS: the PM timer's most significant bit changed (set or cleared). */
    public static final int TMR_STS = 1;
    /** PM1_STS bit 4, BM_STS: a bus master requested the system bus. */
    public static final int BM_STS = 1 << 4;
    /** PM1_STS bit 5, GBL_STS: firmware released the Global Lock and wants the OS's attention. */
    public static final int GBL_STS = 1 << 5;
    /** PM1_STS bit 8, PWRBTN_STS: the fixed-feature power button was pressed. */
    public static final int PWRBTN_STS = 1 << 8;
    /** PM1_STS bit 9, SLPBTN_STS: the fixed-feature sleep button was pressed. */
    public static final int SLPBTN_STS = 1 << 9;
    /** PM1_STS bit 10, RTC_STS: the RTC alarm fired. */
    public static final int RTC_STS = 1 << 10;
    /** PM1_STS bit 14, PCIEXP_WAKE_STS: a PCI Express wake event occurred. */
    public static final int PCIEXP_WAKE_STS = 1 << 14;
    /** PM1_STS bit 15, WAK_STS: the system woke from a sleeping state. */
    public static final int WAK_STS = 1 << 15;
    /** PM1_STS bits that exist; each is cleared by writing 1 to it, writing 0 leaves it alone. */
    public static final int PM1_STS_BITS = TMR_STS | BM_STS | GBL_STS | PWRBTN_STS | SLPBTN_STS | RTC_STS
            | PCIEXP_WAKE_STS | WAK_STS;

    /** PM1_EN bit 0, TMR_EN: TMR_STS raises an SCI. */
    public static final int TMR_EN = 1;
    /** PM1_EN bit 5, GBL_EN: GBL_STS raises an SCI. */
    public static final int GBL_EN = 1 << 5;
    /** PM1_EN bit 8, PWRBTN_EN: PWRBTN_STS raises an SCI. */
    public static final int PWRBTN_EN = 1 << 8;
    /** PM1_EN bit 9, SLPBTN_EN: SLPBTN_STS raises an SCI. */
    public static final int SLPBTN_EN = 1 << 9;
    /** PM1_EN bit 10, RTC_EN: RTC_STS raises an SCI (and a wake). */
    public static final int RTC_EN = 1 << 10;
    /** PM1_EN bit 14, PCIEXP_WAKE_DIS: set to stop PCIEXP_WAKE_STS from waking the system (inverted sense). */
    public static final int PCIEXP_WAKE_DIS = 1 << 14;
    /** PM1_EN bits that exist and read back as written; the rest are reserved and read 0. */
    public static final int PM1_EN_BITS = TMR_EN | GBL_EN | PWRBTN_EN | SLPBTN_EN | RTC_EN | PCIEXP_WAKE_DIS;
    /** Status bits that raise an SCI while the PM1_EN bit at the same position is set. */
    public static final int SCI_EVENTS = TMR_STS | GBL_STS | PWRBTN_STS | SLPBTN_STS | RTC_STS;

    /** PM1_CNT bit 0, SCI_EN: power management events raise an SCI rather than an SMI; hardware owns it. */
    public static final int SCI_EN = 1;
    /** PM1_CNT bit 1, BM_RLD: a bus master request moves the CPU from C3 to C0. */
    public static final int BM_RLD = 1 << 1;
    /** PM1_CNT bit 2, GBL_RLS: write-only, the OS released the Global Lock and signals firmware. */
    public static final int GBL_RLS = 1 << 2;
    /** PM1_CNT bit 9: "ignore" in the specification, kept as written because software preserves it. */
    public static final int PM1_CNT_IGNORED = 1 << 9;
    /** PM1_CNT bits 10..12, SLP_TYPx: the sleeping state entered when SLP_EN is written. */
    public static final int SLP_TYP = 0b111 << 10;
    /** Shift of SLP_TYPx within PM1_CNT. */
    public static final int SLP_TYP_SHIFT = 10;
    /** PM1_CNT bit 13, SLP_EN: write-only, enters the SLP_TYPx sleeping state; reads as 0. */
    public static final int SLP_EN = 1 << 13;
    /** PM1_CNT bits that are stored and read back; SCI_EN reads 1 and the write-only bits read 0. */
    public static final int PM1_CNT_STORED = BM_RLD | PM1_CNT_IGNORED | SLP_TYP;

    /** PM timer input clock: the PC's 14.31818 MHz crystal divided by 4. */
    public static final long PM_TIMER_FREQUENCY_HZ = 3_579_545;
    /** Width of the PM timer counter (the FADT's TMR_VAL_EXT flag is clear). */
    public static final int PM_TMR_VALUE_BITS = 24;
    /** The PM_TMR bits that count; bits 24..31 read 0. */
    public static final int PM_TMR_VALUE = (1 << PM_TMR_VALUE_BITS) - 1;
}
