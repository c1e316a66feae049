package dev.jkvm.devices.virtio.blk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct virtio_blk_config} (virtio 1.2 §5.2.4) up to {@code write_zeroes_may_unmap} and its padding; the
 * secure-erase fields after it are not offered, so the structure ends there. Geometry and topology stay zero: jkvm
 * offers neither feature.
 *
 * @param capacity size in 512-byte sectors
 * @param sizeMax largest single data segment in bytes (VIRTIO_BLK_F_SIZE_MAX)
 * @param segMax most data segments in one request (VIRTIO_BLK_F_SEG_MAX)
 * @param blkSize logical block size in bytes (VIRTIO_BLK_F_BLK_SIZE)
 * @param writeback 1: writes are cached until FLUSH
 * @param numQueues request queues (meaningful with VIRTIO_BLK_F_MQ)
 * @param maxDiscardSectors most sectors in one discard segment
 * @param maxDiscardSeg most segments in one discard request
 * @param discardSectorAlignment discard granularity in sectors
 * @param maxWriteZeroesSectors most sectors in one write-zeroes segment
 * @param maxWriteZeroesSeg most segments in one write-zeroes request
 * @param writeZeroesMayUnmap 1: a write-zeroes segment with the unmap flag may deallocate
 */
public record BlkConfig(long capacity, int sizeMax, int segMax, int blkSize, int writeback, int numQueues,
        int maxDiscardSectors, int maxDiscardSeg, int discardSectorAlignment, int maxWriteZeroesSectors,
        int maxWriteZeroesSeg, int writeZeroesMayUnmap) {

    /** le64 capacity. */
    public static final int OFFSET_CAPACITY = 0;
    /** le32 size_max. */
    public static final int OFFSET_SIZE_MAX = 8;
    /** le32 seg_max. */
    public static final int OFFSET_SEG_MAX = 12;
    /** struct virtio_blk_geometry (le16 cylinders, u8 heads, u8 sectors). */
    public static final int OFFSET_GEOMETRY = 16;
    /** le32 blk_size. */
    public static final int OFFSET_BLK_SIZE = 20;
    /** struct virtio_blk_topology (u8 physical_block_exp, u8 alignment_offset, le16 min_io_size, le32 opt_io_size). */
    public static final int OFFSET_TOPOLOGY = 24;
    /** u8 writeback. */
    public static final int OFFSET_WRITEBACK = 32;
    /** le16 num_queues (after one unused byte). */
    public static final int OFFSET_NUM_QUEUES = 34;
    /** le32 max_discard_sectors. */
    public static final int OFFSET_MAX_DISCARD_SECTORS = 36;
    /** le32 max_discard_seg. */
    public static final int OFFSET_MAX_DISCARD_SEG = 40;
    /** le32 discard_sector_alignment. */
    public static final int OFFSET_DISCARD_SECTOR_ALIGNMENT = 44;
    /** le32 max_write_zeroes_sectors. */
    public static final int OFFSET_MAX_WRITE_ZEROES_SECTORS = 48;
    /** le32 max_write_zeroes_seg. */
    public static final int OFFSET_MAX_WRITE_ZEROES_SEG = 52;
    /** u8 write_zeroes_may_unmap, then three unused bytes. */
    public static final int OFFSET_WRITE_ZEROES_MAY_UNMAP = 56;
    /** Bytes of the structure jkvm exposes. */
    public static final int SIZE = 60;

    /** The structure's bytes, little-endian. */
    public byte[] encode() {
        ByteBuffer bytes = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(OFFSET_CAPACITY, capacity);
        bytes.putInt(OFFSET_SIZE_MAX, sizeMax);
        bytes.putInt(OFFSET_SEG_MAX, segMax);
        bytes.putInt(OFFSET_BLK_SIZE, blkSize);
        bytes.put(OFFSET_WRITEBACK, (byte) writeback);
        bytes.putShort(OFFSET_NUM_QUEUES, (short) numQueues);
        bytes.putInt(OFFSET_MAX_DISCARD_SECTORS, maxDiscardSectors);
        bytes.putInt(OFFSET_MAX_DISCARD_SEG, maxDiscardSeg);
        bytes.putInt(OFFSET_DISCARD_SECTOR_ALIGNMENT, discardSectorAlignment);
        bytes.putInt(OFFSET_MAX_WRITE_ZEROES_SECTORS, maxWriteZeroesSectors);
        bytes.putInt(OFFSET_MAX_WRITE_ZEROES_SEG, maxWriteZeroesSeg);
        bytes.put(OFFSET_WRITE_ZEROES_MAY_UNMAP, (byte) writeZeroesMayUnmap);
        return bytes.array();
    }
}
