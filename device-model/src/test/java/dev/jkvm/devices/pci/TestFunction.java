package dev.jkvm.devices.pci;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.irq.InterruptLine;

import java.util.List;

/** A plain PCI function over {@link PciConfigSpace}, with whatever BARs a test gives it. */
final class TestFunction implements PciDevice {
    /** A handler for BARs whose contents the test does not look at. */
    static final BusDevice NOTHING = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            return 0;
        }

        @Override
        public void write(long offset, int size, long value) {
        }
    };

    final PciConfigSpace config;

    TestFunction(PciIdentity identity, List<PciBar> bars) {
        this.config = new PciConfigSpace(identity, bars);
    }

    TestFunction(List<PciBar> bars) {
        this(new PciIdentity(0x1234, 0x5678, 3, 0x010802, 0x1AF4, 0x1100, PciConfigRegisters.PIN_INTA), bars);
    }

    static PciBar bar(int index, PciBarKind kind, long size, boolean prefetchable) {
        return new PciBar(index, kind, size, prefetchable, NOTHING, List.of());
    }

    @Override
    public int configRead(int offset, int size) {
        return config.read(offset, size);
    }

    @Override
    public void configWrite(int offset, int size, int value) {
        config.write(offset, size, value);
    }

    @Override
    public List<PciBar> bars() {
        return config.bars();
    }

    @Override
    public void attach(PciBarMapper mapper, InterruptLine intx) {
        config.attach(mapper, intx);
    }
}
