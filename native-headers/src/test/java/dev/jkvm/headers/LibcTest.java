package dev.jkvm.headers;

import dev.jkvm.headers.kvm.KvmIoctls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibcTest {

    /** The x86-64 page size. */
    private static final int PAGE = 4096;
    /** Bytes an eventfd read or write transfers. */
    private static final int EVENTFD_COUNTER = 8;

    @TempDir
    Path tmp;

    @Test
    void eventfdCountsWritesAndReportsEagainWhenEmpty() {
        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment counter = arena.allocate(EVENTFD_COUNTER);
            counter.set(JAVA_LONG, 0, 3);
            assertEquals(EVENTFD_COUNTER, Libc.write(fd, counter));
            counter.set(JAVA_LONG, 0, 4);
            Libc.write(fd, counter);
            counter.set(JAVA_LONG, 0, 0);
            assertEquals(EVENTFD_COUNTER, Libc.read(fd, counter));
            assertEquals(7, counter.get(JAVA_LONG, 0));
            NativeException empty = assertThrows(NativeException.class, () -> Libc.read(fd, counter));
            assertEquals(Errno.EAGAIN, empty.errno());
            assertTrue(empty.call().startsWith("read(fd " + fd), empty.call());
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void pollSeesAReadableEventfd() {
        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(PollFd.LAYOUT);
            PollFd.FD.set(pollfd, 0L, fd);
            PollFd.EVENTS.set(pollfd, 0L, (short) Libc.POLLIN);
            assertEquals(0, Libc.poll(pollfd, 1, 0), "nothing written yet");
            MemorySegment one = arena.allocate(EVENTFD_COUNTER);
            one.set(JAVA_LONG, 0, 1);
            Libc.write(fd, one);
            assertEquals(1, Libc.poll(pollfd, 1, 1000));
            assertEquals(Libc.POLLIN, (short) PollFd.REVENTS.get(pollfd, 0L) & Libc.POLLIN);
            assertThrows(IllegalArgumentException.class, () -> Libc.poll(pollfd, 2, 0),
                    "two pollfds do not fit in one");
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void noThrowEventfdCallsReturnMinusErrno() {
        int fd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCallState(arena);
            MemorySegment counter = arena.allocate(EVENTFD_COUNTER);
            MemorySegment pollfd = arena.allocate(PollFd.LAYOUT);
            PollFd.FD.set(pollfd, 0L, fd);
            PollFd.EVENTS.set(pollfd, 0L, (short) Libc.POLLIN);
            assertEquals(-Errno.EAGAIN, Libc.readNoThrow(fd, counter, state), "an empty eventfd");
            assertEquals(0, Libc.pollNoThrow(pollfd, 1, 0, state));
            counter.set(JAVA_LONG, 0, 3);
            assertEquals(Long.BYTES, Libc.writeNoThrow(fd, counter, state));
            assertEquals(1, Libc.pollNoThrow(pollfd, 1, 1000, state));
            counter.set(JAVA_LONG, 0, 0);
            assertEquals(Long.BYTES, Libc.readNoThrow(fd, counter, state));
            assertEquals(3, counter.get(JAVA_LONG, 0));
            assertEquals(-Errno.EBADF, Libc.writeNoThrow(-1, counter, state));
            PollFd.FD.set(pollfd, 0L, -1);
            assertEquals(0, Libc.pollNoThrow(pollfd, 1, 0, state), "poll skips a negative descriptor");
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void epollDeliversTheRegisteredData() {
        int epfd = Libc.epollCreate1(Libc.EPOLL_CLOEXEC);
        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        long cookie = 0x1234_5678_9abc_def0L;
        try (Arena arena = Arena.ofConfined()) {
            Libc.epollCtl(epfd, Libc.EPOLL_CTL_ADD, fd, Libc.EPOLLIN, cookie);
            MemorySegment events = arena.allocate(EpollEvent.LAYOUT, 4);
            assertEquals(0, Libc.epollWait(epfd, events, 4, 0));
            MemorySegment one = arena.allocate(EVENTFD_COUNTER);
            one.set(JAVA_LONG, 0, 1);
            Libc.write(fd, one);
            assertEquals(1, Libc.epollWait(epfd, events, 4, 1000));
            assertEquals(Libc.EPOLLIN, (int) EpollEvent.EVENTS.get(events, 0L));
            assertEquals(cookie, (long) EpollEvent.DATA.get(events, 0L));
            Libc.epollCtl(epfd, Libc.EPOLL_CTL_DEL, fd, 0, 0);
            NativeException gone = assertThrows(NativeException.class,
                    () -> Libc.epollCtl(epfd, Libc.EPOLL_CTL_DEL, fd, 0, 0));
            assertEquals(Errno.ENOENT, gone.errno());
        } finally {
            Libc.close(fd);
            Libc.close(epfd);
        }
    }

    @Test
    void mmapMadviseAndMunmap() {
        MemorySegment mapping = Libc.mmap(0, 2 * PAGE, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0);
        try {
            assertEquals(2 * PAGE, mapping.byteSize());
            assertEquals(0, mapping.address() % PAGE);
            mapping.set(JAVA_LONG, PAGE, 0x5555_aaaaL);
            assertEquals(0x5555_aaaaL, mapping.get(JAVA_LONG, PAGE));
            Libc.madvise(mapping, Libc.MADV_DONTFORK);
            Libc.madvise(mapping, Libc.MADV_DONTNEED);
            assertEquals(0, mapping.get(JAVA_LONG, PAGE), "MADV_DONTNEED gives back zero pages");
            NativeException unaligned = assertThrows(NativeException.class,
                    () -> Libc.madvise(mapping.asSlice(1, PAGE), Libc.MADV_DONTNEED));
            assertEquals(Errno.EINVAL, unaligned.errno());
        } finally {
            Libc.munmap(mapping);
        }
    }

    @Test
    void mmapFailureNamesItsArguments() {
        NativeException e = assertThrows(NativeException.class,
                () -> Libc.mmap(0, PAGE, Libc.PROT_READ, Libc.MAP_SHARED, -1, 0));
        assertEquals(Errno.EBADF, e.errno());
        assertTrue(e.call().startsWith("mmap(") && e.call().contains("fd -1"), e.call());
    }

    @Test
    void arenaMappingIsUnmappedWithItsArena() {
        MemorySegment mapping;
        try (Arena arena = Arena.ofConfined()) {
            mapping = Libc.mmap(arena, 0, PAGE, Libc.PROT_READ | Libc.PROT_WRITE,
                    Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
            mapping.set(JAVA_BYTE, PAGE - 1, (byte) 7);
            assertEquals(7, mapping.get(JAVA_BYTE, PAGE - 1));
        }
        assertThrows(IllegalStateException.class, () -> mapping.get(JAVA_BYTE, 0),
                "the segment dies with its arena instead of faulting");
    }

    @Test
    void preadAndPwriteUseTheirOffsets() {
        String file = tmp.resolve("data.bin").toString();
        int fd = Libc.open(file, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0600);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocateFrom(JAVA_BYTE, new byte[] {1, 2, 3, 4});
            assertEquals(4, Libc.pwrite(fd, out, 1000));
            MemorySegment in = arena.allocate(6);
            assertEquals(5, Libc.pread(fd, in, 999), "the file ends at 1004");
            assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 0}, in.toArray(JAVA_BYTE));
            NativeException exists = assertThrows(NativeException.class,
                    () -> Libc.open(file, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL, 0600));
            assertEquals(Errno.EEXIST, exists.errno());
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void fcntlFlagsAndOpenFileDescriptionLocks() {
        String file = tmp.resolve("disk.img").toString();
        int first = Libc.open(file, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0600);
        int second = Libc.open(file, Libc.O_RDWR | Libc.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(Libc.FD_CLOEXEC, Libc.fcntl(first, Libc.F_GETFD, 0) & Libc.FD_CLOEXEC);
            Libc.fcntl(first, Libc.F_SETFL, Libc.fcntl(first, Libc.F_GETFL, 0) | Libc.O_NONBLOCK);
            assertEquals(Libc.O_NONBLOCK, Libc.fcntl(first, Libc.F_GETFL, 0) & Libc.O_NONBLOCK);

            MemorySegment lock = arena.allocate(Flock.LAYOUT);
            Flock.L_TYPE.set(lock, 0L, (short) Libc.F_WRLCK);
            Flock.L_WHENCE.set(lock, 0L, (short) Libc.SEEK_SET);
            Libc.fcntl(first, Libc.F_OFD_SETLK, lock);
            // OFD locks belong to the open file description, so a second open() in this process conflicts.
            NativeException busy = assertThrows(NativeException.class,
                    () -> Libc.fcntl(second, Libc.F_OFD_SETLK, lock));
            assertEquals(Errno.EAGAIN, busy.errno());
            MemorySegment probe = arena.allocate(Flock.LAYOUT);
            Flock.L_TYPE.set(probe, 0L, (short) Libc.F_RDLCK);
            Libc.fcntl(second, Libc.F_OFD_GETLK, probe);
            assertEquals(Libc.F_WRLCK, (short) Flock.L_TYPE.get(probe, 0L));
            assertEquals(-1, (int) Flock.L_PID.get(probe, 0L), "OFD locks report no owner pid");
        } finally {
            Libc.close(second);
            Libc.close(first);
        }
    }

    @Test
    void ioctlErrorsNameTheRequest() {
        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        try {
            NativeException e = assertThrows(NativeException.class,
                    () -> Libc.ioctl(fd, KvmIoctls.KVM_GET_API_VERSION));
            assertEquals(Errno.ENOTTY, e.errno());
            assertEquals("ioctl(fd " + fd + ", KVM_GET_API_VERSION, 0)", e.call());
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void ioctlNoThrowReturnsMinusErrnoAndNeverThrows() {
        // Whether the hot path allocates is a JIT-dependent performance property: it belongs in a benchmark
        // (ExitLatencyBenchmark with -prof gc), not in a unit test.
        int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        long request = KvmIoctls.KVM_RUN.request();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            long sum = 0;
            for (int i = 0; i < 10_000; i++) {
                sum += Libc.ioctlNoThrow(fd, request, 0, callState);
            }
            assertEquals(-10_000L * Errno.ENOTTY, sum);
            assertEquals(-Errno.EBADF, Libc.ioctlNoThrow(-1, request, 0, callState));
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void closingABadDescriptorFails() {
        NativeException e = assertThrows(NativeException.class, () -> Libc.close(-1));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("close(fd -1)", e.call());
    }

    @Test
    void processFacts() {
        assertEquals(PAGE, Libc.sysconf(Libc._SC_PAGESIZE));
        assertEquals(ProcessHandle.current().pid(), Libc.getpid());
        int sigrtmin = Libc.sigrtmin();
        assertTrue(sigrtmin >= 32 && sigrtmin + 4 <= 64, "SIGRTMIN " + sigrtmin);
        assertTrue(Libc.pthreadSelf() != 0);
    }
}
