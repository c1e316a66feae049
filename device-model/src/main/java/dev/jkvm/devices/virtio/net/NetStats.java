package dev.jkvm.devices.virtio.net;

/** Frame counters of one virtio-net device since it was created. */
public record NetStats(long txFrames, long txDropped, long rxFrames, long rxDropped) {
}
