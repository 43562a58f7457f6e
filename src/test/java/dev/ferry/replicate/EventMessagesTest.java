package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The three wrappings of S3 events in SQS, the test event, and what is not an event. */
class EventMessagesTest {

    private static String record(String name, String key, String extra) {
        return """
                {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2","eventTime":"2026-01-01T00:00:00.000Z",
                 "eventName":"%s","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"srcbucket","arn":"arn:aws:s3:::srcbucket"},
                 "object":{"key":"%s"%s}}}""".formatted(name, key, extra);
    }

    @Test
    void aDirectNotificationGivesEveryRecordWithItsKeyDecoded() {
        String body = "{\"Records\":[" + record("ObjectCreated:Put", "srcfolder/my+photo%2B1+%25+%C3%A9t%C3%A9.jpg",
                ",\"size\":1024,\"eTag\":\"d41d8cd98f00b204e9800998ecf8427e\",\"sequencer\":\"0055AED6DCD90281E5\"")
                + "," + record("ObjectRemoved:Delete", "srcfolder/gone.txt", ",\"sequencer\":\"0055AED6DCD90281E6\"")
                + "," + record("ObjectRestore:Completed", "srcfolder/cold.bin", ",\"size\":5") + "]}";

        ParsedMessage m = EventMessages.parse("m-1", body);

        assertThat(m).isInstanceOf(ParsedMessage.Events.class);
        var events = ((ParsedMessage.Events) m).events();
        assertThat(events).hasSize(3);
        S3Event put = events.get(0);
        assertThat(put.kind()).isEqualTo(S3Event.Kind.CREATED);
        assertThat(put.bucket()).isEqualTo("srcbucket");
        assertThat(put.key()).isEqualTo("srcfolder/my photo+1 % été.jpg");
        assertThat(put.size()).isEqualTo(OptionalLong.of(1024));
        assertThat(put.eTag()).contains("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(put.sequencer()).contains("0055AED6DCD90281E5");
        assertThat(events.get(1).kind()).isEqualTo(S3Event.Kind.REMOVED);
        assertThat(events.get(1).size()).isEmpty();
        assertThat(events.get(2).kind()).isEqualTo(S3Event.Kind.OTHER);
        assertThat(m.messageId()).isEqualTo("m-1");
    }

    /** An object a lifecycle rule expired is removed as a deleted one is; a transition to another class is not. */
    @Test
    void aLifecycleExpirationIsARemovalAndATransitionIsNot() {
        String body = "{\"Records\":[" + record("LifecycleExpiration:Delete", "srcfolder/old.txt", "")
                + "," + record("LifecycleExpiration:DeleteMarkerCreated", "srcfolder/versioned.txt", "")
                + "," + record("LifecycleTransition", "srcfolder/cold.txt", "")
                + "," + record("ObjectTagging:Put", "srcfolder/tagged.txt", "") + "]}";

        var events = ((ParsedMessage.Events) EventMessages.parse("m-2", body)).events();

        assertThat(events).extracting(S3Event::kind).containsExactly(S3Event.Kind.REMOVED, S3Event.Kind.REMOVED,
                S3Event.Kind.OTHER, S3Event.Kind.OTHER);
    }

    @Test
    void theSnsEnvelopeIsOpened() {
        String inner = "{\"Records\":[" + record("ObjectCreated:CompleteMultipartUpload", "a+b",
                ",\"size\":\"7\",\"eTag\":\"abc-2\",\"sequencer\":\"01\"") + "]}";
        String body = "{\"Type\":\"Notification\",\"MessageId\":\"sns-1\",\"TopicArn\":\"arn:aws:sns:us-west-2:1:t\","
                + "\"Message\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(inner) + "}";

        ParsedMessage m = EventMessages.parse("m-2", body);

        S3Event e = ((ParsedMessage.Events) m).events().get(0);
        assertThat(e.kind()).isEqualTo(S3Event.Kind.CREATED);
        assertThat(e.key()).isEqualTo("a b");
        assertThat(e.size()).isEqualTo(OptionalLong.of(7));
        assertThat(e.eTag()).contains("abc-2");
    }

    @Test
    void eventBridgeEventsAreReadWithTheirKeyAsIs() {
        String created = """
                {"version":"0","id":"e1","detail-type":"Object Created","source":"aws.s3","account":"1","region":"us-west-2",
                 "detail":{"version":"0","bucket":{"name":"srcbucket"},"object":{"key":"a+b %2B c","size":3,
                 "etag":"900150983cd24fb0d6963f7d28e17f72","sequencer":"00617F08299329D189"},"reason":"PutObject"}}""";
        String deleted = """
                {"version":"0","detail-type":"Object Deleted","source":"aws.s3",
                 "detail":{"bucket":{"name":"srcbucket"},"object":{"key":"x y","sequencer":"00617F0829932A0000"}}}""";

        S3Event c = ((ParsedMessage.Events) EventMessages.parse("e-1", created)).events().get(0);
        S3Event d = ((ParsedMessage.Events) EventMessages.parse("e-2", deleted)).events().get(0);

        assertThat(c.kind()).isEqualTo(S3Event.Kind.CREATED);
        assertThat(c.key()).isEqualTo("a+b %2B c");
        assertThat(c.eTag()).contains("900150983cd24fb0d6963f7d28e17f72");
        assertThat(c.sequencer()).contains("00617F08299329D189");
        assertThat(d.kind()).isEqualTo(S3Event.Kind.REMOVED);
        assertThat(d.key()).isEqualTo("x y");
    }

    @Test
    void theTestEventIsRecognisedDirectAndInAnEnvelope() {
        String test = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-01-01T00:00:00.000Z\","
                + "\"Bucket\":\"srcbucket\",\"RequestId\":\"r\",\"HostId\":\"h\"}";

        assertThat(EventMessages.parse("t-1", test)).isEqualTo(new ParsedMessage.TestEvent("t-1"));
        assertThat(EventMessages.parse("t-2", "{\"Type\":\"Notification\",\"Message\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(test) + "}"))
                .isEqualTo(new ParsedMessage.TestEvent("t-2"));
    }

    @Test
    void whatIsNotAnEventIsAnExplicitResultNamingTheMessage() {
        assertMalformed("bad-1", "not json at all", "is not JSON");
        assertMalformed("bad-2", "[1,2]", "not a JSON object");
        assertMalformed("bad-3", "{\"hello\":1}", "neither an S3 event notification");
        assertMalformed("bad-4", "{\"Records\":[]}", "Records must be a non-empty list");
        assertMalformed("bad-5", "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},"
                + "\"object\":{}}}]}", "Records[1].s3.object.key is missing");
        assertMalformed("bad-6", "{\"Records\":[" + record("ObjectCreated:Put", "bad%zzkey", "") + "]}",
                "is not URL-encoded");
        assertMalformed("bad-7", "{\"Type\":\"Notification\",\"Message\":\"{not json\"}", "is not JSON");
        assertMalformed("bad-8", "{\"Records\":[" + record("ObjectCreated:Put", "k", ",\"size\":-4") + "]}",
                "size is not a size");
        assertMalformed("bad-9", null, "is not a JSON object");
    }

    @Test
    void aMessageWithABadRecordKeepsItsReadableOnes() {
        String body = "{\"Records\":[" + record("ObjectCreated:Put", "srcfolder/a.txt", "")
                + ",{\"eventName\":\"ObjectCreated:Put\"}," + record("ObjectRemoved:Delete", "srcfolder/b.txt", "")
                + "]}";

        ParsedMessage m = EventMessages.parse("m-3", body);

        assertThat(m).isInstanceOfSatisfying(ParsedMessage.Malformed.class, bad -> {
            assertThat(bad.reason()).isEqualTo("message m-3: Records[2].s3.bucket.name is missing");
            assertThat(bad.readable()).extracting(S3Event::key).containsExactly("srcfolder/a.txt", "srcfolder/b.txt");
        });
    }

    private static void assertMalformed(String id, String body, String reason) {
        ParsedMessage m = EventMessages.parse(id, body);
        assertThat(m).isInstanceOf(ParsedMessage.Malformed.class);
        assertThat(((ParsedMessage.Malformed) m).reason()).startsWith("message " + id + ": ").contains(reason);
        assertThat(m.messageId()).isEqualTo(id);
    }
}
