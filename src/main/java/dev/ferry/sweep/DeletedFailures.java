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
 * Closes the FAILED records of files that are gone, chiefly those deleted while nothing watched them (Ferry
 * stopped, the watcher down): a
 * sweep walks only the files that are there, so without this such a record would stay in {@code ferry failed}
 * for ever. Each is closed as the worker closes the record of a file whose
 * deletion it sees ({@link FileRecord#deletedBeforeUpload}). Run after a full
 * sweep of the site. A file whose existence cannot be told (an unreadable folder) and every file of a missing
 * site folder (an unmounted disk) keep their records.
 */
public final class DeletedFailures {
    private static final Logger log = LoggerFactory.getLogger(DeletedFailures.class);
    private static final int PAGE = 1_000;

    private final StateStore store;
    private final RecordKeeper records;
    private final Clock clock;
    private final java.util.function.Consumer<FileRecord> closed;

    public DeletedFailures(StateStore store, RecordKeeper records, Clock clock) {
        this(store, records, clock, r -> {
        });
    }

    /** @param closed told of each record closed (the engine drops the file from its failed counts) */
    public DeletedFailures(StateStore store, RecordKeeper records, Clock clock,
            java.util.function.Consumer<FileRecord> closed) {
        this.store = store;
        this.records = records;
        this.clock = clock;
        this.closed = closed;
    }

    /** Closes the FAILED records under {@code root} whose files are gone; returns how many. */
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
        try {
            // records closed here leave the FAILED list once written, so the pages are read over a snapshot
            // taken first, not by an offset that would skip records as the list shrinks
            List<FileRecord> failed = new java.util.ArrayList<>();
            for (int offset = 0; ; offset += PAGE) {
                List<FileRecord> page = store.list(FileStatus.FAILED, offset, PAGE);
                page.stream().filter(r -> under(root, r.path()) && ofSite.test(r)).forEach(failed::add);
                if (page.size() < PAGE) {
                    break;
                }
            }
            for (FileRecord r : failed) {
                // a name that is not valid UTF-8 is recorded with U+FFFD: its folder is listed to find it
                if (LossyNames.confirmedGone(r.path())) {
                    records.offer(r.deletedBeforeUpload(clock.instant()));
                    this.closed.accept(r);
                    closed++;
                }
            }
        } catch (StateStoreException e) {
            log.debug("{}: failed records of deleted files not closed now (the next full sweep will): {}", root,
                    e.getMessage());
        }
        if (closed > 0) {
            // also files the watcher saw go where nothing closed their records then (a rejected folder moved away)
            log.info("{}: {} failed files are gone; they leave the failed list", root, closed);
        }
        return closed;
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
