package io.zdtmudp.zdtm.upstream;

/**
 * Where one run of one upstream test lives in the guest, under a fresh work directory:
 * <pre>
 * work/root/          the test's root (its own / in flavors ns and uns, a plain directory in h)
 * work/root/static/   the test's working directory: a copy of the binary, its pid, out and .test files
 * work/dev/           the test's /dev (ns, uns), a tmpfs CRIU treats as the external mount ZDTM_DEV
 * work/dump/N/        images and CRIU logs of the N-th dump (pre-dumps count, as in zdtm.py)
 * </pre>
 * Mirrors zdtm.py, which runs the test in test/zdtm/static with test/ bind-mounted as the root.
 */
record CaseLayout(String work, String baseName) {
    CaseLayout {
        if (!work.startsWith("/")) {
            throw new IllegalArgumentException("the work directory must be absolute: " + work);
        }
        while (work.length() > 1 && work.endsWith("/")) {
            work = work.substring(0, work.length() - 1);
        }
    }

    String root() {
        return work + "/root";
    }

    String testDir() {
        return root() + "/static";
    }

    String dev() {
        return work + "/dev";
    }

    String dumpDir() {
        return work + "/dump";
    }

    String imagesDir(int iteration) {
        return dumpDir() + "/" + iteration;
    }

    String pidFile() {
        return testDir() + "/" + baseName + ".pid";
    }

    String outFile() {
        return testDir() + "/" + baseName + ".out";
    }

    /** Where the test writes while running; renamed to {@link #outFile()} when it exits. */
    String outInProgress() {
        return outFile() + ".inprogress";
    }

    /** The log of the namespaces' init (zdtm lib, flavors ns and uns). */
    String outNs() {
        return outFile() + "ns";
    }
}
