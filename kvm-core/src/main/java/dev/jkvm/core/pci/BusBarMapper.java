package dev.jkvm.core.pci;

import dev.jkvm.core.bus.IoBus;
import dev.jkvm.devices.pci.Doorbell;
import dev.jkvm.devices.pci.PciBar;
import dev.jkvm.devices.pci.PciBarKind;
import dev.jkvm.devices.pci.PciBarMapper;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where one PCI function's BARs become visible: an I/O BAR's handler on the port bus, a memory BAR's on the MMIO
 * bus, and each of the BAR's doorbells served by an ioeventfd at BAR address + doorbell offset. When the guest moves
 * or disables a BAR, its ioeventfds are deassigned and re-registered at the new place.
 *
 * <p>Addresses are the guest's to choose. One that overlaps another claim (another BAR, ECAM, a fixed device) or
 * does not fit the bus leaves the BAR undecoded, as a real bridge would not route it, with one warning per BAR.
 */
public final class BusBarMapper implements PciBarMapper {
    private static final System.Logger LOG = System.getLogger(BusBarMapper.class.getName());

    private final String deviceName;
    private final IoBus portIo;
    private final IoBus mmio;
    private final DoorbellNotifier notifier;
    private final Map<PciBar, Decoded> decoded = new IdentityHashMap<>();
    private final Map<PciBar, Boolean> conflictLogged = new IdentityHashMap<>();

    /** Where one BAR decodes now and the ioeventfds serving its doorbells there. */
    private record Decoded(IoBus.Mapping mapping, List<DoorbellNotifier.Watch> watches) {
    }

    /**
     * @param deviceName names the bus claims, e.g. "virtio-blk0" gives "virtio-blk0 BAR4"
     */
    public BusBarMapper(String deviceName, IoBus portIo, IoBus mmio, DoorbellNotifier notifier) {
        this.deviceName = deviceName;
        this.portIo = portIo;
        this.mmio = mmio;
        this.notifier = notifier;
    }

    @Override
    public synchronized void map(PciBar bar, long address) {
        Decoded current = decoded.get(bar);
        if (current != null && current.mapping().base() == address) {
            return;
        }
        IoBus bus = busOf(bar);
        IoBus.Mapping mapping;
        try {
            mapping = current == null
                    ? bus.register(deviceName + " BAR" + bar.index(), address, bar.size(), bar.handler())
                    : bus.move(current.mapping(), address);
        } catch (IllegalArgumentException e) {
            if (conflictLogged.put(bar, Boolean.TRUE) == null) {
                LOG.log(System.Logger.Level.WARNING, () -> String.format("%s BAR%d at 0x%x not decoded (logged once per"
                        + " BAR): %s", deviceName, bar.index(), address, e.getMessage()));
            }
            return;
        }
        if (current != null) {
            current.watches().forEach(DoorbellNotifier.Watch::close);
        }
        decoded.put(bar, new Decoded(mapping, watch(bar, address)));
    }

    @Override
    public synchronized void unmap(PciBar bar) {
        Decoded current = decoded.remove(bar);
        if (current == null) {
            return;
        }
        current.watches().forEach(DoorbellNotifier.Watch::close);
        busOf(bar).unregister(current.mapping());
    }

    /** Where {@code bar} decodes now, if it does. */
    public synchronized Optional<IoBus.Mapping> mapping(PciBar bar) {
        return Optional.ofNullable(decoded.get(bar)).map(Decoded::mapping);
    }

    /** Unmaps every BAR still decoding, releasing its bus claim and ioeventfds. */
    public synchronized void unmapAll() {
        for (PciBar bar : List.copyOf(decoded.keySet())) {
            unmap(bar);
        }
    }

    private List<DoorbellNotifier.Watch> watch(PciBar bar, long address) {
        List<DoorbellNotifier.Watch> watches = new ArrayList<>();
        for (Doorbell doorbell : bar.doorbells()) {
            notifier.watch(doorbell, address + doorbell.offset(), bar.kind() != PciBarKind.IO).ifPresent(watches::add);
        }
        return List.copyOf(watches);
    }

    private IoBus busOf(PciBar bar) {
        return bar.kind() == PciBarKind.IO ? portIo : mmio;
    }

    @Override
    public String toString() {
        return deviceName + " BARs";
    }
}
