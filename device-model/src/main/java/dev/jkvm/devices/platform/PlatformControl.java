package dev.jkvm.devices.platform;

/** What a device may ask of the machine it sits in. */
public interface PlatformControl {
    /** Ends the VM with a process exit status (power-off is 0). */
    void shutdown(int exitStatus);

    /** A guest-requested system reset (i8042 pulse, port 0x92, ACPI reset register, reset control at 0xCF9). */
    void reset();
}
