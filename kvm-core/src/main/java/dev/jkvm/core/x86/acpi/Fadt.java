package dev.jkvm.core.x86.acpi;

import java.nio.ByteBuffer;

/**
 * The Fixed ACPI Description Table, revision 6 (ACPI 6.5, 5.2.9), for a PC with fixed-feature hardware (the
 * hardware-reduced flag is clear): where the PM1 and PM timer registers are, the SCI, the reset register, and the
 * addresses of the DSDT and FACS. Every I/O block is given twice, as a legacy 32-bit port and as an X_ Generic
 * Address of the same register, as ACPICA checks them against each other.
 *
 * <p>There is no SMI command port: the platform is always in ACPI mode (SCI_EN reads 1), so SMI_CMD,
 * ACPI_ENABLE and ACPI_DISABLE are 0. There are no GPE blocks, and no C2/C3 states.
 */
public record Fadt(long facsAddress, long dsdtAddress, int sciInterrupt, int pm1aEventBlock, int pm1EventLength,
                   int pm1aControlBlock, int pm1ControlLength, int pmTimerBlock, int pmTimerLength, int century,
                   int iapcBootArch, int flags, GenericAddress resetRegister, int resetValue) implements AcpiTable {
    /** The FADT's signature is "FACP", not "FADT". */
    public static final String SIGNATURE = "FACP";
    /** Major revision: the ACPI 6.0 layout, with the hypervisor vendor identity. */
    public static final int REVISION = 6;
    /** FADT Minor Version for ACPI 6.0. */
    public static final int MINOR_VERSION = 0;
    /** Length of a revision-6 FADT. */
    public static final int SIZE = 276;

    /** Flags bit 0, WBINVD: the processor's WBINVD flushes all caches. */
    public static final int WBINVD = 1;
    /** Flags bit 2, PROC_C1: C1 (HLT) works on all processors. */
    public static final int PROC_C1 = 1 << 2;
    /** Flags bit 4, PWR_BUTTON: set when the power button is a control-method device, clear for the fixed one. */
    public static final int PWR_BUTTON = 1 << 4;
    /** Flags bit 5, SLP_BUTTON: set when there is no fixed-feature sleep button. */
    public static final int SLP_BUTTON = 1 << 5;
    /** Flags bit 7, RTC_S4: the RTC alarm can wake the system from S4. */
    public static final int RTC_S4 = 1 << 7;
    /** Flags bit 8, TMR_VAL_EXT: the PM timer is 32 bits wide (clear: 24 bits). */
    public static final int TMR_VAL_EXT = 1 << 8;
    /** Flags bit 10, RESET_REG_SUP: the RESET_REG field describes a working reset register. */
    public static final int RESET_REG_SUP = 1 << 10;
    /** Flags bit 15, USE_PLATFORM_CLOCK: OSPM should prefer the platform clock (the PM timer) to the TSC. */
    public static final int USE_PLATFORM_CLOCK = 1 << 15;
    /** Flags bit 18, FORCE_APIC_CLUSTER_MODEL: flat logical APIC mode cannot reach every CPU (more than 8). */
    public static final int FORCE_APIC_CLUSTER_MODEL = 1 << 18;
    /** Flags bit 20, HW_REDUCED_ACPI: no fixed-feature hardware. */
    public static final int HW_REDUCED_ACPI = 1 << 20;

    /** IA-PC Boot Architecture bit 0: there are ISA/LPC devices the OS must drive (the UART). */
    public static final int LEGACY_DEVICES = 1;
    /** IA-PC Boot Architecture bit 1: an 8042 keyboard controller is present. */
    public static final int ARCH_8042 = 1 << 1;
    /** IA-PC Boot Architecture bit 2: there is no VGA hardware to probe. */
    public static final int VGA_NOT_PRESENT = 1 << 2;
    /** IA-PC Boot Architecture bit 5: there is no CMOS RTC. */
    public static final int CMOS_RTC_NOT_PRESENT = 1 << 5;

    /** P_LVL2_LAT above 100 µs: C2 is not supported (QEMU's value). */
    public static final int C2_NOT_SUPPORTED = 0xFFF;
    /** P_LVL3_LAT above 1000 µs: C3 is not supported (QEMU's value). */
    public static final int C3_NOT_SUPPORTED = 0xFFF;

    public Fadt {
        if (facsAddress < 0 || facsAddress > 0xFFFF_FFFFL || facsAddress % Facs.ALIGNMENT != 0) {
            throw new IllegalArgumentException("FACS address 0x" + Long.toHexString(facsAddress)
                    + " must be a 64-byte aligned 32-bit address");
        }
        if (dsdtAddress < 0 || dsdtAddress > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("DSDT address 0x" + Long.toHexString(dsdtAddress) + " does not fit in 32 bits");
        }
    }

    @Override
    public String signature() {
        return SIGNATURE;
    }

    @Override
    public byte[] toBytes() {
        ByteBuffer out = SdtHeader.allocate(SIZE);
        SdtHeader.write(out, SIGNATURE, REVISION, SIZE);
        out.putInt((int) facsAddress);           // FIRMWARE_CTRL
        out.putInt((int) dsdtAddress);           // DSDT
        out.put((byte) 0);                       // reserved since ACPI 2.0 (INT_MODEL)
        out.put((byte) 0);                       // Preferred_PM_Profile: unspecified
        out.putShort((short) sciInterrupt);      // SCI_INT
        out.putInt(0);                           // SMI_CMD
        out.put((byte) 0);                       // ACPI_ENABLE
        out.put((byte) 0);                       // ACPI_DISABLE
        out.put((byte) 0);                       // S4BIOS_REQ
        out.put((byte) 0);                       // PSTATE_CNT
        out.putInt(pm1aEventBlock);              // PM1a_EVT_BLK
        out.putInt(0);                           // PM1b_EVT_BLK
        out.putInt(pm1aControlBlock);            // PM1a_CNT_BLK
        out.putInt(0);                           // PM1b_CNT_BLK
        out.putInt(0);                           // PM2_CNT_BLK
        out.putInt(pmTimerBlock);                // PM_TMR_BLK
        out.putInt(0);                           // GPE0_BLK
        out.putInt(0);                           // GPE1_BLK
        out.put((byte) pm1EventLength);          // PM1_EVT_LEN
        out.put((byte) pm1ControlLength);        // PM1_CNT_LEN
        out.put((byte) 0);                       // PM2_CNT_LEN
        out.put((byte) pmTimerLength);           // PM_TMR_LEN
        out.put((byte) 0);                       // GPE0_BLK_LEN
        out.put((byte) 0);                       // GPE1_BLK_LEN
        out.put((byte) 0);                       // GPE1_BASE
        out.put((byte) 0);                       // CST_CNT
        out.putShort((short) C2_NOT_SUPPORTED);  // P_LVL2_LAT
        out.putShort((short) C3_NOT_SUPPORTED);  // P_LVL3_LAT
        out.putShort((short) 0);                 // FLUSH_SIZE
        out.putShort((short) 0);                 // FLUSH_STRIDE
        out.put((byte) 0);                       // DUTY_OFFSET
        out.put((byte) 0);                       // DUTY_WIDTH
        out.put((byte) 0);                       // DAY_ALRM
        out.put((byte) 0);                       // MON_ALRM
        out.put((byte) century);                 // CENTURY
        out.putShort((short) iapcBootArch);      // IAPC_BOOT_ARCH
        out.put((byte) 0);                       // reserved
        out.putInt(flags);                       // Flags
        resetRegister.writeTo(out);              // RESET_REG
        out.put((byte) resetValue);              // RESET_VALUE
        out.putShort((short) 0);                 // ARM_BOOT_ARCH
        out.put((byte) MINOR_VERSION);           // FADT Minor Version
        // X_FIRMWARE_CTRL must be 0 when FIRMWARE_CTRL holds the FACS address.
        out.putLong(0);                          // X_FIRMWARE_CTRL
        out.putLong(dsdtAddress);                // X_DSDT
        GenericAddress.systemIo(pm1aEventBlock, pm1EventLength, GenericAddress.ACCESS_WORD).writeTo(out);
        GenericAddress.NONE.writeTo(out);        // X_PM1b_EVT_BLK
        GenericAddress.systemIo(pm1aControlBlock, pm1ControlLength, GenericAddress.ACCESS_WORD).writeTo(out);
        GenericAddress.NONE.writeTo(out);        // X_PM1b_CNT_BLK
        GenericAddress.NONE.writeTo(out);        // X_PM2_CNT_BLK
        GenericAddress.systemIo(pmTimerBlock, pmTimerLength, GenericAddress.ACCESS_DWORD).writeTo(out);
        GenericAddress.NONE.writeTo(out);        // X_GPE0_BLK
        GenericAddress.NONE.writeTo(out);        // X_GPE1_BLK
        GenericAddress.NONE.writeTo(out);        // SLEEP_CONTROL_REG (hardware-reduced platforms only)
        GenericAddress.NONE.writeTo(out);        // SLEEP_STATUS_REG
        out.putLong(0);                          // Hypervisor Vendor Identity
        if (out.position() != SIZE) {
            throw new IllegalStateException("FADT layout is " + out.position() + " bytes, not " + SIZE);
        }
        return SdtHeader.seal(out.array());
    }
}
