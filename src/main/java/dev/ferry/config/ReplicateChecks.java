package dev.ferry.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks across {@code replicate:} jobs (and the sites beside them): names unique, and no two destinations
 * writing overlapping prefixes of one bucket on one endpoint, whether of two jobs, of one job, or of a job
 * and a site. Two writers of one prefix overwrite each other's copies, and with {@code delete: true} (or a
 * site's retire_deleted) one would delete what the other wrote. And no loop: jobs whose destinations feed each
 * other's sources (one job into its own source is the parser's to report) would copy their own copies again at
 * every full sync, one level deeper each time.
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
        loops(jobs, problems);
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

    /** Jobs that reach their own source through other jobs' destinations: each such loop once, by its jobs' names. */
    private static void loops(List<ReplicateJob> jobs, List<String> problems) {
        int n = jobs.size();
        boolean[][] feeds = new boolean[n][n]; // feeds[i][j]: a destination of job i lies in job j's source
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (ReplicaDestination d : jobs.get(i).destinations()) {
                    feeds[i][j] |= i != j && d.location().overlaps(jobs.get(j).source());
                }
            }
        }
        java.util.Set<java.util.Set<Integer>> reported = new java.util.HashSet<>();
        for (int start = 0; start < n; start++) {
            List<Integer> path = new ArrayList<>(List.of(start));
            List<Integer> loop = findLoop(feeds, start, path, new boolean[n]);
            if (!loop.isEmpty() && reported.add(new java.util.HashSet<>(loop))) {
                StringBuilder names = new StringBuilder();
                for (int k : loop) {
                    names.append("'").append(jobs.get(k).name()).append("' -> ");
                }
                problems.add("replicate: jobs " + names + "'" + jobs.get(loop.get(0)).name() + "' copy into each "
                        + "other's sources (" + jobs.get(loop.get(0)).source().url() + " among them): every full sync "
                        + "would copy the copies again, one level deeper each time; give a destination a bucket or "
                        + "prefix outside the other jobs' sources");
            }
        }
    }

    private static List<Integer> findLoop(boolean[][] feeds, int start, List<Integer> path, boolean[] seen) {
        int at = path.get(path.size() - 1);
        for (int next = 0; next < feeds.length; next++) {
            if (!feeds[at][next]) {
                continue;
            }
            if (next == start) {
                return path;
            }
            if (!seen[next] && !path.contains(next)) {
                seen[next] = true;
                path.add(next);
                List<Integer> found = findLoop(feeds, start, path, seen);
                if (!found.isEmpty()) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return List.of();
    }
}
