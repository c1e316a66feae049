package dev.jkvm.core;

/** A failure of the VMM itself or of its configuration, with a message fit for a one-line error. */
public class VmmException extends RuntimeException {
    public VmmException(String message) {
        super(message);
    }

    public VmmException(String message, Throwable cause) {
        super(message, cause);
    }
}
