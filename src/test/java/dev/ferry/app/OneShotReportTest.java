package dev.ferry.app;

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
    void theJsonDocumentKeepsThePathAsItIs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OneShotReport report = new OneShotReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, "sync");

        report.line("failed: a\nb");
        report.list("failures").addObject().put("path", "a\nb");
        report.finish(1);

        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("failed: a").contains("\"a\\nb\"");
    }
}
