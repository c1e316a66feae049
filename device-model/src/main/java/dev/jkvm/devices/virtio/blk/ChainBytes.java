package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.virtio.queue.GuestBuffer;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain's readable or writable buffers seen as one run of bytes: the driver may split the header, data and
 * status across descriptors however it likes (virtio 1.2 §2.6.4, message framing), so the device addresses them by
 * offset into the run. Descriptor lengths are unsigned 32-bit values.
 */
final class ChainBytes {
    private ChainBytes() {
    }

    /** The pieces of {@code buffers} that hold bytes [from, from + length) of the run, in order. */
    static List<GuestBuffer> range(List<GuestBuffer> buffers, long from, long length) {
        List<GuestBuffer> pieces = new ArrayList<>();
        long start = 0;
        long end = from + length;
        for (GuestBuffer buffer : buffers) {
            long bufferEnd = start + Integer.toUnsignedLong(buffer.length());
            long pieceStart = Math.max(start, from);
            long pieceEnd = Math.min(bufferEnd, end);
            if (pieceStart < pieceEnd) {
                pieces.add(new GuestBuffer(buffer.address() + (pieceStart - start), (int) (pieceEnd - pieceStart)));
            }
            start = bufferEnd;
            if (start >= end) {
                break;
            }
        }
        return pieces;
    }

    /** Bytes [from, from + length) of the run, copied out of guest memory. */
    static byte[] gather(GuestRam ram, List<GuestBuffer> buffers, long from, int length) {
        byte[] bytes = new byte[length];
        MemorySegment target = MemorySegment.ofArray(bytes);
        long done = 0;
        for (GuestBuffer piece : range(buffers, from, length)) {
            MemorySegment.copy(ram.slice(piece.address(), piece.length()), 0, target, done, piece.length());
            done += piece.length();
        }
        return bytes;
    }

    /** Copies {@code bytes} into the run from offset {@code from}. */
    static void scatter(GuestRam ram, List<GuestBuffer> buffers, long from, byte[] bytes) {
        MemorySegment source = MemorySegment.ofArray(bytes);
        long done = 0;
        for (GuestBuffer piece : range(buffers, from, bytes.length)) {
            MemorySegment.copy(source, done, ram.slice(piece.address(), piece.length()), 0, piece.length());
            done += piece.length();
        }
    }
}
