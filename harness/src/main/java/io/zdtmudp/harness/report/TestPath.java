package io.zdtmudp.harness.report;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Splits a test's place in the plan into class, case and flavor: invocations of parameterized classes, of
 * parameterized tests and dynamic tests are flavors (RAW/KERNEL, AF_INET/AF_INET6), and so are @Nested classes
 * of a test class; the rest names the case;
 * an invocation named "name [flavor]" gives both.
 */
record TestPath(String testClass, String testCase, String flavor) {
    /** An invocation named "case [flavor]", as UpstreamZdtmIT names "zdtm/static/socket_udp [ns]". */
    private static final Pattern NAMED_FLAVOR = Pattern.compile("(\\S.*?) \\[([^\\]]+)\\]");

    static TestPath of(TestPlan plan, TestIdentifier id) {
        List<TestIdentifier> chain = new ArrayList<>();
        for (TestIdentifier at = id; at != null; at = plan.getParent(at).orElse(null)) {
            chain.add(0, at);
        }
        List<String> classes = new ArrayList<>();
        List<String> cases = new ArrayList<>();
        List<String> flavors = new ArrayList<>();
        for (TestIdentifier at : chain) {
            String type = lastSegmentType(at);
            TestSource source = at.getSource().orElse(null);
            if (type.equals("engine")) {
                continue;
            }
            if (type.endsWith("-invocation") || type.startsWith("dynamic-")) {
                String name = withoutIndex(at.getDisplayName());
                Matcher named = NAMED_FLAVOR.matcher(name);
                if (named.matches()) {
                    cases.add(named.group(1));
                    flavors.add(named.group(2));
                } else {
                    flavors.add(name);
                }
            } else if (source instanceof ClassSource c && !classes.isEmpty() && c.getClassName().contains("$")) {
                // A @Nested class below its test class is one way of running its cases (UdpReceiveQueueIT's paths).
                flavors.add(at.getDisplayName());
            } else if (source instanceof ClassSource c) {
                classes.add(simpleName(c.getClassName()));
            } else if (source instanceof MethodSource m) {
                cases.add(m.getMethodName());
            } else {
                cases.add(at.getDisplayName());
            }
        }
        return new TestPath(classes.isEmpty() ? "(no class)" : classes.get(classes.size() - 1),
                cases.isEmpty() ? "(class)" : String.join(" ", cases), String.join(" / ", flavors));
    }

    private static String lastSegmentType(TestIdentifier id) {
        List<UniqueId.Segment> segments = id.getUniqueIdObject().getSegments();
        return segments.get(segments.size() - 1).getType();
    }

    /** "[2] family=INET6" reads better as "family=INET6": the index is the column's order anyway. */
    static String withoutIndex(String display) {
        return display.replaceFirst("^\\[\\d+\\]\\s*", "");
    }

    /** io.x.Outer$Inner -> Outer.Inner */
    static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    }
}
