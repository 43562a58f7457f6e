package dev.ferry.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Checks across sites: something to sync at all, no two sites writing to overlapping prefixes of one bucket
 * (seed 002's "gotcha": with retire_deleted, the site at the bucket root deletes the other's objects), and the
 * state file outside every synced folder. One folder (or nested folders) may feed several sites, each to its own
 * bucket: a file's records are kept per (source, file, destination bucket), so two sites sending the same file to
 * one bucket (even under distinct prefixes, or on two endpoints) would share one record, and are refused. A site
 * that deletes or moves its files after upload may share its folder with no other site, nor with watch_path: the
 * first upload would take the file from the others.
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
                boolean prefixesOverlap = a.bucket().equals(b.bucket()) && a.endpoint().equals(b.endpoint())
                        && (a.prefix().startsWith(b.prefix()) || b.prefix().startsWith(a.prefix()));
                if (prefixesOverlap) {
                    problems.add("sites '" + a.name() + "' and '" + b.name() + "' write to overlapping prefixes of "
                            + "bucket " + a.bucket() + " (s3://" + a.bucket() + "/" + a.prefix() + " and s3://"
                            + b.bucket() + "/" + b.prefix() + "): one could overwrite or, with retire_deleted, delete "
                            + "the other's objects; give each its own bucket_path");
                }
                if (overlap(a.localPath(), b.localPath()) && (a.releasesFiles() || b.releasesFiles())) {
                    SiteConfig releasing = a.releasesFiles() ? a : b;
                    problems.add("site '" + releasing.name() + "' deletes or moves its files after upload ("
                            + afterUploadKey(releasing) + "), but its folder " + releasing.localPath() + " overlaps "
                            + "the folder of site '" + (releasing == a ? b : a).name() + "' ("
                            + (releasing == a ? b : a).localPath() + "): a file would go before the other site "
                            + "uploaded it; give each its own folder, or keep the files");
                }
                if (!prefixesOverlap && overlap(a.localPath(), b.localPath()) && a.bucket().equals(b.bucket())) {
                    problems.add("sites '" + a.name() + "' and '" + b.name() + "' send files of overlapping folders ("
                            + a.localPath() + " and " + b.localPath() + ") to the same bucket " + a.bucket()
                            + ": a file's record names its destination bucket, not the prefix, so the two would "
                            + "share one record; one folder may feed several sites only with a bucket each");
                }
            }
        }
        watchPath.ifPresent(w -> sites.forEach(s -> treeCollision(w, s).ifPresent(problems::add)));
        watchPath.ifPresent(w -> sites.stream().filter(s -> s.releasesFiles() && overlap(w, s.localPath()))
                .forEach(s -> problems.add("site '" + s.name() + "' deletes or moves its files after upload ("
                        + afterUploadKey(s) + "), but its folder " + s.localPath() + " overlaps watch_path " + w
                        + ", which uploads them too: a file would go before the other uploaded it; give the site a "
                        + "folder outside watch_path, or keep the files")));
        moveFolderCollisions(watchPath, sites, problems);
        if (!mongo && stateDir != null) {
            for (Path p : sites.stream().map(SiteConfig::localPath).toList()) {
                if (stateDir.startsWith(p)) {
                    problems.add("state_dir " + stateDir + " is inside the site folder " + p + ", so Ferry would "
                            + "upload its own state file; choose a folder outside it");
                }
            }
        }
    }

    /**
     * Why a site cannot share files with the watch_path tree, if it cannot. The tree sends the files of its
     * first-level folder {@code f} to bucket {@code f}: a site inside such a folder is fine when its bucket is
     * another one. A site holding the whole tree (its folder the watch_path or above it) is refused: the tree's
     * buckets are whatever folders appear in it, so one of them may at any time be named like the site's bucket.
     */
    private static Optional<String> treeCollision(Path watchPath, SiteConfig s) {
        Path local = s.localPath();
        if (!overlap(watchPath, local)) {
            return Optional.empty();
        }
        if (local.startsWith(watchPath) && !local.equals(watchPath)) {
            String folder = watchPath.relativize(local).getName(0).toString();
            if (!folder.equals(s.bucket())) {
                return Optional.empty();
            }
            return Optional.of("site '" + s.name() + "' (local_path " + local + ") is inside watch_path " + watchPath
                    + "'s folder " + folder + ", whose files the watch_path tree sends to bucket " + folder
                    + " too: the two would share one record of each file (and write to one bucket); give the site "
                    + "another bucket");
        }
        return Optional.of("site '" + s.name() + "' (local_path " + local + ") holds the whole watch_path "
                + watchPath + ", whose first-level folders become buckets as they appear: one named " + s.bucket()
                + " would share the site's bucket and records; point local_path inside a folder of watch_path, or "
                + "outside it");
    }

    /**
     * A move_after_upload folder inside (or holding) another site's folder or the watch_path tree: each file the site
     * moves would be found there and uploaded again by the other (a duplicate object; a loop when that one moves or
     * deletes too). Inside the site's own folder is {@link AfterUploadChecks}'; a site whose folder overlaps
     * another's may not release files at all (above), so such a pair is not reported twice.
     */
    private static void moveFolderCollisions(Optional<Path> watchPath, List<SiteConfig> sites,
            List<String> problems) {
        for (SiteConfig s : sites) {
            if (s.moveAfterUpload().isEmpty()) {
                continue;
            }
            Path move = s.moveAfterUpload().get();
            for (SiteConfig other : sites) {
                if (other == s || overlap(s.localPath(), other.localPath())
                        || !AfterUploadChecks.overlaps(move, other.localPath())) {
                    continue;
                }
                problems.add("site '" + s.name() + "': move_after_upload " + move + movedInto(move,
                        other.localPath()) + "the folder of site '" + other.name() + "' (" + other.localPath()
                        + "): each moved file would be uploaded again by that site (a duplicate" + (other
                        .releasesFiles() ? ", and a loop: that site deletes or moves its files too" : "") + "); "
                        + "choose a folder outside every watched folder");
            }
            watchPath.filter(w -> !overlap(w, s.localPath()) && AfterUploadChecks.overlaps(move, w)).ifPresent(w -> problems.add("site '"
                    + s.name() + "': move_after_upload " + move + movedInto(move, w) + "watch_path " + w
                    + ": each moved file would be uploaded again by the watch_path tree (a duplicate); choose a "
                    + "folder outside every watched folder"));
        }
    }

    private static String movedInto(Path move, Path folder) {
        return move.equals(folder) ? " is " : move.startsWith(folder) ? " is inside "
                : folder.startsWith(move) ? " holds " : " leads (through a link) to ";
    }

    private static String afterUploadKey(SiteConfig s) {
        return s.deleteAfterUpload() ? "delete_after_upload" : "move_after_upload";
    }

    private static boolean overlap(Path a, Path b) {
        return a.startsWith(b) || b.startsWith(a);
    }
}
