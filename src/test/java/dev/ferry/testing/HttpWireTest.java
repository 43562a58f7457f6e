package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpWireTest {

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsHeadsOneAfterTheOther() throws Exception {
        InputStream in = bytes("GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\n\r\n");
        assertThat(HttpWire.readHead(in)).isEqualTo("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(HttpWire.readHead(in)).isEqualTo("HEAD /b HTTP/1.1\r\n\r\n");
        assertThat(HttpWire.readHead(in)).isNull();
        assertThatThrownBy(() -> HttpWire.readHead(bytes("GET /a HT"))).isInstanceOf(EOFException.class);
    }

    @Test
    void copiesABodyByItsLengthAndLeavesTheNextRequest() throws Exception {
        String head = "PUT /b/k HTTP/1.1\r\nContent-Length: 5\r\n\r\n";
        InputStream in = bytes("helloGET /next");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(HttpWire.copyBody(head, in, out, Long.MAX_VALUE, false, false)).isEqualTo(5);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("hello");
        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("GET /next");
    }

    @Test
    void copiesAChunkedBodyWithItsFramingAndTrailers() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        String body = "5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nx-trailer: t\r\n\r\n";
        InputStream in = bytes(body + "rest");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpWire.copyBody(head, in, out, Long.MAX_VALUE, false, false);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(body);
        assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("rest");
    }

    @Test
    void stopsAtTheLimitAndFlipsTheFirstByteWhenAsked() throws Exception {
        String head = "PUT /b/k HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(HttpWire.copyBody(head, bytes("abcdefghij"), out, 4, true, false)).isEqualTo(4);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("`bcd");
        assertThatThrownBy(() -> HttpWire.copyBody(head, bytes("abc"), new ByteArrayOutputStream(), Long.MAX_VALUE,
                false, false)).isInstanceOf(EOFException.class);
    }

    @Test
    void knowsWhichResponsesHaveBodies() {
        String ok = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n";
        assertThat(HttpWire.responseHasBody("GET", ok)).isTrue();
        assertThat(HttpWire.responseHasBody("HEAD", ok)).isFalse();
        assertThat(HttpWire.responseHasBody("PUT", "HTTP/1.1 204 No Content\r\n\r\n")).isFalse();
        assertThat(HttpWire.bodyUntilClose("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")).isTrue();
        assertThat(HttpWire.wantsClose("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")).isTrue();
        assertThat(HttpWire.status("HTTP/1.1 503 Slow Down\r\n\r\n")).isEqualTo(503);
        assertThat(HttpWire.expectsContinue("PUT /b/k HTTP/1.1\r\nExpect: 100-continue\r\n\r\n")).isTrue();
        assertThat(HttpWire.expectsContinue("PUT /b/k HTTP/1.1\r\n\r\n")).isFalse();
    }

    @Test
    void answersAsS3DoesWhenInTrouble() {
        String answer = new String(HttpWire.s3Error(503, "SlowDown", "Please reduce your request rate.", "/b/k<1>"),
                StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .contains("<Code>SlowDown</Code>", "<Resource>/b/k&lt;1&gt;</Resource>");
        int body = answer.indexOf("\r\n\r\n") + 4;
        assertThat(answer).contains("Content-Length: " + answer.substring(body).getBytes(StandardCharsets.UTF_8).length);
    }
}
