package dev.jkvm.core.machine;

import dev.jkvm.core.Vm;
import dev.jkvm.devices.irq.InterruptLine;

/** An irqchip input pin driven with KVM_IRQ_LINE. */
record KvmInterruptLine(Vm vm, int gsi) implements InterruptLine {
    @Override
    public void setLevel(boolean asserted) {
        vm.setIrqLine(gsi, asserted);
    }
}
