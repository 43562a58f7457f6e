package dev.ferry.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import dev.ferry.config.LogFormat;
import java.util.Optional;
import net.logstash.logback.decorate.CharacterEscapesJsonFactoryDecorator;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.LoggerFactory;

/**
 * Switches the console appender of logback.xml to JSON lines when asked, before the first log line: one
 * object per line with {@code timestamp} (ISO-8601, UTC), {@code level}, {@code logger}, {@code thread},
 * {@code message}, {@code stack_trace} when there is one, and each SLF4J key-value as a field of its own
 * (numbers stay numbers). The text format stays the one logback.xml defines.
 */
final class LogFormatSwitch {
    /** The appender's name in logback.xml. */
    static final String APPENDER = "STDOUT";
    private static final String IGNORE = "[ignore]";

    private LogFormatSwitch() {
    }

    /**
     * JSON escapes only U+0000-U+001F; a file name may also hold DEL, NEL (U+0085) or the Unicode line and
     * paragraph separators, which some log shippers and terminals take for line breaks or controls. They are
     * escaped as in the text format ({@link EscapedMessageConverter}), so one event is always one line.
     */
    private static CharacterEscapesJsonFactoryDecorator lineSafeEscapes() {
        CharacterEscapesJsonFactoryDecorator escapes = new CharacterEscapesJsonFactoryDecorator();
        for (int c : new int[] {0x7f, 0x85, 0x2028, 0x2029}) {
            escapes.addEscape(new CharacterEscapesJsonFactoryDecorator.Escape(c, String.format("\\u%04x", c)));
        }
        return escapes;
    }

    /**
     * Sends the console appender's lines to standard error instead of standard output, before the first log
     * line: the one-shot and client commands keep stdout for their results (a table, a summary, one JSON
     * document), so that {@code ferry sync --json | jq} and {@code ferry failed > list.txt} get nothing else.
     * The daemon keeps logging to stdout, where journald and {@code docker logs} read it.
     *
     * @return false when the logging backend is not the configured Logback console
     */
    static boolean toStandardError() {
        Optional<ConsoleAppender<ILoggingEvent>> console = console();
        if (console.isEmpty()) {
            return false;
        }
        ConsoleAppender<ILoggingEvent> appender = console.get();
        appender.stop();
        appender.setTarget("System.err");
        appender.start();
        return true;
    }

    private static Optional<ConsoleAppender<ILoggingEvent>> console() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return Optional.empty();
        }
        Appender<ILoggingEvent> appender = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
        return appender instanceof ConsoleAppender<ILoggingEvent> console ? Optional.of(console) : Optional.empty();
    }

    /** Applies {@code format}; false when the logging backend is not the configured Logback console. */
    static boolean apply(LogFormat format) {
        if (format == LogFormat.TEXT) {
            return true;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        Appender<ILoggingEvent> appender = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
        if (!(appender instanceof ConsoleAppender<ILoggingEvent> console)) {
            return false;
        }
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        LogstashFieldNames names = new LogstashFieldNames();
        names.setTimestamp("timestamp");
        names.setLogger("logger");
        names.setThread("thread");
        names.setVersion(IGNORE);
        names.setLevelValue(IGNORE);
        encoder.setFieldNames(names);
        encoder.setTimeZone("UTC");
        encoder.setJsonFactoryDecorator(lineSafeEscapes());
        encoder.start();
        console.stop();
        console.setEncoder(encoder);
        console.start();
        return true;
    }
}
