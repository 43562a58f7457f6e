package dev.ferry.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The checks of one site's {@code delete_after_upload} and {@code move_after_upload}, where a mistake costs the
 * user's files or objects: one fate per file (not both); neither with {@code retire_deleted} (the deletion or move
 * would then delete the object just uploaded); a move folder outside the site's folder (inside it, every moved
 * file would be uploaded again, and moved again) and one the daemon can create or write now, rather than a WARN
 * per file later. Sharing a folder with another site, and a move folder inside another site's folder or the
 * watch_path tree, are {@link SiteChecks}'.
 */
final class AfterUploadChecks {
    private AfterUploadChecks() {
    }

    static void check(boolean delete, Path move, boolean retireDeleted, Path localPath, String where,
            Function<SiteKey, String> nameOf, List<String> problems) {
        String deleteKey = nameOf.apply(SiteKey.DELETE_AFTER_UPLOAD);
        String moveKey = nameOf.apply(SiteKey.MOVE_AFTER_UPLOAD);
        if (delete && move != null) {
            problems.add(where + ": " + deleteKey + " and " + moveKey + " are two fates for one file; set one");
        }
        if ((delete || move != null) && retireDeleted) {
            problems.add(where + ": " + (delete ? deleteKey : moveKey) + " cannot go with "
                    + nameOf.apply(SiteKey.RETIRE_DELETED) + ": each file deleted or moved after its upload would "
                    + "then have its object deleted from S3; set one");
        }
        if (move == null) {
            return;
        }
        if (localPath != null && (inside(move, localPath) || inside(real(move), real(localPath)))) {
            problems.add(where + ": " + moveKey + " " + move + (move.equals(localPath) ? " is " : " is inside ")
                    + "the site's folder " + localPath + ": a moved file would be uploaded (and moved) again; "
                    + "choose a folder outside it");
            return;
        }
        writable(move).ifPresent(why -> problems.add(where + ": " + moveKey + " " + move + ": " + why));
    }

    /** Why files cannot be moved into {@code folder} (made if missing), or empty when they can. */
    private static java.util.Optional<String> writable(Path folder) {
        if (Files.isDirectory(folder)) {
            return Files.isWritable(folder) ? java.util.Optional.empty()
                    : java.util.Optional.of("this folder is not writable by the user Ferry runs as");
        }
        Path existing = folder.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            return java.util.Optional.of("cannot be created: " + (existing == null ? "no folder above it exists"
                    : existing + " is not a folder"));
        }
        return Files.isWritable(existing) ? java.util.Optional.empty()
                : java.util.Optional.of("cannot be created: " + existing
                        + " is not writable by the user Ferry runs as");
    }

    /**
     * Whether {@code a} and {@code b} are one folder or one is inside the other, as written or with their links
     * resolved (a link to another site's folder moves files into it all the same).
     */
    static boolean overlaps(Path a, Path b) {
        return inside(a, b) || inside(b, a) || inside(real(a), real(b)) || inside(real(b), real(a));
    }

    private static boolean inside(Path a, Path folder) {
        return a.startsWith(folder);
    }

    /** The path with its links resolved as far as it exists (a missing tail kept as written). */
    private static Path real(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p));
        } catch (IOException e) {
            return p;
        }
    }
}
