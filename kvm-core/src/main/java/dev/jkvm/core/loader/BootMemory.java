package dev.jkvm.core.loader;

import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.core.x86.E820Entry;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** Guest-RAM chores every loader shares: command-line room, keeping kernels off low memory, copying modules. */
final class BootMemory {
    private BootMemory() {
    }

    /** The command line as the bytes the guest gets (without NUL), refused if longer than jkvm's slot. */
    static byte[] cmdlineBytes(String cmdline) {
        byte[] bytes = cmdline.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > BootLayout.CMDLINE_MAX) {
            throw new KernelLoadException("kernel command line is " + bytes.length + " bytes; jkvm has room for at "
                    + "most " + BootLayout.CMDLINE_MAX);
        }
        return bytes;
    }

    /** Writes {@code bytes} and a terminating NUL at {@code address}. */
    static void writeString(GuestMemory memory, long address, byte[] bytes) {
        MemorySegment slot = memory.slice(address, bytes.length + 1L);
        MemorySegment.copy(bytes, 0, slot, ValueLayout.JAVA_BYTE, 0, bytes.length);
        slot.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
    }

    /**
     * Checks that a kernel occupying [start, end) lies in guest RAM and above the first MiB, where jkvm keeps its
     * boot structures and the firmware tables.
     */
    static void checkKernelRange(String name, GuestMemory memory, long start, long end, String what) {
        if (start < E820Entry.ONE_MIB) {
            throw new KernelLoadException(String.format("%s: %s starts at 0x%x, below 1 MiB, where jkvm keeps boot "
                    + "structures and firmware tables", name, what, start));
        }
        if (end < start || !memory.isRam(start, end - start)) {
            throw new KernelLoadException(String.format("%s: %s needs guest RAM from 0x%x to 0x%x; the guest has %s",
                    name, what, start, end, GuestMemory.describeSize(memory.size())));
        }
    }

    /** Copies a module to where it was placed. */
    static void copy(GuestMemory memory, BootModule module, LoadedKernel.Placement placement) {
        memory.write(placement.address(), module.data());
    }
}
