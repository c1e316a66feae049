package dev.jkvm.headers.net;

import dev.jkvm.headers.Errno;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetHeadersTest {

    /** Linux's errno for an unknown address family (Errno does not list it). */
    private static final int EAFNOSUPPORT = 97;

    @Test
    void tunRequestNumbersAreTheKernelOnes() {
        // From strace of "ip tuntap add" and QEMU's tap-linux.c.
        assertEquals(0x400454caL, NetIoctls.TUNSETIFF.request());
        assertEquals(0x800454d2L, NetIoctls.TUNGETIFF.request());
        assertEquals(0x400454d0L, NetIoctls.TUNSETOFFLOAD.request());
        assertEquals(0x400454d8L, NetIoctls.TUNSETVNETHDRSZ.request());
        assertEquals(0x89a2L, NetIoctls.SIOCBRADDIF.request());
    }

    @Test
    void ifreqNameRoundTripsAndIsNulTerminated() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(Ifreq.LAYOUT);
            ifreq.fill((byte) 'x');
            Ifreq.setName(ifreq, "tap0");
            assertEquals("tap0", Ifreq.name(ifreq));
            assertEquals(0, ifreq.get(ValueLayout.JAVA_BYTE, Ifreq.OFFSET_IFR_NAME + 4));
            assertEquals(0, ifreq.get(ValueLayout.JAVA_BYTE, Ifreq.OFFSET_IFR_NAME + NetConstants.IFNAMSIZ - 1));
            Ifreq.setName(ifreq, "");
            assertEquals("", Ifreq.name(ifreq));
            Ifreq.setName(ifreq, "a23456789012345");
            assertEquals("a23456789012345", Ifreq.name(ifreq));
        }
    }

    @Test
    void ifreqRejectsNamesTheKernelWouldRefuse() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(Ifreq.LAYOUT);
            var tooLong = assertThrows(IllegalArgumentException.class,
                    () -> Ifreq.setName(ifreq, "a234567890123456"));
            assertEquals("interface name \"a234567890123456\" is 16 bytes long; Linux allows at most 15",
                    tooLong.getMessage());
            for (String bad : new String[] {"br/0", "br:0", "br 0", ".", ".."}) {
                var e = assertThrows(IllegalArgumentException.class, () -> Ifreq.setName(ifreq, bad));
                assertTrue(e.getMessage().startsWith("interface name \"" + bad + "\" is not valid"), e.getMessage());
            }
        }
    }

    @Test
    void readvAndWritevMoveBytesAndReportEagainAsNegativeErrno() {
        int fd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCallState(arena);
            MemorySegment vector = arena.allocate(Iovec.LAYOUT, 1);
            MemorySegment counter = arena.allocate(ValueLayout.JAVA_LONG);
            Iovec.set(vector, 0, counter);
            assertEquals(-Errno.EAGAIN, NetLibc.readv(fd, vector, 1, state), "an empty non-blocking eventfd");
            counter.set(ValueLayout.JAVA_LONG, 0, 42L);
            assertEquals(8, NetLibc.writev(fd, vector, 1, state));
            counter.set(ValueLayout.JAVA_LONG, 0, 0L);
            assertEquals(8, NetLibc.readv(fd, vector, 1, state));
            assertEquals(42L, counter.get(ValueLayout.JAVA_LONG, 0));
            assertThrows(IllegalArgumentException.class, () -> NetLibc.readv(fd, vector, 2, state));
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void socketReturnsADescriptorAndNamesTheCallOnFailure() {
        int fd = NetLibc.socket(NetConstants.AF_INET, NetConstants.SOCK_DGRAM | NetConstants.SOCK_CLOEXEC, 0);
        try {
            assertTrue(fd >= 0);
        } finally {
            Libc.close(fd);
        }
        var e = assertThrows(NativeException.class, () -> NetLibc.socket(-1, NetConstants.SOCK_DGRAM, 0));
        assertEquals(EAFNOSUPPORT, e.errno());
        assertEquals("socket(-1, 0x2, 0)", e.call());
    }
}
