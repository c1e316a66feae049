package dev.jkvm.devices.virtio.blk;

/** What became of one chain. */
sealed interface Outcome {

    /** The status byte was written; the chain goes back to the driver with {@code bytesWritten}. */
    record Completed(int status, int bytesWritten) implements Outcome {
    }

    /** The driver broke the protocol (no place for a status byte): the device needs a reset. */
    record ProtocolError(String why) implements Outcome {
    }
}
