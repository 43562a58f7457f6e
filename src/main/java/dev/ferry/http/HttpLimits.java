package dev.ferry.http;

import java.time.Duration;

/**
 * What one client may cost the status port. The port serves a person, a health check and a metrics scraper,
 * a few connections at a time; these limits keep a flood of connections or slow clients from using up the
 * daemon's file descriptors (which its watcher, sweeps and uploads need) or its memory, and keep /status
 * answering meanwhile. They are fixed: no user of a status port needs more.
 *
 * @param maxConnections connections open at once; a new one beyond it closes the connection that has made no
 *                       progress for the longest time and is not being answered (Jetty's
 *                       {@code NetworkConnectionLimit} stops accepting at twice this, should every one be busy)
 * @param idleTimeout    a connection with no traffic for this long is closed
 * @param requestTimeout a connection that has started to send a request and has neither completed its head nor
 *                       been answered for this long is closed, however slowly it trickles bytes
 * @param maxHeaderBytes request line and headers together (a longer URI is answered 414, longer headers 431)
 * @param maxBodyBytes   request body read by an endpoint (larger is answered 413); no public endpoint reads one
 */
record HttpLimits(int maxConnections, Duration idleTimeout, Duration requestTimeout, int maxHeaderBytes,
        int maxBodyBytes) {

    HttpLimits {
        if (maxConnections < 1 || maxHeaderBytes < 1024 || maxBodyBytes < 1) {
            throw new IllegalArgumentException("HTTP limits must be positive: " + maxConnections + " connections, "
                    + maxHeaderBytes + " header bytes, " + maxBodyBytes + " body bytes");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("HTTP timeouts must be positive: idle " + idleTimeout + ", request "
                    + requestTimeout);
        }
    }

    /** The daemon's limits: 64 connections, 10 s idle, 10 s to send a request head, 8 KiB of head, 16 KiB of body. */
    static HttpLimits standard() {
        return new HttpLimits(64, Duration.ofSeconds(10), Duration.ofSeconds(10), 8 * 1024, 16 * 1024);
    }

    /** The hard ceiling Jetty enforces by not accepting: twice {@link #maxConnections()}. */
    int acceptLimit() {
        return maxConnections * 2;
    }
}
