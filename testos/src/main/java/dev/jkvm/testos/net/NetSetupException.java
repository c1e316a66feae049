package dev.jkvm.testos.net;

/** A namespace, bridge or tap could not be set up or torn down; the message names the command and its output. */
public final class NetSetupException extends RuntimeException {

    public NetSetupException(String message) {
        super(message);
    }

    public NetSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
