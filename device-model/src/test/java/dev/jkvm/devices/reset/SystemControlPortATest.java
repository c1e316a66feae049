package dev.jkvm.devices.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jkvm.devices.platform.RecordingPlatform;

import org.junit.jupiter.api.Test;

class SystemControlPortATest {
    private final RecordingPlatform platform = new RecordingPlatform();
    private final SystemControlPortA port = new SystemControlPortA(platform);

    @Test
    void a20ReadsBackAndStartsOn() {
        assertEquals(SystemControlPortA.A20, port.read(0, 1));
        port.write(0, 1, 0);
        assertEquals(0, port.read(0, 1));
        port.write(0, 1, SystemControlPortA.A20);
        assertEquals(SystemControlPortA.A20, port.read(0, 1));
        assertEquals(0, platform.resets);
    }

    @Test
    void risingFastResetResetsOnce() {
        port.write(0, 1, SystemControlPortA.A20 | SystemControlPortA.FAST_RESET);
        assertEquals(1, platform.resets);
        port.write(0, 1, SystemControlPortA.A20 | SystemControlPortA.FAST_RESET);
        assertEquals(1, platform.resets, "no new edge");
        port.write(0, 1, SystemControlPortA.A20);
        port.write(0, 1, SystemControlPortA.FAST_RESET);
        assertEquals(2, platform.resets);
    }
}
