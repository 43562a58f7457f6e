package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void columnsAlignNumbersToTheRightAndLongCellsAreCut() {
        String table = new TextTable(TextTable.Column.left("NAME"), TextTable.Column.right("COUNT"),
                TextTable.Column.left("NOTE", 10))
                .row("photos", "1,804", "short")
                .row("a-much-longer-name", "3", "a note that is far too long")
                .render();

        assertThat(table.lines()).containsExactly(
                "NAME                COUNT  NOTE",
                "photos              1,804  short",
                "a-much-longer-name      3  a note ...");
    }

    @Test
    void lineBreaksInAFileNameStayOnOneLine() {
        String table = new TextTable(TextTable.Column.left("PATH")).row("odd\nname").render();

        assertThat(table.lines()).containsExactly("PATH", "odd\\nname");
    }

    @Test
    void sizesAndTimesReadAsAPersonSaysThem() {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        assertThat(Formats.bytes(512)).isEqualTo("512 B");
        assertThat(Formats.bytes(5L << 30)).isEqualTo("5.0 GiB");
        assertThat(Formats.bytes(912L << 20)).isEqualTo("912 MiB");
        assertThat(Formats.count(1804)).isEqualTo("1,804");
        assertThat(Formats.duration(Duration.ofSeconds(7530))).isEqualTo("2h 5m");
        assertThat(Formats.ago("2026-01-01T11:59:48Z", now)).isEqualTo("12s ago");
        assertThat(Formats.ago(null, now)).isEqualTo("never");
    }

    @Test
    void theLastErrorNamesTheFileUnderTheWatchedFolderOnce() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        var upload = json.readTree("{\"problem\":null,\"lastError\":{\"path\":\"/srv/w/scans/x.pdf\","
                + "\"reason\":\"scans/x.pdf: cannot read file: permission denied\",\"at\":\"2026-01-01T11:59:58Z\"}}");
        var other = json.readTree("{\"problem\":null,\"lastError\":{\"path\":\"/srv/w/scans/y.pdf\","
                + "\"reason\":\"state store unreachable\",\"at\":\"2026-01-01T11:59:00Z\"}}");
        var problem = json.readTree("{\"problem\":\"not a valid S3 bucket name\",\"lastError\":null}");

        assertThat(StatusCommand.lastError(upload, "/srv/w", now))
                .isEqualTo("scans/x.pdf: cannot read file: permission denied (2s ago)");
        assertThat(StatusCommand.lastError(other, "/srv/w/", now)).isEqualTo("scans/y.pdf: state store unreachable (1m 0s ago)");
        assertThat(StatusCommand.lastError(problem, "/srv/w", now)).isEqualTo("not a valid S3 bucket name");
        var long403 = json.readTree("{\"problem\":\"uploads to bucket 'scans' are refused: access denied, check that "
                + "the bucket policy and the permissions of the credentials allow s3:PutObject (x)\",\"lastError\":null}");
        assertThat(StatusCommand.lastError(long403, "/srv/w", now)).as("cut to the column, as every error")
                .hasSizeLessThanOrEqualTo(StatusCommand.LAST_ERROR_WIDTH).startsWith("uploads to bucket 'scans' are");
    }

    @Test
    void anUnreachableEndpointIsWhatTheBucketShowsWhileItLasts() throws Exception {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        var down = new ObjectMapper().readTree("{\"problem\":null,\"lastError\":{\"path\":\"/srv/w/scans/x.pdf\","
                + "\"reason\":\"scans/x.pdf: upload failed: network error\",\"at\":\"2026-01-01T11:59:58Z\"},"
                + "\"unreachable\":{\"endpoint\":\"http://s3:9000\",\"since\":\"2026-01-01T11:58:55Z\","
                + "\"reason\":\"refused\",\"probes\":7,\"lastProbe\":\"2026-01-01T11:59:59Z\","
                + "\"nextProbe\":\"2026-01-01T12:00:03Z\"}}");

        assertThat(StatusCommand.lastError(down, "/srv/w", now))
                .isEqualTo("endpoint http://s3:9000 unreachable for 1m 5s (7 probes failed, next in 3s)");
    }
}
