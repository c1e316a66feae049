package dev.jkvm.headers;

import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.pointer;
import static dev.jkvm.headers.Layouts.u32;

/**
 * glibc's {@code struct sigaction} on x86-64 (not the kernel's): handler, a 1024-bit {@code sa_mask},
 * {@code sa_flags}, then {@code sa_restorer}, which glibc fills in itself.
 * {@code sa_handler} is a macro for the handler union's member; the layout names the union by it.
 */
public final class SigAction {

    /** Number of 64-bit words in glibc's {@code sigset_t}. */
    private static final int SIGSET_WORDS = 16;

    /** The C layout, 152 bytes. */
    public static final StructLayout LAYOUT = Layouts.struct("sigaction",
            pointer("sa_handler"),
            array("sa_mask", SIGSET_WORDS, ValueLayout.JAVA_LONG),
            u32("sa_flags"),
            pointer("sa_restorer"));

    /** Offset of the handler ({@code sa_handler} / {@code sa_sigaction}). */
    public static final long OFFSET_SA_HANDLER = Layouts.offset(LAYOUT, "sa_handler");
    /** Offset of {@code sigset_t sa_mask}: signals blocked while the handler runs. */
    public static final long OFFSET_SA_MASK = Layouts.offset(LAYOUT, "sa_mask");
    /** Offset of {@code int sa_flags}. */
    public static final long OFFSET_SA_FLAGS = Layouts.offset(LAYOUT, "sa_flags");
    /** Offset of {@code void (*sa_restorer)(void)}. */
    public static final long OFFSET_SA_RESTORER = Layouts.offset(LAYOUT, "sa_restorer");

    /** The handler's address (a {@code MemorySegment}). */
    public static final VarHandle SA_HANDLER = Layouts.varHandle(LAYOUT, "sa_handler");
    /** {@code int sa_flags}: SA_* flags. */
    public static final VarHandle SA_FLAGS = Layouts.varHandle(LAYOUT, "sa_flags");
    /** The restorer's address (a {@code MemorySegment}); glibc sets it. */
    public static final VarHandle SA_RESTORER = Layouts.varHandle(LAYOUT, "sa_restorer");

    private SigAction() {
    }
}
