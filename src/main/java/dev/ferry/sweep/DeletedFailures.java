package dev.ferry.sweep;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import dev.ferry.source.local.LossyNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the unfinished records (FAILED, and UPLOADING or PENDING) of files that are gone, chiefly those deleted
 * while nothing watched them (Ferry stopped, the watcher down): a sweep walks only the files that are there, so
 * without this such a record would stay in {@code ferry failed}, or in progress in {@code /status}, for ever. A
 * FAILED record is closed as the worker closes the record of a file whose deletion it sees
 * ({@link FileRecord#deletedBeforeUpload}). An UPLOADING record (the upload was under way when Ferry was killed) or
 * a PENDING one is handed to {@code unfinished}, which the daemon gives to the engine: the worker then handles the
 * deletion as one it sees, which under retire_deleted also retires the object of an earlier version. Run after a
 * full sweep of the site. A file whose existence cannot be told (an unreadable folder) and every file of a missing
 * site folder (an unmounted disk) keep their records.
 */
public final class DeletedFailures {
    private static final Logger log = LoggerFactory.getLogger(DeletedFailures.class);
    private static final int PAGE = 1_000;

    /** The statuses of an upload that did not end, besides FAILED: under way (a kill -9), or waiting. */
    private static final List<FileStatus> UNFINISHED = List.of(FileStatus.UPLOADING, FileStatus.PENDING);

    private final StateStore store;
    private final RecordKeeper records;
    private final Clock clock;
    private final java.util.function.Consumer<FileRecord> closed;
    private final java.util.function.Consumer<FileRecord> unfinished;

    public DeletedFailures(StateStore store, RecordKeeper records, Clock clock) {
        this(store, records, clock, r -> {
        });
    }

    /** @param closed told of each record closed (the engine drops the file from its failed counts) */
    public DeletedFailures(StateStore store, RecordKeeper records, Clock clock,
            java.util.function.Consumer<FileRecord> closed) {
        this(store, records, clock, closed, r -> records.offer(r.deletedBeforeUpload(clock.instant())));
    }

    /**
     * @param closed     told of each FAILED record closed (the engine drops the file from its failed counts)
     * @param unfinished given each UPLOADING or PENDING record of a gone file, to be closed as a deletion seen (the
     *                   daemon queues the item, whose worker closes it, or retires its object)
     */
    public DeletedFailures(StateStore store, RecordKeeper records, Clock clock,
            java.util.function.Consumer<FileRecord> closed, java.util.function.Consumer<FileRecord> unfinished) {
        this.store = store;
        this.records = records;
        this.clock = clock;
        this.closed = closed;
        this.unfinished = unfinished;
    }

    /** Closes the unfinished records under {@code root} whose files are gone; returns how many. */
    public int close(Path root) {
        return close(root, r -> true);
    }

    /**
     * The same for the records {@code ofSite} accepts: a site's sweep closes the records of its own destination,
     * not those of another site fed by the same folder (which its own sweep closes).
     */
    public int close(Path root, java.util.function.Predicate<FileRecord> ofSite) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int closed = 0;
        int handed = 0;
        int deletions = 0;
        try {
            for (FileRecord r : snapshot(FileStatus.FAILED, root, ofSite)) {
                if (r.isDeletionFailure()) {
                    // gone on purpose; its object's deletion failed: handed over to be tried again (or closed where
                    // deletions are no longer carried), not closed as a file deleted before its upload
                    if (LossyNames.confirmedGone(r.path())) {
                        unfinished.accept(r);
                        deletions++;
                    }
                    continue;
                }
                // a name that is not valid UTF-8 is recorded with U+FFFD: its folder is listed to find it; a path that
                // is a folder now holds no file either (an entry of a folder that could not be searched, recorded
                // failed while what it was could not be told, or a file replaced by a folder)
                if (LossyNames.confirmedGone(r.path()) || folder(r.path())) {
                    records.offer(r.deletedBeforeUpload(clock.instant()));
                    this.closed.accept(r);
                    closed++;
                }
            }
            for (FileStatus status : UNFINISHED) {
                for (FileRecord r : snapshot(status, root, ofSite)) {
                    if (LossyNames.confirmedGone(r.path())) {
                        unfinished.accept(r);
                        handed++;
                    }
                }
            }
        } catch (StateStoreException e) {
            log.debug("{}: records of deleted files not closed now (the next full sweep will): {}", root,
                    e.getMessage());
        }
        if (closed > 0) {
            // also files the watcher saw go where nothing closed their records then (a rejected folder moved away)
            log.info("{}: {} failed files are gone; they leave the failed list", root, closed);
        }
        if (handed > 0) {
            log.info("{}: {} files whose upload had not ended (Ferry stopped or was killed while it was under way) "
                    + "are gone; their records are closed as deletions", root, handed);
        }
        if (deletions > 0) {
            log.info("{}: {} files deleted locally whose objects could not be deleted: their deletions are tried "
                    + "again", root, deletions);
        }
        return closed + handed + deletions;
    }

    /**
     * The records of {@code status} under {@code root} that {@code ofSite} accepts. Records closed here leave that
     * status once written, so the pages are read over a snapshot taken first, not by an offset that would skip
     * records as the list shrinks.
     */
    private List<FileRecord> snapshot(FileStatus status, Path root, java.util.function.Predicate<FileRecord> ofSite) {
        List<FileRecord> found = new java.util.ArrayList<>();
        for (int offset = 0; ; offset += PAGE) {
            List<FileRecord> page = store.list(status, offset, PAGE);
            page.stream().filter(r -> under(root, r.path()) && ofSite.test(r)).forEach(found::add);
            if (page.size() < PAGE) {
                return found;
            }
        }
    }

    private static boolean folder(String path) {
        try {
            return dev.ferry.source.local.LocalStat.folderInPlace(Path.of(path));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** True when the record's {@code path} is under {@code root}. */
    public static boolean under(Path root, String path) {
        try {
            return Path.of(path).startsWith(root);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }
}
