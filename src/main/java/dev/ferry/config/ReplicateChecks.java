package dev.ferry.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks across {@code replicate:} jobs (and the sites beside them): names unique, and no two destinations
 * writing overlapping prefixes of one bucket on one endpoint, whether of two jobs, of one job, or of a job
 * and a site. Two writers of one prefix overwrite each other's copies, and with {@code delete: true} (or a
 * site's retire_deleted) one would delete what the other wrote.
 */
final class ReplicateChecks {
    private ReplicateChecks() {
    }

    private record Writer(String label, BucketLocation location) {
    }

    static void check(List<ReplicateJob> jobs, List<SiteConfig> sites, List<String> problems) {
        for (int i = 0; i < jobs.size(); i++) {
            for (int j = i + 1; j < jobs.size(); j++) {
                if (jobs.get(i).name().equals(jobs.get(j).name())) {
                    problems.add("replicate: jobs " + (i + 1) + " and " + (j + 1) + " have the same name '"
                            + jobs.get(i).name() + "'; set name: on one of them");
                }
            }
        }
        List<Writer> writers = new ArrayList<>();
        for (ReplicateJob job : jobs) {
            int n = 0;
            for (ReplicaDestination d : job.destinations()) {
                n++;
                writers.add(new Writer("replicate job '" + job.name() + "' destinations[" + n + "]", d.location()));
            }
        }
        for (SiteConfig s : sites) {
            writers.add(new Writer("site '" + s.name() + "'", new BucketLocation(s.bucket(), s.prefix(), s.region(),
                    s.endpoint(), s.pathStyle(), java.util.Optional.empty(), java.util.Optional.empty())));
        }
        int replicaWriters = writers.size() - sites.size(); // pairs of two sites are SiteChecks' to report
        for (int i = 0; i < replicaWriters; i++) {
            for (int j = i + 1; j < writers.size(); j++) {
                Writer a = writers.get(i);
                Writer b = writers.get(j);
                if (a.location().overlaps(b.location())) {
                    problems.add(a.label() + " and " + b.label() + " write to overlapping prefixes of bucket "
                            + a.location().bucket() + " (s3://" + a.location().bucket() + "/" + a.location().prefix()
                            + " and s3://" + b.location().bucket() + "/" + b.location().prefix() + "): one could "
                            + "overwrite or, with delete, delete the other's objects; give each its own prefix");
                }
            }
        }
    }
}
