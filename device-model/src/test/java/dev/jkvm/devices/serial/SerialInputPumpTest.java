package dev.jkvm.devices.serial;

import static dev.jkvm.devices.serial.UartRegisters.FCR;
import static dev.jkvm.devices.serial.UartRegisters.FCR_FIFO_ENABLE;
import static dev.jkvm.devices.serial.UartRegisters.LSR;
import static dev.jkvm.devices.serial.UartRegisters.LSR_DR;
import static dev.jkvm.devices.serial.UartRegisters.RBR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

class SerialInputPumpTest {
    /** Enough input to refill a 16-byte FIFO thousands of times. */
    private static final int STREAM_LENGTH = 100_000;

    private final Uart16550 uart = new Uart16550(new RecordingInterruptLine(), new ByteArrayOutputStream());

    @Test
    void deliversAStreamLargerThanTheFifoInOrderWhileTheGuestDrainsIt() throws Exception {
        byte[] input = new byte[STREAM_LENGTH];
        new Random(16550).nextBytes(input);
        uart.write(FCR, 1, FCR_FIFO_ENABLE);
        byte[] received = new byte[STREAM_LENGTH];
        try (SerialInputPump pump = SerialInputPump.start("test-pump", new ByteArrayInputStream(input), uart)) {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                // The guest: poll LSR.DR and read RBR, as a polling driver does.
                for (int count = 0; count < STREAM_LENGTH; ) {
                    if ((uart.read(LSR, 1) & LSR_DR) != 0) {
                        received[count++] = (byte) uart.read(RBR, 1);
                    } else {
                        Thread.onSpinWait();
                    }
                }
            }, "the guest did not receive the whole stream");
            pump.close();
            assertFalse(pump.isRunning());
        }
        assertArrayEquals(input, received);
        assertEquals(0, uart.read(LSR, 1) & LSR_DR, "nothing beyond the stream arrived");
    }

    @Test
    void closeStopsAThreadBlockedReadingInput() throws Exception {
        PipedOutputStream host = new PipedOutputStream();
        PipedInputStream input = new PipedInputStream(host);
        SerialInputPump pump = SerialInputPump.start("blocked-reader", input, uart);
        host.write('a');
        host.flush();
        awaitReceived(1);
        assertTrue(pump.isRunning(), "no input is no reason to stop");
        pump.close();
        assertFalse(pump.isRunning());
        assertNoThreadNamed("blocked-reader");
    }

    @Test
    void closeStopsAThreadWaitingForFifoSpace() throws Exception {
        byte[] moreThanFits = new byte[64];
        SerialInputPump pump = SerialInputPump.start("blocked-feeder", new ByteArrayInputStream(moreThanFits), uart);
        awaitReceived(1);
        assertEquals(0, uart.rxSpace(), "the 16450-mode receiver is full, so the pump waits");
        assertTrue(pump.isRunning());
        pump.close();
        assertFalse(pump.isRunning());
        assertNoThreadNamed("blocked-feeder");
    }

    @Test
    void thePumpWaitsForRoomInsteadOfDroppingInput() throws Exception {
        try (SerialInputPump pump = SerialInputPump.start("slow-guest", new ByteArrayInputStream("abc".getBytes()), uart)) {
            awaitReceived(1);
            assertEquals(0, uart.rxSpace());
            assertTrue(pump.isRunning(), "still holding b and c");
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                awaitReceived(1);
                seen.append((char) uart.read(RBR, 1));
            }
            assertEquals("abc", seen.toString());
        }
    }

    @Test
    void endOfInputEndsThePump() throws Exception {
        SerialInputPump pump = SerialInputPump.start("short-input", new ByteArrayInputStream(new byte[0]), uart);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            while (pump.isRunning()) {
                Thread.sleep(1);
            }
        });
        pump.close();
    }

    @Test
    void closeReportsAReadFailure() throws Exception {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Input/output error");
            }
        };
        SerialInputPump pump = SerialInputPump.start("failing-input", failing, uart);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            while (pump.isRunning()) {
                Thread.sleep(1);
            }
        }, "a read failure did not end the pump");
        IOException failure = assertThrows(IOException.class, pump::close);
        assertTrue(failure.getMessage().contains("failing-input"), failure.getMessage());
        assertEquals("Input/output error", failure.getCause().getMessage());
    }

    @Test
    void closeReportsAStreamItCannotStop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch reading = new CountDownLatch(1);
        InputStream deaf = new InputStream() {
            @Override
            public int read() {
                reading.countDown();
                boolean interrupted = false;
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted = true; // like read(2) on a terminal: interruption does not end it
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };
        SerialInputPump pump = SerialInputPump.start("deaf-input", deaf, uart, Duration.ofMillis(200));
        assertTrue(reading.await(10, TimeUnit.SECONDS));
        IOException stuck = assertThrows(IOException.class, pump::close);
        assertTrue(stuck.getMessage().contains("still blocked"), stuck.getMessage());
        release.countDown();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            while (pump.isRunning()) {
                Thread.sleep(1);
            }
        }, "the released pump thread did not end");
    }

    @Test
    void closeStopsAPumpBlockedReadingAFifoThroughTheInterruptibleWrapper(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("console");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo " + fifo + " failed: this test needs a POSIX FIFO, as a terminal's stdin is");
        // Opened read-write first, so the reader's open does not wait for a writer and the FIFO never sees EOF.
        try (RandomAccessFile host = new RandomAccessFile(fifo.toFile(), "rw")) {
            SerialInputPump pump = SerialInputPump.start("fifo-reader",
                    SerialInputPump.interruptible(new FileInputStream(fifo.toFile())), uart);
            host.write('f');
            awaitReceived(1);
            assertEquals('f', uart.read(RBR, 1));
            assertTrue(pump.isRunning(), "blocked in read(2) on the empty FIFO");
            pump.close();
            assertFalse(pump.isRunning());
            assertNoThreadNamed("fifo-reader");
        }
    }

    private void awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (uart.state().rxFifo().length < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the pump delivered nothing within 10 s");
            }
            Thread.sleep(1);
        }
    }

    private static void assertNoThreadNamed(String name) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            assertFalse(thread.getName().equals(name) && thread.isAlive(), "pump thread " + name + " left behind");
        }
    }
}
