package dev.jkvm.devices.platform;

/** What a device may ask of the machine it sits in: ending the VM with a process exit status. */
public interface PlatformControl {
    void shutdown(int exitStatus);
}
