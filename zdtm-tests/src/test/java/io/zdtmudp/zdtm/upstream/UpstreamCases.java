package io.zdtmudp.zdtm.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * One invocation of the annotated {@code @TestTemplate} per upstream test and flavor of the selected list,
 * flavor by flavor (all of h, then ns, then uns) so each flavor's wall time is one stretch. Each invocation
 * is named as zdtm.py names the test, with its flavor: {@code zdtm/static/socket_udp [ns]}, and receives its
 * {@link UpstreamCaseSpec}.
 */
final class UpstreamCases implements TestTemplateInvocationContextProvider {

    /** What one invocation runs. */
    record UpstreamCaseSpec(ListEntry entry, Flavor flavor, RunSettings settings) {
        String displayName() {
            return entry.zdtmName() + " [" + flavor.code() + "]";
        }
    }

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        RunSettings settings = RunSettings.fromSystem();
        return specs(settings, SelectionList.load(settings.list())).stream().map(Invocation::new);
    }

    static List<UpstreamCaseSpec> specs(RunSettings settings, SelectionList list) {
        List<UpstreamCaseSpec> specs = new ArrayList<>();
        for (Flavor f : Flavor.values()) {
            if (!settings.flavors().contains(f)) {
                continue;
            }
            for (ListEntry e : list.entries()) {
                if (settings.selects(e)) {
                    specs.add(new UpstreamCaseSpec(e, f, settings));
                }
            }
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("zdtm.only=" + settings.only().map(Object::toString).orElse("")
                    + " selects no test of " + list.name() + ".list");
        }
        return specs;
    }

    private record Invocation(UpstreamCaseSpec spec) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return spec.displayName();
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new ParameterResolver() {
                @Override
                public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
                    return p.getParameter().getType() == UpstreamCaseSpec.class;
                }

                @Override
                public Object resolveParameter(ParameterContext p, ExtensionContext c) {
                    return spec;
                }
            });
        }
    }
}
