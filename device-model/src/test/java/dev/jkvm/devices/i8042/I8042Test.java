package dev.jkvm.devices.i8042;

import static dev.jkvm.devices.i8042.I8042.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.devices.platform.RecordingPlatform;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class I8042Test {
    private final RecordingPlatform platform = new RecordingPlatform();
    private final List<Boolean> irq1 = new ArrayList<>();
    private final List<Boolean> irq12 = new ArrayList<>();
    private final I8042 controller = new I8042(platform, irq1::add, irq12::add);

    private int status() {
        return (int) controller.commandPort().read(0, 1);
    }

    private void command(int command) {
        controller.commandPort().write(0, 1, command);
    }

    private int data() {
        return (int) controller.dataPort().read(0, 1);
    }

    private void data(int value) {
        controller.dataPort().write(0, 1, value);
    }

    @Test
    void idleStatusIsEmptyBufferWithTheSystemFlag() {
        assertEquals(STATUS_SYSTEM | STATUS_UNLOCKED, status());
    }

    @Test
    void selfTestAnswers0x55() {
        command(CMD_SELF_TEST);
        assertEquals(STATUS_OBF, status() & (STATUS_OBF | STATUS_AUX_OBF));
        assertEquals(SELF_TEST_PASSED, data());
        assertEquals(0, status() & STATUS_OBF, "the buffer is empty once read");
        assertEquals(STATUS_SYSTEM, status() & STATUS_SYSTEM);
    }

    @Test
    void commandByteReadsAndWrites() {
        command(CMD_READ_CTR);
        assertEquals(CTR_DEFAULT, data());
        command(CMD_WRITE_CTR);
        data(CTR_KEYBOARD_INTERRUPT | CTR_AUX_INTERRUPT | CTR_SYSTEM);
        command(CMD_READ_CTR);
        assertEquals(CTR_KEYBOARD_INTERRUPT | CTR_AUX_INTERRUPT | CTR_SYSTEM, data());
    }

    @Test
    void portEnableAndDisableFlipTheCommandByte() {
        command(CMD_KEYBOARD_DISABLE);
        command(CMD_AUX_ENABLE);
        command(CMD_READ_CTR);
        int ctr = data();
        assertEquals(CTR_KEYBOARD_DISABLED, ctr & CTR_KEYBOARD_DISABLED);
        assertEquals(0, ctr & CTR_AUX_DISABLED);
        command(CMD_KEYBOARD_ENABLE);
        command(CMD_AUX_DISABLE);
        command(CMD_READ_CTR);
        ctr = data();
        assertEquals(0, ctr & CTR_KEYBOARD_DISABLED);
        assertEquals(CTR_AUX_DISABLED, ctr & CTR_AUX_DISABLED);
    }

    @Test
    void pulsingTheResetLineResetsTheMachine() {
        command(CMD_PULSE_RESET);
        assertEquals(1, platform.resets);
        command(0xFF);
        assertEquals(1, platform.resets, "0xFF pulses no line");
    }

    @Test
    void writingTheOutputPortWithBit0ClearResets() {
        command(CMD_WRITE_OUTPUT_PORT);
        data(OUTPUT_RESET | OUTPUT_A20);
        assertEquals(0, platform.resets);
        assertTrue(controller.a20());
        command(CMD_WRITE_OUTPUT_PORT);
        data(OUTPUT_RESET);
        assertFalse(controller.a20());
        command(CMD_READ_OUTPUT_PORT);
        assertEquals(OUTPUT_RESET, data(), "reset line high, A20 off, buffer empty when the command came");
        command(CMD_WRITE_OUTPUT_PORT);
        data(OUTPUT_A20);
        assertEquals(1, platform.resets);
    }

    @Test
    void interfaceTestsPassAndLoopbackReturnsTheByte() {
        command(CMD_KEYBOARD_TEST);
        assertEquals(INTERFACE_OK, data());
        command(CMD_AUX_TEST);
        assertEquals(INTERFACE_OK, data());
        command(CMD_WRITE_AUX_OUTPUT);
        data(0x5A);
        assertEquals(STATUS_OBF | STATUS_AUX_OBF, status() & (STATUS_OBF | STATUS_AUX_OBF));
        assertEquals(0x5A, data());
    }

    @Test
    void bytesForAbsentDevicesTimeOutAtOnce() {
        data(0xF2);
        assertEquals(STATUS_OBF | STATUS_TIMEOUT, status() & (STATUS_OBF | STATUS_TIMEOUT | STATUS_AUX_OBF));
        assertEquals(NO_DEVICE, data());
        assertEquals(0, status() & STATUS_TIMEOUT);
        command(CMD_WRITE_AUX_DEVICE);
        data(0xFF);
        assertEquals(STATUS_OBF | STATUS_AUX_OBF | STATUS_TIMEOUT, status() & (STATUS_OBF | STATUS_AUX_OBF | STATUS_TIMEOUT));
        assertEquals(NO_DEVICE, data());
    }

    @Test
    void outputRaisesIrq1WhileItWaitsWhenEnabled() {
        command(CMD_SELF_TEST);
        assertEquals(List.of(true), irq1);
        data();
        assertEquals(List.of(true, false), irq1);
        command(CMD_WRITE_CTR);
        data(CTR_SYSTEM);
        command(CMD_SELF_TEST);
        data();
        assertEquals(List.of(true, false), irq1, "no IRQ 1 with the keyboard interrupt off");
        assertEquals(List.of(), irq12);
    }

    @Test
    void auxOutputRaisesIrq12WhenEnabled() {
        command(CMD_WRITE_CTR);
        data(CTR_AUX_INTERRUPT | CTR_SYSTEM);
        command(CMD_WRITE_AUX_OUTPUT);
        data(0x42);
        assertEquals(List.of(true), irq12);
        assertEquals(0x42, data());
        assertEquals(List.of(true, false), irq12);
    }

    @Test
    void anEmptyBufferReadsTheLastByteAgain() {
        command(CMD_SELF_TEST);
        assertEquals(SELF_TEST_PASSED, data());
        assertEquals(SELF_TEST_PASSED, data());
    }
}
