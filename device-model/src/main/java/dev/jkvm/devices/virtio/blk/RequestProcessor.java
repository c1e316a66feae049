package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.virtio.RateLimitedLog;
import dev.jkvm.devices.block.BlockBackend;
import dev.jkvm.devices.block.BlockDeviceException;
import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.GuestBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/** Does one request on an I/O thread: validate, move the data, write the status byte. */
final class RequestProcessor {

    private final String id;
    private final BlockBackend backend;
    private final byte[] deviceId;
    private final RequestParser parser;
    private final boolean mayUnmap;
    private final RateLimitedLog log;

    /**
     * @param deviceId the GET_ID answer, {@link VirtioBlk#ID_BYTES} long
     * @param mayUnmap whether write zeroes with the unmap flag may deallocate
     */
    RequestProcessor(String id, BlockBackend backend, byte[] deviceId, RequestParser parser, boolean mayUnmap,
            RateLimitedLog log) {
        this.id = id;
        this.backend = backend;
        this.deviceId = deviceId.clone();
        this.parser = parser;
        this.mayUnmap = mayUnmap;
        this.log = log;
    }

    Outcome process(DescriptorChain chain, long negotiated, GuestRam ram) {
        GuestBuffer last = lastWritable(chain.writable());
        if (last == null) {
            return new Outcome.ProtocolError("request at head " + chain.head() + " has no writable byte for its status");
        }
        long statusAddress = last.address() + Integer.toUnsignedLong(last.length()) - 1;
        if (statusAddress < 0 || !ram.isRam(statusAddress, 1)) {
            return new Outcome.ProtocolError("request at head " + chain.head() + " has its status byte at 0x"
                    + Long.toHexString(statusAddress) + ", outside guest RAM");
        }
        int status;
        long written = 0;
        try {
            BlkRequest request = parser.parse(chain, chain.writableLength() - 1, ram, negotiated);
            if (request instanceof BlkRequest.Unsupported(int type, String why)) {
                log.warn(id + ": request at head " + chain.head() + ": " + why + ": UNSUPP");
                status = VirtioBlk.S_UNSUPP;
            } else {
                written = execute(request, ram);
                status = VirtioBlk.S_OK;
            }
        } catch (BadRequestException | GuestMemoryException | BlockDeviceException e) {
            log.warn(id + ": request at head " + chain.head() + ": " + e.getMessage() + ": IOERR");
            status = VirtioBlk.S_IOERR;
            written = 0;
        }
        try {
            ram.slice(statusAddress, 1).set(ValueLayout.JAVA_BYTE, 0, (byte) status);
        } catch (GuestMemoryException e) {
            return new Outcome.ProtocolError("request at head " + chain.head() + ": status byte: " + e.getMessage());
        }
        return new Outcome.Completed(status, (int) (written + 1));
    }

    /** Does the request; returns the data bytes written into the chain (before the status byte). */
    private long execute(BlkRequest request, GuestRam ram) {
        return switch (request) {
            case BlkRequest.Read(long offset, List<GuestBuffer> data) -> {
                // The whole request in one backend call: one preadv, and with O_DIRECT one disk I/O, not one per
                // segment (a 1 MiB read in 64 KiB segments would otherwise wait for 16 disk round trips).
                List<MemorySegment> buffers = slices(ram, data);
                backend.readv(offset, buffers);
                yield totalBytes(buffers);
            }
            case BlkRequest.Write(long offset, List<GuestBuffer> data) -> {
                backend.writev(offset, slices(ram, data));
                yield 0;
            }
            case BlkRequest.Flush() -> {
                backend.flush();
                yield 0;
            }
            case BlkRequest.GetId(List<GuestBuffer> data, int length) -> {
                ChainBytes.scatter(ram, data, 0, Arrays.copyOf(deviceId, length));
                yield length;
            }
            case BlkRequest.Discard(List<BlkRequest.Range> ranges) -> {
                for (BlkRequest.Range range : ranges) {
                    backend.discard(range.offset(), range.length());
                }
                yield 0;
            }
            case BlkRequest.WriteZeroes(List<BlkRequest.Range> ranges) -> {
                for (BlkRequest.Range range : ranges) {
                    backend.writeZeroes(range.offset(), range.length(), mayUnmap && range.unmap());
                }
                yield 0;
            }
            case BlkRequest.Unsupported unsupported -> 0;
        };
    }

    /** The host views of {@code data}; a piece outside guest RAM is a GuestMemoryException before any I/O. */
    private static List<MemorySegment> slices(GuestRam ram, List<GuestBuffer> data) {
        MemorySegment[] slices = new MemorySegment[data.size()];
        for (int i = 0; i < slices.length; i++) {
            GuestBuffer piece = data.get(i);
            slices[i] = ram.slice(piece.address(), Integer.toUnsignedLong(piece.length()));
        }
        return Arrays.asList(slices);
    }

    private static long totalBytes(List<MemorySegment> buffers) {
        long total = 0;
        for (MemorySegment buffer : buffers) {
            total += buffer.byteSize();
        }
        return total;
    }

    private static GuestBuffer lastWritable(List<GuestBuffer> writable) {
        for (int i = writable.size() - 1; i >= 0; i--) {
            if (writable.get(i).length() != 0) {
                return writable.get(i);
            }
        }
        return null;
    }
}
