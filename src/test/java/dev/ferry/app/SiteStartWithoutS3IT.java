package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A site whose start-up sweep S3 fails (not reachable at start, or a marker's bucket that does not exist yet): the
 * sweep runs again on its own, and the files that were there before the start arrive within seconds of S3's return,
 * not at the next periodic sweep.
 */
class SiteStartWithoutS3IT extends DaemonTestBase {
    /**
     * The sweep runs again at most 4 s after S3 answers; then its listing, the settle time, the bucket's creation and
     * the uploads, which take seconds each on a loaded machine. Without the retry, the next periodic sweep (15 min).
     */
    private static final Duration ARRIVED_WITHIN = Duration.ofSeconds(25);

    private Path site(String name) throws IOException {
        Path p = Files.createDirectories(tmp.resolve(name));
        FerryProcess.shareWithDaemon(p);
        return p;
    }

    private Path config(Path site, String bucket) throws IOException {
        Path file = tmp.resolve("config.yml");
        Files.writeString(file, """
                sites:
                - local_path: %s
                  bucket: %s
                  bucket_path: site
                  markers: true
                """.formatted(site, bucket));
        return file;
    }

    @Test
    void filesThereBeforeAStartWithoutS3ArriveWithinSecondsOfItsReturnAndTheDaemonTurnsReady() throws Exception {
        Path photos = site("photos");
        for (int i = 0; i < 3; i++) {
            Path sub = Files.createDirectories(photos.resolve("batch"));
            FerryProcess.shareWithDaemon(sub);
            Files.writeString(sub.resolve(i + ".jpg"), "before the start " + i);
        }
        s3.stop();
        ferry = FerryProcess.start("no-s3-at-start", FerryProcess.sitesEnv(state, s3), "--config",
                config(photos, "photos").toString());
        await("the sweep's retry announced").atMost(DEADLINE).until(() -> ferry.log().contains("runs again in"));
        assertThat(ferry.get("/ready").statusCode()).isEqualTo(503);
        // failing again and again while S3 is away, quietly
        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(15)).until(() -> !ferry.status()
                .path("ready").asBoolean());

        s3.restart();
        long back = System.nanoTime();
        await("the files of before the start").atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (int i = 0; i < 3; i++) {
                if (s3.readObject("photos", "site/batch/" + i + ".jpg").filter(("before the start " + i)::equals)
                        .isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        Duration arrived = Duration.ofNanos(System.nanoTime() - back);
        System.out.printf("the files of before the start arrived %d ms after S3 answered%n", arrived.toMillis());
        assertThat(arrived).isLessThan(ARRIVED_WITHIN);
        await("ready after the first complete sweep").atMost(DEADLINE)
                .until(() -> ferry.get("/ready").statusCode() == 200);

        String log = ferry.log();
        assertThat(log.lines().filter(l -> l.contains("WARN") && l.contains("full sweep could not finish")))
                .as("one warning for the outage, not one per attempt").hasSize(1);
        assertThat(log).doesNotContain("a folder sweep failed").doesNotContain("\tat dev.ferry");
    }

    @Test
    void aLostStateStoreWithS3AwayAtStartUploadsNothingS3HoldsOnceItAnswers() throws Exception {
        // a new machine, or a lost state folder, and a network not up yet at boot: the files the state store does
        // not know wait for S3 to say whether it holds them, instead of going up blind once it answers
        s3.createBucket("photos");
        for (int i = 0; i < 3; i++) {
            write("photos/" + i + ".jpg", "in S3 already " + i);
            String key = i + ".jpg";
            s3.client().putObject(b -> b.bucket("photos").key(key),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("in S3 already " + i));
        }
        write("photos/new.jpg", "not in S3");
        s3.stop();
        ferry = FerryProcess.start("lost-state-no-s3", FerryProcess.baseEnv(watch, state, s3));
        await("the sweep's retry announced").atMost(DEADLINE).until(() -> ferry.log().contains("runs again in"));
        // what it waits for is in /status and /ready, not in the log alone
        await("the sweep's failure in /status").atMost(DEADLINE)
                .until(() -> ferry.status().path("watcher").path("lastError").isTextual());
        assertThat(ferry.status().path("watcher").path("lastError").asText())
                .startsWith(watch + ": full sweep could not finish, S3 failed it (");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(ferry.get("/ready").body()).path("missing").get(0).asText())
                .startsWith("the first full sweep has not finished (" + watch + ": full sweep could not finish");

        s3.restart();
        await("the new file").atMost(DEADLINE).until(() -> s3.readObject("photos", "new.jpg").isPresent());
        await("ready after the first complete sweep").atMost(DEADLINE)
                .until(() -> ferry.get("/ready").statusCode() == 200);

        String log = ferry.log();
        assertThat(log).contains("3 files already in s3://photos/ recorded without uploading");
        for (int i = 0; i < 3; i++) {
            assertThat(log).as("not sent again").doesNotContain("photos/" + i + ".jpg: uploaded");
        }
        assertThat(log).doesNotContain("cannot ask s3://photos/ about the files");
        assertThat(ferry.status().path("watcher").path("lastError").isMissingNode()
                || ferry.status().path("watcher").path("lastError").isNull()).as("cleared").isTrue();
    }

    @Test
    void anEmptySiteWhoseBucketDoesNotExistYetGetsItsBucketAndItsMarker() throws Exception {
        Path empty = site("empty");
        ferry = FerryProcess.start("empty-site", FerryProcess.sitesEnv(state, s3), "--config",
                config(empty, "not-yet").toString());
        await("the marker, in a bucket created for it").atMost(DEADLINE)
                .until(() -> s3.listKeys("not-yet").contains("site/syncd.txt"));
        await().atMost(DEADLINE).until(() -> ferry.get("/ready").statusCode() == 200);
        assertThat(ferry.log()).doesNotContain("a folder sweep failed").doesNotContain("marker not written");
    }
}
