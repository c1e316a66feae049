package dev.jkvm.devices.i8042;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.irq.InterruptLine;
import dev.jkvm.devices.platform.PlatformControl;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The PC's 8042 keyboard controller, with no keyboard or mouse behind it: what an OS needs to probe it quickly
 * and to reset the machine through it. Port 0x60 is data, port 0x64 status (read) and command (write); port 0x61
 * between them belongs to the PIT's speaker gate, so the two ports are separate {@link BusDevice}s.
 *
 * <p>Controller commands: read and write the command byte (0x20, 0x60), self-test (0xAA → 0x55), interface
 * tests (0xA9, 0xAB → 0x00, no fault), disable and enable the keyboard and AUX ports (0xAD/0xAE, 0xA7/0xA8), read
 * the input and output ports (0xC0, 0xD0), write the output port (0xD1; bit 0 clear pulls the CPU reset line),
 * the loopback writes (0xD2, 0xD3) and pulsing output lines (0xF0–0xFF; 0xFE pulses reset). A byte meant for the
 * keyboard or mouse finds no device: the controller answers with a transmit timeout (status bit 6, 0xFE), so
 * drivers give up at once instead of waiting. Output raises IRQ 1 (keyboard) or IRQ 12 (AUX) as the command byte
 * enables them, level-triggered while the byte waits, as QEMU drives its i8042.
 */
public final class I8042 {
    /** The data port. */
    public static final int DATA_PORT = 0x60;
    /** The status (read) and command (write) port. */
    public static final int COMMAND_PORT = 0x64;
    /** The keyboard's ISA interrupt. */
    public static final int KEYBOARD_IRQ = 1;
    /** The AUX (mouse) port's ISA interrupt. */
    public static final int AUX_IRQ = 12;

    /** Status bit 0: a byte waits in the output buffer. */
    public static final int STATUS_OBF = 0x01;
    /** Status bit 2: the system flag, set once the controller passed its self-test (as firmware leaves it). */
    public static final int STATUS_SYSTEM = 0x04;
    /** Status bit 3: the last write went to the command port. */
    public static final int STATUS_COMMAND = 0x08;
    /** Status bit 4: the keyboard is not inhibited by the key lock. */
    public static final int STATUS_UNLOCKED = 0x10;
    /** Status bit 5: the byte in the output buffer came from the AUX port. */
    public static final int STATUS_AUX_OBF = 0x20;
    /** Status bit 6: a transmission to a device timed out. */
    public static final int STATUS_TIMEOUT = 0x40;

    /** Command byte bit 0: keyboard output raises IRQ 1. */
    public static final int CTR_KEYBOARD_INTERRUPT = 0x01;
    /** Command byte bit 1: AUX output raises IRQ 12. */
    public static final int CTR_AUX_INTERRUPT = 0x02;
    /** Command byte bit 2: the system flag. */
    public static final int CTR_SYSTEM = 0x04;
    /** Command byte bit 4: the keyboard port is disabled. */
    public static final int CTR_KEYBOARD_DISABLED = 0x10;
    /** Command byte bit 5: the AUX port is disabled. */
    public static final int CTR_AUX_DISABLED = 0x20;
    /** Command byte bit 6: scan codes are translated to set 1. */
    public static final int CTR_TRANSLATE = 0x40;
    /** The command byte as PC firmware leaves it: keyboard interrupt, system flag, translation, no mouse. */
    public static final int CTR_DEFAULT = CTR_KEYBOARD_INTERRUPT | CTR_SYSTEM | CTR_AUX_DISABLED | CTR_TRANSLATE;

    /** Output port bit 0: the CPU reset line, active low. */
    public static final int OUTPUT_RESET = 0x01;
    /** Output port bit 1: the A20 gate. */
    public static final int OUTPUT_A20 = 0x02;
    /** Output port bit 4: output buffer full (keyboard). */
    public static final int OUTPUT_OBF = 0x10;
    /** Output port bit 5: output buffer full (AUX). */
    public static final int OUTPUT_AUX_OBF = 0x20;

    /** Command: read the command byte. */
    public static final int CMD_READ_CTR = 0x20;
    /** Command: write the command byte (next data byte). */
    public static final int CMD_WRITE_CTR = 0x60;
    /** Command: disable the AUX port. */
    public static final int CMD_AUX_DISABLE = 0xA7;
    /** Command: enable the AUX port. */
    public static final int CMD_AUX_ENABLE = 0xA8;
    /** Command: test the AUX interface. */
    public static final int CMD_AUX_TEST = 0xA9;
    /** Command: controller self-test. */
    public static final int CMD_SELF_TEST = 0xAA;
    /** Command: test the keyboard interface. */
    public static final int CMD_KEYBOARD_TEST = 0xAB;
    /** Command: disable the keyboard port. */
    public static final int CMD_KEYBOARD_DISABLE = 0xAD;
    /** Command: enable the keyboard port. */
    public static final int CMD_KEYBOARD_ENABLE = 0xAE;
    /** Command: read the input port. */
    public static final int CMD_READ_INPUT_PORT = 0xC0;
    /** Command: read the output port. */
    public static final int CMD_READ_OUTPUT_PORT = 0xD0;
    /** Command: write the output port (next data byte). */
    public static final int CMD_WRITE_OUTPUT_PORT = 0xD1;
    /** Command: the next data byte appears as if the keyboard sent it. */
    public static final int CMD_WRITE_KEYBOARD_OUTPUT = 0xD2;
    /** Command: the next data byte appears as if the mouse sent it. */
    public static final int CMD_WRITE_AUX_OUTPUT = 0xD3;
    /** Command: the next data byte goes to the mouse. */
    public static final int CMD_WRITE_AUX_DEVICE = 0xD4;
    /** First of the commands that pulse output port bits 3:0 low where the command's bit is 0. */
    public static final int CMD_PULSE_FIRST = 0xF0;
    /** Pulse the reset line: the classic way a PC reboots. */
    public static final int CMD_PULSE_RESET = 0xFE;

    /** The self-test's "passed" answer. */
    public static final int SELF_TEST_PASSED = 0x55;
    /** An interface test's "no fault" answer. */
    public static final int INTERFACE_OK = 0x00;
    /** What the controller puts in the buffer when a device does not answer. */
    public static final int NO_DEVICE = 0xFE;
    /** The input port: bit 7 high, keyboard not inhibited. */
    private static final int INPUT_PORT = 0x80;

    /** What the next data-port write is for, after a command that takes a parameter. */
    private enum Pending { NONE, COMMAND_BYTE, OUTPUT_PORT, KEYBOARD_OUTPUT, AUX_OUTPUT, AUX_DEVICE }

    /** A byte in the output buffer and the port it came from. */
    private record Output(int value, boolean aux, boolean timeout) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final PlatformControl platform;
    private final InterruptLine keyboardIrq;
    private final InterruptLine auxIrq;
    private final ArrayDeque<Output> output = new ArrayDeque<>();
    private final BusDevice dataPort = new Port(true);
    private final BusDevice commandPort = new Port(false);
    private int commandByte = CTR_DEFAULT;
    private int status = STATUS_SYSTEM | STATUS_UNLOCKED;
    private int outputPort = OUTPUT_RESET | OUTPUT_A20;
    private int lastRead;
    private Pending pending = Pending.NONE;
    private boolean keyboardIrqLevel;
    private boolean auxIrqLevel;

    public I8042(PlatformControl platform, InterruptLine keyboardIrq, InterruptLine auxIrq) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.keyboardIrq = Objects.requireNonNull(keyboardIrq, "keyboardIrq");
        this.auxIrq = Objects.requireNonNull(auxIrq, "auxIrq");
    }

    /** Port 0x60, to register one byte wide. */
    public BusDevice dataPort() {
        return dataPort;
    }

    /** Port 0x64, to register one byte wide. */
    public BusDevice commandPort() {
        return commandPort;
    }

    /** Whether the guest has the A20 gate open (it always is under KVM; this is what the guest last set). */
    public boolean a20() {
        lock.lock();
        try {
            return (outputPort & OUTPUT_A20) != 0;
        } finally {
            lock.unlock();
        }
    }

    private final class Port implements BusDevice {
        private final boolean data;

        Port(boolean data) {
            this.data = data;
        }

        @Override
        public long read(long offset, int size) {
            lock.lock();
            try {
                return data ? readData() : readStatus();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void write(long offset, int size, long value) {
            lock.lock();
            try {
                if (data) {
                    writeData((int) value & 0xFF);
                } else {
                    writeCommand((int) value & 0xFF);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private int readStatus() {
        int s = status & ~(STATUS_OBF | STATUS_AUX_OBF | STATUS_TIMEOUT);
        Output next = output.peek();
        if (next != null) {
            s |= STATUS_OBF | (next.aux() ? STATUS_AUX_OBF : 0) | (next.timeout() ? STATUS_TIMEOUT : 0);
        }
        return s;
    }

    private int readData() {
        Output next = output.poll();
        if (next != null) {
            lastRead = next.value();
            updateInterrupts();
        }
        // An empty buffer reads as the byte read last, as the latch on real controllers does.
        return lastRead;
    }

    private void writeCommand(int command) {
        status |= STATUS_COMMAND;
        pending = Pending.NONE;
        switch (command) {
            case CMD_READ_CTR -> queue(commandByte, false);
            case CMD_WRITE_CTR -> pending = Pending.COMMAND_BYTE;
            case CMD_AUX_DISABLE -> commandByte |= CTR_AUX_DISABLED;
            case CMD_AUX_ENABLE -> commandByte &= ~CTR_AUX_DISABLED;
            case CMD_AUX_TEST, CMD_KEYBOARD_TEST -> queue(INTERFACE_OK, false);
            case CMD_SELF_TEST -> {
                status |= STATUS_SYSTEM;
                queue(SELF_TEST_PASSED, false);
            }
            case CMD_KEYBOARD_DISABLE -> commandByte |= CTR_KEYBOARD_DISABLED;
            case CMD_KEYBOARD_ENABLE -> commandByte &= ~CTR_KEYBOARD_DISABLED;
            case CMD_READ_INPUT_PORT -> queue(INPUT_PORT, false);
            case CMD_READ_OUTPUT_PORT -> queue(outputPortValue(), false);
            case CMD_WRITE_OUTPUT_PORT -> pending = Pending.OUTPUT_PORT;
            case CMD_WRITE_KEYBOARD_OUTPUT -> pending = Pending.KEYBOARD_OUTPUT;
            case CMD_WRITE_AUX_OUTPUT -> pending = Pending.AUX_OUTPUT;
            case CMD_WRITE_AUX_DEVICE -> pending = Pending.AUX_DEVICE;
            default -> {
                if (command >= CMD_PULSE_FIRST && (command & OUTPUT_RESET) == 0) {
                    platform.reset();
                }
            }
        }
        updateInterrupts();
    }

    private void writeData(int value) {
        status &= ~STATUS_COMMAND;
        Pending target = pending;
        pending = Pending.NONE;
        switch (target) {
            case COMMAND_BYTE -> {
                commandByte = value;
                status = (status & ~STATUS_SYSTEM) | (value & CTR_SYSTEM);
            }
            case OUTPUT_PORT -> {
                outputPort = value & (OUTPUT_RESET | OUTPUT_A20);
                if ((value & OUTPUT_RESET) == 0) {
                    platform.reset();
                }
            }
            case KEYBOARD_OUTPUT -> queue(value, false);
            case AUX_OUTPUT -> queue(value, true);
            // No mouse and no keyboard: the byte goes nowhere and the controller reports the timeout.
            case AUX_DEVICE -> output.add(new Output(NO_DEVICE, true, true));
            case NONE -> output.add(new Output(NO_DEVICE, false, true));
        }
        updateInterrupts();
    }

    private int outputPortValue() {
        Output next = output.peek();
        int obf = next == null ? 0 : next.aux() ? OUTPUT_AUX_OBF : OUTPUT_OBF;
        return outputPort | obf;
    }

    private void queue(int value, boolean aux) {
        output.add(new Output(value, aux, false));
    }

    /** Drives IRQ 1 or 12 while a byte from that port waits and the command byte enables its interrupt. */
    private void updateInterrupts() {
        Output next = output.peek();
        boolean keyboard = next != null && !next.aux() && (commandByte & CTR_KEYBOARD_INTERRUPT) != 0
                && (commandByte & CTR_KEYBOARD_DISABLED) == 0;
        boolean aux = next != null && next.aux() && (commandByte & CTR_AUX_INTERRUPT) != 0;
        if (keyboard != keyboardIrqLevel) {
            keyboardIrqLevel = keyboard;
            keyboardIrq.setLevel(keyboard);
        }
        if (aux != auxIrqLevel) {
            auxIrqLevel = aux;
            auxIrq.setLevel(aux);
        }
    }
}
