package dev.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.testing.S3Request.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S3RequestTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PUT /photos/day%201/a.jpg|                                  |PUT_OBJECT        |photos/day 1/a.jpg",
        "PUT /photos/a.jpg?partNumber=2&uploadId=xyz|               |UPLOAD_PART       |photos/a.jpg",
        "PUT /photos/copy.jpg|x-amz-copy-source: /other/a.jpg       |COPY_OBJECT       |photos/copy.jpg",
        "PUT /photos|                                               |BUCKET            |photos",
        "POST /photos/a.jpg?uploads|                                |CREATE_MULTIPART  |photos/a.jpg",
        "POST /photos/a.jpg?uploadId=xyz|                           |COMPLETE_MULTIPART|photos/a.jpg",
        "DELETE /photos/a.jpg?uploadId=xyz|                         |ABORT_MULTIPART   |photos/a.jpg",
        "POST /photos?delete|                                       |DELETE_OBJECTS    |photos",
        "HEAD /photos/a%2Bb+c.jpg|                                  |HEAD_OBJECT       |photos/a+b+c.jpg",
        "HEAD /photos|                                              |BUCKET            |photos",
        "GET /photos?list-type=2&prefix=x%2F|                       |LIST              |photos",
        "GET /photos/|                                              |LIST              |photos",
        "GET /photos?location|                                      |BUCKET            |photos",
        "GET /photos/a.jpg|                                         |GET_OBJECT        |photos/a.jpg",
        "DELETE /photos/a.jpg|                                      |DELETE_OBJECT     |photos/a.jpg",
        "GET /|                                                     |SERVICE           |''",
    })
    void classifiesPathStyleRequests(String line, String header, Operation operation, String target) {
        String head = line + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (header == null ? "" : header + "\r\n") + "\r\n";
        S3Request request = S3Request.parse(head);
        assertThat(request.operation()).isEqualTo(operation);
        assertThat(request.target()).isEqualTo(target);
    }

    @Test
    void readsTheBodyFraming() {
        S3Request put = S3Request.parse("PUT /b/k HTTP/1.1\r\nContent-Length: 42\r\n\r\n");
        assertThat(put.contentLength()).isEqualTo(42);
        assertThat(put.hasBody()).isTrue();
        assertThat(put.bucket()).contains("b");
        S3Request chunked = S3Request.parse("PUT /b/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(chunked.chunked()).isTrue();
        assertThat(S3Request.parse("GET / HTTP/1.1\r\n\r\n").bucket()).isEmpty();
        assertThat(S3Request.parse("HEAD /b/k HTTP/1.1\r\n\r\n").hasBody()).isFalse();
    }

    @Test
    void refusesWhatIsNotARequestLine() {
        assertThatThrownBy(() -> S3Request.parse("garbage\r\n\r\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("garbage");
    }

    @Test
    void onlyCompletedWritesStoreContent() {
        assertThat(Operation.PUT_OBJECT.writesObject()).isTrue();
        assertThat(Operation.COMPLETE_MULTIPART.writesObject()).isTrue();
        assertThat(Operation.UPLOAD_PART.writesObject()).isFalse();
        assertThat(Operation.HEAD_OBJECT.writesObject()).isFalse();
    }
}
