package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.RemoteEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The pure parts of listing and deleting: mapping SDK answers to core records. */
class ListingAndDeletesTest {

    @Test
    void listedObjectsBecomeEntriesWithoutQuotesAndWithADefaultStorageClass() {
        Instant when = Instant.parse("2024-05-06T07:08:09Z");
        S3Object plain = S3Object.builder().key("a/b.txt").size(12L).eTag("\"0f343b0931126a20f133d67c2b018a3b\"")
                .lastModified(when).build();
        S3Object cold = plain.toBuilder().storageClass("GLACIER").eTag("\"abc-3\"").build();

        assertThat(ObjectListing.entry(plain))
                .isEqualTo(new RemoteEntry("a/b.txt", 12, "0f343b0931126a20f133d67c2b018a3b", when, "STANDARD"));
        assertThat(ObjectListing.entry(cold).storageClass()).isEqualTo("GLACIER");
        assertThat(ObjectListing.entry(cold).etag()).isEqualTo("abc-3");
    }

    @Test
    void onlyEmptyKeysEndingInASlashAreFolderPlaceholders() {
        assertThat(ObjectListing.isFolderPlaceholder(S3Object.builder().key("dir/").size(0L).build())).isTrue();
        assertThat(ObjectListing.isFolderPlaceholder(S3Object.builder().key("dir/").build())).isTrue();
        assertThat(ObjectListing.isFolderPlaceholder(S3Object.builder().key("dir/").size(3L).build())).isFalse();
        assertThat(ObjectListing.isFolderPlaceholder(S3Object.builder().key("dir/a").size(0L).build())).isFalse();
    }

    @Test
    void keysWithCharactersXmlCannotCarryAreToldApart() {
        assertThat(ObjectDeleter.xmlWritable("a b+c%2B/é\u0301 \uD83D\uDE00 tab\t line\n cr\r \uFFFD")).isTrue();
        assertThat(ObjectDeleter.xmlWritable("bell\u0007")).isFalse();
        assertThat(ObjectDeleter.xmlWritable("escape\u001b")).isFalse();
        assertThat(ObjectDeleter.xmlWritable("not a character \uFFFE")).isFalse();
    }

    @Test
    void aListingPageIsAskedForAgainOnlyWhenItsXmlCouldNotBeRead() {
        RuntimeException unreadable = new RuntimeException("Could not parse XML response.",
                new javax.xml.stream.XMLStreamException("ParseError at [row,col]:[1,1213]"));

        assertThat(ObjectListing.unparsable(unreadable)).isTrue();
        assertThat(ObjectListing.unparsable(new RuntimeException("Connection refused"))).isFalse();
    }

    @Test
    void perKeyDeleteErrorsBecomeFailuresWithCodeAndMessage() {
        Failures failures = new Failures(List.of("topsecretvalue"));
        List<S3Error> errors = List.of(
                S3Error.builder().key("a.txt").code("AccessDenied").message("Access Denied").build(),
                S3Error.builder().key("b.txt").code("InternalError").build(),
                S3Error.builder().key("c.txt").message("leaked topsecretvalue").build());

        assertThat(ObjectDeleter.refusals(errors, failures)).containsExactly(
                new DeleteFailure("a.txt", "AccessDenied: Access Denied"),
                new DeleteFailure("b.txt", "InternalError"),
                new DeleteFailure("c.txt", "refused: leaked ***"));
    }
}
