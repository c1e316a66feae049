package dev.jkvm.headers;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The vCPU kick: a no-op handler lets pthread_kill interrupt a thread blocked in a system call.
 *
 * <p>pthread_kill must only target a thread that has not exited, so each signalled thread waits on a latch
 * before it ends, and the test releases it only after its last kick.
 */
class SignalKickTest {

    /** How long the blocked poll would wait if the signal did not interrupt it. */
    private static final int POLL_TIMEOUT_MILLIS = 60_000;
    /** How long the test waits for the poll to return after each kick. */
    private static final long KICK_WAIT_MILLIS = 200;
    /** Kicks before giving up (a kick can land just before the thread enters poll). */
    private static final int MAX_KICKS = 50;

    @Test
    void pthreadKillInterruptsABlockedPollWithEintr() throws Exception {
        int signal = Libc.sigrtmin() + 4;
        Libc.installNoopSignalHandler(signal);
        int eventfd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        CompletableFuture<Long> threadId = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread blocked = Thread.ofPlatform().name("blocked-in-poll").start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pollfd = arena.allocate(PollFd.LAYOUT);
                PollFd.FD.set(pollfd, 0L, eventfd);
                PollFd.EVENTS.set(pollfd, 0L, (short) Libc.POLLIN);
                threadId.complete(Libc.pthreadSelf());
                int ready = Libc.poll(pollfd, 1, POLL_TIMEOUT_MILLIS);
                outcome.complete(new AssertionError("poll returned " + ready + " instead of being interrupted"));
            } catch (Throwable t) {
                outcome.complete(t);
            }
            awaitQuietly(release);
        });
        try {
            long target = threadId.get(10, TimeUnit.SECONDS);
            long start = System.nanoTime();
            int kicks = 0;
            while (!outcome.isDone() && kicks < MAX_KICKS) {
                Libc.pthreadKill(target, signal);
                kicks++;
                try {
                    outcome.get(KICK_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillBlocked) {
                    // kick again
                }
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            release.countDown();
            if (!outcome.isDone()) {
                fail("the poll thread was not interrupted by " + kicks + " kicks with signal " + signal);
            }
            NativeException e = assertInstanceOf(NativeException.class, outcome.get(), "what the poll thread got");
            assertEquals(Errno.EINTR, e.errno(), e.getMessage());
            assertTrue(e.call().startsWith("poll("), e.call());
            assertTrue(elapsedMillis < POLL_TIMEOUT_MILLIS / 2, "interrupted only after " + elapsedMillis + " ms");
            blocked.join(10_000);
            assertFalse(blocked.isAlive(), "the poll thread ended");
        } finally {
            if (!outcome.isDone()) {
                // Unblock it for good so a failed assertion does not leave it waiting a minute.
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment one = arena.allocate(JAVA_LONG);
                    one.set(JAVA_LONG, 0, 1);
                    Libc.write(eventfd, one);
                }
            }
            release.countDown();
            blocked.join(10_000);
            Libc.close(eventfd);
        }
        // The JVM took the signal in native code and carries on: allocate, collect and use FFM again.
        byte[][] garbage = new byte[1000][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[1024];
        }
        System.gc();
        assertEquals(ProcessHandle.current().pid(), Libc.getpid());
    }

    @Test
    void theHandlerSurvivesASignalToAThreadRunningJava() throws Exception {
        int signal = Libc.sigrtmin() + 4;
        Libc.installNoopSignalHandler(signal);
        CompletableFuture<Long> threadId = new CompletableFuture<>();
        CompletableFuture<Long> result = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread busy = Thread.ofPlatform().name("busy-in-java").start(() -> {
            threadId.complete(Libc.pthreadSelf());
            long sum = 0;
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() < end) {
                sum += Long.hashCode(sum) + 1;
            }
            result.complete(sum);
            awaitQuietly(release);
        });
        long target = threadId.get(10, TimeUnit.SECONDS);
        int kicks = 0;
        while (!result.isDone()) {
            Libc.pthreadKill(target, signal);
            kicks++;
            Thread.sleep(1);
        }
        release.countDown();
        busy.join(10_000);
        assertTrue(kicks > 10, "only " + kicks + " signals reached the busy thread");
        assertTrue(result.get() > 0, "the signalled thread finished its Java loop");
    }

    @Test
    void badSignalNumbersAreReported() {
        NativeException e = assertThrows(NativeException.class,
                () -> Libc.installNoopSignalHandler(1000));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.call().contains("signal 1000"), e.call());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
