package dev.jkvm.devices.virtio.net;

import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.virtio.queue.GuestBuffer;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Moving bytes between host memory and a chain's guest buffers; every guest range goes through {@link GuestRam}. */
final class ChainIo {
    private ChainIo() {
    }

    /** The host views of {@code buffers}, empty ones left out. */
    static List<MemorySegment> slices(GuestRam memory, List<GuestBuffer> buffers) {
        return slices(memory, buffers, new ArrayList<>(buffers.size()));
    }

    /**
     * The host views of {@code buffers}, empty ones left out, in {@code into} (cleared first, and returned): the
     * transmit path reuses one list for every frame. On an exception {@code into} holds only part of the views.
     */
    static List<MemorySegment> slices(GuestRam memory, List<GuestBuffer> buffers, List<MemorySegment> into) {
        into.clear();
        for (int i = 0; i < buffers.size(); i++) {
            GuestBuffer buffer = buffers.get(i);
            if (buffer.length() != 0) {
                into.add(memory.slice(buffer.address(), Integer.toUnsignedLong(buffer.length())));
            }
        }
        return into;
    }

    /** Copies the first {@code target.byteSize()} bytes of {@code source} (which must hold that many) to target. */
    static void gather(List<MemorySegment> source, MemorySegment target) {
        long done = 0;
        for (MemorySegment piece : source) {
            if (done == target.byteSize()) {
                return;
            }
            long n = Math.min(piece.byteSize(), target.byteSize() - done);
            MemorySegment.copy(piece, 0, target, done, n);
            done += n;
        }
    }

    /** Copies {@code length} bytes of {@code source} from {@code offset} into {@code writable}, in order. */
    static void scatter(GuestRam memory, List<GuestBuffer> writable, MemorySegment source, long offset, long length) {
        long done = 0;
        for (GuestBuffer buffer : writable) {
            if (done == length) {
                return;
            }
            long n = Math.min(Integer.toUnsignedLong(buffer.length()), length - done);
            if (n != 0) {
                MemorySegment.copy(source, offset + done, memory.slice(buffer.address(), n), 0, n);
                done += n;
            }
        }
    }
}
