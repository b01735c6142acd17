package io.zdtmudp.harness.images;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Renders decoded images as JSON, close to what {@code crit decode} prints, for
 * failure reports and the CLI. Bytes are hex so payloads can be compared by eye.
 */
public final class ImageJson {
    private ImageJson() {
    }

    public static String message(Message m) {
        StringBuilder out = new StringBuilder();
        message(m, out, "");
        return out.toString();
    }

    static void message(Message m, StringBuilder out, String indent) {
        out.append("{");
        String sep = "\n";
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            out.append(sep).append(indent).append("  ").append(quote(e.getKey().getName())).append(": ");
            if (e.getKey().isRepeated()) {
                out.append("[");
                List<?> values = (List<?>) e.getValue();
                for (int i = 0; i < values.size(); i++) {
                    out.append(i == 0 ? "" : ", ");
                    value(values.get(i), out, indent + "  ");
                }
                out.append("]");
            } else {
                value(e.getValue(), out, indent + "  ");
            }
            sep = ",\n";
        }
        out.append(sep.equals("\n") ? "}" : "\n" + indent + "}");
    }

    private static void value(Object v, StringBuilder out, String indent) {
        if (v instanceof Message m) {
            message(m, out, indent);
        } else if (v instanceof ByteString b) {
            out.append(quote(HexFormat.of().formatHex(b.toByteArray())));
        } else if (v instanceof EnumValueDescriptor en) {
            out.append(quote(en.getName()));
        } else if (v instanceof String s) {
            out.append(quote(s));
        } else {
            out.append(v);
        }
    }

    public static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
