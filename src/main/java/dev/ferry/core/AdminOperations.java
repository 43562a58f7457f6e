package dev.ferry.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an operator may ask of a running daemon through the admin API. Implemented by the daemon; the HTTP
 * layer only sees this interface. Methods are thread-safe and return quickly (they queue work, they do not
 * wait for uploads).
 */
public interface AdminOperations {

    /** Starts a full sweep now (seed 003's "wakeup"); one already running is followed by another. */
    void wakeup();

    /**
     * Retries failed files now: every FAILED record (permanent ones too, since an operator asks), or only
     * the record of {@code path}; they go to their bucket's queue due now, and every file waiting in
     * backoff becomes due now.
     *
     * @return how many files were queued to go now
     * @throws StateStoreException when the state store cannot be read
     */
    int retryFailed(Optional<String> path);

    /**
     * As {@link #retryFailed}, and says why each failed file that was not queued cannot be retried (no failed
     * record, or it cannot be uploaded where it is), the same way for one file and for all: what
     * {@code ferry failed} lists, {@code ferry retry} retries or explains.
     *
     * @throws StateStoreException when the state store cannot be read
     */
    default RetryAnswer retry(Optional<String> path) {
        return new RetryAnswer(retryFailed(path), List.of());
    }

    /**
     * @param retrying   how many files were queued to go now
     * @param notRetried the failed files (or the one asked for) that were not, each with the reason
     */
    record RetryAnswer(int retrying, List<NotRetried> notRetried) {
        public RetryAnswer {
            notRetried = List.copyOf(notRetried);
        }
    }

    /** A file {@code retry} did not queue, and why, in words an operator can act on. */
    record NotRetried(String path, String reason) {
    }

    /** Stops handing out uploads (those under way finish); the watcher and sweeps keep queueing. */
    void pause();

    /**
     * Hands out uploads again, unless something the operator cannot override holds them (a mothership that has not
     * configured this host). Empty when resumed, else why not.
     */
    java.util.Optional<String> resume();

    /**
     * A page of the records with {@code status}, ordered by path.
     *
     * @throws StateStoreException when the state store cannot be read
     */
    FilePage listFiles(FileStatus status, int offset, int limit);

    /**
     * Changes the level of Ferry's own loggers now.
     *
     * @param level trace, debug, info, warn or error (any case)
     * @return the level before the change
     * @throws IllegalArgumentException for any other level
     */
    String setLogLevel(String level);

    /**
     * Every daemon sharing this one's state store (MongoDB), stale ones marked; this daemon alone with SQLite.
     *
     * @throws StateStoreException when the fleet registry cannot be read
     */
    FleetView fleet();

    /**
     * @param offset index of the first record
     * @param limit  most records asked for
     * @param total  how many records have the status, when the store can tell cheaply
     * @param files  the records
     * @param cannotRetry failed records that cannot be uploaded where they are (invalid bucket folder, key too
     *                    long): {@code ferry retry} does not queue them, and says so. By record, not path: one file
     *                    may go to several destinations, and a key too long in one may fit in another.
     */
    record FilePage(int offset, int limit, OptionalLong total, List<FileRecord> files, java.util.Set<RecordId> cannotRetry) {
        public FilePage {
            Objects.requireNonNull(total, "total");
            files = List.copyOf(files);
            cannotRetry = java.util.Set.copyOf(cannotRetry);
        }

        public FilePage(int offset, int limit, OptionalLong total, List<FileRecord> files) {
            this(offset, limit, total, files, java.util.Set.of());
        }
    }
}
