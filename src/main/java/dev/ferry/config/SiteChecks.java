package dev.ferry.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks across sites: something to sync at all, no two sites writing to overlapping prefixes of one bucket
 * (seed 002's "gotcha": with retire_deleted, the site at the bucket root deletes the other's objects), no
 * local folder fed into two sites (each file has one record), and the state file outside every synced folder.
 */
final class SiteChecks {
    private SiteChecks() {
    }

    /** @param somethingGiven watch_path or sites: was given (even if rejected, which is reported already) */
    static void check(Optional<Path> watchPath, boolean somethingGiven, List<SiteConfig> sites, Path stateDir,
            boolean mongo, List<String> problems) {
        if (!somethingGiven) {
            problems.add(ConfigLoader.WATCH_PATH_REQUIRED);
            return;
        }
        for (int i = 0; i < sites.size(); i++) {
            SiteConfig a = sites.get(i);
            for (int j = i + 1; j < sites.size(); j++) {
                SiteConfig b = sites.get(j);
                if (a.name().equals(b.name())) {
                    problems.add("sites '" + a.name() + "' (local_path " + a.localPath() + ") and '" + b.name()
                            + "' (local_path " + b.localPath() + ") have the same name; set name: on one of them");
                }
                if (a.bucket().equals(b.bucket()) && a.endpoint().equals(b.endpoint())
                        && (a.prefix().startsWith(b.prefix()) || b.prefix().startsWith(a.prefix()))) {
                    problems.add("sites '" + a.name() + "' and '" + b.name() + "' write to overlapping prefixes of "
                            + "bucket " + a.bucket() + " (s3://" + a.bucket() + "/" + a.prefix() + " and s3://"
                            + b.bucket() + "/" + b.prefix() + "): one could overwrite or, with retire_deleted, delete "
                            + "the other's objects; give each its own bucket_path");
                }
                if (overlap(a.localPath(), b.localPath())) {
                    problems.add("sites '" + a.name() + "' and '" + b.name() + "' sync overlapping folders ("
                            + a.localPath() + " and " + b.localPath() + "); a folder can feed one site only");
                }
            }
        }
        List<Path> synced = new ArrayList<>();
        watchPath.ifPresent(synced::add);
        sites.forEach(s -> synced.add(s.localPath()));
        watchPath.ifPresent(w -> sites.stream().filter(s -> overlap(w, s.localPath())).forEach(s -> problems.add(
                "site '" + s.name() + "' (local_path " + s.localPath() + ") overlaps watch_path " + w
                        + "; a folder can feed one site only")));
        if (!mongo && stateDir != null) {
            for (Path p : sites.stream().map(SiteConfig::localPath).toList()) {
                if (stateDir.startsWith(p)) {
                    problems.add("state_dir " + stateDir + " is inside the site folder " + p + ", so Ferry would "
                            + "upload its own state file; choose a folder outside it");
                }
            }
        }
    }

    private static boolean overlap(Path a, Path b) {
        return a.startsWith(b) || b.startsWith(a);
    }
}
