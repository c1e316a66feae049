package dev.jkvm.devices.pci.msi;

import java.util.ArrayList;
import java.util.List;

/** Hands out vectors that remember their routes, fires and closing, in creation order. */
public final class RecordingMsiVectorFactory implements MsiVectorFactory {
    private final List<RecordingVector> vectors = new ArrayList<>();

    /** One vector as the VMM would hold it. */
    public static final class RecordingVector implements MsiVector {
        private final String name;
        private final List<MsiMessage> routes = new ArrayList<>();
        private int fired;
        private boolean closed;

        RecordingVector(String name) {
            this.name = name;
        }

        @Override
        public synchronized void route(MsiMessage message) {
            routes.add(message);
        }

        @Override
        public synchronized void fire() {
            fired++;
        }

        @Override
        public synchronized void close() {
            closed = true;
        }

        public String name() {
            return name;
        }

        public synchronized List<MsiMessage> routes() {
            return List.copyOf(routes);
        }

        public synchronized MsiMessage lastRoute() {
            return routes.isEmpty() ? null : routes.getLast();
        }

        public synchronized int fired() {
            return fired;
        }

        public synchronized boolean closed() {
            return closed;
        }
    }

    @Override
    public synchronized MsiVector create(String name) {
        RecordingVector vector = new RecordingVector(name);
        vectors.add(vector);
        return vector;
    }

    public synchronized RecordingVector vector(int index) {
        return vectors.get(index);
    }

    public synchronized int created() {
        return vectors.size();
    }

    public synchronized int totalFired() {
        return vectors.stream().mapToInt(RecordingVector::fired).sum();
    }
}
