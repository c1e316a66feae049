package dev.jkvm.testos.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The outcome of a {@link UdpEchoClient} run. {@code echoed} counts datagrams that came back byte for byte;
 * {@code lost} those that never did; {@code corrupted} echoes that match no datagram sent; {@code outOfOrder} echoes
 * of a datagram while an earlier one was still awaited (each also counts in {@code echoed} or, if it came after being
 * given up, un-counts a loss). {@code problems} describes the first few deviations.
 */
public record UdpEchoReport(int planned, int sent, int echoed, int lost, int corrupted, int outOfOrder,
                            long payloadBytes, Duration elapsed, List<String> problems) {

    /** Deviations described at most. */
    public static final int MAX_PROBLEMS = 10;
    /** Start of the summary line {@link #lines} prints and {@link #parse} reads. */
    static final String SUMMARY_PREFIX = "udp-echo ";
    /** Start of each problem line. */
    static final String PROBLEM_PREFIX = "udp-echo problem: ";
    /** The summary line. */
    private static final Pattern SUMMARY = Pattern.compile("udp-echo planned=(\\d+) sent=(\\d+) echoed=(\\d+) "
            + "lost=(\\d+) corrupted=(\\d+) out-of-order=(\\d+) payload-bytes=(\\d+) nanos=(\\d+)");

    public UdpEchoReport {
        problems = List.copyOf(problems);
    }

    /** Every planned datagram sent and echoed intact, in order, and nothing else received. */
    public boolean clean() {
        return sent == planned && echoed == planned && lost == 0 && corrupted == 0 && outOfOrder == 0;
    }

    /** Echoed datagrams per second (each is one packet to the guest and one back). */
    public double packetsPerSecond() {
        return echoed / seconds();
    }

    /** Echoed payload in MB (10^6 bytes) per second, one direction. */
    public double megabytesPerSecond() {
        return payloadBytes / seconds() / 1e6;
    }

    private double seconds() {
        return Math.max(elapsed.toNanos(), 1) / 1e9;
    }

    /** The summary line followed by one line per problem. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(SUMMARY_PREFIX + "planned=" + planned + " sent=" + sent + " echoed=" + echoed + " lost=" + lost
                + " corrupted=" + corrupted + " out-of-order=" + outOfOrder + " payload-bytes=" + payloadBytes
                + " nanos=" + elapsed.toNanos());
        problems.forEach(p -> lines.add(PROBLEM_PREFIX + p));
        return lines;
    }

    /** One-line human summary with rates. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%d/%d datagrams echoed intact and in order (sent %d, lost %d, "
                        + "corrupted %d, out of order %d) in %.3f s: %.0f packets/s, %.2f MB/s%s", echoed, planned,
                sent, lost, corrupted, outOfOrder, seconds(), packetsPerSecond(), megabytesPerSecond(),
                problems.isEmpty() ? "" : "; " + String.join("; ", problems));
    }

    /** Reads the report out of a client's output (other lines are ignored); empty output or none is an error. */
    public static UdpEchoReport parse(String output) {
        UdpEchoReport report = null;
        List<String> problems = new ArrayList<>();
        for (String line : output.lines().toList()) {
            var matcher = SUMMARY.matcher(line.strip());
            if (matcher.matches()) {
                report = new UdpEchoReport(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                        Integer.parseInt(matcher.group(3)), Integer.parseInt(matcher.group(4)),
                        Integer.parseInt(matcher.group(5)), Integer.parseInt(matcher.group(6)),
                        Long.parseLong(matcher.group(7)), Duration.ofNanos(Long.parseLong(matcher.group(8))),
                        List.of());
            } else if (line.startsWith(PROBLEM_PREFIX)) {
                problems.add(line.substring(PROBLEM_PREFIX.length()));
            }
        }
        if (report == null) {
            throw new IllegalArgumentException("no udp-echo summary line in: " + output.strip());
        }
        return new UdpEchoReport(report.planned, report.sent, report.echoed, report.lost, report.corrupted,
                report.outOfOrder, report.payloadBytes, report.elapsed, problems);
    }
}
