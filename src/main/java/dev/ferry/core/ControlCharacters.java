package dev.ferry.core;

/**
 * The one escape for text that ends up on a terminal or in a log: a file name may hold line breaks, ESC or
 * other controls, which would split a line, forge another one or colour the terminal. Line breaks (U+000A,
 * U+000D, U+0085, U+2028, U+2029), tab, ESC and the other C0 controls and DEL become {@code \n}, {@code \r},
 * {@code \t} or {@code \}{@code uXXXX}, as in JSON; a backslash becomes {@code \\}, so a name holding a
 * backslash and an n cannot pass for one holding a line break. Used by the log format and by every line the
 * commands print.
 */
public final class ControlCharacters {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ControlCharacters() {
    }

    /** {@code text} with control characters and backslashes escaped; {@code text} itself when there are none. */
    public static String escape(String text) {
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
