package dev.jkvm.testos;

import java.util.List;

/** How QEMU executes the guest. */
public enum Accelerator {
    /** /dev/kvm, the same kernel interface jkvm drives. */
    KVM(List.of("-enable-kvm")),
    /**
     * QEMU's own binary translator. Needed where this host's KVM cannot run the guest at all: kvm-pvm fails to
     * emulate {@code int3} at ring 0, so the test OS's #BP path can only be proven under TCG here.
     */
    TCG(List.of("-accel", "tcg"));

    private final List<String> arguments;

    Accelerator(List<String> arguments) {
        this.arguments = arguments;
    }

    /** The QEMU arguments that select this accelerator. */
    public List<String> arguments() {
        return arguments;
    }
}
