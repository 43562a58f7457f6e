package dev.ferry.app;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.ferry.core.ControlCharacters;

/**
 * {@code %escapedMsg} in logback.xml: the formatted message with every control character written visibly,
 * so that a file name cannot split an event over two lines, forge another line or colour the terminal. Line
 * breaks (U+000A, U+000D, U+0085, U+2028, U+2029), tab, ESC and the other C0 controls and DEL become
 * {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}, as in the JSON format; a backslash becomes
 * {@code \\}, so a name holding a backslash and an n cannot pass for one holding a line break. It runs for
 * every log line, so a message without such characters (nearly all) is returned as it is, after one scan
 * and no copy. The same escape ({@link ControlCharacters}) writes the paths in what the commands print.
 */
public final class EscapedMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return escape(event.getFormattedMessage());
    }

    /** {@code text} with control characters and backslashes escaped; {@code text} itself when there are none. */
    static String escape(String text) {
        return ControlCharacters.escape(text);
    }
}
