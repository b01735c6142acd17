package io.zdtmudp.harness.criu;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto;
import io.zdtmudp.harness.vm.GuestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The RPC client's schema is a subset of CRIU's {@code images/rpc.proto}: every field it has must have the
 * number, label and type that file gives it, or CRIU reads another option than the one the client meant. The
 * file is taken from the patched CRIU trees the guests in vm-images/out/ were built with (ci/setup builds
 * them), not from every tree in the cache, where an older series' may linger; without a guest there is nothing
 * to hold the subset against, and the test says so.
 */
class RpcSchemaTest {
    private static final Pattern BLOCK = Pattern.compile("(message|enum)\\s+(\\w+)\\s*\\{([^}]*)\\}");
    private static final Pattern FIELD = Pattern.compile("(optional|required|repeated)\\s+(\\w+)\\s+(\\w+)\\s*=\\s*(\\d+)");
    private static final Pattern VALUE = Pattern.compile("(\\w+)\\s*=\\s*(\\d+)\\s*;");

    @Test
    void everyFieldOfTheClientIsCriusOwn() throws IOException {
        List<Path> protos = patchedProtos();
        Assumptions.assumeFalse(protos.isEmpty(), "no guest in vm-images/out/ with a patched CRIU tree (run ci/setup)");
        for (Path proto : protos) {
            Map<String, String> criu = parse(Files.readString(proto));
            List<String> ours = new ArrayList<>();
            for (Descriptor m : CriuRpcProto.getDescriptor().getMessageTypes()) {
                for (FieldDescriptor f : m.getFields()) {
                    String key = m.getName() + "." + f.getNumber();
                    ours.add(key + " " + label(f) + " " + typeOf(f) + " " + f.getName());
                }
            }
            for (EnumDescriptor e : CriuRpcProto.getDescriptor().getEnumTypes()) {
                for (EnumValueDescriptor v : e.getValues()) {
                    ours.add(e.getName() + "=" + v.getNumber() + " " + v.getName());
                }
            }
            assertThat(ours).as("the client's fields, against " + proto).allSatisfy(line -> {
                String key = line.substring(0, line.indexOf(' '));
                assertThat(key + " " + criu.get(key)).as(proto.toString()).isEqualTo(line);
            });
        }
    }

    /** The patched CRIU trees the guests of this checkout were built with (their manifests' CRIU_DIR). */
    private static List<Path> patchedProtos() {
        return GuestImage.published(Path.of("")).stream().map(g -> g.manifest().get("CRIU_DIR")).filter(d -> d != null)
                .map(d -> Path.of(d, "src/images/rpc.proto")).filter(Files::isRegularFile).distinct().sorted().toList();
    }

    /** "CriuOpts.72" -> "optional CriuUdpQueues udp_queues"; "CriuUdpQueues=2" -> "UDP_STRICT". */
    private static Map<String, String> parse(String proto) {
        String text = proto.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Map<String, String> out = new HashMap<>();
        Matcher b = BLOCK.matcher(text);
        while (b.find()) {
            String name = camel(b.group(2));
            if (b.group(1).equals("message")) {
                Matcher f = FIELD.matcher(b.group(3));
                while (f.find()) {
                    out.put(name + "." + f.group(4), f.group(1) + " " + scalarOrCamel(f.group(2)) + " " + f.group(3));
                }
            } else {
                Matcher v = VALUE.matcher(b.group(3));
                while (v.find()) {
                    out.put(name + "=" + v.group(2), v.group(1));
                }
            }
        }
        return out;
    }

    private static String label(FieldDescriptor f) {
        return f.isRequired() ? "required" : f.isRepeated() ? "repeated" : "optional";
    }

    private static String typeOf(FieldDescriptor f) {
        return switch (f.getType()) {
            case MESSAGE -> f.getMessageType().getName();
            case ENUM -> f.getEnumType().getName();
            default -> f.getType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String scalarOrCamel(String type) {
        return type.matches("u?int(32|64)|s?int(32|64)|s?fixed(32|64)|bool|string|bytes|double|float") ? type : camel(type);
    }

    private static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        for (String part : snake.split("_")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }
}
