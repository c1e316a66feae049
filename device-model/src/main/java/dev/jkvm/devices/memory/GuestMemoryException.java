package dev.jkvm.devices.memory;

/** A guest-physical access that falls outside guest RAM: refused instead of touching host memory. */
public final class GuestMemoryException extends RuntimeException {
    public GuestMemoryException(String message) {
        super(message);
    }
}
