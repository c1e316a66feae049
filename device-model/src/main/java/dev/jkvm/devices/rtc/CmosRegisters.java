package dev.jkvm.devices.rtc;

/** The MC146818 RTC's register indices and bits (Motorola MC146818A data sheet), as the CMOS index port selects them. */
public final class CmosRegisters {
    /** Seconds, 0–59. */
    public static final int SECONDS = 0x00;
    /** Seconds alarm. */
    public static final int SECONDS_ALARM = 0x01;
    /** Minutes, 0–59. */
    public static final int MINUTES = 0x02;
    /** Minutes alarm. */
    public static final int MINUTES_ALARM = 0x03;
    /** Hours: 0–23, or 1–12 with {@link #HOUR_PM} in 12-hour mode. */
    public static final int HOURS = 0x04;
    /** Hours alarm. */
    public static final int HOURS_ALARM = 0x05;
    /** Day of the week, 1–7 with Sunday = 1. */
    public static final int DAY_OF_WEEK = 0x06;
    /** Day of the month, 1–31. */
    public static final int DAY_OF_MONTH = 0x07;
    /** Month, 1–12. */
    public static final int MONTH = 0x08;
    /** Year within the century, 0–99. */
    public static final int YEAR = 0x09;
    /** Register A: UIP, divider and rate select. */
    public static final int REGISTER_A = 0x0A;
    /** Register B: SET, interrupt enables and data formats. */
    public static final int REGISTER_B = 0x0B;
    /** Register C: interrupt flags, read-only, cleared by reading. */
    public static final int REGISTER_C = 0x0C;
    /** Register D: valid RAM and time, read-only. */
    public static final int REGISTER_D = 0x0D;
    /** The century, in the IBM PC's CMOS layout (the ACPI FADT's CENTURY field points here on PCs). */
    public static final int CENTURY = 0x32;

    /** Register A bit 7: an update cycle is in progress or imminent; the time registers may be inconsistent. */
    public static final int UIP = 0x80;
    /** Register A bits 6:4: the divider chain selection. */
    public static final int DIVIDER_MASK = 0x70;
    /** Divider 010b: a 32.768 kHz time base, running (the only setting under which a PC's RTC counts). */
    public static final int DIVIDER_32768_HZ = 0x20;
    /** Register A bits 3:0: the periodic interrupt rate select. */
    public static final int RATE_MASK = 0x0F;
    /** Register A after power-up as PC firmware leaves it: 32.768 kHz, 1024 Hz periodic rate. */
    public static final int REGISTER_A_DEFAULT = DIVIDER_32768_HZ | 0x06;

    /** Register B bit 7: updates are inhibited so software can set the time. */
    public static final int SET = 0x80;
    /** Register B bit 6: periodic interrupt enable. */
    public static final int PIE = 0x40;
    /** Register B bit 5: alarm interrupt enable. */
    public static final int AIE = 0x20;
    /** Register B bit 4: update-ended interrupt enable. */
    public static final int UIE = 0x10;
    /** Register B bit 2: time and date in binary rather than BCD. */
    public static final int DATA_MODE_BINARY = 0x04;
    /** Register B bit 1: 24-hour rather than 12-hour mode. */
    public static final int HOURS_24 = 0x02;
    /** Register B as PC firmware leaves it: BCD, 24-hour, no interrupts. */
    public static final int REGISTER_B_DEFAULT = HOURS_24;

    /** Register C bit 7: some enabled flag is set. */
    public static final int IRQF = 0x80;
    /** Register C bit 6: a periodic interrupt period elapsed. */
    public static final int PF = 0x40;
    /** Register C bit 5: the alarm time was reached. */
    public static final int AF = 0x20;
    /** Register C bit 4: an update cycle ended. */
    public static final int UF = 0x10;

    /** Register D bit 7: the RAM and time are valid (the battery is good). */
    public static final int VRT = 0x80;

    /** The PM flag of the hours registers in 12-hour mode. */
    public static final int HOUR_PM = 0x80;
    /** Alarm register values from 0xC0 up match every value ("don't care"). */
    public static final int ALARM_DONT_CARE = 0xC0;

    private CmosRegisters() {
    }
}
