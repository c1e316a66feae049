package dev.jkvm.core.x86.cpu;

/**
 * QEMU's {@code host} and {@code max} under KVM, which are the same thing: every feature KVM can virtualise on
 * this host, with the host's vendor, version and cache leaves. Like QEMU, topoext is left off unless asked for
 * (QEMU's no_autoenable_flags): its leaves 0x8000001D/0x8000001E describe a topology the guest must be given on
 * purpose.
 */
public record HostCpuModel(String name) implements CpuModel {
    /** The model named "host". */
    public static final String HOST = "host";
    /** The model named "max"; under KVM it equals host. */
    public static final String MAX = "max";

    public HostCpuModel {
        if (!name.equals(HOST) && !name.equals(MAX)) {
            throw new IllegalArgumentException("not a host model: " + name);
        }
    }

    @Override
    public CpuidTable baseline(CpuidTable supported) {
        return supported;
    }

    @Override
    public FeatureWords defaultFeatures(CpuidTable supported) {
        FeatureWords words = FeatureWords.of(supported);
        words.disable(CpuFeature.TOPOEXT);
        words.enable(CpuFeature.HYPERVISOR);
        return words;
    }

    @Override
    public int paravirtFeatures(CpuidTable supported) {
        return supported.register(CpuidLeaves.KVM_FEATURES, 0, CpuidRegister.EAX);
    }
}
