package io.zdtmudp.zdtm.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CRIU's own zdtm.py in the parity guest: its command line for one test and flavor, and its verdict. */
final class ZdtmPy {
    static final String TEST_DIR = "/opt/zdtm/parity/test";
    static final String CRIU_CONFIG = "/tmp/zdtm-parity-criu.conf";

    private ZdtmPy() {
    }

    static List<String> argv(ListEntry entry, Flavor flavor, RunSettings settings, String criu) {
        List<String> argv = new ArrayList<>(List.of("python3", "zdtm.py", "run", "-t", entry.zdtmName(), "-f",
                flavor.code(), "--criu-bin", criu, "--keep-img", "never"));
        if (settings.iters() > 1) {
            argv.add("--iters");
            argv.add(Integer.toString(settings.iters()));
        }
        if (settings.preDumps() > 0) {
            argv.add("--pre");
            argv.add(Integer.toString(settings.preDumps()));
        }
        return argv;
    }

    /**
     * zdtm.py's verdict from its output: "Test X PASS", "Test X FAIL at <step>", or "Skipping X (<why>)";
     * empty when the output says none of these (zdtm.py itself broke).
     */
    static Optional<CaseResult.Verdict> verdict(String output, ListEntry entry) {
        String name = Pattern.quote(entry.zdtmName());
        if (Pattern.compile("Skipping " + name + " \\(").matcher(output).find()) {
            return Optional.of(CaseResult.Verdict.SKIP);
        }
        if (Pattern.compile("Test " + name + " FAIL at ").matcher(output).find()) {
            return Optional.of(CaseResult.Verdict.FAIL);
        }
        if (Pattern.compile("Test " + name + " PASS").matcher(output).find()) {
            return Optional.of(CaseResult.Verdict.PASS);
        }
        return Optional.empty();
    }

    /** The reason zdtm.py gives for a skip or a failure, for the table's notes. */
    static String reason(String output, ListEntry entry) {
        String name = Pattern.quote(entry.zdtmName());
        Matcher m = Pattern.compile("(?:Skipping " + name + " \\((.*)\\)|Test " + name + " FAIL at (.*?) [=#]+\\s*$)",
                Pattern.MULTILINE).matcher(output);
        if (m.find()) {
            return (m.group(1) != null ? m.group(1) : m.group(2)).strip();
        }
        return "";
    }

    /** zdtm.py's environment: CRIU's PATH, and make cleaning with GNU rm (see vm-images/zdtm/parity.sh). */
    static Map<String, String> env() {
        return Map.of("PATH", ZdtmCommands.CRIU_PATH, "MAKEFLAGS", "RM=/usr/local/bin/zdtm-rm", "CRIU_CONFIG_FILE",
                CRIU_CONFIG);
    }

    /** CRIU options as a config file: "--network-lock nftables" becomes the line "network-lock nftables". */
    static String criuConfig(List<String> opts) {
        StringBuilder sb = new StringBuilder();
        for (String o : opts) {
            if (o.startsWith("--")) {
                sb.append(sb.length() == 0 ? "" : "\n").append(o.substring(2));
            } else {
                sb.append(' ').append(o);
            }
        }
        return sb.append('\n').toString();
    }

    static Duration timeout(double slowdown) {
        return Duration.ofMillis((long) (Duration.ofMinutes(5).toMillis() * slowdown));
    }
}
