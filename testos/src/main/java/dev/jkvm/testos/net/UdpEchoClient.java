package dev.jkvm.testos.net;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Sends numbered UDP datagrams to an echo service and checks every echo: same bytes, same order, none missing.
 * Sending is windowed (at most {@link UdpEchoPlan#window} awaiting an echo) and never retransmits: a datagram whose
 * echo does not come is counted lost, so loss cannot hide. The same client times the guest for bench=net.
 *
 * <p>Run it inside a namespace with {@link #runInNamespace}, or as a program:
 * {@code java -cp testos.jar dev.jkvm.testos.net.UdpEchoClient target=10.0.2.15:7 count=10000 sizes=mixed:1472
 * window=32 timeout-ms=3000}; it prints the {@link UdpEchoReport} lines and exits 0 when the run was clean, 1 when
 * not, 2 on an error.
 */
public final class UdpEchoClient {

    /** Socket buffer sizes asked for, so a window of full-size echoes never overflows the receive queue. */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /** Largest datagram the receive buffer takes (anything longer is corrupt anyway). */
    private static final int RECEIVE_BUFFER_BYTES = 65_536;
    /** Exit status of a clean run. */
    private static final int EXIT_CLEAN = 0;
    /** Exit status of a run with losses or corruption. */
    private static final int EXIT_UNCLEAN = 1;
    /** Exit status of an error (bad arguments, socket failure). */
    private static final int EXIT_ERROR = 2;
    /** Time the child JVM may take beyond the datagrams themselves (start-up, two time-outs). */
    private static final Duration CHILD_OVERHEAD = Duration.ofMinutes(3);
    /** Per-datagram allowance for the child JVM's time limit. */
    private static final Duration CHILD_PER_DATAGRAM = Duration.ofMillis(2);

    private UdpEchoClient() {
    }

    /** Runs the plan from this process's network namespace. */
    public static UdpEchoReport run(UdpEchoPlan plan) throws IOException {
        return new Run(plan).execute();
    }

    /**
     * Runs the plan in a child JVM inside {@code namespace} (the guests' bridge lives there) and returns its report;
     * a child that prints no report is a {@link NetSetupException} carrying its output.
     */
    public static UdpEchoReport runInNamespace(NetNamespace namespace, UdpEchoPlan plan) {
        Duration limit = CHILD_OVERHEAD.plus(plan.timeout().multipliedBy(2))
                .plus(CHILD_PER_DATAGRAM.multipliedBy(plan.count()));
        CommandResult result = namespace.exec(limit, NetNamespace.javaCommand(UdpEchoClient.class,
                plan.arguments()));
        try {
            return UdpEchoReport.parse(result.output());
        } catch (IllegalArgumentException e) {
            throw new NetSetupException("the UDP echo client printed no report: " + result.describe(), e);
        }
    }

    public static void main(String[] args) {
        try {
            UdpEchoReport report = run(UdpEchoPlan.parse(List.of(args)));
            report.lines().forEach(System.out::println);
            System.exit(report.clean() ? EXIT_CLEAN : EXIT_UNCLEAN);
        } catch (IOException | RuntimeException e) {
            System.out.println("udp-echo error: " + e);
            System.exit(EXIT_ERROR);
        }
    }

    /** One run's state. */
    private static final class Run {
        private final UdpEchoPlan plan;
        private final TreeSet<Integer> awaited = new TreeSet<>();
        private final TreeSet<Integer> givenUp = new TreeSet<>();
        private final List<String> problems = new ArrayList<>();
        private int sent, echoed, lost, corrupted, outOfOrder;
        private long payloadBytes;

        Run(UdpEchoPlan plan) {
            this.plan = plan;
        }

        UdpEchoReport execute() throws IOException {
            long start = System.nanoTime();
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setReceiveBufferSize(SOCKET_BUFFER_BYTES);
                socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
                socket.connect(plan.target());
                socket.setSoTimeout(Math.toIntExact(plan.timeout().toMillis()));
                DatagramPacket in = new DatagramPacket(new byte[RECEIVE_BUFFER_BYTES], RECEIVE_BUFFER_BYTES);
                boolean timedOutBefore = false;
                while (sent < plan.count() || !awaited.isEmpty()) {
                    while (sent < plan.count() && awaited.size() < plan.window()) {
                        byte[] payload = PayloadSizes.payload(plan.sizes(), sent);
                        socket.send(new DatagramPacket(payload, payload.length));
                        awaited.add(sent++);
                    }
                    try {
                        socket.receive(in);
                    } catch (SocketTimeoutException e) {
                        problem("no echo within " + plan.timeout().toMillis() + " ms: datagrams " + awaited.first()
                                + ".." + awaited.last() + " given up as lost");
                        lost += awaited.size();
                        givenUp.addAll(awaited);
                        awaited.clear();
                        if (timedOutBefore) {
                            problem("two time-outs in a row: stopped after sending " + sent + " of "
                                    + plan.count());
                            break;
                        }
                        timedOutBefore = true;
                        continue;
                    }
                    timedOutBefore = false;
                    match(in);
                }
            }
            return new UdpEchoReport(plan.count(), sent, echoed, lost, corrupted, outOfOrder, payloadBytes,
                    Duration.ofNanos(System.nanoTime() - start), problems);
        }

        private void match(DatagramPacket in) {
            int first = awaited.isEmpty() ? -1 : awaited.first();
            for (int seq : awaited) {
                if (matches(seq, in)) {
                    awaited.remove(seq);
                    echoed++;
                    payloadBytes += in.getLength();
                    if (seq != first) {
                        outOfOrder++;
                        problem("datagram " + seq + " echoed while datagram " + first + " was still awaited");
                    }
                    return;
                }
            }
            for (int seq : givenUp) {
                if (matches(seq, in)) {
                    givenUp.remove(seq);
                    lost--;
                    echoed++;
                    outOfOrder++;
                    payloadBytes += in.getLength();
                    problem("datagram " + seq + " echoed after it was given up as lost");
                    return;
                }
            }
            corrupted++;
            problem(first < 0 ? "an echo of " + in.getLength() + " bytes arrived when none was awaited"
                    : "an echo of " + in.getLength() + " bytes matches no datagram awaiting its echo (next "
                    + "expected: datagram " + first + ", " + plan.sizes().size(first) + " bytes"
                    + firstDifference(first, in) + ")");
        }

        private boolean matches(int seq, DatagramPacket in) {
            if (plan.sizes().size(seq) != in.getLength()) {
                return false;
            }
            byte[] expected = PayloadSizes.payload(plan.sizes(), seq);
            return Arrays.equals(expected, 0, expected.length, in.getData(), in.getOffset(),
                    in.getOffset() + in.getLength());
        }

        private String firstDifference(int seq, DatagramPacket in) {
            byte[] expected = PayloadSizes.payload(plan.sizes(), seq);
            int mismatch = Arrays.mismatch(expected, 0, expected.length, in.getData(), in.getOffset(),
                    in.getOffset() + in.getLength());
            if (mismatch < 0 || mismatch >= Math.min(expected.length, in.getLength())) {
                return "";
            }
            return String.format("; byte %d is %02x, expected %02x", mismatch,
                    in.getData()[in.getOffset() + mismatch] & 0xff, expected[mismatch] & 0xff);
        }

        private void problem(String text) {
            if (problems.size() < UdpEchoReport.MAX_PROBLEMS) {
                problems.add(text);
            }
        }
    }
}
