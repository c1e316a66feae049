package dev.jkvm.headers;

import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.u16;
import static dev.jkvm.headers.Layouts.u32;

/** {@code struct pollfd} from {@code <poll.h>}: one descriptor watched by {@link Libc#poll}. */
public final class PollFd {

    /** The C layout, 8 bytes. */
    public static final StructLayout LAYOUT = Layouts.struct("pollfd", u32("fd"), u16("events"), u16("revents"));

    /** Offset of {@code int fd}. */
    public static final long OFFSET_FD = Layouts.offset(LAYOUT, "fd");
    /** Offset of {@code short events}. */
    public static final long OFFSET_EVENTS = Layouts.offset(LAYOUT, "events");
    /** Offset of {@code short revents}. */
    public static final long OFFSET_REVENTS = Layouts.offset(LAYOUT, "revents");

    /** {@code int fd}: the descriptor to watch. */
    public static final VarHandle FD = Layouts.varHandle(LAYOUT, "fd");
    /** {@code short events}: the POLL* events asked for. */
    public static final VarHandle EVENTS = Layouts.varHandle(LAYOUT, "events");
    /** {@code short revents}: the POLL* events that occurred. */
    public static final VarHandle REVENTS = Layouts.varHandle(LAYOUT, "revents");

    private PollFd() {
    }
}
