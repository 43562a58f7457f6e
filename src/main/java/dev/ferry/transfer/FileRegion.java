package dev.ferry.transfer;

import dev.ferry.core.ItemContent;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * {@code length} bytes of an item from {@code offset}, read straight from the item's content each time the SDK
 * asks for the body (again on a retry), so a part of any size costs no more memory than a read buffer. Content
 * that turns out shorter fails with {@link FileChangedException}; content whose bytes changed is refused by S3
 * through the part's Content-MD5.
 */
record FileRegion(ItemContent content, long offset, long length) implements ContentStreamProvider {

    @Override
    public InputStream newStream() {
        try {
            return new RegionStream(content.open(offset, length), offset, length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(new LocalReadException(e));
        }
    }

    private static final class RegionStream extends InputStream {
        private final InputStream in;
        private final long end;
        private long position;

        RegionStream(InputStream in, long offset, long length) {
            this.in = in;
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
                n = in.read(b, off, want);
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
            in.close();
        }
    }
}
