package dev.ferry.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FleetMember;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class MongoFleetRegistryTest {
    private static final Instant AT = Instant.parse("2026-12-06T08:00:00.123Z");

    @Test
    void aMemberSurvivesItsDocumentWithBucketNamesThatHoldDots() {
        FleetMember m = new FleetMember("cam-1", "cam-1.lan", "1.4.0", AT.minusSeconds(60), AT, Duration.ofMillis(1500),
                Optional.of("http://cam-1.lan:5000"), Map.of("scans.eu", new FleetMember.Counts(1, 2, 3, 4)));

        Document d = MongoFleetRegistry.toDocument(m);

        assertThat(d.get("_id")).isEqualTo("cam-1");
        assertThat(d.getList("buckets", Document.class)).singleElement()
                .satisfies(b -> assertThat(b.getString("bucket")).isEqualTo("scans.eu"));
        assertThat(MongoFleetRegistry.fromDocument(d)).isEqualTo(m);
        FleetMember noUrl = MongoFleetRegistry.fromDocument(MongoFleetRegistry.toDocument(
                new FleetMember("b", "h", "1", AT, AT, Duration.ofSeconds(30), Optional.empty(), Map.of())));
        assertThat(noUrl.url()).isEmpty();
        assertThat(noUrl.buckets()).isEmpty();
        assertThat(noUrl.run()).as("an entry of a version that does not name its run").isEmpty();
    }

    @Test
    void theRunThatWroteAnEntrySurvivesItsDocument() {
        FleetMember m = new FleetMember("cam-1", "cam-1.lan", "1.5.0", AT.minusSeconds(60), AT, Duration.ofSeconds(30),
                Optional.empty(), Map.of(), Optional.of(new FleetMember.Run("0123abcd", 4711, false)));

        Document d = MongoFleetRegistry.toDocument(m);

        assertThat(d.getString("run")).isEqualTo("0123abcd");
        assertThat(d.get("pid")).isEqualTo(4711L);
        assertThat(d.getBoolean("stopped")).isFalse();
        assertThat(MongoFleetRegistry.fromDocument(d)).isEqualTo(m);
    }
}
