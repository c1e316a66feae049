package dev.jkvm.core.machine;

import java.util.Objects;

/** A device jkvm plugs into PCI bus 0 after the host bridge, one per slot, in the order the configuration lists. */
public sealed interface PciFunction permits PciFunction.Disk, PciFunction.Network {
    /** The device's id, for messages and thread names. */
    String id();

    /** A virtio-blk function serving {@code drive}. */
    record Disk(Drive drive) implements PciFunction {
        public Disk {
            Objects.requireNonNull(drive, "drive");
        }

        @Override
        public String id() {
            return drive.id();
        }
    }

    /** A virtio-net function whose host end is {@code nic}'s tap. */
    record Network(Nic nic) implements PciFunction {
        public Network {
            Objects.requireNonNull(nic, "nic");
        }

        @Override
        public String id() {
            return nic.id();
        }
    }
}
