package dev.ferry.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * An upload body stream that draws every byte it hands out from a {@link BandwidthLimiter}. It reads at most the
 * limiter's chunk size at a time and waits for the bytes it read before returning them, so the sender never gets
 * ahead of the limit by more than one chunk.
 */
final class ThrottledInputStream extends FilterInputStream {
    private final BandwidthLimiter limiter;

    ThrottledInputStream(InputStream in, BandwidthLimiter limiter) {
        super(in);
        this.limiter = limiter;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            take(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, Math.min(len, limiter.chunkBytes()));
        if (n > 0) {
            take(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes are not sent, so they cost nothing
        return in.skip(n);
    }

    @Override
    public boolean markSupported() {
        // a reset would send bytes again that were already paid for; the SDK then opens a new stream instead
        return false;
    }

    @Override
    public synchronized void mark(int readlimit) {
        // not supported
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    private void take(int bytes) throws InterruptedIOException {
        try {
            limiter.acquire(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for upload bandwidth");
        }
    }
}
