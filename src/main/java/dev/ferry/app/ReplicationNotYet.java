package dev.ferry.app;

import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.ReplicateJob;
import java.util.List;

/**
 * The configuration reads and validates {@code replicate:} jobs, but the engine does not run them yet (they
 * need its bucket-listing and SQS sources). Until it does, a daemon or a one-shot run given jobs refuses to
 * start (exit 2, as for any invalid configuration) rather than starting without them: a user who configured
 * replication must not believe it runs.
 */
final class ReplicationNotYet {
    private ReplicationNotYet() {
    }

    /** @throws ConfigException naming the jobs when {@code config} has any */
    static void refuse(FerryConfig config) {
        List<ReplicateJob> jobs = config.replicate();
        if (jobs.isEmpty()) {
            return;
        }
        throw new ConfigException(List.of("replicate: " + jobs.size() + (jobs.size() == 1 ? " job" : " jobs") + " ("
                + String.join(", ", jobs.stream().map(ReplicateJob::name).toList()) + ") parsed and valid, but "
                + "replicate: jobs need the engine's bucket and SQS sources, which are not in this release yet; "
                + "remove replicate: from the file to run its sites and watch_path"));
    }
}
