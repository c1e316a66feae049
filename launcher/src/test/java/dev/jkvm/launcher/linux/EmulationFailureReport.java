package dev.jkvm.launcher.linux;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jkvm's one-line report of a KVM emulation failure (KVM_EXIT_INTERNAL_ERROR, suberror 1), as it prints it on
 * stderr: "jkvm: vcpu-0: KVM could not emulate an instruction (...), instruction bytes: cc 90 ...; RIP=... ".
 *
 * @param vcpu             the vCPU that stopped
 * @param rip              its instruction pointer
 * @param instructionBytes the bytes KVM returned in the exit's internal data, empty when KVM returned none
 * @param line             the whole report line
 */
record EmulationFailureReport(int vcpu, long rip, Optional<String> instructionBytes, String line) {

    /** The opening of the report, with the vCPU number as group 1. */
    private static final Pattern REPORT = Pattern.compile("vcpu-(\\d+): KVM could not emulate an instruction");
    /** The instruction bytes, hex pairs separated by spaces. */
    private static final Pattern BYTES = Pattern.compile("instruction bytes: (\\p{XDigit}{2}(?: \\p{XDigit}{2})*)");
    /** The instruction pointer in the register dump. */
    private static final Pattern RIP = Pattern.compile("\\bRIP=(\\p{XDigit}+)");
    /** Hex pairs separated by single spaces, as jkvm prints them. */
    private static final HexFormat SPACED_HEX = HexFormat.ofDelimiter(" ");

    /** The first report in {@code stderr}, if jkvm printed one with a RIP. */
    static Optional<EmulationFailureReport> find(String stderr) {
        return stderr.lines().map(EmulationFailureReport::parseLine).flatMap(Optional::stream).findFirst();
    }

    private static Optional<EmulationFailureReport> parseLine(String line) {
        Matcher report = REPORT.matcher(line);
        Matcher rip = RIP.matcher(line);
        if (!report.find() || !rip.find()) {
            return Optional.empty();
        }
        Matcher bytes = BYTES.matcher(line);
        return Optional.of(new EmulationFailureReport(Integer.parseInt(report.group(1)),
                Long.parseUnsignedLong(rip.group(1), 16),
                bytes.find() ? Optional.of(bytes.group(1)) : Optional.empty(), line));
    }

    /** The reported instruction bytes, decoded; empty when KVM returned none. */
    byte[] decodedBytes() {
        return instructionBytes.map(SPACED_HEX::parseHex).orElse(new byte[0]);
    }
}
