package dev.jkvm.devices.serial;

import static dev.jkvm.devices.serial.UartRegisters.*;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.irq.InterruptLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A National Semiconductor PC16550D UART: eight byte registers, 16-byte receive and transmit FIFOs, and the
 * datasheet's four prioritised interrupt sources.
 *
 * <p>The serial line is virtual. Transmitted characters go to an {@link OutputStream} sink, or back into the
 * receiver in loopback mode; received characters come from {@link #receive}, which only accepts what fits, so host
 * input waits instead of overrunning (see {@link SerialInputPump}). A virtual line has no character clock, so
 * transmission completes as soon as the sink has the bytes, and the receiver counts as idle as soon as a
 * {@code receive} call returns.
 *
 * <p>Thread safety: vCPU threads and the input pump call in concurrently; one lock guards all state. The
 * interrupt line is driven with that lock held, in the order levels change, so the line never shows a stale
 * level; an {@link InterruptLine} therefore must not call back into this UART. The sink is written with the lock
 * released, so a sink that blocks (a full pipe, a slow terminal) stalls only the vCPU that transmits, never the
 * input pump or a vCPU reading LSR.
 */
public final class Uart16550 implements BusDevice {
    /** I/O port base of COM1 on a PC. */
    public static final int COM1_BASE = 0x3F8;
    /** ISA interrupt of COM1 on a PC. */
    public static final int COM1_IRQ = 4;
    /** Number of byte registers, so the length of the port window the UART decodes. */
    public static final int REGISTER_COUNT = 8;

    /** Divisor latch at reset (the datasheet leaves it undefined): 9600 baud from the PC's 1.8432 MHz clock. */
    private static final int RESET_DIVISOR = 12;
    /** What a byte lane beyond the eighth register reads: nothing decodes it, so the ISA bus floats high. */
    private static final int OPEN_BUS = 0xFF;
    /** MODEM inputs of the virtual line outside loopback: the peer is present and ready, never ringing. */
    private static final int LINE_MODEM_INPUTS = MSR_CTS | MSR_DSR | MSR_DCD;
    /** Capacity of the receiver and of the transmitter in 16450 mode (FIFOs off): one holding register. */
    private static final int HOLDING_REGISTER_DEPTH = 1;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition hostInputSpace = lock.newCondition();
    private final InterruptLine interrupt;
    private final OutputStream sink;
    private final ByteFifo rxFifo = new ByteFifo(FIFO_DEPTH);
    private final ByteFifo txFifo = new ByteFifo(FIFO_DEPTH);

    private int dll = RESET_DIVISOR & 0xFF;
    private int dlm = RESET_DIVISOR >>> Byte.SIZE;
    private int ier;
    private int fcr;
    private int lcr;
    private int mcr;
    /** OE, PE, FE and BI as latched until the guest reads LSR; the other LSR bits derive from the FIFOs. */
    private int lineErrors;
    private int msr = LINE_MODEM_INPUTS;
    private int scr;
    private int rbr;
    /** The THRE interrupt latch: IIR reports it, reading IIR or writing THR clears it. */
    private boolean thrInterruptPending;
    /** A thread is handing the transmitter shift register's bytes to the sink (with the lock released). */
    private boolean shifting;
    private boolean interruptAsserted;

    /**
     * @param interrupt the UART's interrupt output, as wired to the PIC (gated by MCR.OUT2 like a PC's)
     * @param sink where transmitted bytes go; each batch is written and then flushed
     */
    public Uart16550(InterruptLine interrupt, OutputStream sink) {
        this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public long read(long offset, int size) {
        checkAccess("read", offset, size);
        lock.lock();
        try {
            // A wider access than the byte-wide chip is split into byte cycles by the ISA bus, lowest address first.
            long value = 0;
            for (int lane = 0; lane < size; lane++) {
                long register = offset + lane;
                int data = register < REGISTER_COUNT ? readRegister((int) register) : OPEN_BUS;
                value |= (long) data << (Byte.SIZE * lane);
            }
            return value;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(long offset, int size, long value) {
        checkAccess("write", offset, size);
        byte[] toShift = null;
        lock.lock();
        try {
            for (int lane = 0; lane < size; lane++) {
                long register = offset + lane;
                if (register < REGISTER_COUNT) {
                    byte[] loaded = writeRegister((int) register, (int) (value >>> (Byte.SIZE * lane)) & 0xFF);
                    toShift = loaded != null ? loaded : toShift;
                }
            }
        } finally {
            lock.unlock();
        }
        if (toShift != null) {
            shiftOut(toShift);
        }
    }

    /**
     * Host input arriving on the serial line: queues as many of {@code length} bytes as the receiver has room
     * for and returns that count, 0 when it is full or in loopback (whose receiver is cut off from the line).
     */
    public int receive(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        lock.lock();
        try {
            int accepted = Math.min(length, hostInputRoom());
            for (int i = 0; i < accepted; i++) {
                rxFifo.push(bytes[offset + i]);
            }
            if (accepted > 0) {
                updateInterrupt();
            }
            return accepted;
        } finally {
            lock.unlock();
        }
    }

    /** How many bytes {@link #receive} would accept now. */
    public int rxSpace() {
        lock.lock();
        try {
            return hostInputRoom();
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until {@link #receive} would accept at least one byte. */
    void awaitRxSpace() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (hostInputRoom() == 0) {
                hostInputSpace.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of every register and both FIFOs, taken without the side effects of reading LSR, MSR or IIR. */
    public UartState state() {
        lock.lock();
        try {
            return new UartState(dll, dlm, ier, fcr, lcr, mcr, lineStatus(), msr, scr, rbr, thrInterruptPending,
                    rxFifo.toArray(), txFifo.toArray());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Loads a snapshot taken by {@link #state}, re-drives the interrupt line to match it, and transmits any bytes
     * its transmit FIFO still held.
     */
    public void restore(UartState state) {
        int depth = (state.fcr() & FCR_FIFO_ENABLE) != 0 ? FIFO_DEPTH : HOLDING_REGISTER_DEPTH;
        if (state.rxFifo().length > depth || state.txFifo().length > depth) {
            throw new IllegalArgumentException("UART state holds %d received and %d transmit bytes, more than fcr=0x%02x allows (%d)"
                    .formatted(state.rxFifo().length, state.txFifo().length, state.fcr(), depth));
        }
        byte[] toShift = null;
        lock.lock();
        try {
            dll = state.dll();
            dlm = state.dlm();
            ier = state.ier();
            fcr = state.fcr();
            lcr = state.lcr();
            mcr = state.mcr();
            lineErrors = state.lsr() & LSR_LINE_ERRORS;
            msr = state.msr();
            scr = state.scr();
            rbr = state.rbr();
            thrInterruptPending = state.thrInterruptPending();
            rxFifo.fill(state.rxFifo());
            txFifo.fill(state.txFifo());
            hostInputSpace.signalAll();
            updateInterrupt();
            if (!txFifo.isEmpty() && !shifting) {
                shifting = true;
                toShift = loadShiftRegister();
            }
        } finally {
            lock.unlock();
        }
        if (toShift != null) {
            shiftOut(toShift);
        }
    }

    private int readRegister(int register) {
        return switch (register) {
            case RBR -> dlab() ? dll : readRbr();
            case IER -> dlab() ? dlm : ier;
            case IIR -> readIir();
            case LCR -> lcr;
            case MCR -> mcr;
            case LSR -> readLsr();
            case MSR -> readMsr();
            case SCR -> scr;
            default -> throw new IllegalArgumentException("16550 register offset " + register);
        };
    }

    /** Returns the bytes this write loaded into the transmit shift register, for the caller to send unlocked. */
    private byte[] writeRegister(int register, int value) {
        switch (register) {
            case THR -> {
                if (!dlab()) {
                    return writeThr((byte) value);
                }
                dll = value;
            }
            case IER -> {
                if (dlab()) {
                    dlm = value;
                } else {
                    writeIer(value);
                }
            }
            case FCR -> writeFcr(value);
            case LCR -> lcr = value;
            case MCR -> writeMcr(value);
            case LSR, MSR -> {
                // The datasheet reserves writes to the status registers for factory test; QEMU ignores them too.
            }
            case SCR -> scr = value;
            default -> throw new IllegalArgumentException("16550 register offset " + register);
        }
        return null;
    }

    private int readRbr() {
        if (!rxFifo.isEmpty()) {
            rbr = rxFifo.pop() & 0xFF;
            hostInputSpace.signalAll();
            updateInterrupt();
        }
        // With nothing received the chip keeps presenting the last character, so do we.
        return rbr;
    }

    private int readIir() {
        int identification = pendingInterrupt();
        if (identification == IIR_THR_EMPTY) {
            thrInterruptPending = false;
            updateInterrupt();
        }
        return identification | (fifosEnabled() ? IIR_FIFOS_ENABLED : 0);
    }

    private int readLsr() {
        int value = lineStatus();
        if (lineErrors != 0) {
            lineErrors = 0;
            updateInterrupt();
        }
        return value;
    }

    private int readMsr() {
        int value = msr;
        if ((msr & MSR_DELTAS) != 0) {
            msr &= ~MSR_DELTAS;
            updateInterrupt();
        }
        return value;
    }

    private byte[] writeThr(byte value) {
        // Writing THR clears the THRE interrupt. Dropping the line now, before THR empties again below, hands an
        // edge-triggered PIC the new edge it needs to deliver the next THRE interrupt.
        thrInterruptPending = false;
        if (loopback()) {
            loopbackReceive(value);
            updateInterrupt();
            thrEmptied();
            updateInterrupt();
            return null;
        }
        if (txFifo.size() < transmitterDepth()) {
            txFifo.push(value);
        }
        // else the guest wrote past a full FIFO without waiting for THRE; the chip loses that byte too.
        updateInterrupt();
        if (shifting) {
            return null; // the thread already sending picks this byte up when its batch is done
        }
        shifting = true;
        return loadShiftRegister();
    }

    private void writeIer(int value) {
        int previous = ier;
        ier = value & IER_WRITABLE;
        if ((ier & IER_ETBEI) == 0) {
            thrInterruptPending = false;
        } else if ((previous & IER_ETBEI) == 0 && txFifo.isEmpty()) {
            // Enabling ETBEI while THR is empty raises THRE at once: Linux's 8250 driver starts transmitting this
            // way and probes for the behaviour (UART_BUG_THRE, UART_BUG_TXEN).
            thrInterruptPending = true;
        }
        updateInterrupt();
    }

    private void writeFcr(int value) {
        boolean enable = (value & FCR_FIFO_ENABLE) != 0;
        if (enable != fifosEnabled()) {
            // Switching between FIFO and 16450 mode clears both FIFOs.
            resetReceiver();
            resetTransmitter();
        }
        if (enable) {
            fcr = value & FCR_PROGRAMMED;
            if ((value & FCR_RCVR_FIFO_RESET) != 0) {
                resetReceiver();
            }
            if ((value & FCR_XMIT_FIFO_RESET) != 0) {
                resetTransmitter();
            }
        } else {
            // "FCR0 must be 1 when other FCR bits are written to or they will not be programmed."
            fcr &= ~FCR_FIFO_ENABLE;
        }
        updateInterrupt();
    }

    private void writeMcr(int value) {
        boolean wasLoopback = loopback();
        mcr = value & MCR_WRITABLE;
        refreshModemInputs();
        if (wasLoopback && !loopback()) {
            hostInputSpace.signalAll(); // the receiver is back on the line, so held host input may flow again
        }
        updateInterrupt();
    }

    /** Recomputes the MSR inputs (from the line, or from MCR in loopback) and latches a delta for each change. */
    private void refreshModemInputs() {
        int inputs = loopback() ? loopbackModemInputs() : LINE_MODEM_INPUTS;
        int previous = msr & ~MSR_DELTAS;
        int changed = previous ^ inputs;
        int deltas = 0;
        if ((changed & MSR_CTS) != 0) {
            deltas |= MSR_DCTS;
        }
        if ((changed & MSR_DSR) != 0) {
            deltas |= MSR_DDSR;
        }
        if ((previous & MSR_RI) != 0 && (inputs & MSR_RI) == 0) {
            deltas |= MSR_TERI;
        }
        if ((changed & MSR_DCD) != 0) {
            deltas |= MSR_DDCD;
        }
        msr = inputs | (msr & MSR_DELTAS) | deltas;
    }

    /** In loopback the four MODEM control outputs feed the four MODEM status inputs. */
    private int loopbackModemInputs() {
        int inputs = 0;
        if ((mcr & MCR_RTS) != 0) {
            inputs |= MSR_CTS;
        }
        if ((mcr & MCR_DTR) != 0) {
            inputs |= MSR_DSR;
        }
        if ((mcr & MCR_OUT1) != 0) {
            inputs |= MSR_RI;
        }
        if ((mcr & MCR_OUT2) != 0) {
            inputs |= MSR_DCD;
        }
        return inputs;
    }

    /** A character shifted from the transmitter straight into the receiver, which overruns if it has no room. */
    private void loopbackReceive(byte value) {
        if (rxFifo.size() < receiverDepth()) {
            rxFifo.push(value);
            return;
        }
        lineErrors |= LSR_OE;
        if (!fifosEnabled()) {
            // In 16450 mode the new character overwrites the unread one in RBR; a full FIFO instead keeps its
            // contents and the new character is lost in the shift register.
            rxFifo.pop();
            rxFifo.push(value);
        }
    }

    private void resetReceiver() {
        rxFifo.clear();
        hostInputSpace.signalAll();
    }

    private void resetTransmitter() {
        if (!txFifo.isEmpty()) {
            txFifo.clear();
            thrEmptied();
        }
    }

    /** Moves the whole transmit FIFO into the (virtual) shift register, which empties THR. */
    private byte[] loadShiftRegister() {
        byte[] bytes = txFifo.drain();
        thrEmptied();
        updateInterrupt();
        return bytes;
    }

    private void thrEmptied() {
        if ((ier & IER_ETBEI) != 0) {
            thrInterruptPending = true;
        }
    }

    /**
     * Sends shift-register batches to the sink until the transmit FIFO stays empty. Runs on the thread that
     * started transmitting, without the lock. Each batch is one write and one flush: a console has to show a
     * prompt that ends without a newline, and no later event would flush it. Bytes other vCPUs write meanwhile
     * queue in the FIFO and leave as the next single batch.
     */
    private void shiftOut(byte[] first) {
        byte[] batch = first;
        try {
            while (batch != null) {
                try {
                    sink.write(batch);
                    sink.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException("16550 output sink failed taking %d transmitted bytes".formatted(batch.length), e);
                }
                batch = nextBatch();
            }
        } finally {
            if (batch != null) {
                abandonTransmission();
            }
        }
    }

    private byte[] nextBatch() {
        lock.lock();
        try {
            if (txFifo.isEmpty()) {
                shifting = false; // TEMT: nothing in THR/FIFO or the shift register
                return null;
            }
            return loadShiftRegister();
        } finally {
            lock.unlock();
        }
    }

    /** The sink failed: what was still queued is lost with the line, and the transmitter goes idle. */
    private void abandonTransmission() {
        lock.lock();
        try {
            resetTransmitter();
            shifting = false;
            updateInterrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * LSR as the guest reads it. A virtual line carries no parity, framing or break errors, so PE, FE, BI and the
     * RX FIFO error bit stay 0; OE is the one error it can have, from loopback into a full receiver.
     */
    private int lineStatus() {
        int value = lineErrors;
        if (!rxFifo.isEmpty()) {
            value |= LSR_DR;
        }
        if (txFifo.isEmpty()) {
            value |= LSR_THRE;
            if (!shifting) {
                value |= LSR_TEMT;
            }
        }
        return value;
    }

    /** The highest-priority enabled interrupt condition, as its IIR identification code. */
    private int pendingInterrupt() {
        if ((ier & IER_ELSI) != 0 && lineErrors != 0) {
            return IIR_RECEIVER_LINE_STATUS;
        }
        if ((ier & IER_ERBFI) != 0 && !rxFifo.isEmpty()) {
            // Below the trigger level the datasheet raises a character timeout once the receiver has been idle
            // for four character times; on a virtual line it is idle as soon as a receive call returns, so the
            // timeout holds at once instead of after a timer (QEMU's) that would only delay the guest's input.
            return rxFifo.size() >= receiverTriggerLevel() ? IIR_RECEIVED_DATA_AVAILABLE : IIR_CHARACTER_TIMEOUT;
        }
        if ((ier & IER_ETBEI) != 0 && thrInterruptPending) {
            return IIR_THR_EMPTY;
        }
        if ((ier & IER_EDSSI) != 0 && (msr & MSR_DELTAS) != 0) {
            return IIR_MODEM_STATUS;
        }
        return IIR_NO_INTERRUPT_PENDING;
    }

    /**
     * Drives the interrupt line when its level changes. A PC wires the 16550's INTR pin to the PIC through a
     * buffer that OUT2 enables, so the line is asserted only with MCR.OUT2 set. QEMU ignores OUT2, but every
     * driver written for real PCs (Linux's 8250 sets OUT2 whenever it has an IRQ: "most PC uarts need OUT2 raised
     * to enable interrupts") sets it, so gating costs such guests nothing and keeps polled-mode firmware, which
     * leaves OUT2 clear, from taking interrupts it never asked for.
     */
    private void updateInterrupt() {
        boolean asserted = (mcr & MCR_OUT2) != 0 && pendingInterrupt() != IIR_NO_INTERRUPT_PENDING;
        if (asserted != interruptAsserted) {
            interruptAsserted = asserted;
            interrupt.setLevel(asserted);
        }
    }

    private int hostInputRoom() {
        return loopback() ? 0 : receiverDepth() - rxFifo.size();
    }

    private int receiverTriggerLevel() {
        return fifosEnabled() ? rcvrTriggerLevel(fcr) : 1;
    }

    private int receiverDepth() {
        return fifosEnabled() ? FIFO_DEPTH : HOLDING_REGISTER_DEPTH;
    }

    private int transmitterDepth() {
        return receiverDepth();
    }

    private boolean fifosEnabled() {
        return (fcr & FCR_FIFO_ENABLE) != 0;
    }

    private boolean dlab() {
        return (lcr & LCR_DLAB) != 0;
    }

    private boolean loopback() {
        return (mcr & MCR_LOOP) != 0;
    }

    private static void checkAccess(String access, long offset, int size) {
        if (offset < 0 || offset >= REGISTER_COUNT || (size != 1 && size != 2 && size != 4 && size != 8)) {
            throw new IllegalArgumentException("16550 %s of %d bytes at offset 0x%x: the UART decodes offsets 0..%d with 1-, 2-, 4- or 8-byte accesses"
                    .formatted(access, size, offset, REGISTER_COUNT - 1));
        }
    }
}
