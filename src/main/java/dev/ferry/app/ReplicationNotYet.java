package dev.ferry.app;

import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.ReplicateJob;
import java.util.List;

/**
 * The daemon runs {@code replicate:} jobs by full syncs, but not yet their SQS event mode. Until it does, a daemon
 * given a job with {@code sqs:} refuses to start (exit 2, as for any invalid configuration) rather than starting
 * without following the queue: a user who configured event mode must not believe it runs. ({@code ferry sync} and
 * {@code ferry verify} run full syncs only, so they take such jobs.)
 */
final class ReplicationNotYet {
    private ReplicationNotYet() {
    }

    /** @throws ConfigException naming the jobs when {@code config} has any with an SQS queue */
    static void refuse(FerryConfig config) {
        List<ReplicateJob> jobs = config.replicate().stream().filter(j -> j.sqs().isPresent()).toList();
        if (jobs.isEmpty()) {
            return;
        }
        throw new ConfigException(List.of("replicate: " + jobs.size() + (jobs.size() == 1 ? " job" : " jobs") + " ("
                + String.join(", ", jobs.stream().map(ReplicateJob::name).toList()) + ") with sqs: parsed and valid, "
                + "but SQS event mode is not in this release yet (full syncs are: fullsync.interval); remove sqs: "
                + "from the job to run it by full syncs"));
    }
}
