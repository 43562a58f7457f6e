package dev.ferry.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * {@code length} bytes of a file from {@code offset}, read straight from the file each time the SDK asks for the
 * body (again on a retry), so a part of any size costs no more memory than a read buffer. A file that turns out
 * shorter fails with {@link FileChangedException}; one whose bytes changed is refused by S3 through the part's
 * Content-MD5.
 */
record FileRegion(Path file, long offset, long length) implements ContentStreamProvider {

    @Override
    public InputStream newStream() {
        try {
            return new RegionStream(FileChannel.open(file, StandardOpenOption.READ), offset, length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(new LocalReadException(e));
        }
    }

    private static final class RegionStream extends InputStream {
        private final FileChannel channel;
        private final long end;
        private long position;

        RegionStream(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.position = offset;
            this.end = offset + length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position >= end) {
                return -1;
            }
            int want = (int) Math.min(len, end - position);
            int n;
            try {
                n = channel.read(ByteBuffer.wrap(b, off, want), position);
            } catch (IOException e) {
                throw new LocalReadException(e);
            }
            if (n < 0) {
                throw new FileChangedException("file is shorter than " + end + " bytes: it changed while uploading");
            }
            position += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
