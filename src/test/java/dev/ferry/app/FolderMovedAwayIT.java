package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A folder renamed or moved out of a site with retire_deleted and markers: its objects and its marker leave S3
 * within seconds (the periodic sweep is 15 minutes away), no marker is written for it, and nothing is deleted when
 * the site's folder itself is replaced.
 */
class FolderMovedAwayIT extends DaemonTestBase {
    /** Well under the 15 min periodic sweep that retired them before, with slack for a loaded machine. */
    private static final Duration RETIRED_WITHIN = Duration.ofSeconds(30);

    /** A file in the folder and, already, its object: the start-up sweep finds the folder complete and marks it. */
    private void inBoth(Path site, String relative, String content) throws IOException {
        Path file = site.resolve(relative);
        Files.createDirectories(file.getParent());
        FerryProcess.shareWithDaemon(file.getParent());
        Files.writeString(file, content);
        s3.client().putObject(b -> b.bucket("photos").key("site/" + relative), RequestBody.fromString(content));
    }

    private List<String> keys() {
        return s3.listKeys("photos");
    }

    @Test
    void aFolderMovedAwayIsRetiredWithItsMarkerWithinSecondsAndNoMarkerIsWrittenForIt() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("photos"));
        FerryProcess.shareWithDaemon(site);
        s3.createBucket("photos");
        inBoth(site, "batch/a.jpg", "a");
        inBoth(site, "batch/b.jpg", "b");
        for (int i = 0; i < 5; i++) { // enough that the old folder's three objects are within max_delete_percent
            inBoth(site, "stays/c" + i + ".jpg", "c" + i);
        }
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, """
                sites:
                - local_path: %s
                  bucket: photos
                  bucket_path: site
                  retire_deleted: true
                  markers: true
                """.formatted(site));
        ferry = FerryProcess.start("moved-away", FerryProcess.sitesEnv(state, s3), "--config", config.toString());
        await("the start-up sweep's markers").atMost(DEADLINE).until(() -> keys().containsAll(
                List.of("site/batch/syncd.txt", "site/stays/syncd.txt", "site/syncd.txt")));
        await().atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());

        Files.move(site.resolve("batch"), site.resolve("batch-renamed"));
        long moved = System.nanoTime();
        await("the old folder's objects and marker retired").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> keys().stream().noneMatch(k -> k.startsWith("site/batch/")));
        Duration retired = Duration.ofNanos(System.nanoTime() - moved);
        System.out.printf("the moved folder's objects were retired %d ms after the move%n", retired.toMillis());
        assertThat(retired).isLessThan(RETIRED_WITHIN);
        await().atMost(DEADLINE).until(() -> keys().containsAll(
                List.of("site/batch-renamed/a.jpg", "site/batch-renamed/b.jpg", "site/stays/c0.jpg")));
        assertThat(ferry.log().lines().filter(l -> l.contains("s3://photos/site/batch/syncd.txt: marker written")))
                .as("the marker of the start-up sweep only, none for the folder once it was gone").hasSize(1);

        // the site's folder itself replaced by an empty one: nothing is deleted
        Files.move(site, tmp.resolve("photos.old"));
        Files.createDirectories(site);
        FerryProcess.shareWithDaemon(site);
        await("the replacement seen").atMost(DEADLINE)
                .until(() -> ferry.log().contains("the watched folder was replaced"));
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
                .until(() -> keys().containsAll(List.of("site/batch-renamed/a.jpg", "site/stays/c0.jpg")));
    }
}
