package dev.jkvm.devices.pci;

import dev.jkvm.devices.irq.InterruptLine;

import java.util.Objects;

/**
 * A level-triggered line several functions share, as PCI INTx wires are (slots 2 and 6 both reach GSI 18): the
 * output is asserted while any input is, so one function deasserting does not hide another's interrupt.
 */
public final class SharedInterruptLine {
    private final InterruptLine output;
    private int assertedInputs;

    public SharedInterruptLine(InterruptLine output) {
        this.output = Objects.requireNonNull(output, "output");
    }

    /** A new input, starting deasserted; give one to each function wired to this line. */
    public InterruptLine newInput() {
        return new InterruptLine() {
            private boolean asserted;

            @Override
            public void setLevel(boolean level) {
                synchronized (SharedInterruptLine.this) {
                    if (level != asserted) {
                        asserted = level;
                        changed(level);
                    }
                }
            }
        };
    }

    private void changed(boolean level) {
        assertedInputs += level ? 1 : -1;
        if (level && assertedInputs == 1) {
            output.setLevel(true);
        } else if (!level && assertedInputs == 0) {
            output.setLevel(false);
        }
    }
}
