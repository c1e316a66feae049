package dev.jkvm.devices.virtio.pci;

/**
 * Where jkvm's virtio-pci functions put things (virtio 1.2 §4.1): their IDs, the two BARs, and the structures
 * inside BAR4 the vendor capabilities point at.
 */
public final class VirtioPciLayout {
    /** Red Hat's vendor ID, which every virtio PCI function uses. */
    public static final int VENDOR_ID = 0x1AF4;
    /** Modern device IDs are 0x1040 + the virtio device type (§4.1.2). */
    public static final int DEVICE_ID_BASE = 0x1040;
    /** Revision 1: a non-transitional (modern-only) device (§4.1.2.1). */
    public static final int REVISION = 1;
    /** Subsystem vendor ID, as QEMU sets it. */
    public static final int SUBSYSTEM_VENDOR_ID = 0x1AF4;
    /** Subsystem ID, as QEMU sets it (≥ 0x40, as §4.1.2.1 asks of modern devices). */
    public static final int SUBSYSTEM_ID = 0x1100;

    /** BAR holding the MSI-X table and PBA: 32-bit memory. */
    public static final int MSIX_BAR = 1;
    /** Size of the MSI-X BAR. */
    public static final long MSIX_BAR_SIZE = 0x1000;
    /** MSI-X table offset in its BAR. */
    public static final int MSIX_TABLE_OFFSET = 0x000;
    /** MSI-X PBA offset in its BAR. */
    public static final int MSIX_PBA_OFFSET = 0x800;
    /** BAR holding the virtio structures: 64-bit prefetchable memory. */
    public static final int VIRTIO_BAR = 4;
    /** Size of the virtio BAR. */
    public static final long VIRTIO_BAR_SIZE = 0x4000;
    /** Common configuration structure offset in the virtio BAR. */
    public static final int COMMON_CFG_OFFSET = 0x0000;
    /** ISR status offset in the virtio BAR. */
    public static final int ISR_OFFSET = 0x1000;
    /** Device-specific configuration offset in the virtio BAR. */
    public static final int DEVICE_CFG_OFFSET = 0x2000;
    /** Notification area offset in the virtio BAR. */
    public static final int NOTIFY_OFFSET = 0x3000;
    /** Bytes each structure may span: one page, so each could be mapped on its own. */
    public static final int STRUCTURE_SPAN = 0x1000;
    /** notify_off_multiplier: queue q is notified at NOTIFY_OFFSET + 4 * q (queue_notify_off = q). */
    public static final int NOTIFY_OFF_MULTIPLIER = 4;
    /** Bytes of a notification write: the le16 queue index. */
    public static final int NOTIFY_WIDTH = 2;
    /** Bytes of the ISR status register. */
    public static final int ISR_LENGTH = 1;

    /** virtio_pci_cap cfg_type: common configuration. */
    public static final int CAP_COMMON_CFG = 1;
    /** virtio_pci_cap cfg_type: notifications. */
    public static final int CAP_NOTIFY_CFG = 2;
    /** virtio_pci_cap cfg_type: ISR status. */
    public static final int CAP_ISR_CFG = 3;
    /** virtio_pci_cap cfg_type: device-specific configuration. */
    public static final int CAP_DEVICE_CFG = 4;
    /** virtio_pci_cap cfg_type: PCI configuration access. */
    public static final int CAP_PCI_CFG = 5;

    /** Virtio device type of a network card. */
    private static final int TYPE_NET = 1;
    /** Virtio device type of a block device. */
    private static final int TYPE_BLOCK = 2;
    /** Virtio device type of a console. */
    private static final int TYPE_CONSOLE = 3;
    /** Class code of an Ethernet controller. */
    private static final int CLASS_ETHERNET = 0x02_00_00;
    /** Class code of an "other" mass-storage controller, which QEMU's virtio-blk uses. */
    private static final int CLASS_STORAGE_OTHER = 0x01_80_00;
    /** Class code of an "other" communication controller, which QEMU's virtio-serial uses. */
    private static final int CLASS_COMMUNICATION_OTHER = 0x07_80_00;
    /** Class code of a device that fits no class. */
    private static final int CLASS_UNCLASSIFIED = 0xFF_00_00;

    private VirtioPciLayout() {
    }

    /** The PCI class code for a virtio device type. */
    public static int classCode(int deviceType) {
        return switch (deviceType) {
            case TYPE_NET -> CLASS_ETHERNET;
            case TYPE_BLOCK -> CLASS_STORAGE_OTHER;
            case TYPE_CONSOLE -> CLASS_COMMUNICATION_OTHER;
            default -> CLASS_UNCLASSIFIED;
        };
    }

    /** Offset in the virtio BAR a driver writes to notify {@code queue}. */
    public static int notifyOffset(int queue) {
        return NOTIFY_OFFSET + NOTIFY_OFF_MULTIPLIER * queue;
    }
}
