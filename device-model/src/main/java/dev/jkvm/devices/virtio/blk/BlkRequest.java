package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.virtio.queue.GuestBuffer;

import java.util.List;

/** A virtio-blk request (virtio 1.2 §5.2.6) after validation, in byte offsets into the image. */
sealed interface BlkRequest {

    /** VIRTIO_BLK_T_IN: fill {@code data} from the image at {@code offset}. */
    record Read(long offset, List<GuestBuffer> data) implements BlkRequest {
    }

    /** VIRTIO_BLK_T_OUT: write {@code data} to the image at {@code offset}. */
    record Write(long offset, List<GuestBuffer> data) implements BlkRequest {
    }

    /** VIRTIO_BLK_T_FLUSH. */
    record Flush() implements BlkRequest {
    }

    /** VIRTIO_BLK_T_GET_ID: the first {@code length} bytes of the 20-byte ID go to {@code data}. */
    record GetId(List<GuestBuffer> data, int length) implements BlkRequest {
    }

    /** VIRTIO_BLK_T_DISCARD. */
    record Discard(List<Range> ranges) implements BlkRequest {
    }

    /** VIRTIO_BLK_T_WRITE_ZEROES. */
    record WriteZeroes(List<Range> ranges) implements BlkRequest {
    }

    /** A request the device answers with VIRTIO_BLK_S_UNSUPP, and why. */
    record Unsupported(int type, String why) implements BlkRequest {
    }

    /** One {@code struct virtio_blk_discard_write_zeroes} segment, in bytes. */
    record Range(long offset, long length, boolean unmap) {
    }
}
