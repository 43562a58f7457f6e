package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@code ferry retry} prints from a daemon's answers, served here over a real socket. */
class RetryCommandTest {
    private FakeDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private List<String> retry(String status) throws Exception {
        daemon = new FakeDaemon(Map.of("/files/retry", "{\"retrying\": 3, \"notRetried\": []}", "/status", status));
        return daemon.run((out, err) -> new RetryCommand(Map.of(), out, err), Optional.of("token"));
    }

    @Test
    void duringAnOutageItSaysTheFilesWaitForTheEndpointNotThatTheyGoNow() throws Exception {
        List<String> lines = retry("""
                {"paused": false, "buckets": {
                  "photos": {"queued": 3, "unreachable": {"endpoint": "http://s3.example:9000", "reason": "refused"}},
                  "scans": {"queued": 0}}}""");

        assertThat(lines).containsExactly("Retrying 3 files now.", "Queued, but the S3 endpoint "
                + "http://s3.example:9000 does not answer: uploads go once it answers ('ferry status' shows the outage).");
    }

    @Test
    void whilePausedItSaysSo() throws Exception {
        assertThat(retry("{\"paused\": true, \"buckets\": {}}")).containsExactly("Retrying 3 files now.",
                "Queued, but uploads are paused: they go once resumed (POST /resume).");
    }

    @Test
    void otherwiseTheyGoNow() throws Exception {
        assertThat(retry("{\"paused\": false, \"buckets\": {\"photos\": {\"queued\": 3}}}"))
                .containsExactly("Retrying 3 files now.");
    }
}
