package dev.ferry.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Destination;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FolderBucketRouterTest {
    private final Router router = new FolderBucketRouter(Path.of("/watch"), new IgnoreRules(List.of("*.swp", "*~", "tmp/**")));

    @Test
    void firstFolderIsTheBucketAndTheRestTheKey() {
        assertThat(router.route(Path.of("/watch/photos/2026/01/a b+c.jpg")))
                .isEqualTo(new RouteDecision.Routed(new Destination("photos", "2026/01/a b+c.jpg")));
    }

    @Test
    void aFileAtTheRootIsRejectedAsIgnored() {
        RouteDecision d = router.route(Path.of("/watch/stray.txt"));
        assertThat(d).isInstanceOf(RouteDecision.Rejected.class);
        RouteDecision.Rejected r = (RouteDecision.Rejected) d;
        assertThat(r.kind()).isEqualTo(RouteDecision.Rejection.ROOT_FILE);
        assertThat(r.failure()).isFalse();
        assertThat(r.reason()).contains("directly under the watch root");
    }

    @Test
    void aNameThatIsNotUtf8IsAFailureOfThatFileAlone() {
        // Latin-1 bytes 'caf\xe9.txt' and 'caf\xe8.txt' both read as "caf\uFFFD.txt": one key for two files
        RouteDecision.Rejected r = (RouteDecision.Rejected) router.route(Path.of("/watch/photos/caf\uFFFD.txt"));
        assertThat(r.kind()).isEqualTo(RouteDecision.Rejection.NAME_NOT_UTF8);
        assertThat(r.failure()).isTrue();
        assertThat(r.kind().fileLevel()).isTrue();
        assertThat(r.reason()).contains("not valid UTF-8").contains("rename");
        assertThat(router.route(Path.of("/watch/photos/café.txt"))).isInstanceOf(RouteDecision.Routed.class);
    }

    @Test
    void anInvalidBucketFolderIsAFailureThatSaysWhy() {
        RouteDecision.Rejected r = (RouteDecision.Rejected) router.route(Path.of("/watch/My Photos/a.jpg"));
        assertThat(r.kind()).isEqualTo(RouteDecision.Rejection.INVALID_BUCKET);
        assertThat(r.failure()).isTrue();
        assertThat(r.reason()).contains("'My Photos'").contains("lowercase");
    }

    @Test
    void temporaryFilesAreSkippedByNameOrRelativePath() {
        assertThat(router.route(Path.of("/watch/bk1/.a.jpg.swp"))).isInstanceOf(RouteDecision.Skipped.class);
        assertThat(router.route(Path.of("/watch/bk1/notes~"))).isInstanceOf(RouteDecision.Skipped.class);
        assertThat(router.route(Path.of("/watch/tmp/x/y"))).isInstanceOf(RouteDecision.Skipped.class);
    }

    @Test
    void aSkippedFileNamesThePatternThatIgnoresIt() {
        assertThat(router.route(Path.of("/watch/bk1/notes~")))
                .isEqualTo(new RouteDecision.Skipped(IgnoreRules.reason("*~")));
        assertThat(router.route(Path.of("/watch/bk1/notes.txt"))).isInstanceOf(RouteDecision.Routed.class);
    }

    @Test
    void overlongKeysAreRejected() {
        String longName = "x".repeat(1025);
        RouteDecision.Rejected r = (RouteDecision.Rejected) router.route(Path.of("/watch/bk1/" + longName));
        assertThat(r.kind()).isEqualTo(RouteDecision.Rejection.KEY_TOO_LONG);
    }

    @Test
    void pathsOutsideTheRootAreSkipped() {
        assertThat(router.route(Path.of("/elsewhere/b1/a"))).isInstanceOf(RouteDecision.Skipped.class);
        assertThat(router.route(Path.of("/watch"))).isInstanceOf(RouteDecision.Skipped.class);
    }
}
