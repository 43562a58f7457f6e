package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;

class EscapedMessageConverterTest {

    @Test
    void everyControlCharacterIsWrittenVisiblyAndABackslashCannotForgeOne() {
        assertThat(EscapedMessageConverter.escape("photos/cr\rFAKE.txt")).isEqualTo("photos/cr\\rFAKE.txt");
        assertThat(EscapedMessageConverter.escape("a\nb")).isEqualTo("a\\nb");
        assertThat(EscapedMessageConverter.escape("a\\nb")).as("a backslash and an n, not a line break")
                .isEqualTo("a\\\\nb");
        assertThat(EscapedMessageConverter.escape("tab\there")).isEqualTo("tab\\there");
        assertThat(EscapedMessageConverter.escape("\u001b[31mred")).isEqualTo("\\u001b[31mred");
        assertThat(EscapedMessageConverter.escape("\u0000\u0001\u001f\u007f\u0085\u2028\u2029"))
                .isEqualTo("\\u0000\\u0001\\u001f\\u007f\\u0085\\u2028\\u2029");
    }

    @Test
    void aMessageWithoutThemIsReturnedAsItIsAndOtherTextStays() {
        String plain = "photos/2026/été/a b.jpg: uploaded 51200 bytes in 84 ms \u00a0\u2027\u202a";

        assertThat(EscapedMessageConverter.escape(plain)).isSameAs(plain);
        assertThat(EscapedMessageConverter.escape("été\n😀")).isEqualTo("été\\n😀");
    }

    @Test
    void theTextPatternOfLogbackXmlWritesOneLinePerEvent() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(EscapedMessageConverterTest.class.getResource("/logback.xml"));
        assertThat(context.getStatusManager().getCopyOfStatusList()).as("logback.xml loads without warnings")
                .noneMatch(s -> s.getLevel() >= Status.WARN);
        ch.qos.logback.core.ConsoleAppender<?> console = (ch.qos.logback.core.ConsoleAppender<?>) context
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogFormatSwitch.APPENDER);
        String pattern = ((ch.qos.logback.core.pattern.PatternLayoutEncoderBase<?>) console.getEncoder()).getPattern();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(pattern);
        layout.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("dev.ferry.engine.Lane"), Level.INFO,
                "{}: uploaded", null, new Object[] {"photos/cr\rFAKE\n\u001b[31m.txt"});

        String line = layout.doLayout(event);

        assertThat(line).endsWith("Lane - photos/cr\\rFAKE\\n\\u001b[31m.txt: uploaded" + System.lineSeparator());
        assertThat(line.lines()).hasSize(1);
    }
}
