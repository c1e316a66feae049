package dev.jkvm.devices.virtio.queue;

import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.TestRam;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.jkvm.devices.virtio.queue.QueueFixture.AVAIL;
import static dev.jkvm.devices.virtio.queue.QueueFixture.BUFFERS;
import static dev.jkvm.devices.virtio.queue.QueueFixture.DESC;
import static dev.jkvm.devices.virtio.queue.QueueFixture.INDIRECT_TABLE;
import static dev.jkvm.devices.virtio.queue.QueueFixture.RAM_SIZE;
import static dev.jkvm.devices.virtio.queue.QueueFixture.USED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A hostile or broken driver: every protocol violation ends in a {@link VirtqueueException} naming it (so the
 * transport can set DEVICE_NEEDS_RESET), never a hang, and nothing is written to the used ring.
 */
class SplitVirtqueueHostileTest {
    private static final int NEXT = VirtqDesc.NEXT;
    private static final int WRITE = VirtqDesc.WRITE;
    private static final int INDIRECT = VirtqDesc.INDIRECT;
    /** Bound on any single pop: a walk that follows a guest loop would exceed it. */
    private static final Duration NO_HANG = Duration.ofSeconds(5);

    /** Pops expecting the queue to fail, within {@link #NO_HANG}; returns the message. */
    private static String popFails(QueueFixture f) {
        VirtqueueException e = assertTimeoutPreemptively(NO_HANG,
                () -> assertThrows(VirtqueueException.class, f.queue::pop));
        assertEquals(0, f.driver.usedIdx(), "a refused chain must not reach the used ring");
        assertEquals(0, f.interrupts.get());
        return e.getMessage();
    }

    private static void assertMessage(String expected, String actual) {
        assertEquals(expected, actual);
    }

    private static VirtqueueException constructionFails(SplitQueueConfig config) {
        return assertThrows(VirtqueueException.class,
                () -> new SplitVirtqueue(config, TestRam.heap(RAM_SIZE), () -> { }));
    }

    @Test
    void bufferOutsideRamIsPoppedAndRefusedWhenTouched() {
        var f = QueueFixture.plain(8);
        long beyondRam = 0x1_0000_0000L;
        f.driver.descriptor(0, beyondRam, 512, WRITE, 0);
        f.driver.makeAvailable(0);

        DescriptorChain chain = f.queue.pop();

        assertEquals(List.of(new GuestBuffer(beyondRam, 512)), chain.writable());
        GuestBuffer buffer = chain.writable().getFirst();
        GuestMemoryException e = assertThrows(GuestMemoryException.class,
                () -> f.ram.slice(buffer.address(), buffer.length()));
        assertEquals("0x100000000+0x200 is outside the test RAM", e.getMessage());
    }

    @Test
    void descriptorLoopIsRefused() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 16, NEXT, 1);
        f.driver.descriptor(1, BUFFERS, 16, NEXT, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: chain from head 0 has more than 8 descriptors (a loop)", popFails(f));
    }

    @Test
    void selfLoopIsRefused() {
        var f = QueueFixture.plain(32768);
        f.driver.descriptor(7, BUFFERS, 16, NEXT, 7);
        f.driver.makeAvailable(7);
        assertMessage("queue 0: chain from head 7 has more than 32768 descriptors (a loop)", popFails(f));
    }

    @Test
    void chainLongerThanTheQueueIsRefused() {
        var f = QueueFixture.plain(8);
        // Visits all eight descriptors, then goes back into the middle: a ninth descriptor.
        for (int i = 0; i < 7; i++) {
            f.driver.descriptor(i, BUFFERS, 16, NEXT, i + 1);
        }
        f.driver.descriptor(7, BUFFERS, 16, NEXT, 3);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: chain from head 0 has more than 8 descriptors (a loop)", popFails(f));
    }

    @Test
    void chainOfExactlyTheQueueSizeIsAccepted() {
        var f = QueueFixture.plain(8);
        for (int i = 0; i < 7; i++) {
            f.driver.descriptor(i, BUFFERS, 16, NEXT, i + 1);
        }
        f.driver.descriptor(7, BUFFERS, 16, 0, 0);
        f.driver.makeAvailable(0);
        assertEquals(8, f.queue.pop().readable().size());
    }

    @Test
    void headIndexOutOfRangeIsRefused() {
        var f = QueueFixture.plain(8);
        f.driver.makeAvailable(8);
        assertMessage("queue 0: avail ring head index 8 is not below the queue size 8", popFails(f));
    }

    @Test
    void nextIndexOutOfRangeIsRefused() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 16, NEXT, 0xFFFF);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: descriptor 0: next index 65535 is not below the queue size 8", popFails(f));
    }

    @Test
    void zeroLengthDescriptorsArePassedThrough() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 0, NEXT, 1);
        f.driver.descriptor(1, BUFFERS + 0x1000, 0, WRITE, 0);
        f.driver.makeAvailable(0);

        DescriptorChain chain = f.queue.pop();

        assertEquals(new DescriptorChain(0, List.of(new GuestBuffer(BUFFERS, 0)),
                List.of(new GuestBuffer(BUFFERS + 0x1000, 0))), chain);
    }

    @Test
    void totalLengthOverFourGibIsRefused() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 0xFFFF_FFFFL, NEXT, 1);
        f.driver.descriptor(1, BUFFERS, 2, WRITE, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: chain from head 0: total length 4294967297 exceeds 2^32 bytes", popFails(f));
    }

    @Test
    void totalLengthOfExactlyFourGibIsSplitIntoIntSizedBuffers() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 0xFFFF_FFFFL, NEXT, 1);
        f.driver.descriptor(1, BUFFERS, 1, WRITE, 0);
        f.driver.makeAvailable(0);

        DescriptorChain chain = f.queue.pop();

        int gib = 1 << 30;
        assertEquals(List.of(new GuestBuffer(BUFFERS, gib), new GuestBuffer(BUFFERS + gib, gib),
                new GuestBuffer(BUFFERS + 2L * gib, gib), new GuestBuffer(BUFFERS + 3L * gib, gib - 1)),
                chain.readable());
        assertEquals(0xFFFF_FFFFL, chain.readableLength());
        assertEquals(1, chain.writableLength());
    }

    @Test
    void availIndexJumpingMoreThanTheQueueSizeIsRefused() {
        var f = QueueFixture.plain(8);
        f.driver.setAvailIdx(9);
        assertMessage("queue 0: avail.idx 9 is 9 entries ahead of the 0 consumed, more than the queue size 8",
                popFails(f));
    }

    @Test
    void availIndexGoingBackwardsIsRefused() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 16, 0, 0);
        f.driver.makeAvailable(0);
        f.queue.pop();
        // One behind last_avail reads as 65535 entries ahead.
        f.driver.setAvailIdx(0);
        assertMessage("queue 0: avail.idx 0 is 65535 entries ahead of the 1 consumed, more than the queue size 8",
                popFails(f));
    }

    @Test
    void nestedIndirectTableIsRefused() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, INDIRECT_TABLE, 32, INDIRECT, 0);
        f.driver.descriptorAt(INDIRECT_TABLE, 0, BUFFERS, 16, NEXT, 1);
        f.driver.descriptorAt(INDIRECT_TABLE, 1, INDIRECT_TABLE, 32, INDIRECT, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: indirect table of descriptor 0: entry 1 is itself indirect", popFails(f));
    }

    @Test
    void indirectDescriptorWithoutNegotiationIsRefused() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, INDIRECT_TABLE, 16, INDIRECT, 0);
        f.driver.descriptorAt(INDIRECT_TABLE, 0, BUFFERS, 16, 0, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: descriptor 0 is indirect but VIRTIO_F_INDIRECT_DESC was not negotiated", popFails(f));
    }

    @Test
    void indirectTableOutsideRamIsRefused() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, RAM_SIZE - 16, 32, INDIRECT, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: descriptor 0: indirect table 0x1ffff0+0x20 is not in guest RAM", popFails(f));
    }

    @Test
    void indirectTableLengthNotAMultipleOfSixteenIsRefused() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, INDIRECT_TABLE, 24, INDIRECT, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: descriptor 0: indirect table length 24 is not a non-zero multiple of 16", popFails(f));
    }

    @Test
    void emptyIndirectTableIsRefused() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, INDIRECT_TABLE, 0, INDIRECT, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: descriptor 0: indirect table length 0 is not a non-zero multiple of 16", popFails(f));
    }

    @Test
    void oversizedIndirectTableIsRefused() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, INDIRECT_TABLE, 0xFFFF_FFF0L, INDIRECT, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: descriptor 0: indirect table of 268435455 descriptors exceeds 32768", popFails(f));
    }

    @Test
    void loopInsideAnIndirectTableIsRefused() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, INDIRECT_TABLE, 4 * 16, INDIRECT, 0);
        f.driver.descriptorAt(INDIRECT_TABLE, 0, BUFFERS, 16, NEXT, 1);
        f.driver.descriptorAt(INDIRECT_TABLE, 1, BUFFERS, 16, NEXT, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: indirect table of descriptor 0: chain has more than 4 descriptors (a loop)",
                popFails(f));
    }

    @Test
    void nextIndexBeyondTheIndirectTableIsRefused() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, INDIRECT_TABLE, 2 * 16, INDIRECT, 0);
        f.driver.descriptorAt(INDIRECT_TABLE, 0, BUFFERS, 16, NEXT, 2);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: indirect table of descriptor 0: entry 0 has next index 2 beyond its 2 entries",
                popFails(f));
    }

    @Test
    void indirectTogetherWithNextIsRefused() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, INDIRECT_TABLE, 16, INDIRECT | NEXT, 1);
        f.driver.descriptor(1, BUFFERS, 16, 0, 0);
        f.driver.descriptorAt(INDIRECT_TABLE, 0, BUFFERS, 16, 0, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: descriptor 0 sets both INDIRECT and NEXT", popFails(f));
    }

    @Test
    void readableAfterWritableIsRefused() {
        var f = QueueFixture.plain(8);
        f.driver.descriptor(0, BUFFERS, 16, WRITE | NEXT, 1);
        f.driver.descriptor(1, BUFFERS, 16, 0, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: chain from head 0: descriptor 1 is device-readable after a writable one", popFails(f));
    }

    @Test
    void readableAfterWritableAcrossAnIndirectTableIsRefused() {
        var f = new QueueFixture(8, false, true);
        f.driver.descriptor(0, BUFFERS, 16, WRITE | NEXT, 1);
        f.driver.descriptor(1, INDIRECT_TABLE, 16, INDIRECT, 0);
        f.driver.descriptorAt(INDIRECT_TABLE, 0, BUFFERS, 16, 0, 0);
        f.driver.makeAvailable(0);
        assertMessage("queue 0: chain from head 0: descriptor 0 is device-readable after a writable one", popFails(f));
    }

    @Test
    void queueStaysFailedAfterAViolation() {
        var f = QueueFixture.plain(8);
        f.driver.makeAvailable(8);
        popFails(f);
        // Even a repaired ring is not used again before a device reset.
        f.driver.setAvailIdx(0);
        VirtqueueException e = assertThrows(VirtqueueException.class, f.queue::pop);
        assertEquals("queue 0 already failed: avail ring head index 8 is not below the queue size 8", e.getMessage());
    }

    @Test
    void sizeThatIsNotAPowerOfTwoIsRefused() {
        var e = constructionFails(new SplitQueueConfig(1, 24, DESC, AVAIL, USED, false, false));
        assertEquals("queue 1: size 24 is not a power of two in 1..32768", e.getMessage());
    }

    @Test
    void sizeZeroIsRefused() {
        var e = constructionFails(new SplitQueueConfig(1, 0, DESC, AVAIL, USED, false, false));
        assertEquals("queue 1: size 0 is not a power of two in 1..32768", e.getMessage());
    }

    @Test
    void sizeAboveTheMaximumIsRefused() {
        var e = constructionFails(new SplitQueueConfig(1, 65536, DESC, AVAIL, USED, false, false));
        assertEquals("queue 1: size 65536 is not a power of two in 1..32768", e.getMessage());
    }

    @Test
    void misalignedDescriptorTableIsRefused() {
        var e = constructionFails(new SplitQueueConfig(0, 8, DESC + 8, AVAIL, USED, false, false));
        assertEquals("queue 0: descriptor table at 0x10008 is not 16-byte aligned", e.getMessage());
    }

    @Test
    void misalignedAvailRingIsRefused() {
        var e = constructionFails(new SplitQueueConfig(0, 8, DESC, AVAIL + 1, USED, false, false));
        assertEquals("queue 0: available ring at 0x50001 is not 2-byte aligned", e.getMessage());
    }

    @Test
    void misalignedUsedRingIsRefused() {
        var e = constructionFails(new SplitQueueConfig(0, 8, DESC, AVAIL, USED + 2, false, false));
        assertEquals("queue 0: used ring at 0x60002 is not 4-byte aligned", e.getMessage());
    }

    @Test
    void descriptorTableOutsideRamIsRefused() {
        var e = constructionFails(new SplitQueueConfig(0, 8, 0xFFFF_FFF0L, AVAIL, USED, false, false));
        assertEquals("queue 0: descriptor table 0xfffffff0+0x80 is not wholly in guest RAM", e.getMessage());
    }

    @Test
    void availRingCrossingTheEndOfRamIsRefused() {
        // 6 + 2 * 8 = 22 bytes starting 16 bytes before the end.
        var e = constructionFails(new SplitQueueConfig(0, 8, DESC, RAM_SIZE - 16, USED, false, false));
        assertEquals("queue 0: available ring 0x1ffff0+0x16 is not wholly in guest RAM", e.getMessage());
    }

    @Test
    void usedRingCrossingTheEndOfRamIsRefused() {
        var e = constructionFails(new SplitQueueConfig(0, 8, DESC, AVAIL, RAM_SIZE - 64, false, false));
        assertEquals("queue 0: used ring 0x1fffc0+0x46 is not wholly in guest RAM", e.getMessage());
    }
}
