package dev.jkvm.devices.virtio.pci;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.pci.PciConfigSpace;
import dev.jkvm.devices.pci.msi.MsiXCapability;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How a virtio-pci function interrupts its driver (virtio 1.2 §4.1.4.5, §4.1.5.3–4): through the MSI-X vector
 * the driver chose for the queue or for configuration changes, or with MSI-X off through the ISR status byte
 * and the INTx pin. The vector choices are read on the completing I/O threads without the register lock.
 */
final class VirtioInterrupts {
    /** VIRTIO_MSI_NO_VECTOR: no vector, so no MSI-X interrupt for that source. */
    static final int NO_VECTOR = 0xFFFF;
    /** ISR bit 0: a used buffer notification. */
    static final int ISR_QUEUE = 1;
    /** ISR bit 1: a configuration change notification. */
    static final int ISR_CONFIG = 1 << 1;
    /** Vector slot the configuration change uses in {@link #vectors}, after the queues. */
    private final int configSlot;

    private final MsiXCapability msix;
    private final PciConfigSpace config;
    /** queue_msix_vector for each queue, then config_msix_vector. */
    private final AtomicIntegerArray vectors;
    private final ReentrantLock isrLock = new ReentrantLock();
    private final BusDevice isrRegister = new IsrRegister();
    private int isr;

    VirtioInterrupts(MsiXCapability msix, PciConfigSpace config, int queueCount) {
        this.msix = msix;
        this.config = config;
        this.configSlot = queueCount;
        this.vectors = new AtomicIntegerArray(queueCount + 1);
        reset();
    }

    /** The driver's vector choice for {@code queue}, or NO_VECTOR when {@code requested} names no table entry. */
    int setQueueVector(int queue, int requested) {
        int accepted = accept(requested);
        vectors.set(queue, accepted);
        return accepted;
    }

    int queueVector(int queue) {
        return vectors.get(queue);
    }

    int setConfigVector(int requested) {
        int accepted = accept(requested);
        vectors.set(configSlot, accepted);
        return accepted;
    }

    int configVector() {
        return vectors.get(configSlot);
    }

    /** A used buffer notification for {@code queue}. */
    void queue(int queue) {
        deliver(vectors.get(queue), ISR_QUEUE);
    }

    /** A configuration change notification; the ISR bit is set even under MSI-X (§4.1.4.5.1). */
    void configChange() {
        isrLock.lock();
        try {
            isr |= ISR_CONFIG;
        } finally {
            isrLock.unlock();
        }
        deliver(vectors.get(configSlot), ISR_CONFIG);
    }

    /** Device reset: every vector back to NO_VECTOR, ISR clear, INTx deasserted. */
    void reset() {
        for (int i = 0; i < vectors.length(); i++) {
            vectors.set(i, NO_VECTOR);
        }
        isrLock.lock();
        try {
            isr = 0;
            config.setInterruptPending(false);
        } finally {
            isrLock.unlock();
        }
    }

    /** The ISR status byte: reading returns and clears it and deasserts INTx; writes are ignored. */
    BusDevice isrRegister() {
        return isrRegister;
    }

    private int accept(int requested) {
        return requested >= 0 && requested < msix.layout().tableSize() ? requested : NO_VECTOR;
    }

    private void deliver(int vector, int isrBit) {
        if (vector != NO_VECTOR && msix.signal(vector)) {
            return;
        }
        if (msix.enabled()) {
            // The driver uses MSI-X and chose no vector for this source: it asked for no interrupt.
            return;
        }
        isrLock.lock();
        try {
            isr |= isrBit;
            config.setInterruptPending(true);
        } finally {
            isrLock.unlock();
        }
    }

    private final class IsrRegister implements BusDevice {
        @Override
        public long read(long offset, int size) {
            if (offset != 0) {
                return 0;
            }
            isrLock.lock();
            try {
                int value = isr;
                isr = 0;
                config.setInterruptPending(false);
                return value;
            } finally {
                isrLock.unlock();
            }
        }

        @Override
        public void write(long offset, int size, long value) {
            // Read-only (§4.1.4.5).
        }
    }
}
