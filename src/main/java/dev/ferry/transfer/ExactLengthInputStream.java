package dev.ferry.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads exactly {@code expected} bytes of a local file and fails with {@link FileChangedException} when the
 * file turns out shorter or longer, so a file that changes during an upload is never stored truncated or
 * mixed. Errors of the underlying stream are wrapped in {@link LocalReadException}.
 */
final class ExactLengthInputStream extends FilterInputStream {
    private final long expected;
    private long remaining;

    ExactLengthInputStream(InputStream in, long expected) {
        super(in);
        this.expected = expected;
        this.remaining = expected;
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
        if (remaining == 0) {
            checkAtEnd();
            return -1;
        }
        int n = readUnderlying(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new FileChangedException("file is shorter than " + expected + " bytes: it changed while uploading");
        }
        remaining -= n;
        if (remaining == 0) {
            checkAtEnd();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // not supported: the SDK reopens the file through the content provider to retry
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    private void checkAtEnd() throws IOException {
        byte[] probe = new byte[1];
        int n;
        do {
            n = readUnderlying(probe, 0, 1);
        } while (n == 0);
        if (n > 0) {
            throw new FileChangedException("file grew past " + expected + " bytes: it changed while uploading");
        }
    }

    private int readUnderlying(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (FileChangedException | LocalReadException e) {
            throw e;
        } catch (IOException e) {
            throw new LocalReadException(e);
        }
    }
}
