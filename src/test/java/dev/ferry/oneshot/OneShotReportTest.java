package dev.ferry.oneshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OneShotReportTest {

    @Test
    void aPathWithALineBreakOrEscIsOneVisibleLineEscapedAsInTheLogs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OneShotReport report = new OneShotReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "sync");

        report.line("failed: /srv/site/two\nlines\u001b[31m.txt: permission denied");

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.lines()).containsExactly("failed: /srv/site/two\\nlines\\u001b[31m.txt: permission denied");
    }

    @Test
    void oneFileIsSingular() {
        assertThat(SyncBar.files(1, 1)).isEqualTo("1/1 file");
        assertThat(SyncBar.files(0, 2)).isEqualTo("0/2 files");
        assertThat(OneShotReport.files(0)).isEqualTo("files");
        assertThat(OneShotReport.files(1)).isEqualTo("file");
    }

    @Test
    void theJsonDocumentKeepsThePathAsItIs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OneShotReport report = new OneShotReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "sync");

        report.line("failed: a\nb");
        report.list("failures").addObject().put("path", "a\nb");
        report.finish(1);

        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("failed: a").contains("\"a\\nb\"");
    }

    @Test
    void withoutJsonTheDocumentHoldsNoEntryPerFile() {
        OneShotReport text = new OneShotReport(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), false, "sync");
        OneShotReport json = new OneShotReport(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), true, "sync");
        for (int i = 0; i < 1000; i++) {
            text.list("wouldUpload").addObject().put("path", "/photos/" + i + ".jpg");
            json.list("wouldUpload").addObject().put("path", "/photos/" + i + ".jpg");
        }

        assertThat(text.document.has("wouldUpload")).as("a run without --json keeps nothing per file").isFalse();
        assertThat(json.document.get("wouldUpload").size()).isEqualTo(1000);
    }
}
