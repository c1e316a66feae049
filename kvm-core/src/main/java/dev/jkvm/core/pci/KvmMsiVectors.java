package dev.jkvm.core.pci;

import dev.jkvm.core.GsiRoute;
import dev.jkvm.core.Vm;
import dev.jkvm.core.VmmException;
import dev.jkvm.devices.pci.msi.MsiMessage;
import dev.jkvm.devices.pci.msi.MsiVector;
import dev.jkvm.devices.pci.msi.MsiVectorFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * MSI vectors delivered by KVM: each vector owns a GSI from {@link GsiRouting#FIRST_MSI_GSI} upward and an eventfd
 * bound to it with KVM_IRQFD, so firing is one 8-byte write and KVM injects the interrupt without a vCPU exit or
 * an ioctl. Routing a vector points its GSI at the message the guest programmed.
 */
public final class KvmMsiVectors implements MsiVectorFactory, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(KvmMsiVectors.class.getName());

    private final Vm vm;
    private final GsiRouting routing;
    /** GSIs in use, indexed by GSI. */
    private final BitSet allocated = new BitSet();
    private final List<Vector> live = new ArrayList<>();
    private boolean closed;

    public KvmMsiVectors(Vm vm, GsiRouting routing) {
        this.vm = vm;
        this.routing = routing;
    }

    /** A new vector on the lowest free MSI GSI, bound to its own eventfd; it fires nothing until routed. */
    @Override
    public synchronized MsiVector create(String name) {
        if (closed) {
            throw new IllegalStateException("MSI vectors already closed; cannot create " + name);
        }
        int gsi = allocated.nextClearBit(GsiRouting.FIRST_MSI_GSI);
        if (gsi > GsiRoute.MAX_GSI) {
            throw new VmmException(name + ": no free GSI for another MSI vector (KVM routes GSIs up to "
                    + GsiRoute.MAX_GSI + ")");
        }
        EventFd eventFd = EventFd.create();
        try {
            vm.irqfd(gsi, eventFd.fd());
        } catch (RuntimeException e) {
            eventFd.close();
            throw new VmmException(name + ": " + e.getMessage(), e);
        }
        allocated.set(gsi);
        Vector vector = new Vector(name, gsi, eventFd);
        live.add(vector);
        return vector;
    }

    /** GSIs currently held by vectors, lowest first. */
    public synchronized List<Integer> gsis() {
        return allocated.stream().boxed().toList();
    }

    private synchronized void release(Vector vector) {
        allocated.clear(vector.gsi);
        live.remove(vector);
    }

    /** Closes every vector still open (their owners normally close them first). */
    @Override
    public void close() {
        List<Vector> remaining;
        synchronized (this) {
            closed = true;
            remaining = List.copyOf(live);
        }
        RuntimeException failure = null;
        for (Vector vector : remaining) {
            try {
                vector.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** One vector: a GSI, its irqfd, and whether the guest has given it a message yet. */
    private final class Vector implements MsiVector {
        private final String name;
        private final int gsi;
        private final EventFd eventFd;
        private volatile boolean routed;
        private boolean refusalLogged;
        private boolean closed;

        Vector(String name, int gsi, EventFd eventFd) {
            this.name = name;
            this.gsi = gsi;
            this.eventFd = eventFd;
        }

        /**
         * Points the GSI at {@code message}. The message is the guest's to choose; should KVM refuse it, the vector
         * is left unrouted (firing does nothing) and the first refusal is logged, rather than failing the vCPU that
         * wrote the MSI-X table.
         */
        @Override
        public synchronized void route(MsiMessage message) {
            if (closed) {
                return;
            }
            try {
                routing.routeMsi(gsi, message);
                routed = true;
            } catch (VmmException e) {
                routed = false;
                routing.removeMsi(gsi);
                if (refusalLogged) {
                    return;
                }
                refusalLogged = true;
                LOG.log(System.Logger.Level.WARNING, () -> String.format("%s (GSI %d): message address 0x%x data 0x%x"
                        + " not routed (logged once per vector): %s", name, gsi, message.address(), message.data(), e.getMessage()));
            }
        }

        @Override
        public void fire() {
            if (routed) {
                eventFd.signal();
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            routed = false;
            try {
                vm.irqfdDeassign(gsi, eventFd.fd());
                routing.removeMsi(gsi);
            } finally {
                eventFd.close();
                release(this);
            }
        }

        @Override
        public String toString() {
            return name + " (GSI " + gsi + ", " + eventFd + ")";
        }
    }
}
