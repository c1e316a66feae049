package dev.jkvm.devices.virtio.queue;

import dev.jkvm.devices.memory.GuestRam;
import dev.jkvm.devices.memory.TestRam;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.jkvm.devices.virtio.queue.QueueFixture.BUFFERS;
import static dev.jkvm.devices.virtio.queue.QueueFixture.INDIRECT_TABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A well-behaved driver: chains, indirect tables, completions and notification suppression both ways. */
class SplitVirtqueueTest {
    private static final int NEXT = VirtqDesc.NEXT;
    private static final int WRITE = VirtqDesc.WRITE;
    private static final int INDIRECT = VirtqDesc.INDIRECT;

    @Test
    void singleDescriptorChainIsPoppedOnceAndCompleted() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(5, BUFFERS, 512, WRITE, 0);
        f.driver.makeAvailable(5);

        DescriptorChain chain = f.queue.pop();

        assertEquals(new DescriptorChain(5, List.of(), List.of(new GuestBuffer(BUFFERS, 512))), chain);
        assertNull(f.queue.pop(), "nothing more was made available");
        f.queue.complete(chain, 200);
        assertEquals(1, f.driver.usedIdx());
        assertEquals(5, f.driver.usedId(0));
        assertEquals(200, f.driver.usedLen(0));
        assertEquals(1, f.interrupts.get());
    }

    @Test
    void chainedReadableThenWritableDescriptorsKeepTheirOrder() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 16, NEXT, 3);
        f.driver.descriptor(3, BUFFERS + 0x1000, 4096, NEXT, 7);
        f.driver.descriptor(7, BUFFERS + 0x2000, 1, WRITE, 0);
        f.driver.makeAvailable(0);

        DescriptorChain chain = f.queue.pop();

        assertEquals(List.of(new GuestBuffer(BUFFERS, 16), new GuestBuffer(BUFFERS + 0x1000, 4096)), chain.readable());
        assertEquals(List.of(new GuestBuffer(BUFFERS + 0x2000, 1)), chain.writable());
        assertEquals(4112, chain.readableLength());
        assertEquals(1, chain.writableLength());
    }

    @Test
    void indirectTableIsFlattenedInChainOrder() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(2, INDIRECT_TABLE, 3 * 16, INDIRECT, 0);
        // Table order differs from chain order: 0 -> 2 -> 1.
        f.driver.descriptorAt(INDIRECT_TABLE, 0, BUFFERS, 16, NEXT, 2);
        f.driver.descriptorAt(INDIRECT_TABLE, 2, BUFFERS + 0x1000, 512, NEXT | WRITE, 1);
        f.driver.descriptorAt(INDIRECT_TABLE, 1, BUFFERS + 0x2000, 1, WRITE, 0);
        f.driver.makeAvailable(2);

        DescriptorChain chain = f.queue.pop();

        assertEquals(2, chain.head());
        assertEquals(List.of(new GuestBuffer(BUFFERS, 16)), chain.readable());
        assertEquals(List.of(new GuestBuffer(BUFFERS + 0x1000, 512), new GuestBuffer(BUFFERS + 0x2000, 1)),
                chain.writable());
    }

    @Test
    void directDescriptorsMayEndInAnIndirectTable() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, BUFFERS, 16, NEXT, 1);
        f.driver.descriptor(1, INDIRECT_TABLE, 16, INDIRECT, 0);
        f.driver.descriptorAt(INDIRECT_TABLE, 0, BUFFERS + 0x1000, 8, WRITE, 0);
        f.driver.makeAvailable(0);

        DescriptorChain chain = f.queue.pop();

        assertEquals(new DescriptorChain(0, List.of(new GuestBuffer(BUFFERS, 16)),
                List.of(new GuestBuffer(BUFFERS + 0x1000, 8))), chain);
    }

    @Test
    void usedEventSuppressesInterruptsUntilTheDriversIndexIsCrossed() {
        var f = new QueueFixture(8, true, false);
        for (int i = 0; i < 4; i++) {
            f.driver.descriptor(i, BUFFERS, 64, WRITE, 0);
            f.driver.makeAvailable(i);
        }
        // The driver wants an interrupt only once used.idx passes 2, i.e. on the third completion.
        f.driver.setUsedEvent(2);
        List<DescriptorChain> chains = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            chains.add(f.queue.pop());
        }

        List<Integer> interruptsAfterEach = new ArrayList<>();
        for (DescriptorChain chain : chains) {
            f.queue.complete(chain, 0);
            interruptsAfterEach.add(f.interrupts.get());
        }

        assertEquals(List.of(0, 0, 1, 1), interruptsAfterEach);
        assertEquals(4, f.driver.usedIdx());
    }

    @Test
    void usedEventAtTheCurrentIndexInterruptsOnTheNextCompletion() {
        var f = new QueueFixture(8, true, false);
        f.driver.descriptor(0, BUFFERS, 64, WRITE, 0);
        f.driver.setUsedEvent(0);
        f.driver.makeAvailable(0);
        f.queue.complete(f.queue.pop(), 0);
        assertEquals(1, f.interrupts.get(), "used_event 0 asks for the interrupt when used.idx goes 0 -> 1");

        f.driver.makeAvailable(0);
        f.queue.complete(f.queue.pop(), 0);
        assertEquals(1, f.interrupts.get(), "used_event still 0: 1 -> 2 does not cross it");
    }

    @Test
    void availEventTracksLastAvailSoTheDriverKicksForTheNextChain() {
        var f = new QueueFixture(8, true, false);
        for (int i = 0; i < 8; i++) {
            f.driver.descriptor(i, BUFFERS, 64, WRITE, 0);
        }
        assertEquals(0, f.driver.availEvent(), "a new queue asks for a kick on the first chain");
        assertTrue(f.driver.wouldKick(0, 1));
        f.driver.makeAvailable(0);
        f.queue.pop();
        assertEquals(1, f.driver.availEvent());
        assertTrue(f.driver.wouldKick(1, 2), "the queue is empty again, so the next chain must kick");

        f.queue.disableNotifications();
        f.driver.makeAvailable(1);
        f.driver.makeAvailable(2);
        f.queue.pop();
        f.queue.pop();
        assertEquals(1, f.driver.availEvent(), "while disabled, popping leaves avail_event where it was frozen");
        assertFalse(f.driver.wouldKick(3, 4), "the driver is past avail_event, so it does not kick");

        f.driver.makeAvailable(3);
        assertTrue(f.queue.enableNotifications(), "a chain arrived while notifications were off");
        assertEquals(3, f.driver.availEvent());
        f.queue.pop();
        assertEquals(4, f.driver.availEvent());
        assertFalse(f.queue.enableNotifications(), "nothing pending");
    }

    @Test
    void noInterruptFlagSuppressesInterruptsWithoutEventIndex() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 64, WRITE, 0);
        f.driver.descriptor(1, BUFFERS, 64, WRITE, 0);
        f.driver.makeAvailable(0);
        f.driver.makeAvailable(1);
        f.driver.setAvailFlags(SplitVirtqueue.AVAIL_F_NO_INTERRUPT);

        f.queue.complete(f.queue.pop(), 10);
        assertEquals(0, f.interrupts.get());
        assertEquals(1, f.driver.usedIdx(), "the completion is published even without an interrupt");

        f.driver.setAvailFlags(0);
        f.queue.complete(f.queue.pop(), 10);
        assertEquals(1, f.interrupts.get());
    }

    @Test
    void noNotifyFlagFollowsDisableAndEnableWithoutEventIndex() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 64, WRITE, 0);
        assertEquals(0, f.driver.usedFlags());

        f.queue.disableNotifications();
        assertEquals(SplitVirtqueue.USED_F_NO_NOTIFY, f.driver.usedFlags());
        assertFalse(f.queue.enableNotifications());
        assertEquals(0, f.driver.usedFlags());

        f.queue.disableNotifications();
        f.driver.makeAvailable(0);
        assertTrue(f.queue.enableNotifications(), "the chain made available meanwhile must be reported");
        assertEquals(0, f.driver.usedFlags());
        assertNotNull(f.queue.pop());
    }

    @Test
    void concurrentCompletionsFromFourThreadsUseEveryUsedSlotOnce() throws Exception {
        int chains = 10_000;
        var f = QueueFixture.plain(16384);
        List<DescriptorChain> popped = new ArrayList<>();
        for (int head = 0; head < chains; head++) {
            f.driver.descriptor(head, BUFFERS + 64L * (head % 1024), 64, WRITE, 0);
            f.driver.makeAvailable(head);
        }
        for (int i = 0; i < chains; i++) {
            popped.add(f.queue.pop());
        }
        assertNull(f.queue.pop());

        int threads = 4;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int i = first; i < chains; i += threads) {
                        DescriptorChain chain = popped.get(i);
                        f.queue.complete(chain, chain.head() % 65);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }

        assertEquals(chains, f.driver.usedIdx());
        assertEquals(chains, f.interrupts.get());
        boolean[] seen = new boolean[chains];
        for (int slot = 0; slot < chains; slot++) {
            int id = f.driver.usedId(slot);
            assertTrue(id >= 0 && id < chains, "used slot " + slot + " holds id " + id);
            assertFalse(seen[id], "id " + id + " appears twice");
            seen[id] = true;
            assertEquals(id % 65, f.driver.usedLen(slot), "len of id " + id);
        }
    }

    @Test
    void indicesWrapAroundSixteenBits() {
        var f = new QueueFixture(4, true, false);
        for (int i = 0; i < 4; i++) {
            f.driver.descriptor(i, BUFFERS, 64, WRITE, 0);
        }
        int rounds = 70_000;
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < rounds; i++) {
                f.driver.setUsedEvent(i & 0xFFFF);
                f.driver.makeAvailable(i % 4);
                DescriptorChain chain = f.queue.pop();
                assertEquals(i % 4, chain.head(), "round " + i);
                f.queue.complete(chain, 1);
            }
        });
        assertNull(f.queue.pop());
        assertEquals(rounds & 0xFFFF, f.driver.usedIdx());
        assertEquals(rounds & 0xFFFF, f.driver.availEvent());
        assertEquals(rounds, f.interrupts.get(), "used_event always at the old index: one interrupt per completion");
    }

    @Test
    void availIndexExactlyOneQueueAheadIsAccepted() {
        var f = QueueFixture.plain(4);
        for (int i = 0; i < 4; i++) {
            f.driver.descriptor(i, BUFFERS, 64, WRITE, 0);
            f.driver.makeAvailable(i);
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(i, f.queue.pop().head());
        }
        assertNull(f.queue.pop());
    }

    @Test
    void queueReportsItsIndexAndSize() {
        var ram = TestRam.heap(QueueFixture.RAM_SIZE);
        var queue = new SplitVirtqueue(new SplitQueueConfig(3, 256, QueueFixture.DESC, QueueFixture.AVAIL,
                QueueFixture.USED, false, false), ram, () -> { });
        assertEquals(3, queue.index());
        assertEquals(256, queue.size());
    }

    @Test
    void ringsInNativeMemoryAreAccessedWithTheirOrderedModes() {
        // Production guest RAM is mmap'ed guest memory: the aligned ordered accesses must work there too.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment guest = arena.allocate(QueueFixture.RAM_SIZE, 4096);
            GuestRam ram = TestRam.of(guest);
            var config = new SplitQueueConfig(0, 8, QueueFixture.DESC, QueueFixture.AVAIL, QueueFixture.USED, true,
                    false);
            int[] interrupts = {0};
            var queue = new SplitVirtqueue(config, ram, () -> interrupts[0]++);
            var le16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
            var le32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
            var le64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
            guest.set(le64, QueueFixture.DESC, BUFFERS);
            guest.set(le32, QueueFixture.DESC + 8, 64);
            guest.set(le16, QueueFixture.DESC + 12, (short) WRITE);
            guest.set(le16, QueueFixture.AVAIL + 4, (short) 0);
            guest.set(le16, QueueFixture.AVAIL + 2, (short) 1);

            DescriptorChain chain = queue.pop();
            queue.complete(chain, 7);

            assertEquals(List.of(new GuestBuffer(BUFFERS, 64)), chain.writable());
            assertEquals(1, guest.get(le16, QueueFixture.USED + 2));
            assertEquals(0, guest.get(le32, QueueFixture.USED + 4));
            assertEquals(7, guest.get(le32, QueueFixture.USED + 8));
            assertEquals(1, guest.get(le16, QueueFixture.USED + 4 + 8 * 8), "avail_event follows last_avail");
            assertEquals(1, interrupts[0]);
        }
    }

    /** A queue whose interrupt records used.idx as the driver sees it at that moment. */
    private record Observed(RingDriver driver, SplitVirtqueue queue, List<Integer> usedIdxAtInterrupt) {
        static Observed create(int size, boolean eventIdx) {
            var ram = TestRam.heap(QueueFixture.RAM_SIZE);
            var config = new SplitQueueConfig(0, size, QueueFixture.DESC, QueueFixture.AVAIL, QueueFixture.USED,
                    eventIdx, false);
            var driver = new RingDriver(ram, config);
            List<Integer> seen = new ArrayList<>();
            return new Observed(driver, new SplitVirtqueue(config, ram, () -> seen.add(driver.usedIdx())), seen);
        }

        /** Makes heads first, first+1, ... (mod size) available as one writable 64-byte buffer each and pops them. */
        List<DescriptorChain> popFresh(int first, int count) {
            List<DescriptorChain> chains = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int head = (first + i) % queue.size();
                driver.descriptor(head, BUFFERS + 64L * head, 64, WRITE, 0);
                driver.makeAvailable(head);
            }
            for (int i = 0; i < count; i++) {
                chains.add(queue.pop());
            }
            return chains;
        }
    }

    @Test
    void completeAllPublishesTheWholeBatchThenInterruptsOnce() {
        var o = Observed.create(8, false);
        for (int head : new int[]{4, 1, 6}) {
            o.driver().descriptor(head, BUFFERS + 0x100L * head, 256, WRITE, 0);
            o.driver().makeAvailable(head);
        }
        List<DescriptorChain> chains = List.of(o.queue().pop(), o.queue().pop(), o.queue().pop());

        o.queue().completeAll(chains, new int[]{256, 100, 0});

        assertEquals(List.of(3), o.usedIdxAtInterrupt(), "one interrupt, raised once all three were visible");
        RingDriver d = o.driver();
        assertEquals(List.of(4, 1, 6), List.of(d.usedId(0), d.usedId(1), d.usedId(2)));
        assertEquals(List.of(256, 100, 0), List.of(d.usedLen(0), d.usedLen(1), d.usedLen(2)));

        o.queue().completeAll(List.of(), new int[0]);
        assertEquals(3, d.usedIdx(), "an empty batch publishes nothing");
        assertEquals(1, o.usedIdxAtInterrupt().size(), "and raises no interrupt");
    }

    @Test
    void completeIsABatchOfOne() {
        var o = Observed.create(8, false);
        List<DescriptorChain> chains = o.popFresh(0, 2);
        o.queue().complete(chains.get(0), 10);
        o.queue().complete(chains.get(1), 20);
        assertEquals(List.of(1, 2), o.usedIdxAtInterrupt());
        assertEquals(List.of(10, 20), List.of(o.driver().usedLen(0), o.driver().usedLen(1)));
    }

    /** The len this test gives the completion numbered {@code n} (mod 2^16): 1..64, fits a 64-byte buffer. */
    private static int lenOfCompletion(int n) {
        return ((n & 0xFFFF) >> 4) % 64 + 1;
    }

    @Test
    void aConcurrentDriverNeverSeesPartOfABatchNorAnIndexAheadOfItsElements() throws Exception {
        int batch = 4;
        int rounds = 20_000;
        int size = 16;
        var f = QueueFixture.plain(size);
        List<String> violations = new ArrayList<>();
        Set<Integer> seen = new TreeSet<>();
        AtomicBoolean done = new AtomicBoolean();
        // A driver CPU polling used.idx as Linux's virtqueue_get_buf does, checking each index and the element
        // just below it; a sample where used.idx moved while it looked is inconclusive and skipped.
        Thread driverCpu = Thread.ofPlatform().name("driver-cpu").start(() -> {
            while (!done.get() && violations.size() < 10) {
                int idx = f.driver.usedIdx();
                VarHandle.acquireFence();
                seen.add(idx);
                if (idx % batch != 0) {
                    violations.add("used.idx " + idx + " is inside a batch of " + batch);
                }
                if (idx == 0) {
                    continue;
                }
                int len = f.driver.usedLen((idx - 1) % size);
                VarHandle.acquireFence();
                if (f.driver.usedIdx() == idx && len != lenOfCompletion(idx - 1)) {
                    violations.add("used.idx " + idx + " published before its last element (len " + len + ")");
                }
            }
        });
        try {
            for (int round = 0; round < rounds; round++) {
                List<DescriptorChain> chains = new ArrayList<>();
                int[] lengths = new int[batch];
                for (int i = 0; i < batch; i++) {
                    int head = (round * batch + i) % size;
                    f.driver.descriptor(head, BUFFERS + 64L * head, 64, WRITE, 0);
                    f.driver.makeAvailable(head);
                    chains.add(f.queue.pop());
                    lengths[i] = lenOfCompletion(round * batch + i);
                }
                f.queue.completeAll(chains, lengths);
            }
        } finally {
            done.set(true);
            driverCpu.join();
        }

        assertEquals(List.of(), violations);
        assertTrue(seen.size() > 1, "the driver CPU saw used.idx move: " + seen);
        assertEquals((rounds * batch) & 0xFFFF, f.driver.usedIdx());
        assertEquals(rounds, f.interrupts.get(), "one interrupt per batch, none per element");
    }

    @Test
    void eventIndexIsDecidedOverTheWholeBatch() {
        var o = Observed.create(8, true);

        o.driver().setUsedEvent(2);
        o.queue().completeAll(o.popFresh(0, 4), new int[4]);
        assertEquals(List.of(4), o.usedIdxAtInterrupt(), "0 -> 4 crosses used_event 2: one interrupt, after the batch");

        o.queue().completeAll(o.popFresh(4, 2), new int[2]);
        assertEquals(List.of(4), o.usedIdxAtInterrupt(), "4 -> 6 does not cross used_event 2 again");

        o.driver().setUsedEvent(8);
        o.queue().completeAll(o.popFresh(6, 2), new int[2]);
        assertEquals(List.of(4), o.usedIdxAtInterrupt(), "6 -> 8 stops short of used_event 8");

        o.queue().completeAll(o.popFresh(0, 3), new int[3]);
        assertEquals(List.of(4, 11), o.usedIdxAtInterrupt(), "8 -> 11 crosses used_event 8 at its first element");

        o.driver().setUsedEvent(13);
        o.queue().completeAll(o.popFresh(3, 3), new int[3]);
        assertEquals(List.of(4, 11, 14), o.usedIdxAtInterrupt(), "11 -> 14 crosses used_event 13 at its last element");
    }

    @Test
    void aBatchCrossingUsedEventAcrossTheSixteenBitWrapInterrupts() {
        var o = Observed.create(4, true);
        int completed = 0;
        while (completed < 0xFFFE) {
            // used_event kept just behind used.idx: nothing is crossed, nothing interrupts.
            o.driver().setUsedEvent((completed - 1) & 0xFFFF);
            o.queue().completeAll(o.popFresh(completed, 2), new int[2]);
            completed += 2;
        }
        assertEquals(0xFFFE, o.driver().usedIdx());
        assertEquals(List.of(), o.usedIdxAtInterrupt(), "used_event was always behind");

        o.driver().setUsedEvent(0xFFFF);
        o.queue().completeAll(o.popFresh(completed, 3), new int[3]);

        assertEquals(List.of(1), o.usedIdxAtInterrupt(), "0xFFFE -> 0x0001 crosses used_event 0xFFFF");
    }

    @Test
    void aBadBatchIsRefusedWholeAndLeavesTheUsedRingAlone() {
        var o = Observed.create(8, false);
        List<DescriptorChain> chains = o.popFresh(0, 3);

        var mismatch = assertThrows(IllegalArgumentException.class, () -> o.queue().completeAll(chains, new int[2]));
        assertEquals("queue 0: 3 chains completed with 2 byte counts", mismatch.getMessage());
        var tooLong = assertThrows(IllegalArgumentException.class,
                () -> o.queue().completeAll(chains, new int[]{64, 65, 0}));
        assertEquals("queue 0: 65 bytes written does not fit the 64 writable bytes of head 1", tooLong.getMessage());
        var tooMany = assertThrows(IllegalArgumentException.class,
                () -> o.queue().completeAll(Collections.nCopies(9, chains.getFirst()), new int[9]));
        assertEquals("queue 0: a batch of 9 chains is more than the queue size 8", tooMany.getMessage());

        assertEquals(0, o.driver().usedIdx(), "nothing was published");
        assertEquals(0, o.driver().usedLen(0), "not even the valid first element was written");
        assertEquals(List.of(), o.usedIdxAtInterrupt());
        o.queue().completeAll(chains, new int[]{1, 2, 3});
        assertEquals(List.of(3), o.usedIdxAtInterrupt());
        assertEquals(List.of(1, 2, 3), List.of(o.driver().usedLen(0), o.driver().usedLen(1), o.driver().usedLen(2)));
    }
}
