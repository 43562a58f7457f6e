package dev.ferry.oneshot;

import dev.ferry.wiring.Components;
import dev.ferry.wiring.ReplicationJobs;
import dev.ferry.config.FerryConfig;
import dev.ferry.core.StateStore;
import dev.ferry.queue.Backoff;
import dev.ferry.replicate.FullSync;
import dev.ferry.replicate.FullSyncResult;
import dev.ferry.state.StateWriter;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ferry sync} and {@code ferry verify} of the {@code replicate:} jobs: one full sync of every job (exit 0
 * only when every destination holds every source object), or the comparison alone, which lists every difference
 * and opens no state store and writes nothing.
 */
public final class ReplicateCommand {
    private ReplicateCommand() {
    }

    /**
     * One full sync of every job; copies recorded in the state store; each copy tried up to {@code maxAttempts}.
     * With {@code json}, one JSON document on {@code out} (every job's destinations, as {@code replicate}), else
     * lines; with {@code noTransferExit}, exit 9 when the run copied and deleted nothing and all is complete.
     */
    public static int sync(FerryConfig config, PrintStream out, int maxAttempts, boolean json,
            boolean noTransferExit) throws InterruptedException {
        OneShotReport report = new OneShotReport(out, json, "sync");
        List<AutoCloseable> opened = new ArrayList<>();
        try (StateStore store = Components.openStateStore(config); StateWriter writer = StateWriter.start(store)) {
            try {
                List<FullSync> jobs = ReplicationJobs.build(config, Optional.of(writer),
                        new FullSync.Retries(Backoff.standard(), Backoff.Sleeper.THREAD, maxAttempts),
                        Clock.systemUTC(), opened);
                boolean complete = true;
                long transfers = 0;
                for (FullSync job : jobs) {
                    FullSyncResult r = job.run();
                    for (FullSyncResult.Destination d : r.destinations()) {
                        report.line("replicate " + r.job() + " -> " + d.url() + ": " + d.copied() + " copied ("
                                + d.bytes() + " bytes), " + d.unchanged() + " unchanged, " + d.deleted() + " deleted"
                                + (d.failures().isEmpty() ? "" : ", NOT COMPLETE:"));
                        d.failures().forEach(f -> report.line("  " + f));
                        transfers += d.copied() + d.deleted();
                        add(report, r.job(), d).put("copied", d.copied()).put("bytes", d.bytes())
                                .put("deleted", d.deleted());
                    }
                    complete &= r.complete();
                }
                if (!writer.flush(Duration.ofSeconds(30))) {
                    report.line("replicate: some records could not be written to the state store");
                    report.document.put("recordsPending", true);
                }
                out.flush();
                return report.finish(!complete ? OneShotOptions.EXIT_INCOMPLETE
                        : noTransferExit && transfers == 0 ? OneShotOptions.EXIT_NO_TRANSFER : OneShotOptions.EXIT_OK);
            } finally {
                closeAll(opened);
            }
        }
    }

    /** Every difference of every job's destinations; nothing is copied, recorded or deleted. */
    public static int verify(FerryConfig config, PrintStream out, boolean json) {
        OneShotReport report = new OneShotReport(out, json, "verify");
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            List<FullSync> jobs = ReplicationJobs.build(config, Optional.empty(),
                    new FullSync.Retries(Backoff.standard(), Backoff.Sleeper.THREAD, 1), Clock.systemUTC(), opened);
            boolean complete = true;
            for (FullSync job : jobs) {
                FullSyncResult r = job.verify();
                for (FullSyncResult.Destination d : r.destinations()) {
                    // a destination that could not be listed was not compared: that is no difference
                    long differences = d.failedObjects();
                    report.line("replicate " + r.job() + " -> " + d.url() + ": " + (!d.compared() ? "not compared"
                            : d.unchanged() + " in place, " + differences
                                    + (differences == 1 ? " difference" : " differences")));
                    d.failures().forEach(f -> report.line("  " + f));
                    add(report, r.job(), d);
                }
                complete &= r.complete();
            }
            out.flush();
            return report.finish(complete ? OneShotOptions.EXIT_OK : OneShotOptions.EXIT_INCOMPLETE);
        } finally {
            closeAll(opened);
        }
    }

    /** One destination of a job in the JSON document's {@code replicate} array: what both commands tell of it. */
    private static com.fasterxml.jackson.databind.node.ObjectNode add(OneShotReport report, String job,
            FullSyncResult.Destination d) {
        com.fasterxml.jackson.databind.node.ObjectNode o = report.list("replicate").addObject().put("job", job)
                .put("destination", d.url()).put("unchanged", d.unchanged()).put("complete", d.failures().isEmpty());
        com.fasterxml.jackson.databind.node.ArrayNode failures = o.putArray("failures");
        d.failures().forEach(failures::add);
        return o;
    }

    private static void closeAll(List<AutoCloseable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                // closing clients: nothing to report
            }
        }
    }
}
