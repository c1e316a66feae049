package dev.jkvm.core.x86.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A parsed {@code -cpu} argument in QEMU's syntax: {@code MODEL[,+FEATURE|-FEATURE|FEATURE=on|off|FEATURE]…}.
 * As in QEMU, {@code FEATURE=on|off} (and a bare {@code FEATURE}, meaning on) take effect in the order given,
 * then every {@code +FEATURE}, then every {@code -FEATURE}: so {@code -avx,+avx} leaves avx off, as QEMU does.
 *
 * @param text     the argument as given, for messages
 * @param model    the CPU model
 * @param settings the feature settings in the order given
 */
public record CpuSpec(String text, CpuModel model, List<FeatureSetting> settings) {
    /** One feature turned on or off, and how it was written. */
    public record FeatureSetting(CpuFeature feature, boolean enabled, Syntax syntax) {
    }

    /** How a setting was written, which decides when it applies. */
    public enum Syntax {
        /** {@code feature=on|off} or a bare {@code feature}. */
        PROPERTY,
        /** {@code +feature}. */
        PLUS,
        /** {@code -feature}. */
        MINUS
    }

    public CpuSpec {
        settings = List.copyOf(settings);
    }

    /** Parses {@code text}; errors are one line naming the argument and what is wrong with it. */
    public static CpuSpec parse(String text) {
        String[] parts = text.split(",", -1);
        String modelName = parts[0].strip();
        if (modelName.isEmpty()) {
            throw new IllegalArgumentException("-cpu " + text + ": no CPU model given (jkvm has: "
                    + String.join(", ", CpuModel.NAMES) + ")");
        }
        CpuModel model = CpuModel.byName(modelName).orElseThrow(() -> new IllegalArgumentException("-cpu " + text
                + ": unknown CPU model" + (parts.length > 1 ? " '" + modelName + "'" : "")
                + " (jkvm has: " + String.join(", ", CpuModel.NAMES) + ")"));
        List<FeatureSetting> settings = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            settings.add(setting(text, parts[i].strip()));
        }
        return new CpuSpec(text, model, settings);
    }

    /** The settings in the order they take effect: properties as given, then the pluses, then the minuses. */
    public List<FeatureSetting> effectiveSettings() {
        return Stream.of(Syntax.values())
                .flatMap(syntax -> settings.stream().filter(s -> s.syntax() == syntax))
                .toList();
    }

    private static FeatureSetting setting(String text, String part) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException("-cpu " + text + ": empty feature setting");
        }
        if (part.startsWith("+") || part.startsWith("-")) {
            return new FeatureSetting(feature(text, part.substring(1)), part.startsWith("+"),
                    part.startsWith("+") ? Syntax.PLUS : Syntax.MINUS);
        }
        int eq = part.indexOf('=');
        if (eq < 0) {
            return new FeatureSetting(feature(text, part), true, Syntax.PROPERTY);
        }
        CpuFeature feature = feature(text, part.substring(0, eq));
        String value = part.substring(eq + 1);
        boolean on = switch (value.toLowerCase(Locale.ROOT)) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new IllegalArgumentException("-cpu " + text + ": " + feature.qemuName()
                    + " must be on or off, not '" + value + "'");
        };
        return new FeatureSetting(feature, on, Syntax.PROPERTY);
    }

    private static CpuFeature feature(String text, String name) {
        return CpuFeature.byName(name).orElseThrow(() -> new IllegalArgumentException(
                "-cpu " + text + ": unknown CPU feature '" + name + "'"));
    }
}
