package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GET /ready of the daemon process: 503 while the first full sweep has not queued everything, 200 after,
 * while GET /status answers 200 throughout.
 */
class ReadinessIT extends DaemonTestBase {
    private static final Duration READY_DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void notReadyWhileTheFirstSweepCannotQueueEverythingThenReady() throws Exception {
        Path photos = Files.createDirectories(watch.resolve("photos"));
        FerryProcess.shareWithDaemon(photos);
        for (int i = 0; i < 5; i++) {
            Files.writeString(photos.resolve(i + ".jpg"), "photo " + i);
        }
        // With S3 down, one worker and room for one waiting file, the failed files fill the queue and the
        // start-up sweep waits for room: it cannot finish until S3 is back.
        s3.stop();
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("CONCURRENCY", "1");
        env.put("QUEUE_CAPACITY", "1");
        ferry = FerryProcess.start("readiness", env);

        HttpResponse<String> notReady = ferry.get("/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(notReady.body());
        assertThat(body.path("ready").asBoolean()).isFalse();
        assertThat(body.path("firstSweepDone").asBoolean()).isFalse();
        assertThat(body.path("storeReachable").asBoolean()).isTrue();
        // with, once S3 failed it, why (its own test: SiteStartWithoutS3IT)
        assertThat(body.path("missing")).extracting(JsonNode::asText).singleElement().asString()
                .startsWith("the first full sweep has not finished");
        assertThat(ferry.get("/status").statusCode()).as("alive though not ready").isEqualTo(200);
        assertThat(ferry.status().path("ready").asBoolean()).isFalse();

        s3.restart();
        await("ready once S3 is back and the sweep finished").atMost(READY_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> ferry.get("/ready").statusCode() == 200);
        body = JSON.readTree(ferry.get("/ready").body());
        assertThat(body.path("ready").asBoolean()).isTrue();
        assertThat(body.path("firstSweepDone").asBoolean()).isTrue();
        assertThat(body.path("missing").isEmpty()).isTrue();
        await("every file uploaded").atMost(READY_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> s3.listKeys("photos").size() == 5);
    }
}
