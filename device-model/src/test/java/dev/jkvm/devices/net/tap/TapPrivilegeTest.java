package dev.jkvm.devices.net.tap;

import dev.jkvm.headers.Libc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tap's privilege and environment errors, and the unprivileged way to use a tap, each in a child JVM
 * ({@link TapChild}) started with {@code ip netns exec} in this class's namespace. Before the JVM starts, a
 * shell in the child's private mount namespace (ip netns exec makes one) replaces {@code /dev/net} with a
 * tmpfs holding a tun node of the mode a test needs, or none, so the host's device node is never touched.
 * Privileges are dropped with setpriv: to user nobody (65534), or to root without any capability.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TapPrivilegeTest {

    /** The unprivileged user the child runs as: nobody. */
    private static final String NOBODY = "65534";
    /** The bridge the unprivileged tests use. */
    private static final String BRIDGE = "br0";
    /** Replaces /dev/net in the child's mount namespace by an empty tmpfs. */
    private static final String EMPTY_DEV_NET = "mount -t tmpfs -o mode=0755 jkvm-test /dev/net";
    /** The tun clone device's major and minor number (10, 200 on every Linux). */
    private static final String TUN_NODE = " /dev/net/tun c 10 200";
    /** A /dev/net/tun any user may open, as distributions ship it. */
    private static final String TUN_FOR_EVERYONE = EMPTY_DEV_NET + " && mknod -m 0666" + TUN_NODE;
    /** A /dev/net/tun only root may open. */
    private static final String TUN_FOR_ROOT = EMPTY_DEV_NET + " && mknod -m 0600" + TUN_NODE;
    /** Leaves /dev/net as it is. */
    private static final String HOST_DEV_NET = "true";
    /** Runs the child as nobody, with no supplementary groups (and so no capabilities). */
    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
            "--clear-groups", "--");
    /** Runs the child as root but with an empty bounding set, so it gets no capability at exec. */
    private static final List<String> AS_ROOT_WITHOUT_CAPABILITIES = List.of("setpriv", "--inh-caps=-all",
            "--bounding-set=-all", "--");

    private NetworkNamespace namespace;
    /** A copy of the classes the child needs, readable by nobody (the build's own may live under /root). */
    private Path classpath;

    @BeforeAll
    void createNamespaceAndChildClasspath() throws Exception {
        namespace = NetworkNamespace.create("privilege");
        namespace.ip("link", "add", BRIDGE, "type", "bridge");
        namespace.ip("link", "set", BRIDGE, "up");
        classpath = Files.createTempDirectory("jkvm-tap-child", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        copyCodeSource(Tap.class, "main");
        copyCodeSource(TapChild.class, "test");
        copyCodeSource(Libc.class, "headers");
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            if (namespace != null) {
                namespace.close();
            }
        } finally {
            if (classpath != null) {
                try (Stream<Path> files = Files.walk(classpath)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
    }

    @Test
    void withoutCapNetAdminRootCannotCreateATap() throws Exception {
        String result = child(HOST_DEV_NET, AS_ROOT_WITHOUT_CAPABILITIES, "jkvmc0");
        assertEquals("FAILED NOT_PERMITTED jkvmc0: not permitted to create or open the tap: run jkvm as root or with"
                + " CAP_NET_ADMIN, or use a persistent tap owned by your user (ip tuntap add jkvmc0 mode tap user"
                + " $USER) (ioctl TUNSETIFF: EPERM)", result);
        assertFalse(namespace.linkExists("jkvmc0"));
    }

    @Test
    void withoutDevNetTunTheErrorSaysWhatIsMissing() throws Exception {
        String result = child(EMPTY_DEV_NET, List.of(), "");
        assertEquals("FAILED NO_TUN_DEVICE new tap: cannot create or open a tap: /dev/net/tun is missing; load the"
                + " tun module (modprobe tun), or in a container pass the device in (open /dev/net/tun: ENOENT)",
                result);
    }

    @Test
    void aUserWhoCannotOpenDevNetTunIsToldSo() throws Exception {
        String result = child(TUN_FOR_ROOT, AS_NOBODY, "jkvmn0");
        assertEquals("FAILED NOT_PERMITTED jkvmn0: no permission to open /dev/net/tun: run jkvm as root, or make the"
                + " device read-write for your user (mode 0666 is the usual default) (open /dev/net/tun: EACCES)",
                result);
    }

    @Test
    void aUserCannotOpenATapOwnedBySomeoneElse() throws Exception {
        namespace.ip("tuntap", "add", "dev", "jkvmr0", "mode", "tap", "user", "0");
        try {
            String result = child(TUN_FOR_EVERYONE, AS_NOBODY, "jkvmr0");
            assertTrue(result.startsWith("FAILED NOT_PERMITTED jkvmr0: not permitted to create or open the tap"),
                    result);
            assertTrue(result.endsWith("(ioctl TUNSETIFF: EPERM)"), result);
        } finally {
            namespace.ip("link", "del", "jkvmr0");
        }
    }

    @Test
    void aUserUsesATapTheAdministratorPreparedOnTheBridge() throws Exception {
        namespace.ip("tuntap", "add", "dev", "jkvmu0", "mode", "tap", "user", NOBODY);
        try {
            namespace.ip("link", "set", "jkvmu0", "master", BRIDGE);
            namespace.ip("link", "set", "jkvmu0", "up");
            assertEquals("OPENED jkvmu0 created=false up=true", child(TUN_FOR_EVERYONE, AS_NOBODY, "jkvmu0", BRIDGE));
            String link = namespace.ip("link", "show", "dev", "jkvmu0");
            assertTrue(link.contains("master " + BRIDGE), "the tap stays on the bridge after the VM: " + link);
        } finally {
            namespace.ip("link", "del", "jkvmu0");
        }
    }

    @Test
    void aUserCannotAttachATapToABridgeItself() throws Exception {
        namespace.ip("tuntap", "add", "dev", "jkvmu1", "mode", "tap", "user", NOBODY);
        try {
            assertEquals("FAILED NOT_PERMITTED jkvmu1: not permitted to attach the tap to bridge br0: run jkvm as"
                    + " root or with CAP_NET_ADMIN, or have the administrator do it (ip link set jkvmu1 master br0)"
                    + " and leave br= out (ioctl SIOCBRADDIF br0: EPERM)",
                    child(TUN_FOR_EVERYONE, AS_NOBODY, "jkvmu1", BRIDGE));
        } finally {
            namespace.ip("link", "del", "jkvmu1");
        }
    }

    /** Runs TapChild in the namespace after {@code devNetSetup}, under {@code privileges}; returns its result line. */
    private String child(String devNetSetup, List<String> privileges, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace.name(), "sh", "-c",
                devNetSetup + " && exec \"$@\"", "sh"));
        command.addAll(privileges);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1",
                "-cp", String.join(":", classpath.resolve("main").toString(), classpath.resolve("test").toString(),
                        classpath.resolve("headers").toString()),
                TapChild.class.getName()));
        command.addAll(List.of(args));
        NetworkNamespace.Result result = NetworkNamespace.run(command);
        List<String> lines = result.output().lines()
                .filter(line -> line.startsWith("OPENED ") || line.startsWith("FAILED ")).toList();
        if (result.exitCode() != 0 || lines.size() != 1) {
            throw new AssertionError("the child " + String.join(" ", command) + " exited with " + result.exitCode()
                    + " and printed: " + result.output());
        }
        return lines.getFirst();
    }

    /** Copies the directory or jar {@code type} was loaded from to {@code classpath/name}, readable by all. */
    private void copyCodeSource(Class<?> type, String name) throws IOException, URISyntaxException {
        Path source = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path target = classpath.resolve(name);
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.toList()) {
                    Path copy = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(file, copy);
                    }
                }
            }
        } else {
            // A jar on the classpath: a jar is also a valid classpath entry under any name.
            Files.copy(source, target);
        }
        try (Stream<Path> files = Files.walk(target)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                        Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
