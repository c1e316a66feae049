package dev.jkvm.headers;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Builds FFM layouts the way a C compiler lays out structs on x86-64, and resolves C member designators
 * ({@code "io", "port"}) into layout paths.
 *
 * <p>The struct classes write their members in C order and let this class insert the padding, so a layout
 * reads like the header it mirrors; the layout probe test then checks every size and offset against gcc.
 * Anonymous C structs and unions are unnamed group layouts: like C, {@link #path} looks through them, so
 * {@code kvm_run}'s anonymous exit union needs no invented name.
 */
public final class Layouts {

    private Layouts() {
    }

    /** A C {@code __u8} member. */
    public static ValueLayout.OfByte u8(String name) {
        return ValueLayout.JAVA_BYTE.withName(name);
    }

    /** A C {@code __u16} member. */
    public static ValueLayout.OfShort u16(String name) {
        return ValueLayout.JAVA_SHORT.withName(name);
    }

    /** A C {@code __u32} (or {@code __s32}, {@code int}) member. */
    public static ValueLayout.OfInt u32(String name) {
        return ValueLayout.JAVA_INT.withName(name);
    }

    /** A C {@code __u64} (or {@code __s64}, {@code long}) member. */
    public static ValueLayout.OfLong u64(String name) {
        return ValueLayout.JAVA_LONG.withName(name);
    }

    /** A C pointer member. */
    public static MemoryLayout pointer(String name) {
        return ValueLayout.ADDRESS.withName(name);
    }

    /** A C array member {@code element name[count]}; a count of 0 stands for a flexible array member. */
    public static SequenceLayout array(String name, long count, MemoryLayout element) {
        return MemoryLayout.sequenceLayout(count, element.withoutName()).withName(name);
    }

    /** A nested struct member whose type is another struct, e.g. {@code struct kvm_segment cs}. */
    public static MemoryLayout member(String name, MemoryLayout type) {
        return type.withName(name);
    }

    /** A named C struct (a top-level struct, or a struct-typed member declared inline). */
    public static StructLayout struct(String name, MemoryLayout... members) {
        return anonymousStruct(members).withName(name);
    }

    /** An anonymous C struct: its members are reached as if they belonged to the enclosing aggregate. */
    public static StructLayout anonymousStruct(MemoryLayout... members) {
        List<MemoryLayout> laidOut = new ArrayList<>();
        long offset = 0;
        long alignment = 1;
        for (MemoryLayout member : members) {
            long padding = alignUp(offset, member.byteAlignment()) - offset;
            if (padding > 0) {
                laidOut.add(MemoryLayout.paddingLayout(padding));
            }
            laidOut.add(member);
            offset += padding + member.byteSize();
            alignment = Math.max(alignment, member.byteAlignment());
        }
        long tail = alignUp(offset, alignment) - offset;
        if (tail > 0) {
            laidOut.add(MemoryLayout.paddingLayout(tail));
        }
        return MemoryLayout.structLayout(laidOut.toArray(MemoryLayout[]::new));
    }

    /** A named C union. */
    public static UnionLayout union(String name, MemoryLayout... members) {
        return anonymousUnion(members).withName(name);
    }

    /**
     * An anonymous C union. Unlike FFM's union layout, a C union's size is rounded up to its alignment, so a
     * padding member of the rounded size is added when the largest member is not a multiple of it.
     */
    public static UnionLayout anonymousUnion(MemoryLayout... members) {
        long size = Arrays.stream(members).mapToLong(MemoryLayout::byteSize).max().orElse(0);
        long alignment = Arrays.stream(members).mapToLong(MemoryLayout::byteAlignment).max().orElse(1);
        long rounded = alignUp(size, alignment);
        if (rounded == size) {
            return MemoryLayout.unionLayout(members);
        }
        MemoryLayout[] padded = Arrays.copyOf(members, members.length + 1);
        padded[members.length] = MemoryLayout.paddingLayout(rounded);
        return MemoryLayout.unionLayout(padded);
    }

    /** The byte offset of the member a C designator names, e.g. {@code offset(KVM_RUN, "io", "port")}. */
    public static long offset(GroupLayout root, String... designator) {
        return root.byteOffset(path(root, designator));
    }

    /**
     * A var handle for the scalar member a C designator names, taking the usual (segment, base offset)
     * coordinates: {@code varHandle(KVM_REGS, "rip").get(segment, 0L)}.
     */
    public static VarHandle varHandle(GroupLayout root, String... designator) {
        return root.varHandle(path(root, designator));
    }

    /**
     * Allocates a struct that ends in a flexible array member, with room for {@code count} elements
     * (zeroed, as arena allocations are).
     */
    public static MemorySegment allocateWithArray(Arena arena, GroupLayout header, MemoryLayout element,
            int count) {
        if (count < 0) {
            throw new IllegalArgumentException(header.name().orElse("struct") + ": negative element count "
                    + count);
        }
        return arena.allocate(header.byteSize() + count * element.byteSize(), header.byteAlignment());
    }

    /** The {@code index}-th element of an array member that starts at {@code arrayOffset} in {@code struct}. */
    public static MemorySegment arrayElement(MemorySegment struct, long arrayOffset, MemoryLayout element,
            int index) {
        if (index < 0) {
            throw new IndexOutOfBoundsException("negative array index " + index);
        }
        return struct.asSlice(arrayOffset + index * element.byteSize(), element);
    }

    /**
     * Resolves a C designator to a layout path. Each name is looked up among the members of the current
     * aggregate and, recursively, of its anonymous (unnamed) struct and union members, as C does.
     *
     * @throws IllegalArgumentException naming the designator when a name does not resolve
     */
    public static PathElement[] path(GroupLayout root, String... designator) {
        List<PathElement> path = new ArrayList<>();
        MemoryLayout current = root;
        for (String name : designator) {
            if (!(current instanceof GroupLayout group)) {
                throw new IllegalArgumentException(describe(root, designator) + ": " + name
                        + " is looked up inside a member that is not a struct or union");
            }
            List<PathElement> step = find(group, name).orElseThrow(() -> new IllegalArgumentException(
                    describe(root, designator) + ": no member " + name));
            path.addAll(step);
            current = root.select(path.toArray(PathElement[]::new));
        }
        return path.toArray(PathElement[]::new);
    }

    private static Optional<List<PathElement>> find(GroupLayout group, String name) {
        List<MemoryLayout> members = group.memberLayouts();
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).name().filter(name::equals).isPresent()) {
                return Optional.of(List.of(PathElement.groupElement(name)));
            }
        }
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i) instanceof GroupLayout anonymous && anonymous.name().isEmpty()) {
                Optional<List<PathElement>> inner = find(anonymous, name);
                if (inner.isPresent()) {
                    List<PathElement> path = new ArrayList<>();
                    path.add(PathElement.groupElement(i));
                    path.addAll(inner.get());
                    return Optional.of(path);
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(GroupLayout root, String... designator) {
        return root.name().orElse("<anonymous>") + "." + String.join(".", designator);
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
