package dev.ferry.engine;

import dev.ferry.core.DaemonStatus.LastError;
import java.time.Instant;
import java.util.Optional;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one bucket since start. Thread-safe, never blocks. */
final class BucketStats {
    final LongAdder uploaded = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder unchanged = new LongAdder();
    final LongAdder failures = new LongAdder();
    /** The files whose latest attempt failed, with that failure. */
    private final Map<String, LastError> failing = new ConcurrentHashMap<>();
    /**
     * The newest failure of a file that still fails: once that file succeeds (or is gone), the newest failure of
     * the others, or none. So /status never names as the last error a file that has since arrived.
     */
    private final AtomicReference<LastError> lastError = new AtomicReference<>();
    /** The bucket cannot be used (BucketGate's check); cleared when it can. */
    private final AtomicReference<String> problem = new AtomicReference<>();
    /** Deletions are refused (a delete guard tripped); cleared by a sweep that refuses none. */
    private final AtomicReference<String> deletionsStopped = new AtomicReference<>();
    /**
     * The files whose latest upload was refused with access denied (a bucket policy, the keys' permissions), each with
     * the refusal's text, in the order they were refused: the bucket's problem while any is left, told by the newest.
     */
    private final java.util.LinkedHashMap<String, String> refusedFiles = new java.util.LinkedHashMap<>();
    /**
     * How many files {@link #refusedFiles} holds, read without its lock: every success asks, and almost always
     * none is refused. A file is only ever handled by one worker at a time, so its own refusal is never missed.
     */
    private volatile int refusedCount;

    /**
     * {@code path} is done (uploaded, unchanged, deleted, gone). True when it was the last file whose uploads were
     * refused: uploads to the bucket are no longer refused.
     */
    boolean succeeded(String path) {
        boolean allowedAgain = false;
        if (refusedCount > 0) {
            synchronized (refusedFiles) {
                allowedAgain = refusedFiles.remove(path) != null && refusedFiles.isEmpty();
                refusedCount = refusedFiles.size();
            }
        }
        if (failing.remove(path) == null) {
            return allowedAgain;
        }
        LastError last = lastError.get();
        if (last != null && last.path().equals(path)) {
            // a failure recorded meanwhile is newer than any of these: then it stays
            lastError.compareAndSet(last,
                    failing.values().stream().max(Comparator.comparing(LastError::at)).orElse(null));
        }
        return allowedAgain;
    }

    void failed(String path, String reason, Instant at) {
        failures.increment();
        LastError error = new LastError(path, reason, at);
        failing.put(path, error);
        lastError.set(error);
    }

    /** A file that keeps failing the same way (rejected at every sweep): counted once while it fails. */
    void failing(String path, String reason, Instant at) {
        LastError error = new LastError(path, reason, at);
        if (failing.putIfAbsent(path, error) == null) {
            failures.increment();
            lastError.set(error);
        }
    }

    long failingNow() {
        return failing.size();
    }

    Optional<LastError> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    void problem(String text) {
        problem.set(text);
    }

    /** Sets (or with null clears) the refusal of deletions; true when that changed it. */
    boolean deletionsStopped(String text) {
        return !java.util.Objects.equals(deletionsStopped.getAndSet(text), text);
    }

    /**
     * An upload of {@code path} was refused with access denied ({@code text} says so for the bucket). True when
     * uploads to the bucket were not refused before: a policy that denies part of a bucket (one prefix) keeps the
     * problem while its files are refused, however many uploads of other files go meanwhile.
     */
    boolean uploadRefused(String path, String text) {
        synchronized (refusedFiles) {
            boolean first = refusedFiles.isEmpty();
            refusedFiles.remove(path); // re-inserted: the newest refusal tells the problem
            refusedFiles.put(path, text);
            refusedCount = refusedFiles.size();
            return first;
        }
    }

    /**
     * What is wrong with the bucket as a whole: it cannot be used, its uploads are refused, its deletions are
     * refused, or several of these.
     */
    Optional<String> problem() {
        String refused;
        synchronized (refusedFiles) {
            String newest = null;
            for (String text : refusedFiles.values()) {
                newest = text;
            }
            refused = newest == null ? null : newest + " (" + refusedFiles.size()
                    + (refusedFiles.size() == 1 ? " file" : " files") + " refused; cleared once each has gone)";
        }
        String joined = java.util.stream.Stream.of(problem.get(), refused, deletionsStopped.get())
                .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.joining("; "));
        return joined.isEmpty() ? Optional.empty() : Optional.of(joined);
    }
}
