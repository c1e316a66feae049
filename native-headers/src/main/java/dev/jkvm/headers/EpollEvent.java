package dev.jkvm.headers;

import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct epoll_event} from {@code <sys/epoll.h>}. On x86-64 glibc declares it packed, so the 64-bit
 * {@code data} sits at offset 4 and the struct is 12 bytes; the unaligned value layouts reproduce that.
 */
public final class EpollEvent {

    /** The C layout, 12 bytes, byte-aligned. */
    public static final StructLayout LAYOUT = Layouts.struct("epoll_event",
            ValueLayout.JAVA_INT_UNALIGNED.withName("events"),
            ValueLayout.JAVA_LONG_UNALIGNED.withName("data"));

    /** Offset of {@code uint32_t events}. */
    public static final long OFFSET_EVENTS = Layouts.offset(LAYOUT, "events");
    /** Offset of {@code epoll_data_t data}. */
    public static final long OFFSET_DATA = Layouts.offset(LAYOUT, "data");

    /** {@code uint32_t events}: the EPOLL* event mask. */
    public static final VarHandle EVENTS = Layouts.varHandle(LAYOUT, "events");
    /** {@code epoll_data_t data}, read and written as its 64-bit member {@code u64}. */
    public static final VarHandle DATA = Layouts.varHandle(LAYOUT, "data");

    private EpollEvent() {
    }
}
