package dev.jkvm.devices.virtio.queue;

/** One descriptor's buffer: guest-physical address and length, not yet checked against guest RAM. */
public record GuestBuffer(long address, int length) {
}
