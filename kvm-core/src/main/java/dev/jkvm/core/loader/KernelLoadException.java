package dev.jkvm.core.loader;

import dev.jkvm.core.VmmException;

/** A kernel image that cannot be loaded; the message names the file and what is wrong with it. */
public final class KernelLoadException extends VmmException {
    public KernelLoadException(String message) {
        super(message);
    }
}
