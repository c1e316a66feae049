package dev.jkvm.core.pci;

import dev.jkvm.core.GsiRoute;
import dev.jkvm.core.Vm;
import dev.jkvm.core.x86.acpi.PcInterruptWiring;
import dev.jkvm.devices.pci.msi.MsiMessage;
import dev.jkvm.headers.kvm.KvmConstants;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one owner of a VM's KVM GSI routing table. KVM_SET_GSI_ROUTING replaces every route at once, so each change
 * re-issues the whole table: the PC's fixed routes ({@link #pcRoutes}) plus one MSI route per vector the guest has
 * programmed. Changes come from vCPU threads (a guest writing an MSI-X table entry) and are serialized here.
 */
public final class GsiRouting {
    /** The first GSI for MSI vectors: 0–15 are the ISA IRQs and 16–23 the remaining I/O APIC pins. */
    public static final int FIRST_MSI_GSI = PcInterruptWiring.IO_APIC_PINS;

    private final Vm vm;
    private final List<GsiRoute> fixed;
    private final SortedMap<Integer, GsiRoute.Msi> msiRoutes = new TreeMap<>();

    /** Installs the PC's fixed routes in {@code vm} at once, replacing KVM's default table. */
    public GsiRouting(Vm vm) {
        this.vm = vm;
        this.fixed = pcRoutes();
        vm.setGsiRouting(routes());
    }

    /**
     * The routes QEMU's PC has: ISA IRQ n drives its 8259 input and the I/O APIC pin {@link PcInterruptWiring} gives
     * it (the timer's IRQ0 on pin 2, none for the cascade IRQ2); GSIs 16–23 drive I/O APIC pins 16–23, where PCI
     * INTx lines arrive.
     */
    public static List<GsiRoute> pcRoutes() {
        List<GsiRoute> routes = new ArrayList<>();
        for (int irq : PcInterruptWiring.connectedIrqs()) {
            int pic = irq < Byte.SIZE ? KvmConstants.KVM_IRQCHIP_PIC_MASTER : KvmConstants.KVM_IRQCHIP_PIC_SLAVE;
            routes.add(new GsiRoute.Irqchip(irq, pic, irq % Byte.SIZE));
            routes.add(new GsiRoute.Irqchip(irq, KvmConstants.KVM_IRQCHIP_IOAPIC, PcInterruptWiring.ioApicPin(irq)));
        }
        for (int gsi = PcInterruptWiring.ISA_IRQS; gsi < PcInterruptWiring.IO_APIC_PINS; gsi++) {
            routes.add(new GsiRoute.Irqchip(gsi, KvmConstants.KVM_IRQCHIP_IOAPIC, gsi));
        }
        return List.copyOf(routes);
    }

    /**
     * Routes {@code gsi} to {@code message}, replacing its previous MSI route. If KVM refuses the new table, the
     * VmmException propagates and the routing stays as it was, in KVM and here.
     */
    public synchronized void routeMsi(int gsi, MsiMessage message) {
        if (gsi < FIRST_MSI_GSI || gsi > GsiRoute.MAX_GSI) {
            throw new IllegalArgumentException("GSI " + gsi + " is not an MSI GSI (" + FIRST_MSI_GSI + ".."
                    + GsiRoute.MAX_GSI + ")");
        }
        GsiRoute.Msi route = new GsiRoute.Msi(gsi, message.address(), message.data());
        GsiRoute.Msi previous = msiRoutes.put(gsi, route);
        if (route.equals(previous)) {
            return;
        }
        try {
            vm.setGsiRouting(routes());
        } catch (RuntimeException e) {
            restore(gsi, previous);
            throw e;
        }
    }

    /** Drops the MSI route of {@code gsi}, if it has one; signals on it then deliver nothing. */
    public synchronized void removeMsi(int gsi) {
        GsiRoute.Msi previous = msiRoutes.remove(gsi);
        if (previous == null) {
            return;
        }
        try {
            vm.setGsiRouting(routes());
        } catch (RuntimeException e) {
            restore(gsi, previous);
            throw e;
        }
    }

    private void restore(int gsi, GsiRoute.Msi previous) {
        if (previous == null) {
            msiRoutes.remove(gsi);
        } else {
            msiRoutes.put(gsi, previous);
        }
    }

    /** The whole table as KVM has it: the fixed routes, then the MSI routes in GSI order. */
    public synchronized List<GsiRoute> routes() {
        List<GsiRoute> all = new ArrayList<>(fixed);
        all.addAll(msiRoutes.values());
        return List.copyOf(all);
    }
}
