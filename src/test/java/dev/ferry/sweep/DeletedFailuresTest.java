package dev.ferry.sweep;

import dev.ferry.testing.TestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.state.SqliteStateStore;
import dev.ferry.state.StateWriter;
import dev.ferry.testing.Latin1Names;
import dev.ferry.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FAILED records of files deleted while nothing watched leave the failed list; nothing else changes. */
class DeletedFailuresTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @TempDir
    Path tmp;
    Path root;
    SqliteStateStore store;
    StateWriter writer;
    DeletedFailures failures;

    @BeforeEach
    void open() throws Exception {
        root = Files.createDirectories(tmp.resolve("site"));
        store = SqliteStateStore.open(tmp.resolve("state/ferry.db"), TestIds.INSTANCE);
        writer = StateWriter.start(store);
        failures = new DeletedFailures(store, writer, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        writer.close();
        store.close();
    }

    @Test
    void aDeletedFailedFileIsRecordedIgnoredAndEveryOtherRecordStaysAsItIs() throws Exception {
        Path deleted = root.resolve("photos/gone.jpg");
        Path present = Files.createDirectories(root.resolve("photos")).resolve("there.jpg");
        Files.writeString(present, "still here");
        Path elsewhere = tmp.resolve("other-site/gone.jpg");
        Path uploadedThenDeleted = root.resolve("photos/uploaded.jpg");
        store.putAll(java.util.List.of(failed(deleted), failed(present), failed(elsewhere),
                record(uploadedThenDeleted, FileStatus.UPLOADED)));

        assertThat(failures.close(root)).isEqualTo(1);
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();

        FileRecord closed = store.get(TestIds.id(deleted.toString(), "photos")).orElseThrow();
        assertThat(closed.status()).isEqualTo(FileStatus.IGNORED);
        assertThat(closed.reason()).isEqualTo("deleted locally before it was uploaded");
        assertThat(store.get(TestIds.id(present.toString(), "photos")).orElseThrow().status()).isEqualTo(FileStatus.FAILED);
        assertThat(store.get(TestIds.id(elsewhere.toString(), "photos")).orElseThrow().status()).as("another site's").isEqualTo(FileStatus.FAILED);
        assertThat(store.get(TestIds.id(uploadedThenDeleted.toString(), "photos")).orElseThrow().status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(failures.close(root)).as("nothing left to close").isZero();
    }

    @Test
    void aFailedRecordOfWhatIsAFolderNowIsClosed() throws Exception {
        // recorded failed while its folder could not be searched (what it was could not be told): a folder after all
        Path folder = Files.createDirectories(root.resolve("photos/locked/2026"));
        store.putAll(java.util.List.of(failed(folder)));

        assertThat(failures.close(root)).isEqualTo(1);
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(store.get(TestIds.id(folder.toString(), "photos")).orElseThrow().status())
                .isEqualTo(FileStatus.IGNORED);
    }

    @Test
    void aFailedFileWhoseNameIsNotUtf8IsKeptWhileItIsThereAndClosedOnceItIsGone() throws Exception {
        // the record holds the name as Java reads it, with U+FFFD: that string names other bytes on disk
        Path latin1 = Latin1Names.write(Files.createDirectories(root.resolve("photos")), "caf\u00e9.jpg", "x");
        assertThat(latin1.toString()).contains("\uFFFD");
        FileRecord record = FileRecord.pending(TestIds.SOURCE, latin1.toString(), "photos", "caf\uFFFD.jpg", 1, 1_000,
                NOW).failed("photos", "caf\uFFFD.jpg", 1, 1_000, "file name is not valid UTF-8", true, NOW);
        store.putAll(java.util.List.of(record));

        assertThat(failures.close(root)).as("the file is there").isZero();
        assertThat(store.get(TestIds.id(latin1.toString(), "photos")).orElseThrow().status())
                .isEqualTo(FileStatus.FAILED);

        Files.delete(latin1);
        assertThat(failures.close(root)).isEqualTo(1);
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(store.get(TestIds.id(latin1.toString(), "photos")).orElseThrow().status())
                .isEqualTo(FileStatus.IGNORED);
    }

    @Test
    void eachClosedRecordIsToldAndTheLogSaysTheFilesAreGone() throws Exception {
        Path deleted = root.resolve("ab/gone.jpg");
        store.putAll(java.util.List.of(failed(deleted)));
        java.util.List<FileRecord> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        DeletedFailures telling = new DeletedFailures(store, writer, Clock.fixed(NOW, ZoneOffset.UTC), told::add);

        try (LogCapture logs = LogCapture.of(DeletedFailures.class.getName())) {
            assertThat(telling.close(root)).isEqualTo(1);
            // also files the watcher saw go: it does not say Ferry was not watching
            assertThat(logs.lines()).anyMatch(l -> l.contains("1 failed files are gone; they leave the failed list"))
                    .noneMatch(l -> l.contains("did not watch"));
        }
        assertThat(told).extracting(FileRecord::path).containsExactly(deleted.toString());
    }

    @Test
    void anUploadUnderWayOfAFileDeletedSinceIsHandedOnAndOneOfAFileThatIsThereIsLeft() throws Exception {
        // a kill -9 during the upload left UPLOADING; the file was deleted while Ferry was down
        Path deleted = root.resolve("photos/gone.jpg");
        Path present = Files.createDirectories(root.resolve("photos")).resolve("there.jpg");
        Files.writeString(present, "being uploaded");
        Path waiting = root.resolve("photos/waiting.jpg");
        store.putAll(java.util.List.of(record(deleted, FileStatus.UPLOADING), record(present, FileStatus.UPLOADING),
                record(waiting, FileStatus.PENDING)));
        java.util.List<FileRecord> handed = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<FileRecord> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        DeletedFailures handing = new DeletedFailures(store, writer, Clock.fixed(NOW, ZoneOffset.UTC), told::add,
                handed::add);

        try (LogCapture logs = LogCapture.of(DeletedFailures.class.getName())) {
            assertThat(handing.close(root)).isEqualTo(2);
            assertThat(logs.lines()).anyMatch(l -> l.contains("2 files whose upload had not ended"));
        }
        assertThat(handed).extracting(FileRecord::path).containsExactlyInAnyOrder(deleted.toString(), waiting.toString());
        assertThat(told).as("not failed records: no failed count to lower").isEmpty();
    }

    @Test
    void aFileWhoseObjectCouldNotBeDeletedIsHandedOnToTryAgainNotClosed() throws Exception {
        Path deleted = root.resolve("photos/retired.jpg");
        FileRecord uploaded = record(deleted, FileStatus.UPLOADED);
        store.putAll(java.util.List.of(uploaded.deletionFailed("s3://photos/retired.jpg: delete refused: "
                + "AccessDenied", NOW)));
        java.util.List<FileRecord> handed = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<FileRecord> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        DeletedFailures handing = new DeletedFailures(store, writer, Clock.fixed(NOW, ZoneOffset.UTC), told::add,
                handed::add);

        try (LogCapture logs = LogCapture.of(DeletedFailures.class.getName())) {
            assertThat(handing.close(root)).isEqualTo(1);
            assertThat(logs.lines()).anyMatch(l -> l.contains("1 files deleted locally whose objects could not be "
                    + "deleted: their deletions are tried again"));
        }
        assertThat(handed).extracting(FileRecord::path).containsExactly(deleted.toString());
        assertThat(told).as("still failing until its object is deleted").isEmpty();
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(store.get(TestIds.id(deleted.toString(), "photos")).orElseThrow().status())
                .as("not closed as a file deleted before its upload").isEqualTo(FileStatus.FAILED);
    }

    @Test
    void withoutAnEngineAnUnfinishedRecordOfAGoneFileIsClosedHere() throws Exception {
        Path deleted = root.resolve("photos/gone.jpg");
        store.putAll(java.util.List.of(record(deleted, FileStatus.UPLOADING)));

        assertThat(failures.close(root)).isEqualTo(1);
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();

        FileRecord closed = store.get(TestIds.id(deleted.toString(), "photos")).orElseThrow();
        assertThat(closed.status()).isEqualTo(FileStatus.IGNORED);
        assertThat(closed.reason()).isEqualTo("deleted locally before it was uploaded");
        assertThat(failures.close(root)).as("nothing left to close").isZero();
    }

    @Test
    void aMissingSiteFolderClosesNothing() throws Exception {
        Path deleted = root.resolve("photos/gone.jpg");
        store.putAll(java.util.List.of(failed(deleted)));
        Files.delete(root); // an unmounted disk: every file looks deleted

        assertThat(failures.close(root)).isZero();
        assertThat(store.get(TestIds.id(deleted.toString(), "photos")).orElseThrow().status()).isEqualTo(FileStatus.FAILED);
    }

    @Test
    void recordsOnManyPagesAreAllClosed() throws Exception {
        java.util.List<FileRecord> many = new java.util.ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            many.add(failed(root.resolve("photos/gone-" + i + ".jpg")));
        }
        store.putAll(many);

        assertThat(failures.close(root)).isEqualTo(2_500);
        assertThat(writer.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(store.list(FileStatus.FAILED, 0, 10)).isEmpty();
    }

    @Test
    void aSiteClosesOnlyTheRecordsOfItsOwnDestination() throws Exception {
        Path deleted = root.resolve("shared/gone.jpg");
        FileRecord mine = failed(deleted);
        FileRecord theOtherSites = FileRecord.pending(TestIds.SOURCE, deleted.toString(), "archive", "x.jpg", 10, 1_000,
                NOW).failed("archive", "x.jpg", 10, 1_000, "access denied", false, NOW);
        store.putAll(java.util.List.of(mine, theOtherSites));

        assertThat(failures.close(root, r -> r.bucket().equals("photos"))).isEqualTo(1);
        assertThat(writer.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(store.get(TestIds.id(deleted.toString(), "photos")).orElseThrow().status())
                .isEqualTo(FileStatus.IGNORED);
        assertThat(store.get(TestIds.id(deleted.toString(), "archive")).orElseThrow().status())
                .as("left to the sweep of the site that sends it to archive").isEqualTo(FileStatus.FAILED);
        assertThat(failures.close(root, r -> r.bucket().equals("archive"))).isEqualTo(1);
    }

    private static FileRecord failed(Path path) {
        return record(path, FileStatus.PENDING).failed("photos", "x.jpg", 10, 1_000, "access denied", false, NOW);
    }

    private static FileRecord record(Path path, FileStatus status) {
        return FileRecord.pending(TestIds.SOURCE, path.toString(), "photos", "x.jpg", 10, 1_000, NOW).withStatus(status, NOW);
    }
}
