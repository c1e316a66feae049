package dev.jkvm.core.x86.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;

class CpuTopologyTest {
    @Test
    void smp2IsOneSocketOfTwoCores() {
        CpuTopology t = new CpuTopology(1, 2, 1);
        assertEquals(List.of(0, 1), t.apicIds(2));
        assertEquals(0, t.threadBits());
        assertEquals(0, t.coreShift());
        assertEquals(1, t.packageShift());
    }

    @Test
    void twoSocketsOfTwoCoresCountStraightThrough() {
        CpuTopology t = new CpuTopology(2, 2, 1);
        assertEquals(List.of(0, 1, 2, 3), t.apicIds(4));
        assertEquals(1, t.packageId(2), "vCPU 2 is the first core of the second socket");
        assertEquals(0, t.coreId(2));
        assertEquals(1, t.packageShift());
    }

    @Test
    void threadsTakeTheLowBitsThenCoresThenSockets() {
        CpuTopology t = new CpuTopology(2, 2, 2);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), t.apicIds(8));
        assertEquals(1, t.coreShift());
        assertEquals(2, t.packageShift());
        // vCPU 5: thread 1 of core 0 of socket 1.
        assertEquals(1, t.threadId(5));
        assertEquals(0, t.coreId(5));
        assertEquals(1, t.packageId(5));
    }

    @Test
    void countsThatAreNotPowersOfTwoLeaveGapsAsQemuDoes() {
        assertEquals(List.of(0, 1, 2, 4, 5, 6), new CpuTopology(2, 3, 1).apicIds(6));
        assertEquals(List.of(0, 1, 2, 4, 5, 6, 8, 9, 10), new CpuTopology(1, 3, 3).apicIds(9));
    }

    @Test
    void anIndexOutsideTheTopologyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuTopology(1, 2, 1).apicId(2));
        assertEquals("vCPU index 2 outside CpuTopology[sockets=1, cores=2, threads=1] (2 vCPUs)", e.getMessage());
    }
}
