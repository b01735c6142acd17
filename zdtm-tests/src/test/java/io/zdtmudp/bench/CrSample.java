package io.zdtmudp.bench;

import io.zdtmudp.harness.udp.QueueInjection;

/**
 * One checkpoint/restore cycle of the benchmark workload, all times in milliseconds.
 *
 * @param dumpCriu       CRIU's own run time for the dump (its log's last timestamp)
 * @param dumpCall       the dump as the harness saw it ({@code CriuResult.duration()}: agent round trip included)
 * @param restoreCriu    CRIU's own run time for the restore
 * @param restoreCall    the restore as the harness saw it
 * @param dumpQueue      the engine's share of the dump for the queue (gap before its "Dumped" line); 0 if none
 * @param restoreQueue   the re-injection time the engine logs ("Restored ... in T ms"); 0 if none
 * @param imageBytes     total size of the udp-queue-*.img files
 * @param caseWall       the whole case: start the workload, dump, copy and decode images, restore, kill
 */
record CrSample(QueueLoad load, QueueInjection path, int rep, double dumpCriu, double dumpCall, double restoreCriu,
        double restoreCall, double dumpQueue, double restoreQueue, long imageBytes, double caseWall) {

    /** What the harness adds around CRIU in one case: the brief's "wall time minus the time CRIU reports". */
    double harnessOverhead() {
        return caseWall - dumpCall - restoreCall;
    }

    /** What the agent and the exec add around one CRIU run (both runs of the case together). */
    double callOverhead() {
        return dumpCall - dumpCriu + restoreCall - restoreCriu;
    }

    static String csvHeader() {
        return "count,length,path,rep,dump_criu_ms,dump_call_ms,restore_criu_ms,restore_call_ms,dump_queue_ms,"
                + "restore_queue_ms,image_bytes,case_wall_ms,harness_overhead_ms";
    }

    String csv() {
        return String.format(java.util.Locale.ROOT, "%d,%d,%s,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%.3f,%.3f",
                load.count(), load.length(), path.pathName(), rep, dumpCriu, dumpCall, restoreCriu, restoreCall,
                dumpQueue, restoreQueue, imageBytes, caseWall, harnessOverhead());
    }
}
