package dev.ferry.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.FerryConfig;
import dev.ferry.core.AfterUpload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** delete_after_upload and move_after_upload reach the daemon's sites, never a one-shot run's. */
class AfterUploadPolicyTest {
    @TempDir
    Path tmp;

    private FerryConfig load(String text) throws IOException {
        Files.createDirectories(tmp.resolve("data/cam1"));
        Files.createDirectories(tmp.resolve("scans"));
        Files.createDirectories(tmp.resolve("state"));
        Path file = Files.writeString(tmp.resolve("s3-ingestor.json"), text);
        return FerryConfig.load(Map.of("HOME", tmp.toString(), "STATE_DIR", tmp.resolve("state").toString(),
                "AWS_ACCESS_KEY_ID", "id", "AWS_SECRET_ACCESS_KEY", "secret"), Map.of(), Optional.of(file));
    }

    @Test
    void theDaemonDeletesOrMovesAndAOneShotRunKeeps() throws IOException {
        FerryConfig config = load("""
                {"s3_bucket": "b-1", "policies": [
                  {"input_file_pattern": "data/cam1/**", "output_key_prefix": "a/", "delete_after_upload": true},
                  {"input_file_pattern": "scans/**/*.jpg", "input_remove_prefix": "scans/", "output_key_prefix": "b/",
                   "move_after_upload": "done"}]}
                """);
        var deleting = config.sites().get(0);
        var moving = config.sites().get(1);

        assertThat(Components.policy(deleting, true).afterUpload()).isEqualTo(new AfterUpload.Delete());
        assertThat(Components.policy(moving, true).afterUpload())
                .isEqualTo(new AfterUpload.MoveTo(tmp.resolve("done"), "scans/", "scans/"));
        assertThat(Components.policy(deleting, false).afterUpload()).isEqualTo(AfterUpload.KEEP);
        assertThat(Components.policy(moving, false).afterUpload()).isEqualTo(AfterUpload.KEEP);
    }
}
