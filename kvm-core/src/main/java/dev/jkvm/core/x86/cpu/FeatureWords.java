package dev.jkvm.core.x86.cpu;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;

/** A value for every {@link FeatureWord}: the feature bits a CPU model is being built with. */
public final class FeatureWords {
    private final EnumMap<FeatureWord, Integer> bits = new EnumMap<>(FeatureWord.class);

    public FeatureWords() {
        for (FeatureWord word : FeatureWord.values()) {
            bits.put(word, 0);
        }
    }

    /** The feature words as {@code table} has them (0 for a register it lacks). */
    public static FeatureWords of(CpuidTable table) {
        FeatureWords words = new FeatureWords();
        for (FeatureWord word : FeatureWord.values()) {
            words.set(word, table.featureBits(word));
        }
        return words;
    }

    /** Words with exactly {@code features} set. */
    public static FeatureWords of(Iterable<CpuFeature> features) {
        FeatureWords words = new FeatureWords();
        for (CpuFeature feature : features) {
            words.enable(feature);
        }
        return words;
    }

    public FeatureWords copy() {
        FeatureWords copy = new FeatureWords();
        copy.bits.putAll(bits);
        return copy;
    }

    public int get(FeatureWord word) {
        return bits.get(word);
    }

    public void set(FeatureWord word, int value) {
        bits.put(word, value);
    }

    public boolean has(CpuFeature feature) {
        return (get(feature.word()) & feature.mask()) != 0;
    }

    public void enable(CpuFeature feature) {
        set(feature.word(), get(feature.word()) | feature.mask());
    }

    public void disable(CpuFeature feature) {
        set(feature.word(), get(feature.word()) & ~feature.mask());
    }

    /** Keeps only the bits {@code other} also has. */
    public void retainAll(FeatureWords other) {
        for (FeatureWord word : FeatureWord.values()) {
            set(word, get(word) & other.get(word));
        }
    }

    /** The named features set here and clear in {@code other}, in declaration order. */
    public List<CpuFeature> namedMissingFrom(FeatureWords other) {
        List<CpuFeature> missing = new ArrayList<>();
        for (CpuFeature feature : CpuFeature.values()) {
            if (has(feature) && !other.has(feature)) {
                missing.add(feature);
            }
        }
        return missing;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureWords other && bits.equals(other.bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("FeatureWords[");
        bits.forEach((word, value) -> text.append(word).append('=').append(String.format("%08x ", value)));
        return text.toString().strip() + "]";
    }
}
