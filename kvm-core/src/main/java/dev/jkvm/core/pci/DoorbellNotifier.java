package dev.jkvm.core.pci;

import dev.jkvm.core.Vm;
import dev.jkvm.core.VmmException;
import dev.jkvm.devices.pci.Doorbell;
import dev.jkvm.headers.EpollEvent;
import dev.jkvm.headers.Errno;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves {@link Doorbell}s with KVM ioeventfds: a guest write of the doorbell's width at its address signals an
 * eventfd inside KVM (no exit to user space), and one epoll thread per machine, {@value #THREAD_NAME}, turns each
 * signal into {@link Doorbell#ring()}. So device notification code never runs on a vCPU thread. A ring that throws
 * is logged and the thread goes on; writes KVM does not match (another width) still exit to the BAR's handler.
 *
 * <p>A doorbell that names a {@link Doorbell#signalFd} gets its ioeventfd on that descriptor instead: KVM signals the
 * device's own eventfd, which its I/O thread sleeps on, so a kick wakes that thread with no hop through this one. The
 * descriptor stays the device's; this class only assigns and deassigns the ioeventfd.
 */
public final class DoorbellNotifier implements AutoCloseable {
    /** Name of the epoll thread. */
    public static final String THREAD_NAME = "virtio-notify";
    /** Most events one epoll_wait returns; more ready eventfds are taken by the next call. */
    private static final int MAX_EVENTS = 32;
    /** epoll data of the eventfd that tells the thread to end; doorbells get tokens from 1 up. */
    private static final long STOP_TOKEN = 0;
    /** How long close waits for the thread to end. */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);
    /** epoll_wait's timeout meaning "until an event". */
    private static final int WAIT_FOREVER = -1;

    private static final System.Logger LOG = System.getLogger(DoorbellNotifier.class.getName());

    private final Vm vm;
    private final int epollFd;
    private final EventFd stop;
    private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicLong nextToken = new AtomicLong(STOP_TOKEN + 1);
    private final AtomicBoolean refusalLogged = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean closed;

    /** Creates the epoll instance and starts the thread. */
    public DoorbellNotifier(Vm vm) {
        this.vm = vm;
        this.epollFd = Libc.epollCreate1(Libc.EPOLL_CLOEXEC);
        EventFd stopFd = null;
        try {
            stopFd = EventFd.create();
            Libc.epollCtl(epollFd, Libc.EPOLL_CTL_ADD, stopFd.fd(), Libc.EPOLLIN, STOP_TOKEN);
        } catch (RuntimeException e) {
            if (stopFd != null) {
                stopFd.close();
            }
            Libc.close(epollFd);
            throw e;
        }
        this.stop = stopFd;
        this.thread = Thread.ofPlatform().name(THREAD_NAME).daemon(true).start(this::run);
    }

    /**
     * Registers an ioeventfd for {@code doorbell} at {@code address} (guest-physical when {@code mmio}, else a
     * port), with the doorbell's length and no datamatch. Empty when KVM refuses it: that is logged once per
     * machine, and the doorbell then rings through its BAR handler on the vCPU thread. Empty too once closed.
     */
    public Optional<Watch> watch(Doorbell doorbell, long address, boolean mmio) {
        if (closed) {
            return Optional.empty();
        }
        EventFd eventFd = doorbell.signalFd().isPresent() ? null : EventFd.create();
        int fd = eventFd == null ? doorbell.signalFd().getAsInt() : eventFd.fd();
        try {
            vm.ioeventfd(address, doorbell.length(), fd, mmio);
        } catch (VmmException e) {
            if (eventFd != null) {
                eventFd.close();
            }
            if (refusalLogged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, () -> doorbell.name() + ": " + e.getMessage()
                        + "; its kicks will exit to the BAR handler instead (logged once per machine)");
            }
            return Optional.empty();
        }
        long token = nextToken.getAndIncrement();
        Watch watch = new Watch(token, doorbell, address, mmio, fd, eventFd);
        watches.put(token, watch);
        if (eventFd != null) {
            try {
                Libc.epollCtl(epollFd, Libc.EPOLL_CTL_ADD, fd, Libc.EPOLLIN, token);
            } catch (RuntimeException e) {
                watch.close();
                throw e;
            }
        }
        return Optional.of(watch);
    }

    /** The doorbells currently served by ioeventfds. */
    public List<Watch> watches() {
        return List.copyOf(watches.values());
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(EpollEvent.LAYOUT, MAX_EVENTS);
            while (true) {
                int ready;
                try {
                    ready = Libc.epollWait(epollFd, events, MAX_EVENTS, WAIT_FOREVER);
                } catch (NativeException e) {
                    if (e.errno() == Errno.EINTR) {
                        continue;
                    }
                    LOG.log(System.Logger.Level.ERROR, () -> THREAD_NAME + " stops: " + e.getMessage());
                    return;
                }
                for (int i = 0; i < ready; i++) {
                    long token = (long) EpollEvent.DATA.get(events, i * EpollEvent.LAYOUT.byteSize());
                    if (token == STOP_TOKEN) {
                        return;
                    }
                    Watch watch = watches.get(token);
                    if (watch != null) {
                        watch.serve();
                    }
                }
            }
        }
    }

    /** Stops and joins the thread, then deassigns every ioeventfd still registered and closes the descriptors. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop.signal();
        try {
            if (!thread.join(JOIN_TIMEOUT)) {
                throw new VmmException(THREAD_NAME + " did not end within " + JOIN_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmmException("interrupted while joining " + THREAD_NAME);
        }
        RuntimeException failure = null;
        for (Watch watch : watches()) {
            try {
                watch.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        stop.close();
        Libc.close(epollFd);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * One doorbell served by an ioeventfd; closing it deassigns the ioeventfd and closes the eventfd, unless that is
     * the device's own ({@link Doorbell#signalFd}).
     */
    public final class Watch implements AutoCloseable {
        private final long token;
        private final Doorbell doorbell;
        private final long address;
        private final boolean mmio;
        /** The descriptor KVM signals. */
        private final int fd;
        /** The eventfd this notifier made and polls, or null when KVM signals the device's own. */
        private final EventFd eventFd;
        private boolean ringFailureLogged;
        private boolean closed;

        private Watch(long token, Doorbell doorbell, long address, boolean mmio, int fd, EventFd eventFd) {
            this.token = token;
            this.doorbell = doorbell;
            this.address = address;
            this.mmio = mmio;
            this.fd = fd;
            this.eventFd = eventFd;
        }

        public Doorbell doorbell() {
            return doorbell;
        }

        /** Where the ioeventfd matches writes. */
        public long address() {
            return address;
        }

        public boolean mmio() {
            return mmio;
        }

        /** Whether KVM signals the device's own eventfd, so this notifier's thread never sees these kicks. */
        public boolean direct() {
            return eventFd == null;
        }

        /** On the notify thread: takes the pending signals and rings once for all of them. */
        private void serve() {
            if (eventFd.drain() == 0) {
                return;
            }
            try {
                doorbell.ring();
            } catch (RuntimeException e) {
                if (!ringFailureLogged) {
                    ringFailureLogged = true;
                    LOG.log(System.Logger.Level.WARNING, () -> doorbell.name() + ": ring failed (logged once per"
                            + " doorbell): " + e, e);
                }
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            watches.remove(token);
            if (eventFd == null) {
                vm.ioeventfdDeassign(address, doorbell.length(), fd, mmio);
                return;
            }
            try {
                vm.ioeventfdDeassign(address, doorbell.length(), fd, mmio);
                Libc.epollCtl(epollFd, Libc.EPOLL_CTL_DEL, fd, 0, token);
            } finally {
                eventFd.close();
            }
        }

        @Override
        public String toString() {
            return String.format("%s at %s 0x%x (%s)", doorbell.name(), mmio ? "MMIO" : "port", address,
                    eventFd == null ? "the device's eventfd " + fd : eventFd);
        }
    }
}
