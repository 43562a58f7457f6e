package dev.ferry.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FileRecord;
import dev.ferry.core.StateStoreException;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.TestIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite state file deleted or replaced while the store has it open: the next write puts it back at its path
 * with every record the open file holds, says so once at ERROR and in {@link SqliteStateStore#notice()}, and a
 * file found in its place is set aside, never deleted.
 */
class SqliteStateFileGoneTest {
    private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");

    @TempDir
    Path tmp;

    private Path file() {
        return tmp.resolve("state/ferry.db");
    }

    private static FileRecord record(String name) {
        return FileRecord.pending(TestIds.SOURCE, "/site/photos/" + name, "photos", name, 10, 1_000, NOW)
                .uploaded("photos", name, 10, 1_000, "", "etag", NOW);
    }

    private void deleteStateFiles() throws IOException {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(tmp.resolve("state/ferry.db" + suffix));
        }
    }

    private List<String> namesInStateFolder() throws IOException {
        try (Stream<Path> files = Files.list(tmp.resolve("state"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFileDeletedWhileOpenIsWrittenAgainAtTheNextWriteWithEveryRecord() throws IOException {
        try (SqliteStateStore store = SqliteStateStore.open(file(), TestIds.INSTANCE)) {
            store.putAll(List.of(record("a.jpg")));
            deleteStateFiles(); // rm ferry.db*

            try (LogCapture logs = LogCapture.of(SqliteStateStore.class.getName())) {
                store.putAll(List.of(record("b.jpg")));
                assertThat(logs.lines()).filteredOn(l -> l.contains("the state file was deleted while Ferry was running"))
                        .hasSize(1);
            }
            assertThat(file()).exists();
            assertThat(store.notice()).hasValueSatisfying(n -> assertThat(n).startsWith("the state file was deleted at ")
                    .contains("written again at ").contains("with its 1 records from the file Ferry had open"));
            store.putAll(List.of(record("c.jpg")));
        }
        try (SqliteStateStore reopened = SqliteStateStore.open(file(), TestIds.INSTANCE)) {
            for (String name : List.of("a.jpg", "b.jpg", "c.jpg")) {
                assertThat(reopened.get(TestIds.id("/site/photos/" + name, "photos"))).as(name).isPresent();
            }
            assertThat(reopened.notice()).isEmpty();
        }
    }

    @Test
    void aFileFoundInItsPlaceIsSetAsideAndTheRecordsPutBack() throws IOException {
        try (SqliteStateStore store = SqliteStateStore.open(file(), TestIds.INSTANCE)) {
            store.putAll(List.of(record("a.jpg")));
            deleteStateFiles();
            Files.writeString(file(), "someone else's file");

            store.putAll(List.of(record("b.jpg")));

            assertThat(store.notice()).hasValueSatisfying(n -> assertThat(n)
                    .startsWith("the state file was replaced by another file at ")
                    .contains("the file found in its place is kept as "));
        }
        List<String> names = namesInStateFolder();
        String aside = names.stream().filter(n -> n.startsWith("ferry.db.replaced-")).findFirst().orElseThrow();
        assertThat(tmp.resolve("state").resolve(aside)).hasContent("someone else's file");
        try (SqliteStateStore reopened = SqliteStateStore.open(file(), TestIds.INSTANCE)) {
            assertThat(reopened.get(TestIds.id("/site/photos/a.jpg", "photos"))).isPresent();
            assertThat(reopened.get(TestIds.id("/site/photos/b.jpg", "photos"))).isPresent();
        }
    }

    @Test
    void untilTheFileCanBeWrittenAgainWritesFailWithTheReasonAndReadsGoOn() throws IOException {
        try (SqliteStateStore store = SqliteStateStore.open(file(), TestIds.INSTANCE)) {
            store.putAll(List.of(record("a.jpg")));
            Files.delete(tmp.resolve("state/ferry.db-wal"));
            Files.delete(tmp.resolve("state/ferry.db-shm"));
            Files.delete(file());
            // what the copy is written to cannot be made: as a full disk or a folder Ferry may not write
            Path blocked = Files.createDirectories(tmp.resolve("state/ferry.db.recovering/in-the-way"));

            assertThatThrownBy(() -> store.putAll(List.of(record("b.jpg")))).isInstanceOf(StateStoreException.class)
                    .hasMessageContaining("the state file was deleted while Ferry ran, and cannot be written again");
            assertThat(store.notice()).hasValueSatisfying(n -> assertThat(n).contains("cannot be written again"));
            assertThat(store.get(TestIds.id("/site/photos/a.jpg", "photos"))).as("read from the open file").isPresent();

            Files.delete(blocked);
            store.putAll(List.of(record("b.jpg")));
            assertThat(store.notice()).hasValueSatisfying(n -> assertThat(n).contains("written again at "));
        }
        try (SqliteStateStore reopened = SqliteStateStore.open(file(), TestIds.INSTANCE)) {
            assertThat(reopened.get(TestIds.id("/site/photos/a.jpg", "photos"))).isPresent();
            assertThat(reopened.get(TestIds.id("/site/photos/b.jpg", "photos"))).isPresent();
        }
    }

    @Test
    void closingAfterTheFileWasDeletedWritesItAgain() throws IOException {
        SqliteStateStore store = SqliteStateStore.open(file(), TestIds.INSTANCE);
        store.putAll(List.of(record("a.jpg")));
        deleteStateFiles();

        store.close();

        try (SqliteStateStore reopened = SqliteStateStore.open(file(), TestIds.INSTANCE)) {
            assertThat(reopened.get(TestIds.id("/site/photos/a.jpg", "photos"))).isPresent();
        }
    }
}
