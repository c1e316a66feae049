package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.GuestBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a chain's header (and discard/write-zeroes segments) and checks the request against the device's limits;
 * anything malformed is a {@link BadRequestException}, which the device answers with IOERR.
 */
final class RequestParser {

    /** {@code struct virtio_blk_req} header: le32 type, le32 reserved, le64 sector. */
    static final int HEADER_SIZE = 16;
    /** Offset of the header's le64 sector. */
    private static final int HEADER_SECTOR = 8;
    /** {@code struct virtio_blk_discard_write_zeroes}: le64 sector, le32 num_sectors, le32 flags. */
    static final int SEGMENT_SIZE = 16;
    /** Offset of a segment's le32 num_sectors. */
    private static final int SEGMENT_NUM_SECTORS = 8;
    /** Offset of a segment's le32 flags. */
    private static final int SEGMENT_FLAGS = 12;
    /** Segment flag bit 0: write zeroes may deallocate (for discard: not allowed). */
    static final int FLAG_UNMAP = 0x1;

    private final BlkConfig config;
    private final boolean readOnly;

    RequestParser(BlkConfig config, boolean readOnly) {
        this.config = config;
        this.readOnly = readOnly;
    }

    /**
     * @param dataWritable the writable bytes before the status byte
     * @param negotiated the feature bits the driver accepted
     */
    BlkRequest parse(DescriptorChain chain, long dataWritable, GuestRam ram, long negotiated) {
        long readable = chain.readableLength();
        if (readable < HEADER_SIZE) {
            throw new BadRequestException("header of " + readable + " bytes, shorter than " + HEADER_SIZE);
        }
        ByteBuffer header = ByteBuffer.wrap(ChainBytes.gather(ram, chain.readable(), 0, HEADER_SIZE))
                .order(ByteOrder.LITTLE_ENDIAN);
        int type = header.getInt(0);
        long sector = header.getLong(HEADER_SECTOR);
        long dataReadable = readable - HEADER_SIZE;
        return switch (type) {
            case VirtioBlk.T_IN -> {
                List<GuestBuffer> data = ChainBytes.range(chain.writable(), 0, dataWritable);
                checkData("read", sector, dataWritable, data);
                yield new BlkRequest.Read(sector * VirtioBlk.SECTOR_SIZE, data);
            }
            case VirtioBlk.T_OUT -> {
                if (readOnly) {
                    throw new BadRequestException("write to a read-only drive");
                }
                List<GuestBuffer> data = ChainBytes.range(chain.readable(), HEADER_SIZE, dataReadable);
                checkData("write", sector, dataReadable, data);
                yield new BlkRequest.Write(sector * VirtioBlk.SECTOR_SIZE, data);
            }
            case VirtioBlk.T_FLUSH -> new BlkRequest.Flush();
            case VirtioBlk.T_GET_ID -> {
                int length = (int) Math.min(dataWritable, VirtioBlk.ID_BYTES);
                yield new BlkRequest.GetId(ChainBytes.range(chain.writable(), 0, length), length);
            }
            case VirtioBlk.T_DISCARD -> {
                if ((negotiated & (1L << VirtioBlk.F_DISCARD)) == 0) {
                    yield new BlkRequest.Unsupported(type, "discard without VIRTIO_BLK_F_DISCARD");
                }
                List<BlkRequest.Range> ranges = new ArrayList<>();
                String unsupported = ranges(chain, ram, dataReadable, config.maxDiscardSeg(),
                        config.maxDiscardSectors(), false, ranges);
                yield unsupported != null ? new BlkRequest.Unsupported(type, unsupported)
                        : new BlkRequest.Discard(ranges);
            }
            case VirtioBlk.T_WRITE_ZEROES -> {
                if ((negotiated & (1L << VirtioBlk.F_WRITE_ZEROES)) == 0) {
                    yield new BlkRequest.Unsupported(type, "write zeroes without VIRTIO_BLK_F_WRITE_ZEROES");
                }
                List<BlkRequest.Range> ranges = new ArrayList<>();
                String unsupported = ranges(chain, ram, dataReadable, config.maxWriteZeroesSeg(),
                        config.maxWriteZeroesSectors(), true, ranges);
                yield unsupported != null ? new BlkRequest.Unsupported(type, unsupported)
                        : new BlkRequest.WriteZeroes(ranges);
            }
            default -> new BlkRequest.Unsupported(type, "unknown request type " + Integer.toUnsignedString(type));
        };
    }

    private void checkData(String what, long sector, long length, List<GuestBuffer> data) {
        if (length % VirtioBlk.SECTOR_SIZE != 0) {
            throw new BadRequestException(what + " of " + length + " bytes, not a multiple of "
                    + VirtioBlk.SECTOR_SIZE);
        }
        checkSectors(what, sector, length / VirtioBlk.SECTOR_SIZE);
        if (data.size() > config.segMax()) {
            throw new BadRequestException(what + " in " + data.size() + " segments, more than seg_max "
                    + config.segMax());
        }
        for (GuestBuffer piece : data) {
            if (Integer.toUnsignedLong(piece.length()) > Integer.toUnsignedLong(config.sizeMax())) {
                throw new BadRequestException(what + " segment of " + piece.length() + " bytes, more than size_max "
                        + config.sizeMax());
            }
        }
    }

    /** [sector, sector + count) within the capacity; the sector is an unsigned 64-bit value. */
    private void checkSectors(String what, long sector, long count) {
        long capacity = config.capacity();
        if (Long.compareUnsigned(sector, capacity) > 0 || count > capacity - sector) {
            throw new BadRequestException(what + " of " + count + " sectors at sector "
                    + Long.toUnsignedString(sector) + ", beyond the capacity of " + capacity + " sectors");
        }
    }

    /** Reads the segments into {@code ranges}; returns why the device does not support them, or null. */
    private String ranges(DescriptorChain chain, GuestRam ram, long payload, int maxSegments, int maxSectors,
            boolean writeZeroes, List<BlkRequest.Range> ranges) {
        if (payload == 0 || payload % SEGMENT_SIZE != 0) {
            throw new BadRequestException("segment list of " + payload + " bytes, not a non-zero multiple of "
                    + SEGMENT_SIZE);
        }
        long count = payload / SEGMENT_SIZE;
        if (count > maxSegments) {
            throw new BadRequestException(count + " segments, more than the " + maxSegments + " allowed");
        }
        ByteBuffer segments = ByteBuffer.wrap(ChainBytes.gather(ram, chain.readable(), HEADER_SIZE, (int) payload))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            long sector = segments.getLong(i * SEGMENT_SIZE);
            long sectors = Integer.toUnsignedLong(segments.getInt(i * SEGMENT_SIZE + SEGMENT_NUM_SECTORS));
            int flags = segments.getInt(i * SEGMENT_SIZE + SEGMENT_FLAGS);
            if ((flags & ~FLAG_UNMAP) != 0) {
                return "segment flags 0x" + Integer.toHexString(flags) + " has unknown bits";
            }
            if (!writeZeroes && (flags & FLAG_UNMAP) != 0) {
                return "discard with the unmap flag";
            }
            if (sectors > Integer.toUnsignedLong(maxSectors)) {
                throw new BadRequestException("segment of " + sectors + " sectors, more than the " + maxSectors
                        + " allowed");
            }
            checkSectors(writeZeroes ? "write zeroes" : "discard", sector, sectors);
            ranges.add(new BlkRequest.Range(sector * VirtioBlk.SECTOR_SIZE, sectors * VirtioBlk.SECTOR_SIZE,
                    (flags & FLAG_UNMAP) != 0));
        }
        return null;
    }
}
