package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SQLite state file deleted while the daemon runs ({@code rm ferry.db*}): the daemon says so at ERROR and in
 * /status, writes its records to the path again, and a start after a kill -9 finds every record: nothing is
 * uploaded again and no file looks unknown.
 */
class StateFileDeletedIT extends DaemonTestBase {

    private boolean uploaded(Path file) {
        return record(file).map(FileRecord::status).orElse(null) == FileStatus.UPLOADED;
    }

    @Test
    void theDeletedStateFileIsWrittenAgainAndARestartAfterAKillFindsEveryRecord() throws Exception {
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        ferry = FerryProcess.start("state-file-deleted", env);
        Path before = write("photos/before.txt", "uploaded before the state file was deleted");
        awaitObject("photos", "before.txt", "uploaded before the state file was deleted");
        await().atMost(DEADLINE).until(() -> uploaded(before));

        for (String name : List.of("ferry.db", "ferry.db-wal", "ferry.db-shm")) {
            Files.deleteIfExists(state.resolve(name));
        }
        Path after = write("photos/after.txt", "uploaded after it was deleted");
        awaitObject("photos", "after.txt", "uploaded after it was deleted");

        await("the state file written again").atMost(DEADLINE)
                .until(() -> ferry.log().contains("ferry.db: written again with its"));
        assertThat(ferry.log()).contains("ERROR").contains(state.resolve("ferry.db")
                + ": the state file was deleted while Ferry was running");
        assertThat(ferry.status().path("store").path("notice").asText())
                .startsWith("the state file was deleted at ").contains("written again at ");
        await("both records in the file at the path").atMost(DEADLINE)
                .until(() -> uploaded(before) && uploaded(after));

        ferry.kill9();
        ferry.close();
        ferry = FerryProcess.start("state-file-deleted-restart", env);
        await().atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean()
                && ferry.total("queued") == 0 && ferry.total("inFlight") == 0);
        assertThat(ferry.log()).as("every file known: nothing uploaded or checked again")
                .doesNotContainPattern(": uploaded \\d+ bytes").doesNotContain("the state store does not know");
        assertThat(ferry.status().path("store").path("notice").isNull()
                || ferry.status().path("store").path("notice").isMissingNode()).isTrue();
    }
}
