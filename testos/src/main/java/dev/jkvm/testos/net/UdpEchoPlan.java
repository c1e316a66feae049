package dev.jkvm.testos.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link UdpEchoClient} sends: {@code count} datagrams to {@code target}, payloads by {@code sizes}, at most
 * {@code window} awaiting their echo at a time; a datagram not echoed within {@code timeout} of the last progress is
 * counted lost (never resent). Command-line form: {@code target=a.b.c.d:port count=N sizes=mixed:1472 window=W
 * timeout-ms=T}.
 */
public record UdpEchoPlan(InetSocketAddress target, int count, PayloadSizes sizes, int window, Duration timeout) {

    /** The echo service's UDP port (RFC 862), the one the test OS answers on. */
    public static final int ECHO_PORT = 7;
    /** Datagrams in flight the functional check allows: few enough that no queue on the way can overflow. */
    public static final int CHECK_WINDOW = 32;
    /** How long the check waits for the next echo before counting a datagram lost. */
    public static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

    public UdpEchoPlan {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(sizes, "sizes");
        Objects.requireNonNull(timeout, "timeout");
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, was " + count);
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** The acceptance check: {@code count} datagrams of mixed sizes up to the MTU to {@code address}:7. */
    public static UdpEchoPlan check(String address, int count) {
        return new UdpEchoPlan(new InetSocketAddress(address, ECHO_PORT), count,
                new PayloadSizes.Mixed(PayloadSizes.MTU_PAYLOAD), CHECK_WINDOW, CHECK_TIMEOUT);
    }

    /** The plan as {@link #parse} reads it. */
    public List<String> arguments() {
        return List.of("target=" + target.getHostString() + ":" + target.getPort(), "count=" + count,
                "sizes=" + sizes.text(), "window=" + window, "timeout-ms=" + timeout.toMillis());
    }

    /** Reads {@code key=value} words; every key is required. */
    public static UdpEchoPlan parse(List<String> args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            String[] parts = arg.split("=", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            values.put(parts[0], parts[1]);
        }
        String target = required(values, "target");
        int colon = target.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("target must be address:port, was '" + target + "'");
        }
        return new UdpEchoPlan(new InetSocketAddress(target.substring(0, colon),
                Integer.parseInt(target.substring(colon + 1))), Integer.parseInt(required(values, "count")),
                PayloadSizes.parse(required(values, "sizes")), Integer.parseInt(required(values, "window")),
                Duration.ofMillis(Long.parseLong(required(values, "timeout-ms"))));
    }

    private static String required(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing " + key + "=...; expected target=a.b.c.d:port count=N "
                    + "sizes=mixed:MAX|fixed:SIZE window=W timeout-ms=T");
        }
        return value;
    }
}
