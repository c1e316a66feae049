package dev.jkvm.headers;

import dev.jkvm.headers.kvm.KvmClockData;
import dev.jkvm.headers.kvm.KvmConstants;
import dev.jkvm.headers.kvm.KvmCpuid2;
import dev.jkvm.headers.kvm.KvmCpuidEntry2;
import dev.jkvm.headers.kvm.KvmDirtyLog;
import dev.jkvm.headers.kvm.KvmDtable;
import dev.jkvm.headers.kvm.KvmEnableCap;
import dev.jkvm.headers.kvm.KvmFpu;
import dev.jkvm.headers.kvm.KvmGuestDebug;
import dev.jkvm.headers.kvm.KvmIoctls;
import dev.jkvm.headers.kvm.KvmIoeventfd;
import dev.jkvm.headers.kvm.KvmIrqLevel;
import dev.jkvm.headers.kvm.KvmIrqRouting;
import dev.jkvm.headers.kvm.KvmIrqRoutingEntry;
import dev.jkvm.headers.kvm.KvmIrqRoutingIrqchip;
import dev.jkvm.headers.kvm.KvmIrqRoutingMsi;
import dev.jkvm.headers.kvm.KvmIrqfd;
import dev.jkvm.headers.kvm.KvmLapicState;
import dev.jkvm.headers.kvm.KvmMpState;
import dev.jkvm.headers.kvm.KvmMsi;
import dev.jkvm.headers.kvm.KvmMsrEntry;
import dev.jkvm.headers.kvm.KvmMsrList;
import dev.jkvm.headers.kvm.KvmMsrs;
import dev.jkvm.headers.kvm.KvmPitConfig;
import dev.jkvm.headers.kvm.KvmRegs;
import dev.jkvm.headers.kvm.KvmRun;
import dev.jkvm.headers.kvm.KvmSegment;
import dev.jkvm.headers.kvm.KvmSignalMask;
import dev.jkvm.headers.kvm.KvmSregs;
import dev.jkvm.headers.kvm.KvmUserspaceMemoryRegion;
import dev.jkvm.headers.kvm.KvmVcpuEvents;
import dev.jkvm.headers.kvm.KvmXcr;
import dev.jkvm.headers.kvm.KvmXcrs;
import dev.jkvm.headers.kvm.KvmXsave;
import dev.jkvm.headers.net.Ifreq;
import dev.jkvm.headers.net.Iovec;
import dev.jkvm.headers.net.NetConstants;
import dev.jkvm.headers.net.NetIoctls;
import dev.jkvm.headers.net.VirtioNetHdrV1;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares everything native-headers declares about the C ABI with what gcc says about the installed headers:
 * every probed struct's size and alignment, every OFFSET_ constant (and the size of the member it names), every
 * KVM ioctl number, and every constant of Libc, Errno, Ioctl, KvmIoctls and KvmConstants, plus each Errno
 * description against glibc's strerror.
 */
class LayoutProbeTest {

    /**
     * Every struct class with a LAYOUT and OFFSET_ constants. {@link #everyStructClassIsProbed} fails for a class
     * of the module that declares them and is missing here.
     */
    static final List<Class<?>> PROBED_STRUCTS = List.of(
            KvmRun.class, KvmRegs.class, KvmSregs.class, KvmSegment.class, KvmDtable.class, KvmFpu.class,
            KvmUserspaceMemoryRegion.class, KvmCpuid2.class, KvmCpuidEntry2.class, KvmMsrs.class,
            KvmMsrEntry.class, KvmMsrList.class, KvmIrqLevel.class, KvmIrqfd.class, KvmIoeventfd.class,
            KvmMsi.class, KvmIrqRouting.class, KvmIrqRoutingEntry.class, KvmIrqRoutingIrqchip.class,
            KvmIrqRoutingMsi.class, KvmPitConfig.class, KvmLapicState.class, KvmMpState.class,
            KvmVcpuEvents.class, KvmXcrs.class, KvmXcr.class, KvmEnableCap.class, KvmClockData.class,
            KvmSignalMask.class, KvmGuestDebug.class, KvmXsave.class, KvmDirtyLog.class,
            PollFd.class, EpollEvent.class, SigAction.class, Flock.class,
            Ifreq.class, Iovec.class, VirtioNetHdrV1.class);

    /** Classes whose public static final int and long constants are C macros of the same name. */
    static final List<Class<?>> CONSTANT_CLASSES = List.of(
            Libc.class, Errno.class, Ioctl.class, KvmIoctls.class, KvmConstants.class, NetConstants.class);

    /** Classes whose public static final Ioctl constants are C macros of the same name. */
    static final List<Class<?>> IOCTL_CLASSES = List.of(KvmIoctls.class, NetIoctls.class);

    /** Constants jkvm chose itself: no header defines them, and the probe checks that none does. */
    static final Set<String> NOT_FROM_HEADERS = Set.of("KVM_MAX_CPUID_ENTRIES");

    /**
     * Constants newer than some kernel headers, with the LINUX_VERSION_CODE of the release that added them: when
     * the installed headers are older, their absence is expected; from that release on it is a failure.
     */
    static final Map<String, Integer> INTRODUCED_IN = Map.of(
            "KVM_EXIT_LOONGARCH_IOCSR", kernelVersion(6, 7),
            "KVM_EXIT_MEMORY_FAULT", kernelVersion(6, 8),
            "KVM_EXIT_TDX", kernelVersion(6, 16));

    /** Where the generated C file and binary are kept for inspection. */
    private static final Path PROBE_DIR = Path.of("target", "layout-probe").toAbsolutePath();

    @Test
    void matchesTheCHeaders() throws Exception {
        CProbe probe = new CProbe();
        List<Comparison> comparisons = new ArrayList<>();
        StructWalk walk = new StructWalk(layouts());

        for (Class<?> type : PROBED_STRUCTS) {
            GroupLayout layout = layoutOf(type);
            String struct = "struct " + layout.name().orElseThrow();
            comparisons.add(new Comparison(probe.number("sizeof(" + struct + ")", null, "sizeof(" + struct + ")"),
                    layout.byteSize(), false));
            comparisons.add(new Comparison(probe.number("_Alignof(" + struct + ")", null,
                    "_Alignof(" + struct + ")"), layout.byteAlignment(), false));
            Map<String, Long> offsets = longConstants(type, "OFFSET_");
            for (StructWalk.Member member : walk.members(layout)) {
                Long javaOffset = offsets.get("OFFSET_" + member.javaName());
                if (javaOffset == null) {
                    continue; // reported by everyMemberHasItsConstants
                }
                String what = type.getSimpleName() + ".OFFSET_" + member.javaName() + " = offsetof(" + struct
                        + ", " + member.designator() + ")";
                comparisons.add(new Comparison(probe.number(what, null,
                        "offsetof(" + struct + ", " + member.designator() + ")"), javaOffset, false));
                if (!member.flexibleArray()) {
                    String size = "sizeof(((" + struct + " *) 0)->" + member.designator() + ")";
                    comparisons.add(new Comparison(probe.number(type.getSimpleName() + " member size " + size,
                            null, size), member.layout().byteSize(), false));
                }
            }
        }

        for (Class<?> type : IOCTL_CLASSES) {
            for (Field field : publicConstants(type, Ioctl.class)) {
                Ioctl ioctl = (Ioctl) field.get(null);
                comparisons.add(new Comparison(probe.number("ioctl " + field.getName(), field.getName(),
                        "(unsigned long) " + field.getName()), ioctl.request(), false));
            }
        }

        Map<Integer, Field> constantChecks = new TreeMap<>();
        for (Class<?> type : CONSTANT_CLASSES) {
            for (Field field : publicConstants(type, int.class, long.class)) {
                int index = probe.number(type.getSimpleName() + "." + field.getName(), field.getName(),
                        field.getName());
                constantChecks.put(index, field);
                comparisons.add(new Comparison(index, ((Number) field.get(null)).longValue(),
                        field.getType() == int.class));
            }
        }

        Map<Integer, String> errnoTexts = new TreeMap<>();
        for (Field field : publicConstants(Errno.class, int.class)) {
            String description = Errno.description(field.getInt(null));
            errnoTexts.put(probe.text("Errno.description(" + field.getName() + ") vs strerror", field.getName(),
                    "strerror(" + field.getName() + ")"), description);
        }
        int headerVersion = probe.number("LINUX_VERSION_CODE", null, "LINUX_VERSION_CODE");

        Map<Integer, String> c = probe.run(PROBE_DIR);

        List<String> mismatches = new ArrayList<>();
        List<String> notInThisHeader = new ArrayList<>();
        long version = Long.parseLong(c.get(headerVersion));
        for (Comparison comparison : comparisons) {
            CProbe.Check check = probe.check(comparison.index());
            String value = c.get(comparison.index());
            Field constant = constantChecks.get(comparison.index());
            String name = constant != null ? constant.getName() : null;
            if (value == null) {
                mismatches.add(check.what() + ": the probe printed nothing");
            } else if (name != null && NOT_FROM_HEADERS.contains(name)) {
                if (!value.equals(CProbe.ABSENT)) {
                    mismatches.add(check.what() + " is meant to be jkvm's own, but the headers define it as "
                            + value);
                }
            } else if (value.equals(CProbe.ABSENT)) {
                Integer since = name != null ? INTRODUCED_IN.get(name) : null;
                if (since != null && version < since) {
                    notInThisHeader.add(name);
                } else {
                    mismatches.add(check.what() + ": Java " + comparison.java() + ", C: not defined by the headers");
                }
            } else if (!comparison.matches(Long.parseLong(value))) {
                mismatches.add(check.what() + ": Java " + comparison.java() + ", C " + value);
            }
        }
        errnoTexts.forEach((index, java) -> {
            if (!java.equals(c.get(index))) {
                mismatches.add(probe.check(index).what() + ": Java \"" + java + "\", C \"" + c.get(index) + "\"");
            }
        });

        System.out.printf("layout probe: %d values compared with the headers of Linux %d.%d; %s%n", probe.size(),
                version >> 16, (version >> 8) & 0xff,
                notInThisHeader.isEmpty() ? "all present" : "newer than these headers: " + notInThisHeader);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches between Java and <linux/kvm.h>/glibc (probe "
                + PROBE_DIR.resolve("layout_probe.c").toAbsolutePath() + "):\n  " + String.join("\n  ", mismatches));
        assertTrue(probe.size() > 1000, "the probe compared only " + probe.size() + " values");
    }

    /** Every OFFSET_ constant names a member of the layout, and every member has its OFFSET_ and var handle. */
    @Test
    void everyMemberHasItsConstants() throws Exception {
        StructWalk walk = new StructWalk(layouts());
        List<String> problems = new ArrayList<>();
        for (Class<?> type : PROBED_STRUCTS) {
            GroupLayout layout = layoutOf(type);
            List<StructWalk.Member> members = walk.members(layout);
            Map<String, Long> offsets = longConstants(type, "OFFSET_");
            Map<String, VarHandle> handles = varHandles(type);

            Set<String> memberNames = new TreeSet<>();
            for (StructWalk.Member member : members) {
                if (!memberNames.add(member.javaName())) {
                    problems.add(type.getSimpleName() + ": two members flatten to " + member.javaName());
                }
                Long offset = offsets.get("OFFSET_" + member.javaName());
                if (offset == null) {
                    problems.add(type.getSimpleName() + ": no OFFSET_" + member.javaName() + " for "
                            + member.designator());
                } else if (offset != member.offset()) {
                    problems.add(type.getSimpleName() + ".OFFSET_" + member.javaName() + " is " + offset
                            + " but the layout puts " + member.designator() + " at " + member.offset());
                }
                if (member.scalar()) {
                    VarHandle handle = handles.get(member.javaName());
                    if (handle == null) {
                        problems.add(type.getSimpleName() + ": no var handle " + member.javaName() + " for "
                                + member.designator());
                    } else {
                        checkHandleTouchesOnlyItsMember(type, layout, member, handle, problems);
                    }
                }
            }
            for (String name : offsets.keySet()) {
                if (!memberNames.contains(name.substring("OFFSET_".length()))) {
                    problems.add(type.getSimpleName() + "." + name + " names no member of its LAYOUT");
                }
            }
            Set<String> scalars = members.stream().filter(StructWalk.Member::scalar)
                    .map(StructWalk.Member::javaName).collect(Collectors.toSet());
            for (String name : handles.keySet()) {
                if (!scalars.contains(name)) {
                    problems.add(type.getSimpleName() + "." + name + " is a var handle for no scalar member");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Every class of the module that declares a LAYOUT or OFFSET_ constants is in PROBED_STRUCTS. */
    @Test
    void everyStructClassIsProbed() throws Exception {
        List<Class<?>> classes = moduleClasses();
        List<String> unprobed = new ArrayList<>();
        int withOffsets = 0;
        for (Class<?> type : classes) {
            boolean declaresLayout = Stream.of(type.getDeclaredFields())
                    .anyMatch(f -> isPublicConstant(f) && (f.getName().equals("LAYOUT")
                            || f.getName().startsWith("OFFSET_") && f.getType() == long.class));
            if (declaresLayout) {
                withOffsets++;
                if (!PROBED_STRUCTS.contains(type)) {
                    unprobed.add(type.getName());
                }
            }
        }
        assertTrue(unprobed.isEmpty(), "struct classes missing from LayoutProbeTest.PROBED_STRUCTS: " + unprobed);
        assertEquals(PROBED_STRUCTS.size(), withOffsets,
                "PROBED_STRUCTS lists a class that has no LAYOUT/OFFSET_ constants, or one outside this module");
    }

    /** Every Ioctl constant carries its own field name, and every Errno constant's name() is its field name. */
    @Test
    void namesMatchTheirFields() throws Exception {
        for (Class<?> type : IOCTL_CLASSES) {
            for (Field field : publicConstants(type, Ioctl.class)) {
                assertEquals(field.getName(), ((Ioctl) field.get(null)).name(),
                        "the name inside " + type.getSimpleName() + "." + field.getName());
            }
        }
        for (Field field : publicConstants(Errno.class, int.class)) {
            assertEquals(field.getName(), Errno.name(field.getInt(null)), "Errno.name of " + field.getName());
        }
        for (Field field : publicConstants(KvmConstants.class, int.class)) {
            String name = field.getName();
            if (name.startsWith("KVM_EXIT_") && !name.startsWith("KVM_EXIT_IO_")) {
                assertEquals(name, KvmConstants.exitName(field.getInt(null)), "KvmConstants.exitName");
            }
        }
    }

    /** A value the probe compares: the check's index and the Java value. */
    private record Comparison(int index, long java, boolean int32) {

        boolean matches(long c) {
            // An int constant matches the C value read as signed or as unsigned 32-bit (EPOLLET is 1u << 31).
            return c == java || int32 && c == Integer.toUnsignedLong((int) java);
        }
    }

    /** Writes all-ones through the handle into a zeroed struct; exactly the member's bytes must change. */
    private static void checkHandleTouchesOnlyItsMember(Class<?> type, GroupLayout layout, StructWalk.Member member,
            VarHandle handle, List<String> problems) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment struct = arena.allocate(layout);
            Object allOnes = switch (member.layout()) {
                case ValueLayout.OfByte _ -> (byte) -1;
                case ValueLayout.OfShort _ -> (short) -1;
                case ValueLayout.OfInt _ -> -1;
                case ValueLayout.OfLong _ -> -1L;
                case AddressLayout _ -> MemorySegment.ofAddress(-1L);
                default -> throw new AssertionError("unexpected scalar " + member.layout());
            };
            handle.set(struct, 0L, allOnes);
            for (long i = 0; i < layout.byteSize(); i++) {
                boolean inMember = i >= member.offset() && i < member.offset() + member.layout().byteSize();
                byte expected = inMember ? (byte) -1 : 0;
                if (struct.get(ValueLayout.JAVA_BYTE, i) != expected) {
                    problems.add(type.getSimpleName() + "." + member.javaName() + " writes byte " + i
                            + " but the member spans " + member.offset() + ".."
                            + (member.offset() + member.layout().byteSize() - 1));
                    return;
                }
            }
        }
    }

    private static List<GroupLayout> layouts() {
        return PROBED_STRUCTS.stream().map(LayoutProbeTest::layoutOf).toList();
    }

    private static GroupLayout layoutOf(Class<?> type) {
        try {
            return (GroupLayout) type.getField("LAYOUT").get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type.getName() + " has no public static LAYOUT", e);
        }
    }

    private static Map<String, Long> longConstants(Class<?> type, String prefix) throws IllegalAccessException {
        Map<String, Long> constants = new TreeMap<>();
        for (Field field : publicConstants(type, long.class)) {
            if (field.getName().startsWith(prefix)) {
                constants.put(field.getName(), field.getLong(null));
            }
        }
        return constants;
    }

    private static Map<String, VarHandle> varHandles(Class<?> type) throws IllegalAccessException {
        Map<String, VarHandle> handles = new TreeMap<>();
        for (Field field : publicConstants(type, VarHandle.class)) {
            handles.put(field.getName(), (VarHandle) field.get(null));
        }
        return handles;
    }

    private static List<Field> publicConstants(Class<?> type, Class<?>... fieldTypes) {
        Set<Class<?>> wanted = Set.of(fieldTypes);
        return Stream.of(type.getDeclaredFields())
                .filter(LayoutProbeTest::isPublicConstant)
                .filter(f -> wanted.contains(f.getType()))
                .toList();
    }

    private static boolean isPublicConstant(Field field) {
        int modifiers = field.getModifiers();
        return Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers);
    }

    /** The top-level classes of this module's main code (a directory under Maven, or a jar). */
    private static List<Class<?>> moduleClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path location = Path.of(Libc.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            collectClassNames(location, names);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                collectClassNames(jar.getPath("/"), names);
            }
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            classes.add(Class.forName(name, false, LayoutProbeTest.class.getClassLoader()));
        }
        assertTrue(classes.contains(KvmRun.class) && classes.contains(Libc.class),
                "class scan of " + location + " did not find the module's classes: " + classes);
        return classes;
    }

    private static void collectClassNames(Path root, List<String> names) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.map(root::relativize)
                    .map(Path::toString)
                    .filter(name -> name.endsWith(".class") && !name.contains("$")
                            && !name.endsWith("package-info.class") && !name.endsWith("module-info.class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .forEach(names::add);
        }
    }

    private static int kernelVersion(int major, int minor) {
        return (major << 16) + (minor << 8);
    }
}
