package dev.jkvm.devices.virtio;

import dev.jkvm.devices.memory.GuestRam;

/** What an active device gets from its transport. */
public interface VirtioContext {
    /** Guest memory for buffer contents; every access bounds-checked. */
    GuestRam memory();

    /**
     * The driver broke the protocol (§2.1.2): log once (rate-limited), set DEVICE_NEEDS_RESET, send a
     * configuration-change interrupt, and stop the device until the driver resets it.
     */
    void needsReset(String why);

    /** The device configuration changed (e.g. capacity, link status): send a configuration-change interrupt. */
    void configChanged();
}
