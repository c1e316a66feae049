package dev.jkvm.devices.serial;

import java.util.Arrays;

/** A bounded first-in first-out byte queue. Not thread safe: the owning UART's lock guards it. */
final class ByteFifo {
    private final byte[] slots;
    private int head;
    private int size;

    ByteFifo(int capacity) {
        slots = new byte[capacity];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void push(byte value) {
        if (size == slots.length) {
            throw new IllegalStateException("push of 0x%02x onto a full %d-byte FIFO".formatted(value & 0xFF, slots.length));
        }
        slots[(head + size) % slots.length] = value;
        size++;
    }

    byte pop() {
        if (size == 0) {
            throw new IllegalStateException("pop from an empty FIFO");
        }
        byte value = slots[head];
        head = (head + 1) % slots.length;
        size--;
        return value;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    /** Removes and returns every queued byte, oldest first. */
    byte[] drain() {
        byte[] bytes = toArray();
        clear();
        return bytes;
    }

    /** The queued bytes, oldest first, without removing them. */
    byte[] toArray() {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = slots[(head + i) % slots.length];
        }
        return bytes;
    }

    /** Replaces the contents with {@code bytes}, oldest first. */
    void fill(byte[] bytes) {
        if (bytes.length > slots.length) {
            throw new IllegalArgumentException("%d bytes do not fit a %d-byte FIFO".formatted(bytes.length, slots.length));
        }
        clear();
        System.arraycopy(bytes, 0, slots, 0, bytes.length);
        size = bytes.length;
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
