package dev.jkvm.core.x86.acpi;

import dev.jkvm.devices.acpi.Pm1Block;

import java.util.ArrayList;
import java.util.List;

/**
 * How the PC's 16 ISA interrupts reach the I/O APIC, as QEMU's PC wires them: each IRQ on the pin of the same
 * number, except the timer (IRQ0), which arrives on pin 2, where IRQ2 (the 8259 cascade, never a device) would be.
 * The SCI is level-triggered and active high; every other ISA IRQ is edge-triggered and active high. The MADT,
 * the MP table and KVM's GSI routing all follow this one description.
 */
public final class PcInterruptWiring {
    /** ISA IRQs 0..15. */
    public static final int ISA_IRQS = 16;
    /** Input pins of the I/O APIC (KVM's in-kernel I/O APIC has 24). */
    public static final int IO_APIC_PINS = 24;
    /** The PIT's IRQ. */
    public static final int TIMER_IRQ = 0;
    /** The I/O APIC pin the timer arrives on. */
    public static final int TIMER_PIN = 2;
    /** The IRQ that only cascades the slave 8259 and so has no I/O APIC pin. */
    public static final int CASCADE_IRQ = 2;
    /** The ACPI SCI, as the FADT's SCI_INT names it. */
    public static final int SCI_IRQ = Pm1Block.SCI_IRQ;
    /** The local APIC input NMIs arrive on (LINT1), on every processor. */
    public static final int NMI_LINT = 1;
    /** The local APIC input the 8259's INTR drives on the boot processor (LINT0, ExtINT). */
    public static final int EXTINT_LINT = 0;

    private PcInterruptWiring() {
    }

    /** The I/O APIC pin ISA IRQ {@code irq} arrives on. */
    public static int ioApicPin(int irq) {
        if (irq < 0 || irq >= ISA_IRQS || irq == CASCADE_IRQ) {
            throw new IllegalArgumentException("ISA IRQ " + irq + " has no I/O APIC pin");
        }
        return irq == TIMER_IRQ ? TIMER_PIN : irq;
    }

    /** The ISA IRQs that reach the I/O APIC, in IRQ order: all but the cascade. */
    public static List<Integer> connectedIrqs() {
        List<Integer> irqs = new ArrayList<>();
        for (int irq = 0; irq < ISA_IRQS; irq++) {
            if (irq != CASCADE_IRQ) {
                irqs.add(irq);
            }
        }
        return List.copyOf(irqs);
    }

    /** Whether {@code irq} is level-triggered (active high) rather than edge-triggered. */
    public static boolean levelTriggered(int irq) {
        return irq == SCI_IRQ;
    }
}
