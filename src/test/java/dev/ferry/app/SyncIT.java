package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.S3ProxyServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/** {@code ferry sync}, {@code --dry-run} and {@code ferry verify} against a real S3-compatible server. */
class SyncIT {
    @TempDir
    Path tmp;
    Path site;
    Path state;
    Path config;
    S3ProxyServer s3;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        site = Files.createDirectories(tmp.resolve("site"));
        state = Files.createDirectories(tmp.resolve("state"));
        FerryProcess.shareWithDaemon(tmp, site, state);
        s3 = S3ProxyServer.start();
        env = FerryProcess.sitesEnv(state, s3);
        env.put("SETTLE_TIME", "0");
    }

    @AfterEach
    void tearDown() {
        s3.close();
    }

    private void config(String siteKeys) throws IOException {
        config = tmp.resolve("ferry.yml");
        Files.writeString(config, "sites:\n- local_path: " + site + "\n  bucket: backup\n  bucket_path: host1\n"
                + siteKeys.indent(2));
    }

    private Path write(String relative, String content) throws IOException {
        Path p = site.resolve(relative);
        Files.createDirectories(p.getParent());
        FerryProcess.shareWithDaemon(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private FerryProcess ferry(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = config.toString();
        return FerryProcess.run("sync", env, all);
    }

    @Test
    void syncUploadsEverythingThenFindsNothingToDoAndCountsInSeed003Terms() throws IOException {
        config("");
        write("a.txt", "a");
        write("sub/b.txt", "b");
        write("sub/deeper/c.txt", "c");
        FerryProcess first = ferry("sync");
        assertThat(first.exitCode()).as(first.log()).isZero();
        assertThat(first.log()).contains("added 3, updated 0, unchanged 0, skipped 0, ignored 0, failed 0");
        assertThat(s3.listKeys("backup")).containsExactlyInAnyOrder("host1/a.txt", "host1/sub/b.txt",
                "host1/sub/deeper/c.txt");

        write("sub/b.txt", "b, changed");
        FerryProcess second = ferry("sync");
        assertThat(second.exitCode()).isZero();
        assertThat(second.log()).contains("added 0, updated 1, unchanged 2");
        assertThat(s3.readObject("backup", "host1/sub/b.txt")).contains("b, changed");
    }

    @Test
    void aFileThatCannotBeUploadedMakesSyncExitNonZeroAndListsIt() throws IOException {
        config("");
        write("fine.txt", "fine");
        Path locked = write("locked.txt", "locked");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        FerryProcess p = ferry("sync", "--max-attempts", "2");
        assertThat(p.exitCode()).isEqualTo(1);
        assertThat(p.log()).contains("failed: " + locked).contains("failed 1");
        assertThat(s3.readObject("backup", "host1/fine.txt")).contains("fine");
    }

    @Test
    void aFolderThatCannotBeListedMakesSyncAndVerifyExitNonZeroAndNamesIt() throws IOException {
        config("");
        write("fine.txt", "fine");
        write("closed/c.txt", "behind a closed door");
        Path closed = site.resolve("closed");
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
        try {
            FerryProcess p = ferry("sync");
            assertThat(p.exitCode()).as(p.log()).isEqualTo(1);
            assertThat(p.stdout()).contains("failed: " + closed + ": cannot list this folder: permission denied")
                    .contains("failed 1");
            assertThat(s3.readObject("backup", "host1/fine.txt")).contains("fine");

            FerryProcess verify = ferry("verify");
            assertThat(verify.exitCode()).as(verify.log()).isEqualTo(1);
            assertThat(verify.stdout()).contains("cannot verify: " + closed).doesNotContain("verified");
        } finally {
            Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void refusedCredentialsFailTheSyncFast() throws IOException {
        config("access_key: WRONGKEY\nsecret_access_key: wrong-secret-value\n");
        write("a.txt", "a");
        FerryProcess p = ferry("sync", "--max-attempts", "50");
        assertThat(p.exitCode()).isEqualTo(1);
        assertThat(p.log()).containsIgnoringCase("credentials").doesNotContain("wrong-secret-value");
    }

    @Test
    void dryRunPrintsWhatWouldHappenAndChangesNothing() throws IOException {
        // the one object is all the prefix holds: deleting it is 100%, which the guard allows only when told so
        config("retire_deleted: true\nmax_delete_percent: 100\n");
        write("new.txt", "new");
        s3.createBucket("backup");
        s3.client().putObject(b -> b.bucket("backup").key("host1/gone.txt"), RequestBody.fromString("gone"));
        FerryProcess p = ferry("sync", "--dry-run");
        assertThat(p.exitCode()).isZero();
        assertThat(p.log()).contains("would upload: s3://backup/host1/new.txt")
                .contains("would delete: s3://backup/host1/gone.txt");
        assertThat(s3.listKeys("backup")).containsExactly("host1/gone.txt");
    }

    @Test
    void verifyListsAPlantedDifferenceAndWritesNothing() throws IOException {
        config("");
        write("same.txt", "same");
        write("planted.txt", "original");
        assertThat(ferry("sync").exitCode()).isZero();
        s3.client().putObject(b -> b.bucket("backup").key("host1/planted.txt"), RequestBody.fromString("tampered!"));
        s3.client().putObject(b -> b.bucket("backup").key("host1/extra.txt"), RequestBody.fromString("extra"));

        FerryProcess p = ferry("verify");
        assertThat(p.exitCode()).isEqualTo(1);
        assertThat(p.log()).contains("differs: host1/planted.txt").contains("only in S3: host1/extra.txt")
                .doesNotContain("same.txt (");
        assertThat(s3.readObject("backup", "host1/planted.txt")).contains("tampered!");
    }

    @Test
    void checksumModeSkipsAnObjectUploadedIn5MiBPartsByAnotherClientAndCatchesSameSizeChanges() throws IOException {
        config("reconcile: checksum\n");
        byte[] big = new byte[12 * 1024 * 1024 + 7];
        new Random(3).nextBytes(big);
        Path bigFile = site.resolve("big.bin");
        Files.write(bigFile, big);
        write("small.txt", "abcd");
        s3.createBucket("backup");
        uploadIn5MiBParts("host1/big.bin", big);
        String etagBefore = s3.client().headObject(b -> b.bucket("backup").key("host1/big.bin")).eTag();
        assertThat(etagBefore).contains("-3");

        FerryProcess p = ferry("sync");
        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(p.log()).contains("added 1, updated 0").contains("skipped 1");
        assertThat(s3.client().headObject(b -> b.bucket("backup").key("host1/big.bin")).eTag()).isEqualTo(etagBefore);

        // same size, same modification time, other content: only a content comparison sees it
        Path small = site.resolve("small.txt");
        FileTime mtime = Files.getLastModifiedTime(small);
        Files.writeString(small, "wxyz");
        Files.setLastModifiedTime(small, mtime);
        FerryProcess again = ferry("sync");
        assertThat(again.log()).contains("updated 1");
        assertThat(s3.readObject("backup", "host1/small.txt")).contains("wxyz");
    }

    /**
     * S3Proxy keeps no storage class for a multipart upload (the object lists as STANDARD), as a lifecycle rule moves
     * an object out of the class it was uploaded in: Ferry's own upload, asked for in the site's class, is not sent
     * again at every run, and verify agrees with sync.
     */
    @Test
    void anObjectFerryUploadedInTheSitesClassThatTheServerKeepsInAnotherIsNotUploadedAgain() throws IOException {
        config("reconcile: checksum\nstorage_class: STANDARD_IA\n");
        env.put("MULTIPART_THRESHOLD", "5MiB");
        byte[] big = new byte[6 * 1024 * 1024];
        new Random(5).nextBytes(big);
        Files.write(site.resolve("big.bin"), big);
        write("small.txt", "small");

        FerryProcess first = ferry("sync");
        assertThat(first.exitCode()).as(first.log()).isZero();
        assertThat(first.log()).contains("added 2, updated 0");
        var head = s3.client().headObject(b -> b.bucket("backup").key("host1/big.bin"));
        assertThat(head.eTag()).as("a multipart upload").matches(".*-[0-9]+\"?");
        assertThat(head.storageClassAsString()).as("the class S3Proxy keeps for it").isEqualTo("STANDARD");
        assertThat(s3.client().headObject(b -> b.bucket("backup").key("host1/small.txt")).storageClassAsString())
                .isEqualTo("STANDARD_IA");

        FerryProcess second = ferry("sync");
        assertThat(second.exitCode()).as(second.log()).isZero();
        assertThat(second.log()).contains("added 0, updated 0, unchanged 2");
        assertThat(s3.client().headObject(b -> b.bucket("backup").key("host1/big.bin")).eTag())
                .isEqualTo(head.eTag());

        FerryProcess verify = ferry("verify");
        assertThat(verify.exitCode()).as(verify.log()).isZero();

        // the state store lost: the object's own metadata says which class Ferry asked for
        try (var files = Files.list(state)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("ferry.db")).toList()) {
                Files.delete(f);
            }
        }
        FerryProcess lost = ferry("sync");
        assertThat(lost.exitCode()).as(lost.log()).isZero();
        assertThat(lost.log()).contains("added 0, updated 0, unchanged 0, skipped 2"); // in S3 already: recorded
        assertThat(s3.client().headObject(b -> b.bucket("backup").key("host1/big.bin")).eTag())
                .isEqualTo(head.eTag());
    }

    @Test
    void sizeMtimeModeUploadsAChangedFileAndSkipsAnUnchangedOne() throws IOException {
        config("reconcile: size-mtime\n");
        write("keep.txt", "keep");
        Path touched = write("touched.txt", "touched");
        assertThat(ferry("sync").exitCode()).isZero();
        long mtime = Files.getLastModifiedTime(touched).toMillis();
        Files.writeString(touched, "TOUCHED"); // same size, other bytes: a touch alone is compared by content
        Files.setLastModifiedTime(touched, FileTime.fromMillis(mtime - 60_000));
        FerryProcess p = ferry("sync");
        assertThat(p.exitCode()).isZero();
        assertThat(p.log()).contains("updated 1, unchanged 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"size-mtime", "checksum"})
    void anObjectDeletedFromS3BehindFerrysBackIsUploadedAgain(String mode) throws IOException {
        config("reconcile: " + mode + "\n");
        write("kept.txt", "kept");
        write("gone.txt", "deleted from S3 by someone else");
        assertThat(ferry("sync").exitCode()).isZero();
        s3.client().deleteObject(b -> b.bucket("backup").key("host1/gone.txt"));

        FerryProcess p = ferry("sync");

        assertThat(p.exitCode()).as(p.log()).isZero();
        assertThat(s3.readObject("backup", "host1/gone.txt")).contains("deleted from S3 by someone else");
        assertThat(p.log()).contains("added 1, updated 0, unchanged 1");
    }

    @Test
    void retireDeletedDeletesWhatWasDeletedLocallyUnlessTheGuardTrips() throws IOException {
        config("retire_deleted: true\nmax_delete: 2\nexclusions: [\"^kept/\"]\n");
        for (int i = 0; i < 5; i++) {
            write("f" + i + ".txt", "file " + i);
        }
        write("kept/excluded.txt", "excluded");
        assertThat(ferry("sync").exitCode()).isZero();
        s3.client().putObject(b -> b.bucket("backup").key("host1/kept/old.txt"), RequestBody.fromString("old"));
        Files.delete(site.resolve("f0.txt"));
        FerryProcess one = ferry("sync");
        assertThat(one.exitCode()).isZero();
        assertThat(s3.listKeys("backup")).doesNotContain("host1/f0.txt").contains("host1/f1.txt", "host1/kept/old.txt");

        for (int i = 1; i < 5; i++) {
            Files.delete(site.resolve("f" + i + ".txt"));
        }
        FerryProcess guarded = ferry("sync");
        assertThat(guarded.exitCode()).as(guarded.log()).isEqualTo(1); // the mirror is incomplete
        assertThat(guarded.log()).contains("not deleting").contains("max_delete 2");
        assertThat(s3.listKeys("backup")).contains("host1/f1.txt", "host1/f2.txt", "host1/f3.txt", "host1/f4.txt");
    }

    @Test
    void markersAppearOnlyInCompleteFolders() throws IOException {
        config("markers: true\nlocal_markers: true\n");
        write("done/a.txt", "a");
        write("done/inner/b.txt", "b");
        write("broken/ok.txt", "ok");
        Path locked = write("broken/locked.txt", "locked");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        ferry("sync", "--max-attempts", "1");
        assertThat(s3.listKeys("backup")).contains("host1/done/syncd.txt", "host1/done/inner/syncd.txt")
                .doesNotContain("host1/broken/syncd.txt", "host1/syncd.txt");
        assertThat(s3.readObject("backup", "host1/done/syncd.txt")).hasValueSatisfying(
                body -> assertThat(body).startsWith("Synced at: "));
        assertThat(site.resolve("done/syncd.txt")).exists();

        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(ferry("sync").exitCode()).isZero();
        assertThat(s3.listKeys("backup")).contains("host1/broken/syncd.txt", "host1/syncd.txt")
                .as("marker files are never uploaded as data").doesNotContain("host1/done/syncd.txt/syncd.txt");
    }

    @Test
    void verifyWritesNoMarkerEvenWhereOneIsDueAndSyncWritesItAgain() throws IOException {
        config("markers: true\n");
        write("done/a.txt", "a");
        assertThat(ferry("sync").exitCode()).isZero();
        assertThat(s3.listKeys("backup")).contains("host1/done/syncd.txt", "host1/syncd.txt");
        s3.client().deleteObject(b -> b.bucket("backup").key("host1/done/syncd.txt"));

        FerryProcess verify = ferry("verify");

        assertThat(verify.exitCode()).as(verify.log()).isZero();
        assertThat(s3.listKeys("backup")).as("verify is read-only").doesNotContain("host1/done/syncd.txt");
        assertThat(ferry("sync").exitCode()).isZero();
        assertThat(s3.listKeys("backup")).contains("host1/done/syncd.txt");
    }

    private void uploadIn5MiBParts(String key, byte[] content) {
        var client = s3.client();
        String id = client.createMultipartUpload(b -> b.bucket("backup").key(key)).uploadId();
        int partSize = 5 * 1024 * 1024;
        java.util.List<CompletedPart> parts = new java.util.ArrayList<>();
        for (int n = 1, off = 0; off < content.length; n++, off += partSize) {
            int len = Math.min(partSize, content.length - off);
            int number = n;
            byte[] slice = java.util.Arrays.copyOfRange(content, off, off + len);
            String etag = client.uploadPart(b -> b.bucket("backup").key(key).uploadId(id).partNumber(number),
                    RequestBody.fromBytes(slice)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        client.completeMultipartUpload(b -> b.bucket("backup").key(key).uploadId(id)
                .multipartUpload(m -> m.parts(parts)));
    }
}
