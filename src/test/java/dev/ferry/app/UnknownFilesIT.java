package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;
import dev.ferry.testing.CountingProxy;
import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Files the state store does not know are compared with S3 before they are uploaded: by {@code ferry sync}
 * with an empty state folder, by its dry run, and by the daemon's start-up sweep, including the state a seed
 * left behind (seed 000's MongoDB documents, seed 002's bucket with its 5 MiB multipart objects). Every PUT
 * is counted on the wire by a proxy in front of S3Proxy.
 */
class UnknownFilesIT extends DaemonTestBase {
    private static final int MIB = 1024 * 1024;

    private CountingProxy proxy;
    private Map<String, String> env;
    private Path site;

    @BeforeEach
    void startProxy() throws IOException {
        proxy = CountingProxy.start(s3.port());
        site = Files.createDirectories(tmp.resolve("site"));
        FerryProcess.shareWithDaemon(site);
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private Map<String, String> sitesEnv() {
        Map<String, String> e = FerryProcess.sitesEnv(state, s3);
        e.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
        e.put("SETTLE_TIME", "0");
        return e;
    }

    private Path siteConfig(String siteKeys) throws IOException {
        Path config = tmp.resolve("ferry.yml");
        Files.writeString(config, "sites:\n- local_path: " + site + "\n  bucket: backup\n  bucket_path: host1\n"
                + siteKeys.indent(2));
        return config;
    }

    private Path siteFile(String relative, byte[] content) throws IOException {
        Path p = site.resolve(relative);
        Files.createDirectories(p.getParent());
        FerryProcess.shareWithDaemon(p.getParent());
        Files.write(p, content);
        return p;
    }

    private FerryProcess sync(Path config, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync"));
        args.addAll(List.of(extra));
        args.addAll(List.of("--config", config.toString()));
        return FerryProcess.run("sync", env, args.toArray(String[]::new));
    }

    /** Objects whose content the server stored (PUT, completed multipart), counted on the wire so far. */
    private Map<String, Integer> stores() {
        return new HashMap<>(proxy.traffic().stores());
    }

    private Map<String, Integer> storedSince(Map<String, Integer> before) {
        Map<String, Integer> now = stores();
        Map<String, Integer> delta = new HashMap<>();
        now.forEach((k, v) -> {
            int d = v - before.getOrDefault(k, 0);
            if (d > 0) {
                delta.put(k, d);
            }
        });
        return delta;
    }

    private int lists() {
        return proxy.traffic().requests(dev.ferry.testing.S3Request.Operation.LIST);
    }

    private void forgetState() throws IOException {
        try (var files = Files.list(state)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("ferry.db")) {
                    Files.delete(f);
                }
            }
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void syncWithAnEmptyStateFolderUploadsNothingAlreadyInS3AndPutsBackWhatIsMissingOrDifferent() throws IOException {
        env = sitesEnv();
        env.put("MULTIPART_THRESHOLD", "5MiB");
        Path config = siteConfig("");
        siteFile("a.txt", "alpha".getBytes());
        siteFile("sub/b.txt", "bravo".getBytes());
        siteFile("sub/c.txt", "charlie".getBytes());
        siteFile("big.bin", random(6 * MIB + 3, 1)); // multipart: Ferry's md5chksum metadata decides
        FerryProcess first = sync(config);
        assertThat(first.exitCode()).as(first.log()).isZero();
        assertThat(s3.client().headObject(b -> b.bucket("backup").key("host1/big.bin")).eTag()).contains("-");

        forgetState();
        Map<String, Integer> before = stores();
        int listsBefore = lists();
        FerryProcess again = sync(config);
        assertThat(again.exitCode()).as(again.log()).isZero();
        assertThat(storedSince(before)).as("objects stored again").isEmpty();
        assertThat(again.log()).contains("added 0, updated 0").contains("skipped 4");
        // nothing uploaded: the first pass's listing is the answer, no second (verifying) listing
        assertThat(lists() - listsBefore).as("listings of a sync that uploaded nothing").isEqualTo(1);

        // behind Ferry's back: one object deleted, one replaced by other bytes of the same size; state lost again
        s3.client().deleteObject(b -> b.bucket("backup").key("host1/sub/b.txt"));
        s3.client().putObject(b -> b.bucket("backup").key("host1/sub/c.txt"), RequestBody.fromString("CHARLIE"));
        forgetState();
        before = stores();
        listsBefore = lists();
        FerryProcess repair = sync(config);
        assertThat(repair.exitCode()).as(repair.log()).isZero();
        assertThat(storedSince(before)).containsOnlyKeys("backup/host1/sub/b.txt", "backup/host1/sub/c.txt");
        assertThat(lists() - listsBefore).as("listings of a sync that uploaded: compare, then verify").isEqualTo(2);
        assertThat(s3.readObject("backup", "host1/sub/b.txt")).contains("bravo");
        assertThat(s3.readObject("backup", "host1/sub/c.txt")).contains("charlie");

        // with every file recorded, an object deleted in S3 is still put back: sync lists the destination
        s3.client().deleteObject(b -> b.bucket("backup").key("host1/a.txt"));
        before = stores();
        FerryProcess known = sync(config);
        assertThat(known.exitCode()).as(known.log()).isZero();
        assertThat(storedSince(before)).containsOnlyKeys("backup/host1/a.txt");
        assertThat(known.log()).contains("added 1, updated 0, unchanged 3");
    }

    @Test
    void dryRunAsksS3AndFailsClearlyWhenItCannotBeReached() throws IOException {
        env = sitesEnv();
        Path config = siteConfig("");
        siteFile("there.txt", "already in S3".getBytes());
        siteFile("new.txt", "not yet".getBytes());
        s3.createBucket("backup");
        s3.client().putObject(b -> b.bucket("backup").key("host1/there.txt"), RequestBody.fromString("already in S3"));

        FerryProcess dry = sync(config, "--dry-run");
        assertThat(dry.exitCode()).as(dry.log()).isZero();
        assertThat(dry.log()).contains("would upload: s3://backup/host1/new.txt")
                .doesNotContain("would upload: s3://backup/host1/there.txt");

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + closedPort);
        FerryProcess unreachable = sync(config, "--dry-run");
        assertThat(unreachable.exitCode()).as(unreachable.log()).isNotZero();
        assertThat(unreachable.log()).doesNotContain("would upload")
                .containsPattern("failed: backup/host1: http://127\\.0\\.0\\.1:" + closedPort + ".*backup.*cannot list");
    }

    @Test
    void theDaemonsStartUpSweepAsksS3OnlyAboutFilesTheStoreDoesNotKnow() throws Exception {
        env = FerryProcess.baseEnv(watch, state, s3);
        env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
        for (int i = 0; i < 5; i++) {
            write("photos/img" + i + ".jpg", "image " + i);
        }
        ferry = FerryProcess.start("unknown-first", env);
        for (int i = 0; i < 5; i++) {
            awaitObject("photos", "img" + i + ".jpg", "image " + i);
        }
        assertThat(ferry.stop()).isZero();

        // every file recorded: the start-up sweep asks S3 nothing
        int listsBefore = proxy.traffic().requests(dev.ferry.testing.S3Request.Operation.LIST);
        int headsBefore = proxy.traffic().requests(dev.ferry.testing.S3Request.Operation.HEAD_OBJECT);
        ferry = FerryProcess.start("unknown-recorded", env);
        await("ready").atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());
        assertThat(proxy.traffic().requests(dev.ferry.testing.S3Request.Operation.LIST)).isEqualTo(listsBefore);
        assertThat(proxy.traffic().requests(dev.ferry.testing.S3Request.Operation.HEAD_OBJECT))
                .isEqualTo(headsBefore);
        assertThat(ferry.stop()).isZero();

        // the state store lost: the objects already there are recorded, not uploaded; a new file is uploaded
        forgetState();
        write("photos/new.jpg", "a new image");
        Map<String, Integer> before = stores();
        ferry = FerryProcess.start("unknown-lost", env);
        awaitObject("photos", "new.jpg", "a new image");
        await("ready").atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());
        assertThat(ferry.stop()).isZero();
        assertThat(storedSince(before)).containsOnlyKeys("photos/new.jpg");
        assertThat(ferry.log()).contains("6 files the state store does not know: comparing them with s3://photos/ "
                + "(a HEAD each)").contains("5 files already in s3://photos/ recorded without uploading");
        assertThat(record(watch.resolve("photos/img3.jpg"))).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(FileStatus.UPLOADED);
            assertThat(r.checksum()).isNotEmpty();
        });
    }

    @Test
    void aWatchPathTreeCanReconcileBySizeAndMtime() throws Exception {
        env = FerryProcess.baseEnv(watch, state, s3);
        env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
        env.put("RECONCILE", "size-mtime");
        write("docs/kept.txt", "kept");
        write("docs/gone.txt", "deleted in S3 while Ferry was stopped");
        ferry = FerryProcess.start("reconcile-first", env);
        awaitObject("docs", "gone.txt", "deleted in S3 while Ferry was stopped");
        awaitObject("docs", "kept.txt", "kept");
        assertThat(ferry.stop()).isZero();

        s3.client().deleteObject(b -> b.bucket("docs").key("gone.txt"));
        Map<String, Integer> before = stores();
        ferry = FerryProcess.start("reconcile-second", env);
        awaitObject("docs", "gone.txt", "deleted in S3 while Ferry was stopped");
        assertThat(storedSince(before)).containsOnlyKeys("docs/gone.txt");
    }

    @Test
    void seed000sMongoDocumentsAreAdoptedWithoutUploadingAgain() throws Exception {
        MongoServer mongo = new MongoServer(new MemoryBackend());
        String url = "mongodb://127.0.0.1:" + mongo.bind().getPort();
        try (MongoClient raw = MongoClients.create(url)) {
            MongoCollection<Document> seed = raw.getDatabase("imagesync").getCollection("filestatuses");
            MongoCollection<Document> files = raw.getDatabase("imagesync").getCollection("files");
            s3.createBucket("cam1");
            // what seed 000 left: objects put without metadata, and its mongoose model 'FileStatus' (collection
            // filestatuses) upserted by {file: absPath}: {file: absolute path, path: key, bucket, uploaded, reason}
            for (int i = 0; i < 20; i++) {
                Path f = write("cam1/day" + (i % 3) + "/img" + i + ".jpg", "picture number " + i);
                String key = "day" + (i % 3) + "/img" + i + ".jpg";
                String body = i == 7 ? "picture number 7, before it was edited" : "picture number " + i;
                s3.client().putObject(b -> b.bucket("cam1").key(key), RequestBody.fromString(body));
                seed.insertOne(new Document("file", f.toString()).append("path", key)
                        .append("bucket", "cam1").append("uploaded", true).append("reason", null));
            }
            env = FerryProcess.baseEnv(watch, state, s3);
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            env.put("MONGO_URL", url + "/imagesync");
            Map<String, Integer> before = stores();
            ferry = FerryProcess.start("seed000", env);
            // img7 changed after seed 000 uploaded it (which seed 000 never noticed): it is the one uploaded
            awaitObject("cam1", "day1/img7.jpg", "picture number 7");
            await("ready").atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());
            assertThat(ferry.stop()).isZero();
            assertThat(storedSince(before)).containsOnlyKeys("cam1/day1/img7.jpg");
            assertThat(ferry.log()).contains("imported 20 documents of Reach Image Sync (seed 000) from collection "
                    + "filestatuses");
            // the imported records know no version: every file is compared with S3 before it is uploaded
            assertThat(ferry.log()).contains("20 files the state store does not know: comparing them with s3://cam1/ "
                    + "(a listing)");

            // Ferry's record, found as seed 000 looked a file up ({file: absPath}), now in collection files
            String img3 = watch.resolve("cam1/day0/img3.jpg").toString();
            Document adopted = files.find(new Document("file", img3)).first();
            assertThat(adopted).isNotNull();
            assertThat(adopted.getString("path")).isEqualTo(img3);
            assertThat(adopted.get("size")).isEqualTo((long) "picture number 3".length());
            assertThat(adopted.getString("status")).isEqualTo("UPLOADED");
            assertThat(adopted.getString("key")).isEqualTo("day0/img3.jpg");
            assertThat(adopted.getBoolean("uploaded")).isTrue();
            // seed 000's own document keeps its fields, with Ferry's mark
            Document left = seed.find(new Document("file", img3)).first();
            assertThat(left).isNotNull();
            assertThat(left.getString("path")).isEqualTo("day0/img3.jpg");
            assertThat(left.getBoolean("uploaded")).isTrue();
            assertThat(left.containsKey("ferryImported")).isTrue();
            assertThat(left.containsKey("size")).isFalse();
        } finally {
            mongo.shutdownNow();
        }
    }

    @Test
    void seed002sConfigOverTheBucketItFilledUploadsNothingAgain() throws Exception {
        // seed 002's own example site, unchanged but for the folder
        Path config = tmp.resolve("config.yml");
        Files.writeString(config, "upload_workers: 10\nsites:\n- local_path: " + site + "\n"
                + "  bucket: backup-bucket-path2\n  bucket_path: path2\n  exclusions:\n    - \"[Tt]humbs.db\"\n");
        s3.createBucket("backup-bucket-path2");
        Map<String, byte[]> files = new HashMap<>();
        files.put("small.txt", "a small file".getBytes());
        files.put("docs/report.pdf", random(300_000, 2));
        files.put("video/exactly5.bin", random(5 * MIB, 3)); // one 5 MiB part: ETag "...-1"
        files.put("video/clip.bin", random(11 * MIB + 17, 4)); // three parts
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            siteFile(f.getKey(), f.getValue());
            String key = "path2/" + f.getKey();
            if (f.getValue().length >= 5 * MIB) {
                uploadIn5MiBParts("backup-bucket-path2", key, f.getValue());
            } else {
                s3.client().putObject(b -> b.bucket("backup-bucket-path2").key(key),
                        RequestBody.fromBytes(f.getValue()));
            }
        }
        assertThat(s3.client().headObject(b -> b.bucket("backup-bucket-path2").key("path2/video/exactly5.bin"))
                .eTag()).endsWith("-1\"");
        siteFile("new.txt", "written after the move".getBytes());

        env = sitesEnv();
        Map<String, Integer> before = stores();
        ferry = FerryProcess.start("seed002", env, "--config", config.toString());
        await("new.txt uploaded").atMost(DEADLINE).until(
                () -> s3.readObject("backup-bucket-path2", "path2/new.txt").isPresent());
        await("ready").atMost(DEADLINE).until(() -> ferry.status().path("ready").asBoolean());
        assertThat(ferry.stop()).isZero();
        assertThat(storedSince(before)).containsOnlyKeys("backup-bucket-path2/path2/new.txt");
        FileRecord clip = record(site.resolve("video/clip.bin")).orElseThrow();
        assertThat(clip.status()).isEqualTo(FileStatus.UPLOADED);
        assertThat(clip.etag()).endsWith("-3");

        // the same with `ferry sync` and a lost state folder
        forgetState();
        before = stores();
        FerryProcess sync = FerryProcess.run("sync", env, "sync", "--config", config.toString());
        assertThat(sync.exitCode()).as(sync.log()).isZero();
        assertThat(storedSince(before)).isEmpty();
        assertThat(sync.log()).contains("skipped 5");
    }

    private void uploadIn5MiBParts(String bucket, String key, byte[] content) {
        var client = s3.client();
        String id = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        int partSize = 5 * MIB;
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 1, off = 0; off < content.length; n++, off += partSize) {
            int number = n;
            byte[] slice = Arrays.copyOfRange(content, off, Math.min(content.length, off + partSize));
            String etag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number),
                    RequestBody.fromBytes(slice)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id)
                .multipartUpload(m -> m.parts(parts)));
    }
}
