package dev.ferry.testing;

import static org.awaitility.Awaitility.await;

import dev.ferry.core.FileRecord;
import dev.ferry.state.SqliteStateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every end-to-end test of the daemon needs: a watched folder and a state folder the daemon (run as
 * {@code nobody} under root) can use, a real S3-compatible server, and the daemon process started by the
 * test, closed after it.
 */
public abstract class DaemonTestBase {
    protected static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    protected Path tmp;
    protected Path watch;
    protected Path state;
    protected S3ProxyServer s3;
    protected FerryProcess ferry;

    @BeforeEach
    void startServer() throws IOException {
        watch = Files.createDirectories(tmp.resolve("watch"));
        state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, watch, state);
        s3 = S3ProxyServer.start();
    }

    @AfterEach
    void stopAll() {
        if (ferry != null) {
            ferry.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    /** Writes a file under the watched folder (creating its folders, usable by the daemon). */
    protected Path write(String relative, String content) throws IOException {
        Path file = watch.resolve(relative);
        Files.createDirectories(file.getParent());
        FerryProcess.shareWithDaemon(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** Waits until the object holds exactly this content. */
    protected void awaitObject(String bucket, String key, String content) {
        await(bucket + "/" + key + " to hold its content").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> s3.readObject(bucket, key).filter(content::equals).isPresent());
    }

    /** What the daemon's SQLite state store says about a file now. */
    protected Optional<FileRecord> record(Path file) {
        try (SqliteStateStore store = SqliteStateStore.open(state.resolve("ferry.db"))) {
            // the daemon's instance is this host's, as the store's opened here
            return store.recordsOf(store.instance().value(), file.toString()).stream().findFirst();
        }
    }
}
