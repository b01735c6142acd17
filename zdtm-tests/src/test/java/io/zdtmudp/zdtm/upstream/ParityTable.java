package io.zdtmudp.zdtm.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** zdtm.py and our runner side by side: verdict and wall time per test and flavor, and the totals. */
final class ParityTable {
    record Row(String test, Flavor flavor, String zdtmPyVerdict, Duration zdtmPyTime, String ourVerdict,
            Duration ourTime, String note) {
    }

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(Row row) {
        rows.add(row);
    }

    synchronized boolean isEmpty() {
        return rows.isEmpty();
    }

    synchronized String render(String title) {
        int w = Math.max(24, rows.stream().mapToInt(r -> r.test().length()).max().orElse(0) + 2);
        StringBuilder sb = new StringBuilder(title).append('\n');
        sb.append(String.format("%-" + w + "s%-7s%-10s%-10s%-10s%-10s%s%n", "test", "flavor", "zdtm.py", "time", "ours",
                "time", "note"));
        Duration zt = Duration.ZERO;
        Duration ot = Duration.ZERO;
        int same = 0;
        for (Row r : rows) {
            sb.append(String.format("%-" + w + "s%-7s%-10s%-10s%-10s%-10s%s%n", r.test(), r.flavor().code(),
                    r.zdtmPyVerdict(), ResultTable.seconds(r.zdtmPyTime()), r.ourVerdict(),
                    ResultTable.seconds(r.ourTime()), r.note()));
            zt = zt.plus(r.zdtmPyTime());
            ot = ot.plus(r.ourTime());
            same += r.zdtmPyVerdict().equals(r.ourVerdict()) ? 1 : 0;
        }
        sb.append(String.format("%-" + w + "s%-7s%-10s%-10s%-10s%-10s%s%n", "total", "", "", ResultTable.seconds(zt), "",
                ResultTable.seconds(ot), same + "/" + rows.size() + " verdicts agree"));
        return sb.toString();
    }

    synchronized String tsv() {
        StringBuilder sb = new StringBuilder("test\tflavor\tzdtm_py\tzdtm_py_ms\tours\tours_ms\tnote\n");
        for (Row r : rows) {
            sb.append(String.join("\t", r.test(), r.flavor().code(), r.zdtmPyVerdict(),
                    Long.toString(r.zdtmPyTime().toMillis()), r.ourVerdict(), Long.toString(r.ourTime().toMillis()),
                    r.note())).append('\n');
        }
        return sb.toString();
    }
}
