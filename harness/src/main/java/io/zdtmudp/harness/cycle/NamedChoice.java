package io.zdtmudp.harness.cycle;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads a {@code -D} property that names one constant of an enum; a name it does not know lists those it does. */
final class NamedChoice {
    private NamedChoice() {
    }

    static <E extends Enum<E>> E parse(String property, String name, E[] values, Function<E, String> cliName, E unset) {
        if (name == null || name.isBlank()) {
            return unset;
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (E e : values) {
            if (cliName.apply(e).equals(wanted)) {
                return e;
            }
        }
        throw new IllegalArgumentException("-D" + property + "=" + name + ": not a " + property.replace("zdtm.", "")
                + "; one of " + Arrays.stream(values).map(cliName).collect(Collectors.joining(", ")));
    }
}
