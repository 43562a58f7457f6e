package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.BucketLocation;
import dev.ferry.config.ReplicaDestination;
import dev.ferry.core.FileStatus;
import dev.ferry.core.RecordId;
import dev.ferry.queue.Backoff;
import dev.ferry.sqs.SqsEventQueue;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.ElasticMq;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.ServerSideCopier;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Event mode of one job against real servers over sockets: ElasticMQ in-process as the SQS queue (with a dead-letter
 * queue, maxReceiveCount 1) and an S3Proxy process holding the source and destination buckets. Messages are sent as
 * S3 sends them (keys form-encoded), also inside SNS envelopes; the follower runs with a 2 s visibility timeout so a
 * message left on the queue comes back within the test, and with 1 s long polls.
 */
class EventFollowerIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    static S3ProxyServer s3;
    static ElasticMq elastic;
    static SqsClient sqs;
    static URI sqsEndpoint;
    static final AtomicInteger N = new AtomicInteger();

    final List<AutoCloseable> opened = new ArrayList<>();
    String src;
    String dst;
    URI queue;
    URI dlq;
    S3ObjectStore store;
    InMemoryRecords records;
    JobStats stats;

    @BeforeAll
    static void servers() {
        s3 = S3ProxyServer.start();
        elastic = ElasticMq.start();
        sqsEndpoint = elastic.endpoint();
        sqs = elastic.client();
    }

    @AfterAll
    static void stopServers() {
        if (elastic != null) {
            elastic.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void setUp() {
        int n = N.incrementAndGet();
        src = "esrc" + n;
        dst = "edst" + n;
        s3.createBucket(src);
        s3.createBucket(dst);
        store = S3ObjectStore.create(BucketSourceIT.settings(s3));
        opened.add(store);
        records = new InMemoryRecords();
        newQueue();
    }

    /** A queue with a dead-letter queue that takes a message on its second receive (maxReceiveCount 1). */
    private void newQueue() {
        int n = N.incrementAndGet();
        sqs.createQueue(b -> b.queueName("dlq" + n));
        dlq = urlOf("dlq" + n);
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq.toString())
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        sqs.createQueue(b -> b.queueName("q" + n).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"1\"}")));
        queue = urlOf("q" + n);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private static URI urlOf(String name) {
        return URI.create(sqsEndpoint + "/000000000000/" + name); // ElasticMQ reads the queue's name from the path
    }

    private EventFollower follow(boolean delete) {
        stats = new JobStats("s3://" + src + "/srcfolder/");
        return follow(delete, stats);
    }

    private EventFollower follow(boolean delete, JobStats jobStats) {
        ServerSideCopier copier = ServerSideCopier.create(BucketSourceIT.settings(s3));
        opened.add(copier);
        BucketLocation to = new BucketLocation(dst, "destfolder/", Optional.of(s3.region()),
                Optional.of(s3.endpoint()), true, Optional.of(s3.accessKey()),
                Optional.of(new dev.ferry.config.Secret(s3.secretKey())));
        Replica replica = new Replica(new ReplicaDestination(to, Optional.empty(), Optional.empty(), Optional.empty()),
                store, copier::copy, true);
        BucketSource source = new BucketSource(src, "srcfolder/", Optional.of(s3.endpoint()), store, store::openRange);
        SqsEventQueue client = SqsEventQueue.create(queue, Optional.empty(), Optional.empty(), Optional.of("x"),
                Optional.of("x"));
        EventFollower f = new EventFollower("photos", client, source, List.of(replica), delete, 100,
                Optional.of(records), 4, Clock.systemUTC(), jobStats,
                Backoff.withoutJitter(Duration.ofMillis(100), Duration.ofSeconds(1)), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(1));
        opened.add(f);
        f.start();
        return f;
    }

    private void put(String bucket, String key, String content) {
        s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    private void send(String body) {
        sqs.sendMessage(b -> b.queueUrl(queue.toString()).messageBody(body));
    }

    /** A notification as S3 sends it: the key form-encoded as given. */
    private String event(String name, String encodedKey, String sequencer) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("eventVersion", "2.1").put("eventSource", "aws:s3").put("eventName", name);
        ObjectNode s = r.putObject("s3");
        s.putObject("bucket").put("name", src);
        s.putObject("object").put("key", encodedKey).put("size", 5).put("sequencer", sequencer);
        return root.toString();
    }

    private dev.ferry.core.DaemonStatus.EventStatus events() {
        return stats.snapshot().events().orElseThrow();
    }

    private void awaitAcknowledged(long n) {
        await("acknowledged").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> events().acknowledged() >= n);
    }

    private int onQueue(URI q) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(q.toString()).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Test
    void oneRequestDeletesSeveralMessagesAndNamesThoseTheQueueRefused() {
        for (int i = 0; i < 3; i++) {
            send("{\"n\":" + i + "}");
        }
        try (SqsEventQueue client = SqsEventQueue.create(queue, Optional.empty(), Optional.empty(), Optional.of("x"),
                Optional.of("x"))) {
            List<EventQueueClient.Message> got = new java.util.ArrayList<>();
            await().atMost(DEADLINE).until(() -> {
                got.addAll(client.receive(10, Duration.ofSeconds(1), Duration.ofSeconds(30)));
                return got.size() == 3;
            });
            EventQueueClient.Message stale = new EventQueueClient.Message("stale-id", "no-such-receipt-handle", "{}");

            Map<String, String> refused = client.delete(List.of(got.get(0), got.get(1), got.get(2), stale));

            assertThat(refused).containsOnlyKeys("stale-id");
            assertThat(refused.get("stale-id")).isNotBlank();
            assertThat(onQueue(queue)).isZero();
        }
    }

    @Test
    void aCreatedEventCopiesTheObjectWithThePrefixRemappedRecordsItAndDeletesTheMessage() {
        put(src, "srcfolder/sub/a.txt", "alpha");
        follow(false);

        send(event("ObjectCreated:Put", "srcfolder/sub/a.txt", "0055AED6DCD90281E5"));

        await("copy").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> s3.readObject(dst, "destfolder/sub/a.txt").isPresent());
        assertThat(s3.readObject(dst, "destfolder/sub/a.txt")).hasValue("alpha");
        awaitAcknowledged(1);
        assertThat(onQueue(queue)).isZero();
        assertThat(stats.snapshot().copied()).isEqualTo(1);
        assertThat(stats.snapshot().failed()).isZero();
        assertThat(store.head(dst, "destfolder/sub/a.txt").orElseThrow().metadata())
                .containsEntry(CopyMetadata.SOURCE_SEQUENCER, "0055AED6DCD90281E5");
        assertThat(records.get(new RecordId(BucketSource.idOf(src, "srcfolder/", Optional.of(s3.endpoint())),
                "srcfolder/sub/a.txt", dst))).hasValueSatisfying(r -> {
                    assertThat(r.status()).isEqualTo(FileStatus.UPLOADED);
                    assertThat(r.key()).isEqualTo("destfolder/sub/a.txt");
                });
    }

    @Test
    void aKeyWithASpaceAndAPlusIsDecodedAsS3EncodesIt() {
        put(src, "srcfolder/a b+c.txt", "spaced");
        follow(false);

        send(event("ObjectCreated:Put", "srcfolder/a+b%2Bc.txt", "01"));

        await("copy").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> s3.readObject(dst, "destfolder/a b+c.txt").isPresent());
        assertThat(s3.listKeys(dst)).containsExactly("destfolder/a b+c.txt");
        awaitAcknowledged(1);
    }

    @Test
    void anEventInAnSnsEnvelopeIsCopied() {
        put(src, "srcfolder/sns.txt", "wrapped");
        follow(false);
        ObjectNode envelope = JSON.createObjectNode().put("Type", "Notification").put("MessageId", "m-1")
                .put("TopicArn", "arn:aws:sns:us-west-2:1:t")
                .put("Message", event("ObjectCreated:CompleteMultipartUpload", "srcfolder/sns.txt", "02"));

        send(envelope.toString());

        await("copy").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> s3.readObject(dst, "destfolder/sns.txt").isPresent());
        assertThat(s3.readObject(dst, "destfolder/sns.txt")).hasValue("wrapped");
        awaitAcknowledged(1);
    }

    @Test
    void aTestEventIsDeletedAndIgnoredAndAnObjectAlreadyGoneIsNoFailure() {
        follow(false);

        send("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-01-01T00:00:00.000Z\","
                + "\"Bucket\":\"" + src + "\",\"RequestId\":\"R\",\"HostId\":\"H\"}");
        send(event("ObjectCreated:Put", "srcfolder/never-there.txt", "03"));

        awaitAcknowledged(2);
        assertThat(onQueue(queue)).isZero();
        assertThat(s3.listKeys(dst)).isEmpty();
        assertThat(stats.snapshot().failed()).isZero();
        assertThat(events().skipped()).isEqualTo(1);
    }

    @Test
    void aRemovedEventDeletesOnlyWithDeleteTrueAndOnlyInsideTheDestinationPrefix() {
        put(dst, "destfolder/gone.txt", "copy");
        put(dst, "gone.txt", "outside the destination prefix");
        EventFollower keeping = follow(false);
        send(event("ObjectRemoved:Delete", "srcfolder/gone.txt", "04"));
        awaitAcknowledged(1);
        assertThat(s3.listKeys(dst)).containsExactlyInAnyOrder("destfolder/gone.txt", "gone.txt");
        keeping.close();
        newQueue(); // the closed follower's last long poll may still take the next message of its queue (a receive)

        follow(true);
        send(event("ObjectRemoved:Delete", "srcfolder/gone.txt", "05"));

        await("deleted").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> s3.readObject(dst, "destfolder/gone.txt").isEmpty());
        assertThat(s3.listKeys(dst)).containsExactly("gone.txt");
        awaitAcknowledged(1);
        assertThat(stats.snapshot().deleted()).isEqualTo(1);
    }

    @Test
    void aKeyWithDotSegmentsIsNeitherCopiedNorDeletedOutsideThePrefixesAndItsMessageIsAcknowledged() {
        put(src, "keepme/secret.txt", "outside the source prefix");
        put(dst, "keepme/other.txt", "outside the destination prefix");
        LogCapture log = LogCapture.of(EventApplier.class.getName());
        opened.add(log);
        follow(true);

        // S3Proxy resolves dot segments in the request path: these name keepme/... in each bucket
        send(event("ObjectCreated:Put", "srcfolder/../keepme/secret.txt", "06"));
        send(event("ObjectRemoved:Delete", "srcfolder/./../keepme/other.txt", "07"));
        awaitAcknowledged(2);

        assertThat(s3.listKeys(dst)).containsExactly("keepme/other.txt");
        assertThat(s3.listKeys(src)).containsExactly("keepme/secret.txt");
        assertThat(onQueue(queue)).isZero();
        assertThat(stats.snapshot().copied()).isZero();
        assertThat(stats.snapshot().deleted()).isZero();
        assertThat(stats.snapshot().failed()).isEqualTo(2);
        assertThat(stats.snapshot().lastError()).hasValueSatisfying(e -> assertThat(e).contains("dot segment"));
        assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN")).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("srcfolder/../keepme/secret.txt"))
                .anySatisfy(l -> assertThat(l).contains("srcfolder/./../keepme/other.txt"));
    }

    @Test
    void aQueueThatCannotBeReachedIsTheJobsLastErrorUntilItAnswers() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // nothing listens there once closed
        }
        queue = URI.create("http://127.0.0.1:" + port + "/000000000000/late");
        follow(false);

        await("the last error").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> stats.snapshot().lastError().isPresent());
        assertThat(stats.snapshot().lastError().orElseThrow()).startsWith("cannot receive from the queue " + queue + ": ");
        assertThat(events().receiveFailures()).isPositive();

        ElasticMq late = ElasticMq.onPort(port);
        opened.add(late);
        late.client().createQueue(b -> b.queueName("late"));

        await("cleared once the queue answers").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> stats.snapshot().lastError().isEmpty());
    }

    /**
     * Another failure while the queue is away (a destination a full sync could not list) stays the job's last error:
     * the queue's failures that follow do not overwrite it, and the queue answering again does not clear it.
     */
    @Test
    void aFailureOfSomethingElseWhileTheQueueIsAwayOutlastsTheQueuesRecovery() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        queue = URI.create("http://127.0.0.1:" + port + "/000000000000/later");
        follow(false);
        await("the queue's error").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> stats.snapshot().lastError().isPresent());
        String listing = "s3://far/destfolder/: not compared, a listing failed: credentials refused";
        stats.error(listing); // as FullSync says it
        long failuresThen = events().receiveFailures();
        await("more failures of the queue").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> events().receiveFailures() >= failuresThen + 2);
        assertThat(stats.snapshot().lastError()).contains(listing);

        ElasticMq later = ElasticMq.onPort(port);
        opened.add(later);
        later.client().createQueue(b -> b.queueName("later"));
        later.client().sendMessage(b -> b.queueUrl(later.queueUrl("later").toString()).messageBody(
                "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-01-01T00:00:00.000Z\","
                + "\"Bucket\":\"" + src + "\",\"RequestId\":\"R\",\"HostId\":\"H\"}"));
        awaitAcknowledged(1);

        assertThat(stats.snapshot().lastError()).contains(listing);
    }

    @Test
    void anOlderSequencerArrivingAfterANewerOneNeitherOverwritesNorDeletes() {
        put(src, "srcfolder/k.txt", "newer");
        follow(true);
        send(event("ObjectCreated:Put", "srcfolder/k.txt", "0055AED6DCD90281E6"));
        // acknowledged, not merely visible: the copy is confirmed against the source after it lands, and a source
        // rewritten before that is copied again (its current content, under the newer event's sequencer)
        awaitAcknowledged(1);
        assertThat(s3.readObject(dst, "destfolder/k.txt")).hasValue("newer");
        put(src, "srcfolder/k.txt", "older"); // what a late, older event would bring

        send(event("ObjectCreated:Put", "srcfolder/k.txt", "0055AED6DCD90281E5"));
        awaitAcknowledged(2);
        s3.client().deleteObject(b -> b.bucket(src).key("srcfolder/k.txt"));
        send(event("ObjectRemoved:Delete", "srcfolder/k.txt", "0055AED6DCD90281E4"));
        awaitAcknowledged(3);

        assertThat(s3.readObject(dst, "destfolder/k.txt")).hasValue("newer");
        assertThat(events().skipped()).isEqualTo(2);
        assertThat(stats.snapshot().copied()).isEqualTo(1);
    }

    /**
     * A backlog of a key's rewrites (three writes, then their three events, each announcing its own version): the
     * first event's copy reads the source as it is now, so the later events find that version held and copy nothing
     * again.
     */
    @Test
    void theEventsOfABacklogOfRewritesCopyTheCurrentObjectOnce() throws Exception {
        List<String> versions = List.of("one..", "two..", "three");
        for (String v : versions) {
            put(src, "srcfolder/r.txt", v);
        }
        follow(false);
        for (int i = 0; i < versions.size(); i++) {
            ObjectNode root = (ObjectNode) JSON.readTree(event("ObjectCreated:Put", "srcfolder/r.txt",
                    "0055AED6DCD90281F" + i));
            ((ObjectNode) root.get("Records").get(0).get("s3").get("object")).put("eTag", java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("MD5").digest(versions.get(i).getBytes())));
            send(root.toString());
            awaitAcknowledged(i + 1);
        }

        assertThat(s3.readObject(dst, "destfolder/r.txt")).hasValue("three");
        assertThat(stats.snapshot().copied()).as("one copy of the current object").isEqualTo(1);
        assertThat(events().skipped()).isEqualTo(2);
    }

    @Test
    void aMalformedMessageIsCountedOnceNotDeletedAndReachesTheDeadLetterQueue() {
        EventFollower f = follow(false);
        LogCapture log = LogCapture.of(EventFollower.class.getName());
        opened.add(log);

        send("not json: password=hunter2");

        await("counted").atMost(DEADLINE).pollInterval(Duration.ofMillis(50)).until(() -> events().malformed() == 1);
        await("moved to the dead-letter queue").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> onQueue(dlq) == 1);
        assertThat(events().malformed()).isEqualTo(1);
        String messageId = sqs.receiveMessage(b -> b.queueUrl(dlq.toString())).messages().get(0).messageId();
        assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN")).singleElement().asString()
                .contains(messageId).contains("not JSON").doesNotContain("hunter2");
        assertThat(events().acknowledged()).isZero();
        assertThat(onQueue(queue)).isZero();

        long before = System.nanoTime();
        f.close(); // in a long poll now: closing the client ends it
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
        assertThat(f.stopped()).isTrue();
    }

    /**
     * A message with a malformed record among readable ones: the readable ones are copied all the same, and the
     * message, counted malformed once, goes to the dead-letter queue.
     */
    @Test
    void theReadableRecordsOfAMessageWithABadOneAreCopiedAndItReachesTheDeadLetterQueue() throws Exception {
        put(src, "srcfolder/good.txt", "good!");
        follow(false);
        ObjectNode root = (ObjectNode) JSON.readTree(event("ObjectCreated:Put", "srcfolder/good.txt", "01"));
        ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("Records")).addObject()
                .put("eventName", "ObjectCreated:Put");
        send(root.toString());

        await("copied").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> s3.readObject(dst, "destfolder/good.txt").isPresent());
        await("moved to the dead-letter queue").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> onQueue(dlq) == 1);
        assertThat(s3.readObject(dst, "destfolder/good.txt")).hasValue("good!");
        assertThat(events().malformed()).isEqualTo(1);
        assertThat(stats.snapshot().copied()).isEqualTo(1);
        assertThat(events().acknowledged()).isZero();
    }

    @Test
    void twoFollowersOfOneQueueCopyEachObjectOnceAndLeaveNothingOnTheQueue() {
        int keys = 20;
        for (int i = 0; i < keys; i++) {
            put(src, "srcfolder/k" + i + ".txt", "v" + i);
        }
        JobStats a = new JobStats("a");
        JobStats b = new JobStats("b");
        follow(false, a);
        follow(false, b);

        for (int i = 0; i < keys; i++) {
            send(event("ObjectCreated:Put", "srcfolder/k" + i + ".txt", "1" + i));
        }

        await("all copied").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> s3.listKeys(dst).size() == keys);
        await("all acknowledged").atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() ->
                a.snapshot().events().orElseThrow().acknowledged() + b.snapshot().events().orElseThrow().acknowledged()
                        == keys);
        assertThat(a.snapshot().copied() + b.snapshot().copied()).isEqualTo(keys);
        assertThat(a.snapshot().failed() + b.snapshot().failed()).isZero();
        assertThat(onQueue(queue)).isZero();
        assertThat(s3.readObject(dst, "destfolder/k7.txt")).hasValue("v7");
    }
}
