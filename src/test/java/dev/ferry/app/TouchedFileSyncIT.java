package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code touch} of a file (a new mtime, the same bytes) must not make {@code ferry sync} upload it again: the
 * file's MD5 is compared with the one recorded for what was uploaded, and the new mtime is recorded. A file
 * whose bytes did change at the same size is still uploaded. PUTs are counted on the wire, through a proxy in
 * front of S3Proxy.
 */
class TouchedFileSyncIT {
    @TempDir
    Path tmp;
    Path dir;
    S3ProxyServer s3;
    CountingProxy proxy;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(tmp.resolve("photos"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, dir, state);
        s3 = S3ProxyServer.start();
        proxy = CountingProxy.start(s3.port());
        env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
        env.put("AWS_REGION", s3.region());
        env.put("STATE_DIR", state.toString());
        env.put("SETTLE_TIME", "0");
        env.put("TIMEOUT", "5000");
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        s3.close();
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private FerryProcess sync() {
        FerryProcess p = FerryProcess.run("touch-sync", env, "sync", dir.toString(), "s3://backup/p");
        assertThat(p.exitCode()).as(p.log()).isZero();
        return p;
    }

    private long puts(String name) {
        return proxy.requestHeads().stream().filter(h -> h.startsWith("PUT /backup/p/" + name + " ")).count();
    }

    private static void shiftMtime(Path file, long millis) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + millis));
    }

    @Test
    void aTouchedFileIsNotUploadedAgainAndAChangedOneOfTheSameSizeIs() throws IOException {
        Path touched = write("touched.txt", "the same bytes");
        Path rewritten = write("rewritten.txt", "first version 1");
        sync();
        assertThat(puts("touched.txt")).isEqualTo(1);
        assertThat(puts("rewritten.txt")).isEqualTo(1);

        shiftMtime(touched, 60_000);
        Files.writeString(rewritten, "later version 2", StandardCharsets.UTF_8);
        shiftMtime(rewritten, 60_000);
        FerryProcess dryRun = FerryProcess.run("touch-dry-run", env, "sync", "--dry-run", dir.toString(),
                "s3://backup/p");
        assertThat(dryRun.exitCode()).as(dryRun.log()).isZero();
        assertThat(dryRun.log()).as("the dry run says what the run does: the touched file's content is the one "
                + "uploaded").contains("would upload: s3://backup/p/rewritten.txt")
                .doesNotContain("would upload: s3://backup/p/touched.txt");
        assertThat(puts("rewritten.txt")).isEqualTo(1);
        FerryProcess second = sync();

        assertThat(puts("touched.txt")).as("PUTs of the touched file").isEqualTo(1);
        assertThat(puts("rewritten.txt")).as("PUTs of the rewritten file").isEqualTo(2);
        assertThat(s3.readObject("backup", "p/rewritten.txt")).contains("later version 2");
        assertThat(second.log()).contains("added 0, updated 1, unchanged 1");

        long requestsBefore = proxy.requestHeads().size();
        FerryProcess third = sync();
        assertThat(third.log()).contains("added 0, updated 0, unchanged 2");
        assertThat(puts("touched.txt")).isEqualTo(1);
        assertThat(proxy.requestHeads().subList((int) requestsBefore, proxy.requestHeads().size()))
                .as("the new mtime was recorded: the third run asks S3 nothing about the files")
                .noneMatch(h -> h.startsWith("HEAD ") || h.startsWith("PUT "));
    }
}
