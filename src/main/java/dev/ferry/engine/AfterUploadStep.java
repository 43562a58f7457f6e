package dev.ferry.engine;

import dev.ferry.core.AfterUpload;
import dev.ferry.core.Destination;
import dev.ferry.core.Durations;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStat;
import dev.ferry.core.PutResult;
import dev.ferry.core.RecordKeeper;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records an upload and, for a site whose policy deletes or moves its files ({@link AfterUpload}), frees the local
 * disk, under one rule: a file is deleted or moved only after its object is verified in S3 (HEAD: the file's size,
 * and the MD5 or ETag the upload returned), its UPLOADED record is durable (written through, not left to the
 * write-behind), and it is still the version uploaded (size, mtime, inode). Anything short of that leaves the file
 * where it is with one log line saying why; nothing here fails the upload or asks for a retry, so a file that
 * cannot be deleted is never uploaded again for it. Such a file is a leftover: the next sweep that finds it still
 * the version its UPLOADED record describes hands it back ({@link #leftover}), and it goes then, under the same
 * rule, or a disk meant to be freed would fill up.
 */
final class AfterUploadStep {
    private static final Logger log = LoggerFactory.getLogger(AfterUploadStep.class);

    private final RecordKeeper records;
    private final Duration durableWait;

    AfterUploadStep(RecordKeeper records, Duration durableWait) {
        this.records = records;
        this.durableWait = durableWait;
    }

    /**
     * Records {@code uploaded} (the record of the version {@code stat} just sent), then deletes or moves the file
     * when the site's policy says so and everything checks out.
     */
    void recorded(Site site, Destination dest, String item, FileRecord uploaded, FileStat stat, PutResult result) {
        AfterUpload how = site.policy().afterUpload();
        if (how.keeps()) {
            records.offer(uploaded);
            return;
        }
        release(site, dest, item, records.submit(uploaded), stat, result, how, false);
    }

    /**
     * A file still in place whose UPLOADED {@code record} describes its version {@code stat} (a sweep found it, or a
     * change brought it to a worker): its release after upload did not happen then (S3 did not verify, the record
     * was not durable in time, the delete or move failed). Under a site that deletes or moves its files it is
     * released now, under the same rule as right after an upload: the object verified against the record (size,
     * MD5 or ETag), the record written through again (the same record) and confirmed, the file still this version.
     * Does nothing for a site that keeps its files. A file released so is logged with one INFO line; one that
     * still cannot go is logged at DEBUG only (a WARN said why after its upload; the next sweep tries again).
     */
    void leftover(Site site, Destination dest, String item, FileRecord record, FileStat stat) {
        AfterUpload how = site.policy().afterUpload();
        if (how.keeps()) {
            return;
        }
        PutResult uploaded = new PutResult(record.etag(), record.checksum(), record.size(), false);
        release(site, dest, item, records.submit(record), stat, uploaded, how, true);
    }

    private void release(Site site, Destination dest, String item, CompletableFuture<Void> durable, FileStat stat,
            PutResult result, AfterUpload how, boolean late) {
        String verb = how instanceof AfterUpload.MoveTo ? "moved" : "deleted";
        Optional<RemoteObject> remote;
        try {
            remote = site.store().head(dest.bucket(), dest.key());
        } catch (TransferException e) {
            stays(late, item, verb, "s3://" + dest + " could not be verified (" + e.getMessage() + ")");
            return;
        }
        Optional<String> mismatch = mismatch(remote, stat.size(), result);
        if (mismatch.isPresent()) {
            stays(late, item, verb, "s3://" + dest + " does not match the upload: " + mismatch.get());
            return;
        }
        Optional<String> notDurable = waitFor(durable);
        if (notDurable.isPresent()) {
            stays(late, item, verb, "its record is not durable yet (" + notDurable.get() + ")");
            return;
        }
        AfterUpload.Result done = site.source().release(item, stat, how);
        if (done instanceof AfterUpload.Done d) {
            if (late) {
                log.info("{}: {} after upload, left over from an earlier attempt (s3://{} verified)", item, d.what(),
                        dest);
            } else {
                log.info("{}: {} after upload (s3://{} verified)", item, d.what(), dest);
            }
        } else if (done instanceof AfterUpload.Changed c) {
            if (late) {
                log.debug("{}: left over after upload, not {} now: {}", item, verb, c.why());
            } else {
                log.info("{}: not {} after upload: {}; its new version is uploaded first", item, verb, c.why());
            }
        } else if (done instanceof AfterUpload.Failed f) {
            stays(late, item, verb, f.reason(), "; the file stays (s3://" + dest + " holds it)");
        }
    }

    /**
     * Why the file stays: a WARN right after its upload; at DEBUG for a leftover, which every sweep tries again
     * (a WARN per sweep would bury the log under one stuck file).
     */
    private static void stays(boolean late, String item, String verb, String why) {
        stays(late, item, verb, why, "; the file stays");
    }

    private static void stays(boolean late, String item, String verb, String why, String tail) {
        if (late) {
            log.debug("{}: left over after upload, not {} now: {}", item, verb, why);
        } else {
            log.warn("{}: not {} after upload: {}{}", item, verb, why, tail);
        }
    }

    /**
     * Why the object S3 answers HEAD with is not the upload (missing, another size, another MD5 or ETag), or empty
     * when it is. The MD5 is S3's single-part ETag or Ferry's md5chksum metadata; without one the ETag the upload
     * returned is compared; the size is compared always.
     */
    static Optional<String> mismatch(Optional<RemoteObject> remote, long size, PutResult put) {
        if (remote.isEmpty()) {
            return Optional.of("no such object");
        }
        RemoteObject object = remote.get();
        if (object.size() != size) {
            return Optional.of("it holds " + object.size() + " bytes, the file " + size);
        }
        if (object.md5Hex().isPresent() && !put.md5Hex().isEmpty()) {
            return object.md5Hex().get().equalsIgnoreCase(put.md5Hex()) ? Optional.empty()
                    : Optional.of("its MD5 is " + object.md5Hex().get() + ", the upload's " + put.md5Hex());
        }
        if (!put.etag().isEmpty() && !object.etag().equals(put.etag())) {
            return Optional.of("its ETag is " + object.etag() + ", the upload's " + put.etag());
        }
        return Optional.empty();
    }

    /** Waits for the record to be durable, at most the durable wait; why it is not, or empty when it is. */
    private Optional<String> waitFor(CompletableFuture<Void> durable) {
        if (!records.takesWrites() && !durable.isDone()) {
            return Optional.of("the state store does not take writes now");
        }
        try {
            durable.get(durableWait.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Optional.of("the state store failed the write: " + cause.getMessage());
        } catch (TimeoutException e) {
            return Optional.of("the state store did not confirm it within " + Durations.text(durableWait));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutdown: the file stays, the record is still written
            return Optional.of("interrupted by shutdown");
        }
    }
}
