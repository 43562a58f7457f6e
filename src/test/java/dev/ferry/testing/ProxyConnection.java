package dev.ferry.testing;

import dev.ferry.testing.FaultPlan.Fault;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One client connection of {@link CountingProxy}: reads each request, chooses its fault, and forwards it on a
 * connection of its own to the server (opened at the first request that needs it), one request at a time.
 */
final class ProxyConnection implements Runnable {
    private static final long ALL = Long.MAX_VALUE;

    private final CountingProxy proxy;
    private final Socket client;
    private final int targetPort;
    private Socket upstream;
    private InputStream upstreamIn;
    private boolean graceful;
    private CountingProxy.Admitted lastStore;
    private volatile CountingProxy.Admitted current;

    ProxyConnection(CountingProxy proxy, Socket client, int targetPort) {
        this.proxy = proxy;
        this.client = client;
        this.targetPort = targetPort;
    }

    /** The request being handled now, or null between requests. */
    CountingProxy.Admitted current() {
        return current;
    }

    @Override
    public void run() {
        try {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            boolean open = true;
            while (open) {
                String head;
                try {
                    head = HttpWire.readHead(in);
                } catch (IOException e) {
                    // reset right after an answer, with no new request: the client dropped the connection instead
                    // of reading the answer (its timeout fired as the answer came)
                    if (lastStore != null) {
                        proxy.traffic().injected(lastStore.request(), lastStore.nth(), Fault.CLIENT_GONE);
                    }
                    throw e;
                }
                lastStore = null;
                if (head == null) {
                    graceful = true;
                    break;
                }
                CountingProxy.Admitted admitted = proxy.admit(S3Request.parse(head));
                current = admitted;
                try {
                    open = exchange(admitted, in, out);
                } finally {
                    current = null;
                }
            }
        } catch (IOException | RuntimeException e) {
            // a side went away (or a fault ended the exchange): close both
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (graceful) {
                closeQuietly(client);
                if (upstream != null) {
                    closeQuietly(upstream);
                }
            } else {
                reset();
            }
            proxy.closed(this);
        }
    }

    /** Handles one request; whether the connection stays open for the next. */
    private boolean exchange(CountingProxy.Admitted admitted, InputStream in, OutputStream out)
            throws IOException, InterruptedException {
        S3Request request = admitted.request();
        Fault fault = admitted.fault();
        String head = request.head();
        if (fault != Fault.BLACK_HOLE && HttpWire.expectsContinue(head)) {
            // answered here, so the body comes at once whatever the fault; the server's own 100 is dropped below
            out.write(HttpWire.CONTINUE);
            out.flush();
        }
        switch (fault) {
            case BLACK_HOLE -> {
                in.transferTo(OutputStream.nullOutputStream());
                return false;
            }
            case ERROR_500, SLOW_DOWN_503 -> {
                HttpWire.copyBody(head, in, OutputStream.nullOutputStream(), ALL, false, false);
                boolean slow = fault == Fault.SLOW_DOWN_503;
                out.write(HttpWire.s3Error(slow ? 503 : 500, slow ? "SlowDown" : "InternalError",
                        slow ? "Please reduce your request rate." : "We encountered an internal error. Please try again.",
                        "/" + request.target()));
                out.flush();
                graceful = HttpWire.wantsClose(head);
                return !graceful;
            }
            case ACCESS_DENIED_403 -> {
                HttpWire.copyBody(head, in, OutputStream.nullOutputStream(), ALL, false, false);
                out.write(HttpWire.s3Error(403, "AccessDenied", "Access Denied", "/" + request.target()));
                out.flush();
                graceful = HttpWire.wantsClose(head);
                return !graceful;
            }
            case RESET_MID_BODY -> {
                OutputStream up = upstream().getOutputStream();
                up.write(head.getBytes(StandardCharsets.ISO_8859_1));
                long half = request.chunked() ? 1024 : request.contentLength() / 2;
                HttpWire.copyBody(head, in, up, half, false, false);
                up.flush();
                return false;
            }
            case LATENCY -> Thread.sleep(proxy.plan().delay().toMillis());
            default -> {
                // forwarded as it is
            }
        }
        Socket server = upstream();
        OutputStream up = server.getOutputStream();
        up.write(head.getBytes(StandardCharsets.ISO_8859_1));
        HttpWire.copyBody(head, in, up, ALL, proxy.tampers(head), false);
        up.flush();
        InputStream down = upstreamIn;
        String response = HttpWire.readHead(down);
        while (response != null && HttpWire.status(response) / 100 == 1) {
            response = HttpWire.readHead(down);
        }
        if (response == null) {
            return false;
        }
        int status = HttpWire.status(response);
        if (status / 100 == 2 && request.operation().writesObject()) {
            proxy.traffic().stored(request);
            lastStore = admitted;
        }
        boolean body = HttpWire.responseHasBody(request.method(), response);
        boolean untilClose = body && HttpWire.bodyUntilClose(response);
        boolean relay = fault != Fault.LOST_RESPONSE;
        if (relay && clientGone(in)) {
            proxy.traffic().injected(request, admitted.nth(), Fault.CLIENT_GONE);
        }
        OutputStream to = relay ? out : OutputStream.nullOutputStream();
        try {
            to.write(response.getBytes(StandardCharsets.ISO_8859_1));
            if (body) {
                HttpWire.copyBody(response, down, to, ALL, false, untilClose);
            }
            to.flush();
        } catch (IOException e) {
            proxy.traffic().injected(request, admitted.nth(), Fault.CLIENT_GONE);
            throw e;
        }
        if (fault == Fault.LOST_RESPONSE) {
            return false;
        }
        graceful = untilClose || HttpWire.wantsClose(response) || HttpWire.wantsClose(head);
        return !graceful;
    }

    /**
     * Whether the client closed its side while the server worked (it gave up: its timeout, or it died), looked at
     * without waiting: a byte that is already there stays for the next request.
     */
    private boolean clientGone(InputStream in) {
        try {
            client.setSoTimeout(1);
            in.mark(1);
            if (in.read() < 0) {
                return true;
            }
            in.reset();
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        } finally {
            try {
                client.setSoTimeout(0);
            } catch (IOException e) {
                // closed: the next write says so
            }
        }
    }

    private Socket upstream() throws IOException {
        if (upstream == null) {
            upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            upstream.setTcpNoDelay(true);
            upstreamIn = new BufferedInputStream(upstream.getInputStream());
        }
        return upstream;
    }

    /** Closes both sides with a TCP reset (SO_LINGER 0): the peer sees "connection reset", not a clean end. */
    void reset() {
        resetQuietly(client);
        if (upstream != null) {
            resetQuietly(upstream);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private static void resetQuietly(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
