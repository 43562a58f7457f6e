package dev.ferry.core;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UploadDecisionTest {
    private final Instant t = Instant.parse("2026-01-01T00:00:00Z");
    private final Destination dest = new Destination("b", "k");
    private final FileStat stat = new FileStat(10, 1000);
    private final FileRecord pending = FileRecord.pending(TestIds.SOURCE, "/w/b/k", "b", "k", 10, 1000, t);

    @Test
    void newFilesAndChangedFilesNeedUploading() {
        assertThat(UploadDecision.needsUpload(Optional.empty(), dest, stat)).contains("new file");
        FileRecord up = pending.uploaded("b", "k", 10, 1000, "md5", "etag", t);
        assertThat(UploadDecision.needsUpload(Optional.of(up), dest, new FileStat(11, 1000))).contains("changed");
        assertThat(UploadDecision.needsUpload(Optional.of(up), dest, new FileStat(10, 2000))).contains("changed");
        assertThat(UploadDecision.needsUpload(Optional.of(up), new Destination("b", "other"), stat))
                .contains("new destination");
    }

    @Test
    void aSeedDocumentWithoutAVersionIsUnknownLikeAMissingRecord() {
        // a record imported from the earlier image-sync daemon's document: uploaded, a bucket, no size, no mtime
        FileRecord legacy = new FileRecord(TestIds.SOURCE, "/w/b/k", "b", "", FileStatus.UPLOADED, -1, -1, "", "", 0, "", false, t, t,
                Optional.empty());
        assertThat(UploadDecision.unknown(Optional.of(legacy))).isTrue();
        assertThat(UploadDecision.unknown(Optional.empty())).isTrue();
        assertThat(UploadDecision.needsUpload(Optional.of(legacy), dest, stat)).contains(UploadDecision.NEW_FILE);
        assertThat(UploadDecision.unknown(Optional.of(pending))).isFalse();
        assertThat(UploadDecision.unknown(Optional.of(pending.uploaded("b", "k", 10, 1000, "md5", "etag", t))))
                .isFalse();
    }

    @Test
    void anUploadedUnchangedFileIsNeverUploadedAgain() {
        FileRecord up = pending.uploaded("b", "k", 10, 1000, "md5", "etag", t);
        assertThat(UploadDecision.needsUpload(Optional.of(up), dest, stat)).isEmpty();
    }

    @Test
    void permanentFailuresWaitForAChangeAndRetryableOnesDoNot() {
        FileRecord permanent = pending.failed("b", "k", 10, 1000, "key too long", true, t);
        FileRecord retryable = pending.failed("b", "k", 10, 1000, "503", false, t);
        assertThat(UploadDecision.needsUpload(Optional.of(permanent), dest, stat)).isEmpty();
        assertThat(UploadDecision.needsUpload(Optional.of(permanent), dest, new FileStat(10, 5))).isPresent();
        assertThat(UploadDecision.needsUpload(Optional.of(retryable), dest, stat)).isPresent();
        assertThat(UploadDecision.needsUpload(Optional.of(pending.withStatus(FileStatus.UPLOADING, t)), dest, stat))
                .contains("unfinished upload");
    }

    @Test
    void aMovedCtimeOrInodeWithTheSameSizeAndMtimeIsSuspect() {
        FileStat uploadedAs = new FileStat(10, 1000, 5_000_000_123L, 77);
        FileRecord up = FileRecord.pending(TestIds.SOURCE, "/w/b/k", "b", "k", uploadedAs, t).uploaded("b", "k", uploadedAs, "md5",
                "etag", "", t);
        FileStat ctimeMoved = new FileStat(10, 1000, 6_000_000_000L, 77);
        FileStat inodeMoved = new FileStat(10, 1000, 5_000_000_123L, 78);

        assertThat(UploadDecision.needsUpload(Optional.of(up), dest, uploadedAs)).isEmpty();
        assertThat(UploadDecision.needsUpload(Optional.of(up), dest, ctimeMoved)).contains(UploadDecision.SUSPECT);
        assertThat(UploadDecision.needsUpload(Optional.of(up), dest, inodeMoved)).contains(UploadDecision.SUSPECT);
        assertThat(UploadDecision.suspect(Optional.of(up), dest, ctimeMoved)).isTrue();
        assertThat(UploadDecision.suspect(Optional.of(up), dest, uploadedAs)).isFalse();
        assertThat(UploadDecision.suspect(Optional.of(up), new Destination("b", "other"), ctimeMoved)).isFalse();
        assertThat(UploadDecision.needsUpload(Optional.of(up), dest, new FileStat(10, 2000, 6_000_000_000L, 77)))
                .as("a new mtime is a plain change").contains("changed");
    }

    @Test
    void anUnknownCtimeOrInodeIsNotAMoveAndIsFilledInFromTheFile() {
        FileRecord old = pending.uploaded("b", "k", 10, 1000, "", "etag", t);
        FileStat known = new FileStat(10, 1000, 6_000_000_000L, 77);

        assertThat(UploadDecision.needsUpload(Optional.of(old), dest, known)).isEmpty();
        assertThat(UploadDecision.identityToFill(Optional.of(old), dest, known, t))
                .hasValueSatisfying(r -> assertThat(r.stat()).isEqualTo(known));
        assertThat(UploadDecision.identityToFill(Optional.of(old), dest, stat, t)).as("nothing to fill").isEmpty();
        FileRecord filled = old.withIdentity(known, "", t);
        assertThat(UploadDecision.identityToFill(Optional.of(filled), dest, known, t)).isEmpty();
        assertThat(UploadDecision.identityToFill(Optional.of(old), dest, new FileStat(10, 999, 1, 1), t))
                .as("another version").isEmpty();
    }

    @Test
    void alreadyRecordedMatchesStatusReasonAndVersion() {
        FileRecord ignored = pending.ignored("", "", 10, 1000, "root", t);
        assertThat(UploadDecision.alreadyRecorded(Optional.of(ignored), FileStatus.IGNORED, "root", stat)).isTrue();
        assertThat(UploadDecision.alreadyRecorded(Optional.of(ignored), FileStatus.IGNORED, "other", stat)).isFalse();
        assertThat(UploadDecision.alreadyRecorded(Optional.empty(), FileStatus.IGNORED, "root", stat)).isFalse();
    }

    @Test
    void anObjectHoldsAVersionBySizeAndMtimeMetadata() {
        assertThat(UploadDecision.sameSizeAndMtime(object(10, Optional.of(1000L)), stat)).isTrue();
        assertThat(UploadDecision.sameSizeAndMtime(object(11, Optional.of(1000L)), stat)).isFalse();
        assertThat(UploadDecision.sameSizeAndMtime(object(10, Optional.of(999L)), stat)).isFalse();
        assertThat(UploadDecision.sameSizeAndMtime(object(10, Optional.empty()), stat)).as("another tool's").isFalse();
        assertThat(UploadDecision.sizeDiffers(11, stat)).contains("size 10 locally, 11 in S3");
        assertThat(UploadDecision.sizeDiffers(10, stat)).isEmpty();
    }

    @Test
    void bySizeAndMtimeTrustsTheRecordedEtagElseAsksForTheMtime() {
        FileRecord up = pending.uploaded("b", "k", 10, 1000, "md5", "etag1", t);
        java.util.concurrent.atomic.AtomicInteger heads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<Optional<RemoteObject>> head = () -> {
            heads.incrementAndGet();
            return Optional.of(object(10, Optional.of(1000L)));
        };
        assertThat(UploadDecision.bySizeAndMtime(Optional.of(up), dest, stat, listed(10, "etag1"), head)).isEmpty();
        assertThat(heads).as("the record vouches for the object").hasValue(0);
        assertThat(UploadDecision.bySizeAndMtime(Optional.of(up), dest, stat, listed(12, "etag1"), head))
                .contains("size 10 locally, 12 in S3");
        assertThat(UploadDecision.bySizeAndMtime(Optional.of(up), dest, stat, listed(10, "other"), head)).isEmpty();
        assertThat(UploadDecision.bySizeAndMtime(Optional.empty(), dest, stat, listed(10, "etag1"), head)).isEmpty();
        assertThat(heads).hasValue(2);
        assertThat(UploadDecision.bySizeAndMtime(Optional.empty(), dest, stat, listed(10, "etag1"),
                () -> Optional.of(object(10, Optional.of(5L))))).contains("modification time differs");
        assertThat(UploadDecision.bySizeAndMtime(Optional.empty(), dest, stat, listed(10, "etag1"), Optional::empty))
                .contains("modification time differs");
        FileRecord withIdentity = pending.uploaded("b", "k", 10, 1000, "md5", "etag1", t)
                .withIdentity(new FileStat(10, 1000, 5, 6), "", t);
        assertThat(UploadDecision.bySizeAndMtime(Optional.of(withIdentity), dest, new FileStat(10, 1000, 5, 7),
                listed(10, "etag1"), head)).contains(UploadDecision.SUSPECT);
    }

    @Test
    void uploadedMeansThisVersionWhateverTheDestination() {
        FileRecord up = pending.uploaded("b", "elsewhere", 10, 1000, "md5", "etag", t);
        assertThat(UploadDecision.uploaded(Optional.of(up), stat)).isTrue();
        assertThat(UploadDecision.uploaded(Optional.of(up), new FileStat(10, 1001))).isFalse();
        assertThat(UploadDecision.uploaded(Optional.of(pending), stat)).isFalse();
        assertThat(UploadDecision.uploaded(Optional.empty(), stat)).isFalse();
    }

    private static RemoteObject object(long size, Optional<Long> mtime) {
        return new RemoteObject("b", "k", size, "etag", mtime, Optional.empty(), "STANDARD", java.util.Map.of());
    }

    private static RemoteEntry listed(long size, String etag) {
        return new RemoteEntry("k", size, etag, Instant.EPOCH, "STANDARD");
    }
}
