package dev.ferry.app;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %escapedMsg} in logback.xml: the formatted message with every control character written visibly,
 * so that a file name cannot split an event over two lines, forge another line or colour the terminal. Line
 * breaks (U+000A, U+000D, U+0085, U+2028, U+2029), tab, ESC and the other C0 controls and DEL become
 * {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}, as in the JSON format; a backslash becomes
 * {@code \\}, so a name holding a backslash and an n cannot pass for one holding a line break. It runs for
 * every log line, so a message without such characters (nearly all) is returned as it is, after one scan
 * and no copy.
 */
public final class EscapedMessageConverter extends ClassicConverter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    @Override
    public String convert(ILoggingEvent event) {
        return escape(event.getFormattedMessage());
    }

    /** {@code text} with control characters and backslashes escaped; {@code text} itself when there are none. */
    static String escape(String text) {
        if (text == null) {
            return null;
        }
        int first = 0;
        int length = text.length();
        while (first < length && !needsEscape(text.charAt(first))) {
            first++;
        }
        if (first == length) {
            return text;
        }
        StringBuilder out = new StringBuilder(length + 16).append(text, 0, first);
        for (int i = first; i < length; i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                        .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean needsEscape(char c) {
        if (c < 0x80) {
            return c < 0x20 || c == '\\' || c == 0x7f;
        }
        return c == 0x85 || c == 0x2028 || c == 0x2029;
    }
}
