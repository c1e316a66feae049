package dev.jkvm.headers;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the members of a struct layout the way the struct classes name them, with the C designator each
 * stands for. Offsets are summed from member sizes here, independently of FFM's own path arithmetic.
 *
 * <p>Rules (the naming convention of the struct classes): anonymous groups are transparent, as in C; a named
 * member whose type is another probed struct is a leaf ({@code KvmSregs.OFFSET_CS}); other named groups are
 * flattened with an underscore ({@code KvmRun.OFFSET_IO} and {@code KvmRun.IO_PORT}).
 */
final class StructWalk {

    /**
     * One member.
     *
     * @param javaName the name after {@code OFFSET_} and of the var handle, e.g. {@code IO_PORT}
     * @param designator the C member designator, e.g. {@code io.port}
     * @param layout the member's layout
     * @param offset its byte offset in the struct
     */
    record Member(String javaName, String designator, MemoryLayout layout, long offset) {

        boolean scalar() {
            return layout instanceof ValueLayout;
        }

        boolean flexibleArray() {
            return layout instanceof SequenceLayout sequence && sequence.elementCount() == 0;
        }
    }

    private final List<GroupLayout> probedStructs;

    StructWalk(List<GroupLayout> probedStructs) {
        this.probedStructs = probedStructs.stream().map(layout -> (GroupLayout) layout.withoutName()).toList();
    }

    List<Member> members(GroupLayout struct) {
        List<Member> members = new ArrayList<>();
        walk(struct, 0, "", "", members);
        return members;
    }

    private void walk(GroupLayout group, long base, String javaPrefix, String cPrefix, List<Member> out) {
        long next = base;
        for (MemoryLayout member : group.memberLayouts()) {
            long offset = group instanceof StructLayout ? next : base;
            next = offset + member.byteSize();
            if (member instanceof PaddingLayout) {
                continue;
            }
            if (member.name().isEmpty()) {
                if (!(member instanceof GroupLayout anonymous)) {
                    throw new AssertionError("an unnamed member that is not an anonymous struct or union in "
                            + group);
                }
                walk(anonymous, offset, javaPrefix, cPrefix, out);
                continue;
            }
            String name = member.name().get();
            String javaName = javaPrefix + name.toUpperCase();
            String designator = cPrefix + name;
            out.add(new Member(javaName, designator, member, offset));
            if (member instanceof GroupLayout nested && !probedStructs.contains(nested.withoutName())) {
                walk(nested, offset, javaName + "_", designator + ".", out);
            }
        }
    }
}
