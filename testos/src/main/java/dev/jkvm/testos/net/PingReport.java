package dev.jkvm.testos.net;

import java.util.regex.Pattern;

/** What iputils {@code ping} reported: echo requests sent and replies received, with the whole run for messages. */
public record PingReport(int transmitted, int received, CommandResult run) {

    /** ping's summary line, e.g. "50 packets transmitted, 50 received, 0% packet loss, time 2453ms". */
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    /** Reads the summary out of ping's output; a run without one is an error (ping itself failed to start). */
    static PingReport parse(CommandResult run) {
        var matcher = SUMMARY.matcher(run.output());
        if (!matcher.find()) {
            throw new NetSetupException("ping printed no summary: " + run.describe());
        }
        return new PingReport(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)), run);
    }
}
