package dev.jkvm.core.x86.cpu;

import dev.jkvm.core.x86.CpuidEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * An immutable CPUID table: the kvm_cpuid_entry2 list KVM_SET_CPUID2 takes, with lookups and edits that return
 * new tables. At most one entry per (function, index); entries stay sorted by function, then index.
 */
public record CpuidTable(List<CpuidEntry> entries) {
    /** Order of a table: function (unsigned), then index. */
    private static final Comparator<CpuidEntry> ORDER = Comparator
            .comparingLong((CpuidEntry e) -> Integer.toUnsignedLong(e.function()))
            .thenComparingLong(e -> Integer.toUnsignedLong(e.index()));

    public CpuidTable {
        List<CpuidEntry> sorted = new ArrayList<>(entries);
        sorted.sort(ORDER);
        for (int i = 1; i < sorted.size(); i++) {
            if (ORDER.compare(sorted.get(i - 1), sorted.get(i)) == 0) {
                throw new IllegalArgumentException(String.format("CPUID table has leaf 0x%x subleaf %d twice",
                        sorted.get(i).function(), sorted.get(i).index()));
            }
        }
        entries = List.copyOf(sorted);
    }

    public Optional<CpuidEntry> find(int function, int index) {
        for (CpuidEntry e : entries) {
            if (e.function() == function && e.index() == index) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The entry for (function, index), or one of all zeros when the table has none. */
    public CpuidEntry entryOrZero(int function, int index) {
        return find(function, index).orElseGet(() -> new CpuidEntry(function, index, 0, 0, 0, 0, 0));
    }

    /** Every subleaf of {@code function}, in index order. */
    public List<CpuidEntry> leaf(int function) {
        return entries.stream().filter(e -> e.function() == function).toList();
    }

    /** A table with {@code entry} added, replacing any entry with the same function and index. */
    public CpuidTable with(CpuidEntry entry) {
        List<CpuidEntry> next = new ArrayList<>(entries.size() + 1);
        for (CpuidEntry e : entries) {
            if (e.function() != entry.function() || e.index() != entry.index()) {
                next.add(e);
            }
        }
        next.add(entry);
        return new CpuidTable(next);
    }

    /** A table without the entries {@code drop} accepts. */
    public CpuidTable without(Predicate<CpuidEntry> drop) {
        return new CpuidTable(entries.stream().filter(drop.negate()).toList());
    }

    /** A table without any subleaf of {@code function}. */
    public CpuidTable withoutLeaf(int function) {
        return without(e -> e.function() == function);
    }

    /** One register of one entry (0 when the entry is absent). */
    public int register(int function, int index, CpuidRegister register) {
        return register.of(entryOrZero(function, index));
    }

    /**
     * A table with one register of (function, index) set to {@code value}, adding the entry if needed (flagged
     * as index-significant when {@code indexed}).
     */
    public CpuidTable withRegister(int function, int index, boolean indexed, CpuidRegister register, int value) {
        CpuidEntry entry = find(function, index).orElseGet(() -> new CpuidEntry(function, index,
                indexed ? CpuidEntry.FLAG_SIGNIFICANT_INDEX : 0, 0, 0, 0, 0));
        return with(register.with(entry, value));
    }

    public int featureBits(FeatureWord word) {
        return register(word.function(), word.index(), word.register());
    }

    /** The table with every feature word set as {@code words} has it (entries added where missing). */
    public CpuidTable withFeatures(FeatureWords words) {
        CpuidTable table = this;
        for (FeatureWord word : FeatureWord.values()) {
            int value = words.get(word);
            if (value != 0 || table.find(word.function(), word.index()).isPresent()) {
                table = table.withRegister(word.function(), word.index(), word.indexed(), word.register(), value);
            }
        }
        return table;
    }

    /** The highest basic leaf, from leaf 0's EAX. */
    public int maxBasicLeaf() {
        return register(CpuidLeaves.VENDOR, 0, CpuidRegister.EAX);
    }

    /** The highest extended leaf, from leaf 0x80000000's EAX (0 when there is no extended range). */
    public int maxExtendedLeaf() {
        return register(CpuidLeaves.EXTENDED_VENDOR, 0, CpuidRegister.EAX);
    }

    /** Whether a guest can read {@code function}: it is no higher than its range's maximum leaf. */
    public boolean reaches(int function) {
        if (Integer.compareUnsigned(function, CpuidLeaves.EXTENDED_VENDOR) >= 0) {
            return Integer.compareUnsigned(function, maxExtendedLeaf()) <= 0;
        }
        if (Integer.compareUnsigned(function, CpuidLeaves.HYPERVISOR_BASE) >= 0) {
            return true;
        }
        return Integer.compareUnsigned(function, maxBasicLeaf()) <= 0;
    }

    public CpuVendor vendor() {
        CpuidEntry leaf0 = entryOrZero(CpuidLeaves.VENDOR, 0);
        return CpuVendor.fromRegisters(leaf0.ebx(), leaf0.edx(), leaf0.ecx());
    }
}
