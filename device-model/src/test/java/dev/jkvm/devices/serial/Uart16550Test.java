package dev.jkvm.devices.serial;

import static dev.jkvm.devices.serial.UartRegisters.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

class Uart16550Test {
    private final RecordingInterruptLine line = new RecordingInterruptLine();
    private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
    private final Uart16550 uart = new Uart16550(line, sink);

    private int in(int register) {
        return (int) uart.read(register, 1);
    }

    private void out(int register, int value) {
        uart.write(register, 1, value);
    }

    private void receive(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(bytes.length, uart.receive(bytes, 0, bytes.length), "receiver accepts all of \"" + text + "\"");
    }

    @Test
    void resetValuesMatchTheDatasheet() {
        assertEquals(0x00, in(IER));
        assertEquals(IIR_NO_INTERRUPT_PENDING, in(IIR));
        assertEquals(0x00, in(LCR));
        assertEquals(0x00, in(MCR));
        assertEquals(LSR_THRE | LSR_TEMT, in(LSR));
        assertEquals(MSR_CTS | MSR_DSR | MSR_DCD, in(MSR), "a connected virtual line: CTS, DSR, DCD, no deltas");
        assertEquals(List.of(), line.levels(), "nothing drives the line at reset");
    }

    @Test
    void scratchRegisterHoldsEveryByte() {
        for (int value = 0; value <= 0xFF; value++) {
            out(SCR, value);
            assertEquals(value, in(SCR));
        }
    }

    @Test
    void dlabMapsTheDivisorLatchOverRbrThrAndIer() {
        out(IER, IER_ERBFI | IER_ELSI);
        out(LCR, LCR_DLAB | 0x03);
        out(DLL, 0x34);
        out(DLM, 0x12);
        assertEquals(0x34, in(DLL));
        assertEquals(0x12, in(DLM));
        assertEquals(0, sink.size(), "a DLL write is not a transmission");

        out(LCR, 0x03);
        assertEquals(IER_ERBFI | IER_ELSI, in(IER), "IER kept its value behind the latch");
        out(IER, IER_EDSSI);
        out(LCR, LCR_DLAB | 0x03);
        assertEquals(0x34, in(DLL), "IER writes leave the latch alone");
        assertEquals(0x12, in(DLM));
    }

    @Test
    void wideAccessesSplitIntoByteRegisters() {
        out(LCR, LCR_DLAB);
        uart.write(DLL, 2, 0x0180);
        assertEquals(0x80, in(DLL));
        assertEquals(0x01, in(DLM));
        out(LCR, 0);
        out(SCR, 0x5A);
        assertEquals(0xFF5A, uart.read(SCR, 2), "the lane past the last register reads open bus");
        assertEquals((0x5AL << 8) | (MSR_CTS | MSR_DSR | MSR_DCD), uart.read(MSR, 2));
    }

    @Test
    void accessesOutsideTheWindowAreRefusedWithContext() {
        IllegalArgumentException offset = assertThrows(IllegalArgumentException.class, () -> uart.read(8, 1));
        assertTrue(offset.getMessage().contains("offset 0x8"), offset.getMessage());
        assertThrows(IllegalArgumentException.class, () -> uart.write(0, 3, 0));
    }

    @Test
    void lcrAndMcrReadBackWhatWasWritten() {
        for (int value = 0; value <= 0xFF; value++) {
            out(LCR, value);
            assertEquals(value, in(LCR));
        }
        out(LCR, 0);
        for (int value = 0; value <= 0xFF; value++) {
            out(MCR, value);
            assertEquals(value & MCR_WRITABLE, in(MCR), "MCR bits 5..7 read 0");
        }
    }

    @Test
    void transmittedBytesReachTheSinkInOrder() {
        for (byte b : "hello, world\n".getBytes(StandardCharsets.US_ASCII)) {
            out(THR, b);
            assertEquals(LSR_THRE | LSR_TEMT, in(LSR) & (LSR_THRE | LSR_TEMT), "transmitter idle after each byte");
        }
        assertEquals("hello, world\n", sink.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void enablingEtbeiWithThrEmptyRaisesThreUntilIirIsRead() {
        out(MCR, MCR_OUT2);
        out(IER, IER_ETBEI);
        assertTrue(line.asserted(), "THRE raised on enabling ETBEI");
        assertEquals(IIR_THR_EMPTY, in(IIR));
        assertFalse(line.asserted(), "reading IIR with THRE as the source clears it");
        assertEquals(IIR_NO_INTERRUPT_PENDING, in(IIR));

        out(IER, 0);
        out(IER, IER_ETBEI);
        assertEquals(IIR_THR_EMPTY, in(IIR), "re-enabling raises it again, as Linux's THRE probe expects");
    }

    @Test
    void writingThrClearsThreAndTheEmptiedThrRaisesItWithAFreshEdge() {
        out(MCR, MCR_OUT2);
        out(IER, IER_ETBEI);
        line.forget();
        out(THR, 'x');
        assertEquals(List.of(false, true), line.levels(), "the line drops on the THR write and rises when THR empties");
        assertEquals(IIR_THR_EMPTY, in(IIR));

        line.forget();
        out(THR, 'y');
        assertEquals(List.of(true), line.levels(), "after IIR cleared THRE, the emptied THR raises it again");
        assertEquals("xy", sink.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void iirReportsTheHighestPrioritySourceAndEachHasItsOwnClearingRule() {
        out(FCR, FCR_FIFO_ENABLE);
        out(MCR, MCR_LOOP | MCR_OUT2);
        for (int i = 0; i <= FIFO_DEPTH; i++) {
            out(THR, 'a' + i); // the 17th overruns the full receiver
        }
        out(IER, IER_ERBFI | IER_ETBEI | IER_ELSI | IER_EDSSI);
        assertTrue(line.asserted());

        assertEquals(IIR_FIFOS_ENABLED | IIR_RECEIVER_LINE_STATUS, in(IIR));
        assertEquals(IIR_FIFOS_ENABLED | IIR_RECEIVER_LINE_STATUS, in(IIR), "reading IIR does not clear line status");
        assertEquals(LSR_OE, in(LSR) & LSR_OE);

        assertEquals(IIR_FIFOS_ENABLED | IIR_RECEIVED_DATA_AVAILABLE, in(IIR), "reading LSR cleared line status");
        for (int i = 0; i < FIFO_DEPTH; i++) {
            assertEquals('a' + i, in(RBR));
        }

        assertEquals(IIR_FIFOS_ENABLED | IIR_THR_EMPTY, in(IIR), "emptying the receiver uncovers THRE");
        assertEquals(IIR_FIFOS_ENABLED | IIR_MODEM_STATUS, in(IIR), "reading IIR cleared THRE, uncovering MODEM status");
        assertEquals(MSR_DCTS | MSR_DDSR, in(MSR) & MSR_DELTAS, "entering loopback dropped CTS and DSR");
        assertEquals(IIR_FIFOS_ENABLED | IIR_NO_INTERRUPT_PENDING, in(IIR), "reading MSR cleared MODEM status");
        assertFalse(line.asserted());
    }

    @Test
    void receivedDataAvailableIsReportedAtEachTriggerLevel() {
        out(MCR, MCR_OUT2);
        out(IER, IER_ERBFI);
        int[] triggerBits = {0x00, 0x40, 0x80, 0xC0};
        int[] levels = {1, 4, 8, 14};
        for (int t = 0; t < triggerBits.length; t++) {
            out(FCR, FCR_FIFO_ENABLE | FCR_RCVR_FIFO_RESET | triggerBits[t]);
            assertEquals(IIR_FIFOS_ENABLED | IIR_NO_INTERRUPT_PENDING, in(IIR), "reset receiver is empty");
            byte[] one = {'.'};
            for (int count = 1; count < levels[t]; count++) {
                uart.receive(one, 0, 1);
                assertEquals(IIR_FIFOS_ENABLED | IIR_CHARACTER_TIMEOUT, in(IIR),
                        "%d of %d characters: below the trigger, only the idle-line timeout".formatted(count, levels[t]));
            }
            uart.receive(one, 0, 1);
            assertEquals(IIR_FIFOS_ENABLED | IIR_RECEIVED_DATA_AVAILABLE, in(IIR), "trigger level " + levels[t] + " reached");
            assertTrue(line.asserted());
            in(RBR);
            int expected = levels[t] == 1 ? IIR_NO_INTERRUPT_PENDING : IIR_CHARACTER_TIMEOUT;
            assertEquals(IIR_FIFOS_ENABLED | expected, in(IIR), "reading RBR took the FIFO below trigger " + levels[t]);
        }
    }

    @Test
    void without16550FifosTheReceiverHoldsOneCharacter() {
        assertEquals(1, uart.rxSpace());
        receive("a");
        assertEquals(0, uart.receive(new byte[] {'b'}, 0, 1), "RBR is full");
        out(IER, IER_ERBFI);
        assertEquals(IIR_RECEIVED_DATA_AVAILABLE, in(IIR), "16450 mode: no FIFO bits, no timeout");
        assertEquals('a', in(RBR));
        assertEquals(0, in(LSR) & LSR_DR);
        assertEquals('a', in(RBR), "an empty RBR keeps presenting the last character");
    }

    @Test
    void loopbackIntoAFullFifoOverrunsAndLosesTheNewCharacter() {
        out(FCR, FCR_FIFO_ENABLE);
        out(MCR, MCR_LOOP);
        for (int i = 0; i < FIFO_DEPTH; i++) {
            out(THR, '0' + i);
        }
        assertEquals(0, in(LSR) & LSR_OE, "exactly full is not an overrun");
        out(THR, 'X');
        assertEquals(LSR_OE | LSR_DR, in(LSR) & (LSR_OE | LSR_DR));
        assertEquals(0, in(LSR) & LSR_OE, "reading LSR clears OE");
        StringBuilder received = new StringBuilder();
        while ((in(LSR) & LSR_DR) != 0) {
            received.append((char) in(RBR));
        }
        assertEquals("0123456789:;<=>?", received.toString(), "the FIFO kept its 16 characters; X was lost");
    }

    @Test
    void loopbackOverrunIn16450ModeOverwritesTheUnreadCharacter() {
        out(MCR, MCR_LOOP);
        out(THR, 'a');
        out(THR, 'b');
        assertEquals(LSR_OE | LSR_DR, in(LSR) & (LSR_OE | LSR_DR));
        assertEquals('b', in(RBR));
    }

    @Test
    void hostInputNeverOverrunsItWaitsForRoom() {
        out(FCR, FCR_FIFO_ENABLE);
        byte[] twenty = new byte[20];
        assertEquals(FIFO_DEPTH, uart.receive(twenty, 0, twenty.length));
        assertEquals(0, uart.rxSpace());
        assertEquals(0, uart.receive(twenty, FIFO_DEPTH, 4));
        assertEquals(0, in(LSR) & LSR_OE);
        in(RBR);
        assertEquals(1, uart.rxSpace());
    }

    @Test
    void fcrResetsEachFifoAndChangingModeClearsBoth() {
        out(FCR, FCR_FIFO_ENABLE | 0x80);
        receive("0123456789");
        out(FCR, FCR_FIFO_ENABLE | 0x80 | FCR_RCVR_FIFO_RESET);
        assertEquals(0, in(LSR) & LSR_DR, "receiver FIFO reset");
        assertEquals(FIFO_DEPTH, uart.rxSpace());
        assertEquals(FCR_FIFO_ENABLE | 0x80, uart.state().fcr(), "reset bits self-clear, the trigger stays");

        receive("abc");
        out(FCR, 0);
        assertEquals(0, in(LSR) & LSR_DR, "leaving FIFO mode clears the FIFOs");
        assertEquals(IIR_NO_INTERRUPT_PENDING, in(IIR), "IIR bits 6..7 follow FCR0");
        assertEquals(1, uart.rxSpace());
        out(FCR, 0x40 | FCR_RCVR_FIFO_RESET);
        assertEquals(0x80, uart.state().fcr(), "with FCR0 clear the other bits are not programmed");
    }

    @Test
    void xmitFifoResetDiscardsQueuedBytesAndRaisesThre() throws Exception {
        CountDownLatch firstWriteEntered = new CountDownLatch(1);
        CountDownLatch releaseSink = new CountDownLatch(1);
        OutputStream blockingSink = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("the UART writes whole batches");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                firstWriteEntered.countDown();
                await(releaseSink);
            }
        };
        Uart16550 blocked = new Uart16550(line, blockingSink);
        blocked.write(FCR, 1, FCR_FIFO_ENABLE);
        CompletableFuture<Void> vcpu0 = CompletableFuture.runAsync(() -> blocked.write(THR, 1, 'a'));
        assertTrue(firstWriteEntered.await(10, TimeUnit.SECONDS), "the sink was never written");
        blocked.write(THR, 1, 'b');
        assertEquals(0, blocked.read(LSR, 1) & (LSR_THRE | LSR_TEMT), "b waits in the FIFO while a is on the wire");
        blocked.write(IER, 1, IER_ETBEI);
        blocked.write(FCR, 1, FCR_FIFO_ENABLE | FCR_XMIT_FIFO_RESET);
        assertEquals(LSR_THRE, blocked.read(LSR, 1) & (LSR_THRE | LSR_TEMT), "FIFO empty, shift register still busy");
        assertEquals(IIR_FIFOS_ENABLED | IIR_THR_EMPTY, blocked.read(IIR, 1));
        releaseSink.countDown();
        vcpu0.get(10, TimeUnit.SECONDS);
        assertEquals(LSR_THRE | LSR_TEMT, blocked.read(LSR, 1) & (LSR_THRE | LSR_TEMT));
    }

    @Test
    void bytesQueuedWhileTheSinkIsBusyLeaveAsOneBatch() throws Exception {
        CountDownLatch firstWriteEntered = new CountDownLatch(1);
        CountDownLatch releaseSink = new CountDownLatch(1);
        List<String> writes = new ArrayList<>();
        List<Integer> flushes = new ArrayList<>();
        OutputStream countingSink = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("the UART writes whole batches");
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.US_ASCII));
                firstWriteEntered.countDown();
                await(releaseSink);
            }

            @Override
            public synchronized void flush() {
                flushes.add(writes.size());
            }
        };
        Uart16550 busy = new Uart16550(line, countingSink);
        busy.write(FCR, 1, FCR_FIFO_ENABLE);
        CompletableFuture<Void> vcpu0 = CompletableFuture.runAsync(() -> busy.write(THR, 1, '>'));
        assertTrue(firstWriteEntered.await(10, TimeUnit.SECONDS), "the sink was never written");
        for (byte b : "hello".getBytes(StandardCharsets.US_ASCII)) {
            busy.write(THR, 1, b); // another vCPU: queues and returns at once
        }
        releaseSink.countDown();
        vcpu0.get(10, TimeUnit.SECONDS);
        synchronized (countingSink) {
            assertEquals(List.of(">", "hello"), writes, "one write per batch, in order");
            assertEquals(List.of(1, 2), flushes, "one flush per batch, so a prompt without newline still shows");
        }
    }

    @Test
    void theSinkIsWrittenWithoutTheDeviceLockHeld() {
        AtomicReference<Uart16550> device = new AtomicReference<>();
        OutputStream sinkThatPollsTheUart = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                // Another vCPU polls LSR while this one is in the sink; were the sink called under the device lock,
                // the poll would wait for this write, which waits for the poll.
                CompletableFuture<Long> poll = CompletableFuture.supplyAsync(() -> device.get().read(LSR, 1));
                try {
                    assertEquals(0, poll.get(10, TimeUnit.SECONDS) & LSR_TEMT, "TEMT clear while the byte is on the wire");
                } catch (Exception e) {
                    throw new IOException("LSR poll from another thread blocked while the sink ran", e);
                }
            }
        };
        device.set(new Uart16550(line, sinkThatPollsTheUart));
        device.get().write(THR, 1, 'z');
        assertEquals(LSR_THRE | LSR_TEMT, device.get().read(LSR, 1) & (LSR_THRE | LSR_TEMT));
    }

    @Test
    void aFailingSinkIsReportedAndLeavesTheTransmitterIdle() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        Uart16550 device = new Uart16550(line, broken);
        UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> device.write(THR, 1, 'q'));
        assertTrue(failure.getMessage().contains("16550 output sink"), failure.getMessage());
        assertEquals("Broken pipe", failure.getCause().getMessage());
        assertEquals(LSR_THRE | LSR_TEMT, device.read(LSR, 1) & (LSR_THRE | LSR_TEMT));
    }

    @Test
    void loopbackTurnsTransmissionIntoReceptionAndFeedsMcrIntoMsr() {
        out(MCR, MCR_LOOP);
        assertEquals(MSR_DCTS | MSR_DDSR | MSR_DDCD, in(MSR), "CTS, DSR, DCD dropped: nothing in MCR drives them");
        out(THR, 'L');
        assertEquals(0, sink.size(), "loopback disconnects the line");
        assertEquals(LSR_DR, in(LSR) & LSR_DR);
        assertEquals('L', in(RBR));
        assertEquals(0, uart.rxSpace(), "host input waits while the receiver is cut off from the line");

        out(MCR, MCR_LOOP | MCR_RTS);
        assertEquals(MSR_CTS | MSR_DCTS, in(MSR), "RTS drives CTS");
        out(MCR, MCR_LOOP | MCR_RTS | MCR_DTR);
        assertEquals(MSR_CTS | MSR_DSR | MSR_DDSR, in(MSR), "DTR drives DSR");
        out(MCR, MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT1);
        assertEquals(MSR_CTS | MSR_DSR | MSR_RI, in(MSR), "OUT1 drives RI; a rising RI is no delta");
        out(MCR, MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT2);
        assertEquals(MSR_CTS | MSR_DSR | MSR_DCD | MSR_TERI | MSR_DDCD, in(MSR), "OUT2 drives DCD; RI's trailing edge");
        assertEquals(MSR_CTS | MSR_DSR | MSR_DCD, in(MSR), "reading MSR cleared the deltas");

        out(MCR, 0);
        assertEquals(MSR_CTS | MSR_DSR | MSR_DCD, in(MSR), "back on the line, which also asserts CTS, DSR, DCD");
        assertEquals(1, uart.rxSpace());
    }

    @Test
    void theInterruptReachesThePicOnlyWithOut2() {
        out(IER, IER_ETBEI);
        assertEquals(IIR_THR_EMPTY, in(IIR) & ~IIR_FIFOS_ENABLED, "pending inside the UART");
        out(IER, 0);
        out(IER, IER_ETBEI);
        assertEquals(List.of(), line.levels(), "OUT2 clear: the line is never driven");
        out(MCR, MCR_OUT2);
        assertEquals(List.of(true), line.levels());
        out(MCR, MCR_DTR | MCR_RTS);
        assertEquals(List.of(true, false), line.levels());
    }

    @Test
    void snapshotAndRestoreRoundTripEveryRegisterAndBothFifos() {
        out(LCR, LCR_DLAB);
        out(DLL, 0x01);
        out(DLM, 0x02);
        out(LCR, 0x1B);
        out(FCR, FCR_FIFO_ENABLE | 0x40);
        out(MCR, MCR_LOOP);
        out(MCR, MCR_OUT2 | MCR_RTS); // leaves MSR deltas behind
        out(SCR, 0xA5);
        receive("snapshot");
        in(RBR);
        out(IER, IER_ERBFI | IER_ETBEI | IER_EDSSI);
        UartState saved = uart.state();
        assertArrayEquals("napshot".getBytes(StandardCharsets.US_ASCII), saved.rxFifo());
        assertEquals('s', saved.rbr());
        assertTrue(saved.thrInterruptPending());

        RecordingInterruptLine otherLine = new RecordingInterruptLine();
        ByteArrayOutputStream otherSink = new ByteArrayOutputStream();
        Uart16550 copy = new Uart16550(otherLine, otherSink);
        copy.restore(saved);
        assertEquals(saved, copy.state());
        assertTrue(otherLine.asserted(), "the restored UART re-drives its pending interrupt");

        for (Uart16550 device : List.of(uart, copy)) {
            assertEquals(IIR_FIFOS_ENABLED | IIR_RECEIVED_DATA_AVAILABLE, device.read(IIR, 1));
            StringBuilder rest = new StringBuilder();
            while ((device.read(LSR, 1) & LSR_DR) != 0) {
                rest.append((char) device.read(RBR, 1));
            }
            assertEquals("napshot", rest.toString());
            assertEquals(IIR_FIFOS_ENABLED | IIR_THR_EMPTY, device.read(IIR, 1));
            assertEquals(IIR_FIFOS_ENABLED | IIR_MODEM_STATUS, device.read(IIR, 1));
            assertEquals(0xA5, device.read(SCR, 1));
            device.write(LCR, 1, 0x1B | LCR_DLAB);
            assertEquals(0x0201, device.read(DLL, 2));
        }
    }

    @Test
    void restoreTransmitsBytesTheSnapshotLeftInTheTransmitFifo() {
        UartState withPendingOutput = new UartState(12, 0, 0, FCR_FIFO_ENABLE, 0x03, MCR_OUT2, LSR_THRE | LSR_TEMT,
                MSR_CTS | MSR_DSR | MSR_DCD, 0, 0, false, new byte[0], "ok".getBytes(StandardCharsets.US_ASCII));
        uart.restore(withPendingOutput);
        assertEquals("ok", sink.toString(StandardCharsets.US_ASCII));
        assertEquals(0, uart.state().txFifo().length);
    }

    @Test
    void stateRejectsValuesNoUartCanHold() {
        assertThrows(IllegalArgumentException.class, () -> new UartState(0x100, 0, 0, 0, 0, 0, 0, 0, 0, 0, false,
                new byte[0], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new UartState(0, 0, 0xF0, 0, 0, 0, 0, 0, 0, 0, false,
                new byte[0], new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new UartState(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false,
                new byte[FIFO_DEPTH + 1], new byte[0]));
        UartState sixteen50Mode = new UartState(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, new byte[2], new byte[0]);
        IllegalArgumentException tooMuch = assertThrows(IllegalArgumentException.class, () -> uart.restore(sixteen50Mode));
        assertTrue(tooMuch.getMessage().contains("2 received"), tooMuch.getMessage());
    }

    @Test
    void stateIsImmutable() {
        receive("a");
        UartState state = uart.state();
        state.rxFifo()[0] = 'z';
        assertEquals('a', state.rxFifo()[0]);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("test latch never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
