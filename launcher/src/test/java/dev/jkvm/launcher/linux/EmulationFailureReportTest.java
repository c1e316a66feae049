package dev.jkvm.launcher.linux;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EmulationFailureReportTest {

    /** What jkvm printed for the test OS's exec-mmio mode (KVM returned no instruction bytes there). */
    private static final String WITHOUT_BYTES = "jkvm: vcpu-0: KVM could not emulate an instruction (internal error,"
            + " suberror 1 = emulation failure), instruction bytes not reported by KVM; RIP=00000000d0000000"
            + " RSP=00000000001c7f58 RFLAGS=00000002 RAX=000000000000000a CS=0008(base 0, dpl 0, l 1) CR0=80000011";

    /** The same report with the bytes KVM returned for the Debian kernel's int3 under QEMU on this host. */
    private static final String WITH_BYTES = "jkvm: vcpu-1: KVM could not emulate an instruction (internal error,"
            + " suberror 1 = emulation failure), instruction bytes: cc 90 90 90 90 83 7c 24 04 01 74 02 0f 0b 48;"
            + " RIP=ffffffff8305e26c RSP=ffffffff82a03ef0 RFLAGS=00000246";

    @Test
    void readsVcpuRipAndInstructionBytes() {
        EmulationFailureReport report = EmulationFailureReport.find("some warning\n" + WITH_BYTES + "\n").orElseThrow();

        assertEquals(1, report.vcpu());
        assertEquals(0xffffffff8305e26cL, report.rip());
        assertArrayEquals(new byte[] {(byte) 0xcc, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x90, (byte) 0x83,
                0x7c, 0x24, 0x04, 0x01, 0x74, 0x02, 0x0f, 0x0b, 0x48}, report.decodedBytes());
        assertEquals(WITH_BYTES, report.line());
    }

    @Test
    void readsAReportWithoutBytes() {
        EmulationFailureReport report = EmulationFailureReport.find(WITHOUT_BYTES).orElseThrow();

        assertEquals(0, report.vcpu());
        assertEquals(0xd0000000L, report.rip());
        assertEquals(Optional.empty(), report.instructionBytes());
        assertEquals(0, report.decodedBytes().length);
    }

    @Test
    void otherErrorsAreNoReport() {
        assertEquals(Optional.empty(), EmulationFailureReport.find("jkvm: Unknown option: '-initrd'\n"));
        assertEquals(Optional.empty(), EmulationFailureReport.find("jkvm: vcpu-0: triple fault; RIP=0000000000001000"));
    }
}
