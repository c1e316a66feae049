package dev.jkvm.devices.pci.msi;

/**
 * One interrupt vector as the VMM delivers it (KVM: a GSI routed to an MSI message, signalled through an irqfd).
 * The device model owns masking and pending bits; the VMM only routes and fires.
 */
public interface MsiVector extends AutoCloseable {
    /** The guest programmed a new message for this vector; later {@link #fire()}s send it. */
    void route(MsiMessage message);

    /** Sends the routed message once. Safe from any thread, never blocks on the guest. */
    void fire();

    @Override
    void close();
}
