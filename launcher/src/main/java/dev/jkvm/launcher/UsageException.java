package dev.jkvm.launcher;

/** A bad command line; its message is printed as the one-line error. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
