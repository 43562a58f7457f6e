package dev.ferry.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 framing for {@link CountingProxy}: heads, bodies by Content-Length or chunked, S3's error answers. */
final class HttpWire {
    private static final int MAX_HEAD = 64 * 1024;
    private static final Pattern STATUS = Pattern.compile("^HTTP/\\d\\.\\d (\\d{3})");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");
    private static final Pattern CHUNKED = Pattern.compile("(?im)^transfer-encoding:.*chunked");
    private static final Pattern EXPECT_CONTINUE = Pattern.compile("(?im)^expect:\\s*100-continue\\s*$");
    static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final Pattern CLOSE = Pattern.compile("(?im)^connection:\\s*close\\s*$");

    private HttpWire() {
    }

    /** The next head (up to and with the empty line), or null when the stream ends before its first byte. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside an HTTP head");
            }
            head.write(b);
            lastFour = (lastFour << 8) | b;
            if (lastFour == 0x0D0A0D0A) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (head.size() > MAX_HEAD) {
                throw new IOException("HTTP head longer than " + MAX_HEAD + " bytes");
            }
        }
    }

    static int status(String responseHead) {
        Matcher m = STATUS.matcher(responseHead);
        if (!m.find()) {
            throw new IllegalArgumentException("not an HTTP status line: " + responseHead.lines().findFirst().orElse(""));
        }
        return Integer.parseInt(m.group(1));
    }

    static boolean expectsContinue(String requestHead) {
        return EXPECT_CONTINUE.matcher(requestHead).find();
    }

    static boolean wantsClose(String head) {
        return CLOSE.matcher(head).find();
    }

    /** Whether a response to a request of {@code method} with this head carries a body. */
    static boolean responseHasBody(String method, String responseHead) {
        int status = status(responseHead);
        return !"HEAD".equals(method) && status >= 200 && status != 204 && status != 304;
    }

    /** Whether a response body without length runs until the connection closes. */
    static boolean bodyUntilClose(String responseHead) {
        return !CONTENT_LENGTH.matcher(responseHead).find() && !CHUNKED.matcher(responseHead).find();
    }

    /**
     * Copies the body that follows {@code head} (Content-Length, chunked, or until the end of the stream when
     * {@code untilClose}) from {@code in} to {@code out}, at most {@code limit} bytes of it; flips the first body byte
     * when {@code flipFirst}. Returns the bytes copied.
     */
    static long copyBody(String head, InputStream in, OutputStream out, long limit, boolean flipFirst,
            boolean untilClose) throws IOException {
        Copier copier = new Copier(in, out, limit, flipFirst);
        if (CHUNKED.matcher(head).find()) {
            while (!copier.full()) {
                String sizeLine = copier.line();
                int semicolon = sizeLine.indexOf(';');
                long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    while (!copier.full() && !copier.line().isEmpty()) {
                        // trailers end with an empty line
                    }
                    break;
                }
                copier.copy(size, false);
                copier.line();
            }
        } else {
            Matcher m = CONTENT_LENGTH.matcher(head);
            if (m.find()) {
                copier.copy(Long.parseLong(m.group(1)), false);
            } else if (untilClose) {
                copier.copy(Long.MAX_VALUE, true);
            }
        }
        out.flush();
        return copier.copied;
    }

    /** The answer of an S3 server in trouble, as S3 words it. */
    static byte[] s3Error(int status, String code, String message, String resource) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><Resource>" + xml(resource) + "</Resource><RequestId>FAULT" + Integer.toHexString(status)
                + "</RequestId></Error>";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String reason = status == 503 ? "Service Unavailable" : status == 403 ? "Forbidden" : "Internal Server Error";
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + bytes.length + "\r\nx-amz-request-id: FAULT" + Integer.toHexString(status) + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + bytes.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
        return all;
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Copies bytes and lines, counting them against a limit. */
    private static final class Copier {
        private final InputStream in;
        private final OutputStream out;
        private final long limit;
        private boolean flip;
        private long copied;
        private final byte[] buffer = new byte[16 * 1024];

        Copier(InputStream in, OutputStream out, long limit, boolean flipFirst) {
            this.in = in;
            this.out = out;
            this.limit = limit;
            this.flip = flipFirst;
        }

        boolean full() {
            return copied >= limit;
        }

        void copy(long length, boolean eofEnds) throws IOException {
            long left = length;
            while (left > 0 && !full()) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, Math.min(left, limit - copied)));
                if (n < 0) {
                    if (eofEnds) {
                        return;
                    }
                    throw new EOFException("stream ended inside an HTTP body");
                }
                if (flip) {
                    buffer[0] ^= 0x01;
                    flip = false;
                }
                out.write(buffer, 0, n);
                copied += n;
                left -= n;
            }
        }

        /** A line of chunked framing without its CRLF (copied through as it is). */
        String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int previous = -1;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("stream ended inside chunked framing");
                }
                out.write(b);
                copied++;
                if (previous == '\r' && b == '\n') {
                    return sb.substring(0, sb.length() - 1);
                }
                sb.append((char) b);
                previous = b;
            }
        }
    }
}
