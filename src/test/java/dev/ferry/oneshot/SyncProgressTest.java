package dev.ferry.oneshot;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.PutResult;
import dev.ferry.core.UploadOutcome;
import dev.ferry.source.local.LocalSource;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyncProgressTest {
    private final SyncProgress progress = new SyncProgress();

    private void outcome(Path path, UploadOutcome outcome) {
        progress.onOutcome("photos", path.getFileName().toString(), LocalSource.ref(TestIds.SOURCE, path), outcome, Duration.ZERO);
    }

    private static UploadOutcome.Uploaded uploaded(long bytes) {
        return new UploadOutcome.Uploaded(new PutResult("etag", "md5", bytes, false), Duration.ofMillis(1));
    }

    @Test
    void aFileIsAddedOrUpdatedOnlyOnceItIsUploaded() {
        Path fresh = Path.of("/w/photos/new.jpg");
        Path changed = Path.of("/w/photos/changed.jpg");
        progress.queued(fresh, true);
        progress.queued(changed, false);
        assertThat(progress.added.sum() + progress.updated.sum()).isZero();

        outcome(fresh, uploaded(10));
        outcome(changed, uploaded(5));

        assertThat(progress.added.sum()).isEqualTo(1);
        assertThat(progress.updated.sum()).isEqualTo(1);
        assertThat(progress.queued.sum()).isEqualTo(2);
        assertThat(progress.bytes.sum()).isEqualTo(15);
        assertThat(progress.failures()).isEmpty();
    }

    /** A file the verifying pass carries again (rewritten during the run) is one file: its second upload is not. */
    @Test
    void aFileCarriedAgainAfterTheRunCountedItIsATransferButNotASecondFile() {
        Path rewritten = Path.of("/w/photos/rewritten.jpg");
        Path touched = Path.of("/w/photos/touched.jpg");
        progress.queued(rewritten, true, 10);
        outcome(rewritten, uploaded(10));
        progress.queued(rewritten, false, 12, true);
        outcome(rewritten, uploaded(12));
        progress.queued(touched, false, 4, true);
        outcome(touched, new UploadOutcome.Unchanged("modification time changed, content the same"));

        assertThat(progress.added.sum()).isEqualTo(1);
        assertThat(progress.updated.sum()).isZero();
        assertThat(progress.unchanged.sum()).isZero();
        assertThat(progress.uploaded.sum()).as("both uploads were made").isEqualTo(2);
        assertThat(progress.bytes.sum()).isEqualTo(22);
        assertThat(progress.settledBytes.sum()).isEqualTo(progress.queuedBytes.sum());
    }

    @Test
    void aFileThatFailsIsCountedAsFailedAloneWhetherNewOrAnUpdate() {
        Path gaveUp = Path.of("/w/photos/refused.jpg");
        Path permanent = Path.of("/w/photos/permanent.jpg");
        progress.queued(gaveUp, true);
        progress.queued(permanent, false);

        outcome(gaveUp, new UploadOutcome.Retry("credentials refused", true)); // a one-shot sync gives up here
        outcome(permanent, new UploadOutcome.Permanent("object too large"));

        assertThat(progress.added.sum()).isZero();
        assertThat(progress.updated.sum()).isZero();
        assertThat(progress.failures()).containsOnlyKeys(gaveUp, permanent);
    }

    @Test
    void aRetryThatSucceedsIsAddedOnceAndNoLongerFailing() {
        Path flaky = Path.of("/w/photos/flaky.jpg");
        progress.queued(flaky, true);

        outcome(flaky, new UploadOutcome.Retry("connection reset"));
        outcome(flaky, uploaded(3));

        assertThat(progress.added.sum()).isEqualTo(1);
        assertThat(progress.failures()).isEmpty();
    }

    @Test
    void aQueuedFileTheEngineFindsUnchangedIsCountedUnchangedNotAdded() {
        Path same = Path.of("/w/photos/same.jpg");
        progress.queued(same, true);

        outcome(same, new UploadOutcome.Unchanged("already in S3"));

        assertThat(progress.added.sum()).isZero();
        assertThat(progress.unchanged.sum()).isEqualTo(1);
    }

    @Test
    void aFileBackAfterItsObjectWasDeletedIsCountedAsAnUploadOnceItIsCarriedAgain() {
        Path back = Path.of("/w/photos/keep.jpg");
        progress.deleting("photos", "keep.jpg", "s3://photos/keep.jpg");
        outcome(back, new UploadOutcome.Deleted("keep.jpg"));
        assertThat(progress.deleted()).containsExactly("s3://photos/keep.jpg");

        progress.queued(back, true); // restored meanwhile: the verifying pass carries it
        outcome(back, uploaded(7));

        assertThat(progress.added.sum()).as("its upload is a file's, not the deletion's").isEqualTo(1);
        assertThat(progress.bytes.sum()).isEqualTo(7);
        assertThat(progress.deleteFailures()).isEmpty();
    }

    @Test
    void aCarryMergedIntoAQueuedDeletionOwnsTheOutcome() {
        Path back = Path.of("/w/photos/back.jpg");
        progress.deleting("photos", "back.jpg", "s3://photos/back.jpg");
        progress.queued(back, false);

        outcome(back, new UploadOutcome.Retry("connection reset"));
        assertThat(progress.failures()).containsOnlyKeys(back);
        assertThat(progress.deleteFailures()).as("no deletion failed").isEmpty();

        outcome(back, new UploadOutcome.Unchanged("already uploaded"));
        assertThat(progress.unchanged.sum()).isEqualTo(1);
        assertThat(progress.failures()).isEmpty();
        assertThat(progress.deleted()).isEmpty();
    }
}
