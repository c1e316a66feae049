package dev.jkvm.core.x86.cpu;

import java.util.List;
import java.util.Optional;

/**
 * A CPU model {@code -cpu} can name: which CPUID leaves a guest sees before feature settings and topology are
 * applied, and which feature bits it asks for. What KVM cannot virtualise is removed afterwards, as QEMU does.
 */
public sealed interface CpuModel permits HostCpuModel, Qemu64CpuModel {
    /** The model names jkvm knows, in the order error messages list them. */
    List<String> NAMES = List.of(HostCpuModel.HOST, HostCpuModel.MAX, Qemu64CpuModel.NAME);

    String name();

    /**
     * The model's CPUID table built from KVM's supported one: vendor, version, cache and address-size leaves
     * and so on. Its feature words are overwritten with the final feature bits later.
     */
    CpuidTable baseline(CpuidTable supported);

    /** The feature bits the model asks for, before they are narrowed to what KVM supports. */
    FeatureWords defaultFeatures(CpuidTable supported);

    /** The KVM paravirtual features (CPUID 0x40000001 EAX) the model asks for, before narrowing. */
    int paravirtFeatures(CpuidTable supported);

    static Optional<CpuModel> byName(String name) {
        return switch (name) {
            case HostCpuModel.HOST, HostCpuModel.MAX -> Optional.of(new HostCpuModel(name));
            case Qemu64CpuModel.NAME -> Optional.of(new Qemu64CpuModel());
            default -> Optional.empty();
        };
    }
}
