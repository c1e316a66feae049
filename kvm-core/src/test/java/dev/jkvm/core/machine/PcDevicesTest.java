package dev.jkvm.core.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.devices.rtc.PcCmosContents;
import dev.jkvm.testos.TestOsImage;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/** The legacy devices as a guest reaches them on a real machine's port bus (no vCPU runs). */
class PcDevicesTest {
    private static Machine machine(long mib, int cpus) {
        return Machine.create(MachineConfig.builder().memoryMiB(mib).cpus(cpus)
                .kernel(new Kernel("testos", TestOsImage.bytes())).console(new ByteArrayOutputStream()).build());
    }

    private static int cmos(Machine m, int index) {
        m.portIo().write(0x70, 1, index);
        return (int) m.portIo().read(0x71, 1);
    }

    private static int cmosWord(Machine m, int index) {
        return cmos(m, index) | cmos(m, index + 1) << 8;
    }

    @Test
    void cmosMemoryFieldsFor128MiB() {
        try (Machine m = machine(128, 1)) {
            assertEquals(640, cmosWord(m, PcCmosContents.BASE_MEMORY));
            assertEquals(0xFFFF, cmosWord(m, PcCmosContents.EXTENDED_MEMORY), "127 MiB in KiB, capped");
            assertEquals(0xFFFF, cmosWord(m, PcCmosContents.EXTENDED_MEMORY_POST));
            assertEquals((128 - 16) * 16, cmosWord(m, PcCmosContents.MEMORY_ABOVE_16M), "112 MiB in 64 KiB units");
            assertEquals(0, cmosWord(m, PcCmosContents.MEMORY_ABOVE_4G) | cmos(m, PcCmosContents.MEMORY_ABOVE_4G + 2));
            assertEquals(0, cmos(m, PcCmosContents.CPU_COUNT_MINUS_ONE));
        }
    }

    @Test
    void cmosMemoryFieldsFor5GiBSplitAtThePciHole() {
        try (Machine m = machine(5 * 1024, 4)) {
            // 3 GiB below the hole at 0xC0000000, 2 GiB from 4 GiB up.
            assertEquals((3 * 1024 - 16) * 16, cmosWord(m, PcCmosContents.MEMORY_ABOVE_16M));
            int above = cmosWord(m, PcCmosContents.MEMORY_ABOVE_4G) | cmos(m, PcCmosContents.MEMORY_ABOVE_4G + 2) << 16;
            assertEquals(2 * 1024 * 16, above, "2 GiB in 64 KiB units");
            assertEquals(3, cmos(m, PcCmosContents.CPU_COUNT_MINUS_ONE));
            int sum = 0;
            for (int i = PcCmosContents.CHECKSUM_FIRST; i <= PcCmosContents.CHECKSUM_LAST; i++) {
                sum += cmos(m, i);
            }
            assertEquals(sum, cmos(m, PcCmosContents.CHECKSUM) << 8 | cmos(m, PcCmosContents.CHECKSUM + 1));
        }
    }

    @Test
    void theRtcRunsInBcdAsFirmwareLeavesIt() {
        try (Machine m = machine(64, 1)) {
            assertEquals(0x02, cmos(m, 0x0B), "register B: BCD, 24-hour");
            assertEquals(0x80, cmos(m, 0x0D), "register D: valid RAM and time");
            int century = cmos(m, 0x32);
            assertEquals(0x20, century, "this century, in BCD");
        }
    }

    @Test
    void theI8042SelfTestAnswers0x55() {
        try (Machine m = machine(64, 1)) {
            assertEquals(0x14, m.portIo().read(0x64, 1), "system flag and unlocked, output buffer empty");
            m.portIo().write(0x64, 1, 0xAA);
            assertEquals(0x01, m.portIo().read(0x64, 1) & 0x01, "the answer waits in the output buffer");
            assertEquals(0x55, m.portIo().read(0x60, 1));
            assertEquals(0xFF, m.portIo().read(0x61, 1) & 0xFF, "port 0x61 is not claimed in user space");
        }
    }

    @Test
    void eachResetPathEndsTheMachineAsAReset() {
        assertEquals(Optional.of(new VmStop.GuestExit(0, "reset")), resetBy(0x64, 0xFE), "i8042 pulse");
        assertEquals(Optional.of(new VmStop.GuestExit(0, "reset")), resetBy(0x92, 0x01), "port 0x92 fast reset");
        assertEquals(Optional.of(new VmStop.GuestExit(0, "reset")), resetBy(0xCF9, 0x06), "0xCF9 hard reset");
        assertEquals(Optional.empty(), resetBy(0xCF9, 0x02), "0xCF9 SYS_RST alone only selects the reset type");
        assertEquals(Optional.empty(), resetBy(0x92, 0x02), "port 0x92 A20 only");
    }

    private static Optional<VmStop> resetBy(int port, int value) {
        try (Machine m = machine(64, 1)) {
            m.portIo().write(port, 1, value);
            return m.stopReason();
        }
    }

    @Test
    void port92ReadsBackA20() {
        try (Machine m = machine(64, 1)) {
            assertEquals(0x02, m.portIo().read(0x92, 1));
            m.portIo().write(0x92, 1, 0x00);
            assertEquals(0x00, m.portIo().read(0x92, 1));
            assertTrue(m.stopReason().isEmpty());
        }
    }
}
