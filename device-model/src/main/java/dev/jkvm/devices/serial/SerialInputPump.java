package dev.jkvm.devices.serial;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.Objects;

/**
 * A thread that copies a host {@link InputStream} into a UART's receiver, in order and without loss: when the
 * receiver is full it waits (on the UART's condition, not by polling) until the guest reads RBR, resets the FIFO
 * or otherwise makes room. The pump ends at end of input or on {@link #close}.
 *
 * <p>{@code close()} must be able to wake a thread blocked in {@code read}. It interrupts the thread and closes
 * the stream, which stops sockets, pipes between threads and channel-backed streams, but not a plain
 * {@code FileInputStream} such as {@code System.in}: a blocked read(2) on a terminal or pipe ignores both. Use
 * {@link #interruptibleStdin()} for the console, {@link #interruptible} for other files.
 */
public final class SerialInputPump implements AutoCloseable {
    /** How many host bytes one read may take: enough for a pasted line, small beside the FIFO's refill rate. */
    private static final int READ_CHUNK = 4096;
    /** How long {@link #close} waits for the thread to end before reporting it stuck. */
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

    private final InputStream input;
    private final Uart16550 uart;
    private final Duration stopTimeout;
    private final Thread thread;
    private volatile boolean closing;
    private volatile IOException failure;

    private SerialInputPump(String name, InputStream input, Uart16550 uart, Duration stopTimeout) {
        this.input = Objects.requireNonNull(input, "input");
        this.uart = Objects.requireNonNull(uart, "uart");
        this.stopTimeout = stopTimeout;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::pump);
    }

    /** Starts a pump thread named {@code name} feeding {@code uart} from {@code input}; the pump owns the stream. */
    public static SerialInputPump start(String name, InputStream input, Uart16550 uart) {
        return start(name, input, uart, DEFAULT_STOP_TIMEOUT);
    }

    static SerialInputPump start(String name, InputStream input, Uart16550 uart, Duration stopTimeout) {
        SerialInputPump pump = new SerialInputPump(name, input, uart, stopTimeout);
        pump.thread.start();
        return pump;
    }

    /**
     * Standard input as a stream whose blocked read ends when its reading thread is interrupted. Closing it
     * closes file descriptor 0.
     */
    public static InputStream interruptibleStdin() {
        return interruptible(new FileInputStream(FileDescriptor.in));
    }

    /**
     * {@code file} read through its channel: the JDK's file channel signals a thread blocked in read(2) out of it
     * when the thread is interrupted, which a plain {@code FileInputStream} read on a terminal, pipe or FIFO
     * ignores. The returned stream owns {@code file}.
     */
    public static InputStream interruptible(FileInputStream file) {
        return Channels.newInputStream(file.getChannel());
    }

    /** Whether the pump thread is still running (false after end of input, a read failure or close). */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /**
     * Stops the thread and closes the input stream, waiting for the thread to end.
     *
     * @throws IOException if the pump had stopped on a read failure (the cause), or if its thread is still blocked
     *     in a read that neither interruption nor closing the stream ended
     */
    @Override
    public void close() throws IOException {
        closing = true;
        thread.interrupt();
        IOException closeFailure = null;
        try {
            input.close();
        } catch (IOException e) {
            closeFailure = e;
        }
        try {
            thread.join(stopTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for serial input pump %s to stop".formatted(thread.getName()));
        }
        if (thread.isAlive()) {
            IOException stuck = new IOException(("serial input pump %s is still blocked reading %s %s after close: the stream "
                    + "ignores interruption and close (use SerialInputPump.interruptibleStdin() for standard input)")
                    .formatted(thread.getName(), input, stopTimeout));
            if (closeFailure != null) {
                stuck.addSuppressed(closeFailure);
            }
            throw stuck;
        }
        if (failure != null) {
            throw new IOException("serial input pump %s stopped on a read failure from %s".formatted(thread.getName(), input), failure);
        }
        if (closeFailure != null) {
            throw new IOException("serial input pump %s could not close %s".formatted(thread.getName(), input), closeFailure);
        }
    }

    private void pump() {
        byte[] buffer = new byte[READ_CHUNK];
        try {
            while (!closing) {
                int count = input.read(buffer, 0, buffer.length);
                if (count < 0) {
                    return; // the host end hung up; the guest just sees no more input
                }
                for (int fed = 0; fed < count; ) {
                    uart.awaitRxSpace();
                    fed += uart.receive(buffer, fed, count - fed);
                }
            }
        } catch (InterruptedException | InterruptedIOException | ClosedByInterruptException e) {
            // close() interrupted a wait or a read: the normal way to stop
        } catch (IOException e) {
            if (!closing) {
                failure = e;
            }
        }
    }
}
