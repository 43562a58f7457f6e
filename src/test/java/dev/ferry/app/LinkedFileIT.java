package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A symbolic link's object carries its target's content, and every name of a hard-linked file is that file: when
 * the target (in the watched tree) is rewritten, or the file through one of its names, the other objects follow at
 * once, not at the next full sweep (none runs in this test).
 */
class LinkedFileIT extends DaemonTestBase {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void theObjectOfALinkFollowsARewriteOfItsTarget() throws Exception {
        Path docs = Files.createDirectories(watch.resolve("docs"));
        FerryProcess.shareWithDaemon(docs);
        Path target = Files.writeString(docs.resolve("report-2026.txt"), "first draft");
        Files.createSymbolicLink(docs.resolve("latest.txt"), target.getFileName());
        ferry = startWithoutSweeps("linked");

        await("both objects with the first content").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> s3.readObject("docs", "latest.txt").equals(Optional.of("first draft"))
                        && s3.readObject("docs", "report-2026.txt").equals(Optional.of("first draft")));

        Files.writeString(target, "final version, longer than the draft");
        await("the link's object follows its target").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> s3.readObject("docs", "latest.txt")
                        .equals(Optional.of("final version, longer than the draft")));
        assertThat(s3.readObject("docs", "report-2026.txt")).contains("final version, longer than the draft");

        Path other = Files.writeString(docs.resolve("report-2027.txt"), "next year");
        Files.delete(docs.resolve("latest.txt"));
        Files.createSymbolicLink(docs.resolve("latest.txt"), other.getFileName());
        await("a retargeted link carries its new target").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> s3.readObject("docs", "latest.txt").equals(Optional.of("next year")));
        Files.writeString(target, "an old report changed again");
        Files.writeString(other, "next year, revised");
        await("only the new target moves the link").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> s3.readObject("docs", "latest.txt").equals(Optional.of("next year, revised")));
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> s3.readObject("docs", "report-2026.txt")
                        .equals(Optional.of("an old report changed again")));
        assertThat(s3.readObject("docs", "latest.txt")).contains("next year, revised");
    }

    @Test
    void theObjectOfAHardLinkFollowsAChangeMadeThroughItsOtherName() throws Exception {
        Path docs = Files.createDirectories(watch.resolve("docs"));
        FerryProcess.shareWithDaemon(docs);
        ferry = startWithoutSweeps("hard-linked");
        await("ready").atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> ferry.status().path("ready").asBoolean());

        Path first = Files.writeString(docs.resolve("h1.txt"), "hl-one");
        Files.createLink(docs.resolve("h2.txt"), first);
        await("both names with the first content").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> s3.readObject("docs", "h1.txt").equals(Optional.of("hl-one"))
                        && s3.readObject("docs", "h2.txt").equals(Optional.of("hl-one")));

        Files.writeString(first, "hl-one, and more written through h1");
        await("the other name's object follows").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> s3.readObject("docs", "h2.txt")
                        .equals(Optional.of("hl-one, and more written through h1")));
        assertThat(s3.readObject("docs", "h1.txt")).contains("hl-one, and more written through h1");
    }

    /** The daemon with no periodic full sweep: only the watcher can carry a change. */
    private FerryProcess startWithoutSweeps(String name) {
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        env.put("SWEEP_INTERVAL", "0");
        return FerryProcess.start(name, env);
    }
}
