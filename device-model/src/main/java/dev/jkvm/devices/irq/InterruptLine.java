package dev.jkvm.devices.irq;

/** One interrupt input of the platform's interrupt controller, as a device sees it. */
public interface InterruptLine {
    /** Drives the line: {@code true} asserts it, {@code false} deasserts it. */
    void setLevel(boolean asserted);

    /** An edge: assert then deassert, for edge-triggered ISA interrupts. */
    default void pulse() {
        setLevel(true);
        setLevel(false);
    }
}
