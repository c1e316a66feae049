package dev.jkvm.devices.virtio.blk;

import dev.jkvm.devices.virtio.RateLimitedLog;
import dev.jkvm.devices.block.BlockBackend;
import dev.jkvm.devices.virtio.VirtioContext;
import dev.jkvm.devices.virtio.VirtioDevice;
import dev.jkvm.devices.virtio.queue.DescriptorChain;
import dev.jkvm.devices.virtio.queue.DeviceQueue;
import dev.jkvm.devices.virtio.queue.VirtqueueException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A virtio block device (virtio 1.2 §5.2) over a {@link BlockBackend}, with one request queue.
 *
 * <p>The transport calls {@link #queueNotified} on its notify thread. That thread only pops chains and hands each
 * to a pool of {@code ioThreads} platform threads named {@code <id>-io-N}, so several requests are in flight while
 * the guest keeps queueing; each I/O thread validates its request, does the I/O, writes the status byte and
 * returns the chain with {@link DeviceQueue#complete}. A malformed request ends in VIRTIO_BLK_S_IOERR; a chain
 * without room for the status byte is a protocol error, for which the device asks for a reset and stops.
 */
public final class VirtioBlk implements VirtioDevice, AutoCloseable {

    /** Virtio device ID of a block device. */
    public static final int DEVICE_TYPE = 2;
    /** Guests address the disk in 512-byte sectors, whatever blk_size says. */
    public static final int SECTOR_SIZE = 512;
    /** Length of the GET_ID answer; a shorter serial is padded with NULs. */
    public static final int ID_BYTES = 20;
    /** Largest queue the device accepts. */
    public static final int QUEUE_SIZE = 256;
    /** Data segments per request: the queue size less the header and status descriptors (QEMU's choice). */
    public static final int SEG_MAX = QUEUE_SIZE - 2;
    /** Largest data segment in bytes. */
    public static final int SIZE_MAX = 1 << 20;
    /** Most sectors one discard or write-zeroes segment may cover (1 GiB). */
    public static final int MAX_RANGE_SECTORS = 1 << 21;
    /** Most segments in one discard or write-zeroes request. */
    public static final int MAX_RANGE_SEGMENTS = 16;

    // Feature bits (§5.2.3).
    /** size_max is valid. */
    public static final int F_SIZE_MAX = 1;
    /** seg_max is valid. */
    public static final int F_SEG_MAX = 2;
    /** The device is read-only. */
    public static final int F_RO = 5;
    /** blk_size is valid. */
    public static final int F_BLK_SIZE = 6;
    /** The device has a cache and answers VIRTIO_BLK_T_FLUSH. */
    public static final int F_FLUSH = 9;
    /** The device answers VIRTIO_BLK_T_DISCARD. */
    public static final int F_DISCARD = 13;
    /** The device answers VIRTIO_BLK_T_WRITE_ZEROES. */
    public static final int F_WRITE_ZEROES = 14;

    // Request types (§5.2.6).
    /** Read sectors. */
    public static final int T_IN = 0;
    /** Write sectors. */
    public static final int T_OUT = 1;
    /** Make completed writes durable. */
    public static final int T_FLUSH = 4;
    /** Return the 20-byte device ID (the serial). */
    public static final int T_GET_ID = 8;
    /** Discard sector ranges. */
    public static final int T_DISCARD = 11;
    /** Zero sector ranges. */
    public static final int T_WRITE_ZEROES = 13;

    // Request status (§5.2.6).
    /** Success. */
    public static final int S_OK = 0;
    /** The request failed or was malformed. */
    public static final int S_IOERR = 1;
    /** The request type is not supported. */
    public static final int S_UNSUPP = 2;

    /** Seconds close() waits for the I/O threads to finish. */
    private static final long SHUTDOWN_SECONDS = 30;

    private final String id;
    private final BlockBackend backend;
    private final BlkConfig config;
    private final long offeredFeatures;
    private final byte[] configBytes;
    private final RateLimitedLog log;
    private final RequestProcessor processor;
    private final ExecutorService ioThreads;
    /** Held while popping: the notify thread and a vCPU thread's doorbell may both call queueNotified. */
    private final ReentrantLock popping = new ReentrantLock();
    private volatile Session session;

    /** What one activation serves; a reset throws it away. */
    private static final class Session {
        final DeviceQueue queue;
        final VirtioContext context;
        final long negotiated;
        final InFlight inFlight = new InFlight();
        volatile boolean stopped;

        Session(DeviceQueue queue, VirtioContext context, long negotiated) {
            this.queue = queue;
            this.context = context;
            this.negotiated = negotiated;
        }
    }

    /**
     * @param id the drive id, used for thread names and log lines
     * @param serial the GET_ID answer, at most {@value #ID_BYTES} bytes of UTF-8 (null or empty: no ID)
     * @param ioThreads how many requests may be in progress at once
     */
    public VirtioBlk(String id, BlockBackend backend, String serial, int ioThreads) {
        this(id, backend, serial, ioThreads,
                line -> System.getLogger(VirtioBlk.class.getName()).log(System.Logger.Level.WARNING, line),
                System::nanoTime);
    }

    /** With the log lines going to {@code logSink}, rate-limited by {@code nanoClock} (tests). */
    VirtioBlk(String id, BlockBackend backend, String serial, int ioThreads, Consumer<String> logSink,
            LongSupplier nanoClock) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("a virtio-blk device needs an id");
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException(id + ": ioThreads " + ioThreads + " must be at least 1");
        }
        byte[] serialBytes = serial == null ? new byte[0] : serial.getBytes(StandardCharsets.UTF_8);
        if (serialBytes.length > ID_BYTES) {
            throw new IllegalArgumentException(id + ": serial \"" + serial + "\" is " + serialBytes.length
                    + " bytes; virtio-blk IDs hold " + ID_BYTES);
        }
        this.id = id;
        this.backend = backend;
        boolean readOnly = backend.readOnly();
        int blockSize = backend.logicalBlockSize();
        this.config = new BlkConfig(backend.size() / SECTOR_SIZE, SIZE_MAX, SEG_MAX, blockSize, 1, 1,
                MAX_RANGE_SECTORS, MAX_RANGE_SEGMENTS, blockSize / SECTOR_SIZE, MAX_RANGE_SECTORS,
                MAX_RANGE_SEGMENTS, 1);
        this.configBytes = config.encode();
        long features = bit(F_SIZE_MAX) | bit(F_SEG_MAX) | bit(F_BLK_SIZE) | bit(F_FLUSH);
        if (readOnly) {
            features |= bit(F_RO);
        } else {
            features |= bit(F_WRITE_ZEROES) | (backend.supportsDiscard() ? bit(F_DISCARD) : 0);
        }
        this.offeredFeatures = features;
        this.log = new RateLimitedLog(logSink, nanoClock);
        this.processor = new RequestProcessor(id, backend, Arrays.copyOf(serialBytes, ID_BYTES),
                new RequestParser(config, readOnly), config.writeZeroesMayUnmap() != 0, log);
        this.ioThreads = Executors.newFixedThreadPool(ioThreads,
                Thread.ofPlatform().name(id + "-io-", 0).daemon(true).factory());
    }

    public String id() {
        return id;
    }

    /** The configuration structure's values. */
    public BlkConfig config() {
        return config;
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long offeredFeatures() {
        return offeredFeatures;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int maxQueueSize(int queue) {
        checkQueue(queue);
        return QUEUE_SIZE;
    }

    @Override
    public int configSize() {
        return BlkConfig.SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        if (offset < 0 || size < 1 || size > Long.BYTES || offset > BlkConfig.SIZE - size) {
            throw new IllegalArgumentException(id + ": config read of " + size + " bytes at " + offset
                    + " outside the " + BlkConfig.SIZE + "-byte virtio_blk_config");
        }
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = value << Byte.SIZE | Byte.toUnsignedLong(configBytes[offset + i]);
        }
        return value;
    }

    /** Every field is read-only without VIRTIO_BLK_F_CONFIG_WCE, which jkvm does not offer: writes are dropped. */
    @Override
    public void writeConfig(int offset, int size, long value) {
        log.warn(id + ": ignored config write of " + size + " bytes at " + offset + " (value 0x"
                + Long.toHexString(value) + ")");
    }

    @Override
    public void activate(long negotiated, List<DeviceQueue> queues, VirtioContext context) {
        reset();
        session = new Session(queues.isEmpty() ? null : queues.get(0), context, negotiated);
    }

    @Override
    public void queueNotified(int queue) {
        checkQueue(queue);
        Session current = session;
        if (current == null || current.queue == null) {
            return;
        }
        popping.lock();
        try {
            while (!current.stopped) {
                current.queue.disableNotifications();
                DescriptorChain chain;
                while (!current.stopped && (chain = pop(current)) != null) {
                    submit(current, chain);
                }
                if (current.stopped || !current.queue.enableNotifications()) {
                    return;
                }
            }
        } finally {
            popping.unlock();
        }
    }

    @Override
    public void reset() {
        Session current = session;
        if (current == null) {
            return;
        }
        current.stopped = true;
        // Once the popping thread has left, nothing new can be submitted; then wait for what was.
        popping.lock();
        popping.unlock();
        current.inFlight.closeAndAwait();
        session = null;
    }

    /** Resets the device, stops the I/O threads and closes the backend. */
    @Override
    public void close() {
        try (backend) {
            reset();
            ioThreads.shutdown();
            boolean interrupted = false;
            try {
                if (!ioThreads.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(id + ": I/O threads still busy after " + SHUTDOWN_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "VirtioBlk[" + id + ", " + backend.name() + ", " + config.capacity() + " sectors]";
    }

    private DescriptorChain pop(Session current) {
        try {
            return current.queue.pop();
        } catch (VirtqueueException e) {
            fail(current, "request queue: " + e.getMessage());
            return null;
        }
    }

    private void submit(Session current, DescriptorChain chain) {
        if (!current.inFlight.tryBegin()) {
            return;
        }
        try {
            ioThreads.execute(() -> {
                try {
                    serve(current, chain);
                } finally {
                    current.inFlight.end();
                }
            });
        } catch (RejectedExecutionException e) {
            current.inFlight.end();
            fail(current, "request at head " + chain.head() + " arrived after close");
        }
    }

    private void serve(Session current, DescriptorChain chain) {
        Outcome outcome;
        try {
            outcome = processor.process(chain, current.negotiated, current.context.memory());
        } catch (RuntimeException e) {
            // A jkvm bug rather than the guest's doing; answering nothing would hang the driver, so ask for a reset.
            outcome = new Outcome.ProtocolError("internal error on request at head " + chain.head() + ": " + e);
        }
        switch (outcome) {
            case Outcome.Completed(int status, int bytesWritten) -> current.queue.complete(chain, bytesWritten);
            case Outcome.ProtocolError(String why) -> fail(current, why);
        }
    }

    /** The driver broke the protocol: stop popping and have the transport ask for a reset. */
    private void fail(Session current, String why) {
        current.stopped = true;
        log.warn(id + ": " + why + ": device needs reset");
        current.context.needsReset(id + ": " + why);
    }

    private void checkQueue(int queue) {
        if (queue != 0) {
            throw new IllegalArgumentException(id + ": virtio-blk has one queue (0), not " + queue);
        }
    }

    private static long bit(int feature) {
        return 1L << feature;
    }
}
