package dev.jkvm.core;

/**
 * One entry of KVM's GSI routing table (struct kvm_irq_routing_entry): what asserting a GSI, through KVM_IRQ_LINE
 * or an irqfd, delivers. A GSI may have several irqchip routes (an ISA IRQ drives both its 8259 input and its I/O
 * APIC pin) but only one MSI route.
 */
public sealed interface GsiRoute {
    /** Largest GSI KVM routes: KVM_MAX_IRQ_ROUTES is 4096 and GSIs index that table. */
    int MAX_GSI = 4095;

    /** The GSI this entry routes. */
    int gsi();

    /**
     * KVM_IRQ_ROUTING_IRQCHIP: the GSI drives input {@code pin} of an in-kernel interrupt controller.
     *
     * @param irqchip KVM_IRQCHIP_PIC_MASTER, KVM_IRQCHIP_PIC_SLAVE or KVM_IRQCHIP_IOAPIC
     */
    record Irqchip(int gsi, int irqchip, int pin) implements GsiRoute {
        public Irqchip {
            checkGsi(gsi);
        }
    }

    /** KVM_IRQ_ROUTING_MSI: the GSI sends the message (address, data), as a device's MSI write would. */
    record Msi(int gsi, long address, int data) implements GsiRoute {
        public Msi {
            checkGsi(gsi);
        }
    }

    private static void checkGsi(int gsi) {
        if (gsi < 0 || gsi > MAX_GSI) {
            throw new IllegalArgumentException("GSI " + gsi + " is outside KVM's 0.." + MAX_GSI);
        }
    }
}
