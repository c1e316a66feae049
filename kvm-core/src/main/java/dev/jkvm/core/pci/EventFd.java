package dev.jkvm.core.pci;

import dev.jkvm.headers.Errno;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A non-blocking, close-on-exec eventfd used as a doorbell between KVM and jkvm's threads (irqfd, ioeventfd).
 *
 * <p>{@link #signal} and {@link #drain} run once per interrupt and once per guest kick, so unlike {@link Libc}'s
 * read and write they allocate nothing: the 8-byte buffers are made once, here, and each is used under its own
 * lock. The calls go through downcalls without errno capture, which allocate nothing once compiled (a capturing
 * downcall allocates per call); only when a call fails is it repeated with errno captured, to tell EAGAIN from a
 * real error.
 */
public final class EventFd implements AutoCloseable {
    /** What a signal adds to the eventfd's counter. */
    private static final long SIGNAL_INCREMENT = 1;
    /** eventfd reads and writes move exactly one 8-byte counter value. */
    private static final long COUNTER_SIZE = Long.BYTES;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** ssize_t read(int, void *, size_t) and write's signature. */
    private static final FunctionDescriptor READ_WRITE = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("write"),
            READ_WRITE);
    private static final MethodHandle READ = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("read"),
            READ_WRITE);
    private static final MethodHandle WRITE_WITH_ERRNO = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("write"), READ_WRITE, Linker.Option.captureCallState("errno"));
    private static final MethodHandle READ_WITH_ERRNO = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("read"), READ_WRITE, Linker.Option.captureCallState("errno"));

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment signalValue;
    private final MemorySegment signalState;
    private final MemorySegment drainValue;
    private final MemorySegment drainState;
    private boolean closed;

    private EventFd(int fd) {
        this.fd = fd;
        this.signalValue = arena.allocate(JAVA_LONG);
        signalValue.set(JAVA_LONG, 0, SIGNAL_INCREMENT);
        this.signalState = arena.allocate(CALL_STATE);
        this.drainValue = arena.allocate(JAVA_LONG);
        this.drainState = arena.allocate(CALL_STATE);
    }

    /** eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK). */
    public static EventFd create() {
        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        try {
            return new EventFd(fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    /**
     * Adds 1 to the counter, waking whoever waits on it (KVM's irqfd, an epoll thread). A counter already at its
     * maximum (EAGAIN) is already signalled, so that is not an error. A closed eventfd ignores signals.
     */
    public void signal() {
        synchronized (signalState) {
            if (closed) {
                return;
            }
            try {
                if ((long) WRITE.invokeExact(fd, signalValue, COUNTER_SIZE) >= 0) {
                    return;
                }
                long written = (long) WRITE_WITH_ERRNO.invokeExact(signalState, fd, signalValue, COUNTER_SIZE);
                if (written < 0 && errno(signalState) != Errno.EAGAIN) {
                    throw new NativeException("write(eventfd " + fd + ", " + SIGNAL_INCREMENT + ")", errno(signalState));
                }
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    /** Reads and resets the counter: how many signals arrived since the last drain (0 when none, or closed). */
    public long drain() {
        synchronized (drainState) {
            if (closed) {
                return 0;
            }
            long read;
            try {
                read = (long) READ.invokeExact(fd, drainValue, COUNTER_SIZE);
                if (read < 0) {
                    read = (long) READ_WITH_ERRNO.invokeExact(drainState, fd, drainValue, COUNTER_SIZE);
                }
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (read < 0) {
                if (errno(drainState) == Errno.EAGAIN) {
                    return 0;
                }
                throw new NativeException("read(eventfd " + fd + ")", errno(drainState));
            }
            return drainValue.get(JAVA_LONG, 0);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException runtime) {
            return runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("unexpected checked exception from a downcall", t);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** Closes the descriptor; later signals and drains do nothing. */
    @Override
    public void close() {
        synchronized (signalState) {
            synchronized (drainState) {
                if (closed) {
                    return;
                }
                closed = true;
            }
        }
        try {
            Libc.close(fd);
        } finally {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "eventfd " + fd;
    }
}
