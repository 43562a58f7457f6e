package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@code ferry failed} prints from a daemon's answer, served here over a real socket. */
class FailedCommandTest {
    private FakeDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** A reason too long for the table (its cause is often at its end) is printed whole below it. */
    @Test
    void aReasonTheTableCutsIsPrintedWholeBelowIt() throws Exception {
        String longReason = "photos/" + "n".repeat(120) + ".jpg: upload failed: server error (HTTP 500 InternalError)";
        daemon = new FakeDaemon(Map.of("/files", """
                {"total": 2, "files": [
                  {"path": "/w/photos/long.jpg", "bucket": "photos", "attempts": 3, "reason": "%s"},
                  {"path": "/w/photos/short.jpg", "bucket": "photos", "attempts": 1, "reason": "refused"}]}"""
                .formatted(longReason)));

        List<String> lines = daemon.run((out, err) -> {
            FailedCommand failed = new FailedCommand(Map.of(), out, err);
            failed.limit = 100; // picocli's default, which this test does not parse
            return failed;
        }, Optional.empty());

        assertThat(lines).anyMatch(l -> l.startsWith("/w/photos/long.jpg") && l.endsWith("..."));
        assertThat(lines).containsSubsequence("Reasons in full:", "  /w/photos/long.jpg: " + longReason);
        assertThat(lines).noneMatch(l -> l.startsWith("  /w/photos/short.jpg: "));
        assertThat(lines).as("one table row a file").filteredOn(l -> l.startsWith("/w/photos/long.jpg")).hasSize(1);
    }
}
