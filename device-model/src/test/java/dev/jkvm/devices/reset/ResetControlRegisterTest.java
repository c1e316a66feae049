package dev.jkvm.devices.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jkvm.devices.platform.RecordingPlatform;

import org.junit.jupiter.api.Test;

class ResetControlRegisterTest {
    private final RecordingPlatform platform = new RecordingPlatform();
    private final ResetControlRegister rcr = new ResetControlRegister(platform);

    @Test
    void theAcpiResetValueResets() {
        rcr.write(0, 1, ResetControlRegister.HARD_RESET);
        assertEquals(1, platform.resets);
    }

    @Test
    void sysRstAloneOnlyChoosesTheKindOfReset() {
        rcr.write(0, 1, ResetControlRegister.SYS_RST);
        assertEquals(0, platform.resets);
        assertEquals(ResetControlRegister.SYS_RST, rcr.read(0, 1));
    }

    @Test
    void aCpuOnlyResetAlsoEndsTheMachineAsQemuDoes() {
        rcr.write(0, 1, ResetControlRegister.RST_CPU);
        assertEquals(1, platform.resets);
        assertEquals(0, rcr.read(0, 1), "RST_CPU does not read back");
    }
}
