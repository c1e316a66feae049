package dev.jkvm.devices.bus;

/**
 * A device register window on the port-I/O or MMIO bus. Offsets are relative to the start of the range
 * the device was registered at; sizes are 1, 2, 4 or 8 bytes. Values are little-endian and zero-extended.
 * Implementations are called from vCPU threads and must guard their own state.
 */
public interface BusDevice {
    long read(long offset, int size);

    void write(long offset, int size, long value);
}
