package dev.jkvm.devices.virtio.blk;

/** A request the device refuses with VIRTIO_BLK_S_IOERR; the message says why, for the log. */
final class BadRequestException extends RuntimeException {
    BadRequestException(String message) {
        super(message);
    }
}
