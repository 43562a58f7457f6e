package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ExactLengthInputStreamTest {

    @Test
    void deliversExactlyTheExpectedBytes() throws IOException {
        try (InputStream in = new ExactLengthInputStream(new ByteArrayInputStream("hello".getBytes()), 5)) {
            assertThat(in.readAllBytes()).isEqualTo("hello".getBytes());
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void failsWhenTheFileIsShorter() {
        InputStream in = new ExactLengthInputStream(new ByteArrayInputStream("hell".getBytes()), 5);

        assertThatThrownBy(in::readAllBytes).isInstanceOf(FileChangedException.class).hasMessageContaining("shorter");
    }

    @Test
    void failsWhenTheFileIsLonger() {
        InputStream in = new ExactLengthInputStream(new ByteArrayInputStream("hello!".getBytes()), 5);

        assertThatThrownBy(in::readAllBytes).isInstanceOf(FileChangedException.class).hasMessageContaining("grew");
    }

    @Test
    void wrapsReadErrorsAsLocal() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Input/output error");
            }
        };
        InputStream in = new ExactLengthInputStream(broken, 5);

        assertThatThrownBy(in::read).isInstanceOf(LocalReadException.class).hasMessage("Input/output error");
    }
}
