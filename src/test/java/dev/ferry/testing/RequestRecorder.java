package dev.ferry.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits the bytes a client sends on one connection into HTTP/1.1 requests and keeps each request's head
 * (request line and headers). Bodies are skipped by their Content-Length; a chunked body ends the recording of
 * that connection (the SDK sends lengths). Can change the first byte of a body on its way, to show what a server does
 * with a body altered in transit.
 */
final class RequestRecorder {
    private static final int MAX_HEAD = 64 * 1024;
    /** "\r\n\r\n" as four bytes. */
    private static final int END_OF_HEAD = 0x0D0A0D0A;
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    private final Consumer<String> onHead;
    private final Predicate<String> tamper;
    private boolean tamperNext;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private int lastFour;
    private long bodyLeft;
    private boolean lost;

    /** {@code tamper} says, from its head, whether a request's body gets its first byte flipped. */
    RequestRecorder(Consumer<String> onHead, Predicate<String> tamper) {
        this.onHead = onHead;
        this.tamper = tamper;
    }

    void accept(byte[] bytes, int length) {
        int i = 0;
        while (i < length && !lost) {
            if (bodyLeft > 0) {
                int skip = (int) Math.min(bodyLeft, length - i);
                if (tamperNext) {
                    bytes[i] ^= 0x01;
                    tamperNext = false;
                }
                bodyLeft -= skip;
                i += skip;
                continue;
            }
            byte b = bytes[i++];
            head.write(b);
            lastFour = (lastFour << 8) | (b & 0xff);
            if (lastFour == END_OF_HEAD) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                head.reset();
                lastFour = 0;
                onHead.accept(text);
                Matcher m = CONTENT_LENGTH.matcher(text);
                bodyLeft = m.find() ? Long.parseLong(m.group(1)) : 0;
                tamperNext = bodyLeft > 0 && tamper.test(text);
                lost = text.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked");
            } else if (head.size() > MAX_HEAD) {
                lost = true;
            }
        }
    }
}
