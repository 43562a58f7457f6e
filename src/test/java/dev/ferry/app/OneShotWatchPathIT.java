package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry sync} and {@code ferry verify} on a watch_path tree (a bucket per first-level folder) against a
 * real S3-compatible server: what the tree holds that cannot be uploaded is reported as the daemon records it.
 */
class OneShotWatchPathIT {
    /** 1214 bytes of key under the bucket: over S3's 1024, in folders short enough for the file system. */
    private static final String LONG_KEY = ("d".repeat(200) + "/").repeat(6) + "long.txt";

    @TempDir
    Path tmp;
    Path watch;
    Path state;
    S3ProxyServer s3;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        watch = Files.createDirectories(tmp.resolve("watch"));
        state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, watch, state);
        s3 = S3ProxyServer.start();
        env = FerryProcess.baseEnv(watch, state, s3);
        env.put("SETTLE_TIME", "0");
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    private Path write(String relative, String content) throws IOException {
        Path p = watch.resolve(relative);
        for (Path dir = p.getParent(); !dir.equals(watch); dir = dir.getParent()) {
            Files.createDirectories(dir);
            FerryProcess.shareWithDaemon(dir);
        }
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private FerryProcess ferry(String command, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return FerryProcess.run(command, env, all);
    }

    @Test
    void syncCountsAndListsInvalidBucketFoldersAndTooLongKeysAsFailedAndRootFilesAsIgnored() throws IOException {
        write("photos/fine.txt", "fine");
        Path badCase = write("My_Bucket/a.txt", "a");
        Path tooShort = write("ab/b.txt", "b");
        Path longKey = write("photos/" + LONG_KEY, "long");
        Path rootFile = write("loose.txt", "loose");
        assertThat(LONG_KEY.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(1024);

        FerryProcess p = ferry("sync");

        assertThat(p.exitCode()).as(p.log()).isEqualTo(1);
        assertThat(p.log())
                .contains("failed: " + badCase + ": folder 'My_Bucket' is not a valid S3 bucket name")
                .contains("failed: " + tooShort + ": folder 'ab' is not a valid S3 bucket name")
                .contains("failed: " + longKey + ": key too long")
                .contains("ignored: " + rootFile + " (file directly under the watch root")
                .doesNotContain("ignored: " + longKey)
                .contains("added 1, updated 0, unchanged 0, skipped 0, ignored 1, failed 3");
        assertThat(p.log().split("failed: " + longKey, -1)).as("listed once").hasSize(2);
        assertThat(s3.listKeys("photos")).containsExactly("fine.txt");
    }

    @Test
    void verifyFailsOnInvalidBucketFoldersAndTooLongKeys() throws IOException {
        write("photos/fine.txt", "fine");
        assertThat(ferry("sync").exitCode()).isZero();
        Path badCase = write("My_Bucket/a.txt", "a");
        Path tooShort = write("ab/b.txt", "b");
        Path longKey = write("photos/" + LONG_KEY, "long");

        FerryProcess p = ferry("verify");

        assertThat(p.exitCode()).as(p.log()).isEqualTo(1);
        assertThat(p.log())
                .contains("My_Bucket: cannot be uploaded: " + badCase + ": folder 'My_Bucket' is not a valid")
                .contains("ab: cannot be uploaded: " + tooShort + ": folder 'ab' is not a valid")
                .contains("photos: cannot be uploaded: " + longKey + ": key too long")
                .contains("3 files are not in S3 as they are locally")
                .doesNotContain("verified: every file is in S3");
    }

    @Test
    void aFileThatFailsToUploadIsCountedAsFailedOnlyNotAsAdded() throws IOException {
        env.put("AWS_SECRET", "not-the-secret-of-this-server");
        write("photos/a.txt", "a");

        FerryProcess first = ferry("sync", "--max-attempts", "2");
        assertThat(first.exitCode()).as(first.log()).isEqualTo(1);
        assertThat(first.log()).contains("added 0, updated 0, unchanged 0, skipped 0, ignored 0, failed 1");

        FerryProcess again = ferry("sync", "--max-attempts", "2"); // the state store now holds a FAILED record
        assertThat(again.exitCode()).as(again.log()).isEqualTo(1);
        assertThat(again.log()).contains("added 0, updated 0, unchanged 0, skipped 0, ignored 0, failed 1");
    }
}
